"""Lazy, prefetching iteration over DescribeProjectVersions pages."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from types import TracebackType
from typing import Any, Self

from ._errors import MalformedResponseError
from ._models import DescribeProjectVersionsResponse, ProjectVersionDescription

__all__ = ["ProjectVersionIterator", "ProjectVersionPages"]

#: Fetches one page: (version names or None, token or None) -> page.
FetchPage = Callable[[Sequence[str] | None, str | None], Coroutine[Any, Any, DescribeProjectVersionsResponse]]


def _settle(task: asyncio.Task[object]) -> None:
    # A prefetch nobody will await: mark its outcome read, so that asyncio does
    # not warn "exception was never retrieved".
    if not task.cancelled():
        task.exception()


class _Closing:
    """``async with`` around an iterator closes it on leaving the block."""

    async def aclose(self) -> None:  # pragma: no cover - both subclasses define it
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class ProjectVersionPages(_Closing):
    """An async iterator of typed DescribeProjectVersions pages.

    The first request is sent at the first ``__anext__``. As each page is
    handed over, the request for the next one is already sent, so the caller's
    work on a page overlaps the wait for the next; never more than one page
    is fetched ahead. Closing the iterator, leaving an ``async with`` block
    around it, or cancelling the task that iterates cancels that fetch.
    """

    def __init__(
        self, fetch: FetchPage, batches: Sequence[Sequence[str] | None], starting_token: str | None
    ) -> None:
        self._fetch = fetch
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


class ProjectVersionIterator(_Closing):
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
        while not self._buffer:
            page = await self._pages.__anext__()
            self._buffer.extend(page.project_version_descriptions)
        return self._buffer.popleft()

    async def aclose(self) -> None:
        """Stop iterating and cancel the page being fetched ahead, if any."""
        self._buffer.clear()
        await self._pages.aclose()
