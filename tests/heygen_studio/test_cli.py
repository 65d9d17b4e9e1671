"""`python -m heygen_studio validate` (and the CLIs' missing-dependency answer), run as real subprocesses."""

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
from heygen_studio._cli import missing_dependency_line
from tests.heygen_studio.test_validation import changed, scene_with, valid_payload

# The child imports the same heygen_studio this process tested, wherever it lives (src/ or site-packages).
PACKAGE_ROOTS = [str(Path(package.__file__).resolve().parents[1]) for package in (heygen_studio, heygen_studio_api)]


def run(
    *args: str | Path, cwd: Path, stdin: Any = subprocess.DEVNULL, module: str = "heygen_studio", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(PACKAGE_ROOTS)},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write(directory: Path, name: str, payload: Any) -> Path:
    path = directory / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return path


def test_valid_files_each_say_ok_then_a_summary_and_exit_0(tmp_path: Path) -> None:
    write(tmp_path, "a.json", valid_payload())
    write(tmp_path, "b.json", scene_with(voice={"type": "silence", "duration": "2.5"}))
    result = run("validate", "a.json", "b.json", cwd=tmp_path)
    expected = "ok a.json\nok b.json\n2 files: 2 ok, 0 invalid, 0 unreadable\n"
    assert (0, expected, "") == (result.returncode, result.stdout, result.stderr)


def test_every_violation_of_every_file_is_printed_and_exit_is_1(tmp_path: Path) -> None:
    write(tmp_path, "good.json", valid_payload())
    bad = scene_with(voice={"type": "audio"})
    bad["dimension"]["width"] = "1920"
    write(tmp_path, "bad.json", bad)
    write(tmp_path, "list.json", [])
    result = run("validate", "good.json", "bad.json", "list.json", cwd=tmp_path)
    assert 1 == result.returncode
    assert [
        "ok good.json",
        "bad.json: video_inputs.0.voice: exactly one of `audio_url` and `audio_asset_id` must be given "
        "(exactly-one-of), got neither",
        'bad.json: dimension.width: must be of type integer, got string "1920"',
        "list.json: <root>: must be of type object, got an array of 0 items",
        "3 files: 1 ok, 2 invalid, 0 unreadable",
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
    assert [
        "bad.json: video_inputs: must have at least 1 item (minItems), got 0",
        "2 files: 0 ok, 1 invalid, 1 unreadable",
    ] == result.stdout.splitlines()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("validate", "nope.json", cwd=tmp_path)
    assert (2, "1 file: 0 ok, 0 invalid, 1 unreadable\n", "nope.json: cannot read: No such file or directory\n") == (
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
    assert (1, [f"style.json: {message}", "1 file: 0 ok, 1 invalid, 0 unreadable"]) == (
        strict.returncode,
        strict.stdout.splitlines(),
    )
    assert (0, "ok style.json\n1 file: 1 ok, 0 invalid, 0 unreadable\n", f"style.json: warning: {message}\n") == (
        lenient.returncode,
        lenient.stdout,
        lenient.stderr,
    )


def test_usage_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert 2 == result.returncode
    assert "usage: python -m heygen_studio validate" in result.stderr
    assert "Traceback" not in result.stderr


def test_dash_reads_a_body_from_standard_input(tmp_path: Path) -> None:
    write(tmp_path, "a.json", valid_payload())
    stdin = write(tmp_path, "piped", {"video_inputs": []})
    with stdin.open("rb") as body:
        result = run("validate", "a.json", "-", cwd=tmp_path, stdin=body)
    assert (
        1,
        "ok a.json\n<stdin>: video_inputs: must have at least 1 item (minItems), got 0\n"
        "2 files: 1 ok, 1 invalid, 0 unreadable\n",
        "",
    ) == (result.returncode, result.stdout, result.stderr)


def test_valid_standard_input_says_ok(tmp_path: Path) -> None:
    stdin = write(tmp_path, "piped", valid_payload())
    with stdin.open("rb") as body:
        result = run("validate", "-", cwd=tmp_path, stdin=body)
    assert (0, "ok <stdin>\n1 file: 1 ok, 0 invalid, 0 unreadable\n") == (result.returncode, result.stdout)


def refused(result: subprocess.CompletedProcess[str], name: str, reason: str) -> None:
    assert 2 == result.returncode
    assert [f"{name}: {reason}"] == result.stderr.splitlines()
    assert "1 file: 0 ok, 0 invalid, 1 unreadable\n" == result.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    # Before: /dev/zero was read until MemoryError (exit 1). Now it is refused by its stat, unread.
    result = run("validate", "/dev/zero", cwd=tmp_path, timeout=20)
    reason = "not a regular file (a character device); only regular files are read, or - for standard input"
    refused(result, "/dev/zero", reason)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_without_a_writer_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    result = run("validate", "pipe.json", cwd=tmp_path, timeout=20)
    refused(result, "pipe.json", "not a regular file (a FIFO); only regular files are read, or - for standard input")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    result = run("validate", "templates", cwd=tmp_path)
    refused(
        result, "templates", "not a regular file (a directory); only regular files are read, or - for standard input"
    )


def test_a_file_over_16_mib_is_refused_without_reading_it(tmp_path: Path) -> None:
    limit = 16 * 1024 * 1024
    with (tmp_path / "huge.json").open("wb") as file:
        file.truncate(limit + 1)  # sparse: no 16 MiB written to disk
    with (tmp_path / "limit.json").open("wb") as file:
        file.truncate(limit)  # exactly at the limit: read, and then it is not JSON
    result = run("validate", "huge.json", cwd=tmp_path)
    refused(result, "huge.json", f"too large: {limit + 1} bytes, the limit is 16 MiB ({limit} bytes)")
    at_limit = run("validate", "limit.json", cwd=tmp_path)
    assert (2, "limit.json: not valid JSON: Expecting value (line 1, column 1)") == (
        at_limit.returncode,
        at_limit.stderr.strip(),
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_standard_input_is_cut_at_16_mib(tmp_path: Path) -> None:
    with Path("/dev/zero").open("rb") as endless:
        result = run("validate", "-", cwd=tmp_path, stdin=endless, timeout=30)
    refused(result, "<stdin>", f"too large: more than that was read, the limit is 16 MiB ({16 * 1024 * 1024} bytes)")


def test_help_is_plain_text_and_states_the_limits(tmp_path: Path) -> None:
    result = run("validate", "--help", cwd=tmp_path)
    assert 0 == result.returncode
    assert "``" not in result.stdout
    text = " ".join(result.stdout.split())
    for phrase in (
        'FILE "-" reads one body from standard input',
        "16 MiB (16777216 bytes)",
        "--lenient",
        "exit status",
    ):
        assert phrase in text, phrase


# The SDK's command lines import none of the [codegen] extra: with every one of its modules unimportable they
# still work. (`python -m codegen` answers their absence with one line; see tests/codegen/test_cli_dependencies.py.)
BLOCK_OPTIONAL = (
    "import runpy, sys; "
    "sys.modules.update(dict.fromkeys(['yaml', 'griffe', 'jsonpath_rfc9535', 'openapi_python_client', "
    "'datamodel_code_generator'])); "
    "runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)"
)


def run_without_optional(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_OPTIONAL, module, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(PACKAGE_ROOTS)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_validate_needs_no_optional_dependency(tmp_path: Path) -> None:
    write(tmp_path, "a.json", valid_payload())
    result = run_without_optional("heygen_studio", "validate", "a.json", cwd=tmp_path)
    assert (0, "ok a.json\n1 file: 1 ok, 0 invalid, 0 unreadable\n", "") == (
        result.returncode,
        result.stdout,
        result.stderr,
    )


def test_mock_server_cli_needs_no_optional_dependency(tmp_path: Path) -> None:
    result = run_without_optional("heygen_studio.testing", "--help", cwd=tmp_path)
    assert (0, "") == (result.returncode, result.stderr)
    assert result.stdout.startswith("usage: python -m heygen_studio.testing")


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (
            "yaml",
            "error: PROGRAM needs PyYAML, which is not installed: pip install 'heygen-studio[codegen]'",
        ),
        (
            "jsonpath_rfc9535.query",
            "error: PROGRAM needs jsonpath-rfc9535, which is not installed: pip install 'heygen-studio[codegen]'",
        ),
    ],
)
def test_missing_optional_dependency_line(module: str, expected: str) -> None:
    assert expected == missing_dependency_line(ModuleNotFoundError(name=module), "PROGRAM")


def test_missing_3_11_only_dependency_names_the_python_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "version_info", (3, 10, 13, "final", 0))
    expected = (
        "error: PROGRAM needs openapi-python-client, which needs Python 3.11 or newer "
        "(this is 3.10): run it with Python 3.11+ and pip install 'heygen-studio[codegen]'"
    )
    error = ModuleNotFoundError(name="openapi_python_client")
    assert expected == missing_dependency_line(error, "PROGRAM")


def test_other_missing_modules_are_not_explained_away() -> None:
    assert None is missing_dependency_line(ModuleNotFoundError(name="heygen_studio_api"), "python -m heygen_studio")


def test_operation_checks_the_files_as_that_operations_request_body(tmp_path: Path) -> None:
    scene = {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": "a1", "voice_id": "v1"}}
    write(tmp_path, "good.json", {"type": "studio", "scenes": [{**scene, "input": {**scene["input"], "script": "Hi"}}]})
    write(tmp_path, "bad.json", {"type": "studio", "scenes": [scene]})
    result = run("validate", "--operation", "POST /v3/videos", "good.json", "bad.json", cwd=tmp_path)
    assert 1 == result.returncode
    assert "ok good.json" == result.stdout.splitlines()[0]
    assert result.stdout.splitlines()[1].startswith("bad.json: scenes.0.input: ")
    # A v3 body is not a v2 one, and an unknown operation is refused by argparse, naming the choices.
    assert 1 == run("validate", "good.json", cwd=tmp_path).returncode
    unknown = run("validate", "--operation", "POST /v9/nothing", "good.json", cwd=tmp_path)
    assert 2 == unknown.returncode
    assert "POST /v3/videos" in unknown.stderr
