"""DetectCustomLabels in the fake: the request checked, the version's capacity, and the labels found.

The order of the checks (assumed; docs/testing.md): the request's members,
then the version (unknown: ResourceNotFoundException; not RUNNING:
ResourceNotReadyException), then the image (its S3 object, its size, its
format), then capacity. A request that reaches the capacity check counts
towards the version's load, served or throttled.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._models import CustomLabel, ProjectVersionStatus
from .._rules import MAX_CONFIDENCE, MIN_CONFIDENCE, is_confidence, is_max_results
from ._capacity import Capacity
from ._images import S3Objects, check_format, image_member
from ._labels import LabelBook, label_answer
from ._metrics import UnitsHistory
from ._records import Project, Version, metric_key
from ._validation import FakeServiceError, invalid, version_arn

__all__ = ["DetectRequest", "Detection", "DetectionScene", "check_tps", "detect_request"]


def check_tps(value: float | None) -> None:
    """Refuse a TPS per unit that is not a finite number above 0 (``None`` passes: not set)."""
    if value is not None and (isinstance(value, bool) or not math.isfinite(value) or value <= 0):
        msg = f"tps_per_unit must be a finite number above 0, not {value!r}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class DetectRequest:
    """A DetectCustomLabels request, its members checked."""

    arn: str
    image: bytes | tuple[str, str, str | None]
    min_confidence: float | None
    max_results: int | None


def _range_error(member: str, value: object, constraint: str) -> FakeServiceError:
    return invalid(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must {constraint}"
    )


def detect_request(params: Mapping[str, Any]) -> DetectRequest:
    """DetectCustomLabels' members, checked as the service checks them."""
    arn = version_arn(params)
    image = image_member(params)
    min_confidence = params.get("MinConfidence")
    if min_confidence is not None and not is_confidence(min_confidence):
        between = f"have value between {MIN_CONFIDENCE:g} and {MAX_CONFIDENCE:g}"
        raise _range_error("minConfidence", min_confidence, between)
    max_results = params.get("MaxResults")
    if max_results is not None and not is_max_results(max_results):
        raise _range_error("maxResults", max_results, "be an integer greater than or equal to 0")
    return DetectRequest(arn=arn, image=image, min_confidence=min_confidence, max_results=max_results)


class Detection:
    """What DetectCustomLabels needs beyond the versions: S3 objects, labels set, capacity.

    The fake owns one and calls it under its lock.
    """

    def __init__(self, units: UnitsHistory) -> None:
        self.objects = S3Objects()
        self.labels = LabelBook()
        self._capacity = Capacity()
        self._units = units

    def detect(
        self, request: DetectRequest, version: Version, *, now: float, tps: float, up: float, down: float
    ) -> dict[str, Any]:
        """Answer ``request`` on ``version`` (status settled) at ``now``.

        Args:
            request: The request, checked.
            version: Its version.
            now: The fake's time.
            tps: The fake's TPS per unit, for a version without its own.
            up: The fake's ``scale_up_seconds``.
            down: The fake's ``scale_down_seconds``.

        Raises:
            FakeServiceError: The service's error answer.
        """
        if version.status is not ProjectVersionStatus.RUNNING:
            raise FakeServiceError(
                "ResourceNotReadyException",
                f"The model version is {version.status.value}, not RUNNING: it serves no requests.",
            )
        image = request.image if isinstance(request.image, bytes) else self.objects.read(*request.image)
        check_format(image)
        key = metric_key(version)
        self._units.record_request(key, now)
        serving = self._units.serving(key, at=now, up=up, down=down, tps=tps)
        rate = self._units.tps(key, tps) * serving.units
        if not self._capacity.take(version.arn, now=now, run=serving.run, rate=rate):
            raise FakeServiceError(
                "ProvisionedThroughputExceededException",
                "The number of requests exceeded your throughput limit.",
            )
        labels = self.labels.labels(version.arn, image)
        return label_answer(labels, min_confidence=request.min_confidence, max_results=request.max_results)


class DetectionScene:
    """The fake's methods that set a DetectCustomLabels scene: its S3 objects and labels."""

    _lock: threading.RLock
    _versions: dict[str, tuple[Project, Version]]
    _detection: Detection

    def put_object(self, bucket: str, name: str, data: bytes, *, version: str | None = None) -> None:
        """Store an S3 object that DetectCustomLabels can read as ``Image.S3Object``.

        A request that names no ``Version`` reads the object last put under
        the name. An object the fake does not hold is
        ``InvalidS3ObjectException``; one over 15 MiB is
        ``ImageTooLargeException`` (assumed: the limit the Rekognition guide
        gives for images in S3).

        Args:
            bucket: The bucket.
            name: The object's key.
            data: Its bytes.
            version: Its version ID, for requests that name one.
        """
        with self._lock:
            self._detection.objects.put(bucket, name, data, version)

    def set_labels(
        self, version_arn: str, labels: Sequence[CustomLabel], *, image: bytes | None = None
    ) -> None:
        """From now on, the version finds ``labels`` in ``image``, or in any image.

        Labels set for an image win over those set for any image, which win
        over the labels derived from the image's SHA-256. An empty sequence
        finds none. Each request still filters them by its ``MinConfidence``
        and ``MaxResults``.

        Args:
            version_arn: The version.
            labels: What it finds, names and confidences set (0 to 100).
            image: The image they are found in; ``None`` for every image.

        Raises:
            KeyError: The fake has no such version.
            ValueError: A label has no name, or no confidence from 0 to 100.
        """
        with self._lock:
            if version_arn not in self._versions:
                msg = f"no version {version_arn}"
                raise KeyError(msg)
            self._detection.labels.set(version_arn, labels, image)
