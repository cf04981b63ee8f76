"""The fake's model-version lifecycle on a virtual clock: start, stop, failures, units, quotas."""

from __future__ import annotations

import pytest

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels._waiting import START_PLAN, STOP_PLAN, Action
from aiocustomlabels.testing import FakeCustomLabels, RecordedRequest, ScaledClock, VirtualClock
from tests._fake_support import (
    DESCRIBE,
    START,
    STOP,
    describe_one,
    seed,
    send,
    start,
    status_of,
    stop,
    unknown_version,
)

S = ProjectVersionStatus

STARTABLE = [S.TRAINING_COMPLETED, S.STOPPED, S.COPYING_COMPLETED]
BUSY = [S.STARTING, S.RUNNING, S.STOPPING, S.TRAINING_IN_PROGRESS, S.COPYING_IN_PROGRESS, S.DELETING]
# FAILED is assumed not startable, as start_and_wait treats it (docs/testing.md).
NEVER_STARTABLE = [S.FAILED, S.TRAINING_FAILED, S.COPYING_FAILED, S.DEPRECATED, S.EXPIRED]
NOT_STOPPABLE = [
    S.TRAINING_COMPLETED,
    S.STOPPED,
    S.COPYING_COMPLETED,
    S.FAILED,
    S.TRAINING_FAILED,
    S.TRAINING_IN_PROGRESS,
]


@pytest.fixture
def clock() -> VirtualClock:
    """The virtual clock the fake runs on."""
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeCustomLabels:
    """A fake with a 600-second start and a 60-second stop."""
    return FakeCustomLabels(clock=clock, start_seconds=600.0, stop_seconds=60.0)


def one_version(
    fake: FakeCustomLabels,
    status: ProjectVersionStatus = S.TRAINING_COMPLETED,
    *,
    start_seconds: float | None = None,
    stop_seconds: float | None = None,
) -> tuple[str, str]:
    """A project holding one version in ``status``; returns (project ARN, version ARN)."""
    project = fake.add_project("shelf")
    version = fake.add_version(
        project, "v1", status=status, start_seconds=start_seconds, stop_seconds=stop_seconds
    )
    return project, version


@pytest.mark.parametrize("status", STARTABLE)
def test_start_answers_starting(fake: FakeCustomLabels, status: ProjectVersionStatus) -> None:
    """Starting a version that may start answers Status STARTING and records the request as sent."""
    _, version = one_version(fake, status)
    answer = start(fake, version, 1)
    assert (answer.status, answer.body) == (200, {"Status": "STARTING"})
    assert [r.params for r in fake.requests_for(START)] == [
        {"ProjectVersionArn": version, "MinInferenceUnits": 1}
    ]


@pytest.mark.parametrize("status", STARTABLE)
def test_started_version_is_described_as_starting(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """Right after the start, DescribeProjectVersions reports STARTING with its message."""
    project, version = one_version(fake, status)
    start(fake, version)
    description = describe_one(fake, project, version)
    assert (description["Status"], description["StatusMessage"]) == (
        "STARTING",
        "The model is being started.",
    )


@pytest.mark.parametrize("status", STARTABLE)
def test_still_starting_just_before_start_seconds(
    fake: FakeCustomLabels, clock: VirtualClock, status: ProjectVersionStatus
) -> None:
    """A hair before start_seconds have passed, the version is still STARTING."""
    project, version = one_version(fake, status)
    start(fake, version)
    clock.advance(599.999)
    assert status_of(fake, project, version) == "STARTING"


@pytest.mark.parametrize("status", STARTABLE)
def test_running_once_start_seconds_pass(
    fake: FakeCustomLabels, clock: VirtualClock, status: ProjectVersionStatus
) -> None:
    """Exactly start_seconds after the start, the version is RUNNING with the running message."""
    project, version = one_version(fake, status)
    start(fake, version)
    clock.advance(600.0)
    description = describe_one(fake, project, version)
    assert (description["Status"], description["StatusMessage"]) == ("RUNNING", "The model is running.")


def test_status_changes_without_any_request(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """The clock alone moves the version on: the Python-side describe() sees RUNNING with no poll between."""
    _, version = one_version(fake)
    start(fake, version)
    clock.advance(10_000.0)
    assert fake.describe(version).status is S.RUNNING
    assert len(fake.requests) == 1


def test_stop_answers_stopping(fake: FakeCustomLabels) -> None:
    """Stopping a RUNNING version answers Status STOPPING and records the request."""
    _, version = one_version(fake, S.RUNNING)
    answer = stop(fake, version)
    assert (answer.status, answer.body) == (200, {"Status": "STOPPING"})
    assert [r.params for r in fake.requests_for(STOP)] == [{"ProjectVersionArn": version}]


def test_still_stopping_just_before_stop_seconds(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A hair before stop_seconds have passed, the version is still STOPPING."""
    project, version = one_version(fake, S.RUNNING)
    stop(fake, version)
    clock.advance(59.999)
    assert status_of(fake, project, version) == "STOPPING"


def test_stopped_once_stop_seconds_pass(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Exactly stop_seconds after the stop, the version is STOPPED."""
    project, version = one_version(fake, S.RUNNING)
    stop(fake, version)
    clock.advance(60.0)
    description = describe_one(fake, project, version)
    assert (description["Status"], description["StatusMessage"]) == ("STOPPED", "The model is stopped.")


def test_full_cycle_reports_every_status_in_order(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Start, run, stop: a poll after each step sees STARTING, RUNNING, STOPPING, STOPPED."""
    project, version = one_version(fake)
    seen = []
    start(fake, version)
    seen.append(status_of(fake, project, version))
    clock.advance(600.0)
    seen.append(status_of(fake, project, version))
    stop(fake, version)
    seen.append(status_of(fake, project, version))
    clock.advance(60.0)
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


def test_fail_next_start_ends_in_failed_with_the_message(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """fail_next_start: the start goes STARTING, then FAILED with the given StatusMessage."""
    project, version = one_version(fake)
    fake.fail_next_start(version, "Not enough capacity.")
    start(fake, version)
    assert status_of(fake, project, version) == "STARTING"
    clock.advance(600.0)
    description = describe_one(fake, project, version)
    assert (description["Status"], description["StatusMessage"]) == ("FAILED", "Not enough capacity.")


def test_fail_next_start_fails_only_the_next_start(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """The start after a failed one (once the version is startable again) succeeds."""
    project, version = one_version(fake)
    fake.fail_next_start(version)
    start(fake, version)
    clock.advance(600.0)
    assert status_of(fake, project, version) == "FAILED"
    fake.set_status(version, S.STOPPED)  # FAILED itself is not startable (assumed)
    assert start(fake, version).status == 200
    clock.advance(600.0)
    assert status_of(fake, project, version) == "RUNNING"


def test_fail_next_start_has_a_default_message(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Without a message, a failed start reports a generic StatusMessage."""
    project, version = one_version(fake)
    fake.fail_next_start(version)
    start(fake, version)
    clock.advance(600.0)
    assert describe_one(fake, project, version)["StatusMessage"] == "The model failed to start."


def test_per_version_start_seconds_overrides_the_fake(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A version added with start_seconds=5 runs after 5 s, not the fake's 600 s."""
    project, version = one_version(fake, start_seconds=5.0)
    start(fake, version)
    clock.advance(4.9)
    assert status_of(fake, project, version) == "STARTING"
    clock.advance(0.1)
    assert status_of(fake, project, version) == "RUNNING"


def test_per_version_start_seconds_leaves_other_versions_alone(
    fake: FakeCustomLabels, clock: VirtualClock
) -> None:
    """Another version of the project keeps the fake's own start_seconds."""
    project = fake.add_project("shelf")
    fake.add_version(project, "quick", start_seconds=5.0)
    slow = fake.add_version(project, "slow")
    start(fake, slow)
    clock.advance(5.0)
    assert status_of(fake, project, slow) == "STARTING"


def test_per_version_stop_seconds_overrides_the_fake(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A version added with stop_seconds=2 is STOPPED after 2 s, not the fake's 60 s."""
    project, version = one_version(fake, S.RUNNING, stop_seconds=2.0)
    stop(fake, version)
    clock.advance(2.0)
    assert status_of(fake, project, version) == "STOPPED"


@pytest.mark.parametrize(("low", "high"), [(1, 1), (1, 3), (2, 5), (4, 4)])
def test_min_and_max_units_are_reported_as_sent(fake: FakeCustomLabels, low: int, high: int) -> None:
    """Min/MaxInferenceUnits sent with the start are reported exactly so, and recorded as sent."""
    project, version = one_version(fake)
    start(fake, version, low, high)
    description = describe_one(fake, project, version)
    assert (description["MinInferenceUnits"], description["MaxInferenceUnits"]) == (low, high)
    assert fake.requests_for(START)[0].params == {
        "ProjectVersionArn": version,
        "MinInferenceUnits": low,
        "MaxInferenceUnits": high,
    }


@pytest.mark.parametrize("low", [1, 2, 7])
def test_max_units_absent_when_not_sent(fake: FakeCustomLabels, low: int) -> None:
    """Started with MinInferenceUnits only, the description has Min and no MaxInferenceUnits member."""
    project, version = one_version(fake)
    start(fake, version, low)
    description = describe_one(fake, project, version)
    assert description["MinInferenceUnits"] == low
    assert "MaxInferenceUnits" not in description


def test_restart_without_max_drops_the_old_max(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A start with Max, a stop, then a start without Max: the description no longer has Max."""
    project, version = one_version(fake)
    start(fake, version, 1, 3)
    clock.advance(600.0)
    stop(fake, version)
    clock.advance(60.0)
    start(fake, version, 2)
    description = describe_one(fake, project, version)
    assert description["MinInferenceUnits"] == 2
    assert "MaxInferenceUnits" not in description


def test_never_started_version_has_no_units(fake: FakeCustomLabels) -> None:
    """A trained version that never started reports neither Min nor MaxInferenceUnits."""
    project, version = one_version(fake)
    description = describe_one(fake, project, version)
    assert "MinInferenceUnits" not in description
    assert "MaxInferenceUnits" not in description


@pytest.mark.parametrize("status", BUSY)
def test_starting_a_busy_version_is_resource_in_use(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """Starting a STARTING, RUNNING, STOPPING (or other busy) version: ResourceInUseException."""
    project, version = one_version(fake, status)
    answer = start(fake, version)
    assert (answer.status, answer.code) == (400, "ResourceInUseException")
    assert status_of(fake, project, version) == status.value


def test_starting_twice_is_resource_in_use(fake: FakeCustomLabels) -> None:
    """The second of two back-to-back starts is refused with ResourceInUseException."""
    _, version = one_version(fake)
    codes = [start(fake, version).code, start(fake, version).code]
    assert codes == ["", "ResourceInUseException"]
    assert len(fake.requests_for(START)) == 2


@pytest.mark.parametrize("status", NEVER_STARTABLE)
def test_starting_an_unstartable_version_is_invalid(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """A version that failed training or expired cannot start: InvalidParameterException."""
    _, version = one_version(fake, status)
    assert start(fake, version).code == "InvalidParameterException"


def test_stopping_a_stopping_version_is_resource_in_use(fake: FakeCustomLabels) -> None:
    """A second stop while the first is under way: ResourceInUseException."""
    _, version = one_version(fake, S.RUNNING)
    stop(fake, version)
    assert stop(fake, version).code == "ResourceInUseException"


@pytest.mark.parametrize("status", NOT_STOPPABLE)
def test_stopping_a_version_that_is_not_running_is_invalid(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """Only a STARTING or RUNNING version can be stopped; others give InvalidParameterException."""
    _, version = one_version(fake, status)
    assert stop(fake, version).code == "InvalidParameterException"


@pytest.mark.parametrize(("operation", "extra"), [(START, {"MinInferenceUnits": 1}), (STOP, {})])
def test_unknown_version_is_resource_not_found(
    fake: FakeCustomLabels, operation: str, extra: dict[str, int]
) -> None:
    """A well-formed version ARN the service does not know: ResourceNotFoundException."""
    seed(fake, 1)
    answer = send(fake, operation, {"ProjectVersionArn": unknown_version(fake), **extra})
    assert (answer.status, answer.code) == (400, "ResourceNotFoundException")
    assert len(fake.requests_for(operation)) == 1


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
    answer = start(fake, version, low, high)
    assert answer.code == ("" if fits else "LimitExceededException")
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
    assert start(fake, version, 2).code == "LimitExceededException"
    assert start(fake, version, 1).code == ""


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
    description = describe_one(fake, project, version)
    assert (description["Status"], description["StatusMessage"]) == ("FAILED", "Set by the test.")


def test_describe_matches_the_wire(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """FakeCustomLabels.describe() reports what DescribeProjectVersions sends."""
    project, version = one_version(fake)
    start(fake, version, 2, 4)
    clock.advance(600.0)
    wire = describe_one(fake, project, version)
    model = fake.describe(version)
    assert (model.status, model.status_message, model.min_inference_units, model.max_inference_units) == (
        S(wire["Status"]),
        wire["StatusMessage"],
        wire["MinInferenceUnits"],
        wire["MaxInferenceUnits"],
    )
    assert model.project_version_arn == wire["ProjectVersionArn"]


def test_requests_record_the_fake_time(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """Each recorded request carries the clock's time when it arrived."""
    project, version = one_version(fake)
    begin = clock.now()
    start(fake, version)
    clock.advance(42.0)
    status_of(fake, project, version)
    assert [(r.operation, r.at - begin) for r in fake.requests] == [(START, 0.0), (DESCRIBE, 42.0)]
    assert all(isinstance(r, RecordedRequest) for r in fake.requests)


def test_clear_requests_forgets_them(fake: FakeCustomLabels) -> None:
    """clear_requests() empties the record; later requests are recorded afresh."""
    _, version = one_version(fake)
    start(fake, version)
    fake.clear_requests()
    stop(fake, version)
    assert [r.operation for r in fake.requests] == [STOP]


def test_version_names_are_unique_in_a_project(fake: FakeCustomLabels) -> None:
    """Adding a second version of the same name to a project is refused."""
    project, _ = one_version(fake)
    with pytest.raises(ValueError, match="exists"):
        fake.add_version(project, "v1")


def test_project_names_are_unique(fake: FakeCustomLabels) -> None:
    """Adding a second project of the same name is refused."""
    fake.add_project("shelf")
    with pytest.raises(ValueError, match="exists"):
        fake.add_project("shelf")


def test_creation_times_are_distinct_and_increasing(fake: FakeCustomLabels) -> None:
    """Versions added at the same clock time still get increasing creation times in their ARNs."""
    _, newest_first = seed(fake, 4)
    stamps = [arn.creation_timestamp for arn in reversed(newest_first)]
    assert stamps == sorted(set(stamps))


def test_virtual_clock_does_not_go_back() -> None:
    """VirtualClock.advance with a negative step is refused and leaves the time as it was."""
    clock = VirtualClock(start=100.0)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(-1.0)
    assert clock.now() == 100.0


@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_scaled_clock_needs_a_positive_scale(scale: float) -> None:
    """ScaledClock refuses a scale that is not positive."""
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(scale)


def test_scaled_clock_starts_where_told() -> None:
    """ScaledClock(start=T) shows T at first and never less."""
    assert ScaledClock(1000.0, start=5_000.0).now() >= 5_000.0


@pytest.mark.parametrize("status", [s for s in S if s.is_known], ids=str)
def test_the_fake_starts_exactly_what_start_and_wait_starts(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """The fake accepts StartProjectVersion in a status exactly when start_and_wait's table starts it (FAILED: neither)."""
    _, version = one_version(fake, status)
    accepted = start(fake, version).status == 200
    assert accepted is (START_PLAN.action(status, acted=False) is Action.ACT)


@pytest.mark.parametrize("status", [s for s in S if s.is_known], ids=str)
def test_the_fake_stops_what_stop_and_wait_stops(
    fake: FakeCustomLabels, status: ProjectVersionStatus
) -> None:
    """Whatever stop_and_wait's table stops, the fake accepts a stop of."""
    _, version = one_version(fake, status)
    if STOP_PLAN.action(status, acted=False) is Action.ACT:
        assert stop(fake, version).status == 200
