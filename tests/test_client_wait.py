"""start_and_wait and stop_and_wait: the status tables, backoff, deadlines and cancellation.

Everything runs on virtual time: the fake ages with the event loop's clock, so a
ten-minute start with the default delays takes milliseconds.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import attrs
import pytest

from aiocustomlabels import (
    AccessDeniedError,
    Backoff,
    InvalidParameterError,
    InvalidRequestError,
    ModelStartError,
    ModelStopError,
    ProjectVersionDescription,
    ProjectVersionStatus,
    UnitsMismatchError,
    VersionNotFoundError,
    WaitError,
    WaitTimeoutError,
)
from aiocustomlabels._waiting import STALE_GRACE
from aiocustomlabels.testing import FakeCustomLabels
from aiocustomlabels.types import DEFAULT_MIN_DELAY
from tests._harness import client_for, project_with, run, virtual_fake

S = ProjectVersionStatus
START = 600.0
STOP = 60.0


def scene(status: ProjectVersionStatus, **kwargs: Any) -> tuple[FakeCustomLabels, str, str]:
    """A fake with one version, v0, in ``status``; returns (fake, project ARN, version ARN)."""
    fake = virtual_fake(start_seconds=START, stop_seconds=STOP, **kwargs)
    project, (arn,) = project_with(fake, 1, status=status)
    return fake, project, arn


def operations(fake: FakeCustomLabels) -> list[str]:
    """The operations received, describes folded into one entry per run."""
    out: list[str] = []
    for request in fake.requests:
        if not out or out[-1] != request.operation or request.operation != "DescribeProjectVersions":
            out.append(request.operation)
    return out


def starting(
    fake: FakeCustomLabels, project: str, **kwargs: Any
) -> Callable[[], Coroutine[Any, Any, ProjectVersionDescription]]:
    """main() for run(): start_and_wait v0 with 1..3 units."""

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            return await client.start_and_wait(
                project, "v0", min_inference_units=1, max_inference_units=3, **kwargs
            )

    return main


def stopping(
    fake: FakeCustomLabels, project: str, **kwargs: Any
) -> Callable[[], Coroutine[Any, Any, ProjectVersionDescription]]:
    """main() for run(): stop_and_wait v0."""

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            return await client.stop_and_wait(project, "v0", **kwargs)

    return main


def meanwhile(
    seconds: float, change: Callable[[], object], main: Callable[[], Coroutine[Any, Any, Any]]
) -> Callable[[], Coroutine[Any, Any, Any]]:
    """main() for run(): ``main``, with ``change`` made ``seconds`` into it (someone else's doing)."""

    async def both() -> Any:
        async def later() -> None:
            await asyncio.sleep(seconds)
            change()

        other = asyncio.create_task(later())
        try:
            return await main()
        finally:
            await other

    return both


# -- start_and_wait: the state table ---------------------------------------------------


STARTED = ["DescribeProjectVersions", "StartProjectVersion", "DescribeProjectVersions"]


@pytest.mark.parametrize(
    ("status", "before", "started"),
    [
        pytest.param(S.RUNNING, None, False, id="running"),
        pytest.param(S.TRAINING_COMPLETED, "StartProjectVersion", False, id="starting"),
        pytest.param(S.TRAINING_COMPLETED, None, True, id="training-completed"),
        pytest.param(S.STOPPED, None, True, id="stopped"),
        pytest.param(S.COPYING_COMPLETED, None, True, id="copying-completed"),
        pytest.param(S.RUNNING, "StopProjectVersion", True, id="stopping"),
    ],
)
def test_start_and_wait_follows_the_status_table(
    status: ProjectVersionStatus, before: str | None, started: bool
) -> None:
    """RUNNING returns, STARTING is waited on, the startable statuses and STOPPING (once STOPPED) are started once."""
    fake, project, arn = scene(status)
    if before is not None:
        fake.call(before, {"ProjectVersionArn": arn, "MinInferenceUnits": 1, "MaxInferenceUnits": 3})
        fake.clear_requests()
    result = run(starting(fake, project))
    assert result.status is S.RUNNING
    assert operations(fake) == (STARTED if started else ["DescribeProjectVersions"])
    starts = [r.params for r in fake.requests_for("StartProjectVersion")]
    assert starts == (
        [{"ProjectVersionArn": arn, "MinInferenceUnits": 1, "MaxInferenceUnits": 3}] if started else []
    )
    if before == "StopProjectVersion":
        assert fake.requests_for("StartProjectVersion")[0].at >= fake.requests[0].at + STOP


@pytest.mark.parametrize(
    ("status", "settles_to"),
    [(S.TRAINING_IN_PROGRESS, S.TRAINING_COMPLETED), (S.COPYING_IN_PROGRESS, S.COPYING_COMPLETED)],
)
def test_work_in_progress_is_waited_out_then_started(
    status: ProjectVersionStatus, settles_to: ProjectVersionStatus
) -> None:
    """Training or copying under way is waited on until done, then the version is started."""
    fake, project, arn = scene(status)
    assert (
        run(meanwhile(300, lambda: fake.set_status(arn, settles_to), starting(fake, project))).status
        is S.RUNNING
    )
    assert operations(fake) == STARTED


@pytest.mark.parametrize(
    "status", [S.FAILED, S.TRAINING_FAILED, S.COPYING_FAILED, S.DELETING, S.DEPRECATED, S.EXPIRED]
)
def test_statuses_running_cannot_follow_fail_at_once(status: ProjectVersionStatus) -> None:
    """FAILED and every status from which RUNNING cannot follow raise ModelStartError; nothing is started."""
    fake, project, arn = scene(status)
    fake.set_status(arn, status, "Why it is so.")
    with pytest.raises(ModelStartError) as info:
        run(starting(fake, project))
    assert info.value.status is status
    assert info.value.status_message == "Why it is so."
    assert info.value.description is not None
    assert operations(fake) == ["DescribeProjectVersions"]


def test_failed_start_carries_the_status_message() -> None:
    """A start that ends in FAILED raises ModelStartError with the service's StatusMessage."""
    fake, project, arn = scene(S.STOPPED)
    fake.fail_next_start(arn, "Not enough capacity in us-east-1.")
    with pytest.raises(ModelStartError, match="Not enough capacity") as info:
        run(starting(fake, project))
    assert info.value.status is S.FAILED
    assert info.value.status_message == "Not enough capacity in us-east-1."


@pytest.mark.parametrize("later", [S.STOPPING, S.STOPPED])
def test_stopped_by_someone_else_while_starting_fails(later: ProjectVersionStatus) -> None:
    """Seen STARTING, then STOPPING or STOPPED: someone stopped it. ModelStartError at once, no second start.

    STOPPED after STARTING is a change, not a stale read: the start is not sent again over their decision.
    """
    fake, project, arn = scene(S.STOPPED)
    with pytest.raises(ModelStartError) as info:
        run(meanwhile(100, lambda: fake.set_status(arn, later), starting(fake, project)))
    assert info.value.status is later
    assert len(fake.requests_for("StartProjectVersion")) == 1


def test_stale_status_right_after_start_is_tolerated() -> None:
    """The old status, still shown by the first polls after a start, is not taken for failure."""
    fake, project, _arn = scene(S.STOPPED)
    original = fake.call
    stale = {"left": 2}

    def lagging(operation: str, params: Any) -> dict[str, Any]:
        result = original(operation, params)
        if (
            operation == "DescribeProjectVersions"
            and fake.requests_for("StartProjectVersion")
            and stale["left"]
        ):
            stale["left"] -= 1
            for description in result["ProjectVersionDescriptions"]:
                description["Status"] = "STOPPED"
        return result

    fake.call = lagging  # type: ignore[method-assign]
    assert run(starting(fake, project)).status is S.RUNNING
    assert len(fake.requests_for("StartProjectVersion")) == 1


@pytest.mark.parametrize("wait", [starting, stopping], ids=["start", "stop"])
def test_unknown_status_is_waited_on_until_timeout(wait: Callable[..., Any]) -> None:
    """A status this release does not know is waited on, by either wait, and the timeout ends it; nothing is sent."""
    fake, project, arn = scene(S.RUNNING)
    fake.set_status(arn, ProjectVersionStatus("HIBERNATING"))
    with pytest.raises(WaitTimeoutError) as info:
        run(wait(fake, project, timeout=300))
    assert info.value.status == "HIBERNATING"
    assert operations(fake) == ["DescribeProjectVersions"]


def test_unknown_status_that_turns_running_succeeds() -> None:
    """When an unknown status gives way to RUNNING, the wait returns it."""
    fake, project, arn = scene(S.STOPPED)
    fake.set_status(arn, ProjectVersionStatus("WARMING_UP"))
    settle = meanwhile(200, lambda: fake.set_status(arn, S.RUNNING), starting(fake, project))
    assert run(settle).status is S.RUNNING


def test_someone_else_starting_first_is_followed() -> None:
    """A start refused with ResourceInUse (someone else started it, with the same units) is followed, not raised."""
    fake, project, arn = scene(S.STOPPED)
    fake.faults.error("ResourceInUseException", "StartProjectVersion")
    theirs = {"ProjectVersionArn": arn, "MinInferenceUnits": 1, "MaxInferenceUnits": 3}
    fake.call("StartProjectVersion", theirs)
    fake.set_status(arn, S.STOPPED)  # our describe sees STOPPED; the start is refused as in use
    result = run(meanwhile(1, lambda: fake.call("StartProjectVersion", theirs), starting(fake, project)))
    assert result.status is S.RUNNING
    assert str(result.inference_units) == "1..3"


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda faults: faults.throttle("DescribeProjectVersions", times=12), id="throttled"),
        pytest.param(
            lambda faults: faults.error("InternalServerError", "DescribeProjectVersions", times=6), id="500"
        ),
        pytest.param(
            lambda faults: faults.error(
                "ProvisionedThroughputExceededException", "DescribeProjectVersions", times=6
            ),
            id="throughput",
        ),
        pytest.param(lambda faults: faults.malformed("DescribeProjectVersions", times=3), id="not-json"),
    ],
)
def test_transient_poll_failures_mid_wait_only_cost_polls(fault: Callable[[Any], object]) -> None:
    """Throttling, server and throughput errors past botocore's retries, and a proxy's HTML page, mid-wait, cost polls."""
    fake, project, _ = scene(S.STOPPED)
    assert run(meanwhile(20, lambda: fault(fake.faults), starting(fake, project))).status is S.RUNNING
    assert not fake.faults.pending


def test_someone_else_starting_first_with_other_units_is_a_mismatch() -> None:
    """A start refused because someone else started the version with other units raises UnitsMismatchError."""
    fake, project, arn = scene(S.STOPPED)
    fake.faults.error("ResourceInUseException", "StartProjectVersion")
    theirs = {"ProjectVersionArn": arn, "MinInferenceUnits": 2}
    with pytest.raises(UnitsMismatchError, match="2 \\(fixed\\)"):
        run(meanwhile(1, lambda: fake.call("StartProjectVersion", theirs), starting(fake, project)))


def test_unknown_version_name_is_version_not_found() -> None:
    """A name the project does not have raises VersionNotFoundError, a LookupError."""
    fake, project, _ = scene(S.STOPPED)

    async def main() -> None:
        async with client_for(fake) as client:
            await client.start_and_wait(project, "nope", min_inference_units=1)

    with pytest.raises(VersionNotFoundError) as info:
        run(main)
    assert isinstance(info.value, LookupError)


# -- polls that fail -------------------------------------------------------------------


def test_access_denied_mid_wait_ends_it() -> None:
    """An error that waiting cannot mend, such as AccessDenied, is raised at once."""
    fake, project, _ = scene(S.STARTING)
    fake.faults.error("AccessDeniedException", "DescribeProjectVersions")
    with pytest.raises(AccessDeniedError):
        run(starting(fake, project))


# -- delays and deadlines --------------------------------------------------------------


def test_delays_follow_the_smithy_rule() -> None:
    """Polls come min_delay apart at first, then further apart, never more than max_delay."""
    fake, project, _ = scene(S.STOPPED)
    run(starting(fake, project, backoff=Backoff(min_delay=2, max_delay=40)))
    polls = [r.at for r in fake.requests_for("DescribeProjectVersions")]
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert gaps[0] == pytest.approx(2, abs=0.01)
    assert all(2 - 0.01 <= gap <= 40 + 0.01 for gap in gaps)
    assert max(gaps) > 8  # it did back off


def test_timeout_raises_wait_timeout_error_with_last_description() -> None:
    """A start longer than the timeout raises WaitTimeoutError (a TimeoutError) carrying the last STARTING."""
    fake, project, _ = scene(S.STOPPED)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        began = loop.time()
        with pytest.raises(WaitTimeoutError) as info:
            await starting(fake, project, timeout=120)()
        assert isinstance(info.value, TimeoutError)
        assert info.value.status is S.STARTING
        assert info.value.timeout == 120
        return loop.time() - began

    loop_seconds = run(main)  # looptime's fake seconds, not the machine's
    assert 120 <= loop_seconds <= 120 + DEFAULT_MIN_DELAY


def test_last_poll_is_made_at_the_deadline() -> None:
    """The wait sleeps the remaining time for one last poll rather than giving up early."""
    fake, project, _ = scene(S.STOPPED)
    fake.start_seconds = 100.0
    # RUNNING comes at ~100 s; with a 100 s timeout only a poll at the deadline sees it.
    result = run(starting(fake, project, timeout=100.5, backoff=Backoff(min_delay=30, max_delay=30)))
    assert result.status is S.RUNNING


def test_asyncio_timeout_around_the_call_works() -> None:
    """asyncio.timeout() around start_and_wait raises TimeoutError and leaves no task behind."""
    fake, project, _ = scene(S.STOPPED)

    async def main() -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(90):
                await starting(fake, project)()

    run(main)


def test_cancelling_mid_wait_leaves_nothing_behind() -> None:
    """Cancelling the waiting task raises CancelledError in it and leaves no task running."""
    fake, project, _ = scene(S.STOPPED)

    async def main() -> None:
        task = asyncio.create_task(starting(fake, project)())
        await asyncio.sleep(100)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(main)
    assert len(fake.requests_for("StartProjectVersion")) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": -5},
        {"timeout": True},
        {"backoff": 5},
        {"backoff": {"min_delay": 10}},
        {"on_status": "print"},
        {"on_delay": 1},
        {"min_inference_units": 0},
        {"max_inference_units": 0},
    ],
)
def test_bad_wait_arguments_are_refused_before_any_request(kwargs: dict[str, Any]) -> None:
    """Bad timeouts, backoffs, callbacks and units raise InvalidRequestError, and nothing is sent."""
    fake, project, _ = scene(S.STOPPED)
    options: dict[str, Any] = {"min_inference_units": 1, **kwargs}

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError):
                await client.start_and_wait(project, "v0", **options)

    run(main)
    assert fake.requests == ()


# -- progress ------------------------------------------------------------------------------


def test_on_status_plain_function_sees_each_change_once() -> None:
    """A plain on_status callback is called once per status change, in order."""
    fake, project, _ = scene(S.STOPPED)
    seen: list[ProjectVersionStatus | None] = []
    run(starting(fake, project, on_status=lambda d: seen.append(d.status)))
    assert seen == [S.STOPPED, S.STARTING, S.RUNNING]


def test_on_status_coroutine_function_is_awaited() -> None:
    """A coroutine function as on_status is awaited on each change."""
    fake, project, _ = scene(S.STOPPED)
    seen: list[ProjectVersionStatus | None] = []

    async def record(description: ProjectVersionDescription) -> None:
        await asyncio.sleep(0)
        seen.append(description.status)

    run(starting(fake, project, on_status=record))
    assert seen == [S.STOPPED, S.STARTING, S.RUNNING]


def test_wait_logs_status_changes(caplog: pytest.LogCaptureFixture) -> None:
    """Status changes are logged at INFO on the aiocustomlabels logger."""
    fake, project, _ = scene(S.STOPPED)
    with caplog.at_level(logging.INFO, logger="aiocustomlabels"):
        run(starting(fake, project))
    messages = [r.getMessage() for r in caplog.records if r.name == "aiocustomlabels"]
    assert "proj/v0: RUNNING" in messages
    assert "proj/v0: start requested" in messages


# -- stop_and_wait ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "before", "stopped"),
    [
        pytest.param(S.RUNNING, None, True, id="running"),
        pytest.param(S.RUNNING, "StopProjectVersion", False, id="stopping"),
        pytest.param(S.STOPPED, "StartProjectVersion", True, id="starting"),
        *(
            pytest.param(status, None, False, id=status.value)
            for status in (
                S.STOPPED,
                S.TRAINING_COMPLETED,
                S.COPYING_COMPLETED,
                S.FAILED,
                S.TRAINING_FAILED,
                S.EXPIRED,
            )
        ),
    ],
)
def test_stop_and_wait_follows_the_status_table(
    status: ProjectVersionStatus, before: str | None, stopped: bool
) -> None:
    """RUNNING is stopped, STOPPING waited on, STARTING waited on until RUNNING then stopped; the rest returns as is."""
    fake, project, arn = scene(status)
    if before is not None:
        fake.call(before, {"ProjectVersionArn": arn, "MinInferenceUnits": 1})
        fake.clear_requests()
    hosted = stopped or before is not None
    assert run(stopping(fake, project)).status is (S.STOPPED if hosted else status)
    stops = fake.requests_for("StopProjectVersion")
    assert [r.params for r in stops] == ([{"ProjectVersionArn": arn}] if stopped else [])
    if before == "StartProjectVersion":
        assert stops[0].at >= fake.requests[0].at + START
    elif stopped:
        assert operations(fake) == [
            "DescribeProjectVersions",
            "StopProjectVersion",
            "DescribeProjectVersions",
        ]


def test_stop_that_ends_elsewhere_fails() -> None:
    """A stopped version that turns up FAILED instead of STOPPED raises ModelStopError."""
    fake, project, arn = scene(S.RUNNING)
    with pytest.raises(ModelStopError, match="It broke"):
        run(meanwhile(20, lambda: fake.set_status(arn, S.FAILED, "It broke."), stopping(fake, project)))


def test_a_fifteen_minute_start_runs_in_virtual_time() -> None:
    """A 15-minute start with the default delays completes, in virtual time, with a bounded number of polls."""
    fake, project, _ = scene(S.STOPPED)
    fake.start_seconds = 900.0
    result = run(starting(fake, project))
    assert result.status is S.RUNNING
    polls = len(fake.requests_for("DescribeProjectVersions"))
    # 5 s at first, backing off to at most 60 s: no more than 900 / 30 polls or so.
    assert 10 <= polls <= 40


# -- stale reads after acting ---------------------------------------------------------------


def lagging(fake: FakeCustomLabels, operation: str, old: ProjectVersionStatus, seconds: float) -> None:
    """Make DescribeProjectVersions show ``old`` for ``seconds`` (fake time) after each accepted ``operation``."""
    original = fake.call
    accepted: list[float] = []

    def call(op: str, params: Any) -> dict[str, Any]:
        result = original(op, params)  # raises for a refused request: only accepted ones count
        now = fake.clock.now()
        if op == operation:
            accepted.append(now)
        if op == "DescribeProjectVersions" and accepted and now - accepted[-1] < seconds:
            for description in result["ProjectVersionDescriptions"]:
                description["Status"] = old.value
        return result

    fake.call = call  # type: ignore[method-assign, assignment]


@attrs.frozen
class Acting:
    """One kind of wait's action, for the tests of stale reads."""

    initial: ProjectVersionStatus
    operation: str
    wait: Callable[..., Callable[[], Coroutine[Any, Any, ProjectVersionDescription]]]
    goal: ProjectVersionStatus
    failure: type[WaitError]
    verb: str


ACTIONS = [
    Acting(S.STOPPED, "StartProjectVersion", starting, S.RUNNING, ModelStartError, "start"),
    Acting(S.RUNNING, "StopProjectVersion", stopping, S.STOPPED, ModelStopError, "stop"),
]


@pytest.mark.parametrize("acting", ACTIONS, ids=lambda a: a.verb)
def test_a_stale_read_within_the_grace_is_waited_out(acting: Acting) -> None:
    """The old status shown for 100 s (five polls) after an accepted start or stop is no failure: one request, the goal."""
    fake, project, _ = scene(acting.initial)
    lagging(fake, acting.operation, acting.initial, 100)
    assert run(acting.wait(fake, project)).status is acting.goal
    assert len(fake.requests_for(acting.operation)) == 1


@pytest.mark.parametrize("acting", ACTIONS, ids=lambda a: a.verb)
def test_an_action_that_never_shows_fails_after_the_second_grace(acting: Acting) -> None:
    """Two graces of the old status, the action sent twice (the repeat refused: it was under way, or done): the failure says what was seen, how long."""
    fake, project, _ = scene(acting.initial)
    lagging(fake, acting.operation, acting.initial, 10 * START)
    with pytest.raises(
        acting.failure,
        match=rf"the {acting.verb} did not take: still {acting.initial} \d+ s after it was first accepted",
    ) as info:
        run(acting.wait(fake, project))
    assert info.value.status is acting.initial
    assert len(fake.requests_for(acting.operation)) == 2


def test_the_grace_is_counted_in_time_not_polls() -> None:
    """A hundred stale polls a second apart, within the two-minute grace, still make one start."""
    # A start shorter than the lag: RUNNING shows as the lag ends, not 500 more polls later.
    fake = virtual_fake(start_seconds=5.0, stop_seconds=STOP)
    project, _ = project_with(fake, 1, status=S.STOPPED)
    lagging(fake, "StartProjectVersion", S.STOPPED, 100)
    result = run(starting(fake, project, backoff=Backoff(min_delay=1, max_delay=1)))
    assert result.status is S.RUNNING
    assert len(fake.requests_for("StartProjectVersion")) == 1
    assert len(fake.requests_for("DescribeProjectVersions")) > 100


def test_a_start_still_unseen_after_the_grace_is_sent_once_more() -> None:
    """Still STOPPED past the grace: the start is sent again; ResourceInUse to it means under way, and is followed."""
    fake, project, _ = scene(S.STOPPED)
    lagging(fake, "StartProjectVersion", S.STOPPED, STALE_GRACE + 30)
    assert run(starting(fake, project)).status is S.RUNNING
    starts = fake.requests_for("StartProjectVersion")
    assert len(starts) == 2
    assert starts[1].at - starts[0].at >= STALE_GRACE


def test_an_invalid_parameter_answer_to_the_first_start_is_raised() -> None:
    """InvalidParameter to the wait's own first start is raised at once: only a repeat's is taken for a stale read."""
    fake, project, _ = scene(S.STOPPED)
    fake.faults.error("InvalidParameterException", "StartProjectVersion")
    with pytest.raises(InvalidParameterError):
        run(starting(fake, project))
    assert len(fake.requests_for("StartProjectVersion")) == 1
