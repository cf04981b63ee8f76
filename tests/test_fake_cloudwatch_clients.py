"""Real clients read the fake's inference units: boto3 and the AWS CLI on the emulator, aiobotocore in-process.

Each in the awsJson 1.0 form that the installed botocore picks, and in the
rpc-v2-cbor form, forced with a copy of CloudWatch's model that lists only it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from aiobotocore.session import get_session
from botocore.exceptions import ClientError
from yarl import URL

from aiocustomlabels.testing import METRIC_NAMES, FakeCustomLabels, ThreadedEmulator, in_process
from aiocustomlabels.testing._cloudwatch import CBOR_PATH_PREFIX
from tests._cloudwatch_support import (
    END_MINUTE,
    Curve,
    at,
    cbor_model_dir,
    curve,
    expected_column,
    minute_of,
    queries,
    whole,
)
from tests._fake_support import CREDENTIALS, NO_RETRIES, REGION, cli_environment
from tests._harness import run_fast

FORMS = [pytest.param(False, id="json"), pytest.param(True, id="cbor")]


@pytest.fixture
def scene() -> Curve:
    """The issue's demand curve."""
    return curve()


@pytest.fixture
def emulator(scene: Curve) -> Iterator[ThreadedEmulator]:
    """The curve's fake on a free loopback port."""
    with ThreadedEmulator(scene.fake) as emulator:
        yield emulator


def merged(results: list[dict[str, Any]]) -> dict[str, list[tuple[float, float]]]:
    """Results of one or more pages, joined by Id: (minute after T0, value) pairs."""
    joined: dict[str, list[tuple[float, float]]] = {}
    for result in results:
        times = [t if isinstance(t, datetime) else float(t) for t in result["Timestamps"]]
        pairs = [(minute_of(t), float(v)) for t, v in zip(times, result["Values"], strict=True)]
        joined.setdefault(result["Id"], []).extend(pairs)
    return joined


EXPECTED = {f"m{index}": expected_column(metric) for index, metric in enumerate(METRIC_NAMES)}
#: Pages of 37 datapoints that the curve's answer takes.
PAGES_OF_37 = -(-sum(map(len, EXPECTED.values())) // 37)


@contextlib.contextmanager
def boto3_cloudwatch(endpoint_url: str, tmp_path: Path, *, cbor: bool) -> Iterator[Any]:
    """A boto3 CloudWatch client of the emulator, in the form asked for; closed afterwards."""
    core = botocore.session.Session()
    if cbor:
        core.get_component("data_loader").search_paths.insert(0, str(cbor_model_dir(tmp_path)))
    session = boto3.Session(region_name=REGION, botocore_session=core, **CREDENTIALS)
    client = session.client("cloudwatch", endpoint_url=endpoint_url, config=NO_RETRIES)
    try:
        expected = "smithy-rpc-v2-cbor" if cbor else "json"
        assert client.meta.service_model.resolved_protocol == expected
        yield client
    finally:
        client.close()


@pytest.mark.parametrize("page_size", [None, 37], ids=["one-answer", "pages-of-37"])
@pytest.mark.parametrize("cbor", FORMS)
def test_boto3_reads_the_curve(
    scene: Curve, emulator: ThreadedEmulator, tmp_path: Path, cbor: bool, page_size: int | None
) -> None:
    """boto3 on the emulator reads every minute of the curve, in one answer or its paginator's pages of 37."""
    with boto3_cloudwatch(emulator.endpoint_url, tmp_path, cbor=cbor) as client:
        if page_size is None:
            pages = [client.get_metric_data(**whole(scene))]
        else:
            paginator = client.get_paginator("get_metric_data")
            pages = list(paginator.paginate(**whole(scene), PaginationConfig={"PageSize": page_size}))
    assert merged([r for page in pages for r in page["MetricDataResults"]]) == EXPECTED
    assert all(page["ResponseMetadata"]["RequestId"] for page in pages)
    assert (
        len(scene.fake.requests_for("GetMetricData"))
        == len(pages)
        == (1 if page_size is None else PAGES_OF_37)
    )


@pytest.mark.parametrize("cbor", FORMS)
@pytest.mark.parametrize(
    ("spoil", "code", "modeled"),
    [
        pytest.param({"Period": 90}, "InvalidParameterValue", "InvalidParameterValueException", id="period"),
        pytest.param({"Stat": "p99"}, "InvalidParameterValue", "InvalidParameterValueException", id="stat"),
    ],
)
def test_boto3_sees_cloudwatchs_codes(
    scene: Curve,
    emulator: ThreadedEmulator,
    tmp_path: Path,
    cbor: bool,
    spoil: dict[str, Any],
    code: str,
    modeled: str,
) -> None:
    """A refused request raises the modeled exception with CloudWatch's code, in both forms."""
    bad = whole(scene)
    bad["MetricDataQueries"][0]["MetricStat"].update(spoil)
    with boto3_cloudwatch(emulator.endpoint_url, tmp_path, cbor=cbor) as client:
        with pytest.raises(ClientError) as caught:
            client.get_metric_data(**bad)
        assert type(caught.value) is getattr(client.exceptions, modeled)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("cbor", FORMS)
def test_boto3_sees_injected_throttling(
    scene: Curve, emulator: ThreadedEmulator, tmp_path: Path, cbor: bool
) -> None:
    """A throttle fault reaches boto3 as CloudWatch's Throttling code, which botocore retries."""
    scene.fake.faults.throttle(times=2)
    with boto3_cloudwatch(emulator.endpoint_url, tmp_path, cbor=cbor) as client:
        with pytest.raises(ClientError) as caught:
            client.get_metric_data(**whole(scene))
        assert caught.value.response["Error"]["Code"] == "Throttling"
        retrying = boto3.Session(region_name=REGION, **CREDENTIALS).client(
            "cloudwatch", endpoint_url=emulator.endpoint_url
        )
        try:
            assert merged(retrying.get_metric_data(**whole(scene))["MetricDataResults"]) == EXPECTED
        finally:
            retrying.close()


# -- the AWS CLI ---------------------------------------------------------------------------


def aws_cloudwatch(
    emulator: ThreadedEmulator, tmp_path: Path, *args: str, cbor: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``aws cloudwatch ARGS`` (AWS CLI v1) against the emulator, with dummy credentials only."""
    env = cli_environment(tmp_path, AWS_MAX_ATTEMPTS="1")
    if cbor:
        env["AWS_DATA_PATH"] = str(cbor_model_dir(tmp_path / "model"))
    command = [sys.executable, "-m", "awscli", "cloudwatch", *args]
    command += ["--endpoint-url", emulator.endpoint_url, "--output", "json"]
    return subprocess.run(
        command, stdin=subprocess.DEVNULL, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def cli_arguments(scene: Curve, tmp_path: Path, *extra: str, period: int = 60) -> list[str]:
    """get-metric-data's arguments for the four metrics over the whole curve."""
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(queries(scene.project, scene.version, period=period)))
    return [
        "get-metric-data",
        "--metric-data-queries",
        f"file://{path}",
        "--start-time",
        at(-5).isoformat(),
        "--end-time",
        at(END_MINUTE + 5).isoformat(),
        "--scan-by",
        "TimestampAscending",
        *extra,
    ]


@pytest.mark.parametrize(
    ("cbor", "extra", "pages"),
    [
        pytest.param(False, ("--debug",), 1, id="json"),
        pytest.param(True, ("--debug",), 1, id="cbor"),
        pytest.param(False, ("--page-size", "37"), PAGES_OF_37, id="json-pages-of-37"),
    ],
)
def test_the_cli_reads_what_boto3_reads(
    scene: Curve, emulator: ThreadedEmulator, tmp_path: Path, cbor: bool, extra: tuple[str, ...], pages: int
) -> None:
    """``aws cloudwatch get-metric-data`` prints the same datapoints, in both forms, following every NextToken."""
    result = aws_cloudwatch(emulator, tmp_path, *cli_arguments(scene, tmp_path, *extra), cbor=cbor)
    assert result.returncode == 0, result.stderr[-2000:]
    assert merged(json.loads(result.stdout)["MetricDataResults"]) == EXPECTED
    # The CLI's debug log shows the form it sent.
    assert (CBOR_PATH_PREFIX in result.stderr) is cbor
    sent = scene.fake.requests_for("GetMetricData")
    assert [("NextToken" in r.params) for r in sent] == [False] + [True] * (pages - 1)
    assert {r.params.get("MaxDatapoints") for r in sent} == ({None} if pages == 1 else {37})


@pytest.mark.parametrize("cbor", FORMS)
def test_the_cli_reports_cloudwatchs_code(
    scene: Curve, emulator: ThreadedEmulator, tmp_path: Path, cbor: bool
) -> None:
    """A refused period: the CLI exits 255 and names InvalidParameterValue."""
    result = aws_cloudwatch(emulator, tmp_path, *cli_arguments(scene, tmp_path, period=90), cbor=cbor)
    assert result.returncode == 255
    match = re.search(r"An error occurred \((\w+)\) when calling the GetMetricData operation", result.stderr)
    assert match is not None, result.stderr
    assert match[1] == "InvalidParameterValue"


# -- aiobotocore, in-process -----------------------------------------------------------------


async def aio_get(
    scene: Curve, tmp_path: Path, *, cbor: bool, endpoint_url: str | None = None, **params: Any
) -> tuple[dict[str, Any], list[str]]:
    """GetMetricData through aiobotocore's CloudWatch client routed in-process; the answer and the URLs hit."""
    session = get_session()
    if cbor:
        session.get_component("data_loader").search_paths.insert(0, str(cbor_model_dir(tmp_path)))
    with in_process(scene.fake, endpoint=endpoint_url) as mocked:
        async with session.create_client(
            "cloudwatch", region_name="eu-west-1", endpoint_url=endpoint_url, config=NO_RETRIES
        ) as client:
            answer = await client.get_metric_data(**whole(scene, **params))
        urls = [str(url) for _, url in mocked.requests]
    return answer, urls


@pytest.mark.parametrize(
    "endpoint_url", [None, "https://fake.example"], ids=["monitoring", "shared-endpoint"]
)
@pytest.mark.parametrize("cbor", FORMS)
def test_aiobotocore_reads_the_curve_in_process(
    scene: Curve, tmp_path: Path, cbor: bool, endpoint_url: str | None
) -> None:
    """Aiobotocore's CloudWatch client, routed in-process from monitoring's endpoint or a shared one, reads the curve."""
    answer, urls = asyncio.run(aio_get(scene, tmp_path, cbor=cbor, endpoint_url=endpoint_url))
    assert merged(answer["MetricDataResults"]) == EXPECTED
    path = f"{CBOR_PATH_PREFIX}GetMetricData" if cbor else "/"
    assert urls == [f"{endpoint_url or 'https://monitoring.eu-west-1.amazonaws.com'}{path}"]


def test_aiobotocore_sees_cloudwatchs_codes_in_process(scene: Curve) -> None:
    """An error through aiobotocore in-process carries CloudWatch's code and status."""
    scene.fake.faults.error("AccessDeniedException", "GetMetricData")

    async def main() -> ClientError:
        with in_process(scene.fake):
            async with get_session().create_client(
                "cloudwatch", region_name=REGION, config=NO_RETRIES
            ) as client:
                try:
                    await client.get_metric_data(**whole(scene))
                except ClientError as error:
                    return error
        pytest.fail("no error")

    error = asyncio.run(main())
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_botocore_still_sends_cloudwatch_in_aws_json_1_0() -> None:
    """What botocore sends for GetMetricData is awsJson 1.0: the day it picks another protocol, this fails."""
    sent: list[Any] = []

    def capture(request: Any, **_: Any) -> None:
        sent.append(request)

    async def main() -> None:
        with in_process(FakeCustomLabels()):
            async with get_session().create_client("cloudwatch", region_name=REGION) as client:
                client.meta.events.register("before-send.cloudwatch.GetMetricData", capture)
                await client.get_metric_data(
                    MetricDataQueries=queries("p", "v1"), StartTime=at(0), EndTime=at(END_MINUTE)
                )

    run_fast(main())
    (request,) = sent
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
    assert (request.method, URL(request.url).path) == ("POST", "/")
    assert headers["x-amz-target"] == "GraniteServiceVersion20100801.GetMetricData"
    assert headers["content-type"] == "application/x-amz-json-1.0"
