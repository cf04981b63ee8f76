"""The service's rules on what a request may carry, and the library's checks of its own arguments.

The client checks each argument of a public call against these rules once, at
the entry point, and hands typed values down; the command line relies on the
client's ``InvalidRequestError``; the fake service answers what breaks them as
the service does. Each rule is the service model's own (botocore's
``rekognition`` model: patterns, ``min``/``max`` traits), unless its comment
says otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Final, TypeGuard, TypeVar

import attrs

from ._errors import InvalidRequestError

__all__ = [
    "MAX_INFERENCE_UNITS",
    "MAX_PAGE_SIZE",
    "MAX_TOKEN_LENGTH",
    "MAX_VERSION_NAMES",
    "MIN_INFERENCE_UNITS",
    "InferenceUnits",
]

A = TypeVar("A", bound=str)

#: A project or version name: ``ProjectName`` and ``VersionName`` in the model.
#: ASCII: the service's (Java) classes are ASCII; Python's \w and \d are not.
NAME_PATTERN: Final = r"[a-zA-Z0-9_.\-]{1,255}"
NAME: Final = re.compile(NAME_PATTERN, re.ASCII)
#: The prefix of every Rekognition ARN, with the groups the ARN types expose.
ARN_PREFIX: Final = r"arn:(?P<partition>[a-z\d-]+):rekognition:(?P<region>[a-z\d-]+):(?P<account_id>\d{12})"
#: ``ProjectArn`` and ``ProjectVersionArn`` are 20 to 2048 characters on top of their patterns.
ARN_LENGTH: Final = range(20, 2048 + 1)
#: DescribeProjectVersions' and DescribeProjects' ``MaxResults``: 1 to this, and the default.
MAX_PAGE_SIZE: Final = 100
#: DescribeProjectVersions' ``VersionNames``: at most this many names a call.
MAX_VERSION_NAMES: Final = 10
#: The longest ``NextToken`` the service accepts.
MAX_TOKEN_LENGTH: Final = 1024
#: Periods below a minute that CloudWatch takes (for high-resolution metrics); above, multiples of 60.
#: The CloudWatch periods (seconds) shorter than a minute; longer ones are multiples of 60.
SHORT_PERIODS: Final = frozenset({1, 5, 10, 20, 30})
#: A minute, CloudWatch's standard resolution, in seconds.
MINUTE: Final = 60

#: Where the service publishes a version's inference units (Custom Labels guide,
#: "Reporting running duration and inference units used").
METRICS_NAMESPACE: Final = "AWS/Rekognition"
IN_SERVICE_METRIC: Final = "InServiceInferenceUnits"
DESIRED_METRIC: Final = "DesiredInferenceUnits"
MIN_METRIC: Final = "MinInferenceUnits"
MAX_METRIC: Final = "MaxInferenceUnits"
#: The inference-unit metrics, in the order the library reads and the fake publishes them.
UNIT_METRICS: Final = (IN_SERVICE_METRIC, DESIRED_METRIC, MIN_METRIC, MAX_METRIC)
#: The dimensions of every inference-unit datapoint.
METRIC_DIMENSIONS: Final = ("ProjectName", "VersionName")

#: The most projects listed at once (``hosted_versions``): more would be throttled, not faster.
MAX_CONCURRENCY: Final = 16
#: ``InferenceUnits`` in the model: an Integer (32-bit) with ``min`` 1.
MIN_INFERENCE_UNITS: Final = 1
MAX_INFERENCE_UNITS: Final = 2**31 - 1
#: DetectCustomLabels' ``Image.Bytes`` (``ImageBlob``): 1 byte to 5 MiB.
IMAGE_BYTES: Final = range(1, 5 * 1024 * 1024 + 1)
#: An image in S3 for DetectCustomLabels: assumed 15 MiB, the limit the Rekognition guide
#: documents for images stored in S3 ("Guidelines and quotas"); Custom Labels states none.
S3_IMAGE_BYTES: Final = range(1, 15 * 1024 * 1024 + 1)
#: ``MinConfidence`` and a label's ``Confidence`` (``Percent``): 0 to 100.
MIN_CONFIDENCE: Final = 0.0
MAX_CONFIDENCE: Final = 100.0
#: DetectCustomLabels' ``MaxResults`` (``UInteger``): an Integer (32-bit) with ``min`` 0.
MAX_RESULTS: Final = range(2**31)
#: ``S3Object.Bucket`` (``S3Bucket``): 3 to 255 of these characters.
S3_BUCKET: Final = re.compile(r"[0-9A-Za-z.\-_]{3,255}", re.ASCII)
#: ``S3Object.Name`` and ``S3Object.Version`` (``S3ObjectName``, ``S3ObjectVersion``): 1 to 1024 characters.
S3_KEY_LENGTH: Final = range(1, 1024 + 1)


def is_name(value: object) -> bool:
    """Whether ``value`` is a valid project or version name."""
    return isinstance(value, str) and NAME.fullmatch(value) is not None


def is_units(value: object) -> bool:
    """Whether ``value`` is a number of inference units the service takes (``bool`` is not)."""
    return type(value) is int and MIN_INFERENCE_UNITS <= value <= MAX_INFERENCE_UNITS


def is_page_size(value: object) -> bool:
    """Whether ``value`` is a ``MaxResults`` the service takes."""
    return type(value) is int and 1 <= value <= MAX_PAGE_SIZE


def is_image_bytes(value: object) -> bool:
    """Whether ``value`` is an ``Image.Bytes`` the service takes: bytes, 1 byte to 5 MiB."""
    return isinstance(value, bytes | bytearray | memoryview) and len(value) in IMAGE_BYTES


def is_confidence(value: object) -> bool:
    """Whether ``value`` is a ``MinConfidence`` the service takes: a number from 0 to 100."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return MIN_CONFIDENCE <= value <= MAX_CONFIDENCE  # NaN compares false: refused


def is_max_results(value: object) -> bool:
    """Whether ``value`` is a DetectCustomLabels ``MaxResults`` the service takes (``bool`` is not)."""
    return type(value) is int and value in MAX_RESULTS


def is_s3_bucket(value: object) -> bool:
    """Whether ``value`` is an ``S3Object.Bucket`` the service takes."""
    return isinstance(value, str) and S3_BUCKET.fullmatch(value) is not None


def is_s3_key(value: object) -> bool:
    """Whether ``value`` is an ``S3Object.Name`` (or ``Version``) the service takes."""
    return isinstance(value, str) and len(value) in S3_KEY_LENGTH


def is_token(value: object) -> bool:
    """Whether ``value`` is a ``NextToken`` the service takes."""
    return isinstance(value, str) and 0 < len(value) <= MAX_TOKEN_LENGTH


@attrs.frozen
class InferenceUnits:
    """The inference units a model version is started with, or runs with.

    ``str()`` gives ``1..3`` for a model that auto-scales between 1 and 3
    units, and ``1 (fixed)`` for one started without a maximum.

    Attributes:
        min: ``MinInferenceUnits``: the units it starts with, and scales down to.
        max: ``MaxInferenceUnits``: the most it scales up to; ``None`` when it
            does not auto-scale.

    Raises:
        InvalidRequestError: A value outside 1..2,147,483,647 (the service
            model's 32-bit Integer), or a maximum below the minimum.
    """

    min: int
    max: int | None = None

    def __attrs_post_init__(self) -> None:
        if not is_units(self.min):
            msg = (
                f"min_inference_units must be an int from {MIN_INFERENCE_UNITS} to "
                f"{MAX_INFERENCE_UNITS:,}, not {self.min!r}"
            )
            raise InvalidRequestError(msg)
        if self.max is not None and not (is_units(self.max) and self.max >= self.min):
            msg = (
                f"max_inference_units must be an int from min_inference_units ({self.min}) to "
                f"{MAX_INFERENCE_UNITS:,} (none: no auto-scaling), not {self.max!r}"
            )
            raise InvalidRequestError(msg)

    @classmethod
    def reported(cls, low: int, high: int | None) -> InferenceUnits:
        """The units a description reports, taken as they are: a response is not a request."""
        units = object.__new__(cls)
        object.__setattr__(units, "min", low)
        object.__setattr__(units, "max", high)
        return units

    @property
    def scales(self) -> bool:
        """Whether these units let the model auto-scale: a maximum above the minimum."""
        return self.max is not None and self.max > self.min

    def same_as(self, other: InferenceUnits) -> bool:
        """Whether a model running with ``other`` runs as these units ask.

        No maximum asks for no auto-scaling, which a maximum equal to the
        minimum gives too.
        """
        return self.min == other.min and (self.max if self.scales else None) == (
            other.max if other.scales else None
        )

    def __str__(self) -> str:
        return f"{self.min} (fixed)" if self.max is None else f"{self.min}..{self.max}"


def check_arn(kind: Callable[[str], A], value: object, argument: str) -> A:
    """``value`` as the ARN type ``kind``; an ARN already of that type is not parsed again.

    Raises:
        InvalidRequestError: ``value`` is not such an ARN.
    """
    if isinstance(value, kind):  # type: ignore[arg-type]  # kind is always a class
        return value  # type: ignore[return-value]
    try:
        return kind(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        msg = f"{argument}: {exc}"
        raise InvalidRequestError(msg) from exc


def check_name(value: object, argument: str = "version_name") -> str:
    """``value``, a valid project or version name.

    Raises:
        InvalidRequestError: It is not.
    """
    if not is_name(value):
        msg = f"{argument} must be 1 to 255 of a-z A-Z 0-9 _ . -, not {value!r}"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # is_name checked it is a str


def check_min_confidence(value: object) -> float | None:
    """``value``, a valid ``MinConfidence`` as a float, or ``None``.

    Raises:
        InvalidRequestError: It is not a number from 0 to 100 (NaN and ``bool`` are not).
    """
    if value is None:
        return None
    if not is_confidence(value):
        msg = f"min_confidence must be a number from {MIN_CONFIDENCE:g} to {MAX_CONFIDENCE:g}, not {value!r}"
        raise InvalidRequestError(msg)
    return float(value)  # type: ignore[arg-type]  # is_confidence checked it is a number


def check_max_results(value: object) -> int | None:
    """``value``, a valid DetectCustomLabels ``MaxResults``, or ``None``.

    Raises:
        InvalidRequestError: It is not an int from 0 to 2,147,483,647.
    """
    if value is not None and not is_max_results(value):
        msg = f"max_results must be an int from 0 to {MAX_RESULTS.stop - 1:,}, not {value!r}"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # None or an int, checked above


def check_page_size(value: object) -> int:
    """``value``, a valid page size (``MaxResults``).

    Raises:
        InvalidRequestError: It is not an int from 1 to 100.
    """
    if not is_page_size(value):
        msg = f"page_size must be an int from 1 to {MAX_PAGE_SIZE}, not {value!r}"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # is_page_size checked it is an int


def check_token(value: object) -> str | None:
    """``value``, a valid pagination token, or ``None``.

    Raises:
        InvalidRequestError: It is not a string of 1 to 1024 characters.
    """
    if value is not None and not is_token(value):
        msg = f"starting_token must be a token of 1 to {MAX_TOKEN_LENGTH} characters"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # None or a str, checked above


def name_batches(names: object, argument: str = "version_names") -> list[tuple[str, ...]] | None:
    """Unique names, in order, in batches the service takes (10 a call); ``None`` for all.

    Raises:
        InvalidRequestError: Not a collection of valid names, or an empty one.
    """
    if names is None:
        return None
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        msg = f"{argument} must be a collection of names, not {type(names).__name__}"
        raise InvalidRequestError(msg)
    unique = list(dict.fromkeys(check_name(name, argument) for name in names))
    if not unique:
        msg = f"{argument} must name at least one; pass None for all"
        raise InvalidRequestError(msg)
    return batches(unique)


def batches(names: Sequence[str]) -> list[tuple[str, ...]]:
    """``names`` cut into calls of at most ``MAX_VERSION_NAMES``."""
    return [tuple(names[i : i + MAX_VERSION_NAMES]) for i in range(0, len(names), MAX_VERSION_NAMES)]


def check_flag(value: object, argument: str) -> bool:
    """``value``, a ``bool``.

    Raises:
        InvalidRequestError: It is not one (a truthy string is not a yes).
    """
    if not isinstance(value, bool):
        msg = f"{argument} must be True or False, not {value!r}"
        raise InvalidRequestError(msg)
    return value


def is_seconds(value: object) -> TypeGuard[float]:
    """Whether ``value`` is a finite number (``bool`` is not): NaN and infinity never make a delay or a deadline."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def check_seconds(value: object, argument: str) -> float:
    """``value`` as a positive, finite number of seconds.

    Raises:
        InvalidRequestError: It is not one.
    """
    if not (is_seconds(value) and value > 0):
        msg = f"{argument} must be a positive, finite number of seconds, not {value!r}"
        raise InvalidRequestError(msg)
    return float(value)


def is_period(period: int) -> bool:
    """Whether CloudWatch takes ``period`` seconds: 1, 5, 10, 20, 30 or a multiple of a minute."""
    return period in SHORT_PERIODS or (period > 0 and period % MINUTE == 0)


def check_period(period: object) -> int:
    """``period``, in seconds, as CloudWatch takes it.

    Raises:
        InvalidRequestError: Not 1, 5, 10, 20, 30 or a multiple of 60.
    """
    if type(period) is not int or not is_period(period):
        msg = f"period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds, not {period!r}"
        raise InvalidRequestError(msg)
    return period


def check_window(start: object, end: object, now: datetime) -> tuple[datetime, datetime]:
    """``start`` and ``end`` (``None``: now) as timezone-aware datetimes, start before end.

    Raises:
        InvalidRequestError: Not timezone-aware datetimes, or start not before end.
    """
    end = now if end is None else end
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            msg = f"{name} must be a timezone-aware datetime, not {value!r}"
            raise InvalidRequestError(msg)
    assert isinstance(start, datetime)  # noqa: S101 -- checked just above
    assert isinstance(end, datetime)  # noqa: S101 -- likewise
    if not start < end:
        msg = f"start ({start.isoformat()}) must come before end ({end.isoformat()})"
        raise InvalidRequestError(msg)
    return start, end


@attrs.frozen
class ListingArgs:
    """A listing's checked arguments: its page size, its batches of names, the token it resumes from.

    Attributes:
        page_size: ``MaxResults``.
        batches: The names asked for, 10 a call; ``None`` for all.
        starting_token: The ``NextToken`` to resume from, if any.
    """

    page_size: int
    batches: list[tuple[str, ...]] | None
    starting_token: str | None


def check_listing(page_size: object, names: object, starting_token: object, *, argument: str) -> ListingArgs:
    """The arguments of a listing (DescribeProjectVersions, DescribeProjects), checked.

    Args:
        page_size: ``MaxResults``, 1 to 100.
        names: The names asked for, or ``None`` for all.
        starting_token: The token to resume from, or ``None``.
        argument: What the caller calls ``names``, for messages.

    Raises:
        InvalidRequestError: One breaks the service's rules, or a token is given
            to resume a listing of more than 10 names (several calls).
    """
    batches = name_batches(names, argument)
    token = check_token(starting_token)
    if token is not None and batches is not None and len(batches) > 1:
        msg = f"starting_token cannot resume a listing of more than {MAX_VERSION_NAMES} {argument}"
        raise InvalidRequestError(msg)
    return ListingArgs(check_page_size(page_size), batches, token)
