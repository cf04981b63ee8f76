"""Fast-forwarded time: a 15-minute start waited out through the in-process face, on looptime and a LoopClock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from aiocustomlabels.testing import FakeCustomLabels, LoopClock, VirtualClock
from tests._fake_support import DESCRIBE, NO_RETRIES, START, in_process_client, make_scene
from tests._harness import run_fast

POLL_SECONDS = 30.0
START_SECONDS = 900.0


async def start_and_poll(fake: FakeCustomLabels, project: str, version: str) -> list[tuple[float, str]]:
    """Start ``version``, describe it every 30 s until RUNNING; (loop time, status) of each poll."""
    loop = asyncio.get_running_loop()
    polls: list[tuple[float, str]] = []
    async with in_process_client(fake, NO_RETRIES) as client:
        began = loop.time()
        await client.start_project_version(ProjectVersionArn=version, MinInferenceUnits=1)
        while True:
            response = await client.describe_project_versions(ProjectArn=project, VersionNames=["v1"])
            status = response["ProjectVersionDescriptions"][0]["Status"]
            polls.append((loop.time() - began, status))
            if status == "RUNNING":
                return polls
            await asyncio.sleep(POLL_SECONDS)


def test_fifteen_minute_start_is_waited_out_in_loop_time() -> None:
    """A 900 s start polled every 30 s sees STARTING at each poll, RUNNING at 900 loop seconds: 31 polls, one start."""
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=START_SECONDS)
    scene = make_scene(fake, 1)
    polls = run_fast(start_and_poll(fake, scene.project, scene.versions[0]))
    assert [at for at, _ in polls] == pytest.approx([i * POLL_SECONDS for i in range(31)])
    assert [status for _, status in polls] == ["STARTING"] * 30 + ["RUNNING"]
    assert (len(fake.requests_for(DESCRIBE)), len(fake.requests_for(START))) == (31, 1)


def test_requests_are_recorded_at_loop_time() -> None:
    """With LoopClock, each recorded request carries the loop's time plus the epoch."""
    clock = LoopClock(epoch=1_000.0)
    fake = FakeCustomLabels(clock=clock, start_seconds=60.0)
    scene = make_scene(fake, 1)
    run_fast(start_and_poll(fake, scene.project, scene.versions[0]))
    assert [round(r.at - 1_000.0) for r in fake.requests] == [0, 0, 30, 60]


def test_loop_clock_outside_a_loop_keeps_the_last_time() -> None:
    """Outside any loop, LoopClock shows the last loop time it saw, plus its epoch."""
    clock = LoopClock(epoch=100.0)

    async def main() -> None:
        await asyncio.sleep(42)
        clock.now()

    assert clock.now() == 100.0
    run_fast(main())
    assert clock.now() == pytest.approx(142.0)


def test_loop_clock_anchors_itself_on_the_wall_clock() -> None:
    """Without an epoch, LoopClock takes the wall clock when first read in a loop, less the loop's time."""
    clock = LoopClock()

    async def main() -> tuple[float, float]:
        await asyncio.sleep(3600)
        before = datetime.now(UTC).timestamp()
        return before, clock.now()

    before, shown = run_fast(main())
    assert clock.epoch is not None
    # Read first at loop time 3600: loop time 0 is an hour before the wall clock then.
    assert before - 3600 <= clock.epoch <= datetime.now(UTC).timestamp() - 3600
    assert shown == clock.epoch + 3600


def test_loop_clock_does_not_run_backwards_on_a_new_loop() -> None:
    """A second loop, whose time starts again at 0, goes on from the last time the clock showed."""
    clock = LoopClock(epoch=0.0)

    async def read_sleep_read(seconds: float) -> tuple[float, float]:
        first = clock.now()
        await asyncio.sleep(seconds)
        return first, clock.now()

    assert run_fast(read_sleep_read(100)) == pytest.approx((0.0, 100.0))
    assert run_fast(read_sleep_read(5)) == pytest.approx((100.0, 105.0))


def test_fake_now_is_its_clock_as_an_aware_datetime() -> None:
    """FakeCustomLabels.now() is the clock's time, in UTC: what a client takes as its clock."""
    fake = FakeCustomLabels(clock=VirtualClock(start=1_700_000_000.0))
    fake.clock.advance(90)
    assert fake.now() == datetime(2023, 11, 14, 22, 14, 50, tzinfo=UTC)
    assert fake.now().tzinfo is UTC
