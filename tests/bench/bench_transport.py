"""Transport benchmarks (issue 4): the client's overhead over raw httpx, against the same loopback server.

- ``HeyGen.videos.generate(payload)`` vs ``httpx.Client.post(url, json=payload, headers=...)``:
  the client validates, serialises and maps the response; raw httpx only posts.
- 1,000 creations through ``AsyncHeyGen`` vs raw ``httpx.AsyncClient``, both with at most
  16 requests in flight (an ``asyncio.Semaphore``) and the same connection limits.

The server is ``MockHeyGen(validate=False)``, so its own validation does not dilute the
client's share of the time. Subject and baseline alternate, and each keeps its best of
several rounds, so both see the same machine load.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from heygen_studio import AsyncHeyGen, HeyGen
from heygen_studio.testing import MockHeyGen
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


def alternate(subject: Callable[[], object], baseline: Callable[[], object]) -> tuple[float, float]:
    best_subject = best_baseline = float("inf")
    for _ in range(ROUNDS):
        for func, is_subject in ((subject, True), (baseline, False)):
            start = time.perf_counter()
            func()
            elapsed = time.perf_counter() - start
            if is_subject:
                best_subject = min(best_subject, elapsed)
            else:
                best_baseline = min(best_baseline, elapsed)
    return best_subject, best_baseline


def run(bench: Bench) -> None:
    with MockHeyGen(validate=False) as server:
        url = f"{server.base_url}/v2/video/generate"
        headers = {"x-api-key": server.api_key}

        with HeyGen(api_key=server.api_key, base_url=server.base_url) as client, httpx.Client() as raw:

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

        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)

        async def sdk_many() -> None:
            gate = asyncio.Semaphore(CONCURRENCY)
            async with (
                httpx.AsyncClient(limits=limits) as http,
                AsyncHeyGen(api_key=server.api_key, base_url=server.base_url, http_client=http) as client,
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
