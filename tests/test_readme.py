"""The README's Python examples run as written, against a local MockHeyGen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from heygen_studio.testing import MockHeyGen

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_readme_has_the_examples() -> None:
    assert 2 <= len(BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block-{number}" for number in range(len(BLOCKS))])
def test_block_runs(block: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with MockHeyGen() as server:
        monkeypatch.setenv("HEYGEN_API_KEY", server.api_key)
        monkeypatch.setenv("HEYGEN_BASE_URL", server.base_url)
        namespace: dict[str, Any] = {}
        try:
            exec(compile(block, str(README), "exec"), namespace)
        finally:
            if hasattr(namespace.get("client"), "close"):
                namespace["client"].close()
        created = list(server.videos)
    if "print(video.video_id)" in block:
        assert [capsys.readouterr().out.strip()] == created
