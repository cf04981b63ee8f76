"""The fake's model-version lifecycle on a virtual clock: start, stop, failures, units, quotas."""

from __future__ import annotations

from typing import Any

import pytest

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels._waiting import START_PLAN, STOP_PLAN, Action
from aiocustomlabels.testing import FakeCustomLabels, ScaledClock, VirtualClock
from tests._fake_support import (
    DESCRIBE,
    START,
    STOP,
    describe_one,
    seed,
    start,
    status_of,
    stop,
)

S = ProjectVersionStatus

STARTABLE = [S.TRAINING_COMPLETED, S.STOPPED, S.COPYING_COMPLETED]
BUSY = {S.STARTING, S.RUNNING, S.STOPPING, S.TRAINING_IN_PROGRESS, S.COPYING_IN_PROGRESS, S.DELETING}
KNOWN = [s for s in S if s.is_known]


@pytest.fixture
def clock() -> VirtualClock:
    """The virtual clock the fake runs on."""
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeCustomLabels:
    """A fake with a 600-second start and a 60-second stop."""
    return FakeCustomLabels(clock=clock, start_seconds=600.0, stop_seconds=60.0)


def one_version(
    fake: FakeCustomLabels, status: ProjectVersionStatus = S.TRAINING_COMPLETED, **kwargs: Any
) -> tuple[str, str]:
    """A project holding one version ``v1`` in ``status``; returns (project ARN, version ARN)."""
    project = fake.add_project("shelf")
    return project, fake.add_version(project, "v1", status=status, **kwargs)


def status_and_message(fake: FakeCustomLabels, project: str, version: str) -> tuple[str, str]:
    """The Status and StatusMessage DescribeProjectVersions reports."""
    description = describe_one(fake, project, version)
    return description["Status"], description["StatusMessage"]


@pytest.mark.parametrize("status", STARTABLE)
def test_a_start_is_starting_until_start_seconds_pass(
    fake: FakeCustomLabels, clock: VirtualClock, status: ProjectVersionStatus
) -> None:
    """A start answers STARTING, is described so until a hair before start_seconds, then RUNNING."""
    project, version = one_version(fake, status)
    assert start(fake, version).body == {"Status": "STARTING"}
    seen = [status_and_message(fake, project, version)]
    clock.advance(599.999)
    seen.append(status_and_message(fake, project, version))
    clock.advance(0.001)
    seen.append(status_and_message(fake, project, version))
    starting = ("STARTING", "The model is being started.")
    assert seen == [starting, starting, ("RUNNING", "The model is running.")]
    assert [r.params for r in fake.requests_for(START)] == [
        {"ProjectVersionArn": version, "MinInferenceUnits": 1}
    ]


def test_a_stop_is_stopping_until_stop_seconds_pass(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A stop answers STOPPING, is described so until a hair before stop_seconds, then STOPPED."""
    project, version = one_version(fake, S.RUNNING)
    assert stop(fake, version).body == {"Status": "STOPPING"}
    clock.advance(59.999)
    seen = [status_and_message(fake, project, version)]
    clock.advance(0.001)
    seen.append(status_and_message(fake, project, version))
    assert seen == [("STOPPING", "The model is being stopped."), ("STOPPED", "The model is stopped.")]
    assert [r.params for r in fake.requests_for(STOP)] == [{"ProjectVersionArn": version}]


def test_status_changes_without_any_request(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """The clock alone moves the version on: the Python-side describe() sees RUNNING with no poll between."""
    _, version = one_version(fake)
    start(fake, version)
    clock.advance(10_000.0)
    assert fake.describe(version).status is S.RUNNING
    assert len(fake.requests) == 1


def test_full_cycle_reports_every_status_in_order(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Start, run, stop: a poll after each step sees STARTING, RUNNING, STOPPING, STOPPED."""
    project, version = one_version(fake)
    seen = []
    for step in (
        lambda: start(fake, version),
        lambda: clock.advance(600.0),
        lambda: stop(fake, version),
        lambda: clock.advance(60.0),
    ):
        step()
        seen.append(status_of(fake, project, version))
    assert seen == ["STARTING", "RUNNING", "STOPPING", "STOPPED"]
    assert [r.operation for r in fake.requests] == [START, DESCRIBE, DESCRIBE, STOP, DESCRIBE, DESCRIBE]


def test_a_starting_version_can_be_stopped(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Stopping a STARTING version cancels the start: it goes STOPPING, then STOPPED, never RUNNING."""
    project, version = one_version(fake)
    start(fake, version)
    assert stop(fake, version).body == {"Status": "STOPPING"}
    clock.advance(600.0)
    assert status_of(fake, project, version) == "STOPPED"


@pytest.mark.parametrize(
    ("given", "message"),
    [((), "The model failed to start."), (("Not enough capacity.",), "Not enough capacity.")],
    ids=["default-message", "given-message"],
)
def test_fail_next_start_ends_in_failed_with_the_message(
    fake: FakeCustomLabels, clock: VirtualClock, given: tuple[str, ...], message: str
) -> None:
    """fail_next_start: the start goes STARTING, then FAILED with the StatusMessage given (a generic one by default)."""
    project, version = one_version(fake)
    fake.fail_next_start(version, *given)
    start(fake, version)
    assert status_of(fake, project, version) == "STARTING"
    clock.advance(600.0)
    assert status_and_message(fake, project, version) == ("FAILED", message)


def test_fail_next_start_fails_only_the_next_start(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """The start after a failed one (once the version is startable again) succeeds."""
    project, version = one_version(fake)
    fake.fail_next_start(version)
    start(fake, version)
    clock.advance(600.0)
    fake.set_status(version, S.STOPPED)  # FAILED itself is not startable (assumed)
    assert start(fake, version).status == 200
    clock.advance(600.0)
    assert status_of(fake, project, version) == "RUNNING"


@pytest.mark.parametrize(
    ("kwargs", "status", "act", "seconds", "during", "after"),
    [
        pytest.param(
            {"start_seconds": 5.0}, S.TRAINING_COMPLETED, start, 5.0, "STARTING", "RUNNING", id="start"
        ),
        pytest.param({"stop_seconds": 2.0}, S.RUNNING, stop, 2.0, "STOPPING", "STOPPED", id="stop"),
    ],
)
def test_per_version_seconds_override_the_fake(
    fake: FakeCustomLabels,
    clock: VirtualClock,
    kwargs: dict[str, float],
    status: ProjectVersionStatus,
    act: Any,
    seconds: float,
    during: str,
    after: str,
) -> None:
    """A version's own start_seconds or stop_seconds replace the fake's, for it alone."""
    project, version = one_version(fake, status, **kwargs)
    other = fake.add_version(project, "other", status=status)
    act(fake, version)
    act(fake, other)
    clock.advance(seconds - 0.1)
    seen = [status_of(fake, project, version)]
    clock.advance(0.1)
    seen += [status_of(fake, project, version), status_of(fake, project, other)]
    assert seen == [during, after, during]


@pytest.mark.parametrize(("low", "high"), [(1, 1), (1, 3), (2, 5), (4, 4), (1, None), (7, None)])
def test_min_and_max_units_are_reported_as_sent(fake: FakeCustomLabels, low: int, high: int | None) -> None:
    """Min/MaxInferenceUnits sent with the start are reported exactly so (no Max member when none was sent)."""
    project, version = one_version(fake)
    start(fake, version, low, high)
    description = describe_one(fake, project, version)
    assert (description["MinInferenceUnits"], description.get("MaxInferenceUnits")) == (low, high)
    sent = {"ProjectVersionArn": version, "MinInferenceUnits": low}
    assert fake.requests_for(START)[0].params == (
        sent if high is None else {**sent, "MaxInferenceUnits": high}
    )


def test_restart_without_max_drops_the_old_max(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A start with Max, a stop, then a start without Max: the description no longer has Max."""
    project, version = one_version(fake)
    assert "MinInferenceUnits" not in describe_one(fake, project, version)  # never started: no units
    start(fake, version, 1, 3)
    clock.advance(600.0)
    stop(fake, version)
    clock.advance(60.0)
    start(fake, version, 2)
    description = describe_one(fake, project, version)
    assert (description["MinInferenceUnits"], "MaxInferenceUnits" in description) == (2, False)


@pytest.mark.parametrize("status", KNOWN, ids=str)
def test_a_start_is_accepted_exactly_where_start_and_wait_starts(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """Startable statuses start; busy ones are ResourceInUse, others (FAILED too, assumed) invalid, as start_and_wait's table says."""
    project, version = one_version(fake, status)
    answer = start(fake, version)
    expected = (
        ""
        if status in STARTABLE
        else "ResourceInUseException"
        if status in BUSY
        else "InvalidParameterException"
    )
    assert answer.code == expected
    assert (answer.status == 200) is (START_PLAN.action(status, acted=False) is Action.ACT)
    if expected:
        assert status_of(fake, project, version) == status.value


@pytest.mark.parametrize("status", KNOWN, ids=str)
def test_a_stop_is_accepted_where_stop_and_wait_stops(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """STARTING and RUNNING stop; STOPPING is ResourceInUse; others invalid; whatever stop_and_wait stops is accepted."""
    _, version = one_version(fake, status)
    code = stop(fake, version).code
    expected = (
        ""
        if status in {S.STARTING, S.RUNNING}
        else "ResourceInUseException"
        if status is S.STOPPING
        else "InvalidParameterException"
    )
    assert code == expected
    if STOP_PLAN.action(status, acted=False) is Action.ACT:
        assert code == ""


# (the other version's status and units, the units asked for, whether the quota of 4 allows it)
QUOTA_CASES = [
    pytest.param(S.RUNNING, 1, 3, 3, None, True, id="in-service-not-max-1+3-fits"),
    pytest.param(S.RUNNING, 1, 3, 4, None, False, id="in-service-1+4-exceeds"),
    pytest.param(S.RUNNING, 2, None, 2, 9, True, id="asked-min-counts-not-max-2+2-fits"),
    pytest.param(S.RUNNING, 2, None, 3, None, False, id="min-in-service-2+3-exceeds"),
    pytest.param(S.STARTING, 3, None, 2, None, False, id="starting-holds-its-min"),
    pytest.param(S.STOPPING, 3, None, 2, None, False, id="stopping-holds-until-stopped"),
    pytest.param(S.STOPPED, 3, None, 4, None, True, id="stopped-holds-none"),
    pytest.param(S.RUNNING, 1, None, 5, None, False, id="alone-above-quota"),
]


@pytest.mark.parametrize(("other", "other_low", "other_high", "low", "high", "fits"), QUOTA_CASES)
def test_inference_unit_quota(
    other: ProjectVersionStatus,
    other_low: int,
    other_high: int | None,
    low: int,
    high: int | None,
    fits: bool,
) -> None:
    """Units other versions hold (in service; Min while STARTING) plus the Min asked for must fit the quota."""
    fake = FakeCustomLabels(inference_unit_quota=4)
    project = fake.add_project("shelf")
    fake.add_version(
        project, "other", status=other, min_inference_units=other_low, max_inference_units=other_high
    )
    version = fake.add_version(project, "new")
    assert start(fake, version, low, high).code == ("" if fits else "LimitExceededException")
    assert status_of(fake, project, version) == ("STARTING" if fits else "TRAINING_COMPLETED")


def test_quota_counts_units_scaled_into_service(clock: VirtualClock) -> None:
    """A version that scaled up holds its in-service units, not its Min, against the quota."""
    fake = FakeCustomLabels(clock=clock, inference_unit_quota=4, scale_up_seconds=300.0)
    project = fake.add_project("shelf")
    busy = fake.add_version(project, "busy", status=S.RUNNING, min_inference_units=1, max_inference_units=4)
    version = fake.add_version(project, "new")
    fake.set_demand(busy, 3.0)
    assert start(fake, version, 2).code == ""
    stop(fake, version)
    clock.advance(600.0)
    assert [start(fake, version, 2).code, start(fake, version, 1).code] == ["LimitExceededException", ""]


def test_units_return_to_the_quota_once_stopped(clock: VirtualClock) -> None:
    """After a version stops, its units may be used by another version."""
    quota = FakeCustomLabels(clock=clock, inference_unit_quota=2, stop_seconds=60.0)
    project = quota.add_project("shelf")
    first = quota.add_version(project, "first", status=S.RUNNING, min_inference_units=2)
    second = quota.add_version(project, "second")
    assert start(quota, second, 2).code == "LimitExceededException"
    stop(quota, first)
    clock.advance(60.0)
    assert start(quota, second, 2).code == ""


def test_set_status_cancels_the_change_under_way(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """set_status puts the version in a status at once and the pending transition never happens."""
    project, version = one_version(fake)
    start(fake, version)
    fake.set_status(version, S.FAILED, "Set by the test.")
    clock.advance(600.0)
    assert status_and_message(fake, project, version) == ("FAILED", "Set by the test.")


def test_describe_matches_the_wire(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """FakeCustomLabels.describe() reports what DescribeProjectVersions sends."""
    project, version = one_version(fake)
    start(fake, version, 2, 4)
    clock.advance(600.0)
    wire = describe_one(fake, project, version)
    model = fake.describe(version)
    assert (
        model.project_version_arn,
        model.status,
        model.status_message,
        model.min_inference_units,
        model.max_inference_units,
    ) == (
        wire["ProjectVersionArn"],
        S(wire["Status"]),
        wire["StatusMessage"],
        wire["MinInferenceUnits"],
        wire["MaxInferenceUnits"],
    )


def test_requests_record_the_fake_time_until_cleared(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Each recorded request carries the clock's time when it arrived; clear_requests() forgets them."""
    project, version = one_version(fake)
    begin = clock.now()
    start(fake, version)
    clock.advance(42.0)
    status_of(fake, project, version)
    assert [(r.operation, r.at - begin) for r in fake.requests] == [(START, 0.0), (DESCRIBE, 42.0)]
    fake.clear_requests()
    stop(fake, version)
    assert [r.operation for r in fake.requests] == [STOP]


def test_names_are_unique(fake: FakeCustomLabels) -> None:
    """A second project of a name, or a second version of a name in a project, is refused."""
    project, _ = one_version(fake)
    with pytest.raises(ValueError, match="exists"):
        fake.add_version(project, "v1")
    with pytest.raises(ValueError, match="exists"):
        fake.add_project("shelf")


def test_creation_times_are_distinct_and_increasing(fake: FakeCustomLabels) -> None:
    """Versions added at the same clock time still get increasing creation times in their ARNs."""
    _, newest_first = seed(fake, 4)
    stamps = [arn.creation_timestamp for arn in reversed(newest_first)]
    assert stamps == sorted(set(stamps))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        pytest.param(lambda: VirtualClock(start=100.0).advance(-1.0), "cannot go back", id="virtual-back"),
        pytest.param(lambda: ScaledClock(0.0), "positive", id="scaled-0"),
        pytest.param(lambda: ScaledClock(-1.0), "positive", id="scaled-negative"),
    ],
)
def test_clocks_refuse_what_cannot_be(make: Any, match: str) -> None:
    """VirtualClock.advance refuses a negative step; ScaledClock a scale that is not positive."""
    with pytest.raises(ValueError, match=match):
        make()


def test_scaled_clock_starts_where_told() -> None:
    """ScaledClock(start=T) shows T at first and never less."""
    assert ScaledClock(1000.0, start=5_000.0).now() >= 5_000.0
