"""Pipeline benchmarks: codegen's generate and verify, and importing the generated package.

- ``import heygen_studio_api`` vs ``import httpx, attrs``: wall time of a whole fresh
  interpreter each, interpreter start-up included; the same ratio with start-up
  (``python -c pass``) subtracted follows, without a goal. This one runs first and
  also on Python 3.10, where the SDK runs but the pipeline cannot.
- ``python -m codegen generate --spec openapi/heygen-api.patched.json --out TMP`` vs the
  two bare generator CLIs on the same spec, every command a fresh process so each pays
  its start-up and imports once. datamodel-codegen reads the same request-only spec
  codegen hands it (``typeddict_spec``). The bare openapi-python-client reads
  codegen/config/openapi-python-client.yaml, whose ``post_hooks: []`` turns off its
  default ruff hooks; a second line runs it with that one line removed, so with its
  default ruff post hooks (codegen runs ruff once itself, over both outputs).
- ``codegen.verify.run`` on the unchanged tree: full regeneration and compare (in this
  process, imports already paid) vs the fast path, after a warm-up call that writes
  .codegen-cache/verify.json (gitignored).

openapi-python-client needs Python 3.11+; without it the pipeline benches are skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.bench.__main__ import Bench
from tests.shared import CORPUS

ROOT = Path(__file__).resolve().parents[2]
PATCHED = ROOT / "openapi" / "heygen-api.patched.json"
EXTERNAL = CORPUS / "external-api-1.0.0.json"
CONFIG = ROOT / "codegen" / "config"
OPC_CONFIG = CONFIG / "openapi-python-client.yaml"
GENERATE_ROUNDS = 3
VERIFY_FULL_REPEAT = 3
VERIFY_CACHED_REPEAT = 20
IMPORT_ROUNDS = 10


def _executable(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def _child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    # openapi-python-client looks its ruff post hooks up on PATH; outside an activated venv
    # it would skip them ("ruff is not in PATH") and the baseline would do less work.
    env["PATH"] = os.pathsep.join(filter(None, (str(Path(sys.executable).parent), env.get("PATH"))))
    # Installed (nox -s bench) the packages are found anyway; in a plain venv, use the source tree.
    missing = [
        str(folder)
        for name, folder in (("heygen_studio_api", ROOT / "generated"), ("heygen_studio", ROOT / "src"))
        if importlib.util.find_spec(name) is None
    ]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (*missing, env.get("PYTHONPATH"))))
    return env


def _wall(command: Sequence[str], env: dict[str, str], *, reject: str | None = None) -> float:
    """Wall-clock seconds of one child process; raises if it fails or prints ``reject``."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    if result.returncode != 0 or (reject is not None and reject in output):
        raise RuntimeError(f"`{' '.join(command)}` exited {result.returncode}:\n{output.strip()[-2000:]}")
    return seconds


def _alternate(samples: Sequence[Callable[[], float]], rounds: int) -> list[float]:
    """Best of ``rounds`` for each sample function (each returns its own timing), taken in turn."""
    best = [float("inf")] * len(samples)
    for _ in range(rounds):
        for index, sample in enumerate(samples):
            best[index] = min(best[index], sample())
    return best


def bench_import(bench: Bench) -> None:
    env = _child_env()

    def sample(statement: str) -> Callable[[], float]:
        return lambda: _wall([sys.executable, "-c", statement], env)

    # Rounds alternate, so all three see the same machine load; the first round writes bytecode caches.
    subject, baseline, startup = _alternate(
        [sample("import heygen_studio_api"), sample("import httpx, attrs"), sample("pass")], IMPORT_ROUNDS
    )
    bench.figure("interpreter start-up (python -c pass, fresh process)", startup * 1e3, "ms")
    bench.ratio("import heygen_studio_api vs import httpx, attrs (fresh process, wall)", subject, baseline, goal=1.3)
    bench.ratio("  same, start-up (python -c pass) subtracted", subject - startup, baseline - startup)


def bench_generate(bench: Bench, tmp: Path, spec_path: Path = PATCHED, *, goal: float = 1.0) -> None:
    from codegen.extract import read_definition
    from codegen.generate import generator_spec, typeddict_spec

    opc, dmcg = _executable("openapi-python-client"), _executable("datamodel-codegen")
    if opc is None or dmcg is None:
        print("skipped generate bench: openapi-python-client or datamodel-codegen is not on PATH")
        return
    env = _child_env()
    class_names = json.loads((CONFIG / "datamodel-codegen.json").read_text(encoding="utf-8"))["class_names"]
    params_spec = tmp / "params-spec.json"
    readable, _ = generator_spec(read_definition(spec_path), source=spec_path.name)
    params_spec.write_text(json.dumps(typeddict_spec(readable, class_names)), encoding="utf-8")
    config = OPC_CONFIG.read_text(encoding="utf-8")
    default_hooks_config = tmp / "openapi-python-client-default-hooks.yaml"
    default_hooks_config.write_text(
        "".join(line for line in config.splitlines(keepends=True) if not line.startswith("post_hooks:")),
        encoding="utf-8",
    )

    def out() -> Path:
        return Path(tempfile.mkdtemp(dir=tmp)) / "out"

    def codegen() -> float:
        command = [sys.executable, "-m", "codegen", "generate", "--spec", str(spec_path), "--out", str(out())]
        return _wall(command, env)

    def bare_opc(config_path: Path) -> Callable[[], float]:
        def sample() -> float:
            command = [opc, "generate", "--path", str(spec_path), "--output-path", str(out())]
            command += ["--overwrite", "--meta", "none", "--config", str(config_path)]
            # For our own spec, any warning means a skipped schema or post hook: less work than codegen does.
            return _wall(command, env, reject="Warning" if spec_path == PATCHED else None)

        return sample

    def bare_dmcg() -> float:
        output = out()
        output.mkdir()
        options = ["--input-file-type", "openapi", "--output-model-type", "typing.TypedDict", "--disable-timestamp"]
        return _wall([dmcg, "--input", str(params_spec), *options, "--output", str(output / "params.py")], env)

    load_before = _load()
    subject, opc_seconds, opc_hooks_seconds, dmcg_seconds = _alternate(
        [codegen, bare_opc(OPC_CONFIG), bare_opc(default_hooks_config), bare_dmcg], GENERATE_ROUNDS
    )
    bench.ratio(
        f"codegen generate vs bare openapi-python-client + datamodel-codegen ({spec_path.name})",
        subject,
        opc_seconds + dmcg_seconds,
        goal=goal,
    )
    bench.ratio(
        "  same, bare openapi-python-client with its default ruff post hooks", subject, opc_hooks_seconds + dmcg_seconds
    )
    bench.figure("  bare openapi-python-client (codegen's config: post_hooks: [])", opc_seconds * 1e3, "ms")
    bench.figure("  bare openapi-python-client (default ruff post hooks)", opc_hooks_seconds * 1e3, "ms")
    bench.figure("  bare datamodel-codegen (request-only spec, default formatters)", dmcg_seconds * 1e3, "ms")
    if load_before is not None:
        # codegen runs its work on every core; other processes on them slow it more than the serial baselines.
        bench.figure(f"  cores {os.cpu_count()}; load average (1 min) before these runs", load_before, "")
        bench.figure("  load average (1 min) after them", _load() or 0.0, "")


def _load() -> float | None:
    """The 1-minute load average, where the platform has one."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def bench_verify(bench: Bench) -> None:
    from codegen import verify
    from codegen.errors import StaleError

    try:
        verify.run(use_cache=True)  # primes .codegen-cache/verify.json if it is missing or old
        verdict = verify.run(use_cache=True)
        if "fast path" not in verdict:
            print(f"skipped verify bench: the second run did not take the fast path ({verdict})")
            return
        full = bench.time(lambda: verify.run(use_cache=False), repeat=VERIFY_FULL_REPEAT)
        cached = bench.time(lambda: verify.run(use_cache=True), repeat=VERIFY_CACHED_REPEAT)
    except StaleError as exc:
        print(f"skipped verify bench: the committed tree is stale, so verify raised StaleError: {exc}".splitlines()[0])
        return
    bench.figure("verify, full (regenerate + compare; in process, imports warm)", full * 1e3, "ms")
    bench.figure("verify, fast path (cache key unchanged)", cached * 1e3, "ms")
    bench.ratio("verify fast path vs full", cached, full, goal=0.1)


def run(bench: Bench) -> None:
    bench_import(bench)
    if importlib.util.find_spec("openapi_python_client") is None:
        print(
            f"skipped generate and verify benches: the pipeline needs Python 3.11+ (this is {sys.version.split()[0]})"
        )
        return
    with tempfile.TemporaryDirectory(prefix="heygen-bench-") as tmp:
        bench_generate(bench, Path(tmp))
        if EXTERNAL.is_file():  # issue 11: <= 0.6x the two bare generators on HeyGen's External API
            bench_generate(bench, Path(tmp), EXTERNAL, goal=0.6)
    bench_verify(bench)
