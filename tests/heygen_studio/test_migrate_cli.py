"""``python -m heygen_studio migrate`` end to end, the golden files of the README's v2 examples, and the docs.

Set ``HEYGEN_STUDIO_UPDATE_GOLDEN=1`` to rewrite ``golden/`` and the docs page from the current code
(then read the diff: it is the change in behaviour).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import heygen_studio
from heygen_studio._migrate_cli import main, report
from heygen_studio._migrate_docs import render
from heygen_studio._payload import to_wire
from heygen_studio.migrate import v2_to_v3
from tests.shared import ROOT

GOLDEN = Path(__file__).parent / "golden"
README = ROOT / "README.md"
DOCS = ROOT / "docs" / "migrating-to-v3.md"
UPDATE = os.environ.get("HEYGEN_STUDIO_UPDATE_GOLDEN") == "1"


def _readme_examples() -> dict[str, dict[str, Any]]:
    """The v2 requests of the README's "Using the SDK" examples, in wire form."""
    text = README.read_text(encoding="utf-8")
    call = re.search(r"client\.videos\.generate\((.*?)\)\nprint", text, re.DOTALL)
    literal = re.search(r"^payload = (\{.*?\}\]\})$", text, re.DOTALL | re.MULTILINE)
    assert call is not None
    assert literal is not None
    namespace = {name: getattr(heygen_studio, name) for name in heygen_studio.__all__}
    fields = eval(f"dict({call[1]})", namespace)  # the README's own example, run as the README runs it
    return {"readme-generate": to_wire(fields), "readme-mock": json.loads(literal[1])}


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual, f"{path} differs; HEYGEN_STUDIO_UPDATE_GOLDEN=1 rewrites it"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", ["readme-generate", "readme-mock"])
def test_readme_examples_match_their_golden_files(name: str) -> None:
    request = _readme_examples()[name]
    migration = v2_to_v3(request)
    _golden(f"{name}.json", _json(request))
    _golden(f"{name}.v3.json", _json(migration.payload))
    _golden(f"{name}.report.txt", "\n".join(report(f"{name}.json", f"{name}.v3.json", migration)) + "\n")


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Moving to v3")
    return text[start : text.index("\n## ", start + 1)]


def test_readme_before_and_after_are_what_the_migration_does() -> None:
    section = _section()
    before, after = (json.loads(block) for block in re.findall(r"```json\n(.*?)```", section, re.DOTALL))
    migration = v2_to_v3(before, allow_drop=True)
    assert after == migration.payload
    console = re.search(r"```console\n\$ python -m heygen_studio migrate (\S+)\n(.*?)```", section, re.DOTALL)
    assert console is not None
    name = console[1]
    expected = report(name, name.removesuffix(".json") + ".v3.json", migration)
    assert "\n".join(expected) + "\n" == console[2]


def test_the_docs_page_is_the_table() -> None:
    if UPDATE:
        DOCS.write_text(render(), encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == render(), "run: python -m heygen_studio._migrate_docs > " + str(DOCS)


def _templates(folder: Path) -> Path:
    folder.mkdir()
    for name in ("readme-generate", "readme-mock"):
        shutil.copy(GOLDEN / f"{name}.json", folder / f"{name}.json")
    silent = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a"}, "voice": {"type": "silence"}}]}
    (folder / "silent-avatar.json").write_text(json.dumps(silent), encoding="utf-8")
    return folder


def test_cli_migrates_a_folder_of_templates(tmp_path: Path) -> None:
    templates = _templates(tmp_path / "templates")
    out = tmp_path / "v3"
    out.mkdir()
    files = sorted(str(path) for path in templates.iterdir())
    command = [sys.executable, "-m", "heygen_studio", "migrate", *files, "--out", str(out)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert (0, "") == (done.returncode, done.stderr)
    for name in ("readme-generate", "readme-mock"):
        assert (GOLDEN / f"{name}.v3.json").read_text(encoding="utf-8") == (out / f"{name}.v3.json").read_text(
            encoding="utf-8"
        )
    silent = json.loads((out / "silent-avatar.v3.json").read_text(encoding="utf-8"))
    assert ["image"] == [scene["type"] for scene in silent["scenes"]]
    assert f"{templates / 'silent-avatar.json'} -> {out / 'silent-avatar.v3.json'}: 1 carried, 4 dropped" in done.stdout
    assert "  dropped video_inputs.0.character.avatar_id: scene 0 was migrated without its character: " in done.stdout
    assert "  carried video_inputs.0.voice.input_text -> scenes.0.input.script" in done.stdout
    assert sorted(path.name for path in templates.iterdir()) == [
        "readme-generate.json",
        "readme-mock.json",
        "silent-avatar.json",
    ]


def test_cli_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = _templates(tmp_path / "templates")
    clean = str(templates / "readme-mock.json")
    lossy = str(templates / "silent-avatar.json")
    assert 0 == main([clean, "--fail-on-drop"])
    assert (templates / "readme-mock.v3.json").is_file()  # beside the input by default
    assert 0 == main([lossy])
    assert 1 == main([clean, lossy, "--fail-on-drop"])
    (templates / "broken.json").write_text("{", encoding="utf-8")
    (templates / "invalid.json").write_text('{"video_inputs": []}', encoding="utf-8")
    (templates / "list.json").write_text("[]", encoding="utf-8")
    (templates / "folder.json").mkdir()
    with (templates / "huge.json").open("wb") as huge:
        huge.truncate(16 * 2**20 + 1)
    (templates / "surrogate.json").write_text('{"title": "\\ud800", "video_inputs": [{}]}', encoding="utf-8")
    capsys.readouterr()
    for name, message in [
        ("broken.json", "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
        ("invalid.json", "not a valid v2 request: video_inputs: must have at least 1 item (minItems), got 0"),
        ("list.json", "not a v2 request: the top level is list, not an object"),
        ("missing.json", "cannot read: No such file or directory"),
        ("folder.json", "not a regular file (a directory); only regular files are read, or - for standard input"),
        ("huge.json", f"too large: {16 * 2**20 + 1} bytes, the limit is 16 MiB ({16 * 2**20} bytes)"),
        # Refused here, or by validate_request once it refuses lone surrogates (issue 10): either way one line.
        ("surrogate.json", "not "),
    ]:
        assert 2 == main([str(templates / name), lossy, "--fail-on-drop"])
        err = capsys.readouterr().err
        assert err.startswith(f"{templates / name}: {message}")
        assert 1 == err.count("\n")
        if name != "surrogate.json":
            assert f"{templates / name}: {message}\n" == err
        assert not (templates / name.replace(".json", ".v3.json")).exists()


def test_cli_never_overwrites_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = _templates(tmp_path / "templates")
    clean = templates / "readme-mock.json"
    shutil.copy(clean, templates / "readme-mock.v3.json")
    before = (templates / "readme-mock.v3.json").read_bytes()
    assert 2 == main([str(clean), str(templates / "readme-mock.v3.json")])
    assert before == (templates / "readme-mock.v3.json").read_bytes()
    assert "is one of the inputs, and inputs are never overwritten" in capsys.readouterr().err
    assert (templates / "readme-mock.v3.v3.json").is_file()  # the other input was still migrated
    assert 2 == main([str(clean), "--out", str(templates / "nowhere")])


def test_cli_never_writes_two_migrations_to_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _templates(tmp_path / "a"), _templates(tmp_path / "b")
    out = tmp_path / "out"
    out.mkdir()
    assert 2 == main([str(first / "readme-mock.json"), str(second / "readme-mock.json"), "--out", str(out)])
    target = out / "readme-mock.v3.json"
    expected = f"{second / 'readme-mock.json'}: not migrated: {target} already holds the migration of "
    expected += f"{first / 'readme-mock.json'}\n"
    assert expected == capsys.readouterr().err
