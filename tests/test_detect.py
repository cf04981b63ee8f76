"""detect_custom_labels: what it sends, what it returns, what it raises, and what it refuses to send.

The fake answers DetectCustomLabels with scripted bodies here (``FaultPlan``'s
``malformed``, a 200 with the body given, and ``error``): these tests are of
the client, whatever the fake's own detection does.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from aiocustomlabels import (
    AccessDeniedError,
    ClientClosedError,
    CustomLabelsClient,
    CustomLabelsError,
    ImageTooLargeError,
    InternalServerError,
    InvalidImageFormatError,
    InvalidParameterError,
    InvalidRequestError,
    InvalidS3ObjectError,
    LimitExceededError,
    MalformedResponseError,
    ProjectVersionArn,
    ProjectVersionStatus,
    ResourceNotFoundError,
    ResourceNotReadyError,
    S3Object,
    ServiceError,
    ThrottlingError,
)
from aiocustomlabels._rules import IMAGE_BYTES
from aiocustomlabels.testing import FakeCustomLabels
from aiocustomlabels.types import BoundingBox, CustomLabel, Geometry, Point
from tests._harness import NO_RETRIES, StubRaw, client_for, project_with, run, virtual_fake
from tests._strategies import service_model

DETECT = "DetectCustomLabels"
#: The start of a JPEG file: the client never looks at the format.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
MAX_IMAGE = IMAGE_BYTES[-1]
VERSION = "arn:aws:rekognition:us-east-1:111122223333:project/proj/version/v1/1700000000001"

#: An object label and an image-level label, as the service sends them.
WIRE_LABELS: list[dict[str, Any]] = [
    {
        "Name": "cat",
        "Confidence": 91.5,
        "Geometry": {
            "BoundingBox": {"Width": 0.5, "Height": 0.25, "Left": 0.125, "Top": 0.0625},
            "Polygon": [{"X": 0.125, "Y": 0.0625}, {"X": 0.625, "Y": 0.3125}],
        },
    },
    {"Name": "indoor", "Confidence": 55.0},
]
LABELS = (
    CustomLabel(
        name="cat",
        confidence=91.5,
        geometry=Geometry(
            bounding_box=BoundingBox(width=0.5, height=0.25, left=0.125, top=0.0625),
            polygon=(Point(x=0.125, y=0.0625), Point(x=0.625, y=0.3125)),
        ),
    ),
    CustomLabel(name="indoor", confidence=55.0),
)


def running_version() -> tuple[FakeCustomLabels, ProjectVersionArn]:
    """A fake with one RUNNING version."""
    fake = virtual_fake()
    _, (arn,) = project_with(fake, 1, status=ProjectVersionStatus.RUNNING)
    return fake, arn


def answer(fake: FakeCustomLabels, labels: list[dict[str, Any]] | None = None, *, times: int = 1) -> None:
    """Script the fake's next DetectCustomLabels answers: a 200 with these labels."""
    body = json.dumps({"CustomLabels": labels if labels is not None else []}).encode()
    fake.faults.malformed(DETECT, times=times, body=body)


def detect(fake: FakeCustomLabels, *args: Any, config: AioConfig | None = None, **kwargs: Any) -> Any:
    """Run one detect_custom_labels call against ``fake``; its result."""

    async def main() -> Any:
        async with client_for(fake, config=config) as client:
            return await client.detect_custom_labels(*args, **kwargs)

    return run(main)


# -- what is sent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image", [JPEG, bytearray(JPEG), memoryview(JPEG)], ids=["bytes", "bytearray", "memoryview"]
)
def test_image_bytes_are_sent_as_given(image: bytes | bytearray | memoryview) -> None:
    """Image.Bytes reaches the fake byte for byte, whatever buffer held it (base64 on the wire, decoded by the fake)."""
    fake, arn = running_version()
    answer(fake)
    detect(fake, arn, image)
    (request,) = fake.requests_for(DETECT)
    assert request.params == {"ProjectVersionArn": arn, "Image": {"Bytes": JPEG}}


def test_the_largest_image_is_handed_to_botocore_whole() -> None:
    """An image of exactly 5 MiB, the model's limit, is not refused: botocore gets it byte for byte."""
    sent: list[dict[str, Any]] = []

    async def record(**params: Any) -> dict[str, Any]:
        sent.append(params)
        return {"CustomLabels": []}

    image = bytes(range(256)) * (MAX_IMAGE // 256)
    client = CustomLabelsClient(StubRaw(record))  # type: ignore[arg-type]

    async def main() -> Any:
        async with client:
            return await client.detect_custom_labels(VERSION, image)

    assert run(main) == ()
    assert sent == [{"ProjectVersionArn": VERSION, "Image": {"Bytes": image}}]


@pytest.mark.parametrize(
    ("image", "sent"),
    [
        (S3Object(bucket="my-bucket", name="cats/1.jpg"), {"Bucket": "my-bucket", "Name": "cats/1.jpg"}),
        (
            S3Object(bucket="my.bucket_1", name="k", version="3HL4kqtJlcpXroDTDmJ"),
            {"Bucket": "my.bucket_1", "Name": "k", "Version": "3HL4kqtJlcpXroDTDmJ"},
        ),
    ],
    ids=["no-version", "version"],
)
def test_s3_objects_are_sent_as_given(image: S3Object, sent: dict[str, str]) -> None:
    """An S3Object is sent as Image.S3Object; Version only when given."""
    fake, arn = running_version()
    answer(fake)
    detect(fake, arn, image)
    (request,) = fake.requests_for(DETECT)
    assert request.params == {"ProjectVersionArn": arn, "Image": {"S3Object": sent}}


@pytest.mark.parametrize(
    ("options", "sent"),
    [
        ({}, {}),
        ({"max_results": None, "min_confidence": None}, {}),
        ({"max_results": 0}, {"MaxResults": 0}),
        ({"max_results": 2**31 - 1}, {"MaxResults": 2**31 - 1}),
        ({"min_confidence": 0}, {"MinConfidence": 0.0}),
        ({"min_confidence": 100}, {"MinConfidence": 100.0}),
        ({"min_confidence": 72.5, "max_results": 3}, {"MinConfidence": 72.5, "MaxResults": 3}),
    ],
)
def test_options_are_sent_only_when_given(options: dict[str, Any], sent: dict[str, Any]) -> None:
    """MaxResults and MinConfidence are sent as given, and not at all when None: the service's defaults stand."""
    fake, arn = running_version()
    answer(fake)
    detect(fake, arn, JPEG, **options)
    (request,) = fake.requests_for(DETECT)
    assert {k: v for k, v in request.params.items() if k not in {"ProjectVersionArn", "Image"}} == sent


# -- what comes back ----------------------------------------------------------------------------


def test_labels_come_back_as_models() -> None:
    """The labels are CustomLabel models in the service's order, geometry and polygon included."""
    fake, arn = running_version()
    answer(fake, WIRE_LABELS)
    assert detect(fake, arn, JPEG) == LABELS


def test_no_labels_is_an_empty_tuple() -> None:
    """An answer with no labels gives an empty tuple."""
    fake, arn = running_version()
    answer(fake, [])
    assert detect(fake, arn, JPEG) == ()


def test_an_answer_without_custom_labels_is_malformed() -> None:
    """A 200 without CustomLabels (a proxy's page, which botocore reads as {}) is no answer, not "no labels"."""
    fake, arn = running_version()
    fake.faults.malformed(DETECT)
    with pytest.raises(MalformedResponseError, match="CustomLabels"):
        detect(fake, arn, JPEG, config=NO_RETRIES)


def test_a_label_of_the_wrong_shape_is_located() -> None:
    """A label member of the wrong type raises MalformedResponseError naming its path."""
    fake, arn = running_version()
    answer(fake, [{"Name": "cat", "Confidence": "high"}])
    with pytest.raises(MalformedResponseError) as caught:
        detect(fake, arn, JPEG, config=NO_RETRIES)
    assert caught.value.path == ("CustomLabels", 0, "Confidence")


# -- errors -------------------------------------------------------------------------------------

ERRORS: dict[str, type[ServiceError]] = {
    "ResourceNotFoundException": ResourceNotFoundError,
    "ResourceNotReadyException": ResourceNotReadyError,
    "InvalidS3ObjectException": InvalidS3ObjectError,
    "InvalidParameterException": InvalidParameterError,
    "ImageTooLargeException": ImageTooLargeError,
    "LimitExceededException": LimitExceededError,
    "AccessDeniedException": AccessDeniedError,
    "InternalServerError": InternalServerError,
    "ThrottlingException": ThrottlingError,
    "ProvisionedThroughputExceededException": ThrottlingError,
    "InvalidImageFormatException": InvalidImageFormatError,
}


def test_every_error_of_the_operation_has_its_class() -> None:
    """The table below covers exactly the errors the service model gives DetectCustomLabels."""
    declared = {shape.name for shape in service_model().operation_model(DETECT).error_shapes}
    assert declared == set(ERRORS)


@pytest.mark.parametrize(("code", "cls"), sorted(ERRORS.items()))
def test_each_code_maps_to_its_exception(code: str, cls: type[ServiceError]) -> None:
    """Each DetectCustomLabels error code raises its own class, with the code, operation and botocore's error."""
    fake, arn = running_version()
    fake.faults.error(code, DETECT, message=f"injected {code}")
    with pytest.raises(cls) as caught:
        detect(fake, arn, JPEG, config=NO_RETRIES)
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, CustomLabelsError)
    assert (error.code, error.message, error.operation) == (code, f"injected {code}", DETECT)
    assert isinstance(error.__cause__, ClientError)


@pytest.mark.parametrize(
    ("config", "attempts"),
    [(None, 5), (NO_RETRIES, 1), (AioConfig(retries={"mode": "standard", "total_max_attempts": 2}), 2)],
    ids=["default", "no-retries", "two-attempts"],
)
def test_throughput_refusals_are_retried_as_configured(config: AioConfig | None, attempts: int) -> None:
    """A throttled detection is sent 5 times by default (DEFAULT_CONFIG), once with total_max_attempts=1."""
    fake, arn = running_version()
    fake.faults.throttle(DETECT, times=None, code="ProvisionedThroughputExceededException")
    with pytest.raises(ThrottlingError):
        detect(fake, arn, JPEG, config=config)
    assert len(fake.requests_for(DETECT)) == attempts


def test_a_throttled_detection_that_recovers_returns_the_labels() -> None:
    """Throttled twice, then answered: the caller sees only the labels, after three requests."""
    fake, arn = running_version()
    fake.faults.throttle(DETECT, times=2, code="ProvisionedThroughputExceededException")
    answer(fake, WIRE_LABELS)
    assert detect(fake, arn, JPEG) == LABELS
    assert len(fake.requests_for(DETECT)) == 3


# -- refused, nothing sent ------------------------------------------------------------------------

PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/proj/1700000000000"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        pytest.param((PROJECT, JPEG), {}, "project_version_arn", id="project-arn"),
        pytest.param(("not an arn", JPEG), {}, "project_version_arn", id="not-an-arn"),
        pytest.param((None, JPEG), {}, "project_version_arn", id="no-arn"),
        pytest.param((None, b""), {}, "project_version_arn", id="arn-checked-first"),
        pytest.param(("V", b""), {}, "image must be 1 to 5,242,880 bytes, not 0", id="empty-image"),
        pytest.param(("V", bytes(MAX_IMAGE + 1)), {}, "not 5,242,881", id="image-over-5-mib"),
        pytest.param(("V", "cat.jpg"), {}, "image must be bytes", id="a-path"),
        pytest.param(("V", None), {}, "image must be bytes", id="no-image"),
        pytest.param(("V", {"Bytes": JPEG}), {}, "image must be bytes", id="a-dict"),
        pytest.param(("V", S3Object(name="k")), {}, "image.bucket", id="s3-no-bucket"),
        pytest.param(("V", S3Object(bucket="b", name="k")), {}, "image.bucket", id="s3-short-bucket"),
        pytest.param(("V", S3Object(bucket="my bucket", name="k")), {}, "image.bucket", id="s3-bad-bucket"),
        pytest.param(("V", S3Object(bucket="bkt")), {}, "image.name", id="s3-no-name"),
        pytest.param(("V", S3Object(bucket="bkt", name="")), {}, "image.name", id="s3-empty-name"),
        pytest.param(("V", S3Object(bucket="bkt", name="k" * 1025)), {}, "image.name", id="s3-long-name"),
        pytest.param(
            ("V", S3Object(bucket="bkt", name="k", version="")), {}, "image.version", id="s3-empty-version"
        ),
        pytest.param(("V", JPEG), {"min_confidence": -0.5}, "min_confidence", id="confidence-below-0"),
        pytest.param(("V", JPEG), {"min_confidence": 100.01}, "min_confidence", id="confidence-over-100"),
        pytest.param(("V", JPEG), {"min_confidence": float("nan")}, "min_confidence", id="confidence-nan"),
        pytest.param(("V", JPEG), {"min_confidence": True}, "min_confidence", id="confidence-bool"),
        pytest.param(("V", JPEG), {"min_confidence": "50"}, "min_confidence", id="confidence-str"),
        pytest.param(("V", JPEG), {"max_results": -1}, "max_results", id="max-results-negative"),
        pytest.param(("V", JPEG), {"max_results": 2**31}, "max_results", id="max-results-over-int32"),
        pytest.param(("V", JPEG), {"max_results": 1.0}, "max_results", id="max-results-float"),
        pytest.param(("V", JPEG), {"max_results": False}, "max_results", id="max-results-bool"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> None:
    """A bad ARN, image or option raises InvalidRequestError naming it, and no request reaches the fake."""
    fake, arn = running_version()
    # "V" stands for the fake's version ARN, which exists only once the fake does.
    args = tuple(arn if a == "V" else a for a in args)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError, match=match):
                await client.detect_custom_labels(*args, **kwargs)

    run(main)
    assert fake.requests == ()


def test_a_closed_client_sends_nothing() -> None:
    """A detection on a closed client raises ClientClosedError, and nothing is sent."""
    fake, arn = running_version()

    async def main() -> None:
        async with client_for(fake) as client:
            pass
        with pytest.raises(ClientClosedError):
            await client.detect_custom_labels(arn, JPEG)

    run(main)
    assert fake.requests == ()
