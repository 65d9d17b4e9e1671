"""Transport benchmarks (issue 4): the client's overhead over raw httpx, against the same loopback server.

- ``HeyGen.videos.generate(payload)`` vs ``httpx.Client.post(url, json=payload, headers=...)``:
  the client validates, serialises and maps the response; raw httpx only posts.
- ``HeyGen.videos.list(limit=100)`` over 1,000 videos vs raw httpx following ``next_token``
  (issue 12: at most 1.15x), against ``tests.bench.v3_pages`` in its own process.
- 1,000 creations through ``AsyncHeyGen`` vs raw ``httpx.AsyncClient``, both with at most
  16 requests in flight (an ``asyncio.Semaphore``) and the same connection limits.

The server is ``python -m heygen_studio.testing --no-validate`` in its own process: in
this process its threads would fight the client for the GIL and measure that instead,
and without validation its own work does not dilute the client's share of the time.
Subject and baseline alternate, and each keeps its best of several rounds, so both see
the same machine load.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from heygen_studio import AsyncHeyGen, HeyGen
from tests.bench.__main__ import Bench

SCENE: dict[str, Any] = {
    "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818", "avatar_style": "normal"},
    "voice": {"type": "text", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "input_text": "Welcome!", "speed": 1.1},
    "background": {"type": "color", "value": "#FAFAFA"},
}
PAYLOAD: dict[str, Any] = {"video_inputs": [SCENE], "dimension": {"width": 1280, "height": 720}, "title": "bench"}
CONCURRENCY = 16
CREATIONS = 1_000
SYNC_CALLS = 300
ROUNDS = 5
LISTED = 1_000


def alternate(
    subject: Callable[[], object], baseline: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float]:
    """Best-of-ROUNDS time of each, measured alternately with ``clock``."""
    best = [float("inf"), float("inf")]
    for _ in range(ROUNDS):
        for index, func in enumerate((subject, baseline)):
            start = clock()
            func()
            best[index] = min(best[index], clock() - start)
    return best[0], best[1]


@contextlib.contextmanager
def mock_server_process() -> Iterator[tuple[str, str]]:
    """Start the MockHeyGen CLI in a child process; yields its base URL and API key."""
    key = "bench-key-0123456789"
    child = subprocess.Popen(
        [sys.executable, "-m", "heygen_studio.testing", "--port", "0", "--no-validate", "--api-key", key],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        found = re.search(r"listening on (\S+)", child.stdout.readline())
        if found is None:
            raise RuntimeError("MockHeyGen did not start")
        # The CLI logs every request; keep reading so its pipe never fills.
        threading.Thread(target=child.stdout.read, daemon=True).start()
        yield found.group(1), key
    finally:
        child.terminate()
        child.wait(timeout=10)


@contextlib.contextmanager
def pages_server_process(count: int) -> Iterator[str]:
    """Start ``tests.bench.v3_pages`` in a child process; yields its base URL."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.v3_pages", str(count)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        found = re.search(r"listening on (\S+)", child.stdout.readline())
        if found is None:
            raise RuntimeError("the v3 pages server did not start")
        yield found.group(1)
    finally:
        child.terminate()
        child.wait(timeout=10)


def run_list(bench: Bench) -> None:
    """``videos.list`` over 1,000 videos in pages of 100 vs raw httpx doing the same paging."""
    key = "bench-key-0123456789"
    with (
        pages_server_process(LISTED) as base_url,
        HeyGen(api_key=key, base_url=base_url) as client,
        httpx.Client() as raw,
    ):

        def sdk_list() -> None:
            assert LISTED == sum(1 for _ in client.videos.list(limit=100))

        def raw_list() -> None:
            params: dict[str, str] = {"limit": "100"}
            seen = 0
            while True:
                response = raw.get(f"{base_url}/v3/videos", params=params, headers={"x-api-key": key})
                response.raise_for_status()
                body = response.json()
                seen += len(body["data"])
                if not body["has_more"]:
                    break
                params["token"] = body["next_token"]
            assert LISTED == seen

        subject, baseline = alternate(sdk_list, raw_list)
        bench.ratio(
            f"HeyGen.videos.list over {LISTED:,} videos (pages of 100) vs raw httpx paging",
            subject,
            baseline,
            goal=1.15,
        )
        subject, baseline = alternate(sdk_list, raw_list, clock=time.process_time)
        bench.ratio("  same, client CPU time only", subject, baseline)


def run(bench: Bench) -> None:
    run_list(bench)
    with mock_server_process() as (base_url, api_key):
        url = f"{base_url}/v2/video/generate"
        headers = {"x-api-key": api_key}

        with HeyGen(api_key=api_key, base_url=base_url) as client, httpx.Client() as raw:

            def sdk_calls() -> None:
                for _ in range(SYNC_CALLS):
                    client.videos.generate(PAYLOAD)

            def raw_calls() -> None:
                for _ in range(SYNC_CALLS):
                    response = raw.post(url, json=PAYLOAD, headers=headers)
                    response.raise_for_status()
                    response.json()["data"]["video_id"]

            subject, baseline = alternate(sdk_calls, raw_calls)
            bench.ratio(
                "HeyGen.videos.generate vs raw httpx.Client.post (loopback, per call)",
                subject / SYNC_CALLS,
                baseline / SYNC_CALLS,
                goal=1.15,
            )
            # The server runs in another process, so this process's CPU time is the client's own cost.
            subject, baseline = alternate(sdk_calls, raw_calls, clock=time.process_time)
            bench.ratio("  same, client CPU time only", subject / SYNC_CALLS, baseline / SYNC_CALLS)

        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)

        async def sdk_many() -> None:
            gate = asyncio.Semaphore(CONCURRENCY)
            async with (
                httpx.AsyncClient(limits=limits) as http,
                AsyncHeyGen(api_key=api_key, base_url=base_url, http_client=http) as client,
            ):

                async def one() -> None:
                    async with gate:
                        await client.videos.generate(PAYLOAD)

                await asyncio.gather(*(one() for _ in range(CREATIONS)))

        async def raw_many() -> None:
            gate = asyncio.Semaphore(CONCURRENCY)
            async with httpx.AsyncClient(limits=limits) as raw:

                async def one() -> None:
                    async with gate:
                        response = await raw.post(url, json=PAYLOAD, headers=headers)
                        response.raise_for_status()
                        response.json()["data"]["video_id"]

                await asyncio.gather(*(one() for _ in range(CREATIONS)))

        subject, baseline = alternate(lambda: asyncio.run(sdk_many()), lambda: asyncio.run(raw_many()))
        bench.ratio(
            f"AsyncHeyGen {CREATIONS:,} creations vs raw httpx.AsyncClient ({CONCURRENCY} in flight)",
            subject,
            baseline,
            goal=1.15,
        )
        subject, baseline = alternate(
            lambda: asyncio.run(sdk_many()), lambda: asyncio.run(raw_many()), clock=time.process_time
        )
        bench.ratio("  same, client CPU time only", subject, baseline)
