"""Stage 1 with several sources: operation selection, the component closure, conflicts, provenance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from codegen.documents import dump_json
from codegen.errors import CodegenError
from codegen.merge import Source, dump_sources, load_sources, manifest_records, merge_sources, select
from tests.shared import CORPUS, SHARED, needs_corpus

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "openapi"


def ref(name: str, kind: str = "schemas") -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def answer(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def document(**top: Any) -> dict[str, Any]:
    """A spec with two paths, four operations and components reached directly, transitively and not at all."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "summary": "things",
                "get": {"responses": answer({"type": "array", "items": ref("Thing")})},
                "post": {"responses": answer(ref("Unrelated"))},
            },
            "/things/{id}": {
                "get": {"parameters": [ref("Id", "parameters")], "responses": answer(ref("Thing"))},
                "delete": {"security": [{"key": []}], "responses": answer({"type": "object"})},
            },
            "/other": {"get": {"responses": answer(ref("Unrelated"))}},
        },
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"part": ref("Part"), "kind": {"allOf": [ref("Kind")]}}},
                "Part": {"type": "array", "items": ref("Leaf")},
                "Leaf": {"type": "string"},
                "Kind": {"oneOf": [ref("Leaf")], "discriminator": {"mapping": {"x": "#/components/schemas/Never"}}},
                "Unrelated": {"type": "integer"},
            },
            "parameters": {"Id": {"name": "id", "in": "path", "required": True, "schema": ref("Leaf")}},
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "x-api-key"}, "unused": {}},
        },
        **top,
    }


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def sources_file(folder: Path, *sources: Source) -> None:
    (folder / "sources.yaml").write_text(dump_sources(sources), encoding="utf-8")


def source(name: str, file: str, *operations: str) -> Source:
    return Source(name, file, f"test fixture {file}", "2026-12-01", operations)


# --- selection and closure -----------------------------------------------------------------------------


def test_only_the_asked_operations_are_kept_with_their_path_level_keys() -> None:
    selected = select(document(), ["GET /things", "DELETE /things/{id}"], source="s", top_level=True)
    assert {"/things": ["summary", "get"], "/things/{id}": ["delete"]} == {
        path: list(item) for path, item in selected["paths"].items()
    }
    assert ["openapi", "info", "paths", "components"] == list(selected)


def test_components_are_closed_transitively_through_ref_and_unreached_ones_dropped() -> None:
    selected = select(document(), ["GET /things/{id}"], source="s", top_level=True)
    expected = {"schemas": ["Thing", "Part", "Leaf", "Kind"], "parameters": ["Id"]}
    assert expected == {kind: list(items) for kind, items in selected["components"].items()}


def test_security_schemes_named_by_an_operation_come_along() -> None:
    selected = select(document(), ["DELETE /things/{id}"], source="s", top_level=True)
    assert {"securitySchemes": {"key": document()["components"]["securitySchemes"]["key"]}} == selected["components"]


def test_discriminator_mapping_to_unpublished_components_is_tolerated() -> None:
    """/v3/videos maps its tags to schemas the source never published; the mapping is not a $ref."""
    selected = select(document(), ["GET /things"], source="s", top_level=True)
    assert "Never" not in selected["components"]["schemas"]


def test_a_later_source_gives_operations_and_components_only() -> None:
    later = document(servers=[{"url": "https://x"}], security=[{"key": []}])
    selected = select(later, ["GET /things"], source="s", top_level=False)
    assert ["paths", "components"] == list(selected)
    # Its document-wide security moves onto the operation, which would otherwise lose it.
    assert [{"key": []}] == selected["paths"]["/things"]["get"]["security"]
    assert "key" in selected["components"]["securitySchemes"]


@pytest.mark.parametrize(
    ("edit", "operations", "expected"),
    [
        pytest.param(lambda d: None, ["PATCH /things"], "s: has no operation PATCH /things", id="missing-operation"),
        pytest.param(
            lambda d: None,
            ["get /things"],
            "s: operation 'get /things' is not 'METHOD /path' (e.g. 'GET /v3/videos')",
            id="lower",
        ),
        pytest.param(
            lambda d: d["components"]["schemas"].pop("Leaf"),
            ["GET /things"],
            "s: $ref '#/components/schemas/Leaf' names a component the source does not define",
            id="dangling-ref",
        ),
        pytest.param(
            lambda d: d["components"]["schemas"]["Part"].update(items={"$ref": "other.json#/Leaf"}),
            ["GET /things"],
            "s: $ref 'other.json#/Leaf' is not a local '#/components/<kind>/<name>' reference",
            id="remote-ref",
        ),
        pytest.param(
            lambda d: d["components"].pop("securitySchemes"),
            ["DELETE /things/{id}"],
            "s: security scheme 'key' is used but not defined",
            id="undefined-security-scheme",
        ),
    ],
)
def test_selection_refuses_with_one_line(edit: Any, operations: list[str], expected: str) -> None:
    spec = document()
    edit(spec)
    with pytest.raises(CodegenError) as caught:
        select(spec, operations, source="s", top_level=True)
    assert expected == str(caught.value)


# --- merging sources -----------------------------------------------------------------------------------


def test_sources_merge_in_order_uniting_methods_of_one_path(tmp_path: Path) -> None:
    write(tmp_path, "a.json", document())
    write(tmp_path, "b.json", document(info={"title": "b", "version": "9"}))
    sources_file(tmp_path, source("a", "a.json", "GET /things"), source("b", "b.json", "DELETE /things/{id}"))
    merged = merge_sources(tmp_path)
    assert {"title": "t", "version": "1"} == merged["info"]  # the first source's top level
    assert ["/things", "/things/{id}"] == list(merged["paths"])
    assert ["summary", "get"] == list(merged["paths"]["/things"])
    assert ["delete"] == list(merged["paths"]["/things/{id}"])
    assert {"schemas", "securitySchemes"} == set(merged["components"])


@pytest.mark.parametrize(
    ("second", "operations", "expected"),
    [
        pytest.param(
            document(), ["GET /things"], "conflict: GET /things is defined by both {a} and {b}", id="same-operation"
        ),
        pytest.param(
            {
                **document(),
                "components": {
                    **document()["components"],
                    "schemas": {**document()["components"]["schemas"], "Thing": {"type": "integer"}},
                },
            },
            ["GET /other"],
            "",
            id="unreached-component-may-differ",
        ),
    ],
)
def test_conflicting_merge_is_one_line_naming_both_sources(
    tmp_path: Path, second: dict[str, Any], operations: list[str], expected: str
) -> None:
    write(tmp_path, "a.json", document())
    write(tmp_path, "b.json", second)
    sources_file(tmp_path, source("a", "a.json", "GET /things"), source("b", "b.json", *operations))
    if not expected:
        merge_sources(tmp_path)
        return
    with pytest.raises(CodegenError) as caught:
        merge_sources(tmp_path)
    assert expected.format(a="a (a.json)", b="b (b.json)") == str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_same_named_component_with_different_content_is_a_conflict(tmp_path: Path) -> None:
    second = document()
    second["components"]["schemas"]["Leaf"] = {"type": "integer"}
    write(tmp_path, "a.json", document())
    write(tmp_path, "b.json", second)
    sources_file(tmp_path, source("a", "a.json", "GET /things"), source("b", "b.json", "GET /things/{id}"))
    with pytest.raises(CodegenError) as caught:
        merge_sources(tmp_path)
    assert "conflict: components.schemas.Leaf differs between a (a.json) and b (b.json)" == str(caught.value)


def test_a_source_on_another_server_is_a_conflict(tmp_path: Path) -> None:
    write(tmp_path, "a.json", document(servers=[{"url": "https://one"}]))
    write(tmp_path, "b.json", document(servers=[{"url": "https://two"}]))
    sources_file(tmp_path, source("a", "a.json", "GET /things"), source("b", "b.json", "GET /other"))
    with pytest.raises(CodegenError) as caught:
        merge_sources(tmp_path)
    assert str(caught.value).startswith("conflict: servers ['https://two'] of b (b.json) differ from ['https://one']")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sources: []\n", "needs a non-empty 'sources' list"),
        ("sources:\n- name: a\n", "sources[0]: needs exactly the fields name, file, origin, date, operations"),
        (
            "sources:\n- {name: a, file: ../a.json, origin: o, date: d, operations: [GET /a]}\n",
            "sources[0]: 'file' must be a file name in",
        ),
        (
            "sources:\n- {name: a, file: a.json, origin: o, date: d, operations: [GET /a, GET /a]}\n",
            "sources[0]: an operation is listed twice",
        ),
        (
            "sources:\n- {name: a, file: a.json, origin: o, date: d, operations: [GET /a]}\n"
            "- {name: a, file: b.json, origin: o, date: d, operations: [GET /b]}\n",
            "sources[1]: name and file must be unique across sources",
        ),
    ],
)
def test_bad_sources_files_are_refused_by_field(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CodegenError) as caught:
        load_sources(tmp_path)
    assert expected in str(caught.value)


# --- the committed sources -------------------------------------------------------------------------------


def test_committed_sources_merge_into_the_vendored_spec() -> None:
    assert (OPENAPI / "heygen-api.json").read_text(encoding="utf-8") == dump_json(merge_sources(OPENAPI))


def test_committed_sources_file_is_in_its_canonical_form() -> None:
    assert (OPENAPI / "sources.yaml").read_text(encoding="utf-8") == dump_sources(load_sources(OPENAPI))


def test_the_manifest_records_each_source_with_provenance_and_sha256() -> None:
    manifest = json.loads((OPENAPI / "manifest.json").read_text(encoding="utf-8"))
    assert manifest_records(OPENAPI) == manifest["sources"]
    expected = {
        "studio-v2": ["POST /v2/video/generate"],
        "videos-v3-create": ["POST /v3/videos"],
        "external-api": ["GET /v3/videos", "GET /v3/videos/{video_id}", "DELETE /v3/videos/{video_id}"],
    }
    assert expected == {record["name"]: record["operations"] for record in manifest["sources"]}
    versions = {"studio-v2": "4.0.8", "videos-v3-create": "2026-07-21+3905c9a", "external-api": "1.0.0"}
    assert versions == {record["name"]: record["info_version"] for record in manifest["sources"]}
    for record in manifest["sources"]:
        data = (ROOT / record["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["sha256"]
        assert record["origin"] and record["date"]


@needs_corpus
def test_vendored_sources_are_the_published_bytes() -> None:
    corpus, shared = CORPUS, SHARED
    assert (corpus / "v3-videos-history" / "20_2026-07-21_3905c9a.json").read_bytes() == (
        OPENAPI / "v3-videos-create.json"
    ).read_bytes()
    assert (corpus / "external-api-1.0.0.json").read_bytes() == (OPENAPI / "external-api.json").read_bytes()
    assert (shared / "seed" / "generate-studio-video.md").read_bytes() == (
        OPENAPI / "generate-studio-video.md"
    ).read_bytes()


def test_cli_refuses_a_real_conflict_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    """The External API has its own (older) POST /v3/videos: asking for it from both sources is a conflict."""
    import shutil
    import subprocess
    import sys

    for name in ("codegen", "openapi"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    sources = load_sources(tmp_path / "openapi")
    external = sources[2]
    sources[2] = Source(external.name, external.file, external.origin, external.date, ("POST /v3/videos",))
    sources_file(tmp_path / "openapi", *sources)
    before = (tmp_path / "openapi" / "heygen-api.json").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "extract"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    expected = (
        "error: conflict: POST /v3/videos is defined by both videos-v3-create (v3-videos-create.json) "
        "and external-api (external-api.json)\n"
    )
    assert (2, "", expected) == (result.returncode, result.stdout, result.stderr)
    assert before == (tmp_path / "openapi" / "heygen-api.json").read_bytes()
