"""A version's request load: when its DetectCustomLabels requests arrived, and how many it had a minute.

The fake turns load into demand (``_metrics``): ``count(T)``, the requests in
``(T - 60, T]``, divided by 60 and by the version's TPS per unit (assumed; see
``docs/testing.md``). ``count`` is a step function that rises at each request
and falls 60 seconds later; the scaler needs only its least and greatest
values over a window, which ``extremes`` finds from those change points.

Requests at the same instant (a virtual clock that stands still) share one
entry, so a load test of thousands of requests keeps a list of its distinct
times only.
"""

from __future__ import annotations

import bisect

from .._rules import MINUTE

__all__ = ["LOAD_WINDOW", "RequestLoad"]

#: The window the demand counts requests over, in seconds.
LOAD_WINDOW = float(MINUTE)


class RequestLoad:
    """The arrival times of one version's requests, as distinct times and running totals."""

    def __init__(self) -> None:
        self._stamps: list[float] = []
        # _totals[i]: the requests that arrived at _stamps[i] or before.
        self._totals: list[int] = []

    def add(self, at: float) -> None:
        """Count one request arriving at ``at``."""
        stamps, totals = self._stamps, self._totals
        if stamps and stamps[-1] == at:
            totals[-1] += 1
        elif not stamps or stamps[-1] < at:
            stamps.append(at)
            totals.append((totals[-1] if totals else 0) + 1)
        else:
            # Out of order (a clock that went back): rare, so a linear update is fine.
            index = bisect.bisect_left(stamps, at)
            if stamps[index] != at:
                stamps.insert(index, at)
                totals.insert(index, totals[index - 1] if index else 0)
            for i in range(index, len(totals)):
                totals[i] += 1

    def _upto(self, at: float) -> int:
        index = bisect.bisect_right(self._stamps, at)
        return self._totals[index - 1] if index else 0

    def count(self, at: float) -> int:
        """The requests that arrived in ``(at - 60, at]``."""
        return self._upto(at) - self._upto(at - LOAD_WINDOW)

    def extremes(self, start: float, end: float, *, closed: bool) -> tuple[int, int]:
        """The least and greatest ``count`` over ``[start, end]`` (``[start, end)`` unless ``closed``)."""
        stamps, totals = self._stamps, self._totals
        first = self.count(start)
        low = high = first
        cut = bisect.bisect_right if closed else bisect.bisect_left
        # Rises: at each request time in the window.
        for i in range(bisect.bisect_right(stamps, start), cut(stamps, end)):
            high = max(high, totals[i] - self._upto(stamps[i] - LOAD_WINDOW))
        # Falls: 60 s after each request, when the requests up to it leave the window. Counted
        # by index, not by subtracting 60 again, which float rounding could put on either side.
        for i in range(bisect.bisect_right(stamps, start - LOAD_WINDOW), cut(stamps, end - LOAD_WINDOW)):
            low = min(low, self._upto(stamps[i] + LOAD_WINDOW) - totals[i])
        return low, high
