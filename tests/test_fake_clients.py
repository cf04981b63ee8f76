"""Three real clients agree over the loopback emulator: boto3, the AWS CLI (v1) and aiobotocore."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aiocustomlabels import ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels._cli._emulator import DemoProject, seed_demo
from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator, VirtualClock
from tests._fake_support import CREDENTIALS, DESCRIBE, REGION, START, cli_environment, loopback_client

S = ProjectVersionStatus
CLIENTS = ["boto3", "aws-cli", "aiobotocore"]
RUNNING_VERSION = "shelf-items.2024-05-20"


@pytest.fixture
def clock() -> VirtualClock:
    """The fake's virtual clock."""
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeCustomLabels:
    """A fake with a 600-second start."""
    return FakeCustomLabels(clock=clock, start_seconds=600.0)


@pytest.fixture
def demo(fake: FakeCustomLabels) -> DemoProject:
    """The demo project: five versions in five statuses."""
    return seed_demo(fake)


@pytest.fixture
def emulator(fake: FakeCustomLabels) -> Iterator[ThreadedEmulator]:
    """The fake on a free loopback port."""
    with ThreadedEmulator(fake) as emulator:
        yield emulator


@contextlib.contextmanager
def boto3_client(endpoint_url: str) -> Iterator[Any]:
    """A boto3 Rekognition client of the emulator, closed afterwards."""
    client = boto3.client("rekognition", region_name=REGION, endpoint_url=endpoint_url, **CREDENTIALS)
    try:
        yield client
    finally:
        client.close()


def aws(
    emulator: ThreadedEmulator, tmp_path: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``aws rekognition ARGS`` (AWS CLI v1) against the emulator, with dummy credentials only."""
    env = cli_environment(tmp_path)
    command = [sys.executable, "-m", "awscli", "rekognition", *args]
    command += ["--endpoint-url", emulator.endpoint_url, "--output", "json"]
    result = subprocess.run(
        command, stdin=subprocess.DEVNULL, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def cli_error_code(result: subprocess.CompletedProcess[str]) -> str:
    """The service error code in the CLI's error message."""
    assert result.returncode != 0
    match = re.search(r"An error occurred \((\w+)\) when calling the (\w+) operation", result.stderr)
    assert match is not None, result.stderr
    return match[1]


# -- what each client sees ---------------------------------------------------------------


def ask(
    kind: str, emulator: ThreadedEmulator, tmp_path: Path, method: str, params: dict[str, Any], cli: str
) -> list[dict[str, Any]] | str:
    """Client ``kind``'s pages for ``method(**params)`` (``cli`` for the AWS CLI), or the error code it reports."""
    if kind == "aws-cli":
        result = aws(emulator, tmp_path, *cli.split(), check=False)
        return [json.loads(result.stdout)] if result.returncode == 0 else cli_error_code(result)
    paged = "PaginationConfig" in params
    if kind == "boto3":
        with boto3_client(emulator.endpoint_url) as client:
            try:
                if paged:
                    return list(client.get_paginator(method).paginate(**params))
                return [getattr(client, method)(**params)]
            except ClientError as error:
                return str(error.response["Error"]["Code"])

    async def main() -> list[dict[str, Any]] | str:
        async with loopback_client(emulator.endpoint_url) as client:
            try:
                if paged:
                    paginator = client.get_paginator("describe_project_versions")  # the one paged method
                    return [dict(page) async for page in paginator.paginate(**params)]
                return [dict(await getattr(client, method)(**params))]
            except ClientError as error:
                return str(error.response["Error"]["Code"])

    return asyncio.run(main())


def described(pages: list[dict[str, Any]] | str) -> list[tuple[str, str]]:
    """(version ARN, Status) of every description in ``pages``."""
    assert not isinstance(pages, str), pages
    return [
        (d["ProjectVersionArn"], d["Status"]) for page in pages for d in page["ProjectVersionDescriptions"]
    ]


def expected_listing(fake: FakeCustomLabels, demo: DemoProject) -> list[tuple[str, str]]:
    """The demo versions newest first, with their statuses, as the fake holds them."""
    newest_first = sorted(demo.versions.values(), key=lambda arn: -ProjectVersionArn(arn).creation_timestamp)
    return [(arn, fake.describe(arn).status or "") for arn in newest_first]


@pytest.mark.parametrize("kind", CLIENTS)
def test_client_sees_every_version_and_status(
    kind: str, emulator: ThreadedEmulator, fake: FakeCustomLabels, demo: DemoProject, tmp_path: Path
) -> None:
    """Each client lists the demo versions newest first with the statuses the fake holds, a start's too, in one request."""
    fake.call(START, {"ProjectVersionArn": demo.versions[demo.ready_version], "MinInferenceUnits": 1})
    project = demo.project_arn
    cli = f"describe-project-versions --project-arn {project}"
    seen = described(ask(kind, emulator, tmp_path, "describe_project_versions", {"ProjectArn": project}, cli))
    assert seen == expected_listing(fake, demo)
    assert (demo.versions[demo.ready_version], "STARTING") in seen
    assert [r.params for r in fake.requests_for(DESCRIBE)] == [{"ProjectArn": project}]


@pytest.mark.parametrize("kind", CLIENTS)
def test_pages_of_two(
    kind: str, emulator: ThreadedEmulator, fake: FakeCustomLabels, demo: DemoProject, tmp_path: Path
) -> None:
    """boto3's and aiobotocore's paginators and the CLI's --page-size 2 walk three pages to every version, newest first."""
    params = {"ProjectArn": demo.project_arn, "PaginationConfig": {"PageSize": 2}}
    cli = f"describe-project-versions --project-arn {demo.project_arn} --page-size 2"
    pages = ask(kind, emulator, tmp_path, "describe_project_versions", params, cli)
    assert described(pages) == expected_listing(fake, demo)
    requests = fake.requests_for(DESCRIBE)
    assert [(r.params["MaxResults"], "NextToken" in r.params) for r in requests] == [
        (2, False),
        (2, True),
        (2, True),
    ]


def test_cli_first_page_carries_the_token(
    emulator: ThreadedEmulator, fake: FakeCustomLabels, demo: DemoProject, tmp_path: Path
) -> None:
    """The CLI's first page of two (--no-paginate) is the SDKs' first page, with a NextToken."""
    args = f"describe-project-versions --project-arn {demo.project_arn} --max-results 2 --no-paginate"
    page = json.loads(aws(emulator, tmp_path, *args.split()).stdout)
    assert described([page]) == expected_listing(fake, demo)[:2]
    assert page["NextToken"]


@pytest.mark.parametrize(
    ("case", "code", "operation"),
    [
        ("unknown-project", "ResourceNotFoundException", DESCRIBE),
        ("start-running", "ResourceInUseException", START),
    ],
)
@pytest.mark.parametrize("kind", CLIENTS)
def test_clients_report_the_same_error(
    kind: str,
    case: str,
    code: str,
    operation: str,
    emulator: ThreadedEmulator,
    fake: FakeCustomLabels,
    demo: DemoProject,
    tmp_path: Path,
) -> None:
    """Every client reports ResourceNotFound for an unknown project, ResourceInUse for a RUNNING start."""
    unknown = demo.project_arn.rsplit("/", 1)[0] + "/1"
    running = demo.versions[RUNNING_VERSION]
    cases: dict[str, tuple[str, dict[str, Any], str]] = {
        "unknown-project": (
            "describe_project_versions",
            {"ProjectArn": unknown},
            f"describe-project-versions --project-arn {unknown}",
        ),
        "start-running": (
            "start_project_version",
            {"ProjectVersionArn": running, "MinInferenceUnits": 1},
            f"start-project-version --project-version-arn {running} --min-inference-units 1",
        ),
    }
    assert ask(kind, emulator, tmp_path, *cases[case]) == code
    assert len(fake.requests_for(operation)) == 1


# -- the AWS CLI's own commands ---------------------------------------------------------------


def test_cli_start_with_min_and_max_units(
    emulator: ThreadedEmulator, fake: FakeCustomLabels, demo: DemoProject, tmp_path: Path
) -> None:
    """The CLI's start-project-version --min 1 --max 3 answers STARTING; the fake recorded Min=1, Max=3."""
    version = demo.versions[demo.ready_version]
    args = f"start-project-version --project-version-arn {version} --min-inference-units 1 --max-inference-units 3"
    assert json.loads(aws(emulator, tmp_path, *args.split()).stdout) == {"Status": "STARTING"}
    assert [r.params for r in fake.requests_for(START)] == [
        {"ProjectVersionArn": version, "MinInferenceUnits": 1, "MaxInferenceUnits": 3}
    ]
    described = fake.describe(version)
    assert (described.min_inference_units, described.max_inference_units) == (1, 3)


@pytest.mark.parametrize("fails", [False, True], ids=["running", "failed"])
def test_cli_waiter_follows_the_start(
    emulator: ThreadedEmulator,
    fake: FakeCustomLabels,
    clock: VirtualClock,
    demo: DemoProject,
    tmp_path: Path,
    fails: bool,
) -> None:
    """The CLI's wait project-version-running exits 0 once the version runs, non-zero at once when the start FAILED."""
    version = demo.versions[demo.ready_version]
    if fails:
        fake.fail_next_start(version, "No capacity.")
    fake.call(START, {"ProjectVersionArn": version, "MinInferenceUnits": 1})
    clock.advance(600.0)
    args = (
        f"wait project-version-running --project-arn {demo.project_arn} --version-names {demo.ready_version}"
    )
    result = aws(emulator, tmp_path, *args.split(), check=False)
    if fails:
        assert result.returncode != 0
        assert "Waiter ProjectVersionRunning failed" in result.stderr
        assert "terminal failure state" in result.stderr
    else:
        assert (result.returncode, result.stdout) == (0, "")
    assert [r.params for r in fake.requests_for(DESCRIBE)] == [
        {"ProjectArn": demo.project_arn, "VersionNames": [demo.ready_version]}
    ]
