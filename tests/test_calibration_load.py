"""The step load behind calibrate: its pacing, its steps, its measure, its deadline, on virtual time."""

from __future__ import annotations

import asyncio

import pytest

from aiocustomlabels import InternalServerError
from aiocustomlabels._calibration import LoadPlan, run_load
from aiocustomlabels.types import CalibrationStep
from tests._bucket import Bucket
from tests._harness import run

IMAGES = (b"\xff\xd8one", b"\xff\xd8two-two")


def plan(duration: float = 60.0, steps: int = 11, initial: float = 1.0, cap: int = 64) -> LoadPlan:
    """A load plan."""
    return LoadPlan(duration=duration, steps=steps, initial_tps=initial, max_in_flight=cap)


def load(bucket: Bucket, chosen: LoadPlan) -> tuple[CalibrationStep, ...]:
    """Run the load against ``bucket`` on virtual time."""
    return run(lambda: run_load(bucket, IMAGES, chosen))


def measured_rate(steps: tuple[CalibrationStep, ...]) -> float:
    """The sustained rate the steps measured."""
    return sum(s.measured_served for s in steps) / sum(s.measured_seconds for s in steps)


@pytest.mark.parametrize("rate", [3.0, 5.0, 10.0, 27.0])
def test_the_sustained_rate_is_the_capacity(rate: float) -> None:
    """The rate served after throttling began is the bucket's, within 2 %, whatever its burst."""
    steps = load(Bucket(rate), plan())
    assert measured_rate(steps) == pytest.approx(rate, rel=0.02)


def test_the_rate_doubles_until_throttled_then_holds() -> None:
    """A bucket of 10/s: 1, 2, 4, 8 pass; 16 is throttled, and held to the end."""
    steps = load(Bucket(10.0), plan())
    assert [s.offered_tps for s in steps] == [1, 2, 4, 8, *[16] * 7]
    assert [s.throttled > 0 for s in steps] == [False] * 4 + [True] * 7


def test_each_step_sends_its_rate() -> None:
    """A step of 5 s at 4/s sends 20 requests, all answered."""
    steps = load(Bucket(3.0), plan(duration=55.0, steps=10))
    assert steps[2].seconds == pytest.approx(5.0)
    assert steps[2].sent == 20
    assert steps[2].served + steps[2].throttled + steps[2].errors == 20


def test_the_burst_is_left_out() -> None:
    """The first throttled step served its burst too, but only what came after its first throttle is measured."""
    steps = load(Bucket(10.0, burst_seconds=1.0), plan())
    first = steps[4]
    assert first.served_tps > 10.5  # the burst, spent in this step
    assert first.measured_seconds < first.seconds
    assert first.sustained_tps == pytest.approx(10.0, rel=0.1)


def test_later_throttled_steps_are_measured_whole() -> None:
    """Once throttling began, each step that stays throttled is measured from its start."""
    steps = load(Bucket(10.0), plan())
    assert all(s.measured_seconds == pytest.approx(s.seconds) for s in steps[5:])
    assert all(s.measured_seconds == 0 for s in steps[:4])


def test_the_cap_on_requests_in_flight_holds() -> None:
    """Slow answers (2 s) at a rising rate: never more than max_in_flight at once; the rest is not sent."""
    bucket = Bucket(10_000.0, latency=2.0)
    steps = load(bucket, plan(duration=30.0, steps=6, cap=5))
    assert bucket.most_in_flight == 5
    assert steps[-1].sent < steps[-1].offered_tps * steps[-1].seconds


def test_the_deadline_cancels_requests_in_flight() -> None:
    """Answers slower than the tail: the load still ends at its deadline, those in flight unanswered."""
    bucket = Bucket(10_000.0, latency=8.0)

    async def main() -> tuple[float, tuple[CalibrationStep, ...]]:
        loop = asyncio.get_running_loop()
        began = loop.time()
        steps = await run_load(bucket, IMAGES, plan(duration=20.0, steps=3))
        return loop.time() - began, steps

    elapsed, steps = run(main)
    assert elapsed == pytest.approx(20.0)  # loop time: the deadline, not a measure of speed
    assert sum(s.unanswered for s in steps) > 0
    assert sum(s.sent for s in steps) == bucket.calls


def test_transient_errors_are_counted_and_the_load_goes_on() -> None:
    """InternalServerError counts against its step; the load runs to its end."""
    failure = InternalServerError("oops", code="InternalServerError")
    steps = load(Bucket(10.0, fail_after=5, failure=failure), plan(duration=20.0, steps=5))
    assert sum(s.errors for s in steps) == sum(s.sent for s in steps) - 5
    assert len(steps) == 5


def test_on_step_sees_each_step_as_it_ends() -> None:
    """The callback gets every step, in order, at its end."""
    seen: list[CalibrationStep] = []
    run(lambda: run_load(Bucket(10.0), IMAGES, plan(duration=20.0, steps=5), on_step=seen.append))
    assert [s.index for s in seen] == [0, 1, 2, 3, 4]


def test_cancelling_stops_the_load_at_once() -> None:
    """Cancelling the load's task cancels its requests; nothing is sent after, no task is left."""
    bucket = Bucket(10.0, latency=1.0)

    async def main() -> tuple[int, int]:
        task = asyncio.create_task(run_load(bucket, IMAGES, plan()))
        await asyncio.sleep(12.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        sent = bucket.calls
        await asyncio.sleep(30.0)
        return sent, bucket.calls

    before, after = run(main)
    assert before > 0
    assert after == before
