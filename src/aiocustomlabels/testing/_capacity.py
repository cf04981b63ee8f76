"""The fake's throughput: a token bucket per model version, on the fake's clock.

A RUNNING version serves ``tps_per_unit x units in service`` requests a
second, with a burst of at most one second's worth: its bucket holds that
many tokens, is full when the run begins, and refills at that rate. A request
takes one token, or is throttled and takes none (docs/testing.md: the figure
is assumed; AWS publishes none).
"""

from __future__ import annotations

import attrs

__all__ = ["Capacity"]

#: Float slack for a bucket that refills in small steps: 30 refills of a third
#: of a token make one token, not 0.9999999.
_EPSILON = 1e-9


@attrs.define
class _Bucket:
    run: int | None
    tokens: float
    at: float


class Capacity:
    """The token buckets of every version, by ARN. The fake calls it under its lock."""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def take(self, arn: str, *, now: float, run: int | None, rate: float) -> bool:
        """Take one token from the bucket of ``arn``'s ``run``; False when empty.

        Args:
            arn: The version.
            now: The time of the request.
            run: Which run of the version serves: a new run starts full.
            rate: Requests a second it serves now; also the bucket's size.
        """
        bucket = self._buckets.get(arn)
        if bucket is None or bucket.run != run:
            bucket = self._buckets[arn] = _Bucket(run=run, tokens=rate, at=now)
        elif now > bucket.at:
            # The rate changes only at whole minutes: refilling at today's rate is exact
            # within a minute, and a gap of a second or more fills the bucket anyway.
            bucket.tokens = min(rate, bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
        bucket.tokens = min(bucket.tokens, rate)
        if bucket.tokens < 1 - _EPSILON:
            return False
        bucket.tokens = max(bucket.tokens - 1, 0.0)
        return True
