"""The fake's auto-scaling: demand in, one datapoint per metric per minute out."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, UnitsMinute, VirtualClock
from tests._cloudwatch_support import END_MINUTE, EXPECTED, MINUTE, T0, curve, minute_of

S = ProjectVersionStatus


def rows(minutes: list[UnitsMinute]) -> list[tuple[int | None, ...]]:
    """The published values, minute by minute."""
    return [(m.in_service, m.desired, m.min_inference_units, m.max_inference_units) for m in minutes]


def test_the_demand_curve_scales_as_the_rule_says() -> None:
    """Min 1, max 4; demand 0.5, 3.2, 6, 0: every minute's four values follow the scaling rule."""
    scene = curve()
    published = scene.fake.published_units(scene.version_arn)
    assert [minute_of(m.timestamp) for m in published] == list(range(len(EXPECTED)))
    assert rows(published) == EXPECTED


def test_nothing_is_published_for_minutes_yet_to_come() -> None:
    """A minute is published once the clock has passed it, never before."""
    scene = curve()
    before = scene.fake.published_units(scene.version_arn, end=T0 + 30 * MINUTE)
    assert len(before) == 30
    assert rows(scene.fake.published_units(scene.version_arn, start=T0 + (END_MINUTE + 1) * MINUTE)) == []


@pytest.mark.parametrize(
    ("up", "down", "first_four", "first_one_again"),
    [(300.0, 900.0, 25, 55), (0.0, 0.0, 20, 40), (60.0, 120.0, 21, 42), (120.0, 1800.0, 22, 60)],
)
def test_scaling_delays_are_the_fakes_to_set(
    up: float, down: float, first_four: int, first_one_again: int
) -> None:
    """scale_up_seconds and scale_down_seconds move the minutes at which units follow desired."""
    scene = curve(scale_up_seconds=up, scale_down_seconds=down)
    in_service = {minute_of(m.timestamp): m.in_service for m in scene.fake.published_units(scene.version_arn)}
    assert min(m for m, units in in_service.items() if units == 4) == first_four
    assert (
        min((m for m, units in in_service.items() if m >= 40 and units == 1), default=60) == first_one_again
    )


def fake_running(
    *, min_inference_units: int, max_inference_units: int | None = None
) -> tuple[FakeCustomLabels, VirtualClock, str]:
    """A version RUNNING from T0 with the units given."""
    clock = VirtualClock(start=T0)
    fake = FakeCustomLabels(clock=clock)
    project = fake.add_project("shelf")
    version = fake.add_version(
        project,
        "v1",
        status=S.RUNNING,
        min_inference_units=min_inference_units,
        max_inference_units=max_inference_units,
    )
    return fake, clock, version


def test_without_a_max_there_is_no_scaling() -> None:
    """No MaxInferenceUnits: desired and in service stay at Min whatever the demand, and Max is not published."""
    fake, clock, version = fake_running(min_inference_units=2)
    fake.set_demand(version, 9.0)
    clock.advance(30 * MINUTE)
    assert set(rows(fake.published_units(version))) == {(2, 2, 2, None)}


def test_demand_is_clamped_between_min_and_max() -> None:
    """Desired units are ceil(demand), never below Min nor above Max."""
    fake, clock, version = fake_running(min_inference_units=2, max_inference_units=5)
    desired = []
    for demand in (0.0, 2.0, 2.01, 4.9, 5.0, 7.5):
        fake.set_demand(version, demand)
        clock.advance(MINUTE)
        desired.append(fake.published_units(version)[-1].desired)
    assert desired == [2, 2, 3, 5, 5, 5]


def test_a_spike_shorter_than_the_scale_up_delay_adds_no_unit() -> None:
    """Demand that calls for more units for less than scale_up_seconds never puts them in service."""
    fake, clock, version = fake_running(min_inference_units=1, max_inference_units=4)
    fake.set_demand(version, 4.0)
    clock.advance(4 * MINUTE)
    fake.set_demand(version, 1.0)
    clock.advance(20 * MINUTE)
    assert {m.in_service for m in fake.published_units(version)} == {1}


def test_demand_outlives_a_stop_and_a_new_start_begins_at_min() -> None:
    """The demand stays set across a stop; the next run starts with Min in service and scales up again."""
    scene = curve(scale_up_seconds=0.0)
    scene.fake.set_demand(scene.version_arn, 3.0)
    scene.fake.call(
        "StartProjectVersion",
        {"ProjectVersionArn": scene.version_arn, "MinInferenceUnits": 2, "MaxInferenceUnits": 3},
    )
    scene.clock.advance(12 * MINUTE)
    later = scene.fake.published_units(scene.version_arn, start=T0 + END_MINUTE * MINUTE)
    assert rows(later)[:10] == [(None, 2, 2, 3)] * 10
    assert rows(later)[10:] == [(3, 3, 2, 3)] * 2


def test_a_failed_start_publishes_only_while_starting() -> None:
    """A start that ends FAILED published Min, Max and Desired while STARTING, then nothing."""
    clock = VirtualClock(start=T0)
    fake = FakeCustomLabels(clock=clock, start_seconds=3 * MINUTE)
    version = fake.add_version(fake.add_project("shelf"), "v1")
    fake.fail_next_start(version)
    fake.call("StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 1})
    clock.advance(10 * MINUTE)
    assert rows(fake.published_units(version)) == [(None, 1, 1, None)] * 3


@pytest.mark.parametrize(
    ("status", "published"),
    [
        (S.RUNNING, (1, 1, 1, None)),
        (S.STARTING, (None, 1, 1, None)),
        (S.STOPPING, (None, None, 1, None)),
        (S.STOPPED, None),
        (S.TRAINING_COMPLETED, None),
        (S.FAILED, None),
    ],
)
def test_what_each_status_publishes(
    status: ProjectVersionStatus, published: tuple[int | None, ...] | None
) -> None:
    """Hosted statuses publish (a version without units counts Min 1); the others publish nothing."""
    clock = VirtualClock(start=T0)
    fake = FakeCustomLabels(clock=clock)
    version = fake.add_version(fake.add_project("shelf"), "v1", status=status)
    clock.advance(3 * MINUTE)
    assert rows(fake.published_units(version)) == ([] if published is None else [published] * 3)


def test_set_status_cuts_short_the_change_under_way() -> None:
    """set_status during a start: the RUNNING that was to come is never published."""
    clock = VirtualClock(start=T0)
    fake = FakeCustomLabels(clock=clock, start_seconds=5 * MINUTE)
    version = fake.add_version(fake.add_project("shelf"), "v1")
    fake.call("StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 1})
    clock.advance(2 * MINUTE)
    fake.set_status(version, S.STOPPED)
    clock.advance(10 * MINUTE)
    assert len(fake.published_units(version)) == 2


def test_a_run_cut_short_publishes_nothing_after_it() -> None:
    """A run ended by set_status publishes nothing later; the next run publishes from its own start."""
    fake, clock, version = fake_running(min_inference_units=2)
    clock.advance(10 * MINUTE)
    fake.set_status(version, S.STOPPED)
    clock.advance(10 * MINUTE)
    fake.set_status(version, S.RUNNING)
    clock.advance(3 * MINUTE)
    later = fake.published_units(version, start=T0 + 15 * MINUTE)
    assert [minute_of(m.timestamp) for m in later] == [20.0, 21.0, 22.0]
    assert len(fake.published_units(version)) == 13


@pytest.mark.parametrize("units", [-0.5, math.inf, math.nan])
def test_set_demand_refuses_impossible_demand(units: float) -> None:
    """Demand is a finite number of units, at least 0."""
    fake, _, version = fake_running(min_inference_units=1)
    with pytest.raises(ValueError, match="demand"):
        fake.set_demand(version, units)


def test_unknown_names_publish_nothing() -> None:
    """By name, a version the fake does not have published nothing, as CloudWatch has no such metric."""
    fake, _, _ = fake_running(min_inference_units=1)
    assert fake.published_by_name("shelf", "nope", start=0.0, end=math.inf) == []


# -- the rule, checked against a second-by-second oracle -----------------------------------


def oracle(
    demand: list[tuple[int, float]], *, low: int, high: int, up: int, down: int, minutes: int
) -> list[int]:
    """In-service units at each minute, sampling desired every second of each window.

    ``demand`` is (second after the run began, units), sorted; the run begins at T0.
    """

    def desired(second: int) -> int:
        if second < 0:
            return low
        units = next((u for s, u in reversed(demand) if s <= second), 0.0)
        return min(max(math.ceil(units), low), high)

    in_service, out = low, []
    for minute in range(minutes):
        now = minute * 60
        rise = min(desired(s) for s in range(now - up, now + 1))
        fall = max(desired(s) for s in range(now - down, now + 1))
        in_service = min(max(in_service, rise), fall)
        out.append(in_service)
    return out


@given(
    changes=st.lists(
        st.tuples(st.integers(0, 40 * 60), st.floats(0.0, 8.0, allow_nan=False)),
        max_size=6,
        unique_by=lambda c: c[0],
    ),
    up=st.integers(0, 6).map(lambda m: m * 60 + 30),
    down=st.integers(0, 12).map(lambda m: m * 60 + 15),
)
def test_in_service_units_match_a_brute_force_oracle(
    changes: list[tuple[int, float]], up: int, down: int
) -> None:
    """For any demand curve and delays, in-service units equal a second-by-second evaluation of the rule."""
    clock = VirtualClock(start=T0)
    fake = FakeCustomLabels(clock=clock, scale_up_seconds=up, scale_down_seconds=down)
    version = fake.add_version(
        fake.add_project("shelf"), "v1", status=S.RUNNING, min_inference_units=1, max_inference_units=6
    )
    changes = sorted(changes)
    now = 0
    for second, units in changes:
        clock.advance(second - now)
        now = second
        fake.set_demand(version, units)
    clock.advance(45 * 60 - now)
    published = [m.in_service for m in fake.published_units(version)]
    assert published == oracle(changes, low=1, high=6, up=up, down=down, minutes=45)


def test_concurrent_demand_and_reads_stay_consistent() -> None:
    """Threads setting demand while others read minutes: no error, and every minute is published once."""
    fake, clock, version = fake_running(min_inference_units=1, max_inference_units=8)
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as exc:
                errors.append(exc)

        return run

    def writer() -> None:
        for step in range(200):
            fake.set_demand(version, step % 8)
            clock.advance(7.0)

    def reader() -> None:
        for _ in range(50):
            minutes = [m.timestamp for m in fake.published_units(version)]
            assert minutes == sorted(set(minutes))

    threads = [threading.Thread(target=guarded(work)) for work in (writer, reader, reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
