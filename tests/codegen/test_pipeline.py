"""The generate and verify stages, run for real: determinism, the drift check, the corpus.

Every test here runs the pinned generators, so the module is skipped where
openapi-python-client cannot be installed (Python 3.10).  Each test works in
a temporary copy of the repository's codegen/, openapi/ and generated/.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("openapi_python_client", reason="the generators need Python 3.11+")

import codegen.generate
from codegen import verify
from codegen.errors import CodegenError, StaleError
from codegen.generate import GENERATORS, REPO, Layout, Outputs, build, generate_tree, run_in_place, tool_versions
from tests.shared import CORPUS, needs_corpus

ROOT = Path(__file__).resolve().parents[2]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts  # left by importing the committed tree
    }


def copy_repo(into: Path) -> Path:
    into.mkdir()
    for name in ("codegen", "openapi", "generated"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    return into


def codegen_cli(repo: Path, *args: str, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


def build_inputs(layout: Layout) -> dict[str, str]:
    """What ``build`` reads from a layout: every file of openapi/ except the two it writes."""
    written = {"heygen-api.patched.json", "manifest.json"}
    return {name: digest for name, digest in tree_digest(layout.openapi).items() if name not in written}


@pytest.fixture(scope="session")
def committed_build(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """The real build (patch + both generators) of the committed openapi/, once per test process."""
    return build(REPO, tmp_path_factory.mktemp("committed-build"))


@pytest.fixture
def layout(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, committed_build: Outputs) -> Layout:
    """A copy of the repository for verify to check; regeneration runs for real only when its inputs changed.

    These tests are about what verify and run_in_place do with a regeneration. For the committed inputs its
    result is the session's one real build (``committed_build``; that regeneration is deterministic is
    test_the_cli_verify_fails_generate_writes_the_committed_bytes_and_verify_agrees_under_another_seed's
    subject); changed inputs are built for real.
    test_verify_passes_on_the_committed_tree_then_takes_the_fast_path opts out.
    """
    monkeypatch.setattr(verify, "CACHE", tmp_path / "cache" / "verify.json")
    committed_inputs = build_inputs(REPO)

    def build_once(layout: Layout, staging: Path, *, strict: bool = True) -> Outputs:
        if not strict or build_inputs(layout) != committed_inputs:
            return build(layout, staging, strict=strict)
        generated = staging / "generated"
        shutil.copytree(committed_build.generated, generated)
        return Outputs(committed_build.patched_text, committed_build.manifest_text, generated, committed_build.problems)

    monkeypatch.setattr(verify, "build", build_once)
    monkeypatch.setattr(codegen.generate, "build", build_once)
    return Layout(openapi=repo / "openapi", generated=repo / "generated")


# --- generate -----------------------------------------------------------------


def test_the_cli_verify_fails_generate_writes_the_committed_bytes_and_verify_agrees_under_another_seed(
    tmp_path: Path,
) -> None:
    # One repository, three real runs: a stale tree fails verify (exit 1, the diff, the fix), generate under
    # one hash seed writes exactly the committed bytes, and verify under another seed regenerates the same.
    committed = {"generated": tree_digest(ROOT / "generated"), "openapi": tree_digest(ROOT / "openapi")}
    repo = copy_repo(tmp_path / "repo")
    _edit(repo / "generated" / "heygen_studio_api" / "types.py", "UNSET", "UNSET ")
    (repo / "openapi" / "manifest.json").unlink()
    (repo / "openapi" / "heygen-api.patched.json").unlink()

    stale = codegen_cli(repo, "verify", "--no-cache", seed="0")
    assert 1 == stale.returncode
    assert "--- committed/generated/heygen_studio_api/types.py" in stale.stderr
    assert "missing file: openapi/manifest.json (the pipeline writes it)" in stale.stderr
    assert "run `nox -s generate`" in stale.stderr
    assert "Traceback" not in stale.stderr

    generated = codegen_cli(repo, "generate", seed="0")
    assert 0 == generated.returncode, generated.stderr
    assert committed == {"generated": tree_digest(repo / "generated"), "openapi": tree_digest(repo / "openapi")}

    fixed = codegen_cli(repo, "verify", "--no-cache", seed="4242")
    assert 0 == fixed.returncode, fixed.stderr
    assert "up to date" in fixed.stdout


def test_every_generated_file_has_the_header_and_no_cache_or_timestamp() -> None:
    files = [p for p in sorted((ROOT / "generated").rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    assert files
    for path in files:
        assert ".ruff_cache" not in path.parts, path
        if path.suffix == ".py":
            head = path.read_text(encoding="utf-8").splitlines()[:2]
            assert head[0].startswith("# File generated by heygen-studio codegen from openapi/heygen-api.patched.json")
            assert "run `nox -s generate`" in head[1]
            assert not re.search(r"timestamp:|20\d\d-\d\d-\d\dT", path.read_text(encoding="utf-8")), path


def test_the_manifest_records_every_input_and_tool() -> None:
    manifest = json.loads((ROOT / "openapi" / "manifest.json").read_text())

    def digest(relative: str) -> str:
        return hashlib.sha256((ROOT / relative).read_bytes()).hexdigest()

    assert digest("openapi/heygen-api.json") == manifest["vendored_spec"]["sha256"]
    assert digest("openapi/heygen-api.patched.json") == manifest["patched_spec"]["sha256"]
    patches = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "openapi" / "patches").glob("*.overlay.*"))
    assert patches == [p["path"] for p in manifest["patches"]]
    assert [digest(p) for p in patches] == [p["sha256"] for p in manifest["patches"]]
    assert tool_versions() == manifest["tools"]
    assert set(GENERATORS) == set(manifest["tools"])


def test_the_generator_versions_are_pinned_exactly() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    for name, version in tool_versions().items():
        assert re.search(rf'"{re.escape(name)}=={re.escape(version)}[";]', pyproject), name


def test_a_failing_generation_leaves_the_committed_tree_untouched(repo: Path) -> None:
    before = {"generated": tree_digest(repo / "generated"), "openapi": tree_digest(repo / "openapi")}
    spec = json.loads((repo / "openapi" / "heygen-api.json").read_text())
    spec["components"]["schemas"]["Bad"] = {"$ref": "https://evil.example/schema.json"}
    (repo / "openapi" / "heygen-api.json").write_text(json.dumps(spec))
    before["openapi"]["heygen-api.json"] = tree_digest(repo / "openapi")["heygen-api.json"]

    result = codegen_cli(repo, "generate")

    assert 2 == result.returncode
    assert 1 == len(result.stderr.strip().splitlines()), result.stderr
    assert "external reference 'https://evil.example/schema.json'" in result.stderr
    assert before == {"generated": tree_digest(repo / "generated"), "openapi": tree_digest(repo / "openapi")}


def test_generate_spec_out_writes_any_spec_into_any_folder(tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "client"
    result = codegen_cli(ROOT, "generate", "--spec", "openapi/heygen-api.patched.json", "--out", str(out))
    assert 0 == result.returncode, result.stderr
    written = tree_digest(out)
    committed = tree_digest(ROOT / "generated")
    # Same code; only the header names the source differently.
    assert sorted(committed) == sorted(written)
    text = (out / "heygen_studio_api" / "models" / "text_voice.py").read_text()
    assert "# File generated by heygen-studio codegen from heygen-api.patched.json." == text.splitlines()[0]


def test_a_version_bump_alone_touches_no_generated_file(repo: Path) -> None:
    """info.version lives in the manifest, not in every header (schema.py quotes the spec, version included)."""
    before = tree_digest(repo / "generated")
    _edit(repo / "openapi" / "heygen-api.json", '"version": "4.0.8"', '"version": "4.0.9"')
    assert 0 == codegen_cli(repo, "generate").returncode
    after = tree_digest(repo / "generated")
    assert ["heygen_studio_api/schema.py"] == sorted(name for name in before if before[name] != after[name])
    assert "4.0.9" == json.loads((repo / "openapi" / "manifest.json").read_text())["info_version"]


# --- tiny inline specs: the hard shapes ---------------------------------------

INLINE = {
    "openapi": "3.1.0",
    "info": {"title": "inline", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "operationId": "make_thing",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["shape"],
                "additionalProperties": False,
                "properties": {
                    "shape": {
                        "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}],
                        "discriminator": {
                            "propertyName": "kind",
                            "mapping": {
                                "circle": "#/components/schemas/Circle",
                                "square": "#/components/schemas/Square",
                            },
                        },
                    },
                    "note": {"type": ["string", "null"]},
                    "loud": {"type": "boolean", "default": False},
                },
            },
            "Circle": {
                "type": "object",
                "required": ["kind", "radius"],
                "additionalProperties": False,
                "properties": {"kind": {"type": "string", "const": "circle"}, "radius": {"type": "number"}},
            },
            "Square": {
                "type": "object",
                "required": ["kind"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"type": "string", "const": "square"},
                    "side": {"type": "integer", "default": 3},
                },
            },
        }
    },
}


def _loaded_package() -> dict[str, object]:
    return {m: sys.modules.pop(m) for m in list(sys.modules) if m.split(".")[0] == "heygen_studio_api"}


@pytest.fixture(scope="module")
def inline_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The package generated from INLINE, imported in place of the committed one for this module's tests."""
    out = tmp_path_factory.mktemp("inline")
    generate_tree(json.loads(json.dumps(INLINE)), out, source="inline.json")
    committed = _loaded_package()
    sys.path.insert(0, str(out))
    try:
        import heygen_studio_api.models as inline_models
        import heygen_studio_api.params as inline_params

        yield {"models": inline_models, "params": inline_params}
    finally:
        sys.path.remove(str(out))
        _loaded_package()
        sys.modules.update(committed)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "wire",
    [
        {"shape": {"kind": "circle", "radius": 2.5}},
        {"shape": {"kind": "square"}},
        {"shape": {"kind": "square", "side": 4}, "note": None},
        {"shape": {"kind": "circle", "radius": 1}, "note": "hi", "loud": True},
    ],
)
def test_inline_union_nullable_and_defaults_round_trip_exactly(
    inline_package: dict[str, object], wire: dict[str, object]
) -> None:
    models = inline_package["models"]
    thing = models.Thing.from_dict(wire)  # type: ignore[attr-defined]
    assert wire == thing.to_dict()
    assert {"circle": "Circle", "square": "Square"}[wire["shape"]["kind"]] == type(thing.shape).__name__  # type: ignore[index]


def test_inline_models_send_only_what_was_set(inline_package: dict[str, object]) -> None:
    models = inline_package["models"]
    square = models.Square()  # type: ignore[attr-defined]
    assert {"kind": "square"} == square.to_dict()
    assert {"shape": {"kind": "square"}} == models.Thing(shape=square).to_dict()  # type: ignore[attr-defined]
    assert {"shape": {"kind": "square"}, "note": None} == models.Thing(shape=square, note=None).to_dict()  # type: ignore[attr-defined]


def test_inline_typeddicts_are_literal_tagged(inline_package: dict[str, object]) -> None:
    import typing

    params = inline_package["params"]
    hints = typing.get_type_hints(params.ThingParams)  # type: ignore[attr-defined]
    assert {params.CircleParams, params.SquareParams} == set(typing.get_args(hints["shape"]))  # type: ignore[attr-defined]
    assert typing.Literal["circle"] == typing.get_type_hints(params.CircleParams)["kind"]  # type: ignore[attr-defined]
    assert {"shape"} == set(params.ThingParams.__required_keys__)  # type: ignore[attr-defined]


# --- verify -------------------------------------------------------------------


@pytest.mark.cross_version  # this Python regenerates exactly the committed bytes
def test_verify_passes_on_the_committed_tree_then_takes_the_fast_path(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "build", build)  # the real regeneration
    assert verify.run(layout).startswith("up to date: ")
    assert "fast path" in verify.run(layout)

    class Regenerating(Exception):
        pass

    def regenerating(*args: object, **kwargs: object) -> Outputs:
        raise Regenerating

    monkeypatch.setattr(verify, "build", regenerating)
    with pytest.raises(Regenerating):  # --no-cache regenerates even though the fast path would answer
        verify.run(layout, use_cache=False)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DRIFT = {
    "hand edit": (
        lambda g, o: _edit(g / "heygen_studio_api/models/dimension.py", "width: int | Unset", "width: float | Unset"),
        "+ width: int | Unset",
    ),
    "extra file": (
        lambda g, o: (g / "heygen_studio_api" / "helpers.py").write_text("x = 1\n"),
        "extra file: generated/heygen_studio_api/helpers.py",
    ),
    "missing file": (
        lambda g, o: (g / "heygen_studio_api" / "models" / "offset.py").unlink(),
        "missing file: generated/heygen_studio_api/models/offset.py",
    ),
    "stale manifest": (
        lambda g, o: _edit(o / "manifest.json", '"ruff": "', '"ruff": "0.0.0-'),
        "--- committed/openapi/manifest.json",
    ),
    "stale patched spec": (
        lambda g, o: _edit(o / "heygen-api.patched.json", '"Soothing"', '"Calm"'),
        "--- committed/openapi/heygen-api.patched.json",
    ),
    "vendor spec changed, not regenerated": (
        lambda g, o: _edit(o / "heygen-api.json", '"Soothing"', '"Soothing",\n"Whispering"'),
        '+ "Whispering"',
    ),
}


@pytest.mark.parametrize("case", DRIFT)
def test_verify_fails_with_a_diff_and_the_fix_command(layout: Layout, case: str) -> None:
    assert verify.run(layout).startswith("up to date")  # primes the fast path: it must not hide the drift
    change, expected_line = DRIFT[case]
    change(layout.generated, layout.openapi)

    with pytest.raises(StaleError) as raised:
        verify.run(layout)

    message = str(raised.value)
    assert any(" ".join(line.split()).startswith(expected_line) for line in message.splitlines()), message
    assert message.endswith("run `nox -s generate` and commit the result")


def test_the_fast_path_key_changes_with_every_input(layout: Layout, tmp_path: Path) -> None:
    keys = {verify.cache_key(layout)}
    for touch in (
        layout.openapi / "patches" / "01-string-defaults.overlay.yaml",
        layout.openapi / "heygen-api.json",
        layout.generated / "heygen_studio_api" / "py.typed",
    ):
        touch.write_bytes(touch.read_bytes() + b"\n")
        keys.add(verify.cache_key(layout))
    assert 4 == len(keys)


# --- real specs nobody on this project wrote -----------------------------------


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "external-api-1.0.0.json",
        "v3-videos-history/00_2026-04-06_067a6ad.json",
        # The newest /v3/videos also generates and imports on every other 3.11+ Python.
        pytest.param("v3-videos-history/20_2026-07-21_3905c9a.json", marks=pytest.mark.cross_version),
    ],
)
def test_real_specs_generate_an_importable_package(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    result = codegen_cli(ROOT, "generate", "--spec", str(CORPUS / name), "--out", str(out))
    assert 0 == result.returncode, result.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import heygen_studio_api.api, heygen_studio_api.models"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == check.returncode, check.stderr


@needs_corpus
def test_a_real_spec_with_postman_placeholders_generates_with_notes_and_warnings(tmp_path: Path) -> None:
    """The Postman-derived specs write `/v2/template/<id>`: read as a path parameter, said so in the summary."""
    out = tmp_path / "out"
    result = codegen_cli(ROOT, "generate", "--spec", str(CORPUS / "postman-derived-2026-03-16.yaml"), "--out", str(out))
    assert 0 == result.returncode, result.stderr
    lines = result.stderr.splitlines()
    assert "note: path placeholder(s) <id> read as /v2/template/{id}" in lines
    assert (
        "warning: openapi-python-client: GET /v1/streaming.list: Endpoint will not be generated. Missing schema"
        in lines
    )
    assert "4 warnings, 4 notes" == lines[-1]
    assert "object at 0x" not in result.stderr
    module = out / "heygen_studio_api" / "api" / "template_api" / "v_2_template_id.py"
    assert '"url": "/v2/template/{id}".format(' in module.read_text()


def _xml_only() -> dict[str, object]:
    spec = json.loads(json.dumps(INLINE))
    spec["paths"]["/things"]["post"]["requestBody"]["content"] = {"application/xml": {"schema": {"type": "string"}}}
    return spec


def test_a_skipped_endpoint_is_a_warning_by_default(tmp_path: Path) -> None:
    problems = generate_tree(_xml_only(), tmp_path, source="inline.json")
    assert [
        "warning: openapi-python-client: POST /things: Endpoint will not be generated. "
        "Unsupported content type application/xml"
    ] == [str(p) for p in problems]


def test_a_skipped_endpoint_stops_a_strict_run(tmp_path: Path) -> None:
    """openapi-python-client warnings drop API surface; --strict (our own spec's default) treats them as errors."""
    with pytest.raises(CodegenError, match=r"warnings are fatal\): openapi-python-client: POST /things: .*xml"):
        generate_tree(_xml_only(), tmp_path, source="inline.json", strict=True)


def test_run_in_place_replaces_generated_atomically(layout: Layout) -> None:
    (layout.generated / "heygen_studio_api" / "stray.py").write_text("x = 1\n")
    run_in_place(layout)
    assert tree_digest(ROOT / "generated") == tree_digest(layout.generated)
    assert not layout.generated.with_name("generated.old").exists()
