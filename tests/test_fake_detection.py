"""DetectCustomLabels in the fake: its checks, labels, S3 objects and throughput, through ``call`` and the wire."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels._rules import IMAGE_BYTES, S3_IMAGE_BYTES
from aiocustomlabels.testing import FakeCustomLabels, FakeServiceError, VirtualClock
from aiocustomlabels.testing._inference import ASSUMED_THRESHOLD, derived_labels
from aiocustomlabels.testing._wire import TARGET_PREFIX
from aiocustomlabels.types import CustomLabel
from tests._fake_support import LABELS, send_raw, unknown_version

S = ProjectVersionStatus
DETECT = "DetectCustomLabels"
THROTTLED = "ProvisionedThroughputExceededException"
#: The start of a whole minute, so that fake seconds count from a scaler's tick.
T0 = 1_700_000_040.0
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg body" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"png body" * 20


def running_fake(**kwargs: Any) -> tuple[FakeCustomLabels[VirtualClock], str]:
    """A fake on a virtual clock at T0 with one RUNNING version; kwargs go to ``add_version``."""
    fake = FakeCustomLabels(clock=VirtualClock(start=T0))
    kwargs.setdefault("status", S.RUNNING)
    return fake, fake.add_version(fake.add_project("shelf"), "v1", **kwargs)


def detect(fake: FakeCustomLabels, arn: str, image: bytes = JPEG, **members: Any) -> dict[str, Any]:
    """DetectCustomLabels through ``call``, with image bytes."""
    return fake.call(DETECT, {"ProjectVersionArn": arn, "Image": {"Bytes": image}, **members})


def error_of(fake: FakeCustomLabels, params: Mapping[str, Any]) -> str:
    """The error code ``call`` answers ``params`` with."""
    with pytest.raises(FakeServiceError) as caught:
        fake.call(DETECT, params)
    return caught.value.code


def served_now(fake: FakeCustomLabels, arn: str, count: int) -> int:
    """Send ``count`` requests at this instant; how many were served (the others must be throttled)."""
    answers = [answer(fake, arn) for _ in range(count)]
    assert {a for a in answers if a is not None} <= {(THROTTLED, 400)}
    return answers.count(None)


def answer(fake: FakeCustomLabels, arn: str) -> tuple[str, int] | None:
    """One request now: ``None`` when served, else the error's code and HTTP status."""
    try:
        detect(fake, arn)
    except FakeServiceError as exc:
        return (exc.code, exc.status)
    return None


def test_two_units_of_five_tps_serve_ten_a_second() -> None:
    """2 units x 5 TPS, 30 requests each fake second: 10 served (the first second's burst too), 20 throttled."""
    fake, arn = running_fake(min_inference_units=2)
    served = []
    for _ in range(6):
        served.append(served_now(fake, arn, 30))
        fake.clock.advance(1)
    assert served == [10] * 6


@pytest.mark.parametrize(
    ("steps", "served"),
    [
        pytest.param([(30, 10), (0, 1)], [10, 0], id="burst-after-a-quiet-while"),
        pytest.param([(0, 60), (0.5, 60)], [10, 5], id="throttled-take-no-capacity"),
    ],
)
def test_the_burst_is_one_seconds_capacity(steps: list[tuple[float, int]], served: list[int]) -> None:
    """The bucket holds one second's worth, no more, and throttled requests take none of it: (wait, sent) steps."""
    fake, arn = running_fake(min_inference_units=2)
    seen = []
    for wait, count in steps:
        fake.clock.advance(wait)
        seen.append(served_now(fake, arn, count))
    assert seen == served


def test_requests_spread_over_a_second_are_served_at_the_rate() -> None:
    """30 requests evenly spread over each second, 1 unit at 5 TPS: 5 served a second once the burst is spent."""
    fake, arn = running_fake(min_inference_units=1)
    served = []
    for _ in range(4):
        second = 0
        for _ in range(30):
            second += served_now(fake, arn, 1)
            fake.clock.advance(1 / 30)
        served.append(second)
    # The first second: the burst of 5, and the 4 whole tokens that 29/30 of a second refills.
    assert served == [5 + 4, 5, 5, 5]


@pytest.mark.parametrize(("fake_tps", "own_tps", "served"), [(2.0, None, 2), (2.0, 7.0, 7), (5.0, 0.5, 0)])
def test_tps_per_unit_is_the_fakes_or_the_versions(
    fake_tps: float, own_tps: float | None, served: int
) -> None:
    """A version's own tps_per_unit wins over the fake's; a bucket below one token serves nothing at once."""
    fake, arn = running_fake(min_inference_units=1, tps_per_unit=own_tps)
    fake.tps_per_unit = fake_tps
    assert served_now(fake, arn, 20) == served


@pytest.mark.parametrize("tps", [0.0, -1.0, math.inf, math.nan])
def test_tps_per_unit_must_be_a_positive_number(tps: float) -> None:
    """tps_per_unit of 0, below 0 or not finite is refused, for the fake and for a version."""
    with pytest.raises(ValueError, match="tps_per_unit"):
        FakeCustomLabels(tps_per_unit=tps)
    fake = FakeCustomLabels()
    with pytest.raises(ValueError, match="tps_per_unit"):
        fake.add_version(fake.add_project("shelf"), "v1", tps_per_unit=tps)


def test_a_new_run_starts_with_a_full_bucket() -> None:
    """Emptied, stopped and started again in the same second: the new run has its burst."""
    fake = FakeCustomLabels(clock=VirtualClock(start=T0), start_seconds=0.0, stop_seconds=0.0)
    arn = fake.add_version(fake.add_project("shelf"), "v1")
    fake.call("StartProjectVersion", {"ProjectVersionArn": arn, "MinInferenceUnits": 1})
    assert served_now(fake, arn, 10) == 5
    fake.call("StopProjectVersion", {"ProjectVersionArn": arn})
    fake.call("StartProjectVersion", {"ProjectVersionArn": arn, "MinInferenceUnits": 1})
    assert served_now(fake, arn, 10) == 5


@pytest.mark.parametrize("status", [S.STARTING, S.STOPPING, S.STOPPED, S.TRAINING_COMPLETED, S.FAILED])
def test_a_version_that_is_not_running_is_not_ready(status: ProjectVersionStatus) -> None:
    """DetectCustomLabels on a version that is not RUNNING (even STARTING or STOPPING): ResourceNotReadyException."""
    fake, arn = running_fake(status=status)
    assert error_of(fake, {"ProjectVersionArn": arn, "Image": {"Bytes": JPEG}}) == "ResourceNotReadyException"


def test_a_started_version_serves_once_running() -> None:
    """Not ready while STARTING; served once start_seconds have passed."""
    fake, arn = running_fake(status=S.TRAINING_COMPLETED)
    fake.call("StartProjectVersion", {"ProjectVersionArn": arn, "MinInferenceUnits": 1})
    assert error_of(fake, {"ProjectVersionArn": arn, "Image": {"Bytes": JPEG}}) == "ResourceNotReadyException"
    fake.clock.advance(fake.start_seconds)
    assert detect(fake, arn, MinConfidence=0)["CustomLabels"]


def test_an_unknown_version_is_not_found() -> None:
    """A well-formed ARN of no version: ResourceNotFoundException."""
    fake, _ = running_fake()
    params = {"ProjectVersionArn": unknown_version(fake), "Image": {"Bytes": JPEG}}
    assert error_of(fake, params) == "ResourceNotFoundException"


BAD = "InvalidParameterException"


@pytest.mark.parametrize(
    ("members", "code"),
    [
        ({"ProjectVersionArn": None}, BAD),
        ({"ProjectVersionArn": "arn:aws:rekognition:us-east-1:111122223333:project/shelf/1"}, BAD),
        ({"Image": None}, BAD),
        ({"Image": {}}, BAD),
        ({"Image": {"Bytes": JPEG, "S3Object": {"Bucket": "b", "Name": "n"}}}, BAD),
        ({"Image": {"Bytes": b""}}, BAD),
        ({"Image": {"Bytes": base64.b64encode(JPEG).decode()}}, BAD),
        ({"Image": {"Bytes": b"\xff\xd8\xff" + bytes(IMAGE_BYTES.stop - 3)}}, "ImageTooLargeException"),
        ({"Image": {"Bytes": b"GIF89a" + bytes(100)}}, "InvalidImageFormatException"),
        ({"Image": {"S3Object": {"Bucket": "b"}}}, BAD),
        ({"Image": {"S3Object": {"Bucket": "b", "Name": "n", "Version": 3}}}, BAD),
        ({"Image": {"S3Object": {"Bucket": "b", "Name": "missing"}}}, "InvalidS3ObjectException"),
        ({"MinConfidence": -0.5}, BAD),
        ({"MinConfidence": 100.5}, BAD),
        ({"MinConfidence": "50"}, BAD),
        ({"MinConfidence": True}, BAD),
        ({"MinConfidence": math.nan}, BAD),
        ({"MaxResults": -1}, BAD),
        ({"MaxResults": 1.5}, BAD),
        ({"MaxResults": True}, BAD),
        ({"MaxResults": 2**31}, BAD),
    ],
)
def test_broken_requests_get_the_services_errors(members: dict[str, Any], code: str) -> None:
    """Each rule of the service model broken gives its error, and nothing counts towards the load."""
    fake, arn = running_fake(min_inference_units=1)
    params = {"ProjectVersionArn": arn, "Image": {"Bytes": JPEG}, **members}
    assert error_of(fake, {k: v for k, v in params.items() if v is not None}) == code
    # The bucket is still full: the refused request took no capacity.
    assert served_now(fake, arn, 5) == 5


def test_the_largest_image_is_served() -> None:
    """An image of exactly 5 MiB is within the limit."""
    fake, arn = running_fake()
    assert "CustomLabels" in detect(fake, arn, b"\xff\xd8\xff" + bytes(IMAGE_BYTES.stop - 4))


def test_s3_objects_are_read_by_name_and_version() -> None:
    """An S3Object reads the object last put under its name, or the version it names."""
    fake, arn = running_fake()
    fake.put_object("photos", "shelf.jpg", JPEG, version="1")
    fake.put_object("photos", "shelf.jpg", PNG, version="2")
    fake.set_labels(arn, [CustomLabel(name="old", confidence=90.0)], image=JPEG)
    fake.set_labels(arn, [CustomLabel(name="new", confidence=90.0)], image=PNG)

    def names(s3: dict[str, str]) -> list[str]:
        found = fake.call(DETECT, {"ProjectVersionArn": arn, "Image": {"S3Object": s3}})["CustomLabels"]
        return [label["Name"] for label in found]

    assert names({"Bucket": "photos", "Name": "shelf.jpg"}) == ["new"]
    assert names({"Bucket": "photos", "Name": "shelf.jpg", "Version": "1"}) == ["old"]


def test_an_s3_image_over_the_assumed_limit_is_too_large() -> None:
    """An S3 object over 15 MiB (assumed) is ImageTooLargeException."""
    fake, arn = running_fake()
    fake.put_object("photos", "huge.jpg", b"\xff\xd8\xff" + bytes(S3_IMAGE_BYTES.stop - 3))
    params = {"ProjectVersionArn": arn, "Image": {"S3Object": {"Bucket": "photos", "Name": "huge.jpg"}}}
    assert error_of(fake, params) == "ImageTooLargeException"


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({}, ["can", "jar"]),
        ({"MinConfidence": 0}, ["can", "jar", "box"]),
        ({"MinConfidence": 70}, ["can", "jar"]),
        ({"MinConfidence": 100}, []),
        ({"MinConfidence": 0, "MaxResults": 2}, ["can", "jar"]),
        ({"MaxResults": 0}, []),
    ],
)
def test_labels_set_are_filtered_and_sorted(members: dict[str, Any], expected: list[str]) -> None:
    """MinConfidence filters (50 assumed without it), highest confidence first, MaxResults truncates."""
    fake, arn = running_fake()
    fake.set_labels(arn, LABELS)
    assert [label["Name"] for label in detect(fake, arn, **members)["CustomLabels"]] == expected
    assert ASSUMED_THRESHOLD == 50.0


def test_labels_set_come_back_with_their_geometry() -> None:
    """A label set with a Geometry is answered with its bounding box and polygon, as botocore's dicts."""
    fake, arn = running_fake()
    fake.set_labels(arn, LABELS[1:2])
    (label,) = detect(fake, arn)["CustomLabels"]
    assert label["Geometry"] == {
        "BoundingBox": {"Width": 0.5, "Height": 0.25, "Left": 0.125, "Top": 0.5},
        "Polygon": [{"X": 0.125, "Y": 0.5}, {"X": 0.625, "Y": 0.5}, {"X": 0.625, "Y": 0.75}],
    }


def test_labels_set_for_an_image_win_over_labels_for_any() -> None:
    """Labels for one image beat those for any image, which beat the derived ones; an empty set finds none."""
    fake, arn = running_fake()
    fake.set_labels(arn, [CustomLabel(name="any", confidence=80.0)])
    fake.set_labels(arn, [], image=PNG)
    assert detect(fake, arn, JPEG, MinConfidence=0)["CustomLabels"] == [{"Name": "any", "Confidence": 80.0}]
    assert detect(fake, arn, PNG, MinConfidence=0)["CustomLabels"] == []


@pytest.mark.parametrize(
    "label", [CustomLabel(name="x", confidence=101.0), CustomLabel(name="x"), CustomLabel(confidence=5.0)]
)
def test_labels_set_need_a_name_and_a_confidence(label: CustomLabel) -> None:
    """set_labels refuses a label without a name or with no confidence from 0 to 100."""
    fake, arn = running_fake()
    with pytest.raises(ValueError, match="name and a confidence"):
        fake.set_labels(arn, [label])


@given(body=st.binary(min_size=0, max_size=64), png=st.booleans())
def test_derived_labels_are_deterministic_and_well_formed(body: bytes, png: bool) -> None:
    """Any valid image: the same labels every time, at least one at MinConfidence 0, highest first, shapes in [0, 1]."""
    image = (PNG[:8] if png else JPEG[:3]) + body
    fake, arn = running_fake()
    first = detect(fake, arn, image, MinConfidence=0)["CustomLabels"]
    fake.clock.advance(1)
    assert first == detect(fake, arn, image, MinConfidence=0)["CustomLabels"]
    assert 1 <= len(first) == len(derived_labels(image)) <= 4
    confidences = [label["Confidence"] for label in first]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 100 for c in confidences)
    for label in first:
        box = label.get("Geometry", {}).get("BoundingBox")
        if box is not None:
            assert 0 <= box["Left"] <= box["Left"] + box["Width"] <= 1.0001
            assert 0 <= box["Top"] <= box["Top"] + box["Height"] <= 1.0001
            assert len(label["Geometry"]["Polygon"]) == 4


def test_some_derived_labels_have_a_geometry() -> None:
    """Among a few images' derived labels, both shapes occur: with a Geometry and without."""
    labels = [label for n in range(8) for label in derived_labels(JPEG + bytes([n]))]
    assert {label.geometry is None for label in labels} == {True, False}


def wire_detect(fake: FakeCustomLabels, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """DetectCustomLabels through the wire protocol: status and parsed body."""
    reply = send_raw(fake, json.dumps(params).encode(), target=f"{TARGET_PREFIX}{DETECT}")
    return reply.status, json.loads(reply.body)


def test_the_wire_decodes_the_image_and_records_its_bytes() -> None:
    """Over the wire, Image.Bytes is base64; the fake answers as ``call`` does and records the bytes."""
    fake, arn = running_fake()
    status, body = wire_detect(
        fake, {"ProjectVersionArn": arn, "Image": {"Bytes": base64.b64encode(JPEG).decode()}}
    )
    assert status == 200
    fake.clock.advance(1)
    assert body == detect(fake, arn)
    (recorded,) = fake.requests_for(DETECT)
    assert recorded.params["Image"] == {"Bytes": JPEG}


def test_the_wire_refuses_bytes_that_are_not_base64() -> None:
    """Image.Bytes that is not base64: SerializationException, and the request is not recorded."""
    fake, arn = running_fake()
    status, body = wire_detect(fake, {"ProjectVersionArn": arn, "Image": {"Bytes": "not base64!"}})
    assert (status, body["__type"]) == (400, "SerializationException")
    assert fake.requests_for(DETECT) == ()
