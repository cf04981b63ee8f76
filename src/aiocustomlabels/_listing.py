"""Listing model versions: DescribeProjectVersions, one page ahead, typed.

``Listing`` is the capability ``CustomLabelsClient`` delegates its listing to:
the iterators for ``async for``, one version by name, and the batches of
names that shared polls ask for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Self

from ._arns import ProjectArn
from ._errors import MalformedResponseError, VersionNotFoundError
from ._models import DescribeProjectVersionsResponse, ProjectVersionDescription
from ._transport import AsyncResource, Transport

__all__ = ["Listing", "ProjectVersionIterator", "ProjectVersionPages"]

#: Fetches one page: (version names or None, token or None) -> page.
FetchPage = Callable[[Sequence[str] | None, str | None], Coroutine[Any, Any, DescribeProjectVersionsResponse]]


class Listing:
    """DescribeProjectVersions, typed: every argument here was checked by the caller.

    Args:
        transport: Sends the requests.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def page(
        self, project: ProjectArn, page_size: int, names: Sequence[str] | None, token: str | None
    ) -> DescribeProjectVersionsResponse:
        """One page.

        Raises:
            MalformedResponseError: The answer has no ``ProjectVersionDescriptions``
                (``Transport`` checks it: an answer without the list is never
                taken for an empty project), or does not fit the schema.
        """
        params: dict[str, Any] = {"ProjectArn": project, "MaxResults": page_size}
        if names is not None:
            params["VersionNames"] = list(names)
        if token is not None:
            params["NextToken"] = token
        data = await self._transport.call("DescribeProjectVersions", **params)
        return self._transport.structure(data, DescribeProjectVersionsResponse)

    def versions(
        self,
        project: ProjectArn,
        *,
        page_size: int,
        batches: Sequence[Sequence[str]] | None,
        starting_token: str | None,
    ) -> ProjectVersionIterator:
        """The versions of ``project``, lazily: ``batches`` of names, or all when ``None``."""

        async def fetch(names: Sequence[str] | None, token: str | None) -> DescribeProjectVersionsResponse:
            return await self.page(project, page_size, names, token)

        pages = ProjectVersionPages(
            fetch, [None] if batches is None else batches, starting_token, check=self._transport.check_open
        )
        return ProjectVersionIterator(pages)

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


def _settle(task: asyncio.Task[object]) -> None:
    # A prefetch nobody will await: mark its outcome read, so that asyncio does
    # not warn "exception was never retrieved".
    if not task.cancelled():
        task.exception()


class ProjectVersionPages(AsyncResource):
    """An async iterator of typed DescribeProjectVersions pages.

    The first request is sent at the first ``__anext__``. As each page is
    handed over, the request for the next one is already sent, so the caller's
    work on a page overlaps the wait for the next; never more than one page
    is fetched ahead. Closing the iterator, leaving an ``async with`` block
    around it, or cancelling the task that iterates cancels that fetch.
    """

    def __init__(
        self,
        fetch: FetchPage,
        batches: Sequence[Sequence[str] | None],
        starting_token: str | None,
        *,
        check: Callable[[], None] | None = None,
    ) -> None:
        self._fetch = fetch
        self._check = check
        self._batches = list(batches)
        self._batch = 0
        self._token = starting_token
        self._next: asyncio.Task[DescribeProjectVersionsResponse] | None = None
        self._done = not self._batches
        self._started = False

    def __aiter__(self) -> Self:
        return self

    def _schedule(self) -> None:
        self._next = asyncio.get_running_loop().create_task(
            self._fetch(self._batches[self._batch], self._token), name="aiocustomlabels-prefetch"
        )

    async def __anext__(self) -> DescribeProjectVersionsResponse:
        if self._done:
            raise StopAsyncIteration
        await self.ensure_open()
        if self._next is None:
            self._schedule()
        self._started = True
        task = self._next
        assert task is not None  # noqa: S101 -- just scheduled
        try:
            # If our caller is cancelled here, asyncio cancels the task too.
            page = await task
        except BaseException:
            self._next = None
            self._done = True
            raise
        self._next = None
        self._advance(page.next_token)
        if not self._done:
            self._schedule()
        return page

    async def ensure_open(self) -> None:
        """Raise ``ClientClosedError`` if the client closed, after ending the fetch ahead."""
        if self._check is None:
            return
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
        # Left behind after a `break`: cancel the fetch ahead. The loop holds the
        # task until it finishes, and the callback reads its outcome.
        task = getattr(self, "_next", None)
        if task is not None and not task.done():
            task.cancel()
            task.add_done_callback(_settle)
        elif task is not None:
            _settle(task)


class ProjectVersionIterator(AsyncResource):
    """An async iterator of ``ProjectVersionDescription``, newest first.

    Returned by ``CustomLabelsClient.describe_project_versions``; see there.
    Use ``pages()`` instead of iterating to get whole pages with their tokens.
    """

    def __init__(self, pages: ProjectVersionPages) -> None:
        self._pages = pages
        self._buffer: deque[ProjectVersionDescription] = deque()
        self._iterating = False

    def pages(self) -> ProjectVersionPages:
        """The pages themselves, typed, with the ``next_token`` that resumes after each.

        Raises:
            RuntimeError: Iteration over the versions has already begun.
        """
        if self._iterating:
            msg = "pages() must be called before iterating over the versions"
            raise RuntimeError(msg)
        return self._pages

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ProjectVersionDescription:
        self._iterating = True
        if self._buffer:
            await self._pages.ensure_open()
        while not self._buffer:
            page = await self._pages.__anext__()
            self._buffer.extend(page.project_version_descriptions)
        return self._buffer.popleft()

    async def aclose(self) -> None:
        """Stop iterating and cancel the page being fetched ahead, if any."""
        self._buffer.clear()
        await self._pages.aclose()
