"""Workflow benchmarks (issue 12): ``wait``'s latency, a 50-scene ``generate``'s CPU, ``import heygen_studio``.

- ``wait`` adds at most one poll of latency after the video completes. Measured on
  MockHeyGen twice: in real time with a fixed ``poll_interval`` (latency = when ``wait``
  returned minus the earliest the render could have ended, against one interval plus
  one ``get`` round trip measured in the same run), and on a fake clock shared by server
  and client with the default growing intervals, over renders of 1 s to 10 min (latency
  against the interval in force when the render ended).
- ``generate`` of a 50-scene request vs ``httpx.Client.post`` of the same JSON, in this
  process's CPU time, against ``python -m heygen_studio.testing --no-validate`` in a
  child process (so the server's work is not counted); goal 1.3x.
- ``from heygen_studio import HeyGen`` (a bare ``import heygen_studio`` loads the client lazily) vs
  ``import httpx, attrs``, each timed inside a fresh
  interpreter (the import statement alone, best of several alternating runs); goal 1.3x.

``videos.list`` over 1,000 videos is in ``bench_transport`` and not repeated here.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

from heygen_studio import HeyGen
from heygen_studio.testing import MockHeyGen
from tests.bench.__main__ import Bench
from tests.bench.bench_transport import alternate, mock_server_process
from tests.heygen_studio.fake_clock import FakeClock

AVATAR: dict[str, Any] = {
    "type": "avatar",
    "avatar_id": "Daisy-inskirt-20220818",
    "script": "Welcome to the benchmark.",
    "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54",
}
SCENES = 50
GENERATE_CALLS = 100
IMPORT_RUNS = 9
POLL = 0.05
REAL_RENDERS = (0.2, 0.33, 0.47)
FAKE_RENDERS = (1.0, 2.5, 7.0, 30.0, 61.0, 119.0, 240.0, 333.0, 599.0)


def run_wait_real_time(bench: Bench) -> None:
    """Real time, fixed ``poll_interval``: return time minus render end, against the poll that straddled it.

    The server's clock counts milliseconds (its ``completed_at``, an int, is then exact
    to 1 ms), so the render's end is read from the video itself. One poll is the sleep
    actually slept last (a loaded machine oversleeps) plus the median ``get`` round trip.
    """
    origin = time.time()

    def milliseconds() -> float:
        return (time.time() - origin) * 1000.0

    worst = (0.0, 1.0)  # (latency, one poll), in seconds
    for render in REAL_RENDERS:
        slept: list[float] = []

        def sleep(seconds: float, slept: list[float] = slept) -> None:
            start = time.perf_counter()
            time.sleep(seconds)
            slept.append(time.perf_counter() - start)

        with (
            MockHeyGen(render_seconds=render * 1000, clock=milliseconds) as server,
            HeyGen(api_key=server.api_key, base_url=server.base_url, sleep=sleep) as client,
        ):
            # Warm up: the first create compiles the v3 validators (client and server) and opens the connection.
            warm = client.videos.create(AVATAR).video_id
            round_trips = []
            for _ in range(20):
                start = time.perf_counter()
                client.videos.get(warm)
                round_trips.append(time.perf_counter() - start)
            created = client.videos.create(AVATAR)
            video = client.videos.wait(created.video_id, poll_interval=POLL)
            returned = milliseconds() / 1000.0
        assert "completed" == video.status and video.completed_at is not None
        latency = returned - video.completed_at / 1000.0
        one_poll = slept[-1] + statistics.median(round_trips)
        worst = max(worst, (latency, one_poll), key=lambda pair: pair[0] / pair[1])
    bench.ratio(
        f"videos.wait latency after completion vs one poll ({POLL:g} s interval + one get, real time, worst)",
        *worst,
        goal=1.0,
    )


def run_wait_fake_clock(bench: Bench) -> None:
    """Fake clock, default growing intervals: latency in units of the interval in force at completion."""
    worst = (0.0, 1.0, 0.0)  # (latency, interval, render), in fake seconds
    for render in FAKE_RENDERS:
        clock = FakeClock(1_780_000_000.0)
        with (
            MockHeyGen(render_seconds=render, clock=clock) as server,
            HeyGen(api_key=server.api_key, base_url=server.base_url, clock=clock, sleep=clock.sleep) as client,
        ):
            start = clock()
            created = client.videos.create(AVATAR)
            client.videos.wait(created.video_id)
        latency = clock() - (start + render)
        interval = clock.sleeps[-1]
        worst = max(worst, (latency, interval, render), key=lambda case: case[0] / case[1])
    latency, interval, render = worst
    bench.ratio(
        f"videos.wait latency vs the poll interval, default schedule, fake clock (worst: {render:g} s render)",
        latency,
        interval,
        goal=1.0,
    )


def fifty_scenes() -> dict[str, Any]:
    scene: dict[str, Any] = {
        "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818", "avatar_style": "normal"},
        "voice": {"type": "text", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "input_text": "", "speed": 1.1},
        "background": {"type": "color", "value": "#FAFAFA"},
    }
    scenes = []
    for number in range(SCENES):
        voice = {**scene["voice"], "input_text": f"Scene {number}: welcome to a long studio video."}
        scenes.append({**scene, "voice": voice})
    return {"video_inputs": scenes, "dimension": {"width": 1280, "height": 720}, "title": "fifty scenes"}


def run_generate_cpu(bench: Bench) -> None:
    payload: Any = fifty_scenes()
    with mock_server_process() as (base_url, api_key):
        url = f"{base_url}/v2/video/generate"
        headers = {"x-api-key": api_key}
        with HeyGen(api_key=api_key, base_url=base_url) as client, httpx.Client() as raw:

            def sdk_calls() -> None:
                for _ in range(GENERATE_CALLS):
                    client.videos.generate(payload)

            def raw_calls() -> None:
                for _ in range(GENERATE_CALLS):
                    response = raw.post(url, json=payload, headers=headers)
                    response.raise_for_status()
                    response.json()["data"]["video_id"]

            subject, baseline = alternate(sdk_calls, raw_calls, clock=time.process_time)
            bench.ratio(
                f"HeyGen.videos.generate ({SCENES} scenes) vs raw httpx.Client.post, client CPU per call",
                subject / GENERATE_CALLS,
                baseline / GENERATE_CALLS,
                goal=1.3,
            )
    generate_breakdown(bench, payload)


def generate_breakdown(bench: Bench, payload: Any) -> None:
    """Where the SDK's extra CPU goes: the body (validate, copy, encode) against the encoding raw httpx also does."""
    from heygen_studio._payload import encode_json
    from heygen_studio._validation import prepare_body

    def bodies() -> None:
        for _ in range(GENERATE_CALLS):
            prepare_body(payload, {})

    def encodings() -> None:
        for _ in range(GENERATE_CALLS):
            encode_json(payload)

    body, encoding = alternate(bodies, encodings, clock=time.process_time)
    bench.figure(
        "  of which validate + copy + encode the body (prepare_body), CPU per call", body / GENERATE_CALLS * 1e3, "ms"
    )
    bench.figure(
        "  and json.dumps(...).encode() alone, as raw httpx does, CPU per call", encoding / GENERATE_CALLS * 1e3, "ms"
    )


def import_seconds(statement: str) -> float:
    """How long ``statement`` takes in a fresh interpreter (the statement alone, not the startup)."""
    code = f"import time\nstart = time.perf_counter()\n{statement}\nprint(time.perf_counter() - start)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    return float(done.stdout)


def run_import(bench: Bench) -> None:
    best = {"from heygen_studio import HeyGen": float("inf"), "import httpx, attrs": float("inf")}
    for _ in range(IMPORT_RUNS):
        for statement, fastest in best.items():
            best[statement] = min(fastest, import_seconds(statement))
    bench.ratio(
        "from heygen_studio import HeyGen vs import httpx, attrs (fresh interpreters)",
        best["from heygen_studio import HeyGen"],
        best["import httpx, attrs"],
        goal=1.3,
    )


def run(bench: Bench) -> None:
    run_wait_real_time(bench)
    run_wait_fake_clock(bench)
    run_generate_cpu(bench)
    run_import(bench)
