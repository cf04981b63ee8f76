"""Detecting custom labels in images: DetectCustomLabels.

``Detection`` is the capability ``CustomLabelsClient`` delegates
``detect_custom_labels`` to. Its arguments were checked by the client, once,
with ``check_image`` here and the ``check_*`` helpers of ``_rules``: nothing
in ``Detection`` checks them again.
"""

from __future__ import annotations

from typing import Any

from ._arns import ProjectVersionArn
from ._errors import InvalidRequestError
from ._models import CustomLabel, DetectCustomLabelsResponse, S3Object
from ._rules import IMAGE_BYTES, S3_KEY_LENGTH, is_image_bytes, is_s3_bucket, is_s3_key
from ._transport import Transport

__all__ = ["Detection", "check_image"]

#: What ``image`` may be, for messages.
_IMAGE_KINDS = "bytes (or a bytearray or memoryview) or an S3Object"


def check_image(value: object) -> bytes | S3Object:
    """``value`` as the image DetectCustomLabels takes: bytes, or an S3 object.

    A ``bytearray`` or ``memoryview`` is copied to ``bytes``: botocore sends
    only ``bytes``, and a copy taken now is what is sent even if the caller's
    buffer changes while the request is under way. The image's format is not
    checked here: the service answers ``InvalidImageFormatException``.

    Here rather than in ``_rules``: it needs ``S3Object``, and ``_models``
    imports ``_rules``.

    Raises:
        InvalidRequestError: Not bytes or an ``S3Object``; bytes outside 1 to
            5,242,880; an ``S3Object`` without a valid bucket and name, or
            with a bad version.
    """
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        if not is_image_bytes(data):
            msg = f"image must be 1 to {IMAGE_BYTES.stop - 1:,} bytes, not {len(data):,}"
            raise InvalidRequestError(msg)
        return data
    if isinstance(value, S3Object):
        if not is_s3_bucket(value.bucket):
            msg = f"image.bucket must be 3 to 255 of 0-9 A-Z a-z . - _, not {value.bucket!r}"
            raise InvalidRequestError(msg)
        longest = S3_KEY_LENGTH.stop - 1
        if not is_s3_key(value.name):
            msg = f"image.name must be an object key of 1 to {longest} characters, not {value.name!r}"
            raise InvalidRequestError(msg)
        if value.version is not None and not is_s3_key(value.version):
            msg = f"image.version must be None or 1 to {longest} characters, not {value.version!r}"
            raise InvalidRequestError(msg)
        return value
    msg = f"image must be {_IMAGE_KINDS}, not {type(value).__name__}"
    raise InvalidRequestError(msg)


class Detection:
    """DetectCustomLabels.

    Args:
        transport: Sends the requests.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def detect(
        self,
        version: ProjectVersionArn,
        image: bytes | S3Object,
        *,
        max_results: int | None,
        min_confidence: float | None,
    ) -> tuple[CustomLabel, ...]:
        """Send DetectCustomLabels; the options only when given, as the service's defaults are its own."""
        data = await self._transport.call(
            "DetectCustomLabels",
            ProjectVersionArn=version,
            Image=self._image(image),
            MaxResults=max_results,
            MinConfidence=min_confidence,
        )
        return self._transport.structure(data, DetectCustomLabelsResponse).custom_labels

    @staticmethod
    def _image(image: bytes | S3Object) -> dict[str, Any]:
        """The ``Image`` member: botocore base64-encodes ``Bytes`` itself (awsJson 1.1)."""
        if isinstance(image, bytes):
            return {"Bytes": image}
        # Spelled out, not unstructured: a caller's converter may unstructure otherwise.
        s3 = {"Bucket": image.bucket, "Name": image.name, "Version": image.version}
        return {"S3Object": {member: value for member, value in s3.items() if value is not None}}
