"""The service's rules on what a request may carry: constants and pure predicates.

The bottom layer: it imports nothing of ours. ``_checks`` turns a broken rule
into an ``InvalidRequestError`` naming the argument; the fake service answers
what breaks them as the service does. Each rule is the service model's own
(botocore's ``rekognition`` model: patterns, ``min``/``max`` traits), unless
its comment says otherwise.
"""

from __future__ import annotations

import math
import re
from typing import Final, TypeGuard

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


def is_units(value: object) -> TypeGuard[int]:
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


def is_seconds(value: object) -> TypeGuard[float]:
    """Whether ``value`` is a finite number (``bool`` is not): NaN and infinity never make a delay or a deadline."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def is_period(period: int) -> bool:
    """Whether CloudWatch takes ``period`` seconds: 1, 5, 10, 20, 30 or a multiple of a minute."""
    return period in SHORT_PERIODS or (period > 0 and period % MINUTE == 0)
