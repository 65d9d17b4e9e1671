"""`nox -s bench`: run every tests/bench/bench_*.py and print ratios against same-run baselines.

Each bench module defines ``run(bench: Bench) -> None`` and reports with
``bench.ratio(name, subject_seconds, baseline_seconds, goal=...)`` or
``bench.figure(name, value, unit)``. Timings come from ``Bench.time``, which
takes the best of several repeats, so subject and baseline are measured the
same way in the same process. `python -m tests.bench NAME...` runs only the
modules whose name contains one of the NAMEs.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Bench:
    """Collects results and prints them as they come."""

    failures: list[str] = field(default_factory=list)

    @staticmethod
    def time(func: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
        """Best-of-``repeat`` seconds per call of ``func`` (each sample runs it ``number`` times)."""
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number):
                func()
            best = min(best, (time.perf_counter() - start) / number)
        return best

    def ratio(self, name: str, subject: float, baseline: float, *, goal: float | None = None) -> None:
        """Print subject/baseline; a missed goal is listed at the end (the run still completes)."""
        value = subject / baseline if baseline else float("inf")
        verdict = ""
        if goal is not None:
            met = value <= goal
            verdict = f"  goal <= {goal:.2f}x: {'met' if met else 'MISSED'}"
            if not met:
                self.failures.append(f"{name}: {value:.2f}x > {goal:.2f}x")
        print(f"{name:<72} {value:6.2f}x  ({subject * 1e3:9.3f} ms vs {baseline * 1e3:9.3f} ms){verdict}")

    def figure(self, name: str, value: float, unit: str) -> None:
        """Print a measured figure that has no baseline."""
        print(f"{name:<72} {value:10.3f} {unit}")


def main(argv: list[str]) -> int:
    bench = Bench()
    here = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")):
        if argv and not any(word in module for word in argv):
            continue
        print(f"== {module}")
        importlib.import_module(f"tests.bench.{module}").run(bench)
    if bench.failures:
        print("goals missed:\n  " + "\n  ".join(bench.failures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
