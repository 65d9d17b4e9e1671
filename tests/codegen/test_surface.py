"""The griffe API surface diff on a copy of the committed generated/ tree with hand-made changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("griffe", reason="griffe needs Python 3.11+")

from codegen.__main__ import main
from codegen.diff.surface import diff_surfaces, literal_delta
from codegen.errors import CodegenError

ROOT = Path(__file__).resolve().parents[2]
MODELS = "heygen_studio_api/models"


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "generated", old, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(old, new)
    return old, new


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_identical_trees_have_no_changes() -> None:
    report = diff_surfaces([(ROOT / "generated", ROOT / "generated"), (ROOT / "src", ROOT / "src")])
    assert () == report.changes


def test_breaks_callers_see(trees: tuple[Path, Path]) -> None:
    old, new = trees
    models = new / MODELS
    edit(models / "text_voice_emotion.py", '"Soothing"]', '"Soothing", "Whispering"]')
    edit(models / "text_voice.py", "    locale: str | Unset = UNSET", "    locale: int | Unset = UNSET")
    edit(models / "text_voice.py", "    emotion: TextVoiceEmotion | Unset = UNSET\n", "")
    edit(models / "dimension.py", "    width: int | Unset", "    width: int\n    _w: int | Unset")
    (models / "offset.py").unlink()
    report = diff_surfaces([(old, new)])
    actual = {(c.id, c.level, c.path) for c in report.changes}
    expected = {
        ("python-literal-value-added", "INFO", "heygen_studio_api.models.text_voice_emotion.TextVoiceEmotion"),
        ("python-annotation-changed", "WARN", "heygen_studio_api.models.text_voice.TextVoice.locale"),
        ("python-attribute-removed", "ERR", "heygen_studio_api.models.text_voice.TextVoice.emotion"),
        ("python-attribute-became-required", "ERR", "heygen_studio_api.models.dimension.Dimension.width"),
        ("python-annotation-changed", "WARN", "heygen_studio_api.models.dimension.Dimension.width"),
        ("python-module-removed", "ERR", "heygen_studio_api.models.offset"),
    }
    assert expected == actual


def test_removed_keyword_argument(trees: tuple[Path, Path]) -> None:
    old, new = trees
    endpoint = new / "heygen_studio_api/api/default/create_an_avatar_video_v2.py"
    text = endpoint.read_text(encoding="utf-8")
    assert "    client: AuthenticatedClient | Client,\n" in text
    endpoint.write_text(text.replace("    client: AuthenticatedClient | Client,\n", ""), encoding="utf-8")
    report = diff_surfaces([(old, new)])
    assert {"python-parameter-removed"} == {c.id for c in report.changes}
    assert all(c.level == "ERR" and c.detail("param") == "client" for c in report.changes)


def test_literal_delta() -> None:
    assert (["'c'"], ["'a'"]) == literal_delta("Literal['a', 'b'] | None", "Literal['b', 'c'] | None")
    assert literal_delta("Literal['a'] | None", "Literal['a'] | int") is None


def test_cli_surface_and_missing_folder(trees: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = trees
    (new / MODELS / "offset.py").unlink()
    assert 1 == main(["diff", "--surface", str(old), str(new), "--fail-on", "ERR"])
    assert "python-module-removed" in capsys.readouterr().out
    assert 2 == main(["diff", "--surface", str(old), str(old / "nope")])
    assert "not a folder" in capsys.readouterr().err
    with pytest.raises(CodegenError):
        diff_surfaces([(old, old / "nope")])
