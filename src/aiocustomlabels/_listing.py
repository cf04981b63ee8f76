"""Listing: DescribeProjectVersions and DescribeProjects, one page ahead, typed.

``Listing`` is the capability ``CustomLabelsClient`` delegates its listing to:
the iterators for ``async for`` (over the versions of a project, over projects,
and over every hosted version of a region), one version by name, a version's
project, and the batches of names that shared polls ask for.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, ClassVar, Final, Generic, Protocol, Self, TypeVar

from ._arns import ProjectArn, ProjectVersionArn
from ._checks import ListingArgs
from ._errors import MalformedResponseError, ProjectNotFoundError, ResourceNotFoundError, VersionNotFoundError
from ._models import (
    HOSTED_STATUSES,
    CustomizationFeature,
    DescribeProjectsResponse,
    DescribeProjectVersionsResponse,
    ProjectDescription,
    ProjectVersionDescription,
)
from ._rules import MAX_PAGE_SIZE
from ._transport import AsyncResource, Transport

__all__ = [
    "HostedVersionIterator",
    "Listing",
    "ProjectIterator",
    "ProjectPages",
    "ProjectVersionIterator",
    "ProjectVersionPages",
]


class _Page(Protocol):
    @property
    def next_token(self) -> str | None: ...


P = TypeVar("P", bound=_Page)
T = TypeVar("T")
PagesT = TypeVar("PagesT", bound="_Pages[Any]")

#: Fetches one page: (names or None, token or None) -> page.
FetchPage = Callable[[Sequence[str] | None, str | None], Coroutine[Any, Any, P]]


#: A whole listing, in pages of the most the service gives.
_ALL: Final = ListingArgs(MAX_PAGE_SIZE, None, None)

#: What DescribeProjects is asked for when looking for a version's project: every kind.
_ALL_FEATURES = [feature.value for feature in CustomizationFeature]


class Listing:
    """DescribeProjectVersions and DescribeProjects, typed: every argument here was checked by the caller.

    Args:
        transport: Sends the requests.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        # The projects of versions looked up: a project's ARN never changes while it exists.
        self._project_arns: dict[tuple[str, str, str, str], ProjectArn] = {}
        self._looking_up = asyncio.Lock()

    def check_open(self) -> None:
        """Raise ``ClientClosedError`` if the client was closed."""
        self._transport.check_open()

    async def page(
        self, project: ProjectArn, page_size: int, names: Sequence[str] | None, token: str | None
    ) -> DescribeProjectVersionsResponse:
        """One page of DescribeProjectVersions.

        Raises:
            MalformedResponseError: The answer has no ``ProjectVersionDescriptions``
                (``Transport`` checks it: an answer without the list is never
                taken for an empty project), or does not fit the schema.
        """
        data = await self._transport.call(
            "DescribeProjectVersions",
            ProjectArn=project,
            MaxResults=page_size,
            VersionNames=None if names is None else list(names),
            NextToken=token,
        )
        return self._transport.structure(data, DescribeProjectVersionsResponse)

    async def projects_page(
        self,
        page_size: int,
        names: Sequence[str] | None,
        token: str | None,
        *,
        features: Sequence[str] | None = None,
    ) -> DescribeProjectsResponse:
        """One page of DescribeProjects.

        Raises:
            MalformedResponseError: The answer has no ``ProjectDescriptions``
                (``Transport`` checks it), or does not fit the schema.
        """
        data = await self._transport.call(
            "DescribeProjects",
            MaxResults=page_size,
            ProjectNames=None if names is None else list(names),
            Features=None if features is None else list(features),
            NextToken=token,
        )
        return self._transport.structure(data, DescribeProjectsResponse)

    def versions(self, project: ProjectArn, args: ListingArgs) -> ProjectVersionIterator:
        """The versions of ``project``, lazily."""
        fetch = functools.partial(self.page, project, args.page_size)
        return ProjectVersionIterator(ProjectVersionPages(fetch, args, check=self._transport.check_open))

    def projects(self, args: ListingArgs) -> ProjectIterator:
        """The projects of the region, lazily."""
        fetch = functools.partial(self.projects_page, args.page_size)
        return ProjectIterator(ProjectPages(fetch, args, check=self._transport.check_open))

    async def hosted_in(self, project: ProjectArn) -> list[ProjectVersionDescription]:
        """The hosted versions of one project; none if the project is gone meanwhile."""
        found: list[ProjectVersionDescription] = []
        try:
            async with self.versions(project, _ALL) as each:
                found.extend([v async for v in each if v.status in HOSTED_STATUSES])
        except ResourceNotFoundError:
            # Deleted between DescribeProjects and now: it hosts nothing.
            return []
        return found

    async def named(self, project: ProjectArn, names: Sequence[str]) -> dict[str, ProjectVersionDescription]:
        """The description of each version named that exists, by name: one call of at most 10 names."""
        page = await self.page(project, len(names), names, None)
        return {d.version_name: d for d in page.project_version_descriptions if d.version_name is not None}

    async def version(self, project: ProjectArn, name: str) -> ProjectVersionDescription:
        """One version's description.

        Raises:
            VersionNotFoundError: The project has no version of that name.
        """
        found = (await self.named(project, (name,))).get(name)
        if found is None:
            raise VersionNotFoundError(project, name)
        return found

    async def project_of(self, version: ProjectVersionArn) -> ProjectArn:
        """The ARN of the project ``version`` belongs to, looked up by its name once per client.

        The two ARNs end in different creation times: the project's cannot be
        computed from the version's, only found (DescribeProjects, filtered by
        the project's name, every page). What is found is kept: the next
        operation on a version of that project sends nothing to find it.

        Raises:
            ProjectNotFoundError: No project of that name in the version's
                region and account, as seen through this client.
        """
        key = (version.aws_partition, version.region, version.account_id, version.project_name)
        found = self._project_arns.get(key)
        if found is not None:
            return found
        # Two operations that look the same project up at once send one lookup.
        async with self._looking_up:
            found = self._project_arns.get(key)
            if found is None:
                found = self._project_arns[key] = await self._find_project(version, key)
        return found

    async def _find_project(self, version: ProjectVersionArn, key: tuple[str, str, str, str]) -> ProjectArn:
        token: str | None = None
        while True:
            page = await self.projects_page(
                MAX_PAGE_SIZE, [version.project_name], token, features=_ALL_FEATURES
            )
            for project in page.project_descriptions:
                arn = project.project_arn
                if (
                    arn is not None
                    and (arn.aws_partition, arn.region, arn.account_id, arn.project_name) == key
                ):
                    return arn
            if page.next_token is None or page.next_token == token:
                raise ProjectNotFoundError(version)
            token = page.next_token


def _settle(task: asyncio.Task[object]) -> None:
    # A prefetch nobody will await: mark its outcome read, so that asyncio does
    # not warn "exception was never retrieved".
    if not task.cancelled():
        task.exception()


def _abandon(task: asyncio.Task[Any]) -> None:
    """Cancel a task nobody will await; the loop holds it until it ends, and its outcome is read."""
    if task.done():
        _settle(task)
    else:
        task.cancel()
        task.add_done_callback(_settle)


class _Pages(AsyncResource, Generic[P]):
    """An async iterator of typed pages, fetched one ahead of the caller.

    The first request is sent at the first ``__anext__``. As each page is
    handed over, the request for the next one is already sent, so the caller's
    work on a page overlaps the wait for the next; never more than one page
    is fetched ahead. Closing the iterator, leaving an ``async with`` block
    around it, or cancelling the task that iterates cancels that fetch.
    """

    def __init__(self, fetch: FetchPage[P], args: ListingArgs, *, check: Callable[[], None]) -> None:
        self._fetch = fetch
        self._check = check
        self._batches: list[Sequence[str] | None] = [None] if args.batches is None else list(args.batches)
        self._batch = 0
        self._token = args.starting_token
        self._next: asyncio.Task[P] | None = None
        self._done = not self._batches

    def __aiter__(self) -> Self:
        return self

    def _schedule(self) -> asyncio.Task[P]:
        self._next = asyncio.get_running_loop().create_task(
            self._fetch(self._batches[self._batch], self._token), name="aiocustomlabels-prefetch"
        )
        return self._next

    async def __anext__(self) -> P:
        if self._done:
            raise StopAsyncIteration
        await self.ensure_open()
        task = self._next if self._next is not None else self._schedule()
        try:
            # If our caller is cancelled here, asyncio cancels the task too.
            page = await task
        except BaseException:
            self._done = True
            raise
        finally:
            self._next = None
        self._advance(page.next_token)
        if not self._done:
            self._schedule()
        return page

    async def ensure_open(self) -> None:
        """Raise ``ClientClosedError`` if the client closed, after ending the fetch ahead."""
        try:
            self._check()
        except BaseException:
            # A closed client ends its listings, even with a page already fetched.
            await self.aclose()
            raise

    def _advance(self, next_token: str | None) -> None:
        if next_token is not None:
            if next_token == self._token:
                self._done = True
                msg = "the service sent back the NextToken it was given: the listing would never end"
                raise MalformedResponseError(msg, ("NextToken",))
            self._token = next_token
            return
        self._batch += 1
        self._token = None
        self._done = self._batch >= len(self._batches)

    async def aclose(self) -> None:
        """Stop iterating, and cancel and await the page being fetched ahead, if any."""
        self._done = True
        task, self._next = self._next, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    def __del__(self) -> None:
        # Left behind after a `break`: cancel the fetch ahead.
        task = getattr(self, "_next", None)
        if task is not None:
            _abandon(task)


class ProjectVersionPages(_Pages[DescribeProjectVersionsResponse]):
    """An async iterator of typed DescribeProjectVersions pages, fetched one ahead.

    The first request is sent at the first ``__anext__``. As each page is
    handed over, the request for the next one is already sent, so the caller's
    work on a page overlaps the wait for the next; never more than one page
    is fetched ahead. Closing the iterator, leaving an ``async with`` block
    around it, or cancelling the task that iterates cancels that fetch.
    """


class ProjectPages(_Pages[DescribeProjectsResponse]):
    """An async iterator of typed DescribeProjects pages, fetched one ahead, as ``ProjectVersionPages``."""


class _Items(AsyncResource, Generic[PagesT, T]):
    """The items of the pages of a ``_Pages``, one at a time; ``pages()`` gives the pages instead."""

    #: The pages' member that lists the items.
    _member: ClassVar[str]

    def __init__(self, pages: PagesT) -> None:
        self._pages = pages
        self._buffer: deque[T] = deque()
        self._iterating = False

    def pages(self) -> PagesT:
        """The pages themselves, typed, with the ``next_token`` that resumes after each.

        Raises:
            RuntimeError: Iteration over the items has already begun.
        """
        if self._iterating:
            msg = "pages() must be called before iterating over the items"
            raise RuntimeError(msg)
        return self._pages

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        self._iterating = True
        if self._buffer:
            await self._pages.ensure_open()
        while not self._buffer:
            page = await self._pages.__anext__()
            self._buffer.extend(getattr(page, self._member))
        return self._buffer.popleft()

    async def aclose(self) -> None:
        """Stop iterating and cancel the page being fetched ahead, if any."""
        self._buffer.clear()
        await self._pages.aclose()


class ProjectVersionIterator(_Items[ProjectVersionPages, ProjectVersionDescription]):
    """An async iterator of ``ProjectVersionDescription``, newest first.

    Returned by ``CustomLabelsClient.describe_project_versions``; see there.
    Use ``pages()`` instead of iterating to get whole pages with their tokens.
    """

    _member = "project_version_descriptions"


class ProjectIterator(_Items[ProjectPages, ProjectDescription]):
    """An async iterator of ``ProjectDescription``.

    Returned by ``CustomLabelsClient.describe_projects``; see there. Use
    ``pages()`` instead of iterating to get whole pages with their tokens.
    """

    _member = "project_descriptions"


class HostedVersionIterator(AsyncResource):
    """An async iterator of every version STARTING, RUNNING or STOPPING in the region.

    Returned by ``CustomLabelsClient.hosted_versions``; see there. Projects are
    listed lazily, and the versions of at most ``concurrency`` projects are
    listed at once; each project's hosted versions come out together, newest
    first, projects in the order DescribeProjects gives them.
    """

    def __init__(self, listing: Listing, *, concurrency: int) -> None:
        self._listing = listing
        self._projects = listing.projects(_ALL)
        self._concurrency = concurrency
        self._running: deque[tuple[ProjectArn, asyncio.Task[list[ProjectVersionDescription]]]] = deque()
        self._buffer: deque[ProjectVersionDescription] = deque()
        self._listed = False
        self._projects_of: dict[ProjectVersionArn, ProjectArn] = {}

    def __aiter__(self) -> Self:
        return self

    def project_of(self, version: ProjectVersionDescription) -> ProjectArn:
        """The ARN of the project a version given by this iterator belongs to.

        Raises:
            KeyError: The iterator did not give that version.
        """
        if version.project_version_arn is None or version.project_version_arn not in self._projects_of:
            msg = f"not a version this iterator gave: {version.project_version_arn}"
            raise KeyError(msg)
        return self._projects_of[version.project_version_arn]

    async def _fill(self) -> None:
        """Start listing projects' versions until ``concurrency`` are under way or none is left."""
        while not self._listed and len(self._running) < self._concurrency:
            try:
                project = await anext(self._projects)
            except StopAsyncIteration:
                self._listed = True
                return
            if project.project_arn is not None:
                task = asyncio.get_running_loop().create_task(
                    self._listing.hosted_in(project.project_arn), name="aiocustomlabels-hosted"
                )
                self._running.append((project.project_arn, task))

    async def __anext__(self) -> ProjectVersionDescription:
        try:
            self._listing.check_open()
            while not self._buffer:
                # The hosted versions of the next project, in DescribeProjects' order.
                await self._fill()
                if not self._running:
                    break
                project, task = self._running[0]
                found = await task
                self._running.popleft()
                arns = [version.project_version_arn for version in found]
                self._projects_of.update((arn, project) for arn in arns if arn is not None)
                self._buffer.extend(found)
        except BaseException:
            await self.aclose()
            raise
        if not self._buffer:
            raise StopAsyncIteration
        return self._buffer.popleft()

    async def aclose(self) -> None:
        """Stop iterating: cancel and await the listings under way."""
        self._listed = True
        self._buffer.clear()
        running = [task for _, task in self._running]
        self._running.clear()
        for task in running:
            task.cancel()
        # gather() reads each outcome: asyncio reports none as never retrieved.
        await asyncio.gather(*running, return_exceptions=True)
        await self._projects.aclose()

    def __del__(self) -> None:
        # Left behind after a `break`: cancel what is under way, as the page iterators do.
        for _, task in getattr(self, "_running", ()):
            _abandon(task)
