"""CustomLabelsClient.describe_project_versions: lazy, paginated, prefetching iteration."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import pytest

from aiocustomlabels import (
    CustomLabelsClient,
    CustomLabelsError,
    InvalidPaginationTokenError,
    InvalidRequestError,
    MalformedResponseError,
    ProjectVersionDescription,
)
from aiocustomlabels.types import DescribeProjectVersionsResponse
from tests._harness import NO_RETRIES, StubRaw, client_for, project_with, run, virtual_fake

PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/p/1690000000000"


def names(descriptions: list[ProjectVersionDescription]) -> list[str]:
    """The version names of ``descriptions``."""
    return [str(d.project_version_arn).rsplit("/", 2)[-2] for d in descriptions]


def test_lists_newest_first_across_pages() -> None:
    """Every version comes out once, newest first, across pages."""
    fake = virtual_fake()
    project, _ = project_with(fake, 7)

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:
            return [v async for v in client.describe_project_versions(project, page_size=3)]

    assert names(run(main)) == [f"v{i}" for i in range(6, -1, -1)]


def test_requests_chain_next_token() -> None:
    """Each request sends the NextToken of the page before, and MaxResults as the page size."""
    fake = virtual_fake()
    project, _ = project_with(fake, 7)
    tokens: list[str | None] = []

    async def main() -> None:
        async with client_for(fake) as client:
            tokens.extend(
                [
                    page.next_token
                    async for page in client.describe_project_versions(project, page_size=3).pages()
                ]
            )

    run(main)
    sent = fake.requests_for("DescribeProjectVersions")
    assert [r.params.get("NextToken") for r in sent] == [None, *tokens[:-1]]
    assert tokens[-1] is None
    assert {r.params["MaxResults"] for r in sent} == {3}
    assert all("VersionNames" not in r.params for r in sent)


def test_no_request_before_first_next() -> None:
    """Making the iterator sends nothing; the first __anext__ sends one request."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)

    async def main() -> None:
        async with client_for(fake) as client:
            versions = client.describe_project_versions(project)
            await asyncio.sleep(1)
            assert not fake.requests
            await anext(versions)
            assert len(fake.requests) == 1
            await versions.aclose()

    run(main)


def test_next_page_is_fetched_while_caller_works() -> None:
    """Once a page is handed over, the next one is requested at once, and only one ahead."""
    fake = virtual_fake()
    project, _ = project_with(fake, 10)

    async def main() -> None:
        async with client_for(fake) as client:
            pages = client.describe_project_versions(project, page_size=2).pages()
            async with pages:
                await anext(pages)
                await asyncio.sleep(5)  # the caller "works" on the page
                assert len(fake.requests) == 2
                await anext(pages)
                await asyncio.sleep(5)
                assert len(fake.requests) == 3

    run(main)


def test_prefetch_overlaps_latency() -> None:
    """With 1 s of service latency and 1 s of work per page, 5 pages take about 6 s, not 10."""
    fake = virtual_fake()
    project, _ = project_with(fake, 10)
    fake.faults.latency(1.0)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        async with client_for(fake) as client:
            began = loop.time()
            async for _ in client.describe_project_versions(project, page_size=2).pages():
                await asyncio.sleep(1.0)
            return loop.time() - began

    assert run(main) == pytest.approx(6.0, abs=0.01)


def test_leaving_async_with_cancels_prefetch() -> None:
    """Leaving an async with block early cancels the page being fetched ahead."""
    fake = virtual_fake()
    project, _ = project_with(fake, 10)
    fake.faults.latency(10.0)

    async def main() -> None:
        async with (
            client_for(fake) as client,
            client.describe_project_versions(project, page_size=2) as versions,
        ):
            async for _ in versions:
                await asyncio.sleep(1)  # the prefetch reaches the service, which is slow
                break
            # The prefetch was cancelled mid-request: the harness checks that no task is left.

    run(main)
    assert len(fake.requests) == 2


def test_break_without_close_leaves_no_warning() -> None:
    """A plain break, the iterator dropped, cancels the prefetch without any warning."""
    fake = virtual_fake()
    project, _ = project_with(fake, 10)
    fake.faults.latency(10.0)

    async def main() -> None:
        async with client_for(fake) as client:
            async for _ in client.describe_project_versions(project, page_size=2):
                break
            gc.collect()
            await asyncio.sleep(0.1)

    run(main)


def test_break_after_failed_prefetch_leaves_no_warning() -> None:
    """A prefetch that failed and was never awaited does not warn 'exception never retrieved'."""
    fake = virtual_fake()
    project, _ = project_with(fake, 10)

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as client:
            versions = client.describe_project_versions(project, page_size=2)
            await anext(versions)
            fake.faults.error("AccessDeniedException", "DescribeProjectVersions")
            await asyncio.sleep(1)  # the prefetch fails meanwhile
            del versions
            gc.collect()
            await asyncio.sleep(0)

    run(main)


def test_cancelling_the_iterating_task_cancels_the_fetch() -> None:
    """Cancelling the task mid-iteration raises CancelledError there and leaves no task running."""
    fake = virtual_fake()
    project, _ = project_with(fake, 10)
    fake.faults.latency(10.0)

    async def main() -> None:
        async with client_for(fake) as client:

            async def consume() -> None:
                async for _ in client.describe_project_versions(project, page_size=2):
                    await asyncio.sleep(1)

            task = asyncio.create_task(consume())
            await asyncio.sleep(15)  # first page in, second in flight
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    run(main)


def test_pages_are_typed_and_resumable() -> None:
    """pages() yields typed pages; starting_token resumes after the page it came from."""
    fake = virtual_fake()
    project, _ = project_with(fake, 5)

    async def main() -> tuple[list[str], list[str]]:
        async with client_for(fake) as client:
            pages = client.describe_project_versions(project, page_size=2).pages()
            first = await anext(pages)
            await pages.aclose()
            assert isinstance(first, DescribeProjectVersionsResponse)
            assert first.next_token is not None
            rest = [
                v
                async for v in client.describe_project_versions(
                    project, page_size=2, starting_token=first.next_token
                )
            ]
            return names(list(first.project_version_descriptions)), names(rest)

    head, tail = run(main)
    assert head == ["v4", "v3"]
    assert tail == ["v2", "v1", "v0"]


def test_pages_after_iteration_began_is_refused() -> None:
    """pages() cannot be asked for once the versions are being iterated."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)

    async def main() -> None:
        async with client_for(fake) as client:
            versions = client.describe_project_versions(project)
            await anext(versions)
            with pytest.raises(RuntimeError, match="before iterating"):
                versions.pages()
            await versions.aclose()

    run(main)


def test_more_than_ten_names_are_batched() -> None:
    """25 names go out as calls of 10, 10 and 5; duplicates are asked once; each version comes out once."""
    fake = virtual_fake()
    project, _ = project_with(fake, 30)
    wanted = [f"v{i}" for i in range(25)] + ["v3", "v4"]

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:
            return [v async for v in client.describe_project_versions(project, version_names=wanted)]

    found = run(main)
    assert sorted(names(found)) == sorted(f"v{i}" for i in range(25))
    sent = fake.requests_for("DescribeProjectVersions")
    assert [len(r.params["VersionNames"]) for r in sent] == [10, 10, 5]


def test_filter_by_name_newest_first() -> None:
    """A filter of a few names gives just those versions, newest first."""
    fake = virtual_fake()
    project, _ = project_with(fake, 6)

    async def main() -> list[ProjectVersionDescription]:
        async with client_for(fake) as client:
            return [
                v async for v in client.describe_project_versions(project, version_names=["v1", "v4", "nope"])
            ]

    assert names(run(main)) == ["v4", "v1"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"page_size": 0},
        {"page_size": 101},
        {"page_size": True},
        {"page_size": "10"},
        {"version_names": "v1"},
        {"version_names": []},
        {"version_names": ["bad name"]},
        {"version_names": ["x" * 256]},
        {"starting_token": ""},
        {"starting_token": "t" * 1025},
        {"starting_token": "t", "version_names": [f"v{i}" for i in range(11)]},
    ],
    ids=lambda kw: ",".join(f"{k}={str(v)[:12]}" for k, v in kw.items()),
)
def test_bad_arguments_are_refused_before_any_request(kwargs: dict[str, Any]) -> None:
    """Bad arguments raise InvalidRequestError (a ValueError) at the call, and nothing is sent."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError) as info:
                client.describe_project_versions(project, **kwargs)
            assert isinstance(info.value, ValueError)
            assert isinstance(info.value, CustomLabelsError)

    run(main)
    assert fake.requests == ()


def test_forged_token_raises_typed_error() -> None:
    """A token the service refuses raises InvalidPaginationTokenError."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(InvalidPaginationTokenError):
                await anext(client.describe_project_versions(project, starting_token="forged"))

    run(main)


def test_malformed_page_raises_malformed_response() -> None:
    """A page that does not fit the schema raises MalformedResponseError naming the member."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)
    fake.faults.malformed(body=b'{"ProjectVersionDescriptions": [{"Status": 5}]}')

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(
                MalformedResponseError,
                match=r"\$\.ProjectVersionDescriptions\[0\]\.Status: expected a string",
            ):
                await anext(client.describe_project_versions(project))

    run(main)


def test_body_botocore_cannot_parse_raises_malformed_response() -> None:
    """A body on which botocore's own parser fails raises MalformedResponseError naming the member."""
    fake = virtual_fake()
    project, _ = project_with(fake, 3)
    fake.faults.malformed(body=b'{"ProjectVersionDescriptions": {"oops": 1}}')

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(
                MalformedResponseError, match=r"^\$\.ProjectVersionDescriptions: expected a list"
            ) as info:
                await anext(client.describe_project_versions(project))
            assert isinstance(info.value.__cause__, AttributeError)

    run(main)


def test_repeated_next_token_ends_with_an_error() -> None:
    """A service that repeats the token it was given would loop forever: the listing raises instead."""

    async def same_token(**params: Any) -> dict[str, Any]:
        return {"ProjectVersionDescriptions": [], "NextToken": "same"}

    raw = StubRaw(same_token)
    client = CustomLabelsClient(raw)  # type: ignore[arg-type]

    async def main() -> None:
        with pytest.raises(MalformedResponseError, match="NextToken"):
            async for _ in client.describe_project_versions(PROJECT):
                pass

    run(main)
    assert raw.calls == 2


def test_memory_stays_flat_over_1000_versions() -> None:
    """While 1,000 versions (10 pages) stream past, never more than two pages of descriptions are alive."""
    # Ten pages are enough to tell flat from growing: a listing that kept what it read would
    # hold 1,000 at the end, five times the bound; each page more costs time and shows nothing new.
    fake = virtual_fake()
    project, _ = project_with(fake, 1_000)
    alive: weakref.WeakSet[ProjectVersionDescription] = weakref.WeakSet()
    most = 0

    async def main() -> int:
        nonlocal most
        seen = 0
        async with client_for(fake) as client:
            async for version in client.describe_project_versions(project):
                alive.add(version)
                seen += 1
                most = max(most, len(alive))
                del version
        return seen

    assert run(main) == 1_000
    assert most <= 201
