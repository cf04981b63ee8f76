"""CloudWatch's ``GetMetricData`` on the wire: the fake's answers in both forms botocore may send.

The installed botocore sends CloudWatch requests in awsJson 1.0 (``POST /``,
``X-Amz-Target: GraniteServiceVersion20100801.GetMetricData``), although the
service model lists ``smithy-rpc-v2-cbor`` first; the fake answers that CBOR
form too (``POST /service/GraniteServiceVersion20100801/operation/GetMetricData``),
so it stays right if botocore's choice changes. Errors are awsQueryCompatible:
``__type`` names the error shape, and the ``x-amzn-query-error`` header carries
the code botocore reports (``InvalidParameterValue;Sender``).

The request is checked in ``_cloudwatch_request`` and answered in
``_cloudwatch_query``; this module only reads and writes the bytes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from . import _cbor
from ._cloudwatch_query import get_metric_data
from ._cloudwatch_request import ERRORS, CloudWatchError
from ._fake import FakeCustomLabels
from ._faults import FaultKind
from ._http import WireReply, target

__all__ = ["CBOR_PATH_PREFIX", "JSON_CONTENT_TYPE", "TARGET_PREFIX", "claims", "dispatch"]

SERVICE = "GraniteServiceVersion20100801"
TARGET_PREFIX = f"{SERVICE}."
CBOR_PATH_PREFIX = f"/service/{SERVICE}/operation/"
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
CBOR_CONTENT_TYPE = "application/cbor"
OPERATION = "GetMetricData"

# Faults are scripted with Rekognition's codes; CloudWatch says the same thing thus.
_FAULT_CODES = {
    "ThrottlingException": "Throttling",
    "ProvisionedThroughputExceededException": "Throttling",
    "InternalServerError": "InternalServiceError",
    "AccessDeniedException": "AccessDenied",
}


def claims(path: str, headers: Mapping[str, str]) -> bool:
    """Whether an HTTP request is for CloudWatch, in either wire form."""
    if path.startswith(CBOR_PATH_PREFIX):
        return True
    return target(headers).startswith(TARGET_PREFIX)


def _epoch(value: datetime) -> int | float:
    seconds = value.timestamp()
    return int(seconds) if seconds.is_integer() else seconds


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _epoch(value)
    raise TypeError(type(value).__name__)  # pragma: no cover - the answer holds nothing else


def _recorded(value: Any) -> Any:
    """Request members as JSON would carry them: timestamps in epoch seconds."""
    if isinstance(value, datetime):
        return _epoch(value)
    if isinstance(value, dict):
        return {k: _recorded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_recorded(v) for v in value]
    return value


@attrs.frozen
class _Form:
    """One wire form: how bodies are read and written, and the headers of every answer."""

    cbor: bool

    def headers(self, request_id: str, **extra: str) -> dict[str, str]:
        if self.cbor:
            return {
                "Content-Type": CBOR_CONTENT_TYPE,
                "smithy-protocol": "rpc-v2-cbor",
                "x-amzn-RequestId": request_id,
                **extra,
            }
        return {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": request_id, **extra}

    def dumps(self, value: Mapping[str, Any]) -> bytes:
        if self.cbor:
            return _cbor.encode(dict(value))
        return json.dumps(value, default=_json_default).encode()

    def loads(self, body: bytes) -> Any:
        if not body:
            return {}
        if self.cbor:
            return _cbor.decode(body)
        return json.loads(body)

    def error(
        self, code: str, message: str, request_id: str, *, status: int | None = None, delay: float = 0.0
    ) -> WireReply:
        shape, known_status, fault = ERRORS.get(code, (code, 400, ""))
        status = status if status is not None else known_status
        extra = {}
        if code not in _UNROUTED:
            # Without this header botocore reports the shape's name, not the code.
            fault = fault or ("Receiver" if status >= 500 else "Sender")  # noqa: PLR2004 -- 5xx
            extra["x-amzn-query-error"] = f"{code};{fault}"
        body = self.dumps({"__type": f"com.amazonaws.cloudwatch#{shape}", "message": message})
        return WireReply(
            status=status,
            headers=self.headers(request_id, **extra),
            body=body,
            operation=OPERATION if code not in _UNROUTED else None,
            delay=delay,
        )


# Errors about the request itself, before any operation is known.
_UNROUTED = frozenset({"UnknownOperationException", "SerializationException"})


def dispatch(  # noqa: PLR0911 -- one return per kind of answer
    fake: FakeCustomLabels, *, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> WireReply:
    """Answer one HTTP request to the fake CloudWatch (see ``claims``)."""
    request_id = str(uuid.uuid4())
    form = _Form(cbor=path.startswith(CBOR_PATH_PREFIX))
    if form.cbor:
        operation = path.removeprefix(CBOR_PATH_PREFIX)
    else:
        operation = target(headers).removeprefix(TARGET_PREFIX)
    if method != "POST" or operation != OPERATION:
        return form.error(
            "UnknownOperationException", f"The fake CloudWatch serves only {OPERATION}.", request_id
        )
    try:
        params = form.loads(body)
    except (ValueError, RecursionError):
        params = None
    if not isinstance(params, dict):
        return form.error("SerializationException", "The request body is not a valid object.", request_id)

    fake.record(OPERATION, _recorded(params))
    delay, fault = fake.faults.take(OPERATION)
    if fault is not None and fault.kind is FaultKind.ERROR:
        code = _FAULT_CODES.get(fault.code, fault.code)
        # A server error keeps the 5xx it was scripted with; others take CloudWatch's status
        # (throttling is a 500 for Rekognition, a 400 for CloudWatch).
        server = ERRORS.get(code, ("", fault.status, ""))[2] == "Receiver"
        status = fault.status if code not in ERRORS or (server and fault.status >= 500) else None  # noqa: PLR2004
        return form.error(code, fault.message, request_id, status=status, delay=delay)
    if fault is not None and fault.kind is FaultKind.DROP:
        return WireReply(status=0, headers={}, body=b"", drop=True, operation=OPERATION, delay=delay)
    if fault is not None and fault.kind is FaultKind.MALFORMED:
        return WireReply(
            status=200, headers=form.headers(request_id), body=fault.body, operation=OPERATION, delay=delay
        )
    try:
        result = get_metric_data(fake, params)
    except CloudWatchError as exc:
        return form.error(exc.code, exc.message, request_id, status=exc.status, delay=delay)
    return WireReply(
        status=200,
        headers=form.headers(request_id),
        body=form.dumps(result),
        truncate=fault is not None and fault.kind is FaultKind.TRUNCATED,
        operation=OPERATION,
        delay=delay,
    )
