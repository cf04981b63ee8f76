"""Calibration: how many DetectCustomLabels requests a second one inference unit of a version serves.

AWS publishes no such figure: it depends on the model, and on the images
(Custom Labels guide, "Running a trained model"). AWS's advice is to measure
it, with a load that rises step by step on a running model until requests are
throttled. ``calibrate`` does that, divides the sustained rate by the units in
service, and says how sure the figure is: ``saturated`` when throttling was
reached, a lower bound when not, and ``units_changed`` when auto-scaling moved
the units meanwhile.

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
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Final

import attrs
from aiobotocore.config import AioConfig

from ._arns import ProjectArn, ProjectVersionArn
from ._checks import check_arn, check_seconds
from ._errors import (
    AccessDeniedError,
    ConfigurationError,
    CustomLabelsError,
    InternalServerError,
    InvalidRequestError,
    ThrottlingError,
    TransportError,
    VersionNotRunningError,
)
from ._models import ProjectVersionDescription, ProjectVersionStatus
from ._rules import IMAGE_BYTES, IN_SERVICE_METRIC, MIN_METRIC, is_image_bytes

if TYPE_CHECKING:
    from ._client import CustomLabelsClient

__all__ = ["Calibration", "CalibrationStep", "LoadPlan", "StepCallback", "calibrate", "run_load"]

#: Steps last about a twelfth of the load, within these bounds (seconds).
_STEP_SECONDS: Final = (1.0, 10.0)
_STEPS_PER_LOAD: Final = 12
#: The most requests in flight at once, unless told otherwise.
DEFAULT_MAX_IN_FLIGHT: Final = 64
#: What a client must be created with for calibrate: one attempt a request, so that every throttle is seen.
ONE_ATTEMPT: Final = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
#: The same, as the words that tell a caller how.
_ONE_ATTEMPT_FIX: Final = f"config=AioConfig(retries={json.dumps(ONE_ATTEMPT.retries)})"


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


def _sustained(steps: Sequence[_Step]) -> tuple[CalibrationStep, ...]:
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
    loop = asyncio.get_running_loop()
    in_flight = asyncio.Semaphore(plan.max_in_flight)
    steps: list[_Step] = []

    async def one(step: _Step, image: bytes, sent_at: float) -> None:
        try:
            await detect(image)
        except ThrottlingError:
            step.throttled.append(sent_at)
        except _TRANSIENT:
            step.errors += 1
        else:
            step.served.append(sent_at)
        finally:
            in_flight.release()

    async def drive(group: asyncio.TaskGroup) -> None:
        """Send each step's requests at its rate, in ``group``; the rate grows until throttled."""
        rate, length, count = plan.initial_tps, plan.step_seconds, 0
        for index in range(plan.steps):
            step = _Step(index=index, rate=rate, start=index * length, seconds=length)
            steps.append(step)
            for number in range(math.ceil(length * rate)):
                await _sleep_until(loop, began + step.start + number / rate)
                await in_flight.acquire()
                now = loop.time() - began
                if now >= step.end:  # the cap held the request past its step: it is not sent
                    in_flight.release()
                    break
                step.sent += 1
                group.create_task(one(step, images[count % len(images)], now))
                count += 1
            await _sleep_until(loop, began + step.end)
            if on_step is not None:
                on_step(step.frozen())
            if not step.throttled:  # as far as the answers in by now tell
                rate *= _GROWTH

    began = loop.time()
    try:
        async with asyncio.timeout_at(began + plan.duration) as deadline:
            async with asyncio.TaskGroup() as group:
                await drive(group)
    except TimeoutError:
        if not deadline.expired():
            raise
    except BaseExceptionGroup as failures:
        # A request's error ends the load; the group adds nothing a caller needs.
        first = failures.exceptions[0]
        if isinstance(first, CustomLabelsError):
            raise first from None
        raise
    return _sustained(steps)


@attrs.frozen(kw_only=True)
class Calibration:
    """What a calibration measured: the sustained rate of one inference unit, and how it was found.

    Attributes:
        project_version_arn: The version measured.
        tps_per_unit: Requests a second one unit serves: ``served_tps / units``.
            A lower bound when not ``saturated``.
        served_tps: Requests a second the version served, sustained: over the
            measured parts of the steps (after throttling began); when never
            throttled, the best rate of a step.
        saturated: Whether throttling was reached: the figure is the
            capacity. When not, the load never reached it, and the figure is a
            lower bound: calibrate longer.
        units: The inference units in service when the load began.
        units_source: Where ``units`` came from: ``InServiceInferenceUnits``
            (CloudWatch), or ``MinInferenceUnits`` (the description) when
            CloudWatch had none (a version started a minute ago has published
            nothing yet) or could not be read.
        units_at_end: The units in service when the load ended, read alike.
        image_sizes: The size in bytes of each image sent, in turn.
        measured_seconds: How long the sustained rate was measured.
        steps: The load's steps, in order.
    """

    project_version_arn: ProjectVersionArn
    tps_per_unit: float
    served_tps: float
    saturated: bool
    units: float
    units_source: str
    units_at_end: float
    image_sizes: tuple[int, ...]
    measured_seconds: float
    steps: tuple[CalibrationStep, ...]

    @property
    def units_changed(self) -> bool:
        """Whether the units in service changed during the load (auto-scaling): the figure is doubtful."""
        return self.units_at_end != self.units

    @property
    def sent(self) -> int:
        """Requests sent in all."""
        return sum(step.sent for step in self.steps)

    @property
    def throttled(self) -> int:
        """Requests throttled in all."""
        return sum(step.throttled for step in self.steps)


def _images(images: object) -> tuple[bytes, ...]:
    """The images, as bytes, each one DetectCustomLabels takes.

    Raises:
        InvalidRequestError: No image, or one that is not 1 byte to 5 MiB of bytes.
    """
    if isinstance(images, bytes | bytearray | memoryview | str) or not isinstance(images, Sequence):
        msg = f"images must be a sequence of images (bytes), not {type(images).__name__}"
        raise InvalidRequestError(msg)
    if not images:
        msg = "images must hold at least one image"
        raise InvalidRequestError(msg)
    for index, image in enumerate(images):
        if not is_image_bytes(image):
            size = (
                f"{len(image):,} bytes" if isinstance(image, bytes | bytearray | memoryview) else repr(image)
            )
            msg = (
                f"images[{index}] must be an image of {IMAGE_BYTES.start} byte to "
                f"{IMAGE_BYTES.stop - 1:,} bytes, not {size:.60}"
            )
            raise InvalidRequestError(msg)
    return tuple(bytes(image) for image in images)


def _plan(duration: object, step_seconds: object, initial_tps: object, max_in_flight: object) -> LoadPlan:
    """The load's plan, from calibrate's options, each checked.

    Raises:
        InvalidRequestError: An option out of its range.
    """
    seconds = check_seconds(duration, "duration")
    first = check_seconds(initial_tps, "initial_tps")  # a rate, positive and finite like a delay
    if type(max_in_flight) is not int or max_in_flight < 1:
        msg = f"max_in_flight must be an int of 1 or more, not {max_in_flight!r}"
        raise InvalidRequestError(msg)
    plan = LoadPlan(duration=seconds, steps=1, initial_tps=first, max_in_flight=max_in_flight)
    loaded = seconds - plan.tail
    if step_seconds is None:
        low, high = _STEP_SECONDS
        length = min(high, max(low, loaded / _STEPS_PER_LOAD))
    else:
        length = check_seconds(step_seconds, "step_seconds")
    return attrs.evolve(plan, steps=max(1, round(loaded / length)))


def check_no_retries(client: CustomLabelsClient) -> None:
    """Refuse a client that retries: a throttled request it retries is hidden from the measure.

    Raises:
        ConfigurationError: The client's requests get more than one attempt.
    """
    config = getattr(client.raw.meta, "config", None)
    retries = getattr(config, "retries", None) or {}
    attempts = retries.get("total_max_attempts")  # botocore puts every way of setting it here
    if attempts != 1:
        shown = "botocore's default" if attempts is None else str(attempts)
        msg = (
            f"calibrate must see every throttled request, and this client retries them "
            f"(attempts: {shown}): create the client with {_ONE_ATTEMPT_FIX}"
        )
        raise ConfigurationError(msg)


async def _units(
    client: CustomLabelsClient, project: ProjectArn, description: ProjectVersionDescription
) -> tuple[float, str]:
    """The units in service (CloudWatch), else the description's minimum; and which it was."""
    name = description.version_name or ""
    try:
        sample = await client.units_in_service(project, name)
    except (ConfigurationError, AccessDeniedError):  # no CloudWatch client, or not allowed to read it
        sample = None
    if sample is not None and sample.in_service:  # 0 would be no units at all: not a divisor
        return sample.in_service, IN_SERVICE_METRIC
    return float(description.min_inference_units or 1), MIN_METRIC


async def calibrate(
    client: CustomLabelsClient,
    project_version_arn: str,
    images: Sequence[bytes],
    *,
    duration: float = 60.0,
    step_seconds: float | None = None,
    initial_tps: float = 1.0,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    on_step: StepCallback | None = None,
) -> Calibration:
    """Measure how many DetectCustomLabels requests a second one inference unit of a RUNNING version serves.

    A step load, as AWS advises: the rate offered starts at ``initial_tps``
    and doubles each step until requests are throttled
    (``ProvisionedThroughputExceededException``), then holds, above the
    capacity, until the end. The requests served from the first throttle on,
    over that time, are the sustained rate (the burst the service allows at
    first is left out); divided by the units in service, the rate of one
    unit. The images are sent in turn, each request once.

    The version is described first: one that is not RUNNING is refused before
    any load is sent. The units in service are read from CloudWatch
    (``units_in_service``) before and after the load, or taken from the
    description's MinInferenceUnits when CloudWatch has none.

    The load is the capacity's: it costs what the requests cost, and other
    traffic to the version during it is throttled too.

    Example:
        ```python
        config = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
        async with CustomLabelsClient.create(region_name="us-east-1", config=config) as client:
            calibration = await calibrate(client, version_arn, [image], duration=60)
        print(f"{calibration.tps_per_unit:.1f} TPS per unit")
        ```

    Args:
        client: The client to send with. It must not retry (one attempt a
            request), or a throttle it retries is hidden.
        project_version_arn: The version; it must be RUNNING.
        images: The images to send, in turn (bytes, 1 byte to 5 MiB each):
            ones like the traffic's, since the capacity depends on them.
        duration: Seconds from the first request to the end; the load stops
            at once then, the last tenth (at most 5 s) sending nothing.
        step_seconds: How long each step lasts; about a twelfth of the load
            (1 to 10 s) by default.
        initial_tps: The first step's rate.
        max_in_flight: The most requests in flight at once.
        on_step: Called at the end of each step with the step so far: for progress.

    Returns:
        The calibration.

    Raises:
        InvalidRequestError: A bad argument; nothing was sent.
        ConfigurationError: The client retries; nothing was sent.
        VersionNotRunningError: The version is not RUNNING; no load was sent.
        ProjectNotFoundError: No project holds the version.
        ServiceError: A request failed in a way that ends the load (the
            version stopped, the model refused an image), raised as it came.
    """
    arn = check_arn(ProjectVersionArn, project_version_arn, "project_version_arn")
    sent = _images(images)
    plan = _plan(duration, step_seconds, initial_tps, max_in_flight)
    check_no_retries(client)
    project = await client.project_arn_of(arn)
    description = await client.describe_project_version(project, arn.version_name)
    if description.status != ProjectVersionStatus.RUNNING:
        msg = f"{arn.version_name} is {description.status}, not RUNNING: start it first; no load was sent"
        raise VersionNotRunningError(msg, description)
    units, source = await _units(client, project, description)
    detect = partial(client.detect_custom_labels, arn)
    steps = await run_load(detect, sent, plan, on_step=on_step)
    units_at_end, _ = await _units(client, project, description)
    measured = sum(step.measured_seconds for step in steps)
    saturated = measured > 0
    if saturated:
        served = sum(step.measured_served for step in steps) / measured
    else:
        served = max(step.served_tps for step in steps)
    return Calibration(
        project_version_arn=arn,
        tps_per_unit=served / units,
        served_tps=served,
        saturated=saturated,
        units=units,
        units_source=source,
        units_at_end=units_at_end,
        image_sizes=tuple(len(image) for image in sent),
        measured_seconds=measured,
        steps=steps,
    )
