"""calibrate(): what it refuses before any load, and what it finds, on the in-process fake on virtual time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aiocustomlabels import (
    ConfigurationError,
    InvalidRequestError,
    ProjectVersionStatus,
    ResourceNotReadyError,
    VersionNotRunningError,
    calibrate,
)
from aiocustomlabels.testing import FakeCustomLabels
from aiocustomlabels.types import Calibration
from tests._harness import NO_RETRIES, client_for, run, virtual_fake

S = ProjectVersionStatus
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def scene(status: ProjectVersionStatus = S.RUNNING) -> tuple[FakeCustomLabels, str]:
    """A fake with one version, v1, in ``status``; (fake, version ARN)."""
    fake = virtual_fake()
    project = fake.add_project("shelf")
    return fake, fake.add_version(project, "v1", status=status, min_inference_units=1)


@pytest.mark.parametrize(
    ("images", "options", "words"),
    [
        ([], {}, "at least one image"),
        (JPEG, {}, "sequence of images"),
        ([JPEG, b""], {}, r"images\[1\]"),
        ([JPEG, b"x" * (5 * 1024 * 1024 + 1)], {}, "5,242,881 bytes"),
        ([JPEG], {"duration": 0}, "duration"),
        ([JPEG], {"duration": float("inf")}, "duration"),
        ([JPEG], {"step_seconds": -1}, "step_seconds"),
        ([JPEG], {"initial_tps": 0}, "initial_tps"),
        ([JPEG], {"max_in_flight": 0}, "max_in_flight"),
        ([JPEG], {"max_in_flight": True}, "max_in_flight"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    images: Any, options: dict[str, Any], words: str
) -> None:
    """Each bad argument raises InvalidRequestError naming it; nothing is sent."""
    fake, arn = scene()

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as client:
            with pytest.raises(InvalidRequestError, match=words):
                await calibrate(client, arn, images, **options)

    run(main)
    assert fake.requests == ()


def test_a_client_that_retries_is_refused_with_the_fix() -> None:
    """The default client retries throttles: refused before any request, naming the config that fixes it."""
    fake, arn = scene()

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(ConfigurationError, match='"total_max_attempts": 1'):
                await calibrate(client, arn, [JPEG])

    run(main)
    assert fake.requests == ()


@pytest.mark.parametrize("status", [S.STOPPED, S.STARTING, S.TRAINING_COMPLETED, S.STOPPING, S.FAILED])
def test_a_version_not_running_is_refused_without_load(status: ProjectVersionStatus) -> None:
    """A version that is not RUNNING: VersionNotRunningError with its description; no DetectCustomLabels."""
    fake, arn = scene(status)

    async def main() -> VersionNotRunningError:
        async with client_for(fake, config=NO_RETRIES) as client:
            with pytest.raises(VersionNotRunningError) as caught:
                await calibrate(client, arn, [JPEG])
            return caught.value

    error = run(main)
    assert error.status is status
    assert "start it first" in str(error)
    assert fake.requests_for("DetectCustomLabels") == ()


# -- against the fake, on virtual time ----------------------------------------------------------------


def running_scene(
    *, tps: float = 5.0, units: int = 1, high: int | None = None, **options: Any
) -> tuple[FakeCustomLabels, str]:
    """A fake whose units serve ``tps`` each, with v1 started with ``units`` (to ``high``); (fake, ARN)."""
    fake = virtual_fake(tps_per_unit=tps, start_seconds=10.0, **options)
    project = fake.add_project("shelf")
    arn = fake.add_version(project, "v1", status=S.STOPPED)
    start = {"ProjectVersionArn": arn, "MinInferenceUnits": units}
    fake.call("StartProjectVersion", start if high is None else {**start, "MaxInferenceUnits": high})
    return fake, arn


def calibrated(fake: FakeCustomLabels, arn: str, *, after: float = 30.0, **options: Any) -> Calibration:
    """Calibrate ``arn`` ``after`` seconds of virtual time, with a client of one attempt a request.

    20 s of load by default: each request costs real time in-process, and a few hundred are enough.
    """
    options.setdefault("duration", 20.0)

    async def main() -> Calibration:
        await asyncio.sleep(after)
        async with client_for(fake, config=NO_RETRIES) as client:
            return await calibrate(client, arn, [JPEG, JPEG + b"more"], **options)

    return run(main)


@pytest.mark.parametrize(("tps", "units"), [(5.0, 1), (2.5, 3)])
def test_the_fakes_capacity_is_found(tps: float, units: int) -> None:
    """The figure per unit is the fake's, within 3 %, whatever the units; throttling was reached."""
    fake, arn = running_scene(tps=tps, units=units)
    calibration = calibrated(fake, arn)
    assert calibration.saturated
    assert calibration.units == units
    assert calibration.tps_per_unit == pytest.approx(tps, rel=0.03)
    assert calibration.served_tps == pytest.approx(tps * units, rel=0.03)


def test_every_request_is_sent_once_with_the_images_in_turn() -> None:
    """The fake received exactly the requests the steps count: no retry; the images alternate."""
    fake, arn = running_scene()
    calibration = calibrated(fake, arn)
    sent = fake.requests_for("DetectCustomLabels")
    assert len(sent) == calibration.sent
    assert sum(s.throttled for s in calibration.steps) == calibration.throttled > 0
    assert {r.params["ProjectVersionArn"] for r in sent} == {arn}
    assert [r.params["Image"]["Bytes"] for r in sent[:2]] == [JPEG, JPEG + b"more"]
    assert calibration.image_sizes == (len(JPEG), len(JPEG) + 4)


def test_units_come_from_cloudwatch_once_published() -> None:
    """A version running for minutes: its units are CloudWatch's InServiceInferenceUnits."""
    fake, arn = running_scene(tps=2.0, units=2)
    calibration = calibrated(fake, arn, after=300.0)
    assert calibration.units_source == "InServiceInferenceUnits"
    assert calibration.units == 2
    assert fake.requests_for("GetMetricData")


def test_units_come_from_the_description_before_any_metric() -> None:
    """A version started seconds ago has published nothing: its MinInferenceUnits are taken."""
    fake, arn = running_scene(tps=2.0, units=2)
    calibration = calibrated(fake, arn, after=15.0)
    assert calibration.units_source == "MinInferenceUnits"
    assert calibration.units == 2


def test_units_that_change_during_the_load_are_reported() -> None:
    """An auto-scaling version that scales up mid-load: units_changed, with the units before and after."""
    fake, arn = running_scene(tps=1.0, units=1, high=3, scale_up_seconds=30.0)
    calibration = calibrated(fake, arn, after=300.0, duration=200.0, step_seconds=20.0)
    assert calibration.units == 1
    assert calibration.units_at_end > 1
    assert calibration.units_changed


def test_a_capacity_never_reached_is_a_lower_bound() -> None:
    """A version that serves more than the load offers: not saturated; the best step's rate."""
    fake, arn = running_scene(tps=1000.0)
    calibration = calibrated(fake, arn, duration=10.0, step_seconds=2.0)
    assert not calibration.saturated
    assert calibration.throttled == 0
    assert calibration.measured_seconds == 0
    assert calibration.served_tps == max(s.served_tps for s in calibration.steps)


def test_a_version_stopped_mid_load_ends_it_with_the_services_error() -> None:
    """The version is stopped during the load: ResourceNotReadyError, and no request after it."""
    fake, arn = running_scene()

    async def main() -> None:
        await asyncio.sleep(30.0)
        async with client_for(fake, config=NO_RETRIES) as client:
            task = asyncio.create_task(calibrate(client, arn, [JPEG], duration=20.0))
            await asyncio.sleep(10.0)
            fake.call("StopProjectVersion", {"ProjectVersionArn": arn})
            with pytest.raises(ResourceNotReadyError):
                await task

    run(main)
