"""Virtual time: a 15-minute start waited out through the in-process face in well under a second."""

from __future__ import annotations

import asyncio
import time

import pytest

from aiocustomlabels.testing import FakeCustomLabels, LoopClock, VirtualTimeEventLoop, run_virtual
from tests._fake_support import DESCRIBE, NO_RETRIES, START, in_process_client, make_scene

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


def test_fifteen_minute_start_waits_in_under_a_second() -> None:
    """A 900 s start, polled every 30 s until RUNNING, takes under a second of real time."""
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=START_SECONDS)
    scene = make_scene(fake, 1)
    began = time.perf_counter()
    polls = run_virtual(start_and_poll(fake, scene.project, scene.versions[0]))
    elapsed = time.perf_counter() - began
    assert elapsed < 1.0
    assert polls[-1][0] == pytest.approx(START_SECONDS)
    assert polls[-1][1] == "RUNNING"
    assert {status for _, status in polls[:-1]} == {"STARTING"}
    assert len(fake.requests_for(DESCRIBE)) == START_SECONDS / POLL_SECONDS + 1
    assert len(fake.requests_for(START)) == 1


def test_polls_see_starting_until_the_very_end() -> None:
    """Every poll before 900 s sees STARTING and the one at 900 s RUNNING: the delays are intact."""
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=START_SECONDS)
    scene = make_scene(fake, 1)
    polls = run_virtual(start_and_poll(fake, scene.project, scene.versions[0]))
    assert [round(at) for at, _ in polls] == [int(i * POLL_SECONDS) for i in range(31)]
    assert [status for _, status in polls] == ["STARTING"] * 30 + ["RUNNING"]


def test_requests_are_recorded_at_loop_time() -> None:
    """With LoopClock, each recorded request carries the virtual loop's time plus the epoch."""
    clock = LoopClock(epoch=1_000.0)
    fake = FakeCustomLabels(clock=clock, start_seconds=60.0)
    scene = make_scene(fake, 1)
    run_virtual(start_and_poll(fake, scene.project, scene.versions[0]))
    assert [round(r.at - 1_000.0) for r in fake.requests] == [0, 0, 30, 60]


def test_virtual_sleep_returns_at_once_with_time_moved() -> None:
    """asyncio.sleep(600) on the virtual loop moves its clock by 600 s."""

    async def main() -> float:
        loop = asyncio.get_running_loop()
        began = loop.time()
        await asyncio.sleep(600)
        return loop.time() - began

    assert run_virtual(main()) == pytest.approx(600.0)


def test_run_virtual_runs_on_a_virtual_loop() -> None:
    """run_virtual runs the coroutine on a VirtualTimeEventLoop starting at time 0."""

    async def main() -> tuple[bool, float]:
        loop = asyncio.get_running_loop()
        return isinstance(loop, VirtualTimeEventLoop), loop.time()

    assert run_virtual(main()) == (True, 0.0)


def test_timeouts_fire_in_virtual_time() -> None:
    """asyncio.timeout(5) around a 60 s sleep fires at 5 virtual seconds."""

    async def main() -> float:
        loop = asyncio.get_running_loop()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(5):
                await asyncio.sleep(60)
        return loop.time()

    assert run_virtual(main()) == pytest.approx(5.0)


def test_loop_clock_outside_a_loop_keeps_the_last_time() -> None:
    """Outside any loop, LoopClock shows the last loop time it saw, plus its epoch."""
    clock = LoopClock(epoch=100.0)

    async def main() -> None:
        await asyncio.sleep(42)
        clock.now()

    assert clock.now() == 100.0
    run_virtual(main())
    assert clock.now() == pytest.approx(142.0)
