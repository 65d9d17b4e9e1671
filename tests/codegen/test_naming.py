"""Golden tests for names: odd but legitimate names are sanitized, inline unions get readable names.

One small spec (ODD) holds every naming case; it is generated once per module
as the package ``odd_api`` (``--package-name``), so it imports beside the
committed ``heygen_studio_api``.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

pytest.importorskip("openapi_python_client", reason="the generators need Python 3.11+")

from codegen.errors import CodegenError
from codegen.generate import generate_tree
from codegen.names import class_name, snake_name
from codegen.unions import match_tags

ARM_DESCRIPTION = "Must be '{tag}' for {tag} videos."


def _arm(tag: str, extra: str) -> dict[str, Any]:
    """An inline arm whose tag is only said in prose, as in HeyGen's /v3/videos."""
    return {
        "type": "object",
        "required": ["kind", extra],
        "properties": {
            "kind": {"type": "string", "description": ARM_DESCRIPTION.format(tag=tag)},
            extra: {"type": "string"},
        },
    }


MAPPED_UNION = {
    "oneOf": [_arm("image", "image_url"), _arm("avatar", "avatar_id")],
    "discriminator": {
        "propertyName": "kind",
        # Sorted by tag, unlike the arms, and pointing at components that were never published.
        "mapping": {"avatar": "#/components/schemas/AvatarRequest", "image": "#/components/schemas/ImageRequest"},
    },
}

ODD: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "odd", "version": "1"},
    "paths": {
        "/pets/{pet-id}": {
            "get": {
                "operationId": "find pet by id",
                "tags": ["Pet Store"],
                "parameters": [
                    {"name": "pet-id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "include[]", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/1st Pet"}}},
                    }
                },
            }
        },
        "/videos?beta=true": {
            "post": {
                "operationId": "find-pet-by-id",
                "tags": ["pet store"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": MAPPED_UNION}}},
                "responses": {"204": {"description": "ok"}},
            }
        },
        "/template/<id>": {"delete": {"operationId": "drop template", "responses": {"204": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "1st Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "hate/threatening": {"type": "boolean"},
                    "class": {"type": "string"},
                    "caf\u00e9": {"type": "string"},
                    "x-y": {"type": "integer"},
                },
            },
            "FooBar": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Foo_Bar": {
                "type": "object",
                "properties": {"a-b": {"type": "string"}, "a_b": {"type": "integer"}, "A.B": {"type": "boolean"}},
            },
            "Caf\u00e9": {"type": "object", "properties": {"c": {"type": "string"}}},
            "Drawing": {
                "type": "object",
                "properties": {
                    "request": MAPPED_UNION,
                    "shape": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["form"],
                                "properties": {"form": {"const": "circle"}, "radius": {"type": "number"}},
                            },
                            {
                                "type": "object",
                                "required": ["form"],
                                "properties": {"form": {"enum": ["square"]}, "side": {"type": "number"}},
                            },
                        ]
                    },
                    "blob": {
                        "oneOf": [
                            {"type": "object", "properties": {"p": {"type": "string"}}},
                            {"type": "object", "properties": {"q": {"type": "integer"}}},
                        ]
                    },
                    "frame": {"type": ["object", "null"], "properties": {"w": {"type": "integer"}}},
                },
            },
        }
    },
}


def _forget(prefix: str) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == prefix]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("odd")
    generate_tree(json.loads(json.dumps(ODD)), out, source="odd.json", package_name="odd_api")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("odd_api")
    finally:
        sys.path.remove(str(out))
        _forget("odd_api")


def test_golden_model_names(odd: ModuleType) -> None:
    models = importlib.import_module("odd_api.models")
    assert [
        "AvatarRequest",
        "Cafe",
        "Drawing",
        "DrawingBlobType0",
        "DrawingBlobType1",
        "DrawingFrame",
        "DrawingShapeCircle",
        "DrawingShapeSquare",
        "FooBar",
        "FooBar2",
        "ImageRequest",
        "Schema1StPet",
    ] == sorted(models.__all__)


def test_golden_endpoint_modules(odd: ModuleType) -> None:
    root = Path(odd.__file__).parent / "api"
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py") if p.name != "__init__.py")
    assert ["default/drop_template.py", "pet_store/find_pet_by_id.py", "pet_store2/find_pet_by_id2.py"] == found


def test_wire_names_stay_exact(odd: ModuleType) -> None:
    models = importlib.import_module("odd_api.models")
    wire = {"name": "n", "hate/threatening": True, "class": "c", "caf\u00e9": "x", "x-y": 1}
    pet = models.Schema1StPet.from_dict(wire)
    assert wire == pet.to_dict()
    assert (True, "c", "x", 1) == (pet.hatethreatening, pet.class_, pet.café, pet.x_y)


def _client(odd: ModuleType, seen: list[httpx.Request]) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client_module = importlib.import_module("odd_api.client")
    return client_module.Client("https://api.test", httpx_args={"transport": httpx.MockTransport(answer)})


def test_urls_keep_wire_names_placeholders_and_query(odd: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = _client(odd, seen)
    importlib.import_module("odd_api.api.pet_store.find_pet_by_id").sync_detailed("p1", client=client, include=["a"])
    models = importlib.import_module("odd_api.models")
    post = importlib.import_module("odd_api.api.pet_store2.find_pet_by_id2")
    post.sync_detailed(client=client, body=models.AvatarRequest(avatar_id="av"))
    importlib.import_module("odd_api.api.default.drop_template").sync_detailed("t9", client=client)
    assert [
        "https://api.test/pets/p1?include%5B%5D=a",
        "https://api.test/videos?beta=true",
        "https://api.test/template/t9",
    ] == [str(r.url) for r in seen]
    assert {"kind": "avatar", "avatar_id": "av"} == json.loads(seen[1].content)


@pytest.mark.parametrize(
    ("wire", "arm"),
    [
        ({"kind": "avatar", "avatar_id": "a"}, "AvatarRequest"),
        ({"kind": "image", "image_url": "u"}, "ImageRequest"),
    ],
)
def test_mapped_inline_arms_dispatch_on_the_tag(odd: ModuleType, wire: dict[str, str], arm: str) -> None:
    models = importlib.import_module("odd_api.models")
    drawing = models.Drawing.from_dict({"request": wire})
    assert arm == type(drawing.request).__name__
    assert {"request": wire} == drawing.to_dict()


def test_an_unknown_tag_names_the_known_ones(odd: ModuleType) -> None:
    models = importlib.import_module("odd_api.models")
    with pytest.raises(ValueError, match=r"^unknown kind 'studio': expected one of 'avatar', 'image'$"):
        models.Drawing.from_dict({"request": {"kind": "studio", "avatar_id": "a"}})


def test_tag_valued_arms_dispatch_and_nullable_objects_are_named(odd: ModuleType) -> None:
    models = importlib.import_module("odd_api.models")
    wire = {"shape": {"form": "square", "side": 2.0}, "frame": None, "blob": {"q": 1}}
    drawing = models.Drawing.from_dict(wire)
    assert ("DrawingShapeSquare", None) == (type(drawing.shape).__name__, drawing.frame)
    assert wire == drawing.to_dict()
    assert {"frame": {"w": 3}} == models.Drawing.from_dict({"frame": {"w": 3}}).to_dict()


def test_every_request_body_has_a_typeddict_inline_ones_too(odd: ModuleType) -> None:
    params = importlib.import_module("odd_api.params")
    arms = set(typing.get_args(params.FindPetById2BodyParams))
    assert {params.AvatarRequestParams, params.ImageRequestParams} == arms
    assert typing.Literal["avatar"] == typing.get_type_hints(params.AvatarRequestParams)["kind"]
    assert {"kind", "avatar_id"} == set(params.AvatarRequestParams.__required_keys__)


def test_attribute_collisions_are_resolved_deterministically(odd: ModuleType) -> None:
    models = importlib.import_module("odd_api.models")
    wire = {"a-b": "s", "a_b": 1, "A.B": True}
    model = models.FooBar2.from_dict(wire)
    assert ("s", 1, True) == (model.ab, model.a_b, model.AB)
    assert wire == model.to_dict()


def test_an_attribute_collision_the_generator_cannot_resolve_is_an_error_naming_both(tmp_path: Path) -> None:
    spec = json.loads(json.dumps(ODD))
    spec["components"]["schemas"]["FooBar"]["properties"] = {"a-b": {}, "a.b": {}, "a b": {}}
    with pytest.raises(CodegenError) as caught:
        generate_tree(spec, tmp_path, source="odd.json")
    assert [
        "odd.json: refused: 2 problems:",
        "  properties 'a-b' and 'a.b' both become the attribute 'ab' at /components/schemas/FooBar/properties",
        "  properties 'a-b' and 'a b' both become the attribute 'ab' at /components/schemas/FooBar/properties",
    ] == str(caught.value).splitlines()


@pytest.mark.parametrize("name", ["odd-api", "1api", "class", "caf\u00e9"])
def test_a_package_name_that_is_not_an_identifier_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(CodegenError, match=rf"^--package-name '{name}' is not a Python package name"):
        generate_tree(json.loads(json.dumps(ODD)), tmp_path, source="odd.json", package_name=name)


@pytest.mark.parametrize(
    ("text", "cls", "snake"),
    [
        ("find pet by id", "FindPetById", "find_pet_by_id"),
        ("include[]", "Include", "include"),
        ("hate/threatening", "HateThreatening", "hate_threatening"),
        ("1st-thing", "Schema1stThing", "op_1st_thing"),
        ("class", "Class", "class_"),
        ("Caf\u00e9 cr\u00e8me", "CafeCreme", "cafe_creme"),
        ("HTTPResponse.v2", "HTTPResponseV2", "http_response_v2"),
        ("\u540d\u5b57", "Schema", "op"),
    ],
)
def test_names_are_readable_identifiers(text: str, cls: str, snake: str) -> None:
    assert (cls, snake) == (class_name(text), snake_name(text))


def test_tags_are_matched_by_const_prose_property_and_elimination() -> None:
    arms = [
        {"properties": {"type": {"description": "Input type discriminator"}, "url": {}}},
        {"properties": {"type": {"description": "Input type discriminator"}, "asset_id": {}}},
        {"properties": {"type": {"description": "Input type discriminator"}, "data": {}}},
        {"properties": {"type": {"description": "Must be 'studio'."}}},
        {"properties": {"type": {"const": "avatar"}}},
    ]
    tags = ["asset_id", "avatar", "base64", "studio", "url"]
    assert ["url", "asset_id", "base64", "studio", "avatar"] == match_tags(arms, tags, "type")


# --- the command line: flags and the summary, on specs refused before any generator runs ------------------


def _cli(tmp_path: Path, spec: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    command = [sys.executable, "-m", "codegen", "generate", *args]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=120)


def _json_and_xml() -> dict[str, Any]:
    spec = json.loads(json.dumps(ODD))
    body = spec["paths"]["/videos?beta=true"]["post"]["requestBody"]["content"]
    body["application/xml"] = {"schema": {"type": "string"}}
    return spec


def test_cli_strict_makes_a_warning_fatal_before_generating(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _cli(tmp_path, _json_and_xml(), "--spec", str(tmp_path / "spec.json"), "--out", str(out), "--strict")
    assert 2 == result.returncode
    assert [
        "error: spec.json: refused (--strict: warnings are fatal): POST /videos?beta=true: request body sent as "
        "application/json only; not generated: application/xml at /paths/~1videos?beta=true/post/requestBody/content"
    ] == result.stderr.splitlines()
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--package-name", "odd-api"], "error: --package-name 'odd-api' is not a Python package name"),
        (["--package-name", "other"], "error: --package-name needs --spec: our own spec keeps heygen_studio_api"),
    ],
)
def test_cli_package_name_errors_are_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    spec_args = ["--spec", str(tmp_path / "spec.json"), "--out", str(tmp_path / "out")] if "odd-api" in args else []
    result = _cli(tmp_path, ODD, *spec_args, *args)
    assert 2 == result.returncode
    assert 1 == len(result.stderr.splitlines()), result.stderr
    assert result.stderr.startswith(expected)


def test_an_arm_several_tags_map_to_is_not_pinned_to_one() -> None:
    from codegen.unions import hoist_unions

    ref = "#/components/schemas/"
    spec: dict[str, Any] = {
        "components": {
            "schemas": {
                "Dog": {"type": "object", "properties": {"pet_type": {"type": "string"}}},
                "Cat": {"type": "object", "properties": {"pet_type": {"type": "string"}}},
                "Pet": {
                    "oneOf": [{"$ref": f"{ref}Dog"}, {"$ref": f"{ref}Cat"}],
                    "discriminator": {
                        "propertyName": "pet_type",
                        "mapping": {"dog": f"{ref}Dog", "puppy": f"{ref}Dog", "cat": f"{ref}Cat"},
                    },
                },
            }
        }
    }
    hoist_unions(spec)
    schemas = spec["components"]["schemas"]
    assert {"type": "string"} == schemas["Dog"]["properties"]["pet_type"]
    assert {"type": "string", "const": "cat"} == schemas["Cat"]["properties"]["pet_type"]
    assert ["pet_type"] == schemas["Cat"]["required"]
