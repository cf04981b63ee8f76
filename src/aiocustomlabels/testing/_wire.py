"""The awsJson1_1 protocol of the fake: HTTP requests in, HTTP answers out.

Both transports, in-process and loopback, go through ``dispatch``, so they
answer byte for byte alike. Every request gets an answer the service could
give, with ``__type``, whatever its body holds; what the fake does with a
request it cannot read is in ``docs/testing.md`` ("assumed": AWS documents
none of it).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping

from . import _cloudwatch
from ._fake import FakeCustomLabels, FakeServiceError
from ._faults import FaultKind
from ._http import WireReply, target
from ._images import decode_image_bytes

__all__ = ["CONTENT_TYPE", "MAX_REQUEST_BYTES", "TARGET_PREFIX", "WireReply", "dispatch"]

logger = logging.getLogger("aiocustomlabels.testing")

CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "RekognitionService."

#: The largest request body the fake reads (assumed: 8 MiB). A DetectCustomLabels
#: request with a 5 MiB image is about 7 MiB of JSON (base64 is 4/3 of the bytes);
#: anything much larger is refused unread. A transport needs to hand ``dispatch``
#: no more than one byte past it.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def _headers(request_id: str, **extra: str) -> dict[str, str]:
    return {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id, **extra}


def error_reply(
    code: str, message: str, status: int, request_id: str, *, operation: str | None = None, delay: float = 0.0
) -> WireReply:
    """An error answer as AWS JSON services send it: ``__type`` and ``message``."""
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = _headers(request_id, **{"x-amzn-ErrorType": code})
    return WireReply(status=status, headers=headers, body=body, operation=operation, delay=delay)


def dispatch(  # noqa: PLR0911 -- one return per kind of answer
    fake: FakeCustomLabels, *, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> WireReply:
    """Answer one HTTP request to the fake service."""
    if _cloudwatch.claims(path, headers):
        return _cloudwatch.dispatch(fake, method=method, path=path, headers=headers, body=body)
    request_id = str(uuid.uuid4())
    named = target(headers)
    if method != "POST" or path not in {"/", ""}:
        return error_reply("UnknownOperationException", f"No route for {method} {path}.", 404, request_id)
    if not named.startswith(TARGET_PREFIX):
        return error_reply("UnknownOperationException", f"Unknown target {named!r}.", 400, request_id)
    operation = named.removeprefix(TARGET_PREFIX)
    if len(body) > MAX_REQUEST_BYTES:
        message = f"Request body must not exceed {MAX_REQUEST_BYTES} bytes."
        return error_reply("ValidationException", message, 413, request_id)
    try:
        params = json.loads(body) if body else {}
    except (ValueError, RecursionError):
        # Not JSON, or nested deeper than a parser follows (the service's Jackson stops at 1000).
        params = None
    if not isinstance(params, dict):
        return error_reply(
            "SerializationException", "The request body is not a JSON object.", 400, request_id
        )
    try:
        params = decode_image_bytes(operation, params)
    except FakeServiceError as exc:
        return error_reply(exc.code, exc.message, exc.status, request_id)

    fake.record(operation, params)
    delay, fault = fake.faults.take(operation)
    if fault is not None and fault.kind is FaultKind.ERROR:
        return error_reply(
            fault.code, fault.message, fault.status, request_id, operation=operation, delay=delay
        )
    if fault is not None and fault.kind is FaultKind.DROP:
        return WireReply(status=0, headers={}, body=b"", drop=True, operation=operation, delay=delay)
    if fault is not None and fault.kind is FaultKind.MALFORMED:
        return WireReply(
            status=200, headers=_headers(request_id), body=fault.body, operation=operation, delay=delay
        )
    try:
        result = fake.call(operation, params)
    except FakeServiceError as exc:
        return error_reply(exc.code, exc.message, exc.status, request_id, operation=operation, delay=delay)
    except Exception:
        # A bug of the fake's: still an answer as the service's, and loud in the log.
        logger.exception("the fake failed on %s %r", operation, params)
        return error_reply(
            "InternalServerError", "The fake failed.", 500, request_id, operation=operation, delay=delay
        )
    truncate = fault is not None and fault.kind is FaultKind.TRUNCATED
    return WireReply(
        status=200,
        headers=_headers(request_id),
        body=json.dumps(result).encode(),
        truncate=truncate,
        operation=operation,
        delay=delay,
    )
