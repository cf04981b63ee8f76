"""CloudWatch's ``GetMetricData``, as the fake serves it: semantics and both wire forms.

The installed botocore sends CloudWatch requests in awsJson 1.0 (``POST /``,
``X-Amz-Target: GraniteServiceVersion20100801.GetMetricData``), although the
service model lists ``smithy-rpc-v2-cbor`` first; the fake answers that CBOR
form too (``POST /service/GraniteServiceVersion20100801/operation/GetMetricData``),
so it stays right if botocore's choice changes. Errors are awsQueryCompatible:
``__type`` names the error shape, and the ``x-amzn-query-error`` header carries
the code botocore reports (``InvalidParameterValue;Sender``).

Only the inference-unit metrics of ``AWS/Rekognition`` have data; any other
metric is an empty series, as CloudWatch answers for a metric it does not have.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from .._rules import is_period
from . import _cbor
from ._fake import FakeCustomLabels
from ._faults import FaultKind
from ._metrics import DIMENSIONS, METRIC_NAMES, NAMESPACE, UnitsMinute
from ._wire import WireReply

__all__ = [
    "CBOR_PATH_PREFIX",
    "JSON_CONTENT_TYPE",
    "TARGET_PREFIX",
    "CloudWatchError",
    "claims",
    "dispatch",
    "get_metric_data",
]

SERVICE = "GraniteServiceVersion20100801"
TARGET_PREFIX = f"{SERVICE}."
CBOR_PATH_PREFIX = f"/service/{SERVICE}/operation/"
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
CBOR_CONTENT_TYPE = "application/cbor"
OPERATION = "GetMetricData"

MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
_ID = re.compile(r"^[a-z][a-zA-Z0-9_]{0,254}$")
_DAY = 86_400.0

# Query code -> (error shape, HTTP status, fault type), from the service model where it has them.
_ERRORS: dict[str, tuple[str, int, str]] = {
    "InvalidParameterValue": ("InvalidParameterValueException", 400, "Sender"),
    "InvalidParameterCombination": ("InvalidParameterCombinationException", 400, "Sender"),
    "InvalidNextToken": ("InvalidNextToken", 400, "Sender"),
    "MissingParameter": ("MissingRequiredParameterException", 400, "Sender"),
    "ValidationError": ("ValidationException", 400, "Sender"),
    "InternalServiceError": ("InternalServiceFault", 500, "Receiver"),
    # Not in the model: AWS's common errors.
    "Throttling": ("ThrottlingException", 400, "Sender"),
    "AccessDenied": ("AccessDeniedException", 403, "Sender"),
}
# Faults are scripted with Rekognition's codes; CloudWatch says the same thing thus.
_FAULT_CODES = {
    "ThrottlingException": "Throttling",
    "ProvisionedThroughputExceededException": "Throttling",
    "InternalServerError": "InternalServiceError",
    "AccessDeniedException": "AccessDenied",
}
_SECRET = secrets.token_bytes(16)


class CloudWatchError(Exception):
    """An error answer of the fake CloudWatch.

    Attributes:
        code: The code botocore reports (``Error.Code``), such as ``"InvalidParameterValue"``.
        message: The message.
        status: The HTTP status.
    """

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else _ERRORS.get(code, ("", 400, ""))[1]


def _invalid(message: str) -> CloudWatchError:
    return CloudWatchError("InvalidParameterValue", message)


def _average(values: Sequence[float]) -> float:
    return sum(values) / len(values)


_STATISTICS: dict[str, Callable[[Sequence[float]], float]] = {
    "Average": _average,
    "Minimum": min,
    "Maximum": max,
    "Sum": sum,
    "SampleCount": lambda values: float(len(values)),
}


# -- reading the request -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Query:
    id: str
    label: str
    return_data: bool
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    period: int
    stat: str
    unit: str | None


def _time(params: Mapping[str, Any], member: str) -> float:
    value = params.get(member)
    if value is None:
        raise CloudWatchError("MissingParameter", f"The parameter {member} is required.")
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise _invalid(f"The parameter {member} is not a valid timestamp.")


def _member(query: Mapping[str, Any], path: str, name: str, kind: type | tuple[type, ...]) -> Any:
    value = query.get(name)
    if value is None:
        raise CloudWatchError("MissingParameter", f"The parameter {path}.{name} is required.")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _invalid(f"The parameter {path}.{name} is not valid.")
    return value


def _dimensions(metric: Mapping[str, Any], path: str) -> tuple[tuple[str, str], ...]:
    raw = metric.get("Dimensions") or []
    if not isinstance(raw, list):
        raise _invalid(f"The parameter {path}.Dimensions is not valid.")
    pairs = []
    for index, item in enumerate(raw, 1):
        where = f"{path}.Dimensions.member.{index}"
        if not isinstance(item, dict):
            raise _invalid(f"The parameter {where} is not valid.")
        pairs.append((_member(item, where, "Name", str), _member(item, where, "Value", str)))
    return tuple(pairs)


def _query(raw: Any, index: int) -> _Query:
    path = f"MetricDataQueries.member.{index}"
    if not isinstance(raw, dict):
        raise _invalid(f"The parameter {path} is not valid.")
    query_id = _member(raw, path, "Id", str)
    if not _ID.match(query_id):
        raise _invalid(
            f"The value {query_id} for parameter {path}.Id is not valid: it must start with a "
            "lowercase letter and hold only letters, digits and underscores."
        )
    stat, expression = raw.get("MetricStat"), raw.get("Expression")
    if (stat is None) == (expression is None):
        raise CloudWatchError(
            "InvalidParameterCombination",
            f"Exactly one of {path}.MetricStat and {path}.Expression must be given.",
        )
    if expression is not None:
        raise _invalid(f"{path}.Expression: the fake does not evaluate metric math or Metrics Insights.")
    if not isinstance(stat, dict):
        raise _invalid(f"The parameter {path}.MetricStat is not valid.")
    where = f"{path}.MetricStat"
    metric = _member(stat, where, "Metric", dict)
    period = _member(stat, where, "Period", int)
    if not is_period(period):
        raise _invalid(
            f"The parameter {where}.Period must be a multiple of 60, or one of 1, 5, 10, 20 or 30."
        )
    statistic = _member(stat, where, "Stat", str)
    if statistic not in _STATISTICS:
        raise _invalid(
            f"The value {statistic} for parameter {where}.Stat is not supported by the fake: "
            f"use one of {', '.join(sorted(_STATISTICS))}."
        )
    unit = stat.get("Unit")
    label = raw.get("Label")
    return_data = raw.get("ReturnData", True)
    name = metric.get("MetricName")
    return _Query(
        id=query_id,
        label=label if isinstance(label, str) else str(name or query_id),
        return_data=return_data is not False,
        namespace=str(metric.get("Namespace", "")),
        metric_name=str(name or ""),
        dimensions=_dimensions(metric, f"{where}.Metric"),
        period=period,
        stat=statistic,
        unit=unit if isinstance(unit, str) else None,
    )


# -- computing the answer -------------------------------------------------------------------


def _rounded_start(start: float, now: float) -> float:
    """StartTime as CloudWatch rounds it down: to the minute, 5 minutes or hour, by its age."""
    age = now - start
    step = 60 if age < 15 * _DAY else 300 if age < 63 * _DAY else 3600
    return math.floor(start / step) * step


def _period_serves(period: int, start: float, now: float) -> bool:
    """Whether data that old is kept at this period (else CloudWatch returns no datapoints)."""
    age = now - start
    needed = 3600 if age > 63 * _DAY else 300 if age > 15 * _DAY else 60 if age > 3 * 3600 else 1
    return period % needed == 0


def _series(query: _Query, minutes: list[UnitsMinute], start: float) -> list[tuple[float, float]]:
    """The query's datapoints, oldest first: one per period bucket that has any minute."""
    buckets: dict[int, list[float]] = {}
    for minute in minutes:
        value = minute.value(query.metric_name)
        if value is not None:
            index = int((minute.timestamp.timestamp() - start) // query.period)
            buckets.setdefault(index, []).append(float(value))
    reduce = _STATISTICS[query.stat]
    return [(start + index * query.period, reduce(values)) for index, values in sorted(buckets.items())]


def _version_of(query: _Query) -> tuple[str, str] | None:
    """The (project, version) a query names, if it names an inference-unit metric exactly."""
    dimensions = dict(query.dimensions)
    if (
        query.namespace != NAMESPACE
        or query.metric_name not in METRIC_NAMES
        or query.unit not in (None, "Count")
        or len(dimensions) != len(query.dimensions)
        or set(dimensions) != set(DIMENSIONS)
    ):
        return None
    return (dimensions["ProjectName"], dimensions["VersionName"])


def _digest(queries: Any, start: float, end: float, scan_by: str) -> str:
    """What a NextToken is bound to: the request, less its NextToken and MaxDatapoints."""
    canonical = json.dumps([queries, start, end, scan_by], sort_keys=True, default=str).encode()
    return hashlib.sha256(canonical).hexdigest()[:16]


def _sign(body: bytes) -> str:
    return hmac.new(_SECRET, body, hashlib.sha256).hexdigest()[:32]


def _make_token(digest: str, offset: int, as_of: float) -> str:
    body = json.dumps({"r": digest, "o": offset, "a": as_of}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + _sign(body)


def _read_token(token: Any, digest: str, now: float, ttl: float) -> tuple[int, float]:
    bad = CloudWatchError("InvalidNextToken", "The NextToken is not valid for this request.")
    if not isinstance(token, str):
        raise bad
    encoded, _, signature = token.partition(".")
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raise bad from None
    if not signature.isascii() or not hmac.compare_digest(signature, _sign(body)):
        raise bad
    data = json.loads(body)
    if data["r"] != digest:
        raise bad
    if now - data["a"] > ttl:
        raise CloudWatchError("InvalidNextToken", "The NextToken has expired.")
    return int(data["o"]), float(data["a"])


@attrs.frozen(kw_only=True)
class _Request:
    queries: list[_Query]
    start: float
    end: float
    scan_by: str
    page_size: int
    digest: str


def _request(params: Mapping[str, Any]) -> _Request:
    """The request's members, checked as CloudWatch checks them."""
    raw_queries = params.get("MetricDataQueries")
    if raw_queries is None:
        raise CloudWatchError("MissingParameter", "The parameter MetricDataQueries is required.")
    if not isinstance(raw_queries, list) or not raw_queries:
        raise _invalid("The parameter MetricDataQueries must hold 1 to 500 queries.")
    if len(raw_queries) > MAX_QUERIES:
        raise _invalid(f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}.")
    start, end = _time(params, "StartTime"), _time(params, "EndTime")
    if start == end:
        raise CloudWatchError("ValidationError", "The parameter StartTime must not equal parameter EndTime.")
    if start > end:
        raise CloudWatchError("ValidationError", "The parameter EndTime must be greater than StartTime.")
    scan_by = params.get("ScanBy", "TimestampDescending")
    if scan_by not in ("TimestampDescending", "TimestampAscending"):
        raise _invalid(f"The value {scan_by} for parameter ScanBy is not valid.")
    page_size = params.get("MaxDatapoints", DEFAULT_MAX_DATAPOINTS)
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise _invalid(f"The value {page_size} for parameter MaxDatapoints must be a positive integer.")
    queries = [_query(raw, index) for index, raw in enumerate(raw_queries, 1)]
    seen: set[str] = set()
    for index, query in enumerate(queries, 1):
        if query.id in seen:
            raise _invalid(
                f"The value {query.id} for parameter MetricDataQueries.member.{index}.Id is used twice."
            )
        seen.add(query.id)
    return _Request(
        queries=queries,
        start=start,
        end=end,
        scan_by=scan_by,
        page_size=page_size,
        digest=_digest(raw_queries, start, end, scan_by),
    )


def _all_series(
    fake: FakeCustomLabels, request: _Request, as_of: float
) -> list[tuple[_Query, list[tuple[float, float]]]]:
    """Every query's datapoints as of ``as_of``, in the order of ``ScanBy``."""
    first = _rounded_start(request.start, as_of)
    published: dict[tuple[str, str], list[UnitsMinute]] = {}
    series = []
    for query in request.queries:
        if not query.return_data:
            continue
        version = _version_of(query)
        points: list[tuple[float, float]] = []
        if version is not None and _period_serves(query.period, first, as_of):
            if version not in published:
                published[version] = fake.published_by_name(
                    *version, start=first, end=min(request.end, as_of)
                )
            points = _series(query, published[version], first)
        if request.scan_by == "TimestampDescending":
            points.reverse()
        series.append((query, points))
    return series


def get_metric_data(fake: FakeCustomLabels, params: Mapping[str, Any]) -> dict[str, Any]:
    """Answer ``GetMetricData`` from the fake's published minutes.

    A page holds at most ``MaxDatapoints`` datapoints, counted across the
    queries in their order; every page lists every query. Pages after the
    first are computed as of the first page's time, so they neither repeat nor
    skip a datapoint. Timestamps in the answer are aware ``datetime`` objects;
    each wire form writes them its own way.

    Raises:
        CloudWatchError: CloudWatch's error answer.
    """
    request = _request(params)
    now = fake.clock.now()
    offset, as_of = 0, now
    if params.get("NextToken") is not None:
        offset, as_of = _read_token(params["NextToken"], request.digest, now, fake.token_ttl)
    results = []
    position = 0
    stop = offset + request.page_size
    for query, points in _all_series(fake, request, as_of):
        begin, finish = position, position + len(points)
        position = finish
        chosen = points[max(offset - begin, 0) : max(min(stop, finish) - begin, 0)]
        results.append(
            {
                "Id": query.id,
                "Label": query.label,
                "Timestamps": [datetime.fromtimestamp(at, UTC) for at, _ in chosen],
                "Values": [value for _, value in chosen],
                "StatusCode": "PartialData" if finish > stop else "Complete",
            }
        )
    answer: dict[str, Any] = {"MetricDataResults": results, "Messages": []}
    if position > stop:
        answer["NextToken"] = _make_token(request.digest, stop, as_of)
    return answer


# -- the wire --------------------------------------------------------------------------------


def claims(path: str, headers: Mapping[str, str]) -> bool:
    """Whether an HTTP request is for CloudWatch, in either wire form."""
    if path.startswith(CBOR_PATH_PREFIX):
        return True
    target = next((v for k, v in headers.items() if k.lower() == "x-amz-target"), "")
    return target.startswith(TARGET_PREFIX)


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
        shape, known_status, fault = _ERRORS.get(code, (code, 400, ""))
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
        target = next((v for k, v in headers.items() if k.lower() == "x-amz-target"), "")
        operation = target.removeprefix(TARGET_PREFIX)
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
        server = _ERRORS.get(code, ("", fault.status, ""))[2] == "Receiver"
        status = fault.status if code not in _ERRORS or (server and fault.status >= 500) else None  # noqa: PLR2004
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
