"""Stage 1, vendor: `python -m codegen extract PAGE... [--out FILE]`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.errors import CodegenError
from codegen.extract import extract, read_definition

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "openapi" / "generate-studio-video.md"
VENDORED = ROOT / "openapi" / "heygen-api.json"


def run_extract(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "codegen", "extract", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=60)


def spec(paths: dict[str, Any] | None = None, components: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """A minimal OpenAPI 3.1 document."""
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, **top}
    document["paths"] = paths or {}
    if components:
        document["components"] = components
    return document


def operation(summary: str) -> dict[str, Any]:
    return {"summary": summary, "responses": {"200": {"description": "ok"}}}


def page_text(body: str, fence: str = "```", info: str = "json") -> str:
    return f"# A docs page\n\nSome prose.\n\n# OpenAPI definition\n\n{fence}{info}\n{body}\n{fence}\n\nMore prose.\n"


def write_page(folder: Path, name: str, document: Any, **fence: str) -> Path:
    path = folder / name
    path.write_text(page_text(json.dumps(document, indent=2), **fence), encoding="utf-8")
    return path


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- the seed page -------------------------------------------------------------------------------------


def test_the_listed_sources_reproduce_the_vendored_spec_byte_for_byte(tmp_path: Path) -> None:
    """With no PAGE, extract merges openapi/sources.yaml: the seed page and the two v3 sources."""
    out = tmp_path / "x.json"
    result = run_extract("--out", out)
    assert 0 == result.returncode, result.stderr
    assert "" == result.stderr
    assert VENDORED.read_bytes() == out.read_bytes()


def test_the_seed_page_alone_is_the_v2_part_of_the_vendored_spec() -> None:
    seed, vendored = extract([SEED]), json.loads(VENDORED.read_text(encoding="utf-8"))
    assert seed["paths"]["/v2/video/generate"] == vendored["paths"]["/v2/video/generate"]
    assert {key: value for key, value in seed.items() if key not in ("paths", "components")} == {
        key: value for key, value in vendored.items() if key not in ("paths", "components")
    }


def test_extracted_keys_keep_published_order() -> None:
    """Top-level keys and request properties come out in page order, which is not sorted order."""
    text = SEED.read_text(encoding="utf-8")
    document = extract([SEED])
    top = list(document)
    assert sorted(top, key=lambda key: text.index(f'\n  "{key}":')) == top
    assert sorted(top) != top
    body = document["paths"]["/v2/video/generate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    properties = list(body["properties"])
    assert ["caption", "title", "callback_id", "video_inputs"] == properties[:4]
    assert sorted(properties) != properties


# --- merging pages -------------------------------------------------------------------------------------

SHARED = {"Shared": {"type": "object", "properties": {"a": {"type": "string"}}}}


def test_pages_with_different_paths_unite_and_identical_components_are_shared(tmp_path: Path) -> None:
    first = write_page(tmp_path, "a.md", spec({"/a": {"post": operation("A")}}, {"schemas": SHARED}))
    second = write_page(tmp_path, "b.md", spec({"/b": {"get": operation("B")}}, {"schemas": SHARED}))
    merged = extract([first, second])
    assert {"/a": {"post": operation("A")}, "/b": {"get": operation("B")}} == merged["paths"]
    assert {"schemas": SHARED} == merged["components"]


def test_methods_of_one_path_on_two_pages_unite(tmp_path: Path) -> None:
    first = write_page(tmp_path, "a.md", spec({"/a": {"post": operation("A")}}))
    second = write_page(tmp_path, "b.md", spec({"/a": {"get": operation("B")}}))
    assert {"/a": {"post": operation("A"), "get": operation("B")}} == extract([first, second])["paths"]


def test_page_order_changes_only_key_order(tmp_path: Path) -> None:
    """Merging in either order gives equal documents; paths and components follow page order."""
    first = write_page(tmp_path, "a.md", spec({"/a": {"post": operation("A")}}, {"schemas": {"A": {}}}))
    second = write_page(tmp_path, "b.md", spec({"/b": {"post": operation("B")}}, {"schemas": {"B": {}}}))
    forward, backward = extract([first, second]), extract([second, first])
    assert forward == backward
    assert (["/a", "/b"], ["A", "B"]) == (list(forward["paths"]), list(forward["components"]["schemas"]))
    assert (["/b", "/a"], ["B", "A"]) == (list(backward["paths"]), list(backward["components"]["schemas"]))


def test_x_extensions_may_differ_and_the_first_page_wins(tmp_path: Path) -> None:
    first = write_page(tmp_path, "a.md", spec({"/a": {"post": operation("A")}}, **{"x-readme": {"page": "a"}}))
    second = write_page(tmp_path, "b.md", spec({"/b": {"post": operation("B")}}, **{"x-readme": {"page": "b"}}))
    assert {"page": "a"} == extract([first, second])["x-readme"]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(
            spec({"/a": {"post": operation("A")}}),
            spec({"/a": {"post": operation("A, again")}}),
            "conflict: POST /a is defined by both {first} and {second}",
            id="same-path-and-method",
        ),
        pytest.param(
            spec({"/a": {"post": operation("A")}}),
            spec({"/a": {"post": operation("A")}}),
            "conflict: POST /a is defined by both {first} and {second}",
            id="same-operation-twice",
        ),
        pytest.param(
            spec(components={"schemas": {"S": {"type": "string"}}}),
            spec(components={"schemas": {"S": {"type": "integer"}}}),
            "conflict: components.schemas.S differs between {first} and {second}",
            id="same-component-name",
        ),
        pytest.param(
            spec({"/a": {"summary": "one", "post": operation("A")}}),
            spec({"/a": {"summary": "two", "get": operation("B")}}),
            "conflict: 'summary' of path /a differs between {first} and {second}",
            id="same-path-level-key",
        ),
        pytest.param(
            spec(),
            {**spec(), "info": {"title": "other", "version": "2"}},
            "conflict: 'info' differs between {first} and {second}",
            id="top-level-key",
        ),
    ],
)
def test_conflicts_name_both_pages(tmp_path: Path, first: Any, second: Any, expected: str) -> None:
    pages = [write_page(tmp_path, "first.md", first), write_page(tmp_path, "second.md", second)]
    with pytest.raises(CodegenError) as caught:
        extract(pages)
    assert expected.format(first=pages[0], second=pages[1]) == str(caught.value)


def test_a_component_first_seen_on_the_second_page_is_owned_by_it(tmp_path: Path) -> None:
    pages = [
        write_page(tmp_path, "a.md", spec()),
        write_page(tmp_path, "b.md", spec(components={"schemas": {"S": {"type": "string"}}})),
        write_page(tmp_path, "c.md", spec(components={"schemas": {"S": {"type": "integer"}}})),
    ]
    with pytest.raises(CodegenError) as caught:
        extract(pages)
    assert f"conflict: components.schemas.S differs between {pages[1]} and {pages[2]}" == str(caught.value)


def test_conflict_via_cli_names_both_pages_and_writes_nothing(tmp_path: Path) -> None:
    first = write_page(tmp_path, "first.md", spec({"/a": {"post": operation("A")}}))
    second = write_page(tmp_path, "second.md", spec({"/a": {"post": operation("B")}}))
    out = tmp_path / "out.json"
    result = run_extract(first, second, "--out", out)
    assert (2, f"error: conflict: POST /a is defined by both {first} and {second}\n") == (
        result.returncode,
        result.stderr,
    )
    assert not out.exists()


# --- pages the stage refuses ---------------------------------------------------------------------------

VALID = json.dumps(spec({"/a": {"post": operation("A")}}), indent=2)
BAD_PAGES = [
    pytest.param("no-definition.md", "# A page\n\nJust prose.\n", "no OpenAPI definition", id="no-definition"),
    pytest.param(
        "only-examples.md",
        page_text('{"video_id": "abc"}') + page_text("print('openapi')", info="python"),
        "no OpenAPI definition",
        id="only-examples",
    ),
    pytest.param("broken.md", page_text(VALID[:-10]), "broken JSON", id="broken-json"),
    pytest.param(
        "duplicate.md",
        page_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "paths": {}}'),
        "broken JSON: duplicate key 'paths'",
        id="duplicate-keys",
    ),
    pytest.param(
        "nan.md",
        page_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x-n": NaN}'),
        "broken JSON: NaN is not JSON",
        id="nan",
    ),
    pytest.param(
        "infinity.md",
        page_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x-n": -Infinity}'),
        "broken JSON: -Infinity is not JSON",
        id="infinity",
    ),
    pytest.param(
        "swagger.md",
        page_text('{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}'),
        "no OpenAPI definition",
        id="swagger-2-page",
    ),
    pytest.param(
        "swagger.json",
        '{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}',
        "not an OpenAPI 3.x document (no 'openapi' field)",
        id="swagger-2-file",
    ),
    pytest.param(
        "openapi4.md",
        page_text(VALID.replace('"3.1.0"', '"4.0.0"')),
        "not an OpenAPI 3.x document ('openapi: 4.0.0')",
        id="openapi-4",
    ),
    pytest.param(
        "openapi-number.json",
        VALID.replace('"3.1.0"', "3.1"),
        "not an OpenAPI 3.x document ('openapi: 3.1')",
        id="openapi-version-not-a-string",
    ),
    pytest.param("list.md", page_text(f"[{VALID}]"), "top level is not an object", id="top-level-list"),
    pytest.param(
        "paths.md", page_text(json.dumps({**spec(), "paths": []})), "'paths' is not an object", id="paths-not-an-object"
    ),
    pytest.param(
        "path-item.md",
        page_text(json.dumps({**spec(), "paths": {"/a": "nope"}})),
        "path item '/a' is not an object",
        id="path-item-not-an-object",
    ),
    pytest.param(
        "components.md",
        page_text(json.dumps({**spec(), "components": []})),
        "'components' is not an object of objects",
        id="components-not-an-object",
    ),
    pytest.param(
        "schemas.md",
        page_text(json.dumps({**spec(), "components": {"schemas": ["S"]}})),
        "'components' is not an object of objects",
        id="schemas-not-an-object",
    ),
    pytest.param(
        "two.md", page_text(VALID) + page_text(VALID), "2 OpenAPI definitions on one page; expected one", id="two"
    ),
    pytest.param(
        "latin1.md", page_text(VALID).replace("prose", "pros\xe9").encode("latin-1"), "not UTF-8 text", id="latin-1"
    ),
    pytest.param(
        "deep.md",
        page_text(json.dumps({**spec(), "x-deep": "DEEP"}).replace('"DEEP"', "[" * 300 + "]" * 300)),
        "nests deeper than 200 levels",
        id="nesting-over-the-limit",
    ),
    pytest.param(
        "very-deep.md",
        page_text(json.dumps({**spec(), "x-deep": "DEEP"}).replace('"DEEP"', "[" * 100_000 + "]" * 100_000)),
        "nests deeper than 200 levels",
        id="nesting-over-the-recursion-limit",
    ),
    pytest.param(
        "duplicate.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n",
        "broken YAML: duplicate key 'paths' (line 4)",
        id="yaml-duplicate-keys",
    ),
    pytest.param(
        "nan.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-n: .nan\n",
        "not JSON data",
        id="yaml-nan",
    ),
    pytest.param(
        "date.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: 2024-01-01}\npaths: {}\n",
        "not JSON data: Object of type date is not JSON serializable",
        id="yaml-date",
    ),
    pytest.param(
        "cycle.yml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-loop: &loop [*loop]\n",
        "broken YAML: aliases (*name) are not allowed (line 4)",
        id="yaml-alias-cycle",
    ),
    pytest.param(
        "laughs.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 10)),
        "broken YAML: aliases (*name) are not allowed",
        id="yaml-billion-laughs",
    ),
    pytest.param("broken.yaml", "openapi: [3.1.0\n", "broken YAML", id="yaml-broken"),
    pytest.param("empty.yaml", "", "top level is not an object", id="yaml-empty"),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_PAGES)
def test_bad_page_is_one_line_exit_2_and_no_output(tmp_path: Path, name: str, content: str, expected: str) -> None:
    page = write(tmp_path, name, content)
    out = tmp_path / "out" / "x.json"
    result = run_extract(page, "--out", out)
    assert 2 == result.returncode
    assert "" == result.stdout
    assert "Traceback" not in result.stderr
    assert 1 == result.stderr.count("\n"), result.stderr
    assert result.stderr.startswith(f"error: {page}: ")
    assert expected in result.stderr
    assert not out.parent.exists()


@pytest.mark.parametrize(("name", "content", "expected"), BAD_PAGES)
def test_bad_second_page_leaves_existing_output_unchanged(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    page = write(tmp_path, name, content)
    out = write(tmp_path, "x.json", b'{"previous": "run"}\n')
    result = run_extract(SEED, page, "--out", out)
    assert (2, f"error: {page}: ") == (result.returncode, result.stderr[: len(f"error: {page}: ")])
    assert expected in result.stderr
    assert 1 == result.stderr.count("\n")
    assert b'{"previous": "run"}\n' == out.read_bytes()


def test_missing_page_is_one_line_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    out = tmp_path / "x.json"
    result = run_extract(missing, "--out", out)
    assert (2, f"error: {missing}: cannot read: No such file or directory\n") == (result.returncode, result.stderr)
    assert not out.exists()


def test_page_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("codegen.documents.MAX_DOCUMENT_BYTES", 1000)
    page = write(tmp_path, "big.md", page_text(VALID) + "x" * 1000)
    with pytest.raises(CodegenError, match=r"big\.md: \d+ bytes is over the 1000-byte limit"):
        extract([page])


# --- what counts as a definition -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fence", "info"),
    [("```", "json"), ("~~~", "json"), ("````", "json"), ("~~~~~", "json"), ("```", "JSON title=x"), ("```", "")],
)
def test_fence_styles(tmp_path: Path, fence: str, info: str) -> None:
    document = spec({"/a": {"post": operation("A")}})
    assert document == extract([write_page(tmp_path, "page.md", document, fence=fence, info=info)])


def test_unclosed_fence_is_not_a_definition(tmp_path: Path) -> None:
    page = write(tmp_path, "page.md", f"# Page\n\n````json\n{VALID}\n```\n")
    with pytest.raises(CodegenError, match="no OpenAPI definition"):
        extract([page])


def test_examples_beside_the_definition_are_ignored(tmp_path: Path) -> None:
    document = spec({"/a": {"post": operation("A")}})
    text = page_text('{"video_id": "abc"}') + page_text(json.dumps(document)) + page_text("x = 1", info="python")
    assert document == extract([write(tmp_path, "page.md", text)])


@pytest.mark.parametrize(
    ("name", "dump"),
    [
        ("spec.json", lambda document: json.dumps(document, indent=2)),
        ("spec.yaml", lambda document: yaml.safe_dump(document, sort_keys=False)),
        ("spec.yml", lambda document: yaml.safe_dump(document, sort_keys=False, default_flow_style=True)),
        ("spec.YAML", lambda document: yaml.safe_dump(document, sort_keys=False)),
    ],
)
def test_spec_files_are_pages_too(tmp_path: Path, name: str, dump: Any) -> None:
    document = spec({"/a": {"post": operation("A")}}, {"schemas": SHARED})
    path = write(tmp_path, name, dump(document))
    assert document == read_definition(path)
    assert list(document) == list(read_definition(path))


def test_yaml_spec_merges_with_a_page_via_cli(tmp_path: Path) -> None:
    vendored = extract([SEED])
    extra = {key: vendored[key] for key in ("openapi", "info", "servers", "security")}
    extra["paths"] = {"/v2/video/other": {"get": operation("Other")}}
    page = write(tmp_path, "other.yaml", yaml.safe_dump(extra, sort_keys=False))
    out = tmp_path / "x.json"
    result = run_extract(SEED, page, "--out", out)
    assert (0, "") == (result.returncode, result.stderr)
    merged = json.loads(out.read_text(encoding="utf-8"))
    assert ["/v2/video/generate", "/v2/video/other"] == list(merged["paths"])
    assert vendored["components"] == merged["components"]
