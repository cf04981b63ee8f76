"""Helpers shared by the tests of the fake's CloudWatch side (scaling, GetMetricData, CBOR)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import botocore
import cbor2

from aiocustomlabels import ProjectVersionArn
from aiocustomlabels.testing import METRIC_NAMES, FakeCustomLabels, VirtualClock
from aiocustomlabels.testing._cloudwatch import CBOR_PATH_PREFIX, JSON_CONTENT_TYPE, TARGET_PREFIX
from aiocustomlabels.testing._wire import WireReply, dispatch

#: A whole minute, so that the scene's minutes read 0, 1, 2... from its start.
T0 = 1_700_000_040.0
MINUTE = 60.0


def at(minute: float) -> datetime:
    """The time ``minute`` minutes after ``T0``."""
    return datetime.fromtimestamp(T0 + minute * MINUTE, UTC)


def minute_of(when: datetime | float) -> float:
    """How many minutes after ``T0`` a time is."""
    seconds = when.timestamp() if isinstance(when, datetime) else when
    return (seconds - T0) / MINUTE


def queries(
    project: str,
    version: str,
    *,
    period: int = 60,
    stat: str = "Average",
    metrics: Sequence[str] = METRIC_NAMES,
) -> list[dict[str, Any]]:
    """MetricDataQueries for a version's inference-unit metrics, ids ``m0``, ``m1``..."""
    return [
        {
            "Id": f"m{index}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Rekognition",
                    "MetricName": name,
                    "Dimensions": [
                        {"Name": "ProjectName", "Value": project},
                        {"Name": "VersionName", "Value": version},
                    ],
                },
                "Period": period,
                "Stat": stat,
            },
        }
        for index, name in enumerate(metrics)
    ]


@attrs.frozen(kw_only=True)
class CwAnswer:
    """A GetMetricData answer of the fake, decoded from either wire form.

    Attributes:
        reply: The answer as ``dispatch`` made it.
        body: The body, decoded.
    """

    reply: WireReply
    body: dict[str, Any]

    @property
    def code(self) -> str:
        """The code botocore reports: from ``x-amzn-query-error``, or ``""`` for a success."""
        return self.reply.headers.get("x-amzn-query-error", "").split(";")[0]

    def series(self, query_id: str) -> list[tuple[float, float]]:
        """One result's (minute after T0, value) pairs, in the order sent."""
        (result,) = [r for r in self.body["MetricDataResults"] if r["Id"] == query_id]
        return [(minute_of(t), v) for t, v in zip(result["Timestamps"], result["Values"], strict=True)]


def get_metric_data(fake: FakeCustomLabels, params: Mapping[str, Any], *, cbor: bool = False) -> CwAnswer:
    """GetMetricData through the fake's wire, as botocore sends it in awsJson 1.0 or rpc-v2-cbor.

    ``StartTime``/``EndTime`` may be datetimes; each form writes them its own way.
    """
    if cbor:
        headers = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
        path, body = f"{CBOR_PATH_PREFIX}GetMetricData", cbor2.dumps(dict(params), datetime_as_timestamp=True)
    else:
        headers = {"Content-Type": JSON_CONTENT_TYPE, "X-Amz-Target": f"{TARGET_PREFIX}GetMetricData"}
        path = "/"
        body = json.dumps(
            {k: v.timestamp() if isinstance(v, datetime) else v for k, v in params.items()}
        ).encode()
    reply = dispatch(fake, method="POST", path=path, headers=headers, body=body)
    decoded = cbor2.loads(reply.body) if cbor else json.loads(reply.body)
    if not cbor:
        for result in decoded.get("MetricDataResults", []):
            result["Timestamps"] = [datetime.fromtimestamp(t, UTC) for t in result["Timestamps"]]
    assert isinstance(decoded, dict)
    return CwAnswer(reply=reply, body=decoded)


@attrs.frozen(kw_only=True)
class Curve:
    """The demand curve of the issue, on a fake with a virtual clock.

    Started at minute 0 (min 1, max 4; a 10-minute start), the version runs
    from minute 10 with demand 0.5, then 3.2 from minute 20, 6 from minute 30
    and 0 from minute 40; it is stopped at minute 60 (a 1-minute stop), and
    the clock stands at minute 70.

    Attributes:
        fake: The fake.
        clock: Its clock.
        project: The project's name.
        version: The version's name.
        version_arn: The version's ARN.
    """

    fake: FakeCustomLabels
    clock: VirtualClock
    project: str
    version: str
    version_arn: ProjectVersionArn


DEMAND = ((10, 0.5), (20, 3.2), (30, 6.0), (40, 0.0))
STOP_MINUTE = 60
END_MINUTE = 70


def curve(**fake_options: Any) -> Curve:
    """The issue's demand curve, played on a new fake (see ``Curve``)."""
    clock = VirtualClock(start=T0)
    fake = FakeCustomLabels(clock=clock, start_seconds=600.0, stop_seconds=60.0, **fake_options)
    project = fake.add_project("shelf")
    version = fake.add_version(project, "v1")
    fake.call(
        "StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 1, "MaxInferenceUnits": 4}
    )
    now = 0.0
    for minute, units in DEMAND:
        clock.advance((minute - now) * MINUTE)
        now = minute
        fake.set_demand(version, units)
    clock.advance((STOP_MINUTE - now) * MINUTE)
    fake.call("StopProjectVersion", {"ProjectVersionArn": version})
    clock.advance((END_MINUTE - STOP_MINUTE) * MINUTE)
    return Curve(fake=fake, clock=clock, project="shelf", version="v1", version_arn=version)


# The curve at each minute: (in service, desired, min, max); None where nothing is published.
# Starting (0-9): Min, Max and Desired only. Demand 0.5 (10): desired 1. Demand 3.2 (20): desired 4,
# in service 4 five minutes later (25). Demand 6 (30): still 4 (the max). Demand 0 (40): desired 1,
# in service 1 fifteen minutes later (55). Stopping (60): the last values, unscaled. Stopped (61-69).
EXPECTED = (
    [(None, 1, 1, 4)] * 10
    + [(1, 1, 1, 4)] * 10
    + [(1, 4, 1, 4)] * 5
    + [(4, 4, 1, 4)] * 15
    + [(4, 1, 1, 4)] * 15
    + [(1, 1, 1, 4)] * 5
    + [(1, 1, 1, 4)]
)


def expected_column(metric: str) -> list[tuple[float, float]]:
    """The curve's (minute, value) pairs for one metric, from the scaling rule's table."""
    column = METRIC_NAMES.index(metric)
    return [(float(m), float(value)) for m, row in enumerate(EXPECTED) if (value := row[column]) is not None]


def whole(scene: Curve, **extra: Any) -> dict[str, Any]:
    """GetMetricData for the four metrics over the whole curve, a minute at a time, oldest first."""
    return {
        "MetricDataQueries": queries(scene.project, scene.version),
        "StartTime": at(-5),
        "EndTime": at(END_MINUTE + 5),
        "ScanBy": "TimestampAscending",
        **extra,
    }


def cbor_model_dir(tmp_path: Path) -> Path:
    """A data directory whose CloudWatch model lists only smithy-rpc-v2-cbor.

    Put first in a session's data-loader search paths (or in ``AWS_DATA_PATH``
    for the AWS CLI) before its first CloudWatch client, it makes botocore
    send the CBOR form.
    """
    source = Path(botocore.__file__).parent / "data/cloudwatch/2010-08-01/service-2.json.gz"
    model = json.loads(gzip.decompress(source.read_bytes()))
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    target = tmp_path / "cloudwatch" / "2010-08-01"
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model))
    return tmp_path
