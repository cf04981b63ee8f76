"""calibrate(): what it refuses before any load, on the in-process fake."""

from __future__ import annotations

from typing import Any

import pytest

from aiocustomlabels import (
    ConfigurationError,
    InvalidRequestError,
    ProjectVersionStatus,
    VersionNotRunningError,
    calibrate,
)
from aiocustomlabels.testing import FakeCustomLabels
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


def test_a_version_arn_is_needed() -> None:
    """A project ARN is not a version ARN: refused, nothing sent."""
    fake, arn = scene()
    project = arn.split("/version/")[0]

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as client:
            with pytest.raises(InvalidRequestError, match="project_version_arn"):
                await calibrate(client, project, [JPEG])

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
