"""The labels the fake finds in an image: set by a test, or derived from the image's SHA-256.

Derived labels are the same for the same bytes on every run and machine: one
to four labels with confidences from 0 to 100, every second one with a
Geometry (a bounding box and its four corners as a polygon), so that both
shapes reach the caller. Which of them a request gets: those at or above its
``MinConfidence`` (without one, at or above each label's threshold, assumed
to be 50), highest confidence first, at most ``MaxResults``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from .._converters import converter
from .._models import BoundingBox, CustomLabel, Geometry, Point
from .._rules import is_confidence

__all__ = ["ASSUMED_THRESHOLD", "LabelBook", "derived_labels", "label_answer"]

#: The threshold a label is reported above when a request sets no MinConfidence (assumed:
#: the service uses each label's own threshold, which it does not publish).
ASSUMED_THRESHOLD = 50.0

#: Names of derived labels: things on a shelf, like the demo's project.
_NAMES = ("bottle", "box", "can", "carton", "jar", "packet", "tin", "tube")


def _ratio(digest: bytes, at: int) -> float:
    """A number in [0, 1] from two bytes of ``digest``, to 4 places (exact in JSON and back)."""
    return round(int.from_bytes(digest[at : at + 2], "big") / 0xFFFF, 4)


def _geometry(digest: bytes) -> Geometry:
    width, height = round(0.1 + 0.4 * _ratio(digest, 0), 4), round(0.1 + 0.4 * _ratio(digest, 2), 4)
    left, top = round((1 - width) * _ratio(digest, 4), 4), round((1 - height) * _ratio(digest, 6), 4)
    right, bottom = round(left + width, 4), round(top + height, 4)
    corners = ((left, top), (right, top), (right, bottom), (left, bottom))
    return Geometry(
        bounding_box=BoundingBox(width=width, height=height, left=left, top=top),
        polygon=tuple(Point(x=x, y=y) for x, y in corners),
    )


def derived_labels(image: bytes) -> tuple[CustomLabel, ...]:
    """The labels derived from ``image``'s SHA-256: one to four, every second one with a Geometry."""
    digest = hashlib.sha256(image).digest()
    count = digest[0] % 4 + 1
    labels = []
    for index in range(count):
        part = hashlib.sha256(digest + bytes([index])).digest()
        labels.append(
            CustomLabel(
                name=_NAMES[(digest[1] + index) % len(_NAMES)],
                confidence=round(100 * _ratio(part, 8), 2),
                geometry=_geometry(part) if index % 2 else None,
            )
        )
    return tuple(labels)


def label_answer(
    labels: Sequence[CustomLabel], *, min_confidence: float | None, max_results: int | None
) -> dict[str, Any]:
    """The response members for ``labels``, as the request's filters pick them."""
    floor = ASSUMED_THRESHOLD if min_confidence is None else min_confidence
    kept = sorted(
        (label for label in labels if (label.confidence or 0.0) >= floor),
        key=lambda label: -(label.confidence or 0.0),
    )
    if max_results is not None:
        kept = kept[:max_results]
    return {"CustomLabels": [converter.unstructure(label) for label in kept]}


class LabelBook:
    """The labels tests set, by version and optionally by image; derived ones otherwise."""

    def __init__(self) -> None:
        # (version ARN, SHA-256 of the image or None for any image) -> labels.
        self._set: dict[tuple[str, bytes | None], tuple[CustomLabel, ...]] = {}

    def set(self, arn: str, labels: Sequence[CustomLabel], image: bytes | None) -> None:
        """From now on, ``arn`` finds ``labels`` in ``image`` (in any image, for None).

        Raises:
            ValueError: A label has no name, or a confidence outside 0 to 100.
        """
        for label in labels:
            if not label.name or not is_confidence(label.confidence):
                msg = f"a label needs a name and a confidence from 0 to 100: {label!r}"
                raise ValueError(msg)
        key = None if image is None else hashlib.sha256(image).digest()
        self._set[(arn, key)] = tuple(labels)

    def labels(self, arn: str, image: bytes) -> tuple[CustomLabel, ...]:
        """What ``arn`` finds in ``image``: set for this image, set for any, or derived."""
        for key in (hashlib.sha256(image).digest(), None):
            found = self._set.get((arn, key))
            if found is not None:
                return found
        return derived_labels(image)
