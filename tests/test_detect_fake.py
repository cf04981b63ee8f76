"""detect_custom_labels end to end: the client against the fake's own DetectCustomLabels.

No scripted answers here (tests/test_detect.py has those, for the client
alone): the fake checks the request, reads the image, finds its labels and
keeps its capacity, and the client sends, structures and maps what it answers.
The fake's clock is a ``VirtualClock`` that no test here advances, so a
1-unit version at 5 TPS serves a burst of 5 requests and no more.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiobotocore.config import AioConfig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiocustomlabels import (
    CustomLabelsError,
    InvalidImageFormatError,
    InvalidS3ObjectError,
    ProjectVersionArn,
    ProjectVersionStatus,
    ResourceNotFoundError,
    ResourceNotReadyError,
    S3Object,
    ThrottlingError,
)
from aiocustomlabels._rules import IMAGE_BYTES
from aiocustomlabels.testing import Emulator, FakeCustomLabels, VirtualClock
from aiocustomlabels.testing._inference import derived_labels
from aiocustomlabels.types import CustomLabel
from tests._fake_support import LABELS, unknown_version
from tests._harness import NO_RETRIES, client_for, loopback_client, run

S = ProjectVersionStatus
DETECT = "DetectCustomLabels"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"shelf photo" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"shelf photo" * 20
#: The largest image the service model takes (5 MiB), a JPEG by its first bytes.
LARGEST = b"\xff\xd8\xff" + bytes(IMAGE_BYTES[-1] - 3)


def with_geometry(start: bytes) -> bytes:
    """The first image ``start + n`` whose derived labels include one with a Geometry: both shapes come back."""
    images = (start + bytes([n]) for n in range(256))
    return next(
        image for image in images if any(label.geometry is not None for label in derived_labels(image))
    )


#: Images whose derived labels hold both shapes of label, by format.
IMAGES = {"jpeg": with_geometry(JPEG), "png": with_geometry(PNG)}

BOX, CAN, JAR = LABELS


def scene(
    status: ProjectVersionStatus = S.RUNNING, **kwargs: Any
) -> tuple[FakeCustomLabels[VirtualClock], ProjectVersionArn]:
    """A fake on a still virtual clock with one version, 1 unit, in ``status``; kwargs go to ``add_version``."""
    fake = FakeCustomLabels(clock=VirtualClock(start=1_700_000_040.0))
    kwargs.setdefault("min_inference_units", 1)
    return fake, fake.add_version(fake.add_project("shelf"), "v1", status=status, **kwargs)


def detect(fake: FakeCustomLabels, *args: Any, config: AioConfig | None = None, **kwargs: Any) -> Any:
    """One detect_custom_labels call through the client, routed in-process into ``fake``; its labels."""

    async def main() -> Any:
        async with client_for(fake, config=config) as client:
            return await client.detect_custom_labels(*args, **kwargs)

    return run(main)


def sent(fake: FakeCustomLabels) -> list[dict[str, Any]]:
    """The members of each DetectCustomLabels request the fake received, but the ARN and the image."""
    return [
        {k: v for k, v in r.params.items() if k not in {"ProjectVersionArn", "Image"}}
        for r in fake.requests_for(DETECT)
    ]


def by_confidence(labels: tuple[CustomLabel, ...]) -> tuple[CustomLabel, ...]:
    """``labels``, the most confident first."""
    return tuple(sorted(labels, key=lambda label: -(label.confidence or 0.0)))


# -- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_derived_labels_come_back_as_models(kind: str) -> None:
    """JPEG or PNG bytes: the labels the fake derives from them, as CustomLabel models with their Geometry."""
    fake, arn = scene()
    image = IMAGES[kind]
    assert detect(fake, arn, image, min_confidence=0) == by_confidence(derived_labels(image))
    (request,) = fake.requests_for(DETECT)
    assert request.params["Image"] == {"Bytes": image}


def test_labels_set_come_back_as_models() -> None:
    """Labels set on the fake come back equal, BoundingBox and Polygon of Points included, most confident first."""
    fake, arn = scene()
    fake.set_labels(arn, LABELS)
    assert detect(fake, arn, JPEG, min_confidence=0) == (CAN, JAR, BOX)


@pytest.mark.parametrize(
    ("options", "members", "expected"),
    [
        ({}, {}, (CAN, JAR)),
        ({"min_confidence": 0}, {"MinConfidence": 0.0}, (CAN, JAR, BOX)),
        ({"min_confidence": 70}, {"MinConfidence": 70.0}, (CAN, JAR)),
        ({"min_confidence": 70.5}, {"MinConfidence": 70.5}, (CAN,)),
        ({"min_confidence": 100}, {"MinConfidence": 100.0}, ()),
        ({"max_results": 1}, {"MaxResults": 1}, (CAN,)),
        ({"max_results": 0}, {"MaxResults": 0}, ()),
        ({"min_confidence": 0, "max_results": 2}, {"MinConfidence": 0.0, "MaxResults": 2}, (CAN, JAR)),
    ],
)
def test_options_reach_the_fake_and_pick_the_labels(
    options: dict[str, Any], members: dict[str, Any], expected: tuple[CustomLabel, ...]
) -> None:
    """min_confidence and max_results are sent as MinConfidence and MaxResults, and the fake filters and truncates by them."""
    fake, arn = scene()
    fake.set_labels(arn, LABELS)
    assert detect(fake, arn, JPEG, **options) == expected
    assert sent(fake) == [members]


# Few examples: each builds a client (about 0.3 s), and each sends up to 5 requests.
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    asks=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=100, allow_nan=False),
            st.none() | st.integers(min_value=0, max_value=4),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_options_keep_the_labels_at_or_above_the_confidence(asks: list[tuple[float, int | None]]) -> None:
    """Any MinConfidence and MaxResults: the labels at or above it, most confident first, at most MaxResults."""
    fake, arn = scene(min_inference_units=2)  # a burst of 10: every request is served
    fake.set_labels(arn, LABELS)

    async def main() -> list[tuple[CustomLabel, ...]]:
        async with client_for(fake) as client:
            return [
                await client.detect_custom_labels(arn, JPEG, min_confidence=floor, max_results=most)
                for floor, most in asks
            ]

    expected = [
        by_confidence(tuple(label for label in LABELS if (label.confidence or 0.0) >= floor))[:most]
        for floor, most in asks
    ]
    assert run(main) == expected
    assert [r.params["MinConfidence"] for r in fake.requests_for(DETECT)] == [floor for floor, _ in asks]


# -- S3 objects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "expected", "member"),
    [(None, (CAN,), {}), ("1", (JAR,), {"Version": "1"})],
    ids=["latest", "version-1"],
)
def test_an_s3_object_is_read_from_the_fakes_bucket(
    version: str | None, expected: tuple[CustomLabel, ...], member: dict[str, str]
) -> None:
    """An S3Object put on the fake is read by the fake: its latest, or the version it names."""
    fake, arn = scene()
    fake.put_object("photos", "shelf.jpg", JPEG, version="1")
    fake.put_object("photos", "shelf.jpg", PNG, version="2")
    fake.set_labels(arn, [JAR], image=JPEG)
    fake.set_labels(arn, [CAN], image=PNG)
    assert detect(fake, arn, S3Object(bucket="photos", name="shelf.jpg", version=version)) == expected
    (request,) = fake.requests_for(DETECT)
    assert request.params["Image"] == {"S3Object": {"Bucket": "photos", "Name": "shelf.jpg", **member}}


@pytest.mark.parametrize(
    "image",
    [S3Object(bucket="photos", name="missing.jpg"), S3Object(bucket="photos", name="shelf.jpg", version="9")],
    ids=["no-such-name", "no-such-version"],
)
def test_a_missing_s3_object_is_invalid(image: S3Object) -> None:
    """An S3Object the fake does not hold raises InvalidS3ObjectError."""
    fake, arn = scene()
    fake.put_object("photos", "shelf.jpg", JPEG, version="1")
    with pytest.raises(InvalidS3ObjectError):
        detect(fake, arn, image, config=NO_RETRIES)
    assert len(fake.requests_for(DETECT)) == 1


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [b"GIF89a" + bytes(64), b"a text file, not a photo\n", S3Object(bucket="photos", name="notes.txt")],
    ids=["gif", "text", "s3-text"],
)
def test_a_non_image_is_an_invalid_format(image: bytes | S3Object) -> None:
    """Neither JPEG nor PNG, as bytes or in S3, raises InvalidImageFormatError: the fake judges, not the client."""
    fake, arn = scene()
    fake.put_object("photos", "notes.txt", b"shopping list\n")
    with pytest.raises(InvalidImageFormatError):
        detect(fake, arn, image, config=NO_RETRIES)
    assert len(fake.requests_for(DETECT)) == 1


@pytest.mark.parametrize("status", [s for s in S if s is not S.RUNNING], ids=str)
def test_a_version_not_running_is_not_ready(status: ProjectVersionStatus) -> None:
    """A version in any status but RUNNING (STARTING and STOPPING too) raises ResourceNotReadyError."""
    fake, arn = scene(status)
    with pytest.raises(ResourceNotReadyError) as caught:
        detect(fake, arn, JPEG, config=NO_RETRIES)
    assert (caught.value.code, caught.value.operation) == ("ResourceNotReadyException", DETECT)


def test_an_unknown_version_is_not_found() -> None:
    """A well-formed ARN of no version raises ResourceNotFoundError."""
    fake, _ = scene()
    with pytest.raises(ResourceNotFoundError):
        detect(fake, unknown_version(fake), JPEG, config=NO_RETRIES)
    (request,) = fake.requests_for(DETECT)
    assert request.params["ProjectVersionArn"] == unknown_version(fake)


def test_the_sixth_request_of_an_instant_is_throttled() -> None:
    """1 unit at 5 TPS, one attempt per call, no time passing: 5 answers, then ThrottlingError."""
    fake, arn = scene(tps_per_unit=5.0)
    fake.set_labels(arn, [JAR])
    answers: list[tuple[CustomLabel, ...] | CustomLabelsError] = []

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as client:
            for _ in range(6):
                try:
                    answers.append(await client.detect_custom_labels(arn, JPEG))
                except CustomLabelsError as error:
                    answers.append(error)

    run(main)
    assert answers[:5] == [(JAR,)] * 5
    assert isinstance(answers[5], ThrottlingError)
    assert len(fake.requests_for(DETECT)) == 6


# -- over the emulator --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_emulator_answers_the_same_labels() -> None:
    """Over loopback HTTP, bytes and an S3Object get the same labels as in-process."""
    fake, arn = scene(min_inference_units=2)
    fake.put_object("photos", "shelf.jpg", IMAGES["jpeg"])
    async with Emulator(fake) as emulator, loopback_client(emulator.endpoint_url) as client:
        by_bytes = await client.detect_custom_labels(arn, IMAGES["jpeg"], min_confidence=0)
        by_s3 = await client.detect_custom_labels(
            arn, S3Object(bucket="photos", name="shelf.jpg"), min_confidence=0
        )
    assert by_bytes == by_s3 == by_confidence(derived_labels(IMAGES["jpeg"]))
    assert [r.params["Image"] for r in fake.requests_for(DETECT)] == [
        {"Bytes": IMAGES["jpeg"]},
        {"S3Object": {"Bucket": "photos", "Name": "shelf.jpg"}},
    ]


@pytest.mark.asyncio
async def test_the_emulator_maps_a_not_ready_version() -> None:
    """Over loopback HTTP, a STOPPED version raises ResourceNotReadyError after one request."""
    fake, arn = scene(S.STOPPED)
    async with (
        Emulator(fake) as emulator,
        loopback_client(emulator.endpoint_url, config=NO_RETRIES) as client,
    ):
        with pytest.raises(ResourceNotReadyError):
            await client.detect_custom_labels(arn, JPEG)
    assert len(fake.requests_for(DETECT)) == 1


# Over real HTTP, aiohttp would warn of a body over 1 MiB handed to it as bytes (an error in
# this suite): the client hands it a stream instead.
@pytest.mark.asyncio
async def test_the_largest_image_crosses_the_emulator_whole() -> None:
    """A 5 MiB image sent by the client over loopback HTTP (about 7 MiB of base64) is read byte for byte."""
    fake, arn = scene()
    fake.set_labels(arn, [CAN], image=LARGEST)
    async with (
        Emulator(fake) as emulator,
        loopback_client(emulator.endpoint_url, config=NO_RETRIES) as client,
    ):
        assert await client.detect_custom_labels(arn, LARGEST) == (CAN,)
    (request,) = fake.requests_for(DETECT)
    assert request.params["Image"]["Bytes"] == LARGEST
