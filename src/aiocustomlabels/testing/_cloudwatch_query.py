"""CloudWatch's ``GetMetricData``, as the fake evaluates it: the datapoints of a checked request.

Only the inference-unit metrics of ``AWS/Rekognition`` have data; any other
metric is an empty series, as CloudWatch answers for a metric it does not have.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .._rules import METRIC_DIMENSIONS, METRICS_NAMESPACE, UNIT_METRICS
from ._cloudwatch_request import STATISTICS, CloudWatchError, MetricQuery, MetricRequest, metric_request
from ._fake import FakeCustomLabels
from ._metrics import UnitsMinute
from ._tokens import PageTokens

__all__ = ["get_metric_data"]

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


def _read_token(token: Any, digest: str, now: float, ttl: float) -> tuple[int, float]:
    data = _TOKENS.read(token)
    if data is None or data["r"] != digest:
        raise CloudWatchError("InvalidNextToken", "The NextToken is not valid for this request.")
    if now - data["a"] > ttl:
        raise CloudWatchError("InvalidNextToken", "The NextToken has expired.")
    return int(data["o"]), float(data["a"])


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
        CloudWatchError: CloudWatch's error answer.
    """
    request = metric_request(params)
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
        answer["NextToken"] = _TOKENS.make({"r": request.digest, "o": stop, "a": as_of})
    return answer
