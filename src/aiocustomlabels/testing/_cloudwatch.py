"""The fake's CloudWatch: ``GetMetricData`` over the inference-unit metrics its versions publish.

The installed botocore sends CloudWatch requests in awsJson 1.0 (``POST /``,
``X-Amz-Target: GraniteServiceVersion20100801.GetMetricData``), although the
service model lists ``smithy-rpc-v2-cbor`` first; the fake answers that CBOR
form too (``POST /service/GraniteServiceVersion20100801/operation/GetMetricData``),
so it stays right if botocore's choice changes. Errors are awsQueryCompatible:
``__type`` names the error shape, and the ``x-amzn-query-error`` header carries
the code botocore reports (``InvalidParameterValue;Sender``); ``ERRORS`` maps
one to the other. Only the inference-unit metrics of ``AWS/Rekognition`` have
data; any other metric is an empty series, as CloudWatch answers for a metric
it does not have. ``_wire`` carries the bytes; ``CloudWatchForm`` reads and
writes them.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import cbor2

from .._rules import METRIC_DIMENSIONS, METRICS_NAMESPACE, UNIT_METRICS, is_period
from ._fake import FakeCustomLabels, FakeServiceError, Fault, PageTokens, scope_digest
from ._inference import UnitsMinute

SERVICE = "GraniteServiceVersion20100801"
TARGET_PREFIX = f"{SERVICE}."
CBOR_PATH_PREFIX = f"/service/{SERVICE}/operation/"
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
OPERATION = "GetMetricData"

MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
_ID = re.compile(r"^[a-z][a-zA-Z0-9_]{0,254}$")

# Query code -> (error shape, HTTP status, fault type), from the service model where it has them.
ERRORS: dict[str, tuple[str, int, str]] = {
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


def _error(code: str, message: str) -> FakeServiceError:
    """CloudWatch's error answer: ``code`` is what botocore reports (``Error.Code``)."""
    return FakeServiceError(code, message, ERRORS.get(code, ("", 400, ""))[1])


def _invalid(message: str) -> FakeServiceError:
    return _error("InvalidParameterValue", message)


STATISTICS: dict[str, Callable[[Sequence[float]], float]] = {
    "Average": lambda values: sum(values) / len(values),
    "Minimum": min,
    "Maximum": max,
    "Sum": sum,
    "SampleCount": lambda values: float(len(values)),
}


@attrs.frozen(kw_only=True)
class MetricQuery:
    """One of the request's ``MetricDataQueries``, checked."""

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
        raise _error("MissingParameter", f"The parameter {member} is required.")
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
        raise _error("MissingParameter", f"The parameter {path}.{name} is required.")
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


def _query(raw: Any, index: int) -> MetricQuery:
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
        raise _error(
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
    if statistic not in STATISTICS:
        raise _invalid(
            f"The value {statistic} for parameter {where}.Stat is not supported by the fake: "
            f"use one of {', '.join(sorted(STATISTICS))}."
        )
    unit = stat.get("Unit")
    label = raw.get("Label")
    return_data = raw.get("ReturnData", True)
    name = metric.get("MetricName")
    return MetricQuery(
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


@attrs.frozen(kw_only=True)
class MetricRequest:
    """A ``GetMetricData`` request, checked; ``digest`` is what its NextToken is bound to."""

    queries: list[MetricQuery]
    start: float
    end: float
    scan_by: str
    page_size: int
    digest: str


def metric_request(params: Mapping[str, Any]) -> MetricRequest:
    """The request's members, checked as CloudWatch checks them."""
    raw_queries = params.get("MetricDataQueries")
    if raw_queries is None:
        raise _error("MissingParameter", "The parameter MetricDataQueries is required.")
    if not isinstance(raw_queries, list) or not raw_queries:
        raise _invalid("The parameter MetricDataQueries must hold 1 to 500 queries.")
    if len(raw_queries) > MAX_QUERIES:
        raise _invalid(f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}.")
    start, end = _time(params, "StartTime"), _time(params, "EndTime")
    if start == end:
        raise _error("ValidationError", "The parameter StartTime must not equal parameter EndTime.")
    if start > end:
        raise _error("ValidationError", "The parameter EndTime must be greater than StartTime.")
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
    return MetricRequest(
        queries=queries,
        start=start,
        end=end,
        scan_by=scan_by,
        page_size=page_size,
        digest=scope_digest(raw_queries, start, end, scan_by),
    )


_DAY = 86_400.0
# CloudWatch's tokens, signed under a secret of this process's.
_TOKENS = PageTokens()


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


def _series(query: MetricQuery, minutes: list[UnitsMinute], start: float) -> list[tuple[float, float]]:
    """The query's datapoints, oldest first: one per period bucket that has any minute."""
    buckets: dict[int, list[float]] = {}
    for minute in minutes:
        value = minute.value(query.metric_name)
        if value is not None:
            index = int((minute.timestamp.timestamp() - start) // query.period)
            buckets.setdefault(index, []).append(float(value))
    reduce = STATISTICS[query.stat]
    return [(start + index * query.period, reduce(values)) for index, values in sorted(buckets.items())]


def _version_of(query: MetricQuery) -> tuple[str, str] | None:
    """The (project, version) a query names, if it names an inference-unit metric exactly."""
    dimensions = dict(query.dimensions)
    if (
        query.namespace != METRICS_NAMESPACE
        or query.metric_name not in UNIT_METRICS
        or query.unit not in (None, "Count")
        or len(dimensions) != len(query.dimensions)
        or set(dimensions) != set(METRIC_DIMENSIONS)
    ):
        return None
    return (dimensions["ProjectName"], dimensions["VersionName"])


def _all_series(
    fake: FakeCustomLabels, request: MetricRequest, as_of: float
) -> list[tuple[MetricQuery, list[tuple[float, float]]]]:
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
        FakeServiceError: CloudWatch's error answer.
    """
    request = metric_request(params)
    now = fake.clock.now()
    offset, as_of = 0, now
    if params.get("NextToken") is not None:
        data = _TOKENS.read(params["NextToken"])
        if data is None or data["r"] != request.digest:
            raise _error("InvalidNextToken", "The NextToken is not valid for this request.")
        if now - data["a"] > fake.token_ttl:
            raise _error("InvalidNextToken", "The NextToken has expired.")
        offset, as_of = int(data["o"]), float(data["a"])
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
        answer["NextToken"] = _TOKENS.make({"r": request.digest, "o": stop, "a": as_of})
    return answer


# Faults are scripted with Rekognition's codes; CloudWatch says the same thing thus.
_FAULT_CODES = {
    "ThrottlingException": "Throttling",
    "ProvisionedThroughputExceededException": "Throttling",
    "InternalServerError": "InternalServiceError",
    "AccessDeniedException": "AccessDenied",
}
# Errors about the request itself, before any operation is known.
_UNROUTED = frozenset({"UnknownOperationException", "SerializationException"})
# Deeper nesting than any request of the protocol: refused before Python's recursion limit.
_MAX_DEPTH = 64


def _epoch(value: datetime) -> int | float:
    seconds = value.timestamp()
    return int(seconds) if seconds.is_integer() else seconds


def _protocol_value(value: Any) -> Any:
    """A decoded CBOR item as JSON would carry it: undefined as null, tag 1 as epoch seconds.

    What the protocol never sends (other tags, simple values) is refused, so that
    a request the service could not read is a ``SerializationException``, not a
    value the fake then misreads.
    """
    if value is None or value is cbor2.undefined:
        return None
    if isinstance(value, datetime):
        return _epoch(value)
    if isinstance(value, bytes | str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_protocol_value(item) for item in value]
    if isinstance(value, dict):
        return {_protocol_value(key): _protocol_value(item) for key, item in value.items()}
    msg = f"CBOR item of type {type(value).__name__} is not supported by the protocol"
    raise ValueError(msg)


def _cbor_loads(body: bytes) -> Any:
    """One CBOR data item that fills ``body`` (ValueError for anything else)."""
    stream = io.BytesIO(body)
    try:
        # One byte a read: the stream's position then tells where the item ended.
        value = cbor2.CBORDecoder(stream, max_depth=_MAX_DEPTH, read_size=1).decode()
    except (cbor2.CBORDecodeError, OverflowError) as exc:
        raise ValueError(str(exc)) from exc
    if stream.tell() != len(body):
        msg = "bytes follow the CBOR data item"
        raise ValueError(msg)
    return _protocol_value(value)


@attrs.frozen
class CloudWatchForm:
    """One of CloudWatch's two wire forms, as ``_wire.dispatch`` speaks it."""

    cbor: bool

    @staticmethod
    def claims(path: str, target: str) -> CloudWatchForm | None:
        """The form of an HTTP request for CloudWatch; ``None`` when it is not one."""
        if path.startswith(CBOR_PATH_PREFIX):
            return CloudWatchForm(cbor=True)
        return CloudWatchForm(cbor=False) if target.startswith(TARGET_PREFIX) else None

    def operation(self, method: str, path: str, target: str) -> str:
        """The operation the request names; only GetMetricData is served."""
        named = path.removeprefix(CBOR_PATH_PREFIX) if self.cbor else target.removeprefix(TARGET_PREFIX)
        if method != "POST" or named != OPERATION:
            raise FakeServiceError(
                "UnknownOperationException", f"The fake CloudWatch serves only {OPERATION}."
            )
        return named

    def loads(self, operation: str, body: bytes) -> Any:
        """The request's members, timestamps in epoch seconds as JSON carries them."""
        if not body:
            return {}
        return _cbor_loads(body) if self.cbor else json.loads(body)

    def headers(self, request_id: str) -> dict[str, str]:
        """The headers of every answer."""
        if self.cbor:
            return {
                "Content-Type": "application/cbor",
                "smithy-protocol": "rpc-v2-cbor",
                "x-amzn-RequestId": request_id,
            }
        return {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": request_id}

    def dumps(self, value: Mapping[str, Any]) -> bytes:
        """An answer's body."""
        if self.cbor:
            return cbor2.dumps(dict(value), datetime_as_timestamp=True)
        return json.dumps(value, default=_epoch).encode()

    def error(self, exc: FakeServiceError, request_id: str) -> tuple[int, dict[str, str], bytes]:
        """The status, headers and body of an error answer."""
        shape, _, fault = ERRORS.get(exc.code, (exc.code, 400, ""))
        headers = self.headers(request_id)
        if exc.code not in _UNROUTED:
            # Without this header botocore reports the shape's name, not the code.
            fault = fault or ("Receiver" if exc.status >= 500 else "Sender")  # noqa: PLR2004 -- 5xx
            headers["x-amzn-query-error"] = f"{exc.code};{fault}"
        body = self.dumps({"__type": f"com.amazonaws.cloudwatch#{shape}", "message": exc.message})
        return exc.status, headers, body

    @staticmethod
    def fault(fault: Fault) -> FakeServiceError:
        """A scripted error fault, as CloudWatch says it.

        A server error keeps the 5xx it was scripted with; others take
        CloudWatch's status (throttling is a 500 for Rekognition, a 400 for CloudWatch).
        """
        code = _FAULT_CODES.get(fault.code, fault.code)
        known = ERRORS.get(code)
        if known is None or (known[2] == "Receiver" and fault.status >= 500):  # noqa: PLR2004 -- 5xx
            return FakeServiceError(code, fault.message, fault.status)
        return FakeServiceError(code, fault.message, known[1])

    @staticmethod
    def call(fake: FakeCustomLabels, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Answer the request."""
        return get_metric_data(fake, params)
