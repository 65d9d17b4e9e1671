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
