"""Cost-safe hosting: running() stops what it starts, no silent unit mismatch, reconfigure."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from aiocustomlabels import (
    AccessDeniedError,
    CustomLabelsClient,
    InferenceUnits,
    InvalidRequestError,
    ModelStartError,
    ProjectVersionDescription,
    ProjectVersionStatus,
    UnitsMismatchError,
    WaitTimeoutError,
)
from aiocustomlabels.testing import FakeCustomLabels
from tests._harness import client_for, run, virtual_fake

S = ProjectVersionStatus
START, STOP = 600.0, 60.0


def scene(
    status: ProjectVersionStatus = S.TRAINING_COMPLETED, low: int | None = None, high: int | None = None
) -> tuple[FakeCustomLabels, str, str]:
    """A fake with one version, v0, in ``status`` with the units given; (fake, project, version ARN)."""
    fake = virtual_fake(start_seconds=START, stop_seconds=STOP)
    project = fake.add_project("shelf")
    arn = fake.add_version(project, "v0", status=status, min_inference_units=low, max_inference_units=high)
    return fake, project, arn


def operations(fake: FakeCustomLabels) -> list[str]:
    """Start and stop requests received, in order."""
    return [r.operation for r in fake.requests if r.operation != "DescribeProjectVersions"]


class BlockError(Exception):
    """What a block raises."""


# -- running(): the lease -------------------------------------------------------------


def test_running_stops_what_it_started_on_leaving() -> None:
    """The block gets the RUNNING version with the units asked; leaving sends the stop and returns at once."""
    fake, project, arn = scene()

    async def main() -> tuple[ProjectVersionDescription, ProjectVersionStatus | None]:
        async with client_for(fake) as client:
            lease = client.running(project, "v0", min_inference_units=1, max_inference_units=3)
            async with lease as model:
                assert lease.started
                assert fake.describe(arn).status is S.RUNNING
            return model, fake.describe(arn).status

    model, after = run(main)
    assert model.status is S.RUNNING
    assert str(model.inference_units) == "1..3"
    assert operations(fake) == ["StartProjectVersion", "StopProjectVersion"]
    assert after is S.STOPPING  # by default, leaving does not wait for STOPPED


@pytest.mark.parametrize(
    ("status", "options", "error", "sent"),
    [
        pytest.param(
            S.TRAINING_COMPLETED, {}, BlockError, ["StartProjectVersion", "StopProjectVersion"], id="block"
        ),
        pytest.param(
            S.TRAINING_COMPLETED,
            {"timeout": 120},
            WaitTimeoutError,
            ["StartProjectVersion", "StopProjectVersion"],
            id="entry-after-start",
        ),
        pytest.param(S.TRAINING_FAILED, {}, ModelStartError, [], id="entry-before-start"),
    ],
)
def test_a_lease_that_fails_stops_only_what_it_started(
    status: ProjectVersionStatus, options: dict[str, Any], error: type[Exception], sent: list[str]
) -> None:
    """The block's own exception, or an entry that fails after its start, stops the version; one before it sends no stop."""
    fake, project, _ = scene(status)

    async def main() -> None:
        async with (
            client_for(fake) as client,
            client.running(project, "v0", min_inference_units=1, **options),
        ):
            raise BlockError

    with pytest.raises(error):
        run(main)
    assert operations(fake) == sent


async def in_a_lease(client: CustomLabelsClient, project: str, inside: asyncio.Event) -> None:
    """Hold v0 RUNNING in a lease, and wait in its block for an hour."""
    async with client.running(project, "v0", min_inference_units=1):
        inside.set()
        await asyncio.sleep(3600)


def test_running_stops_when_the_task_is_cancelled() -> None:
    """Cancelling the task inside the block sends the stop, leaves nothing pending, and stays a cancellation."""
    fake, project, _ = scene()
    inside = asyncio.Event()

    async def main() -> None:
        async with client_for(fake) as client:
            task = asyncio.create_task(in_a_lease(client, project, inside))
            await inside.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    run(main)  # run() fails if a task is left behind
    assert operations(fake) == ["StartProjectVersion", "StopProjectVersion"]


def test_a_second_cancellation_does_not_cut_the_stop_short() -> None:
    """Cancelled again while the stop is in flight, the lease still finishes the stop, then is cancelled."""
    fake, project, arn = scene()
    fake.faults.latency(5, "StopProjectVersion")
    inside = asyncio.Event()

    async def main() -> None:
        async with client_for(fake) as client:
            task = asyncio.create_task(in_a_lease(client, project, inside))
            await inside.wait()
            task.cancel()
            await asyncio.sleep(1)  # the stop is in flight now
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    run(main)
    assert fake.describe(arn).status is S.STOPPING


@pytest.mark.parametrize(
    ("status", "stop_on_exit", "stops"),
    [
        (S.RUNNING, True, True),
        (S.RUNNING, None, False),
        (S.TRAINING_COMPLETED, False, False),
        (S.TRAINING_COMPLETED, None, True),
    ],
)
def test_stop_on_exit_decides(status: ProjectVersionStatus, stop_on_exit: bool | None, stops: bool) -> None:
    """stop_on_exit=True stops someone else's version too; False never stops; None stops what the block started."""
    fake, project, _ = scene(status, 1, None)

    async def main() -> None:
        async with (
            client_for(fake) as client,
            client.running(project, "v0", min_inference_units=1, stop_on_exit=stop_on_exit),
        ):
            pass

    run(main)
    assert ("StopProjectVersion" in operations(fake)) is stops


def test_wait_for_stop_leaves_once_stopped() -> None:
    """With wait_for_stop=True, leaving the block returns once the version is STOPPED."""
    fake, project, arn = scene()

    async def main() -> None:
        async with client_for(fake) as client:
            async with client.running(project, "v0", min_inference_units=1, wait_for_stop=True):
                pass
            assert fake.describe(arn).status is S.STOPPED

    run(main)


@pytest.mark.parametrize(
    ("block", "raised"), [(None, AccessDeniedError), (BlockError, BlockError)], ids=["ok", "raised"]
)
def test_a_failed_stop_is_logged_and_raised_only_when_the_block_raised_nothing(
    caplog: pytest.LogCaptureFixture, block: type[Exception] | None, raised: type[Exception]
) -> None:
    """A stop that fails is logged at ERROR with the version's ARN; raised unless the block raised its own."""
    fake, project, arn = scene()
    fake.faults.error("AccessDeniedException", "StopProjectVersion", times=None)

    async def main() -> None:
        async with client_for(fake) as client, client.running(project, "v0", min_inference_units=1):
            if block is not None:
                raise block

    with caplog.at_level(logging.ERROR, logger="aiocustomlabels"), pytest.raises(raised):
        run(main)
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert str(arn) in record.getMessage()
    assert "billing" in record.getMessage()


def test_the_stop_on_leaving_is_bounded_in_time(caplog: pytest.LogCaptureFixture) -> None:
    """A stop that does not answer within stop_timeout is given up: logged, raised as TimeoutError."""
    fake, project, _ = scene()
    fake.faults.latency(3600, "StopProjectVersion")

    async def main() -> float:
        loop = asyncio.get_running_loop()
        async with client_for(fake) as client:
            lease = client.running(project, "v0", min_inference_units=1, stop_timeout=30)
            await lease.__aenter__()
            began = loop.time()
            with pytest.raises(TimeoutError):
                await lease.__aexit__(None, None, None)
            return loop.time() - began

    with caplog.at_level(logging.ERROR, logger="aiocustomlabels"):
        assert run(main) == 30


def test_an_entry_cancelled_after_its_start_stops_the_version() -> None:
    """Cancelled while waiting for RUNNING after its start, the lease stops the version before it ends."""
    fake, project, _ = scene()

    async def main() -> None:
        async with client_for(fake) as client:

            async def enter() -> None:
                async with client.running(project, "v0", min_inference_units=1):
                    pass

            task = asyncio.create_task(enter())
            await asyncio.sleep(120)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    run(main)
    assert operations(fake) == ["StartProjectVersion", "StopProjectVersion"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_inference_units": 0},
        {"min_inference_units": 1, "stop_on_exit": "yes"},
        {"min_inference_units": 1, "wait_for_stop": 1},
        {"min_inference_units": 1, "stop_timeout": 0},
        {"min_inference_units": 1, "stop_timeout": float("inf")},
        {"min_inference_units": 1, "reconfigure": None},
        {"min_inference_units": 1, "timeout": -1},
    ],
)
def test_running_checks_its_arguments_when_called(kwargs: dict[str, Any]) -> None:
    """Bad arguments raise InvalidRequestError from running() itself, before any block, with nothing sent."""
    fake, project, _ = scene()

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError):
                client.running(project, "v0", **kwargs)

    run(main)
    assert fake.requests == ()


def test_a_lease_is_entered_once() -> None:
    """Entering the same lease twice is a RuntimeError; the first use still stops its version."""
    fake, project, _ = scene()

    async def main() -> None:
        async with client_for(fake) as client:
            lease = client.running(project, "v0", min_inference_units=1)
            async with lease:
                with pytest.raises(RuntimeError, match="once"):
                    await lease.__aenter__()

    run(main)
    assert operations(fake) == ["StartProjectVersion", "StopProjectVersion"]


# -- no silent unit mismatch ------------------------------------------------------------


@pytest.mark.parametrize("status", [S.RUNNING, S.STARTING])
@pytest.mark.parametrize(
    ("running", "asked"),
    [((1, 2), (1, 5)), ((2, None), (1, None)), ((1, None), (1, 2)), ((1, 3), (1, None))],
)
def test_a_version_hosted_with_other_units_is_a_mismatch(
    status: ProjectVersionStatus, running: tuple[int, int | None], asked: tuple[int, int | None]
) -> None:
    """start_and_wait on a version hosted with other units raises UnitsMismatchError and sends nothing."""
    fake, project, _ = scene(status, *running)

    async def main() -> UnitsMismatchError:
        async with client_for(fake) as client:
            with pytest.raises(UnitsMismatchError) as caught:
                await client.start_and_wait(
                    project, "v0", min_inference_units=asked[0], max_inference_units=asked[1]
                )
            return caught.value

    error = run(main)
    assert isinstance(error, ModelStartError)
    assert error.asked == InferenceUnits(*asked)
    assert error.running == InferenceUnits(*running)
    assert error.description is not None
    assert error.description.status is status
    assert str(InferenceUnits(*asked)) in str(error)
    assert str(InferenceUnits(*running)) in str(error)
    assert "reconfigure" in str(error)
    assert operations(fake) == []


@pytest.mark.parametrize(
    ("running", "asked"), [((1, None), (1, None)), ((1, 1), (1, None)), ((2, 4), (2, 4))]
)
def test_the_same_units_are_no_mismatch(
    running: tuple[int, int | None], asked: tuple[int, int | None]
) -> None:
    """No maximum matches no maximum or a maximum equal to the minimum; equal pairs match."""
    fake, project, _ = scene(S.RUNNING, *running)

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            return await client.start_and_wait(
                project, "v0", min_inference_units=asked[0], max_inference_units=asked[1]
            )

    assert run(main).status is S.RUNNING
    assert operations(fake) == []


def test_running_refuses_a_mismatch_too() -> None:
    """running() on a version hosted with other units raises UnitsMismatchError on entry, and stops nothing."""
    fake, project, _ = scene(S.RUNNING, 1, 2)

    async def main() -> None:
        async with (
            client_for(fake) as client,
            client.running(project, "v0", min_inference_units=1, max_inference_units=5),
        ):
            pytest.fail("the block must not run")

    with pytest.raises(UnitsMismatchError):
        run(main)
    assert operations(fake) == []


def test_reconfigure_stops_and_starts_with_the_units_asked() -> None:
    """reconfigure=True stops the version, waits for STOPPED, starts it with the units asked and waits for RUNNING."""
    fake, project, _ = scene(S.RUNNING, 1, 2)

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            return await client.start_and_wait(
                project, "v0", min_inference_units=1, max_inference_units=5, reconfigure=True
            )

    model = run(main)
    assert model.status is S.RUNNING
    assert str(model.inference_units) == "1..5"
    assert operations(fake) == ["StopProjectVersion", "StartProjectVersion"]
    (start,) = fake.requests_for("StartProjectVersion")
    assert (start.params["MinInferenceUnits"], start.params["MaxInferenceUnits"]) == (1, 5)


def test_reconfigure_keeps_one_deadline() -> None:
    """The stop, the wait for STOPPED and the new start share the one timeout given."""
    fake, project, _ = scene(S.RUNNING, 1, 2)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        began = loop.time()
        async with client_for(fake) as client:
            with pytest.raises(WaitTimeoutError):
                await client.start_and_wait(
                    project, "v0", min_inference_units=1, max_inference_units=5, reconfigure=True, timeout=300
                )
        return loop.time() - began

    assert 300 <= run(main) <= 300 + 20  # the deadline, plus at most min_delay for a request in flight


def test_a_lease_with_reconfigure_stops_what_it_restarted() -> None:
    """running(reconfigure=True) restarts a mismatched version and, having started it, stops it on leaving."""
    fake, project, _ = scene(S.RUNNING, 1, 2)

    async def main() -> None:
        async with (
            client_for(fake) as client,
            client.running(
                project, "v0", min_inference_units=1, max_inference_units=5, reconfigure=True
            ) as model,
        ):
            assert str(model.inference_units) == "1..5"

    run(main)
    assert operations(fake) == ["StopProjectVersion", "StartProjectVersion", "StopProjectVersion"]


def test_a_version_this_call_started_is_never_a_mismatch() -> None:
    """The units this call started the version with are the ones asked: no mismatch on the way to RUNNING."""
    fake, project, _ = scene(S.STOPPED, 4, None)

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            return await client.start_and_wait(project, "v0", min_inference_units=1, max_inference_units=2)

    assert str(run(main).inference_units) == "1..2"
