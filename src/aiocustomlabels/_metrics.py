"""Auto-scaling at work: a version's inference units, as CloudWatch publishes them.

DescribeProjectVersions says what a start asked for (MinInferenceUnits,
MaxInferenceUnits); how many units are in service, and when the service
scaled, is published only as CloudWatch metrics, in the ``AWS/Rekognition``
namespace with the dimensions ``ProjectName`` and ``VersionName`` (Custom
Labels guide, "Reporting running duration and inference units used"). One
GetMetricData request asks for all four metrics, statistic Average; its pages
are merged by timestamp into ``InferenceUnitsSample`` values.

``Metrics`` is the capability ``CustomLabelsClient`` delegates to. Its
arguments were checked by the client.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

from ._arns import ProjectArn
from ._errors import MalformedResponseError
from ._rules import DESIRED_METRIC, IN_SERVICE_METRIC, MAX_METRIC, METRICS_NAMESPACE, MIN_METRIC
from ._transport import Transport

__all__ = ["InferenceUnitsSample", "Metrics", "wall_clock"]


def wall_clock() -> datetime:
    """The wall clock, now, in UTC: the clock of every client not given another."""
    return datetime.now(UTC)


#: The sample's field of each metric, which is also the query's Id (a lowercase letter first).
_QUERIES: Final = {
    "in_service": IN_SERVICE_METRIC,
    "desired": DESIRED_METRIC,
    "min_inference_units": MIN_METRIC,
    "max_inference_units": MAX_METRIC,
}

#: How far back ``units_in_service`` looks, in periods of a minute.
_RECENT_PERIODS: Final = 5


@attrs.frozen(kw_only=True)
class InferenceUnitsSample:
    """A version's inference units over one period, as CloudWatch averaged them.

    Each value is ``None`` where CloudWatch has no datapoint of that metric
    for the period (a version STARTING has desired units but none in
    service; one without a maximum publishes none).

    Attributes:
        timestamp: The start of the period, timezone-aware (UTC).
        in_service: ``InServiceInferenceUnits``: the units serving, and billed.
        desired: ``DesiredInferenceUnits``: what auto-scaling wants in service.
        min_inference_units: ``MinInferenceUnits``, as the version was started.
        max_inference_units: ``MaxInferenceUnits``, as the version was started.
    """

    timestamp: datetime
    in_service: float | None = None
    desired: float | None = None
    min_inference_units: float | None = None
    max_inference_units: float | None = None


class Metrics:
    """GetMetricData for a version's inference units.

    Args:
        transport: Sends the requests (through its CloudWatch client).
        clock: Says what time it is now, timezone-aware.
    """

    def __init__(self, transport: Transport, *, clock: Callable[[], datetime] = wall_clock) -> None:
        self._transport = transport
        self._clock = clock

    def now(self) -> datetime:
        """The time now, from the client's clock: the wall clock unless a test gave another.

        Not the event loop's clock: loop time is monotonic, does not count a
        suspend and drifts from the wall clock, while CloudWatch's windows are
        wall-clock times.
        """
        return self._clock()

    async def series(
        self, project: ProjectArn, version: str, *, start: datetime, end: datetime, period: int
    ) -> list[InferenceUnitsSample]:
        """The samples in [start, end), oldest first; periods without any datapoint are absent."""
        dimensions = [
            {"Name": "ProjectName", "Value": project.project_name},
            {"Name": "VersionName", "Value": version},
        ]
        queries = [
            {
                "Id": query_id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": METRICS_NAMESPACE,
                        "MetricName": metric,
                        "Dimensions": dimensions,
                    },
                    "Period": period,
                    "Stat": "Average",
                },
                "ReturnData": True,
            }
            for query_id, metric in _QUERIES.items()
        ]
        found: dict[datetime, dict[str, float]] = {}
        token: str | None = None
        while True:
            data = await self._transport.call(
                "GetMetricData",
                MetricDataQueries=queries,
                StartTime=start,
                EndTime=end,
                ScanBy="TimestampAscending",
                NextToken=token,
            )
            _merge(data, found)
            next_token = data.get("NextToken")
            if next_token is None:
                break
            if next_token == token:
                msg = "GetMetricData sent back the NextToken it was given: the listing would never end"
                raise MalformedResponseError(msg, ("NextToken",))
            token = next_token
        return [InferenceUnitsSample(timestamp=at, **found[at]) for at in sorted(found)]

    async def latest(self, project: ProjectArn, version: str) -> InferenceUnitsSample | None:
        """The latest sample with units in service, of the last few minutes; ``None`` if there is none."""
        now = self.now()
        samples = await self.series(
            project,
            version,
            start=now - timedelta(minutes=_RECENT_PERIODS),
            # The minute under way is published when it ends: a minute ahead takes it in.
            end=now + timedelta(minutes=1),
            period=60,
        )
        serving = [sample for sample in samples if sample.in_service is not None]
        return serving[-1] if serving else None


def _merge(data: dict[str, Any], found: dict[datetime, dict[str, float]]) -> None:
    """Add one page's datapoints to ``found``, by timestamp and then by field."""
    results = data.get("MetricDataResults")
    if not isinstance(results, list):
        # The transport has checked that the member is there; a proxy's page may still give it another shape.
        msg = "GetMetricData answered MetricDataResults that is not a list"
        raise MalformedResponseError(msg, ("MetricDataResults",))
    for index, result in enumerate(results):
        path: tuple[str | int, ...] = ("MetricDataResults", index)
        query_id = result.get("Id") if isinstance(result, dict) else None
        if query_id not in _QUERIES:
            raise MalformedResponseError(f"an Id this request did not send: {query_id!r}", (*path, "Id"))
        stamps, values = result.get("Timestamps", []), result.get("Values", [])
        if not (isinstance(stamps, list) and isinstance(values, list) and len(stamps) == len(values)):
            msg = "Timestamps and Values must be lists of the same length"
            raise MalformedResponseError(msg, (*path, "Values"))
        for position, (stamp, value) in enumerate(zip(stamps, values, strict=True)):
            if not isinstance(stamp, datetime) or stamp.tzinfo is None:
                raise MalformedResponseError(f"not a timestamp: {stamp!r}", (*path, "Timestamps", position))
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise MalformedResponseError(f"not a number: {value!r}", (*path, "Values", position))
            # botocore gives local-time datetimes: the samples are in UTC.
            found.setdefault(stamp.astimezone(UTC), {})[query_id] = float(value)
