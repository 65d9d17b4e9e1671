"""The one fake clock of the client tests and benches: time moves only when the client sleeps."""

from __future__ import annotations


class FakeClock:
    """Seconds from ``start``, moved only by ``sleep``/``async_sleep``; every sleep is recorded.

    Pass it as a client's ``clock=`` and its ``sleep``/``async_sleep`` as the client's sleep, so a
    test never sleeps for real and can assert each delay the client chose.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
