"""The images DetectCustomLabels reads: its ``Image`` member checked, and the S3 objects the fake holds.

What the service documents: ``Image`` is ``Bytes`` (1 byte to 5 MiB) or an
``S3Object``; the image is JPEG or PNG. What the fake assumes (docs/testing.md):
which error each broken rule gives, the order of the checks, and the 15 MiB
limit of an image in S3 (``_rules.S3_IMAGE_BYTES``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from .._rules import IMAGE_BYTES, S3_IMAGE_BYTES
from ._validation import FakeServiceError, invalid

__all__ = ["S3Objects", "check_format", "decode_image_bytes", "image_member"]

#: JPEG and PNG, by their first bytes: the only formats the service reads.
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")

_OPERATION = "DetectCustomLabels"


def decode_image_bytes(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The request's members as the fake works on them: ``Image.Bytes`` as bytes, not base64.

    The wire carries blobs in base64; both faces decode here, so that
    ``FakeCustomLabels.call`` and the recorded requests hold the image's own
    bytes, as a boto3 caller passes them.

    Raises:
        FakeServiceError: ``SerializationException``: not base64 (assumed).
    """
    image = params.get("Image")
    if operation != _OPERATION or not isinstance(image, dict) or not isinstance(image.get("Bytes"), str):
        return params
    try:
        data = base64.b64decode(image["Bytes"], validate=True)
    except (binascii.Error, ValueError):
        raise FakeServiceError("SerializationException", "Image.Bytes is not valid base64.") from None
    return {**params, "Image": {**image, "Bytes": data}}


def _too_large(limit: int) -> FakeServiceError:
    return FakeServiceError(
        "ImageTooLargeException", f"The image is larger than the service accepts ({limit} bytes)."
    )


def image_member(params: Mapping[str, Any]) -> bytes | tuple[str, str, str | None]:
    """The ``Image`` member, checked: its bytes, or the (bucket, name, version) of its S3 object."""
    image = params.get("Image")
    if not isinstance(image, Mapping):
        raise invalid(
            "1 validation error detected: Value null at 'image' failed to satisfy constraint: "
            "Member must not be null"
        )
    if ("Bytes" in image) == ("S3Object" in image):
        raise invalid("Image must hold exactly one of Bytes and S3Object.")
    if "Bytes" in image:
        data = image["Bytes"]
        if not isinstance(data, bytes | bytearray | memoryview):
            raise invalid("Image.Bytes must be bytes.")
        if len(data) > IMAGE_BYTES.stop - 1:
            raise _too_large(IMAGE_BYTES.stop - 1)
        if len(data) not in IMAGE_BYTES:
            raise invalid("Image.Bytes must hold at least 1 byte.")
        return bytes(data)
    s3 = image["S3Object"]
    bucket, name, version = (
        s3.get(k) if isinstance(s3, Mapping) else None for k in ("Bucket", "Name", "Version")
    )
    if not isinstance(bucket, str) or not bucket or not isinstance(name, str) or not name:
        raise invalid("Image.S3Object must name a Bucket and an object Name.")
    if version is not None and not isinstance(version, str):
        raise invalid("Image.S3Object.Version must be a string.")
    return (bucket, name, version)


def check_format(data: bytes) -> None:
    """Refuse what is neither JPEG nor PNG, as the service does.

    Raises:
        FakeServiceError: ``InvalidImageFormatException``.
    """
    if not data.startswith(_MAGIC):
        raise FakeServiceError(
            "InvalidImageFormatException", "Request has unsupported image format: not JPEG or PNG."
        )


class S3Objects:
    """The S3 objects the fake can read images from, by bucket, name and version."""

    def __init__(self) -> None:
        # (bucket, name) -> [(version, data)], oldest first: the last put is the current one.
        self._objects: dict[tuple[str, str], list[tuple[str | None, bytes]]] = {}

    def put(self, bucket: str, name: str, data: bytes, version: str | None) -> None:
        """Store an object; a put of the same name makes it the current version."""
        self._objects.setdefault((bucket, name), []).append((version, bytes(data)))

    def read(self, bucket: str, name: str, version: str | None) -> bytes:
        """The object's bytes: its current version, or the one named.

        Raises:
            FakeServiceError: ``InvalidS3ObjectException`` for an object the
                fake does not hold; ``ImageTooLargeException`` past 15 MiB (assumed).
        """
        stored = self._objects.get((bucket, name), [])
        found = [data for v, data in stored if version is None or v == version]
        if not found:
            raise FakeServiceError(
                "InvalidS3ObjectException",
                "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
            )
        data = found[-1]
        if len(data) > S3_IMAGE_BYTES.stop - 1:
            raise _too_large(S3_IMAGE_BYTES.stop - 1)
        return data
