"""A step load of DetectCustomLabels requests: what ``calibrate`` measures a version's capacity with.

The load is an open loop: each step offers a rate (requests a second, evenly
spaced), with a cap on the requests in flight, rather than a number of
workers that each send as fast as answers come back. Against a local
emulator that answers in a millisecond, a few closed-loop workers send
hundreds of requests a second, nearly all throttled; a rate is kinder to the
service and says exactly what was offered.

The rate doubles after each step in which no request was throttled, and holds
after one in which some were: a held rate is above the capacity, so the
version's token bucket (AWS and the fake allow a burst) stays empty, and what
it serves is its sustained rate. That rate is measured from the first
throttled request of a run of throttled steps to the end of the run: the
requests served then, over that time.

Every request is sent once (the caller's client must not retry): a throttled
request is counted, never hidden by a retry that succeeds later.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

import attrs

from ._errors import (
    CustomLabelsError,
    InternalServerError,
    ProvisionedThroughputExceededError,
    ThrottlingError,
    TransportError,
)

__all__ = ["CalibrationStep", "LoadPlan", "StepCallback", "run_load", "sustained"]

#: Errors that end no load: counted against the step, which goes on. Anything else (a version that
#: stopped, an image the model refuses, a closed client) ends the load at once, raised as it is.
_TRANSIENT: Final = (InternalServerError, ThrottlingError, TransportError)
#: How much the rate grows after a step without throttling.
_GROWTH: Final = 2.0


@attrs.frozen(kw_only=True)
class CalibrationStep:
    """One step of a calibration's load: the rate it offered and what became of its requests.

    Requests are counted in the step in which they were sent, whenever they
    were answered.

    Attributes:
        index: Its place in the load, from 0.
        offered_tps: The rate it offered: requests a second, evenly spaced.
        start: When it began, in seconds after the load began.
        seconds: How long it lasted.
        sent: Requests sent (fewer than the rate offers when the cap on
            requests in flight was reached).
        served: Requests answered with labels.
        throttled: Requests refused with ``ProvisionedThroughputExceededException``.
        errors: Requests that failed otherwise (InternalServerError,
            ThrottlingException, no whole answer).
        unanswered: Requests still in flight at the deadline, cancelled.
        measured_seconds: The part of the step in the sustained measure: from
            the first throttled request of a run of throttled steps to the
            end of the run; 0 for a step outside such a run.
        measured_served: The requests served in that part.
    """

    index: int
    offered_tps: float
    start: float
    seconds: float
    sent: int = 0
    served: int = 0
    throttled: int = 0
    errors: int = 0
    unanswered: int = 0
    measured_seconds: float = 0.0
    measured_served: int = 0

    @property
    def served_tps(self) -> float:
        """Requests served a second over the whole step, burst included."""
        return self.served / self.seconds

    @property
    def sustained_tps(self) -> float | None:
        """Requests served a second in the measured part; ``None`` for a step not measured."""
        return self.measured_served / self.measured_seconds if self.measured_seconds > 0 else None


StepCallback = Callable[[CalibrationStep], object]
"""Called at the end of each step with what is known of it then (answers may still come)."""


@attrs.frozen(kw_only=True)
class LoadPlan:
    """How a load runs; checked by the caller.

    Attributes:
        duration: Seconds from the first request to the deadline; the last
            ``tail`` of them sends nothing, and lets the requests in flight answer.
        steps: How many steps share the rest.
        initial_tps: The first step's rate.
        max_in_flight: The most requests in flight at once.
    """

    duration: float
    steps: int
    initial_tps: float
    max_in_flight: int

    @property
    def tail(self) -> float:
        """Seconds at the end in which nothing is sent: a tenth of the duration, at most 5."""
        return min(5.0, self.duration / 10)

    @property
    def step_seconds(self) -> float:
        """How long each step lasts."""
        return (self.duration - self.tail) / self.steps


@attrs.define
class _Step:
    """A step under way: the send time (since the load began) of each request, by outcome."""

    index: int
    rate: float
    start: float
    seconds: float
    sent: int = 0
    served: list[float] = attrs.Factory(list)
    throttled: list[float] = attrs.Factory(list)
    errors: int = 0

    @property
    def end(self) -> float:
        return self.start + self.seconds

    def frozen(self, *, since: float | None = None) -> CalibrationStep:
        """The step as a result; ``since``: when its measured part begins (none: not measured)."""
        answered = len(self.served) + len(self.throttled) + self.errors
        return CalibrationStep(
            index=self.index,
            offered_tps=self.rate,
            start=self.start,
            seconds=self.seconds,
            sent=self.sent,
            served=len(self.served),
            throttled=len(self.throttled),
            errors=self.errors,
            unanswered=self.sent - answered,
            measured_seconds=0.0 if since is None else self.end - since,
            measured_served=0 if since is None else sum(1 for t in self.served if t >= since),
        )


async def _sleep_until(loop: asyncio.AbstractEventLoop, when: float) -> None:
    delay = when - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)


class _Load:
    """The load's state: its steps, the images in turn, and the cap on requests in flight."""

    def __init__(
        self,
        detect: Callable[[bytes], Awaitable[object]],
        images: Sequence[bytes],
        plan: LoadPlan,
        on_step: StepCallback | None,
    ) -> None:
        self._detect = detect
        self._images = images
        self._plan = plan
        self._on_step = on_step
        self._in_flight = asyncio.Semaphore(plan.max_in_flight)
        self._count = 0
        self.steps: list[_Step] = []

    async def _one(self, step: _Step, image: bytes, sent_at: float) -> None:
        try:
            await self._detect(image)
        except ProvisionedThroughputExceededError:
            step.throttled.append(sent_at)
        except _TRANSIENT:
            step.errors += 1
        else:
            step.served.append(sent_at)
        finally:
            self._in_flight.release()

    async def drive(self, group: asyncio.TaskGroup, began: float) -> None:
        """Send each step's requests at its rate, in ``group``; the rate grows until throttled."""
        loop = asyncio.get_running_loop()
        rate = self._plan.initial_tps
        length = self._plan.step_seconds
        for index in range(self._plan.steps):
            step = _Step(index=index, rate=rate, start=index * length, seconds=length)
            self.steps.append(step)
            for number in range(math.ceil(length * rate)):
                await _sleep_until(loop, began + step.start + number / rate)
                await self._in_flight.acquire()
                now = loop.time() - began
                if now >= step.end:  # the cap held the request past its step: it is not sent
                    self._in_flight.release()
                    break
                image = self._images[self._count % len(self._images)]
                self._count += 1
                step.sent += 1
                group.create_task(self._one(step, image, now))
            await _sleep_until(loop, began + step.end)
            if self._on_step is not None:
                self._on_step(step.frozen())
            if not step.throttled:  # as far as the answers in by now tell
                rate *= _GROWTH


def sustained(steps: Sequence[_Step]) -> tuple[CalibrationStep, ...]:
    """The steps as results, with their measured parts.

    A run of throttled steps is measured from its first throttled request to
    its end: from then on the version's bucket is empty, and what it serves
    is its sustained rate. A step after a throttled one is measured whole.
    """
    results = []
    since: float | None = None
    for step in steps:
        if not step.throttled:
            since = None
            results.append(step.frozen())
            continue
        since = step.start if since is not None else min(step.throttled)
        results.append(step.frozen(since=since))
    return tuple(results)


async def run_load(
    detect: Callable[[bytes], Awaitable[object]],
    images: Sequence[bytes],
    plan: LoadPlan,
    *,
    on_step: StepCallback | None = None,
) -> tuple[CalibrationStep, ...]:
    """Run the step load: every request sent once, each image in turn, until the plan's deadline.

    The requests are tasks of one task group: at the deadline those still in
    flight are cancelled (and counted ``unanswered``); a cancellation of the
    caller cancels them all at once.

    Raises:
        CustomLabelsError: The first error that ends the load (any but
            throttling and the transient ones), raised as it is.
    """
    load = _Load(detect, images, plan, on_step)
    loop = asyncio.get_running_loop()
    began = loop.time()
    try:
        async with asyncio.timeout_at(began + plan.duration) as deadline:
            async with asyncio.TaskGroup() as group:
                await load.drive(group, began)
    except TimeoutError:
        if not deadline.expired():
            raise
    except BaseExceptionGroup as failures:
        # A request's error ends the load; the group adds nothing a caller needs.
        first = failures.exceptions[0]
        if isinstance(first, CustomLabelsError):
            raise first from None
        raise
    return sustained(load.steps)
