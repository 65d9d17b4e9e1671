"""`update` end to end in a temporary copy of the repository, and the changelog writer."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.changelog import changelog_entry, prepend_entry
from codegen.diff.changes import Change

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "openapi" / "generate-studio-video.md"
needs_generators = pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None, reason="openapi-python-client needs Python 3.11+"
)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("codegen", "openapi", "generated"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "CHANGELOG.md", copy / "CHANGELOG.md")
    return copy


def page(repo: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = SEED.read_text(encoding="utf-8")
    for old, new in edits:
        assert 1 == text.count(old), old
        text = text.replace(old, new)
    path = repo / name
    path.write_text(text, encoding="utf-8")
    return path


def update(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(repo)}
    command = [sys.executable, "-m", "codegen", "update", *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)


@needs_generators
def test_new_enum_value_lands_in_generated_and_changelog(repo: Path) -> None:
    whispering = page(
        repo,
        "page.md",
        ('"Broadcaster"\n', '"Broadcaster",\n                                "Whispering"\n'),
        ('"version": "4.0.8"', '"version": "4.0.9"'),
    )
    result = update(repo, whispering.name, "--json", "report.json")
    assert 0 == result.returncode, result.stderr
    literal = (repo / "generated/heygen_studio_api/models/text_voice_emotion.py").read_text(encoding="utf-8")
    assert '"Soothing", "Whispering"]' in literal
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]\n\n### Added\n\n- Added enum value `Whispering` to `TextVoice.emotion`\n" in changelog
    assert "- Regenerated from HeyGen's spec 4.0.9 (was 4.0.8)\n" in changelog
    report = json.loads((repo / "report.json").read_text(encoding="utf-8"))
    assert (True, "INFO") == (report["written"], report["highest"])
    assert "4.0.9" == json.loads((repo / "openapi/heygen-api.json").read_text(encoding="utf-8"))["info"]["version"]
    assert not list(repo.glob(".*update*")) and not list((repo / "openapi").glob(".*update*"))


@needs_generators
def test_page_that_breaks_a_patch_leaves_the_tree_untouched(repo: Path) -> None:
    fixed = page(repo, "fixed.md", ('"default": "false"', '"default": false'))
    before = tree_digest(repo)
    result = update(repo, fixed.name)
    assert 2 == result.returncode
    assert "01-string-defaults.overlay.yaml" in result.stderr
    assert "check the new spec, then edit or delete the action" in result.stderr
    assert "Traceback" not in result.stderr
    assert before == tree_digest(repo)


def change(rule: str, level: str, owner: str, attribute: str, **details: str) -> Change:
    return Change(
        rule, level, "request", "POST /v2/video/generate", "/p", "t", tuple(details.items()), owner, attribute
    )  # type: ignore[arg-type]


def test_changelog_entry_in_sdk_terms() -> None:
    changes = [
        change("request-property-removed", "ERR", "CreateVideoRequest", "folder_id"),
        change("request-property-enum-value-added", "INFO", "TextVoice", "emotion", value='"Whispering"'),
        change(
            "request-property-default-value-changed",
            "WARN",
            "CreateVideoRequest",
            "caption",
            **{"from": "false", "to": "true"},
        ),
    ]
    expected = {
        "Added": ["Added enum value `Whispering` to `TextVoice.emotion`"],
        "Changed": [
            "Regenerated from HeyGen's spec 4.1.0 (was 4.0.8)",
            "The server default of `CreateVideoRequest.caption` changed from `false` to `true`",
        ],
        "Removed": ["**Breaking:** removed `CreateVideoRequest.folder_id`"],
    }
    assert expected == changelog_entry(changes, old_version="4.0.8", new_version="4.1.0")


def test_prepend_entry_merges_into_unreleased() -> None:
    text = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n\n- Old thing.\n\n## [0.1.0]\n\n- First.\n"
    entry = {"Added": ["New thing"], "Removed": ["**Breaking:** removed `A.b`"]}
    expected = (
        "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n\n- New thing\n- Old thing.\n\n"
        "### Removed\n\n- **Breaking:** removed `A.b`\n\n## [0.1.0]\n\n- First.\n"
    )
    assert expected == prepend_entry(text, entry)
    assert "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- X\n" == prepend_entry("# Changelog\n", {"Added": ["X"]})


# --- several sources: a new version of one replaces that one only ----------------------------------------

V3_CREATE = ROOT / "openapi" / "v3-videos-create.json"
EXTERNAL = ROOT / "openapi" / "external-api.json"


def new_v3(folder: Path, name: str = "v3-next.json") -> Path:
    """The vendored POST /v3/videos with one more resolution on the studio arm, as HeyGen might publish it."""
    document = json.loads(V3_CREATE.read_text(encoding="utf-8"))
    body = document["paths"]["/v3/videos"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    (studio,) = [arm for arm in body["oneOf"] if "scenes" in arm["properties"]]
    studio["properties"]["resolution"]["enum"].append("2k")
    path = folder / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def sources_by_name(openapi: Path) -> dict[str, Any]:
    from codegen.merge import load_sources

    return {source.name: source for source in load_sources(openapi)}


def test_a_new_file_replaces_the_one_source_whose_operations_it_defines(tmp_path: Path) -> None:
    from codegen.update import vendor

    page = new_v3(tmp_path)
    files = vendor([page], ROOT / "openapi", today="2026-12-01")
    assert [ROOT / "openapi" / "v3-videos-create.json", ROOT / "openapi" / "sources.yaml"] == list(files)
    assert page.read_bytes() == files[ROOT / "openapi" / "v3-videos-create.json"]
    copy = tmp_path / "openapi"
    shutil.copytree(ROOT / "openapi", copy)
    (copy / "sources.yaml").write_bytes(files[ROOT / "openapi" / "sources.yaml"])
    before, after = sources_by_name(ROOT / "openapi"), sources_by_name(copy)
    assert ("2026-12-01", "python -m codegen update v3-next.json") == (
        after["videos-v3-create"].date,
        after["videos-v3-create"].origin,
    )
    assert before["videos-v3-create"].operations == after["videos-v3-create"].operations
    assert (before["studio-v2"], before["external-api"]) == (after["studio-v2"], after["external-api"])


def test_the_same_bytes_are_not_a_new_version(tmp_path: Path) -> None:
    from codegen.update import vendor

    same = tmp_path / "same.json"
    same.write_bytes(V3_CREATE.read_bytes())
    files = vendor([same], ROOT / "openapi", today="2026-12-01")
    assert [ROOT / "openapi" / "sources.yaml"] == list(files)
    assert (ROOT / "openapi" / "sources.yaml").read_bytes() == files[ROOT / "openapi" / "sources.yaml"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            lambda tmp: [EXTERNAL],
            "cannot tell which source it replaces (sources defining all their operations in it: "
            "videos-v3-create, external-api); name one as SOURCE=",
            id="ambiguous",
        ),
        pytest.param(
            lambda tmp: [tmp / "other.json"],
            "cannot tell which source it replaces (sources defining all their operations in it: none)",
            id="no-source",
        ),
        pytest.param(
            lambda tmp: [f"studio-v2={new_v3(tmp)}"],
            "source studio-v2 is a .md file; give its new version as one",
            id="wrong-kind",
        ),
        pytest.param(
            lambda tmp: [new_v3(tmp, "a.json"), new_v3(tmp, "b.json")],
            "source videos-v3-create is already replaced by",
            id="twice",
        ),
    ],
)
def test_a_page_that_replaces_no_single_source_is_refused(tmp_path: Path, args: Any, expected: str) -> None:
    from codegen.errors import CodegenError
    from codegen.update import vendor

    (tmp_path / "other.json").write_text(
        json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}), encoding="utf-8"
    )
    with pytest.raises(CodegenError) as caught:
        vendor(args(tmp_path), ROOT / "openapi", today="2026-12-01")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_named_source_takes_a_file_that_defines_more(tmp_path: Path) -> None:
    """The External API also defines POST /v3/videos; SOURCE=PATH says which source it replaces."""
    from codegen.update import vendor

    files = vendor([f"external-api={EXTERNAL}"], ROOT / "openapi", today="2026-12-01")
    assert [ROOT / "openapi" / "sources.yaml"] == list(files)  # the same bytes: nothing to replace


@needs_generators
def test_update_with_a_new_v3_file_changes_that_source_and_nothing_else(repo: Path) -> None:
    from codegen.generate import Layout
    from codegen.update import run

    page = new_v3(repo)
    before = tree_digest(repo / "openapi")
    result = run(
        [page],
        layout=Layout(openapi=repo / "openapi", generated=repo / "generated"),
        changelog=repo / "CHANGELOG.md",
        today="2026-12-01",
    )
    assert result.written
    after = tree_digest(repo / "openapi")
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert {
        "v3-videos-create.json",
        "sources.yaml",
        "heygen-api.json",
        "heygen-api.patched.json",
        "manifest.json",
    } == changed
    assert page.read_bytes() == (repo / "openapi" / "v3-videos-create.json").read_bytes()
    vendored = json.loads((repo / "openapi" / "heygen-api.json").read_text(encoding="utf-8"))
    committed = json.loads((ROOT / "openapi" / "heygen-api.json").read_text(encoding="utf-8"))
    assert committed["paths"]["/v2/video/generate"] == vendored["paths"]["/v2/video/generate"]
    assert committed["paths"]["/v3/videos/{video_id}"] == vendored["paths"]["/v3/videos/{video_id}"]
    assert '"2k"' in json.dumps(vendored["paths"]["/v3/videos"]["post"])
    manifest = json.loads((repo / "openapi" / "manifest.json").read_text(encoding="utf-8"))
    (record,) = [source for source in manifest["sources"] if source["name"] == "videos-v3-create"]
    assert (hashlib.sha256(page.read_bytes()).hexdigest(), "2026-12-01") == (record["sha256"], record["date"])
    assert "2k" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")
