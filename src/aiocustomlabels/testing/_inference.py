"""What a version does with its inference units: the labels it finds, the requests it serves, how it scales.

Nothing here answers a request: the service's rules and errors are in ``_fake``,
which keeps one ``UnitsHistory`` and one ``LabelBook`` and calls them under its
lock. See ``docs/testing.md`` for which rules are documented and which assumed.

* **Labels**: set by a test, or derived from the image's SHA-256, the same for
  the same bytes on every run and machine: one to four labels with confidences
  from 0 to 100, every second one with a Geometry. A request gets those at or
  above its ``MinConfidence`` (without one, at or above ``ASSUMED_THRESHOLD``),
  highest confidence first, at most ``MaxResults``.
* **Throughput**: a RUNNING version serves ``tps_per_unit x units in service``
  requests a second, with a burst of at most one second's worth: a token
  bucket that is full when the run begins. A request takes one token, or is
  throttled.
* **Load**: ``count(T)``, the requests in ``(T - 60, T]``; the demand it makes
  is ``count / 60 / tps_per_unit``.
* **Auto-scaling**: nothing runs in the background. Each version keeps two
  timelines in fake time, its hosting phases and its demand, and the minutes
  it published are worked out from them when asked. While RUNNING, desired
  units are ``clamp(ceil(demand), min, max)`` (without a max, the min); the
  scaler looks at each whole minute: in-service units rise to the lowest
  desired value of the last ``scale_up_seconds`` if higher, and fall to the
  highest of the last ``scale_down_seconds`` if lower; a run begins with min
  units. STARTING publishes Min, Max and Desired, not InService; STOPPING
  publishes what the last minute before the stop did; other statuses publish
  nothing. Max is published only when the start set one.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from .._converters import converter
from .._models import HOSTED_STATUSES, BoundingBox, CustomLabel, Geometry, Point, ProjectVersionStatus
from .._rules import DESIRED_METRIC as DESIRED
from .._rules import IN_SERVICE_METRIC as IN_SERVICE
from .._rules import MAX_METRIC as MAX
from .._rules import MIN_METRIC as MIN
from .._rules import MINUTE, is_confidence

S = ProjectVersionStatus

#: The threshold a label is reported above when a request sets no MinConfidence (assumed:
#: the service uses each label's own threshold, which it does not publish).
ASSUMED_THRESHOLD = 50.0

#: Names of derived labels: things on a shelf, like the demo's project.
_NAMES = ("bottle", "box", "can", "carton", "jar", "packet", "tin", "tube")


def _ratio(digest: bytes, at: int) -> float:
    """A number in [0, 1] from two bytes of ``digest``, to 4 places (exact in JSON and back)."""
    return round(int.from_bytes(digest[at : at + 2], "big") / 0xFFFF, 4)


def _geometry(digest: bytes) -> Geometry:
    width, height = round(0.1 + 0.4 * _ratio(digest, 0), 4), round(0.1 + 0.4 * _ratio(digest, 2), 4)
    left, top = round((1 - width) * _ratio(digest, 4), 4), round((1 - height) * _ratio(digest, 6), 4)
    right, bottom = round(left + width, 4), round(top + height, 4)
    corners = ((left, top), (right, top), (right, bottom), (left, bottom))
    return Geometry(
        bounding_box=BoundingBox(width=width, height=height, left=left, top=top),
        polygon=tuple(Point(x=x, y=y) for x, y in corners),
    )


def derived_labels(image: bytes) -> tuple[CustomLabel, ...]:
    """The labels derived from ``image``'s SHA-256: one to four, every second one with a Geometry."""
    digest = hashlib.sha256(image).digest()
    parts = [hashlib.sha256(digest + bytes([index])).digest() for index in range(digest[0] % 4 + 1)]
    return tuple(
        CustomLabel(
            name=_NAMES[(digest[1] + index) % len(_NAMES)],
            confidence=round(100 * _ratio(part, 8), 2),
            geometry=_geometry(part) if index % 2 else None,
        )
        for index, part in enumerate(parts)
    )


def label_answer(
    labels: Sequence[CustomLabel], *, min_confidence: float | None, max_results: int | None
) -> dict[str, Any]:
    """The response members for ``labels``, as the request's filters pick them."""
    floor = ASSUMED_THRESHOLD if min_confidence is None else min_confidence
    kept = sorted(
        (label for label in labels if (label.confidence or 0.0) >= floor),
        key=lambda label: -(label.confidence or 0.0),
    )
    if max_results is not None:
        kept = kept[:max_results]
    return {"CustomLabels": [converter.unstructure(label) for label in kept]}


class LabelBook:
    """The labels tests set, by version and optionally by image; derived ones otherwise."""

    def __init__(self) -> None:
        # (version ARN, SHA-256 of the image or None for any image) -> labels.
        self._set: dict[tuple[str, bytes | None], tuple[CustomLabel, ...]] = {}

    def set(self, arn: str, labels: Sequence[CustomLabel], image: bytes | None) -> None:
        """From now on, ``arn`` finds ``labels`` in ``image`` (in any image, for None).

        Raises:
            ValueError: A label has no name, or a confidence outside 0 to 100.
        """
        for label in labels:
            if not label.name or not is_confidence(label.confidence):
                msg = f"a label needs a name and a confidence from 0 to 100: {label!r}"
                raise ValueError(msg)
        key = None if image is None else hashlib.sha256(image).digest()
        self._set[(arn, key)] = tuple(labels)

    def labels(self, arn: str, image: bytes) -> tuple[CustomLabel, ...]:
        """What ``arn`` finds in ``image``: set for this image, set for any, or derived."""
        for key in (hashlib.sha256(image).digest(), None):
            found = self._set.get((arn, key))
            if found is not None:
                return found
        return derived_labels(image)


#: Float slack for a bucket that refills in small steps: 30 refills of a third
#: of a token make one token, not 0.9999999.
_EPSILON = 1e-9


@attrs.define
class _Bucket:
    """A run's token bucket: it holds one second's worth of requests, and is full when the run begins."""

    run: int | None
    tokens: float
    at: float


class RequestLoad:
    """The arrival times of one version's requests, as distinct times and running totals."""

    def __init__(self) -> None:
        self._stamps: list[float] = []
        # _totals[i]: the requests that arrived at _stamps[i] or before.
        self._totals: list[int] = []

    def add(self, at: float) -> None:
        """Count one request arriving at ``at``."""
        stamps, totals = self._stamps, self._totals
        index = bisect.bisect_left(stamps, at)
        if index == len(stamps) or stamps[index] != at:
            stamps.insert(index, at)
            totals.insert(index, totals[index - 1] if index else 0)
        # Every total from ``at`` on: the last one alone, but for a clock that went back (rare).
        for i in range(index, len(totals)):
            totals[i] += 1

    def _upto(self, at: float) -> int:
        index = bisect.bisect_right(self._stamps, at)
        return self._totals[index - 1] if index else 0

    def count(self, at: float) -> int:
        """The requests that arrived in ``(at - 60, at]``."""
        return self._upto(at) - self._upto(at - MINUTE)

    def extremes(self, start: float, end: float, *, closed: bool) -> tuple[int, int]:
        """The least and greatest ``count`` over ``[start, end]`` (``[start, end)`` unless ``closed``)."""
        stamps, totals = self._stamps, self._totals
        first = self.count(start)
        low = high = first
        cut = bisect.bisect_right if closed else bisect.bisect_left
        # Rises: at each request time in the window.
        for i in range(bisect.bisect_right(stamps, start), cut(stamps, end)):
            high = max(high, totals[i] - self._upto(stamps[i] - MINUTE))
        # Falls: 60 s after each request, when the requests up to it leave the window. Counted
        # by index, not by subtracting 60 again, which float rounding could put on either side.
        for i in range(bisect.bisect_right(stamps, start - MINUTE), cut(stamps, end - MINUTE)):
            low = min(low, self._upto(stamps[i] + MINUTE) - totals[i])
        return low, high


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
    # Unique to this record of a phase in its track: tells a new run from one that began at the same instant.
    serial: int = 0


@attrs.frozen
class Serving:
    """A version's capacity at some time: what the fake's throughput follows.

    Attributes:
        units: Its inference units in service; 0 unless RUNNING.
        run: Which run it serves in, a number unique to its RUNNING phase;
            ``None`` unless RUNNING.
        until: The value holds until this time at least (the next whole
            minute, or the next status change).
    """

    units: int
    run: int | None
    until: float


@attrs.define
class _Track:
    phases: list[_Phase] = attrs.Factory(list)
    demand_times: list[float] = attrs.Factory(list)
    # None: no demand set from then on; the load's counts.
    demand_units: list[float | None] = attrs.Factory(list)
    load: RequestLoad = attrs.Factory(RequestLoad)
    tps: float | None = None
    # The scaler's verdicts, (rise to, fall to), by (run start, minute, up, down, tps):
    # a walk need not look at the same window twice. Dropped from a minute on when
    # something is recorded at or before it.
    ticks: dict[tuple[float, int, float, float, float], tuple[int, int]] = attrs.Factory(dict)
    ticked_to: float = -math.inf
    revision: int = 0
    # The last ``serving`` answer: (revision, up, down, tps, asked at, answer).
    serving: tuple[int, float, float, float, float, Serving] | None = None
    bucket: _Bucket | None = None

    def manual_at(self, at: float) -> float | None:
        index = bisect.bisect_right(self.demand_times, at)
        return self.demand_units[index - 1] if index else None

    def changed(self, at: float) -> None:
        """Something was recorded from ``at`` on: forget what it may change."""
        if at <= self.ticked_to:
            self.ticks = {key: value for key, value in self.ticks.items() if key[1] < at}
            self.ticked_to = max((key[1] for key in self.ticks), default=-math.inf)
            self.revision += 1


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

    def __init__(self, track: _Track, phase: _Phase, *, up: float, down: float, tps: float) -> None:
        self.track = track
        self.phase = phase
        self.up = up
        self.down = down
        self.tps = track.tps if track.tps is not None else tps

    def _desired(self, demand: float) -> int:
        return min(max(math.ceil(demand), self.phase.low), self.phase.high or self.phase.low)

    def desired_at(self, at: float) -> int:
        if self.phase.high is None or at < self.phase.since:
            return self.phase.low
        manual = self.track.manual_at(at)
        return self._desired(manual if manual is not None else self.track.load.count(at) / MINUTE / self.tps)

    def _window(self, start: float, end: float) -> tuple[int, int]:
        """The least and greatest desired values taken in [start, end]."""
        low = self.phase.low
        if self.phase.high is None or end < self.phase.since:
            return low, low
        values = []
        if start < self.phase.since:
            # Before the run began, desired was its min.
            values.append(low)
            start = self.phase.since
        times = self.track.demand_times
        edges = [start, *times[bisect.bisect_right(times, start) : bisect.bisect_right(times, end)]]
        # One stretch per demand set: a set value, or the load's counts over it.
        for index, begin in enumerate(edges):
            last = index + 1 == len(edges)
            manual = self.track.manual_at(begin)
            if manual is not None:
                values.append(self._desired(manual))
                continue
            counts = self.track.load.extremes(begin, end if last else edges[index + 1], closed=last)
            values.extend(self._desired(count / MINUTE / self.tps) for count in counts)
        return min(values), max(values)

    def tick(self, in_service: int, at: int) -> int:
        """In-service units after the scaler looks at minute ``at``."""
        key = (self.phase.since, at, self.up, self.down, self.tps)
        verdict = self.track.ticks.get(key)
        if verdict is None:
            verdict = (self._window(at - self.up, at)[0], self._window(at - self.down, at)[1])
            self.track.ticks[key] = verdict
            self.track.ticked_to = max(self.track.ticked_to, at)
        rise_to, fall_to = verdict
        return min(max(in_service, rise_to), fall_to)


class UnitsHistory:
    """The hosting and demand timelines of every version, and what they published.

    Not thread-safe by itself: the fake calls it under its own lock only.
    """

    def __init__(self) -> None:
        self._tracks: defaultdict[tuple[str, str], _Track] = defaultdict(_Track)

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
        track = self._tracks[key]
        track.changed(at)
        track.revision += 1
        phases = track.phases
        while phases and phases[-1].since >= at:
            phases.pop()
        phases.append(_Phase(at, status, min_units or 1, max_units, track.revision))

    def record_demand(self, key: tuple[str, str], at: float, units: float | None) -> None:
        """From ``at`` on, the demand on version ``key`` is ``units``; ``None``: its load's."""
        track = self._tracks[key]
        track.changed(at)
        track.revision += 1
        cut = bisect.bisect_left(track.demand_times, at)
        del track.demand_times[cut:], track.demand_units[cut:]
        track.demand_times.append(at)
        track.demand_units.append(units)

    def set_tps(self, key: tuple[str, str], tps: float | None) -> None:
        """The version's own TPS per unit; ``None``: the fake's, as each query passes it."""
        self._tracks[key].tps = tps
        self._tracks[key].revision += 1

    def admit(self, key: tuple[str, str], *, at: float, up: float, down: float, tps: float) -> bool:
        """Count a request arriving at ``at`` towards the load; take a token of its run's bucket, or throttle it (False)."""
        track = self._tracks[key]
        track.load.add(at)
        track.changed(at)
        serving = self.serving(key, at=at, up=up, down=down, tps=tps)
        rate = (tps if track.tps is None else track.tps) * serving.units
        bucket = track.bucket
        if bucket is None or bucket.run != serving.run:
            bucket = track.bucket = _Bucket(run=serving.run, tokens=rate, at=at)
        elif at > bucket.at:
            # The rate changes only at whole minutes: refilling at today's rate is exact
            # within a minute, and a gap of a second or more fills the bucket anyway.
            bucket.tokens = min(rate, bucket.tokens + (at - bucket.at) * rate)
            bucket.at = at
        bucket.tokens = min(bucket.tokens, rate)
        if bucket.tokens < 1 - _EPSILON:
            return False
        bucket.tokens = max(bucket.tokens - 1, 0.0)
        return True

    def published(
        self, key: tuple[str, str], *, start: float, end: float, up: float, down: float, tps: float
    ) -> list[UnitsMinute]:
        """The minutes in [start, end) at which version ``key`` published, oldest first."""
        track = self._tracks.get(key)
        if track is None:
            return []
        walk = self._walk(track, start=start, limit=end, up=up, down=down, tps=tps, state=_State())
        return list(walk)

    def held(self, key: tuple[str, str], *, at: float, up: float, down: float, tps: float) -> int:
        """The units version ``key`` holds at ``at``: in service, or its min while STARTING."""
        return self._state_at(self._tracks.get(key, _Track()), at, up=up, down=down, tps=tps).held

    def serving(self, key: tuple[str, str], *, at: float, up: float, down: float, tps: float) -> Serving:
        """The units version ``key`` serves with at ``at``, and since and until when.

        Cheap when asked again before ``until``: a load test asks at every request.
        """
        params = (up, down, tps)
        track = self._tracks[key]
        cached = track.serving
        if (
            cached is not None
            and cached[:4] == (track.revision, *params)
            and cached[4] <= at < cached[5].until
        ):
            return cached[5]
        state = self._state_at(track, at, up=up, down=down, tps=tps)
        phases = track.phases
        current = bisect.bisect_right([p.since for p in phases], at)
        following = phases[current].since if current < len(phases) else math.inf
        until = min((math.floor(at / MINUTE) + 1) * MINUTE, following)
        if state.status is S.RUNNING and current:
            found = Serving(units=state.held, run=phases[current - 1].serial, until=until)
        else:
            found = Serving(units=0, run=None, until=until)
        track.serving = (track.revision, *params, at, found)
        return found

    def _state_at(self, track: _Track, at: float, *, up: float, down: float, tps: float) -> _State:
        state = _State()
        # Up to and including the instant ``at``.
        limit = math.nextafter(at, math.inf)
        # Nothing is published in [limit, limit): the walk only moves ``state``.
        walk = self._walk(track, start=limit, limit=limit, up=up, down=down, tps=tps, state=state)
        deque(walk, maxlen=0)
        return state

    def _walk(
        self,
        track: _Track,
        *,
        start: float,
        limit: float,
        up: float,
        down: float,
        tps: float,
        state: _State,
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
                run = _Run(track, phase, up=up, down=down, tps=tps)
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
