"""An answer that is not the operation's output is never data; a bad member is named by its path, always."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from aiocustomlabels import (
    CustomLabelsClient,
    MalformedResponseError,
    ProjectVersionDescription,
    ProjectVersionStatus,
    WaitTimeoutError,
)
from aiocustomlabels.testing import FakeCustomLabels, in_process
from tests._harness import client_for, dummy_session, project_with, run, virtual_fake

S = ProjectVersionStatus
DESCRIBE = "DescribeProjectVersions"

Call = Callable[[CustomLabelsClient, str, str], Coroutine[Any, Any, object]]


async def _list_all(client: CustomLabelsClient, project: str, arn: str) -> object:
    return [v async for v in client.describe_project_versions(project)]


async def _list_named(client: CustomLabelsClient, project: str, arn: str) -> object:
    return [v async for v in client.describe_project_versions(project, version_names=["v0"])]


async def _pages(client: CustomLabelsClient, project: str, arn: str) -> object:
    return [p async for p in client.describe_project_versions(project).pages()]


async def _describe_one(client: CustomLabelsClient, project: str, arn: str) -> object:
    return await client.describe_project_version(project, "v0")


async def _start(client: CustomLabelsClient, project: str, arn: str) -> object:
    return await client.start_project_version(arn, min_inference_units=1)


async def _stop(client: CustomLabelsClient, project: str, arn: str) -> object:
    return await client.stop_project_version(arn)


#: Each public call, the operation it sends, and the member it cannot do without.
PATHS: list[tuple[Call, str, str, ProjectVersionStatus]] = [
    (_list_all, DESCRIBE, "$.ProjectVersionDescriptions", S.STOPPED),
    (_list_named, DESCRIBE, "$.ProjectVersionDescriptions", S.STOPPED),
    (_pages, DESCRIBE, "$.ProjectVersionDescriptions", S.STOPPED),
    (_describe_one, DESCRIBE, "$.ProjectVersionDescriptions", S.STOPPED),
    (_start, "StartProjectVersion", "$.Status", S.STOPPED),
    (_stop, "StopProjectVersion", "$.Status", S.RUNNING),
]


@pytest.mark.parametrize(
    ("call", "operation", "location", "status"), PATHS, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_proxy_page_is_malformed_on_every_path(
    call: Call, operation: str, location: str, status: ProjectVersionStatus
) -> None:
    """A 200 whose body is an HTML page raises MalformedResponseError naming the missing member, on every call."""
    fake = virtual_fake()
    project, (arn,) = project_with(fake, 1, status=status)
    fake.faults.malformed(operation)

    async def main() -> MalformedResponseError:
        async with client_for(fake) as client:
            with pytest.raises(MalformedResponseError) as caught:
                await call(client, project, arn)
            return caught.value

    error = run(main)
    assert error.location == location
    assert "not the operation's output" in error.reason


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"NextToken": "t"}', b'{"ProjectVersionDescriptions": null}'],
    ids=["empty", "token", "null"],
)
def test_an_answer_without_the_list_is_never_an_empty_project(body: bytes) -> None:
    """JSON without ProjectVersionDescriptions is MalformedResponseError, not an empty listing."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)
    fake.faults.malformed(DESCRIBE, body=body)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(MalformedResponseError, match=r"ProjectVersionDescriptions"):
                await anext(client.describe_project_versions(project))

    run(main)


@pytest.mark.parametrize(
    ("operation", "waiting"),
    [(DESCRIBE, "start_and_wait"), ("StartProjectVersion", "start_and_wait"), (DESCRIBE, "stop_and_wait")],
)
def test_a_wait_takes_a_malformed_answer_for_a_failed_poll(operation: str, waiting: str) -> None:
    """Three HTML pages in a wait cost three polls (or starts); the wait still reaches its goal."""
    fake = virtual_fake(start_seconds=300, stop_seconds=60)
    project, _ = project_with(fake, 1, status=S.STOPPED if waiting == "start_and_wait" else S.RUNNING)
    fake.faults.malformed(operation, times=3)

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            if waiting == "start_and_wait":
                return await client.start_and_wait(project, "v0", min_inference_units=1)
            return await client.stop_and_wait(project, "v0")

    result = run(main)
    assert result.status is (S.RUNNING if waiting == "start_and_wait" else S.STOPPED)
    assert not fake.faults.pending


def test_a_wait_on_answers_that_are_never_the_output_times_out() -> None:
    """A wait whose every poll is an HTML page ends at its deadline with WaitTimeoutError, having seen nothing."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)
    fake.faults.malformed(DESCRIBE, times=None)

    async def main() -> WaitTimeoutError:
        async with client_for(fake) as client:
            with pytest.raises(WaitTimeoutError) as caught:
                await client.start_and_wait(project, "v0", min_inference_units=1, timeout=300)
            return caught.value

    assert run(main).description is None
    assert fake.requests_for("StartProjectVersion") == ()


# -- paths when botocore's own parser fails first ---------------------------------------------

#: A change to one description, and where the error must point, from that description.
BREAKAGES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("timestamp", lambda d: d.update(CreationTimestamp="yesterday"), ".CreationTimestamp"),
    ("output config", lambda d: d.update(OutputConfig="s3://bucket/prefix"), ".OutputConfig"),
    (
        "assets",
        lambda d: d["TrainingDataResult"]["Input"].update(Assets={"a": 1}),
        ".TrainingDataResult.Input.Assets",
    ),
    (
        "asset item",
        lambda d: d["TestingDataResult"]["Output"].update(Assets=["x"]),
        ".TestingDataResult.Output.Assets[0]",
    ),
    (
        "s3 object",
        lambda d: d["EvaluationResult"]["Summary"].update(S3Object=[1]),
        ".EvaluationResult.Summary.S3Object",
    ),
    (
        "list a number",
        lambda d: d["TrainingDataResult"]["Input"].update(Assets=3),
        ".TrainingDataResult.Input.Assets",
    ),
    ("epoch as text", lambda d: d.update(CreationTimestamp=[1.5]), ".CreationTimestamp"),
]


def broken_page(
    fake: FakeCustomLabels, project: str, index: int, breakage: Callable[[dict[str, Any]], None]
) -> bytes:
    """The fake's own page of 100 descriptions, with description ``index`` broken."""
    page = fake.call(DESCRIBE, {"ProjectArn": project, "MaxResults": 100})
    breakage(page["ProjectVersionDescriptions"][index])
    return json.dumps(page).encode()


@pytest.mark.parametrize(("_name", "breakage", "where"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_member_botocore_rejects_is_named_by_its_path(
    _name: str, breakage: Callable[[dict[str, Any]], None], where: str
) -> None:
    """Deep in a page of 100, the member botocore's parser fails on is named with its index, not as ``$``."""
    fake = virtual_fake()
    project, _ = project_with(fake, 100)
    fake.faults.malformed(DESCRIBE, body=broken_page(fake, project, 57, breakage))

    async def main() -> MalformedResponseError:
        async with client_for(fake) as client:
            with pytest.raises(MalformedResponseError) as caught:
                await anext(client.describe_project_versions(project))
            return caught.value

    error = run(main)
    assert error.location == f"$.ProjectVersionDescriptions[57]{where}"
    assert isinstance(
        error.__cause__, AttributeError | TypeError | ValueError
    )  # botocore's own failure, kept


def test_a_body_botocore_rejects_mid_wait_is_a_failed_poll() -> None:
    """A description botocore cannot parse costs the wait a poll, no more."""
    fake = virtual_fake(start_seconds=300)
    project, _ = project_with(fake, 1, status=S.STOPPED)
    fake.faults.malformed(DESCRIBE, body=broken_page(fake, project, 0, BREAKAGES[0][1]), times=2)

    async def main() -> ProjectVersionDescription:
        async with client_for(fake) as client:
            return await client.start_and_wait(project, "v0", min_inference_units=1)

    assert run(main).status is S.RUNNING


def test_a_session_of_the_callers_locates_botocores_failure_at_the_root() -> None:
    """A session the caller gives is left as it is: botocore's failure is MalformedResponseError at ``$``, its words kept."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)
    fake.faults.malformed(DESCRIBE, body=broken_page(fake, project, 1, BREAKAGES[0][1]))
    session = dummy_session()

    async def main() -> MalformedResponseError:
        with in_process(fake):
            async with CustomLabelsClient.create(region_name="us-east-1", session=session) as client:
                with pytest.raises(MalformedResponseError) as caught:
                    await anext(client.describe_project_versions(project))
                return caught.value

    error = run(main)
    assert error.location == "$"
    assert "botocore could not parse" in error.reason
    assert isinstance(error.__cause__, ValueError)
    assert type(session.get_component("response_parser_factory")).__module__.startswith("aiobotocore")
