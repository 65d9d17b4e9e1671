"""``nox -s demo`` and the README's first example: the same lines, and they end in a download URL."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from heygen_studio.testing import MockHeyGen, demo

README = Path(__file__).resolve().parents[1] / "README.md"
FIRST_BLOCK = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)[0]
URL = re.compile(r"https://mockheygen\.invalid/videos/([0-9a-f]{32})/video\.mp4")


def demo_example() -> str:
    source = inspect.getsource(demo._readme_example)
    start = source.index("# -- the README's example --\n") + len("# -- the README's example --\n")
    end = source.index("    # -- end of the README's example --")
    return textwrap.dedent(source[start:end]).replace("\n\n", "\n")


def test_the_demo_runs_the_readmes_first_example_as_written() -> None:
    assert FIRST_BLOCK.replace("\n\n", "\n") == demo_example()
    assert "client.videos.create(" in FIRST_BLOCK
    assert "client.videos.wait(" in FIRST_BLOCK


def test_the_readmes_first_example_prints_the_rendered_videos_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockHeyGen() as server:
        monkeypatch.setenv("HEYGEN_API_KEY", server.api_key)
        monkeypatch.setenv("HEYGEN_BASE_URL", server.base_url)
        namespace: dict[str, Any] = {}
        try:
            exec(compile(FIRST_BLOCK, str(README), "exec"), namespace)
        finally:
            namespace["client"].close()
        (video_id,) = server.videos
        seen = [f"{request.method} {request.path}" for request in server.requests]
    assert f"https://mockheygen.invalid/videos/{video_id}/video.mp4\n" == capsys.readouterr().out
    assert ["POST /v3/videos", f"GET /v3/videos/{video_id}"] == seen


def test_the_demo_prints_each_status_change_and_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    # A render of 0 s completes before the first poll, so nothing sleeps; `nox -s demo` uses 4 s.
    assert 0 == demo.main(render_seconds=0)
    out = capsys.readouterr().out.splitlines()
    match = URL.fullmatch(out[2])
    assert match is not None, out
    video_id = match.group(1)
    assert out[0].startswith("MockHeyGen listening on http://127.0.0.1:")
    assert [
        f"  [heygen_studio] video {video_id} is completed",
        f"https://mockheygen.invalid/videos/{video_id}/video.mp4",
        f"requests the server saw: POST /v3/videos, GET /v3/videos/{video_id}",
    ] == out[1:]
