"""`python -m heygen_studio validate`, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import heygen_studio_api
import pytest

import heygen_studio
from tests.heygen_studio.test_validation import changed, scene_with, valid_payload

# The child imports the same heygen_studio this process tested, wherever it lives (src/ or site-packages).
PACKAGE_ROOTS = [str(Path(package.__file__).resolve().parents[1]) for package in (heygen_studio, heygen_studio_api)]


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heygen_studio", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(PACKAGE_ROOTS)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(directory: Path, name: str, payload: Any) -> Path:
    path = directory / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return path


def test_valid_files_exit_0_quietly(tmp_path: Path) -> None:
    write(tmp_path, "a.json", valid_payload())
    write(tmp_path, "b.json", scene_with(voice={"type": "silence", "duration": "2.5"}))
    result = run("validate", "a.json", "b.json", cwd=tmp_path)
    assert (0, "", "") == (result.returncode, result.stdout, result.stderr)


def test_every_violation_of_every_file_is_printed_and_exit_is_1(tmp_path: Path) -> None:
    write(tmp_path, "good.json", valid_payload())
    bad = scene_with(voice={"type": "audio"})
    bad["dimension"]["width"] = "1920"
    write(tmp_path, "bad.json", bad)
    write(tmp_path, "list.json", [])
    result = run("validate", "good.json", "bad.json", "list.json", cwd=tmp_path)
    assert 1 == result.returncode
    assert [
        "bad.json: video_inputs.0.voice: exactly one of `audio_url` and `audio_asset_id` must be given "
        "(exactly-one-of), got neither",
        'bad.json: dimension.width: must be of type integer, got string "1920"',
        "list.json: <root>: must be of type object, got an array of 0 items",
    ] == result.stdout.splitlines()
    assert "" == result.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"video_inputs": [', "not valid JSON: Expecting value (line 1, column 19)"),
        ('{"video_inputs": [], "dimension": {"width": NaN}}', "not valid JSON: NaN is not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
    ],
    ids=["truncated", "NaN", "binary", "deep"],
)
def test_broken_json_exits_2_with_a_one_line_reason(tmp_path: Path, content: str | bytes, reason: str) -> None:
    path = tmp_path / "broken.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    write(tmp_path, "bad.json", {"video_inputs": []})
    result = run("validate", "bad.json", "broken.json", cwd=tmp_path)
    assert 2 == result.returncode
    assert 1 == len(result.stderr.splitlines()), result.stderr
    assert result.stderr.startswith(f"broken.json: {reason}"), result.stderr
    assert "Traceback" not in result.stderr
    # The other file is still checked.
    assert ["bad.json: video_inputs: must have at least 1 item (minItems), got 0"] == result.stdout.splitlines()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("validate", "nope.json", cwd=tmp_path)
    assert (2, "", "nope.json: cannot read: No such file or directory\n") == (
        result.returncode,
        result.stdout,
        result.stderr,
    )


def test_lenient_reports_wrong_variant_fields_as_warnings(tmp_path: Path) -> None:
    write(tmp_path, "style.json", changed("video_inputs.0.character.talking_style", "stable"))
    strict = run("validate", "style.json", cwd=tmp_path)
    lenient = run("validate", "--lenient", "style.json", cwd=tmp_path)
    message = "video_inputs.0.character.talking_style: "
    message += "`talking_style` applies only to `talking_photo` characters, not `avatar`"
    assert (1, [f"style.json: {message}"]) == (strict.returncode, strict.stdout.splitlines())
    assert (0, "", f"style.json: warning: {message}\n") == (lenient.returncode, lenient.stdout, lenient.stderr)


def test_usage_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert 2 == result.returncode
    assert "usage: python -m heygen_studio validate" in result.stderr
    assert "Traceback" not in result.stderr
