"""What both wire protocols of the fake share: the answer a transport sends, and the request's target."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["WireReply", "target"]


@attrs.frozen(kw_only=True)
class WireReply:
    """What the transport sends back.

    Attributes:
        status: The HTTP status.
        headers: The HTTP headers.
        body: The body.
        operation: The operation the request named, if any.
        delay: Seconds to wait before answering.
        truncate: Send only part of the body, then close the connection.
        drop: Close the connection without answering.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    operation: str | None = None
    delay: float = 0.0
    truncate: bool = False
    drop: bool = False


def target(headers: Mapping[str, str]) -> str:
    """The request's ``X-Amz-Target`` header (any case), or ``""``."""
    return next((value for key, value in headers.items() if key.lower() == "x-amz-target"), "")
