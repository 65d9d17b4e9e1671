"""Issue 10, rows 2, 3 and 6: how long one generate call takes against a hostile loopback server.

``python -m tests.bench.hostile_timings ROW...`` where ROW is ``2:BYTES`` (a 500 HTML body of unclosed
tags, ``deadline=3``), ``3`` (a 200 trickling a byte every 0.2 s, ``timeout=2, deadline=3``) or
``6:MIB`` (a 200 gzip body expanding to MIB mebibytes). Each row runs in its own process so that
its peak RSS (``ru_maxrss``, which includes the server thread and the gzip body it holds) is its own.
Run it with ``PYTHONPATH`` pointing at the ``src`` and ``generated`` of the tree to measure.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from typing import Any

from tests.heygen_studio import hostile

KEY = "canary-key-7f3a9c1e55d04b2b"
PAYLOAD = {
    "video_inputs": [
        {
            "character": {"type": "avatar", "avatar_id": "a"},
            "voice": {"type": "text", "voice_id": "v", "input_text": "hi"},
        }
    ]
}


def one(row: str) -> str:
    from heygen_studio import HeyGen

    settings: dict[str, Any] = {}
    if row.startswith("2:"):
        size = int(row.split(":")[1])
        answer = hostile.fixed(500, b"<" + b"a<" * (size // 2), {"Content-Type": "text/html"})
        settings = {"deadline": 3}
    elif row == "3":
        answer = hostile.trickle(200, 0.2, body=b"{", total=150)
        settings = {"timeout": 2, "deadline": 3}
    elif row.startswith("6:"):
        answer = hostile.gzip_bomb(200, int(row.split(":")[1]) << 20)
    else:
        raise SystemExit(f"unknown row {row!r}: use 2:BYTES, 3 or 6:MIB")
    with hostile.HostileServer(answer) as server:
        client = HeyGen(api_key=KEY, base_url=server.url, max_retries=0, **settings)
        started = time.perf_counter()
        try:
            client.videos.generate(PAYLOAD)
            outcome = "returned"
        except BaseException as exc:  # the measurement reports whatever escaped
            outcome = type(exc).__name__
        elapsed = time.perf_counter() - started
        server.stopped.set()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return f"row {row}: {outcome} after {elapsed:.2f} s, peak RSS {peak} MB"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        print(one(argv[1]))
        return 0
    for row in argv or ["2:40000", "2:80000", "2:200000", "3", "6:100", "6:1024"]:
        subprocess.run([sys.executable, "-m", "tests.bench.hostile_timings", "--one", row], check=False, timeout=600)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
