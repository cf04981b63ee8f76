"""The fake's auto-scaling: demand in, inference units out, one datapoint a minute.

Nothing runs in the background. Each version keeps two timelines in fake time,
its hosting phases (status with the units it was started with) and its demand,
and the minutes it published are worked out from them when asked, so virtual
and scaled clocks alike give the same answers.

The rules (see ``docs/testing.md``, which says which are documented and which
are assumed):

* While RUNNING, desired units are ``clamp(ceil(demand), min, max)``; without
  a max, the min (no scaling).
* The scaler looks once a minute, at each whole minute: in-service units rise
  to the lowest desired value of the last ``scale_up_seconds`` if that is
  higher, and fall to the highest desired value of the last
  ``scale_down_seconds`` if that is lower. A run begins with min units in
  service.
* STARTING publishes Min, Max and Desired (the min being brought up), not
  InService; STOPPING publishes what the last minute before the stop did, with
  no scaling; other statuses publish nothing. Max is published only when the
  start set one.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs

from .._models import HOSTED_STATUSES, ProjectVersionStatus
from .._rules import DESIRED_METRIC as DESIRED
from .._rules import IN_SERVICE_METRIC as IN_SERVICE
from .._rules import MAX_METRIC as MAX
from .._rules import METRIC_DIMENSIONS as DIMENSIONS
from .._rules import METRICS_NAMESPACE as NAMESPACE
from .._rules import MIN_METRIC as MIN
from .._rules import MINUTE
from .._rules import UNIT_METRICS as METRIC_NAMES

__all__ = [
    "DESIRED",
    "DIMENSIONS",
    "IN_SERVICE",
    "MAX",
    "METRIC_NAMES",
    "MIN",
    "NAMESPACE",
    "UnitsHistory",
    "UnitsMinute",
]


S = ProjectVersionStatus


@attrs.frozen(kw_only=True)
class UnitsMinute:
    """What the fake published for one version at one whole minute.

    Attributes:
        timestamp: The minute (UTC, whole minute).
        in_service: ``InServiceInferenceUnits``; ``None`` when not published.
        desired: ``DesiredInferenceUnits``; ``None`` when not published.
        min_inference_units: ``MinInferenceUnits``.
        max_inference_units: ``MaxInferenceUnits``; ``None`` when the start
            set no max.
    """

    timestamp: datetime
    in_service: int | None
    desired: int | None
    min_inference_units: int | None
    max_inference_units: int | None

    def value(self, metric_name: str) -> int | None:
        """The value of one metric (one of ``METRIC_NAMES``), or ``None`` if not published."""
        return {
            IN_SERVICE: self.in_service,
            DESIRED: self.desired,
            MIN: self.min_inference_units,
            MAX: self.max_inference_units,
        }.get(metric_name)


@attrs.frozen
class _Phase:
    since: float
    status: ProjectVersionStatus
    low: int
    high: int | None


@attrs.define
class _Track:
    phases: list[_Phase] = attrs.Factory(list)
    demand_times: list[float] = attrs.Factory(list)
    demand_units: list[float] = attrs.Factory(list)

    def demand_at(self, at: float) -> float:
        index = bisect.bisect_right(self.demand_times, at)
        return self.demand_units[index - 1] if index else 0.0


@attrs.define
class _State:
    """Where a walk through the phases stands: what the last minute published."""

    status: ProjectVersionStatus | None = None
    low: int = 1
    high: int | None = None
    in_service: int | None = None
    desired: int | None = None

    @property
    def held(self) -> int:
        if self.status not in HOSTED_STATUSES:
            return 0
        return self.in_service if self.in_service is not None else self.low


def _minutes(start: float, end: float) -> range:
    """The whole minutes in [start, end), as epoch seconds."""
    first = math.ceil(start / MINUTE) * MINUTE
    last = math.ceil(end / MINUTE) * MINUTE
    return range(int(first), int(last), MINUTE)


class _Run:
    """One RUNNING phase: desired units and the once-a-minute scaler."""

    def __init__(self, track: _Track, phase: _Phase, *, up: float, down: float) -> None:
        self.track = track
        self.phase = phase
        self.up = up
        self.down = down

    def desired_at(self, at: float) -> int:
        low, high = self.phase.low, self.phase.high
        if high is None or at < self.phase.since:
            return low
        return min(max(math.ceil(self.track.demand_at(at)), low), high)

    def _window(self, start: float, end: float) -> list[int]:
        """Every desired value taken in [start, end]: at start, and at each change after it."""
        times = self.track.demand_times
        changes = times[bisect.bisect_right(times, start) : bisect.bisect_right(times, end)]
        if start < self.phase.since <= end:
            changes = [*changes, self.phase.since]
        return [self.desired_at(start), *(self.desired_at(t) for t in changes)]

    def tick(self, in_service: int, at: float) -> int:
        """In-service units after the scaler looks at minute ``at``."""
        rise_to = min(self._window(at - self.up, at))
        fall_to = max(self._window(at - self.down, at))
        return min(max(in_service, rise_to), fall_to)


class UnitsHistory:
    """The hosting and demand timelines of every version, and what they published.

    Thread-safe: the fake records into it under its own lock, and the
    CloudWatch face reads from another thread.
    """

    def __init__(self) -> None:
        self._tracks: dict[tuple[str, str], _Track] = {}
        self._lock = threading.Lock()

    def record_status(
        self,
        key: tuple[str, str],
        at: float,
        status: ProjectVersionStatus,
        min_units: int | None,
        max_units: int | None,
    ) -> None:
        """From ``at`` on, the version ``key`` (project, version name) is in ``status``.

        Phases recorded for ``at`` or later (a transition that was still to
        come) are dropped: this one replaces them. A hosted version without
        units is taken as started with Min 1.
        """
        with self._lock:
            phases = self._tracks.setdefault(key, _Track()).phases
            while phases and phases[-1].since >= at:
                phases.pop()
            phases.append(_Phase(at, status, min_units or 1, max_units))

    def record_demand(self, key: tuple[str, str], at: float, units: float) -> None:
        """From ``at`` on, the demand on version ``key`` is ``units``."""
        with self._lock:
            track = self._tracks.setdefault(key, _Track())
            cut = bisect.bisect_left(track.demand_times, at)
            del track.demand_times[cut:], track.demand_units[cut:]
            track.demand_times.append(at)
            track.demand_units.append(units)

    def published(
        self, key: tuple[str, str], *, start: float, end: float, up: float, down: float
    ) -> list[UnitsMinute]:
        """The minutes in [start, end) at which version ``key`` published, oldest first."""
        with self._lock:
            track = self._tracks.get(key)
            if track is None:
                return []
            return list(self._walk(track, start=start, limit=end, up=up, down=down, state=_State()))

    def held(self, key: tuple[str, str], *, at: float, up: float, down: float) -> int:
        """The units version ``key`` holds at ``at``: in service, or its min while STARTING."""
        state = _State()
        with self._lock:
            track = self._tracks.get(key, _Track())
            # Up to and including the instant ``at``.
            limit = math.nextafter(at, math.inf)
            # Nothing is published in [limit, limit): the walk only moves ``state``.
            deque(self._walk(track, start=limit, limit=limit, up=up, down=down, state=state), maxlen=0)
        return state.held

    def _walk(
        self, track: _Track, *, start: float, limit: float, up: float, down: float, state: _State
    ) -> Iterator[UnitsMinute]:
        """Walk the phases that began before ``limit``; yield the minutes in [start, limit).

        ``state`` is left as the walk ends: the status, units and values of
        the last minute published before ``limit``.
        """
        phases = track.phases
        for index, phase in enumerate(phases):
            if phase.since >= limit:
                break
            following = phases[index + 1] if index + 1 < len(phases) else None
            until = min(following.since, limit) if following is not None else limit
            # A run over before ``start`` matters only to a stop that carries its last values on.
            skip = (
                following is not None
                and following.status is not S.STOPPING
                and following.since < limit
                and until <= start
            )
            previous = (state.in_service, state.desired)
            state.status, state.low, state.high = phase.status, phase.low, phase.high
            if phase.status is S.STARTING:
                state.in_service, state.desired = None, phase.low
            elif phase.status is S.RUNNING:
                if skip:
                    continue
                run = _Run(track, phase, up=up, down=down)
                state.in_service, state.desired = phase.low, phase.low
                for minute in _minutes(phase.since, until):
                    state.in_service = run.tick(state.in_service, minute)
                    state.desired = run.desired_at(minute)
                    if minute >= start:
                        yield self._minute(minute, state)
                continue
            elif phase.status is S.STOPPING:
                state.in_service, state.desired = previous
            else:
                state.in_service = state.desired = None
                continue
            for minute in _minutes(max(phase.since, start), until):
                yield self._minute(minute, state)

    @staticmethod
    def _minute(minute: int, state: _State) -> UnitsMinute:
        return UnitsMinute(
            timestamp=datetime.fromtimestamp(minute, UTC),
            in_service=state.in_service,
            desired=state.desired,
            min_inference_units=state.low,
            max_inference_units=state.high,
        )
