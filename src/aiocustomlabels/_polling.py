"""Polling: the delays between polls (the Smithy waiter rule), and one call a round for every wait on a project.

The delays follow the waiter rule the AWS SDKs share (Smithy waiters,
"waiter retries"): exponential backoff with full jitter between ``min_delay``
and ``max_delay``, and a last attempt at the deadline rather than a sleep past it.

Waits on versions of one project take part in the rounds of one
``SharedPoller``: a round asks for up to 10 versions a call, and hands each
wait its version's description (or the call's error). ``Pollers`` keeps one
poller per project with waits under way.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

import attrs

from ._arns import ProjectArn
from ._checks import batches
from ._errors import ClientClosedError, InvalidRequestError, ThrottlingError
from ._models import ProjectVersionDescription
from ._rules import is_seconds

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MIN_DELAY",
    "Backoff",
    "CallbackError",
    "DelayCallback",
    "FetchBatch",
    "MissingError",
    "Pollers",
    "SharedPoller",
    "logger",
]

DEFAULT_MIN_DELAY: Final = 20.0
"""The first delay between polls, in seconds.

Chosen with ``DEFAULT_MAX_DELAY`` so that a single wait beats AWS's
ProjectVersionRunning waiter (a fixed 30 s) on lateness, at about the same
number of requests: see ``docs/performance.md``.
"""

DEFAULT_MAX_DELAY: Final = 30.0
"""The longest delay between polls, in seconds.

With full jitter, polls come every 20 to 30 s, 25 s on average: over starts of
1 to 20 minutes a wait returns 12.7 s after RUNNING on average, against 15 s
for AWS's waiter, for 1.2 times its requests.
"""

DelayCallback = Callable[[float], object]
"""What a delay callback is: a plain function given each delay, in seconds, before it is slept."""


@attrs.frozen(kw_only=True)
class Backoff:
    """The Smithy waiter delay rule.

    Attributes:
        min_delay: The first and the smallest delay, in seconds (> 0).
        max_delay: The largest delay, in seconds (>= ``min_delay``).
    """

    min_delay: float = DEFAULT_MIN_DELAY
    max_delay: float = DEFAULT_MAX_DELAY

    def __attrs_post_init__(self) -> None:
        low: object = self.min_delay  # callers without type checking may pass anything
        high: object = self.max_delay
        if not (is_seconds(low) and low > 0):
            msg = f"min_delay must be a positive, finite number of seconds, not {self.min_delay!r}"
            raise InvalidRequestError(msg)
        if not (is_seconds(high) and high >= low):
            msg = f"max_delay must be a finite number of seconds, at least min_delay ({self.min_delay}), not {self.max_delay!r}"
            raise InvalidRequestError(msg)

    def delay(self, attempt: int, *, remaining: float | None, rng: random.Random) -> float:
        """The delay before retry number ``attempt`` (1 for the first retry).

        Args:
            attempt: Which retry this is, from 1.
            remaining: Seconds left before the deadline; ``None`` for no deadline.
            rng: The random source for the jitter.

        Returns:
            The seconds to sleep: never past the deadline. When less than
            ``min_delay`` would be left after it, the delay is the whole
            remaining time, and the poll after it is the last.
        """
        ceiling = math.log(self.max_delay / self.min_delay) / math.log(2) + 1
        high = self.max_delay if attempt > ceiling else self.min_delay * 2 ** (attempt - 1)
        delay = rng.uniform(self.min_delay, high)
        if remaining is not None and remaining - delay <= self.min_delay:
            delay = max(0.0, remaining)
        return delay


DEFAULT_BACKOFF: Final = Backoff()
"""The backoff of every wait given none: one object, so shared polls need not combine."""


logger = logging.getLogger("aiocustomlabels")
# A library logs, and the application decides where it goes: nothing reaches
# stderr through logging's last resort unless the application configures logging.
logger.addHandler(logging.NullHandler())

#: Fetches one round: version names (at most 10) -> description of each found.
FetchBatch = Callable[[Sequence[str]], Awaitable[dict[str, ProjectVersionDescription]]]


class _Member:
    """One wait taking part in a poller's rounds."""

    def __init__(
        self, version: str, backoff: Backoff, on_delay: DelayCallback | None, deadline: float | None
    ) -> None:
        self.version = version
        self.backoff = backoff
        self.on_delay = on_delay
        self.deadline = deadline
        self.future: asyncio.Future[ProjectVersionDescription] | None = None

    @property
    def wants(self) -> bool:
        return self.future is not None and not self.future.done()

    def tell_delay(self, delay: float) -> None:
        """Give the wait its delay; what its callback raises ends that wait, and only that one.

        The callback runs in the shared poller's task: nothing it raises, not even
        ``CancelledError``, may end that task, on which the other waits depend.
        """
        if self.on_delay is None:
            return
        try:
            self.on_delay(delay)
        except (Exception, asyncio.CancelledError) as exc:
            if self.future is not None and not self.future.done():
                self.future.set_exception(CallbackError(exc))


class SharedPoller:
    """Polls for every wait on versions of one project at once: one call per 10 versions a round.

    A round is made once every wait taking part has asked for it (or
    ``min_delay`` after the first asked, so that a busy wait cannot hold the
    others back), after a delay
    computed by the Smithy rule on the round's own attempt count (reset when a
    wait starts or stops its version, unless the last round was throttled),
    within the smallest ``min_delay`` and ``max_delay`` of the waits, and
    never past the earliest deadline among them. A wait that joins while a
    round is pending takes part in it; one that leaves is dropped at once. With
    a single wait this is exactly that wait's own loop: the same calls, the
    same delays.

    Args:
        fetch: Describes up to 10 versions by name in one call.
        rng: The jitter's random source.
    """

    def __init__(self, fetch: FetchBatch, *, rng: random.Random | None = None) -> None:
        self._fetch = fetch
        self._rng = rng if rng is not None else random.Random()  # noqa: S311 -- jitter, not cryptography
        self._members: list[_Member] = []
        # The members' delays combined: made again only when they join or leave.
        self._backoff = DEFAULT_BACKOFF
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._attempt = 0
        self._throttled = False
        self._rounds = 0
        #: Calls made, by round: for tests and benchmarks.
        self.calls_per_round: list[int] = []

    @property
    def members(self) -> int:
        """How many waits take part."""
        return len(self._members)

    def join(
        self, version: str, backoff: Backoff, on_delay: DelayCallback | None, *, deadline: float | None
    ) -> _Member:
        """Take part in the rounds, for the version named, with its delays and delay callback."""
        member = _Member(version, backoff, on_delay, deadline)
        self._members.append(member)
        self._combine()
        return member

    def _combine(self) -> None:
        """The smallest min_delay and the smallest max_delay of the members, as one Backoff."""
        if not self._members:
            return
        low = min(m.backoff.min_delay for m in self._members)
        high = min(m.backoff.max_delay for m in self._members)
        if (self._backoff.min_delay, self._backoff.max_delay) != (low, high):
            self._backoff = Backoff(min_delay=low, max_delay=high)

    async def leave(self, member: _Member) -> None:
        """Stop taking part; the last to leave stops the rounds and waits for them to end."""
        if member in self._members:
            self._members.remove(member)
            self._combine()
        if member.future is not None and not member.future.done():
            member.future.cancel()
        self._changed.set()
        if not self._members:
            # Nobody waits: the next wait starts afresh, as a wait on its own would.
            self._attempt = self._rounds = 0
            self._throttled = False
            if self._task is not None:
                task, self._task = self._task, None
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    def acted(self) -> None:
        """A wait started or stopped its version: poll soon again, unless the service is throttling us."""
        if not self._throttled:
            self._attempt = 0

    async def next(self, member: _Member) -> ProjectVersionDescription:
        """The member's description from the next round.

        Raises:
            Exception: What the round's call for this version raised.
        """
        future: asyncio.Future[ProjectVersionDescription] = asyncio.get_running_loop().create_future()
        member.future = future
        self._changed.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="aiocustomlabels-poller")
        return await future

    def _delay(self) -> float:
        loop = asyncio.get_running_loop()
        backoff = self._backoff
        deadlines = [m.deadline for m in self._members if m.deadline is not None]
        remaining = None if not deadlines else min(deadlines) - loop.time()
        self._attempt += 1
        return backoff.delay(self._attempt, remaining=remaining, rng=self._rng)

    async def _gather(self) -> None:
        """Wait until every member asks for the next round, or leaves.

        A member still busy (starting its version, or in a slow ``on_status``)
        holds the others back by at most ``min_delay`` after the first asked:
        then the round goes ahead, and the latecomer joins the one after.
        """
        limit: float | None = None
        loop = asyncio.get_running_loop()
        while self._members and not all(m.wants for m in self._members):
            if limit is None and any(m.wants for m in self._members):
                limit = loop.time() + self._backoff.min_delay
            self._changed.clear()
            try:
                async with asyncio.timeout_at(limit):
                    await self._changed.wait()
            except TimeoutError:
                return

    async def _run(self) -> None:
        """The rounds, until no wait wants one: never ends leaving a wait waiting.

        Whatever ends the task (a bug, an error nobody foresaw) reaches every
        wait taking part, and the task itself ends quietly, so that asyncio
        has no exception to report as never retrieved; the next wait to ask
        for a round starts a new task. A cancellation (the last wait left, or
        the client closed) stays one.
        """
        try:
            while self._members:
                await self._gather()
                if not any(m.wants for m in self._members):
                    return
                if self._rounds:
                    delay = self._delay()
                    logger.debug("next poll of %d versions in %.1f s", len(self._members), delay)
                    for member in self._members:
                        member.tell_delay(delay)
                    await asyncio.sleep(delay)
                await self._round([m for m in self._members if m.wants])
        except asyncio.CancelledError:
            for member in self._members:
                if member.future is not None and not member.future.done():
                    member.future.cancel()
            raise
        except Exception as exc:
            logger.exception("the shared poller failed; its waits end with its error")
            self._fail_all(exc)

    def _fail_all(self, exc: BaseException) -> None:
        for member in self._members:
            if member.future is not None and not member.future.done():
                member.future.set_exception(exc)

    async def close(self) -> None:
        """End the rounds: every wait taking part gets ``ClientClosedError``."""
        self._fail_all(ClientClosedError("the client was closed"))
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _round(self, members: list[_Member]) -> None:
        self._rounds += 1
        calls = batches(list(dict.fromkeys(m.version for m in members)))
        self.calls_per_round.append(len(calls))
        results = await asyncio.gather(*(self._fetch(batch) for batch in calls), return_exceptions=True)
        found: dict[str, ProjectVersionDescription | BaseException] = {}
        for batch, result in zip(calls, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result
            found.update(dict.fromkeys(batch, result) if isinstance(result, BaseException) else result)
        self._throttled = any(isinstance(result, ThrottlingError) for result in results)
        for member in members:
            future = member.future
            if future is None or future.done():
                continue
            outcome = found[member.version] if member.version in found else MissingError()
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


class MissingError(Exception):
    """The round's answer had no description of the version."""


class CallbackError(Exception):
    """What a wait's own callback raised, carried to that wait as it is."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class Pollers:
    """The shared pollers of one client, one per project with waits under way.

    A poller is made when the first wait on its project asks for it, and
    dropped when its last wait leaves.

    Args:
        fetch: Describes up to 10 versions of a project by name in one call.
    """

    def __init__(
        self, fetch: Callable[[ProjectArn, Sequence[str]], Awaitable[dict[str, ProjectVersionDescription]]]
    ) -> None:
        self._fetch = fetch
        self._by_project: dict[ProjectArn, SharedPoller] = {}

    def of(self, project: ProjectArn) -> SharedPoller:
        """The poller of ``project``, made if need be."""
        poller = self._by_project.get(project)
        if poller is None:
            poller = self._by_project[project] = SharedPoller(functools.partial(self._fetch, project))
        return poller

    def release(self, project: ProjectArn, poller: SharedPoller) -> None:
        """Drop ``poller`` if no wait takes part in it any more."""
        if not poller.members and self._by_project.get(project) is poller:
            del self._by_project[project]

    async def aclose(self) -> None:
        """End every poller: their waits get ``ClientClosedError``."""
        pollers = list(self._by_project.values())
        self._by_project.clear()
        for poller in pollers:
            await poller.close()
