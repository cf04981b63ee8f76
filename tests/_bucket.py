"""A stand-in DetectCustomLabels for the load's tests: a token bucket on the loop's (virtual) time.

It serves ``rate`` requests a second with a burst of ``burst_seconds`` of
them, as the fake service and AWS do, and throttles the rest; each answer
takes ``latency`` seconds. It counts what it was sent.
"""

from __future__ import annotations

import asyncio

import attrs

from aiocustomlabels import CustomLabelsError, ThrottlingError


@attrs.define
class Bucket:
    """A DetectCustomLabels of ``rate`` requests a second (see the module).

    Attributes:
        rate: Requests a second served, sustained.
        latency: Seconds each answer takes.
        burst_seconds: The burst allowed, in seconds of ``rate``.
        fail_after: Raise ``failure`` from this request on (counted from 0); never if ``None``.
        failure: What to raise then.
        calls: Requests received.
        in_flight: Requests being answered now.
        most_in_flight: The most at once.
        sent_at: The loop time of each request received.
    """

    rate: float
    latency: float = 0.05
    burst_seconds: float = 1.0
    fail_after: int | None = None
    failure: CustomLabelsError | None = None
    calls: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    sent_at: list[float] = attrs.Factory(list)
    _tokens: float | None = None
    _last: float = 0.0

    def _take(self, now: float) -> bool:
        capacity = self.rate * self.burst_seconds
        tokens = capacity if self._tokens is None else self._tokens
        tokens = min(capacity, tokens + (now - self._last) * self.rate)
        self._last = now
        served = tokens >= 1
        self._tokens = tokens - 1 if served else tokens
        return served

    async def __call__(self, image: bytes) -> tuple[()]:
        """Answer one request: labels (none), or a throttle, after ``latency``."""
        now = asyncio.get_running_loop().time()
        number = self.calls
        self.calls += 1
        self.sent_at.append(now)
        served = self._take(now)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.in_flight -= 1
        if self.fail_after is not None and number >= self.fail_after and self.failure is not None:
            raise self.failure
        if not served:
            raise ThrottlingError("Throughput exceeded", code="ProvisionedThroughputExceededException")
        return ()
