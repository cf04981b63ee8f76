"""DetectCustomLabels through real clients: aiobotocore on both faces, boto3 and the AWS CLI on the emulator."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels._cli import build_parser
from aiocustomlabels._cli._emulator import emulated
from aiocustomlabels._rules import IMAGE_BYTES
from aiocustomlabels.testing import Emulator, FakeCustomLabels, ThreadedEmulator, VirtualClock
from aiocustomlabels.types import BoundingBox, CustomLabel, Geometry, Point
from tests._fake_support import (
    CREDENTIALS,
    NO_RETRIES,
    REGION,
    cli_environment,
    in_process_client,
    loopback_client,
)

S = ProjectVersionStatus
DETECT = "DetectCustomLabels"
JPEG = b"\xff\xd8\xff\xe0" + b"shelf photo" * 40
#: The largest image the service takes: 5 MiB, about 7 MiB of JSON once in base64.
LARGEST = b"\xff\xd8\xff" + bytes(IMAGE_BYTES.stop - 4)


@pytest.fixture
def fake() -> FakeCustomLabels[VirtualClock]:
    """A fake with one RUNNING version, 4 units, and an image in S3."""
    fake = FakeCustomLabels(clock=VirtualClock())
    fake.add_version(fake.add_project("shelf"), "v1", status=S.RUNNING, min_inference_units=4)
    fake.put_object("photos", "shelf.jpg", JPEG)
    return fake


def version_of(fake: FakeCustomLabels) -> str:
    """The fake's one version."""
    (project,) = fake.call("DescribeProjects", {})["ProjectDescriptions"]
    (version,) = fake.call("DescribeProjectVersions", {"ProjectArn": project["ProjectArn"]})[
        "ProjectVersionDescriptions"
    ]
    return str(version["ProjectVersionArn"])


async def aio_detect(client: Any, arn: str, image: dict[str, Any]) -> list[dict[str, Any]]:
    """DetectCustomLabels through an aiobotocore client at MinConfidence 0."""
    response = await client.detect_custom_labels(ProjectVersionArn=arn, Image=image, MinConfidence=0)
    return list(response["CustomLabels"])


# aiohttp warns of any body over 1 MiB that aiobotocore hands it as bytes: the
# client's concern (Python hides ResourceWarning by default), not the fake's.
@pytest.mark.filterwarnings("ignore:Sending a large body directly:ResourceWarning")
@pytest.mark.parametrize("face", ["in-process", "emulator"])
def test_a_five_mib_image_reaches_the_fake(fake: FakeCustomLabels, face: str) -> None:
    """An image of 5 MiB (7 MiB of base64) sent by aiobotocore is read whole, on either face."""
    arn = version_of(fake)

    async def main() -> list[dict[str, Any]]:
        if face == "in-process":
            async with in_process_client(fake, NO_RETRIES) as client:
                return await aio_detect(client, arn, {"Bytes": LARGEST})
        async with Emulator(fake) as emulator, loopback_client(emulator.endpoint_url, NO_RETRIES) as client:
            return await aio_detect(client, arn, {"Bytes": LARGEST})

    assert asyncio.run(main())
    (request,) = fake.requests_for(DETECT)
    assert request.params["Image"]["Bytes"] == LARGEST


def test_a_throttled_request_is_an_error_for_aiobotocore(fake: FakeCustomLabels) -> None:
    """Past the capacity, aiobotocore gets ProvisionedThroughputExceededException with HTTP 400."""
    arn = version_of(fake)
    fake.tps_per_unit = 0.25  # 4 units: one request a second

    async def main() -> dict[str, Any]:
        async with in_process_client(fake, NO_RETRIES) as client:
            await aio_detect(client, arn, {"Bytes": JPEG})
            with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as caught:
                await aio_detect(client, arn, {"Bytes": JPEG})
        return dict(caught.value.response)

    response = asyncio.run(main())
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.fixture
def emulator(fake: FakeCustomLabels) -> Iterator[ThreadedEmulator]:
    """The fake on a free loopback port."""
    with ThreadedEmulator(fake) as emulator:
        yield emulator


def test_boto3_and_the_aws_cli_read_the_same_labels(
    fake: FakeCustomLabels, emulator: ThreadedEmulator, tmp_path: Path
) -> None:
    """boto3 (bytes and S3Object) and ``aws rekognition detect-custom-labels`` (S3Object) read the same labels."""
    arn = version_of(fake)
    fake.set_labels(
        arn,
        [
            CustomLabel(name="can", confidence=91.25),
            CustomLabel(
                name="jar",
                confidence=64.5,
                geometry=Geometry(
                    bounding_box=BoundingBox(width=0.25, height=0.5, left=0.5, top=0.25),
                    polygon=(Point(x=0.5, y=0.25), Point(x=0.75, y=0.25), Point(x=0.75, y=0.75)),
                ),
            ),
        ],
    )
    s3 = {"S3Object": {"Bucket": "photos", "Name": "shelf.jpg"}}
    client = boto3.client(
        "rekognition", region_name=REGION, endpoint_url=emulator.endpoint_url, **CREDENTIALS
    )
    try:
        by_bytes = client.detect_custom_labels(ProjectVersionArn=arn, Image={"Bytes": JPEG})["CustomLabels"]
        by_s3 = client.detect_custom_labels(ProjectVersionArn=arn, Image=s3)["CustomLabels"]
    finally:
        client.close()
    command = [sys.executable, "-m", "awscli", "rekognition", "detect-custom-labels"]
    command += ["--project-version-arn", arn, "--image", json.dumps(s3)]
    command += ["--endpoint-url", emulator.endpoint_url, "--output", "json"]
    result = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        env=cli_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["CustomLabels"] == by_s3 == by_bytes
    assert [label["Name"] for label in by_bytes] == ["can", "jar"]
    assert fake.requests_for(DETECT)[-1].params["Image"] == s3


@pytest.mark.parametrize(("given", "expected"), [([], 5.0), (["--tps-per-unit", "7.5"], 7.5)])
def test_the_emulator_command_sets_tps_per_unit(given: list[str], expected: float) -> None:
    """``aiocustomlabels emulator --tps-per-unit N`` serves a fake of N TPS per unit; 5 by default."""
    parser, _ = build_parser()
    for seed in ("demo", "day", "none"):
        assert emulated(parser.parse_args(["emulator", "--seed", seed, *given])).fake.tps_per_unit == expected


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "many"])
def test_the_emulator_command_refuses_a_tps_that_is_not_positive(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--tps-per-unit must be a finite number above 0: anything else is a usage error."""
    parser, _ = build_parser()
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["emulator", "--tps-per-unit", value])
    assert caught.value.code == 2
    assert "--tps-per-unit" in capsys.readouterr().err
