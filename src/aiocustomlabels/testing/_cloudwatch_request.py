"""CloudWatch's ``GetMetricData`` request, as the fake reads and checks it, and its errors.

Errors are awsQueryCompatible: ``__type`` names the error shape, and the
``x-amzn-query-error`` header carries the code botocore reports
(``InvalidParameterValue;Sender``); ``ERRORS`` maps one to the other.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from .._rules import is_period
from ._tokens import scope_digest

__all__ = ["ERRORS", "STATISTICS", "CloudWatchError", "MetricQuery", "MetricRequest", "metric_request"]

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
        self.status = status if status is not None else ERRORS.get(code, ("", 400, ""))[1]


def _invalid(message: str) -> CloudWatchError:
    return CloudWatchError("InvalidParameterValue", message)


def _average(values: Sequence[float]) -> float:
    return sum(values) / len(values)


STATISTICS: dict[str, Callable[[Sequence[float]], float]] = {
    "Average": _average,
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
    return MetricRequest(
        queries=queries,
        start=start,
        end=end,
        scan_by=scan_by,
        page_size=page_size,
        digest=scope_digest(raw_queries, start, end, scan_by),
    )
