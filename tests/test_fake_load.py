"""The fake's load drives its auto-scaling: DetectCustomLabels requests a minute, per TPS, are the demand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, FakeServiceError, VirtualClock

S = ProjectVersionStatus
MINUTE = 60
#: The start of a whole minute: the scaler looks at T0 + 60 k.
T0 = 1_700_000_040.0
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg body" * 20


def scaling_fake(**kwargs: Any) -> tuple[FakeCustomLabels[VirtualClock], str]:
    """A version RUNNING from T0 with min 1 and max 4 units, at 5 TPS per unit."""
    fake = FakeCustomLabels(clock=VirtualClock(start=T0), **kwargs)
    arn = fake.add_version(
        fake.add_project("shelf"), "v1", status=S.RUNNING, min_inference_units=1, max_inference_units=4
    )
    return fake, arn


def load(
    fake: FakeCustomLabels[VirtualClock], arn: str, seconds: int, per_second: tuple[int, ...]
) -> list[int]:
    """For ``seconds`` fake seconds, send ``per_second[s % len]`` requests each second; served per second."""
    served = []
    for second in range(seconds):
        codes = [answer(fake, arn) for _ in range(per_second[second % len(per_second)])]
        assert set(codes) <= {None, "ProvisionedThroughputExceededException"}
        served.append(codes.count(None))
        fake.clock.advance(1)
    return served


def answer(fake: FakeCustomLabels, arn: str) -> str | None:
    """One request now: ``None`` when served, else the error's code."""
    try:
        fake.call("DetectCustomLabels", {"ProjectVersionArn": arn, "Image": {"Bytes": JPEG}})
    except FakeServiceError as exc:
        return exc.code
    return None


def units(fake: FakeCustomLabels, arn: str) -> list[tuple[int | None, int | None]]:
    """(in service, desired), minute by minute, as published."""
    return [(m.in_service, m.desired) for m in fake.published_units(arn)]


def test_load_of_two_and_a_half_units_scales_to_three_and_back_to_one() -> None:
    """12.5 TPS at 5 TPS a unit (min 1, max 4): desired 3, then 3 in service; with no load, back to 1."""
    fake, arn = scaling_fake()
    served = load(fake, arn, 10 * MINUTE, (12, 13))
    published = units(fake, arn)
    # From the first full minute of load on, 750 requests a minute: 2.5 units, desired 3.
    assert {desired for _, desired in published[1:]} == {3}
    # Units follow after scale_up_seconds (300) of desired 3: at minute 6.
    assert [in_service for in_service, _ in published] == [1] * 6 + [3] * 4
    # One unit (5 TPS) throttles most; three (15 TPS) serve it all.
    assert served[MINUTE : 2 * MINUTE] == [5] * MINUTE
    assert served[-MINUTE:] == [12, 13] * (MINUTE // 2)
    quiet = fake.scale_down_seconds + 2 * MINUTE
    fake.clock.advance(quiet)
    after = units(fake, arn)[10:]
    # The load has left the window a minute after the last request; units follow 900 s later.
    assert after[:2] == [(3, 3), (3, 1)]
    assert after[-1] == (1, 1)
    assert max(index for index, (in_service, _) in enumerate(after) if in_service == 3) == 15


def test_every_request_counts_throttled_or_not() -> None:
    """750 requests in a minute of which most are throttled still make 2.5 units of demand."""
    fake, arn = scaling_fake()
    served = load(fake, arn, MINUTE + 1, (12, 13))
    assert sum(served) < 750 / 2
    assert units(fake, arn)[-1] == (1, 3)


def test_refused_requests_do_not_count() -> None:
    """Requests refused before the capacity check (a bad image here) make no demand."""
    fake, arn = scaling_fake()
    for _ in range(3 * MINUTE):
        for _ in range(20):
            with pytest.raises(FakeServiceError, match="InvalidImageFormat"):
                fake.call("DetectCustomLabels", {"ProjectVersionArn": arn, "Image": {"Bytes": b"GIF89a"}})
        fake.clock.advance(1)
    assert set(units(fake, arn)) == {(1, 1)}


@pytest.mark.parametrize(("tps", "desired"), [(5.0, 3), (2.5, 4), (12.5, 1), (6.25, 2)])
def test_demand_is_the_load_over_tps_per_unit(tps: float, desired: int) -> None:
    """The same 12.5 TPS makes ceil(12.5 / tps_per_unit) desired units, within min 1 and max 4."""
    fake, arn = scaling_fake(tps_per_unit=tps)
    load(fake, arn, 2 * MINUTE, (12, 13))
    assert units(fake, arn)[-1][1] == desired


def test_set_demand_overrides_the_load_until_handed_back() -> None:
    """A demand set wins over the load; set_demand(arn, None) hands the demand back to the load."""
    fake, arn = scaling_fake()
    fake.set_demand(arn, 0.5)
    load(fake, arn, 2 * MINUTE, (12, 13))
    assert units(fake, arn)[-1] == (1, 1)
    fake.set_demand(arn, None)
    load(fake, arn, MINUTE, (12, 13))
    assert units(fake, arn)[-1] == (1, 3)


def test_load_on_one_version_leaves_another_alone() -> None:
    """Each version's demand is its own load."""
    fake, arn = scaling_fake()
    other = fake.add_version(
        fake.add_project("other"), "v1", status=S.RUNNING, min_inference_units=1, max_inference_units=4
    )
    load(fake, arn, 2 * MINUTE, (12, 13))
    assert units(fake, arn)[-1] == (1, 3)
    assert set(units(fake, other)) == {(1, 1)}


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda fake, arn: fake.set_demand(arn, 1.0), id="set_demand"),
        pytest.param(lambda fake, arn: fake.published_units(arn), id="published_units"),
        pytest.param(lambda fake, arn: fake.set_status(arn, S.RUNNING), id="set_status"),
        pytest.param(lambda fake, arn: fake.describe(arn), id="describe"),
        pytest.param(lambda fake, arn: fake.set_labels(arn, []), id="set_labels"),
    ],
)
def test_the_fakes_methods_refuse_an_unknown_version(call: Callable[[FakeCustomLabels, str], object]) -> None:
    """Setting or reading a version the fake does not have: KeyError."""
    fake, arn = scaling_fake()
    with pytest.raises(KeyError, match="no version"):
        call(fake, arn.replace("/v1/", "/v9/"))
