"""`python -m heygen_studio.testing`, run as a real subprocess and stopped with a signal."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import heygen_studio_api
import pytest

import heygen_studio
from tests.heygen_studio.test_validation import valid_payload
from tests.heygen_studio.testing import v3_payloads
from tests.heygen_studio.testing.conftest import CREATE
from tests.shared import loopback_client

# The child imports the same heygen_studio this process tested, wherever it lives (src/ or site-packages).
PACKAGE_ROOTS = [str(Path(package.__file__).resolve().parents[1]) for package in (heygen_studio, heygen_studio_api)]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(PACKAGE_ROOTS), "PYTHONUNBUFFERED": "1"}
LISTENING = re.compile(r"MockHeyGen listening on (http://127\.0\.0\.1:(\d+)) \(api key: (\S+)\)")


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "heygen_studio.testing", *args]


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """Start the CLI on a free port; yield the process, its base URL and the lines it printed first."""
    process = subprocess.Popen(
        command("--port", "0", *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert process.stdout is not None
        first = [process.stdout.readline(), process.stdout.readline()]
        match = LISTENING.fullmatch(first[0].rstrip("\n"))
        assert match, (first, process.poll())
        yield process, match.group(1), first
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(signal.SIGTERM, id="sigterm"),
        pytest.param(
            signal.SIGINT,
            id="ctrl-c",
            marks=pytest.mark.skipif(sys.platform == "win32", reason="no SIGINT to a child on Windows"),
        ),
    ],
)
def test_serves_logs_each_request_and_stops_cleanly_on_a_signal(stop: signal.Signals) -> None:
    with serving("--api-key", "cli-key") as (process, base_url, first):
        assert f"export HEYGEN_BASE_URL={base_url} HEYGEN_API_KEY=cli-key\n" == first[1]
        with loopback_client(base_url=base_url, headers={"x-api-key": "cli-key"}) as http:
            created = http.post(CREATE, json=valid_payload())
            refused = http.post(CREATE, json={})
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=30)

    assert (200, 400) == (created.status_code, refused.status_code)
    video_id = created.json()["data"]["video_id"]
    lines = stdout.splitlines()
    assert lines[0].endswith(f" INFO POST {CREATE} 200 video_id={video_id}"), lines
    assert lines[1].endswith(f" INFO POST {CREATE} 400"), lines
    assert ["MockHeyGen stopped"] == lines[2:]
    assert (0, "") == (process.returncode, stderr)


def test_no_validate_accepts_any_json_object() -> None:
    with serving("--no-validate") as (process, base_url, first):
        assert first[0].endswith("(api key: test-key)\n")
        with loopback_client(base_url=base_url, headers={"x-api-key": "test-key"}) as http:
            response = http.post(CREATE, json={"anything": True})
        process.terminate()
        process.communicate(timeout=30)

    assert 200 == response.status_code
    assert 0 == process.returncode


def test_render_seconds_sets_how_long_a_v3_video_renders() -> None:
    with serving("--render-seconds", "0") as (process, base_url, _):
        with loopback_client(base_url=base_url, headers={"x-api-key": "test-key"}) as http:
            video_id = http.post("/v3/videos", json=v3_payloads.avatar()).json()["data"]["video_id"]
            detail = http.get(f"/v3/videos/{video_id}").json()["data"]
        process.terminate()
        stdout, _ = process.communicate(timeout=30)

    assert "completed" == detail["status"]
    lines = stdout.splitlines()
    assert lines[0].endswith(f" INFO POST /v3/videos 200 video_id={video_id}"), lines
    assert lines[1].endswith(f" INFO GET /v3/videos/{video_id} 200"), lines


def test_by_default_a_cli_video_is_still_rendering_at_first() -> None:
    with serving() as (process, base_url, _):
        with loopback_client(base_url=base_url, headers={"x-api-key": "test-key"}) as http:
            video_id = http.post("/v3/videos", json=v3_payloads.avatar()).json()["data"]["video_id"]
            status = http.get(f"/v3/videos/{video_id}").json()["data"]["status"]
        process.terminate()
        process.communicate(timeout=30)

    assert "waiting" == status


def test_a_port_in_use_is_a_one_line_error_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            command("--port", str(port)), capture_output=True, text=True, env=ENV, timeout=60, check=False
        )

    assert (1, "") == (result.returncode, result.stdout)
    assert f"error: cannot listen on 127.0.0.1 port {port}: Address already in use\n" == result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "port must be between 0 and 65535 (0 picks a free one), got 70000"),
        (["--port", "eighty"], "not a port number: 'eighty'"),
        (["--render-seconds", "-1"], "must be a finite number >= 0, got '-1'"),
        (["--render-seconds", "nan"], "must be a finite number >= 0, got 'nan'"),
        (["--render-seconds", "soon"], "not a number of seconds: 'soon'"),
    ],
)
def test_bad_arguments_exit_2_with_usage(args: list[str], message: str) -> None:
    result = subprocess.run(command(*args), capture_output=True, text=True, env=ENV, timeout=60, check=False)

    assert 2 == result.returncode
    assert result.stderr.startswith("usage: python -m heygen_studio.testing")
    assert result.stderr.rstrip().endswith(message), result.stderr
    assert "Traceback" not in result.stderr
