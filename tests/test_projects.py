"""DescribeProjects: the fake on the wire, boto3 and the AWS CLI against it, and the library on top.

Also ``hosted_versions()`` (every hosted version of a region) and
``project_arn_of()`` (a version's project, looked up).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aiocustomlabels import (
    AccessDeniedError,
    InvalidRequestError,
    MalformedResponseError,
    ProjectArn,
    ProjectNotFoundError,
    ProjectVersionArn,
    ProjectVersionDescription,
    ProjectVersionStatus,
    ThrottlingError,
    calibrate,
)
from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator
from aiocustomlabels.types import CustomizationFeature, DatasetType, ProjectDescription, ProjectStatus
from tests._fake_support import send
from tests._harness import NO_RETRIES, client_for, run, virtual_fake
from tests.test_fake_clients import aws, boto3_client

S = ProjectVersionStatus
DESCRIBE_PROJECTS = "DescribeProjects"
PROJECT_VERSION = "arn:aws:rekognition:us-east-1:111122223333:project/p/1690000000000/version/v/1"


def region_of(fake: FakeCustomLabels, count: int) -> list[ProjectArn]:
    """``count`` projects p0 (oldest) .. p{count-1}; their ARNs, oldest first."""
    return [
        fake.add_project(f"p{i}", created=datetime.fromtimestamp(1_700_000_000 + 100 * i, UTC))
        for i in range(count)
    ]


# -- the fake on the wire ----------------------------------------------------------------


def test_projects_come_newest_first_in_pages() -> None:
    """DescribeProjects pages the projects newest first, with a NextToken until the last page."""
    fake = FakeCustomLabels()
    projects = region_of(fake, 5)
    first = send(fake, DESCRIBE_PROJECTS, {"MaxResults": 2})
    second = send(fake, DESCRIBE_PROJECTS, {"MaxResults": 2, "NextToken": first.body["NextToken"]})
    third = send(fake, DESCRIBE_PROJECTS, {"MaxResults": 2, "NextToken": second.body["NextToken"]})
    seen = [p["ProjectArn"] for page in (first, second, third) for p in page.body["ProjectDescriptions"]]
    assert seen == projects[::-1]
    assert "NextToken" not in third.body


def test_a_project_is_described_as_the_service_describes_one() -> None:
    """A project has its ARN, creation time, CREATED status, a TRAIN and a TEST dataset, and its feature."""
    fake = FakeCustomLabels()
    (arn,) = region_of(fake, 1)
    (wire,) = send(fake, DESCRIBE_PROJECTS, {}).body["ProjectDescriptions"]
    assert wire["ProjectArn"] == arn
    assert wire["Status"] == "CREATED"
    assert wire["Feature"] == "CUSTOM_LABELS"
    assert [d["DatasetType"] for d in wire["Datasets"]] == ["TRAIN", "TEST"]
    assert all(d["DatasetArn"].startswith(arn.rsplit("/", 1)[0] + "/dataset/") for d in wire["Datasets"])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"MaxResults": 101}, "ValidationException"),
        ({"MaxResults": 0}, "ValidationException"),
        ({"ProjectNames": []}, "InvalidParameterException"),
        ({"ProjectNames": [f"p{i}" for i in range(11)]}, "InvalidParameterException"),
        ({"ProjectNames": ["not a name"]}, "InvalidParameterException"),
        ({"Features": ["NOPE"]}, "InvalidParameterException"),
        ({"NextToken": "forged"}, "InvalidPaginationTokenException"),
    ],
)
def test_bad_describe_projects_requests_are_refused(params: dict[str, object], code: str) -> None:
    """MaxResults past 100 is a ValidationException (the model's words); other bad members as the service."""
    fake = FakeCustomLabels()
    region_of(fake, 1)
    answer = send(fake, DESCRIBE_PROJECTS, params)
    assert (answer.status, answer.code) == (400, code)


def test_project_names_and_features_filter() -> None:
    """ProjectNames picks projects by name; adapters are listed only when Features asks for them."""
    fake = FakeCustomLabels()
    region_of(fake, 3)
    fake.add_project("adapter", feature=CustomizationFeature.CONTENT_MODERATION)

    def names(params: dict[str, object]) -> list[str]:
        return [
            p["ProjectArn"].split("/")[-2]
            for p in send(fake, DESCRIBE_PROJECTS, params).body["ProjectDescriptions"]
        ]

    assert names({"ProjectNames": ["p2", "p0", "nope"]}) == ["p2", "p0"]
    assert "adapter" not in names({})
    assert names({"Features": ["CONTENT_MODERATION"]}) == ["adapter"]


# -- boto3 and the AWS CLI against the emulator -------------------------------------------


@pytest.fixture
def emulator() -> Iterator[ThreadedEmulator]:
    """An emulator with five projects."""
    fake = FakeCustomLabels()
    region_of(fake, 5)
    with ThreadedEmulator(fake) as served:
        yield served


def library_pages(emulator: ThreadedEmulator, page_size: int) -> list[list[str]]:
    """The library's DescribeProjects pages, as project ARNs, through the emulator."""
    from aiobotocore.session import get_session  # noqa: PLC0415

    from aiocustomlabels import CustomLabelsClient  # noqa: PLC0415

    async def main() -> list[list[str]]:
        session = get_session()
        session.set_credentials("testing", "testing")
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=session
        ) as client:
            return [
                [str(p.project_arn) for p in page.project_descriptions]
                async for page in client.describe_projects(page_size=page_size).pages()
            ]

    return asyncio.run(main())


def test_boto3_the_cli_and_the_library_see_the_same_pages(emulator: ThreadedEmulator, tmp_path: Path) -> None:
    """boto3's paginator, the AWS CLI and the library walk the same pages of two, newest first."""
    with boto3_client(emulator.endpoint_url) as client:
        boto_pages = [
            [p["ProjectArn"] for p in page["ProjectDescriptions"]]
            for page in client.get_paginator("describe_projects").paginate(PaginationConfig={"PageSize": 2})
        ]
    cli = aws(emulator, tmp_path, "describe-projects", "--page-size", "2")
    cli_arns = [p["ProjectArn"] for p in json.loads(cli.stdout)["ProjectDescriptions"]]
    ours = library_pages(emulator, 2)
    assert ours == boto_pages
    assert [len(page) for page in ours] == [2, 2, 1]
    assert cli_arns == [arn for page in ours for arn in page]
    requests = emulator.fake.requests_for(DESCRIBE_PROJECTS)
    assert [r.params.get("MaxResults") for r in requests] == [2] * 9


def test_the_cli_sees_the_services_error(emulator: ThreadedEmulator, tmp_path: Path) -> None:
    """A bad MaxResults reaches the AWS CLI as the service's ValidationException."""
    result: subprocess.CompletedProcess[str] = aws(
        emulator, tmp_path, "describe-projects", "--max-results", "101", "--no-paginate", check=False
    )
    assert result.returncode != 0
    assert "ValidationException" in result.stderr


# -- the library ------------------------------------------------------------------------------


def test_describe_projects_types_every_member() -> None:
    """describe_projects gives typed ProjectDescriptions: ARN, status, datasets and feature."""
    fake = virtual_fake()
    (arn,) = region_of(fake, 1)

    async def main() -> list[ProjectDescription]:
        async with client_for(fake) as client:
            return [p async for p in client.describe_projects()]

    (project,) = run(main)
    assert type(project.project_arn) is ProjectArn
    assert project.project_arn == arn
    assert project.status is ProjectStatus.CREATED
    assert [d.dataset_type for d in project.datasets] == [DatasetType.TRAIN, DatasetType.TEST]
    assert project.feature is CustomizationFeature.CUSTOM_LABELS


def test_describe_projects_batches_more_than_ten_names() -> None:
    """Twelve project names are asked for in calls of 10 and 2; each project comes out once."""
    fake = virtual_fake()
    region_of(fake, 12)

    async def main() -> list[str]:
        async with client_for(fake) as client:
            names = [f"p{i}" for i in range(12)] + ["p0"]
            return [str(p.project_arn) async for p in client.describe_projects(names)]

    assert len(set(run(main))) == 12
    assert [len(r.params["ProjectNames"]) for r in fake.requests_for(DESCRIBE_PROJECTS)] == [10, 2]


def test_describe_projects_raises_typed_errors() -> None:
    """The service's error codes on DescribeProjects are the library's typed errors."""
    fake = virtual_fake()
    fake.faults.error("AccessDeniedException", DESCRIBE_PROJECTS)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(AccessDeniedError) as caught:
                await anext(client.describe_projects())
            assert caught.value.operation == DESCRIBE_PROJECTS

    run(main)


def test_an_answer_without_projects_is_malformed() -> None:
    """A 200 that is not DescribeProjects' output (a proxy's HTML page) is never taken for an empty region."""
    fake = virtual_fake()
    region_of(fake, 1)
    fake.faults.malformed(DESCRIBE_PROJECTS)

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as client:
            with pytest.raises(MalformedResponseError, match="ProjectDescriptions"):
                await anext(client.describe_projects())

    run(main)


# -- a version's project ----------------------------------------------------------------------


def test_project_arn_of_finds_the_project_by_name() -> None:
    """project_arn_of looks the project up with one DescribeProjects call, by the version's project name."""
    fake = virtual_fake()
    projects = region_of(fake, 3)
    version = fake.add_version(projects[1], "v1")

    async def main() -> ProjectArn:
        async with client_for(fake) as client:
            return await client.project_arn_of(version)

    assert run(main) == projects[1]
    (request,) = fake.requests_for(DESCRIBE_PROJECTS)
    assert request.params["ProjectNames"] == ["p1"]


@pytest.mark.parametrize(
    "version",
    [
        "arn:aws:rekognition:us-east-1:111122223333:project/gone/version/v1/1",
        "arn:aws:rekognition:eu-west-1:111122223333:project/p0/version/v1/1",
        "arn:aws:rekognition:us-east-1:999988887777:project/p0/version/v1/1",
    ],
    ids=["no-such-project", "other-region", "other-account"],
)
def test_project_arn_of_finds_no_project_elsewhere(version: str) -> None:
    """A project that does not exist, or only in another region or account, is ProjectNotFoundError."""
    fake = virtual_fake()
    region_of(fake, 1)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(ProjectNotFoundError) as caught:
                await client.project_arn_of(version)
            assert caught.value.version_arn == version
            assert isinstance(caught.value, LookupError)

    run(main)


# -- a version named by its ARN alone ----------------------------------------------------------


def test_a_version_arn_alone_starts_and_stops_with_one_lookup() -> None:
    """start_and_wait(arn) then stop_and_wait(arn): the project is looked up once, and the right version moves."""
    fake = virtual_fake()
    projects = region_of(fake, 2)
    version = fake.add_version(projects[1], "v1")

    async def main() -> tuple[ProjectVersionDescription, ProjectVersionDescription]:
        async with client_for(fake) as client:
            running = await client.start_and_wait(version, min_inference_units=1)
            return running, await client.stop_and_wait(version)

    running, stopped = run(main)
    assert (running.project_version_arn, running.status, stopped.status) == (version, S.RUNNING, S.STOPPED)
    (lookup,) = fake.requests_for(DESCRIBE_PROJECTS)
    assert lookup.params["ProjectNames"] == ["p1"]
    assert {r.params["ProjectArn"] for r in fake.requests_for("DescribeProjectVersions")} == {projects[1]}


def test_a_lease_on_a_version_arn_alone_stops_it_on_leaving() -> None:
    """running(arn) looks the project up on entering, and stops the version it started on leaving."""
    fake = virtual_fake()
    (project,) = region_of(fake, 1)
    version = fake.add_version(project, "v1")

    async def main() -> ProjectVersionStatus | None:
        async with client_for(fake) as client:
            lease = client.running(version, min_inference_units=1)
            assert fake.requests == ()  # nothing is sent before entering
            async with lease as model:
                return model.status

    assert run(main) == S.RUNNING
    assert [r.params["ProjectVersionArn"] for r in fake.requests_for("StopProjectVersion")] == [version]
    assert len(fake.requests_for(DESCRIBE_PROJECTS)) == 1


def test_a_version_arn_of_no_project_is_project_not_found_and_starts_nothing() -> None:
    """A version ARN whose project does not exist raises ProjectNotFoundError naming it; nothing is started."""
    fake = virtual_fake()
    region_of(fake, 1)
    version = "arn:aws:rekognition:us-east-1:111122223333:project/gone/version/v1/1"

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(ProjectNotFoundError, match="gone") as caught:
                await client.start_and_wait(version, min_inference_units=1)
            assert caught.value.version_arn == version

    run(main)
    assert [r.operation for r in fake.requests] == [DESCRIBE_PROJECTS]


# -- every hosted version in sight -------------------------------------------------------------

STATUSES = [S.RUNNING, S.STOPPED, S.STARTING, S.TRAINING_COMPLETED, S.STOPPING, S.FAILED]


def hosted_scene(projects: int = 6) -> tuple[FakeCustomLabels, set[ProjectVersionArn]]:
    """``projects`` projects with a version in each status of STATUSES; the hosted ones' ARNs."""
    fake = virtual_fake()
    hosted = set()
    for project in region_of(fake, projects):
        for index, status in enumerate(STATUSES):
            arn = fake.add_version(project, f"v{index}", status=status, min_inference_units=1)
            if status in {S.STARTING, S.RUNNING, S.STOPPING}:
                hosted.add(arn)
    return fake, hosted


def test_hosted_versions_are_every_starting_running_and_stopping_version() -> None:
    """hosted_versions yields each STARTING, RUNNING or STOPPING version of every project, once."""
    fake, hosted = hosted_scene()

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:
            return [v async for v in client.hosted_versions()]

    found = run(main)
    assert {v.project_version_arn for v in found} == hosted
    assert len(found) == len(hosted)
    assert len(fake.requests_for(DESCRIBE_PROJECTS)) == 1
    assert len(fake.requests_for("DescribeProjectVersions")) == 6


@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_hosted_versions_lists_a_few_projects_at_once(concurrency: int) -> None:
    """At most ``concurrency`` projects' versions are being listed at any moment."""
    fake, _ = hosted_scene(8)
    fake.faults.latency(1.0, "DescribeProjectVersions")

    async def main() -> int:
        async with client_for(fake) as client:
            return len([v async for v in client.hosted_versions(concurrency=concurrency)])

    assert run(main) == 8 * 3
    by_moment: dict[float, int] = {}
    for request in fake.requests_for("DescribeProjectVersions"):
        by_moment[request.at] = by_moment.get(request.at, 0) + 1
    assert max(by_moment.values()) == concurrency


def test_hosted_versions_is_lazy_and_closes_cleanly() -> None:
    """Nothing is sent before the first version is asked for; leaving early cancels what is under way."""
    fake, _ = hosted_scene(8)
    fake.faults.latency(1.0, "DescribeProjectVersions")

    async def main() -> None:
        async with client_for(fake) as client:
            versions = client.hosted_versions(concurrency=3)
            await asyncio.sleep(10)
            assert fake.requests == ()
            async with versions:
                await anext(versions)

    run(main)  # run() fails if a listing is left behind
    assert len(fake.requests_for("DescribeProjectVersions")) < 8


def test_a_project_gone_meanwhile_is_passed_over() -> None:
    """A project deleted between DescribeProjects and its listing (ResourceNotFound) hosts nothing."""
    fake, hosted = hosted_scene(3)
    fake.faults.error("ResourceNotFoundException", "DescribeProjectVersions", times=1)

    async def main() -> int:
        async with client_for(fake) as client:
            return len([v async for v in client.hosted_versions(concurrency=1)])

    assert run(main) == len(hosted) - 3


def test_hosted_versions_raises_typed_errors() -> None:
    """A failure that botocore's retries do not mend is raised, typed, and nothing is left running."""
    fake, _ = hosted_scene(3)
    fake.faults.throttle("DescribeProjectVersions", times=None)

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as client:
            with pytest.raises(ThrottlingError):
                [v async for v in client.hosted_versions()]

    run(main)


# -- refused at the call, nothing sent --------------------------------------------------------

#: What names a project where a version belongs, and a string that is no ARN.
NOT_AN_ARN = "arn:aws:s3:::bucket"
Refused = Callable[[Any, ProjectArn, ProjectVersionArn], object]


LISTINGS: list[dict[str, Any]] = [
    {"page_size": 0},
    {"page_size": 101},
    {"project_names": "p0"},
    {"project_names": []},
    {"starting_token": ""},
]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        *(
            pytest.param(
                lambda c, p, v, kw=kw: c.describe_projects(**kw), next(iter(kw)), id=f"projects-{kw}"
            )
            for kw in LISTINGS
        ),
        *(
            pytest.param(
                lambda c, p, v, a=a: c.describe_project_versions(a),
                r"ProjectArn|takes a str",
                id=f"arn-{a!r:.12}",
            )
            for a in ("", NOT_AN_ARN, PROJECT_VERSION, 5)
        ),
        pytest.param(lambda c, p, v: c.project_arn_of(p), "project_version_arn", id="project_arn_of-project"),
        pytest.param(lambda c, p, v: c.stop_and_wait(p), "project_version_arn", id="stop_and_wait-project"),
        pytest.param(
            lambda c, p, v: c.start_and_wait(v, min_inference_units=0),
            "min_inference_units",
            id="start-units",
        ),
        pytest.param(
            lambda c, p, v: c.start_project_version(p, min_inference_units=1), "VERSION_NAME", id="start-p"
        ),
        pytest.param(lambda c, p, v: c.stop_project_version(p), "VERSION_NAME", id="stop-project"),
        pytest.param(lambda c, p, v: calibrate(c, p, [b"\xff\xd8"]), "project_version_arn", id="calibrate-p"),
        *(
            pytest.param(
                lambda c, p, v, n=n: c.hosted_versions(concurrency=n), "concurrency", id=f"hosted-{n!r}"
            )
            for n in (0, 17, 2.0, True)
        ),
    ],
)
def test_bad_arguments_are_refused_at_the_call(call: Refused, match: str) -> None:
    """A bad argument to a listing, a lookup, a start or stop or a calibration raises InvalidRequestError; nothing is sent."""
    fake = virtual_fake()
    (project,) = region_of(fake, 1)
    version = fake.add_version(project, "v1")

    async def main() -> None:
        async with client_for(fake) as client:

            async def attempt() -> None:
                made = call(client, project, version)
                if asyncio.iscoroutine(made):
                    await made

            with pytest.raises(InvalidRequestError, match=match):
                await attempt()

    run(main)
    assert fake.requests == ()
