"""inference_units() and units_in_service(): auto-scaling at work, from CloudWatch, through the fake."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from aiocustomlabels import (
    AccessDeniedError,
    ClientClosedError,
    ConfigurationError,
    CustomLabelsClient,
    CustomLabelsError,
    InvalidRequestError,
    MalformedResponseError,
    ThrottlingError,
)
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, in_process
from aiocustomlabels.testing import _cloudwatch as fake_cloudwatch
from aiocustomlabels.types import InferenceUnitsSample
from tests._cloudwatch_support import DEMAND, END_MINUTE, EXPECTED, MINUTE, STOP_MINUTE, T0, at
from tests._harness import NO_RETRIES, client_for, run

GET = "GetMetricData"
T = TypeVar("T")
PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/shelf/1700000000000"


def curve_fake() -> tuple[FakeCustomLabels, Any]:
    """A fake on the loop's time from T0 (a whole minute), with shelf/v1 TRAINING_COMPLETED."""
    fake = FakeCustomLabels(clock=LoopClock(epoch=T0), start_seconds=600.0, stop_seconds=60.0)
    project = fake.add_project("shelf")
    return fake, (project, fake.add_version(project, "v1"))


async def play_the_curve(fake: FakeCustomLabels, version: str) -> None:
    """The issue's curve on loop time: started at minute 0 (min 1, max 4); demand 0.5, 3.2, 6, 0; stopped at 60."""
    loop = asyncio.get_running_loop()

    async def until(minute: float) -> None:
        await asyncio.sleep(max(0.0, minute * MINUTE - loop.time()))

    await until(0)
    fake.call(
        "StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 1, "MaxInferenceUnits": 4}
    )
    for minute, units in DEMAND:
        await until(minute)
        fake.set_demand(version, units)
    await until(STOP_MINUTE)
    fake.call("StopProjectVersion", {"ProjectVersionArn": version})
    await until(END_MINUTE)


def rows(samples: list[InferenceUnitsSample]) -> list[tuple[float | None, ...]]:
    """Each sample's four values."""
    return [(s.in_service, s.desired, s.min_inference_units, s.max_inference_units) for s in samples]


def with_client(
    fake: FakeCustomLabels,
    work: Callable[[CustomLabelsClient], Awaitable[T]],
    *,
    curve: str | None = None,
    config: AioConfig | None = None,
) -> T:
    """``work(client)`` on a client of ``fake``, after the curve played on version ``curve`` if given."""

    async def main() -> T:
        async with client_for(fake, config=config) as client:
            if curve is not None:
                await play_the_curve(fake, curve)
            return await work(client)

    return run(main)


def the_whole_curve() -> tuple[FakeCustomLabels, list[InferenceUnitsSample]]:
    """The curve played, then read back whole through the library: the fake and the samples."""
    fake, (project, version) = curve_fake()
    end = at(END_MINUTE + 5)
    return fake, with_client(
        fake, lambda c: c.inference_units(project, "v1", start=at(-5), end=end), curve=version
    )


def test_the_samples_follow_the_scaling_rule_minute_by_minute() -> None:
    """Min 1, max 4; demand 0.5, 3.2, 6, 0: the library's samples are what the scaling rule says at each minute."""
    _, samples = the_whole_curve()
    assert [s.timestamp for s in samples] == [at(m) for m in range(len(EXPECTED))]
    assert all(s.timestamp.tzinfo is UTC for s in samples)
    assert rows(samples) == [tuple(None if v is None else float(v) for v in row) for row in EXPECTED]


def test_one_request_asks_for_the_four_metrics() -> None:
    """One GetMetricData asks for the four metrics of the version, Average, per period, oldest first."""
    fake, (project, version) = curve_fake()
    with_client(
        fake, lambda c: c.inference_units(project, "v1", start=at(0), end=at(30), period=300), curve=version
    )
    (request,) = fake.requests_for(GET)
    queries = request.params["MetricDataQueries"]
    assert sorted(q["MetricStat"]["Metric"]["MetricName"] for q in queries) == sorted(
        ["InServiceInferenceUnits", "DesiredInferenceUnits", "MinInferenceUnits", "MaxInferenceUnits"]
    )
    for query in queries:
        stat = query["MetricStat"]
        assert (stat["Period"], stat["Stat"], stat["Metric"]["Namespace"]) == (
            300,
            "Average",
            "AWS/Rekognition",
        )
        dimensions = {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]}
        assert dimensions == {"ProjectName": "shelf", "VersionName": "v1"}
    assert request.params["ScanBy"] == "TimestampAscending"
    assert (request.params["StartTime"], request.params["EndTime"]) == (at(0).timestamp(), at(30).timestamp())


def test_periods_average_the_minutes() -> None:
    """With a period of 5 minutes, each sample is the average of its five minutes."""
    fake, (project, version) = curve_fake()
    first, second = with_client(
        fake, lambda c: c.inference_units(project, "v1", start=at(20), end=at(30), period=300), curve=version
    )
    assert (first.timestamp, first.in_service, first.desired) == (at(20), 1.0, 4.0)
    assert (second.timestamp, second.in_service, second.desired) == (at(25), 4.0, 4.0)


def test_pages_are_followed_and_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    """When CloudWatch pages its answer (NextToken), every page is asked for and the series are merged."""
    monkeypatch.setattr(fake_cloudwatch, "DEFAULT_MAX_DATAPOINTS", 25)
    fake, samples = the_whole_curve()
    requests = fake.requests_for(GET)
    assert len(requests) > 4
    assert ["NextToken" in r.params for r in requests] == [False] + [True] * (len(requests) - 1)
    assert rows(samples) == [tuple(None if v is None else float(v) for v in row) for row in EXPECTED]


def test_gaps_stay_gaps() -> None:
    """Minutes in which the version published nothing are absent, not filled."""
    fake, (project, version) = curve_fake()

    async def restart_later(client: CustomLabelsClient) -> list[InferenceUnitsSample]:
        await asyncio.sleep(30 * MINUTE)
        fake.call("StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 2})
        await asyncio.sleep(20 * MINUTE)
        return await client.inference_units(project, "v1", start=at(0), end=at(120))

    samples = with_client(fake, restart_later, curve=version)
    minutes = [round((s.timestamp - at(0)).total_seconds() / MINUTE) for s in samples]
    assert minutes == [*range(61), *range(100, 120)]


def test_units_in_service_is_the_latest_minute() -> None:
    """units_in_service gives the latest minute with units in service: after a scale-up, the new count."""
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=600.0)
    project = fake.add_project("shelf")
    version = fake.add_version(project, "v1")

    async def main(client: CustomLabelsClient) -> tuple[InferenceUnitsSample | None, ...]:
        await client.start_and_wait(project, "v1", min_inference_units=1, max_inference_units=4)
        fake.set_demand(version, 2.5)
        await asyncio.sleep(20 * MINUTE)
        running = await client.units_in_service(project, "v1")
        await client.stop_and_wait(project, "v1")
        await asyncio.sleep(10 * MINUTE)
        return running, await client.units_in_service(project, "v1")

    running, stopped = with_client(fake, main)
    assert running is not None
    assert (running.in_service, running.desired, running.max_inference_units) == (3.0, 3.0, 4.0)
    assert stopped is None


def test_units_in_service_of_a_version_never_started_is_none() -> None:
    """A version that published nothing (never hosted) has no units in service: None."""
    fake, (project, _) = curve_fake()
    assert with_client(fake, lambda c: c.units_in_service(project, "v1")) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": at(10), "end": at(5)},
        {"start": at(10), "end": at(10)},
        {"start": datetime(2026, 1, 1), "end": at(5)},
        {"start": "2026-01-01T00:00Z"},
        {"start": at(0), "period": 61},
        {"start": at(0), "period": 90},
        {"start": at(0), "period": 0},
        {"start": at(0), "period": 7},
        {"start": at(0), "period": True},
        {"start": at(0), "period": 60.0},
    ],
)
def test_bad_arguments_are_refused_before_any_request(kwargs: dict[str, Any]) -> None:
    """Start not before end, naive times, periods CloudWatch refuses: InvalidRequestError, nothing sent."""
    fake, (project, _) = curve_fake()
    with pytest.raises(InvalidRequestError):
        with_client(fake, lambda c: c.inference_units(project, "v1", **kwargs))
    assert fake.requests == ()


@pytest.mark.parametrize("period", [1, 5, 10, 20, 30, 60, 300, 3600])
def test_periods_cloudwatch_takes_are_sent(period: int) -> None:
    """1, 5, 10, 20, 30 and multiples of 60 are periods CloudWatch takes."""
    fake, (project, _) = curve_fake()
    with_client(fake, lambda c: c.inference_units(project, "v1", start=at(0), end=at(60), period=period))
    assert len(fake.requests_for(GET)) == 1


@pytest.mark.parametrize(
    ("code", "error"), [("AccessDenied", AccessDeniedError), ("Throttling", ThrottlingError)]
)
def test_cloudwatchs_errors_are_the_librarys(code: str, error: type[CustomLabelsError]) -> None:
    """CloudWatch's codes raise the library's class of their meaning, with the code and the request id."""
    fake, (project, _) = curve_fake()
    fake.faults.error(code, GET, times=None, status=403 if code == "AccessDenied" else 400)
    with pytest.raises(error) as caught:
        with_client(
            fake, lambda c: c.inference_units(project, "v1", start=at(0), end=at(60)), config=NO_RETRIES
        )
    assert (caught.value.code, caught.value.operation) == (code, GET)  # type: ignore[attr-defined]
    assert caught.value.request_id  # type: ignore[attr-defined]


def test_an_answer_that_is_not_get_metric_datas_is_malformed() -> None:
    """A 200 whose body is not GetMetricData's output (a proxy's page) is a MalformedResponseError, never no data."""
    fake, (project, _) = curve_fake()
    fake.faults.malformed(GET)
    with pytest.raises(MalformedResponseError, match="MetricDataResults"):
        with_client(
            fake, lambda c: c.inference_units(project, "v1", start=at(0), end=at(60)), config=NO_RETRIES
        )


def test_a_client_without_cloudwatch_says_how_to_get_one() -> None:
    """A client made from a raw Rekognition client alone raises ConfigurationError, and sends nothing."""
    fake, (project, _) = curve_fake()

    async def main() -> None:
        with in_process(fake):
            async with (
                get_session().create_client("rekognition", region_name="us-east-1") as raw,
                CustomLabelsClient(raw) as client,
            ):
                await client.inference_units(project, "v1", start=at(0), end=at(60))

    with pytest.raises(ConfigurationError, match="cloudwatch="):
        run(main)
    assert fake.requests == ()


def test_a_cloudwatch_client_given_is_used_and_left_open() -> None:
    """cloudwatch= is used for the metrics, and stays the caller's: closing our client does not close it."""
    fake, (project, version) = curve_fake()

    async def main() -> None:
        session = get_session()
        with in_process(fake):
            async with (
                session.create_client("rekognition", region_name="us-east-1") as raw,
                session.create_client("cloudwatch", region_name="us-east-1") as cloudwatch,
            ):
                async with CustomLabelsClient(raw, cloudwatch=cloudwatch) as client:
                    await play_the_curve(fake, version)
                    assert len(await client.inference_units(project, "v1", start=at(0), end=at(60))) == 60
                # Still open: the caller's to close.
                stat = {"Metric": {"Namespace": "AWS/Rekognition", "MetricName": "MinInferenceUnits"}}
                query = {"Id": "m", "MetricStat": {**stat, "Period": 60, "Stat": "Average"}}
                answer = await cloudwatch.get_metric_data(
                    MetricDataQueries=[query], StartTime=at(0), EndTime=at(1)
                )
                assert answer["MetricDataResults"][0]["Id"] == "m"

    run(main)


def test_create_opens_cloudwatch_for_the_metrics_and_closes_it() -> None:
    """create() makes its own CloudWatch client for the metrics; once closed, no metrics call is sent."""
    fake, (project, _) = curve_fake()

    async def main() -> None:
        with in_process(fake):
            client = await CustomLabelsClient.create(region_name="us-east-1")
            await client.inference_units(project, "v1", start=at(0), end=at(60))
            await client.aclose()
            with pytest.raises(ClientClosedError):
                await client.inference_units(project, "v1", start=at(0), end=at(60))

    run(main)
    (request,) = fake.requests_for(GET)
    assert request.params["MetricDataQueries"]


def test_closing_the_client_ends_a_metrics_call() -> None:
    """A GetMetricData under way ends with ClientClosedError when the client closes."""
    fake, (project, _) = curve_fake()
    fake.faults.latency(600, GET)

    async def main(client: CustomLabelsClient) -> None:
        call = asyncio.create_task(client.inference_units(project, "v1", start=at(0), end=at(60)))
        await asyncio.sleep(1)
        await client.aclose()
        await call

    with pytest.raises(ClientClosedError):
        with_client(fake, main)


class _DriftingLoop(asyncio.SelectorEventLoop):
    """A loop whose clock falls ``behind`` seconds back once told to: a suspend it did not count."""

    behind = 0.0

    def time(self) -> float:
        return super().time() - self.behind


class _RecordingCloudWatch:
    """A stand-in CloudWatch client: records each GetMetricData's parameters, answers no datapoint."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def get_metric_data(self, **params: Any) -> dict[str, Any]:
        self.sent.append(params)
        return {"MetricDataResults": []}


def test_now_follows_the_loop_from_the_wall_clock() -> None:
    """The fake's now, as the client's clock, starts at the wall clock and then counts the loop's time."""
    fake = FakeCustomLabels(clock=LoopClock())

    async def twice(client: CustomLabelsClient) -> None:
        await client.units_in_service(PROJECT, "v1")
        await asyncio.sleep(3600)
        await client.units_in_service(PROJECT, "v1")

    with_client(fake, twice)
    first, second = (r.params["EndTime"] - 60 for r in fake.requests_for(GET))
    assert abs(first - datetime.now(UTC).timestamp()) < 60
    assert second - first == 3600


def test_now_is_the_wall_clock_however_the_loop_drifts() -> None:
    """A loop clock 6 h behind the wall clock between two calls: the second still asks up to wall-clock now."""
    cloudwatch = _RecordingCloudWatch()

    async def main() -> tuple[datetime, datetime]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, _DriftingLoop)
        client = CustomLabelsClient(object(), cloudwatch=cloudwatch)  # type: ignore[arg-type]
        await client.units_in_service(PROJECT, "v1")
        loop.behind = 6 * 3600.0
        before = datetime.now(UTC)
        await client.units_in_service(PROJECT, "v1")
        after = datetime.now(UTC)
        await client.aclose()
        return before, after

    with asyncio.Runner(loop_factory=_DriftingLoop) as runner:
        before, after = runner.run(main())
    end = cloudwatch.sent[1]["EndTime"]
    # The window ends a minute past now, so that the minute under way is in it.
    assert before <= end - timedelta(minutes=1) <= after


def test_the_clock_given_is_now() -> None:
    """clock= decides now: units_in_service() asks for the five minutes before it, and the minute under way."""
    cloudwatch = _RecordingCloudWatch()
    now = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)

    async def main() -> None:
        client = CustomLabelsClient(object(), cloudwatch=cloudwatch, clock=lambda: now)  # type: ignore[arg-type]
        await client.units_in_service(PROJECT, "v1")
        await client.aclose()

    run(main)
    sent = cloudwatch.sent[0]
    assert (sent["StartTime"], sent["EndTime"]) == (now - timedelta(minutes=5), now + timedelta(minutes=1))
