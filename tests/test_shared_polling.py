"""Concurrent waits on versions of one project share their polls."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from aiocustomlabels import (
    Backoff,
    CustomLabelsClient,
    ProjectVersionDescription,
    ProjectVersionStatus,
    ThrottlingError,
    WaitTimeoutError,
)
from aiocustomlabels._polling import SharedPoller
from aiocustomlabels.testing import FakeCustomLabels
from tests._harness import client_for, project_with, run, virtual_fake

S = ProjectVersionStatus


def rounds(fake: FakeCustomLabels) -> list[list[int]]:
    """The DescribeProjectVersions calls grouped by the moment they were made: names asked per call."""
    by_time: dict[float, list[int]] = {}
    for request in fake.requests_for("DescribeProjectVersions"):
        by_time.setdefault(request.at, []).append(len(request.params.get("VersionNames", [])))
    return [by_time[t] for t in sorted(by_time)]


async def start_many(
    client: CustomLabelsClient, project: str, count: int, **kwargs: Any
) -> list[ProjectVersionDescription]:
    """start_and_wait on v0..v{count-1} at once."""
    return list(
        await asyncio.gather(
            *(client.start_and_wait(project, f"v{i}", min_inference_units=1, **kwargs) for i in range(count))
        )
    )


def test_fifty_waits_make_five_calls_a_round() -> None:
    """50 concurrent start_and_wait calls poll with one call per 10 versions in every round."""
    fake = virtual_fake(start_seconds=600)
    project, _ = project_with(fake, 50)

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:
            return await start_many(client, project, 50)

    results = run(main)
    assert [r.status for r in results] == [S.RUNNING] * 50
    assert [str(r.project_version_arn).rsplit("/", 2)[-2] for r in results] == [f"v{i}" for i in range(50)]
    shape = rounds(fake)
    assert all(len(calls) <= 5 for calls in shape), shape
    assert all(n <= 10 for calls in shape for n in calls)
    assert len(fake.requests_for("StartProjectVersion")) == 50
    # Independent waiters would have made 50 calls a round.
    assert sum(map(len, shape)) <= 5 * len(shape)


def test_each_wait_gets_its_own_description() -> None:
    """Waits sharing a round each see their own version, with their own units."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:
            return list(
                await asyncio.gather(
                    *(client.start_and_wait(project, f"v{i}", min_inference_units=i + 1) for i in range(3))
                )
            )

    assert [r.min_inference_units for r in run(main)] == [1, 2, 3]
    assert max(len(calls) for calls in rounds(fake)) == 1


def test_a_wait_that_ends_leaves_the_batch() -> None:
    """Once a wait has its answer, the following rounds no longer ask for its version."""
    fake = virtual_fake(start_seconds=600)
    project, arns = project_with(fake, 2)
    fake.set_status(arns[0], S.RUNNING)

    async def main() -> None:
        async with client_for(fake) as client:
            await start_many(client, project, 2)

    run(main)
    asked = [r.params["VersionNames"] for r in fake.requests_for("DescribeProjectVersions")]
    assert sorted(asked[0]) == ["v0", "v1"]
    assert all(names == ["v1"] for names in asked[1:])


def test_a_new_wait_joins_the_next_round() -> None:
    """A wait begun while others wait is polled with them from the next round on."""
    fake = virtual_fake(start_seconds=600)
    project, _ = project_with(fake, 2)

    async def main() -> None:
        async with client_for(fake) as client:
            first = asyncio.create_task(client.start_and_wait(project, "v0", min_inference_units=1))
            await asyncio.sleep(100)
            await client.start_and_wait(project, "v1", min_inference_units=1)
            await first

    run(main)
    asked = [sorted(r.params["VersionNames"]) for r in fake.requests_for("DescribeProjectVersions")]
    assert asked[0] == ["v0"]
    assert ["v0", "v1"] in asked
    # The newcomer never made a call of its own while the first one waited.
    first_shared = asked.index(["v0", "v1"])
    assert ["v1"] not in asked[:first_shared]


def test_each_wait_keeps_its_own_timeout() -> None:
    """A wait with a short timeout times out alone; the others go on to RUNNING."""
    fake = virtual_fake(start_seconds=600)
    project, _ = project_with(fake, 3)

    async def main() -> list[Any]:
        async with client_for(fake) as client:
            return list(
                await asyncio.gather(
                    client.start_and_wait(project, "v0", min_inference_units=1, timeout=120),
                    client.start_and_wait(project, "v1", min_inference_units=1),
                    client.start_and_wait(project, "v2", min_inference_units=1),
                    return_exceptions=True,
                )
            )

    first, second, third = run(main)
    assert isinstance(first, WaitTimeoutError)
    assert second.status is S.RUNNING
    assert third.status is S.RUNNING


def test_each_wait_keeps_its_own_on_status() -> None:
    """Each wait's callback sees only its own version's changes."""
    fake = virtual_fake()
    project, arns = project_with(fake, 2)
    fake.set_status(arns[1], S.STOPPED)
    seen: dict[str, list[ProjectVersionStatus | None]] = {"v0": [], "v1": []}

    def recorder(name: str) -> Callable[[ProjectVersionDescription], None]:
        return lambda description: seen[name].append(description.status)

    async def main() -> None:
        async with client_for(fake) as client:
            await asyncio.gather(
                *(
                    client.start_and_wait(project, name, min_inference_units=1, on_status=recorder(name))
                    for name in ("v0", "v1")
                )
            )

    run(main)
    assert seen == {
        "v0": [S.TRAINING_COMPLETED, S.STARTING, S.RUNNING],
        "v1": [S.STOPPED, S.STARTING, S.RUNNING],
    }


def test_cancelling_one_wait_leaves_the_others_polling() -> None:
    """A cancelled wait leaves at once; the others carry on, and no task is left at the end."""
    fake = virtual_fake(start_seconds=600)
    project, _ = project_with(fake, 2)

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            doomed = asyncio.create_task(client.start_and_wait(project, "v0", min_inference_units=1))
            survivor = asyncio.create_task(client.start_and_wait(project, "v1", min_inference_units=1))
            await asyncio.sleep(60)
            doomed.cancel()
            with pytest.raises(asyncio.CancelledError):
                await doomed
            return await survivor

    assert run(main).status is S.RUNNING
    later = [
        r.params["VersionNames"] for r in fake.requests_for("DescribeProjectVersions") if r.at > 1_700_000_100
    ]
    assert later
    assert all(names == ["v1"] for names in later)


def test_throttled_shared_rounds_do_not_end_the_waits() -> None:
    """Rounds throttled past botocore's retries cost the waits nothing but time: all reach RUNNING."""
    fake = virtual_fake(start_seconds=600)
    project, _ = project_with(fake, 20)

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:

            async def throttle_soon() -> None:
                await asyncio.sleep(1)
                fake.faults.throttle("DescribeProjectVersions", times=10)

            throttler = asyncio.create_task(throttle_soon())
            try:
                return await start_many(client, project, 20)
            finally:
                await throttler

    assert {r.status for r in run(main)} == {S.RUNNING}
    assert not fake.faults.pending


def test_waits_on_different_projects_do_not_share() -> None:
    """Versions of different projects are polled by calls of their own project."""
    fake = virtual_fake()
    first, _ = project_with(fake, 1, name="a")
    second, _ = project_with(fake, 1, name="b")

    async def main() -> None:
        async with client_for(fake) as client:
            await asyncio.gather(
                client.start_and_wait(first, "v0", min_inference_units=1),
                client.start_and_wait(second, "v0", min_inference_units=1),
            )

    run(main)
    projects = Counter(r.params["ProjectArn"] for r in fake.requests_for("DescribeProjectVersions"))
    assert set(projects) == {first, second}


def test_a_lone_wait_asks_for_its_version_alone() -> None:
    """One wait on its own sends VersionNames of its version and MaxResults 1, as before sharing."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)

    async def main() -> None:
        async with client_for(fake) as client:
            await client.start_and_wait(project, "v1", min_inference_units=1)

    run(main)
    assert {
        (tuple(r.params["VersionNames"]), r.params["MaxResults"])
        for r in fake.requests_for("DescribeProjectVersions")
    } == {(("v1",), 1)}


class _Ceiling(random.Random):
    """A jitter source that always draws the top of the range: delays become 1, 2, 4, ..."""

    def uniform(self, a: float, b: float) -> float:
        return b


def _poller_delays(*, throttle_second_round: bool) -> list[float]:
    """Delays a lone member sees when it acts after each of three rounds."""
    calls = 0

    async def fetch(names: Sequence[str]) -> dict[str, ProjectVersionDescription]:
        nonlocal calls
        calls += 1
        if throttle_second_round and calls == 2:
            raise ThrottlingError("Slow down.", operation="DescribeProjectVersions")
        return {name: ProjectVersionDescription(status=S.STARTING) for name in names}

    delays: list[float] = []

    async def main() -> list[float]:
        poller = SharedPoller(fetch, rng=_Ceiling())
        member = poller.join("v", Backoff(min_delay=1, max_delay=1000), delays.append, deadline=None)
        try:
            for _ in range(4):
                with contextlib.suppress(ThrottlingError):
                    await poller.next(member)
                if calls >= 2:
                    poller.acted()  # as a wait does after starting its version
        finally:
            await poller.leave(member)
        return delays

    return run(main)


def test_acting_after_a_good_round_polls_soon_again() -> None:
    """After a start, the next round comes after min_delay again."""
    assert _poller_delays(throttle_second_round=False) == [1, 1, 1]


def test_acting_after_a_throttled_round_does_not_speed_up() -> None:
    """After a throttled round, a start does not bring the rounds back to min_delay: the round backs off."""
    assert _poller_delays(throttle_second_round=True) == [1, 2, 1]


def test_a_slow_callback_does_not_hold_back_the_others() -> None:
    """A wait busy in a slow on_status delays the others' rounds by at most min_delay, not by its slowness."""
    fake = virtual_fake(start_seconds=300)
    project, _ = project_with(fake, 2)

    async def slow(description: ProjectVersionDescription) -> None:
        if description.status is S.STARTING:
            await asyncio.sleep(1000)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        async with client_for(fake) as client:
            sluggish = asyncio.create_task(
                client.start_and_wait(project, "v0", min_inference_units=1, on_status=slow)
            )
            began = loop.time()
            await client.start_and_wait(project, "v1", min_inference_units=1)
            done = loop.time() - began
            await sluggish
            return done

    # v1 runs after 300 s; with 5..60 s polls it is seen within a minute of that.
    assert run(main) < 300 + 60 + 5
