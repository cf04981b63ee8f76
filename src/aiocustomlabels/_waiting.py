"""Waiting for a model version to reach a status: backoff, status tables, the loop.

The delays follow the waiter rule the AWS SDKs share (Smithy waiters,
"waiter retries"): exponential backoff with full jitter between ``min_delay``
and ``max_delay``, and a last attempt at the deadline rather than a sleep past it.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import logging
import math
import random
from collections.abc import Awaitable, Callable
from typing import Any, Final

import attrs

from ._arns import MAX_VERSION_NAMES
from ._errors import (
    InternalServerError,
    InvalidRequestError,
    MalformedResponseError,
    ModelStartError,
    ModelStopError,
    ResourceInUseError,
    ServiceError,
    ThrottledError,
    TransportError,
    WaitError,
    WaitTimeoutError,
)
from ._models import ProjectVersionDescription, ProjectVersionStatus

__all__ = [
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MIN_DELAY",
    "START_PLAN",
    "STOP_PLAN",
    "Backoff",
    "SharedPoller",
    "StatusCallback",
    "WaitPlan",
    "wait_for",
]

logger = logging.getLogger("aiocustomlabels")

S = ProjectVersionStatus

DEFAULT_MIN_DELAY: Final = 5.0
"""The first delay between polls, in seconds.

A failed start often shows within a minute, and most starts take minutes:
early polls are frequent, later ones not.
"""

DEFAULT_MAX_DELAY: Final = 60.0
"""The longest delay between polls, in seconds.

With full jitter the delays average (5 + 60) / 2 = 32.5 s once backed off: no
more requests than AWS's own ProjectVersionRunning waiter (a fixed 30 s), and
no more than a minute late.
"""

StatusCallback = Callable[[ProjectVersionDescription], Awaitable[object] | object]
"""What a status callback may be: a plain function or a coroutine function.

It is called with the ``ProjectVersionDescription`` that showed a new status;
what it returns is awaited if it is awaitable, and otherwise ignored.
"""


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
        if isinstance(low, bool) or not (isinstance(low, int | float) and low > 0):
            msg = f"min_delay must be a positive number of seconds, not {self.min_delay!r}"
            raise InvalidRequestError(msg)
        if isinstance(high, bool) or not (isinstance(high, int | float) and high >= low):
            msg = f"max_delay must be at least min_delay ({self.min_delay}), not {self.max_delay!r}"
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


class Action(enum.Enum):
    """What a wait does on seeing a status."""

    DONE = "done"
    WAIT = "wait"
    ACT = "act"
    FAIL = "fail"


@attrs.frozen(kw_only=True)
class WaitPlan:
    """The status table of one kind of wait.

    Attributes:
        goal: The status that ends the wait.
        before: What to do on each status before acting (starting or stopping).
        after: What to do on each status after acting.
        unknown: What to do on a status this release does not know.
        pre_act: Statuses that may still show, for a few polls, right after acting,
            before the service's change is visible.
        failure: The exception raised on FAIL.
        verb: The action's name, for messages and logs.
    """

    goal: ProjectVersionStatus
    before: dict[ProjectVersionStatus, Action]
    after: dict[ProjectVersionStatus, Action]
    unknown: Action
    pre_act: frozenset[ProjectVersionStatus]
    failure: type[WaitError]
    verb: str

    def action(self, status: ProjectVersionStatus | None, *, acted: bool, stale: int) -> Action:
        """What to do on ``status``."""
        if status is None or not status.is_known:
            return self.unknown
        if acted and status in self.pre_act and stale < STALE_POLLS:
            return Action.WAIT
        table = self.after if acted else self.before
        return table.get(status, Action.FAIL)


#: Polls after a start or stop that may still show the old status.
STALE_POLLS: Final = 2

_STARTABLE = frozenset({S.TRAINING_COMPLETED, S.STOPPED, S.COPYING_COMPLETED})

START_PLAN: Final = WaitPlan(
    goal=S.RUNNING,
    before={
        S.RUNNING: Action.DONE,
        S.STARTING: Action.WAIT,
        S.STOPPING: Action.WAIT,
        S.TRAINING_IN_PROGRESS: Action.WAIT,
        S.COPYING_IN_PROGRESS: Action.WAIT,
        **dict.fromkeys(_STARTABLE, Action.ACT),
        # FAILED, TRAINING_FAILED, COPYING_FAILED, DELETING, DEPRECATED and
        # EXPIRED: RUNNING cannot follow, so they fail.
    },
    after={S.RUNNING: Action.DONE, S.STARTING: Action.WAIT},
    unknown=Action.WAIT,
    pre_act=_STARTABLE,
    failure=ModelStartError,
    verb="start",
)

_HOSTED = frozenset({S.STARTING, S.RUNNING, S.STOPPING})

STOP_PLAN: Final = WaitPlan(
    goal=S.STOPPED,
    before={
        **{status: Action.DONE for status in S if status not in _HOSTED},
        S.STARTING: Action.WAIT,
        S.RUNNING: Action.ACT,
        S.STOPPING: Action.WAIT,
    },
    after={S.STOPPED: Action.DONE, S.STOPPING: Action.WAIT},
    unknown=Action.WAIT,
    pre_act=frozenset({S.RUNNING}),
    failure=ModelStopError,
    verb="stop",
)


def is_transient(exc: BaseException) -> bool:
    """Whether a failed request may succeed if tried again later."""
    if isinstance(exc, ThrottledError | InternalServerError | TransportError | MalformedResponseError):
        return True
    return isinstance(exc, ServiceError) and (exc.http_status or 0) >= 500  # noqa: PLR2004


async def _notify(callback: StatusCallback | None, description: ProjectVersionDescription) -> None:
    if callback is None:
        return
    result = callback(description)
    if inspect.isawaitable(result):
        await result


#: Fetches one round: version names (at most 10) -> description of each found.
FetchBatch = Callable[[list[str]], Awaitable[dict[str, ProjectVersionDescription]]]


class _Member:
    """One wait taking part in a poller's rounds."""

    def __init__(
        self,
        version: str,
        backoff: Backoff,
        deadline: float | None,
        on_delay: Callable[[float], object] | None,
    ) -> None:
        self.version = version
        self.backoff = backoff
        self.deadline = deadline
        self.on_delay = on_delay
        self.future: asyncio.Future[ProjectVersionDescription] | None = None

    @property
    def wants(self) -> bool:
        return self.future is not None and not self.future.done()


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
        self,
        version: str,
        *,
        backoff: Backoff,
        deadline: float | None,
        on_delay: Callable[[float], object] | None = None,
    ) -> _Member:
        """Take part in the rounds, for the version named."""
        member = _Member(version, backoff, deadline, on_delay)
        self._members.append(member)
        return member

    async def leave(self, member: _Member) -> None:
        """Stop taking part; the last to leave stops the rounds and waits for them to end."""
        if member in self._members:
            self._members.remove(member)
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
        backoff = Backoff(
            min_delay=min(m.backoff.min_delay for m in self._members),
            max_delay=min(m.backoff.max_delay for m in self._members),
        )
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
                limit = loop.time() + min(m.backoff.min_delay for m in self._members)
            self._changed.clear()
            try:
                async with asyncio.timeout_at(limit):
                    await self._changed.wait()
            except TimeoutError:
                return

    async def _run(self) -> None:
        while self._members:
            await self._gather()
            if not any(m.wants for m in self._members):
                return
            if self._rounds:
                delay = self._delay()
                logger.debug("next poll of %d versions in %.1f s", len(self._members), delay)
                for member in self._members:
                    if member.on_delay is not None:
                        member.on_delay(delay)
                await asyncio.sleep(delay)
            await self._round([m for m in self._members if m.wants])

    async def _round(self, members: list[_Member]) -> None:
        self._rounds += 1
        names = list(dict.fromkeys(m.version for m in members))
        batches = [names[i : i + MAX_VERSION_NAMES] for i in range(0, len(names), MAX_VERSION_NAMES)]
        self.calls_per_round.append(len(batches))
        results = await asyncio.gather(*(self._fetch(batch) for batch in batches), return_exceptions=True)
        found: dict[str, ProjectVersionDescription | BaseException] = {}
        throttled = False
        for batch, result in zip(batches, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, BaseException):
                throttled = throttled or isinstance(result, ThrottledError)
                found.update(dict.fromkeys(batch, result))
            else:
                found.update(result)
        self._throttled = throttled
        for member in members:
            future = member.future
            if future is None or future.done():
                continue
            outcome = found.get(member.version)
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            elif outcome is None:
                future.set_exception(_MissingError())
            else:
                future.set_result(outcome)


class _MissingError(Exception):
    """The round's answer had no description of the version."""


async def wait_for(  # noqa: PLR0912, PLR0915 -- the loop reads best as one piece
    plan: WaitPlan,
    *,
    poller: SharedPoller,
    version: str,
    act: Callable[[ProjectVersionDescription], Awaitable[Any]],
    not_found: Callable[[], BaseException],
    name: str,
    timeout: float | None,
    backoff: Backoff,
    on_status: StatusCallback | None = None,
    on_delay: Callable[[float], object] | None = None,
) -> ProjectVersionDescription:
    """Poll through ``poller`` until ``plan.goal``, calling ``act`` when the table says so.

    Args:
        plan: The status table.
        poller: The shared poller of the version's project.
        version: The version's name.
        act: The start or the stop, given the last description.
        not_found: The exception to raise when the project has no such version.
        name: The version, for messages and logs.
        timeout: Seconds before giving up; ``None`` to wait for as long as it takes.
        backoff: The delays between polls.
        on_status: Called with the description whenever the status changes.
        on_delay: Called with each delay, in seconds, before the next poll.

    Returns:
        The description that showed the goal.

    Raises:
        WaitError: A status from which the goal cannot follow (its subclass
            ``plan.failure``), or the deadline (``WaitTimeoutError``).
        ServiceError: A request failed in a way that waiting will not mend.
    """
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    # In-flight requests may finish a little past the deadline (the last poll is
    # made at the deadline), but never more than min_delay past it.
    hard_stop = None if deadline is None else deadline + backoff.min_delay
    last: ProjectVersionDescription | None = None
    last_status: ProjectVersionStatus | None = None
    acted = False
    stale = 0
    member = poller.join(version, backoff=backoff, deadline=deadline, on_delay=on_delay)

    def timed_out() -> WaitTimeoutError:
        seen = "no status seen" if last is None else f"last status {last.status}"
        return WaitTimeoutError(
            f"{name}: not {plan.goal} after {timeout} s ({seen})", last, timeout=timeout or 0.0
        )

    async def bounded(call: Awaitable[Any]) -> Any:
        try:
            async with asyncio.timeout_at(hard_stop):
                return await call
        except TimeoutError as exc:
            if hard_stop is not None and loop.time() >= hard_stop:
                raise timed_out() from exc
            raise

    try:
        while True:
            try:
                description: ProjectVersionDescription | None = await bounded(poller.next(member))
            except _MissingError:
                raise not_found() from None
            except Exception as exc:
                if not is_transient(exc):
                    raise
                logger.warning("%s: poll failed, will poll again: %s", name, exc)
                description = None
            if description is not None:
                last = description
                status = description.status
                if status != last_status:
                    logger.info("%s: %s", name, status)
                    last_status = status
                    await _notify(on_status, description)
                action = plan.action(status, acted=acted, stale=stale)
                if action is Action.DONE:
                    return description
                if action is Action.FAIL:
                    detail = f": {description.status_message}" if description.status_message else ""
                    msg = f"{name}: cannot {plan.verb}, status {status}{detail}"
                    raise plan.failure(msg, description)
                if action is Action.ACT:
                    try:
                        await bounded(act(description))
                    except ResourceInUseError as exc:
                        # Someone else is starting or stopping it: watch what happens.
                        logger.info("%s: %s refused, version busy: %s", name, plan.verb, exc.message)
                    except Exception as exc:
                        if not is_transient(exc):
                            raise
                        logger.warning("%s: %s failed, will try again: %s", name, plan.verb, exc)
                    else:
                        logger.info("%s: %s requested", name, plan.verb)
                        acted, stale = True, 0
                        poller.acted()
                elif acted and status in plan.pre_act:
                    stale += 1
            if deadline is not None and deadline - loop.time() <= 0:
                raise timed_out()
    finally:
        await poller.leave(member)
