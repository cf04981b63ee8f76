"""GetMetricData as the fake serves it, through its wire in both forms: semantics, paging, errors."""

from __future__ import annotations

import copy
import json
import math
import statistics
from collections.abc import Callable
from typing import Any

import pytest

from aiocustomlabels.testing import METRIC_NAMES, FakeCustomLabels
from aiocustomlabels.testing._cloudwatch import CBOR_PATH_PREFIX, TARGET_PREFIX
from aiocustomlabels.testing._wire import dispatch
from tests._cloudwatch_support import (
    MINUTE,
    T0,
    Curve,
    at,
    curve,
    expected_column,
    get_metric_data,
    minute_of,
    queries,
    whole,
)

FORMS = [pytest.param(False, id="json"), pytest.param(True, id="cbor")]
GET = "GetMetricData"


@pytest.fixture(scope="module")
def scene() -> Curve:
    """The issue's demand curve, played once (the tests only read it)."""
    return curve()


@pytest.mark.parametrize("cbor", FORMS)
def test_each_minute_of_the_curve_is_served(scene: Curve, cbor: bool) -> None:
    """Period 60, Average: every metric's datapoints are the scaling rule's, minute by minute, in both forms."""
    answer = get_metric_data(scene.fake, whole(scene), cbor=cbor)
    assert answer.reply.status == 200
    assert "NextToken" not in answer.body
    for index, metric in enumerate(METRIC_NAMES):
        assert answer.series(f"m{index}") == expected_column(metric), metric
    assert {r["StatusCode"] for r in answer.body["MetricDataResults"]} == {"Complete"}


def test_newest_first_by_default(scene: Curve) -> None:
    """Without ScanBy, datapoints come newest first (TimestampDescending)."""
    request = whole(scene)
    del request["ScanBy"]
    answer = get_metric_data(scene.fake, request)
    assert answer.series("m1") == expected_column(METRIC_NAMES[1])[::-1]


@pytest.mark.parametrize(
    ("stat", "reduce"),
    [
        ("Average", statistics.fmean),
        ("Minimum", min),
        ("Maximum", max),
        ("Sum", sum),
        ("SampleCount", len),
    ],
)
def test_a_period_bucket_reduces_its_minutes(
    scene: Curve, stat: str, reduce: Callable[[list[float]], float]
) -> None:
    """Period 300 from minute 0: each 5-minute bucket is the statistic of the minutes that published in it."""
    request = whole(
        scene, StartTime=at(0), MetricDataQueries=queries(scene.project, scene.version, period=300, stat=stat)
    )
    answer = get_metric_data(scene.fake, request)
    minutes = expected_column("InServiceInferenceUnits")
    buckets: dict[int, list[float]] = {}
    for minute, value in minutes:
        buckets.setdefault(int(minute) // 5 * 5, []).append(value)
    assert answer.series("m0") == [(float(b), float(reduce(v))) for b, v in sorted(buckets.items())]


def test_gaps_stay_gaps(scene: Curve) -> None:
    """Buckets without a datapoint are absent: InService starts at minute 10 and ends with the stop."""
    answer = get_metric_data(
        scene.fake, whole(scene, MetricDataQueries=queries(scene.project, scene.version, period=600))
    )
    assert [m for m, _ in answer.series("m0")] == [5.0, 15.0, 25.0, 35.0, 45.0, 55.0]
    assert [m for m, _ in answer.series("m1")] == [-5.0, 5.0, 15.0, 25.0, 35.0, 45.0, 55.0]


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        pytest.param(at(20), at(25), [20, 21, 22, 23, 24], id="start-inclusive-end-exclusive"),
        pytest.param(at(20.5), at(22), [20, 21], id="start-rounded-down-to-the-minute"),
        pytest.param(at(20).isoformat(), at(22).isoformat().replace("+00:00", "Z"), [20, 21], id="iso-8601"),
    ],
)
def test_the_time_window_served(scene: Curve, start: object, end: object, minutes: list[int]) -> None:
    """StartTime's minute is served (rounded down, as CloudWatch does), EndTime's not; ISO 8601 text is read too."""
    answer = get_metric_data(scene.fake, whole(scene, StartTime=start, EndTime=end))
    assert [m for m, _ in answer.series("m1")] == minutes


def test_return_data_false_and_labels(scene: Curve) -> None:
    """ReturnData false leaves a query out; Label is echoed, else the metric's name."""
    request = whole(scene)
    request["MetricDataQueries"][0]["ReturnData"] = False
    request["MetricDataQueries"][1]["Label"] = "wanted"
    answer = get_metric_data(scene.fake, request)
    labels = [(r["Id"], r["Label"]) for r in answer.body["MetricDataResults"]]
    assert labels == [("m1", "wanted"), ("m2", "MinInferenceUnits"), ("m3", "MaxInferenceUnits")]


def _with_metric(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(query: dict[str, Any]) -> None:
        change(query["MetricStat"])

    return mutate


@pytest.mark.parametrize(
    ("change", "served"),
    [
        pytest.param(lambda q: None, True, id="as-is"),
        pytest.param(_with_metric(lambda s: s.update(Unit="Count")), True, id="unit-count"),
        pytest.param(_with_metric(lambda s: s.update(Unit="Seconds")), False, id="other-unit"),
        pytest.param(
            _with_metric(lambda s: s["Metric"].update(Namespace="AWS/EC2")), False, id="other-namespace"
        ),
        pytest.param(
            _with_metric(lambda s: s["Metric"].update(MetricName="Latency")), False, id="other-metric"
        ),
        pytest.param(_with_metric(lambda s: s["Metric"]["Dimensions"].pop()), False, id="one-dimension"),
        pytest.param(
            _with_metric(lambda s: s["Metric"]["Dimensions"].append({"Name": "Operation", "Value": "x"})),
            False,
            id="extra-dimension",
        ),
        pytest.param(
            _with_metric(lambda s: s["Metric"]["Dimensions"][1].update(Value="v9")),
            False,
            id="unknown-version",
        ),
        pytest.param(
            _with_metric(lambda s: s["Metric"]["Dimensions"].reverse()), True, id="dimensions-in-any-order"
        ),
    ],
)
def test_only_the_exact_metric_has_data(
    scene: Curve, change: Callable[[dict[str, Any]], None], served: bool
) -> None:
    """Another namespace, metric, unit or set of dimensions is an empty, Complete series, as in CloudWatch."""
    request = whole(scene)
    request["MetricDataQueries"] = request["MetricDataQueries"][:1]
    change(request["MetricDataQueries"][0])
    answer = get_metric_data(scene.fake, request)
    (result,) = answer.body["MetricDataResults"]
    assert (answer.reply.status, result["StatusCode"]) == (200, "Complete")
    assert bool(result["Values"]) is served


# -- paging -------------------------------------------------------------------------------


def pages(fake: FakeCustomLabels, request: dict[str, Any], *, cbor: bool = False) -> list[dict[str, Any]]:
    """Every page of a request, following NextToken."""
    out = []
    while True:
        answer = get_metric_data(fake, request, cbor=cbor)
        assert answer.reply.status == 200, answer.body
        out.append(answer.body)
        if "NextToken" not in answer.body:
            return out
        request = {**request, "NextToken": answer.body["NextToken"]}


@pytest.mark.parametrize("cbor", FORMS)
@pytest.mark.parametrize("scan_by", ["TimestampAscending", "TimestampDescending"])
def test_max_datapoints_pages_across_all_queries(scene: Curve, cbor: bool, scan_by: str) -> None:
    """Pages of at most MaxDatapoints, counted across queries, list every query and join into the whole answer."""
    whole_answer = get_metric_data(scene.fake, whole(scene, ScanBy=scan_by)).body
    every = pages(scene.fake, whole(scene, ScanBy=scan_by, MaxDatapoints=37), cbor=cbor)
    assert len(every) == -(-sum(len(r["Values"]) for r in whole_answer["MetricDataResults"]) // 37)
    joined: dict[str, list[float]] = {}
    for page in every:
        assert sum(len(r["Values"]) for r in page["MetricDataResults"]) <= 37
        assert [r["Id"] for r in page["MetricDataResults"]] == ["m0", "m1", "m2", "m3"]
        for result in page["MetricDataResults"]:
            joined.setdefault(result["Id"], []).extend(result["Values"])
    assert joined == {r["Id"]: r["Values"] for r in whole_answer["MetricDataResults"]}


def test_status_code_says_which_queries_have_more(scene: Curve) -> None:
    """PartialData for a query with datapoints still to come, Complete for one whose last has been sent."""
    first = get_metric_data(scene.fake, whole(scene, MaxDatapoints=70)).body
    assert [r["StatusCode"] for r in first["MetricDataResults"]] == [
        "Complete",
        "PartialData",
        "PartialData",
        "PartialData",
    ]
    assert len(first["MetricDataResults"][1]["Values"]) == 70 - 51  # InService published 51 minutes


def test_later_pages_are_as_of_the_first() -> None:
    """A run that publishes between pages adds no datapoint: a paged answer is one snapshot."""
    scene = curve()
    request = {**whole(scene), "EndTime": at(500), "MaxDatapoints": 50}
    first = get_metric_data(scene.fake, request).body
    scene.fake.call("StartProjectVersion", {"ProjectVersionArn": scene.version_arn, "MinInferenceUnits": 1})
    scene.clock.advance(3600)
    rest = pages(scene.fake, {**request, "NextToken": first["NextToken"]})
    total = sum(len(r["Values"]) for page in [first, *rest] for r in page["MetricDataResults"])
    assert total == sum(len(expected_column(m)) for m in METRIC_NAMES)
    fresh = sum(len(r["Values"]) for page in pages(scene.fake, request) for r in page["MetricDataResults"])
    assert fresh > total


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"), id="forged"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: "%%%." + token.split(".")[1], id="bad-base64"),
        pytest.param(lambda token: 12345, id="number"),
        pytest.param(lambda token: "a.x", id="short-base64"),
    ],
)
def test_a_spoiled_token_is_invalid_next_token(scene: Curve, spoil: Callable[[str], object]) -> None:
    """A token the fake did not make, or not text, or not base64: InvalidNextToken, 400."""
    token = get_metric_data(scene.fake, whole(scene, MaxDatapoints=5)).body["NextToken"]
    answer = get_metric_data(scene.fake, whole(scene, NextToken=spoil(token)))
    assert (answer.reply.status, answer.code) == (400, "InvalidNextToken")
    assert "not valid" in answer.body["message"]


def test_an_empty_body_misses_every_parameter() -> None:
    """No body at all: MissingParameter."""
    reply = dispatch(
        FakeCustomLabels(),
        method="POST",
        path="/",
        headers={"X-Amz-Target": f"{TARGET_PREFIX}GetMetricData"},
        body=b"",
    )
    assert (reply.status, reply.headers["x-amzn-query-error"]) == (400, "MissingParameter;Sender")


def test_a_token_belongs_to_its_request(scene: Curve) -> None:
    """A token used with other queries or times: InvalidNextToken."""
    token = get_metric_data(scene.fake, whole(scene, MaxDatapoints=5)).body["NextToken"]
    answer = get_metric_data(scene.fake, whole(scene, NextToken=token, StartTime=at(0)))
    assert answer.code == "InvalidNextToken"
    assert get_metric_data(scene.fake, whole(scene, NextToken=token, MaxDatapoints=9)).code == ""


def test_a_token_expires_with_the_fakes_token_ttl() -> None:
    """A token older than token_ttl of fake time: InvalidNextToken."""
    scene = curve(token_ttl=600.0)
    token = get_metric_data(scene.fake, whole(scene, MaxDatapoints=5)).body["NextToken"]
    scene.clock.advance(601)
    answer = get_metric_data(scene.fake, whole(scene, NextToken=token))
    assert (answer.code, answer.body["message"]) == ("InvalidNextToken", "The NextToken has expired.")


# -- old data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_days", "period", "served"),
    [(2, 60, True), (20, 60, False), (20, 300, True), (70, 300, False), (70, 3600, True)],
)
def test_old_data_needs_a_coarser_period(age_days: int, period: int, served: bool) -> None:
    """Past 15 days a period must be a multiple of 300, past 63 days of 3600, or no datapoint is returned."""
    scene = curve()
    scene.clock.advance(age_days * 86_400)
    request = whole(scene, MetricDataQueries=queries(scene.project, scene.version, period=period))
    answer = get_metric_data(scene.fake, request)
    assert bool(answer.series("m2")) is served


def test_old_start_is_rounded_to_five_minutes() -> None:
    """Between 15 and 63 days ago, StartTime is rounded down to 5 minutes."""
    scene = curve()
    scene.clock.advance(20 * 86_400)
    request = whole(
        scene, StartTime=at(23), MetricDataQueries=queries(scene.project, scene.version, period=300)
    )
    five_minutes = math.floor(at(23).timestamp() / 300) * 300
    assert get_metric_data(scene.fake, request).series("m1")[0][0] == minute_of(five_minutes) == 21.0


# -- errors -------------------------------------------------------------------------------


def _query(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(request: dict[str, Any]) -> None:
        change(request["MetricDataQueries"][0])

    return mutate


def _stat(**members: Any) -> Callable[[dict[str, Any]], None]:
    return _query(lambda q: q["MetricStat"].update(members))


def _metric(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    return _query(lambda q: change(q["MetricStat"]["Metric"]))


BAD, MISSING, COMBINATION = "InvalidParameterValue", "MissingParameter", "InvalidParameterCombination"
ERRORS = [
    ("period-90", _stat(Period=90), BAD),
    ("period-45", _stat(Period=45), BAD),
    ("period-0", _stat(Period=0), BAD),
    ("period-text", _stat(Period="60"), BAD),
    ("percentile", _stat(Stat="p90"), BAD),
    ("no-stat", _query(lambda q: q["MetricStat"].pop("Stat")), MISSING),
    ("no-metric", _query(lambda q: q["MetricStat"].pop("Metric")), MISSING),
    ("bad-dimension", _metric(lambda m: m["Dimensions"][0].pop("Value")), MISSING),
    ("dimensions-not-list", _metric(lambda m: m.update(Dimensions="x")), BAD),
    ("dimension-not-object", _metric(lambda m: m.update(Dimensions=["x"])), BAD),
    ("expression", _query(lambda q: (q.pop("MetricStat"), q.update(Expression="SUM(m1)"))), BAD),
    ("both", _query(lambda q: q.update(Expression="m1")), COMBINATION),
    ("neither", _query(lambda q: q.pop("MetricStat")), COMBINATION),
    ("metric-stat-not-object", _query(lambda q: q.update(MetricStat=[])), BAD),
    ("upper-id", _query(lambda q: q.update(Id="M1")), BAD),
    ("no-id", _query(lambda q: q.pop("Id")), MISSING),
    ("duplicate-id", lambda r: r["MetricDataQueries"][1].update(Id="m0"), BAD),
    ("query-not-object", lambda r: r["MetricDataQueries"].append("x"), BAD),
    ("no-queries", lambda r: r.pop("MetricDataQueries"), MISSING),
    ("empty-queries", lambda r: r.update(MetricDataQueries=[]), BAD),
    ("501-queries", lambda r: r.update(MetricDataQueries=r["MetricDataQueries"] * 126), BAD),
    ("start-equals-end", lambda r: r.update(EndTime=r["StartTime"]), "ValidationError"),
    (
        "start-after-end",
        lambda r: r.update(StartTime=r["EndTime"], EndTime=r["StartTime"]),
        "ValidationError",
    ),
    ("no-start", lambda r: r.pop("StartTime"), MISSING),
    ("bad-start", lambda r: r.update(StartTime="yesterday"), BAD),
    ("start-not-a-time", lambda r: r.update(StartTime=True), BAD),
    ("scan-by", lambda r: r.update(ScanBy="Sideways"), BAD),
    ("max-datapoints-0", lambda r: r.update(MaxDatapoints=0), BAD),
]


@pytest.mark.parametrize("cbor", FORMS)
@pytest.mark.parametrize(("case", "spoil", "code"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_requests_get_cloudwatchs_error_codes(
    scene: Curve, cbor: bool, case: str, spoil: Callable[[dict[str, Any]], None], code: str
) -> None:
    """Each broken rule is a 400 with the code in x-amzn-query-error and the error shape in __type."""
    request = copy.deepcopy(whole(scene))
    spoil(request)
    answer = get_metric_data(scene.fake, request, cbor=cbor)
    assert (answer.reply.status, answer.code) == (400, code), answer.body
    assert answer.body["__type"].startswith("com.amazonaws.cloudwatch#")
    assert answer.reply.headers["x-amzn-query-error"].endswith(";Sender")


def test_short_periods_are_accepted(scene: Curve) -> None:
    """Period 30 (a high-resolution period) is not refused: each minute lands in its own bucket."""
    request = whole(scene, MetricDataQueries=queries(scene.project, scene.version, period=30))
    assert get_metric_data(scene.fake, request).series("m2") == expected_column("MinInferenceUnits")


FAULTS = [
    ("throttle-any-operation", lambda f: f.faults.throttle(), "Throttling", 400, "Sender"),
    (
        "throughput",
        lambda f: f.faults.throttle(GET, code="ProvisionedThroughputExceededException"),
        "Throttling",
        400,
        "Sender",
    ),
    ("server-error", lambda f: f.faults.server_error(), "InternalServiceError", 500, "Receiver"),
    (
        "server-error-503",
        lambda f: f.faults.server_error(GET, status=503),
        "InternalServiceError",
        503,
        "Receiver",
    ),
    ("denied", lambda f: f.faults.error("AccessDeniedException", GET), "AccessDenied", 403, "Sender"),
    (
        "cloudwatch-code",
        lambda f: f.faults.error("InvalidParameterValue", GET),
        "InvalidParameterValue",
        400,
        "Sender",
    ),
    ("any-code", lambda f: f.faults.error("Teapot", status=418), "Teapot", 418, "Sender"),
]


@pytest.mark.parametrize(
    ("script", "code", "status", "fault_type"), [c[1:] for c in FAULTS], ids=[c[0] for c in FAULTS]
)
def test_faults_speak_cloudwatch(
    scene: Curve, script: Callable[[FakeCustomLabels], object], code: str, status: int, fault_type: str
) -> None:
    """Faults scripted with Rekognition's codes answer with CloudWatch's, with its status and fault type."""
    fake = curve().fake
    script(fake)
    answer = get_metric_data(fake, whole(scene))
    assert (answer.reply.status, answer.reply.headers["x-amzn-query-error"]) == (
        status,
        f"{code};{fault_type}",
    )
    assert get_metric_data(fake, whole(scene)).reply.status == 200


def test_faults_for_other_operations_leave_cloudwatch_alone(scene: Curve) -> None:
    """A fault scripted for DescribeProjectVersions does not touch GetMetricData."""
    fake = curve().fake
    fake.faults.throttle("DescribeProjectVersions")
    assert get_metric_data(fake, whole(scene)).reply.status == 200
    assert len(fake.faults.pending) == 1


@pytest.mark.parametrize(
    ("script", "check"),
    [
        (lambda f: f.faults.drop("GetMetricData"), lambda r: r.drop),
        (lambda f: f.faults.truncate("GetMetricData"), lambda r: r.truncate and r.status == 200),
        (lambda f: f.faults.malformed("GetMetricData"), lambda r: r.body.startswith(b"<html>")),
        (lambda f: f.faults.latency(2.5, "GetMetricData"), lambda r: r.delay == 2.5 and r.status == 200),
    ],
    ids=["drop", "truncate", "malformed", "latency"],
)
def test_transport_faults_apply_to_cloudwatch(
    scene: Curve, script: Callable[[FakeCustomLabels], object], check: Callable[[Any], bool]
) -> None:
    """Dropped, truncated, malformed and late answers reach CloudWatch clients as they do Rekognition's."""
    fake = curve().fake
    script(fake)
    reply = dispatch(
        fake,
        method="POST",
        path="/",
        headers={"X-Amz-Target": f"{TARGET_PREFIX}GetMetricData"},
        body=json.dumps({**whole(scene), "StartTime": T0, "EndTime": T0 + 600}).encode(),
    )
    assert check(reply)


def test_requests_are_recorded_with_epoch_times(scene: Curve) -> None:
    """Each GetMetricData is recorded, its timestamps in epoch seconds whichever form carried them."""
    fake = curve().fake
    get_metric_data(fake, whole(scene), cbor=True)
    (recorded,) = fake.requests_for("GetMetricData")
    assert recorded.params["StartTime"] == T0 - 5 * MINUTE
    assert recorded.params["MetricDataQueries"][0]["Id"] == "m0"


JSON_GET = {"X-Amz-Target": f"{TARGET_PREFIX}GetMetricData"}
UNSERVED = [
    (
        "json-other-operation",
        "/",
        {"X-Amz-Target": f"{TARGET_PREFIX}ListMetrics"},
        b"{}",
        "UnknownOperationException",
    ),
    ("cbor-other-operation", f"{CBOR_PATH_PREFIX}PutMetricData", {}, b"\xa0", "UnknownOperationException"),
    ("json-not-object", "/", JSON_GET, b"[1]", "SerializationException"),
    ("json-broken", "/", JSON_GET, b"{", "SerializationException"),
    ("cbor-broken", f"{CBOR_PATH_PREFIX}GetMetricData", {}, b"\xff\x00", "SerializationException"),
    ("deep", f"{CBOR_PATH_PREFIX}GetMetricData", {}, b"[" * 5000, "SerializationException"),
]


@pytest.mark.parametrize(
    ("path", "headers", "body", "code"), [u[1:] for u in UNSERVED], ids=[u[0] for u in UNSERVED]
)
def test_requests_it_cannot_serve(path: str, headers: dict[str, str], body: bytes, code: str) -> None:
    """Other operations and unreadable bodies: a 400 naming the problem in __type, with no query-error code."""
    fake = FakeCustomLabels()
    reply = dispatch(fake, method="POST", path=path, headers=headers, body=body)
    assert reply.status == 400
    assert "x-amzn-query-error" not in reply.headers
    assert fake.requests == ()
    assert code.encode() in reply.body


def test_rekognition_is_still_served_beside_it() -> None:
    """A Rekognition request on the same endpoint still reaches the Rekognition fake."""
    fake = FakeCustomLabels()
    project = fake.add_project("shelf")
    reply = dispatch(
        fake,
        method="POST",
        path="/",
        headers={"X-Amz-Target": "RekognitionService.DescribeProjectVersions"},
        body=json.dumps({"ProjectArn": project}).encode(),
    )
    assert (reply.status, json.loads(reply.body)["ProjectVersionDescriptions"]) == (200, [])
