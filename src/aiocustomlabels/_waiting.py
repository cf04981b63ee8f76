"""Waiting for a model version to reach a status: backoff, options, status tables, polls, the loop.

The delays follow the waiter rule the AWS SDKs share (Smithy waiters,
"waiter retries"): exponential backoff with full jitter between ``min_delay``
and ``max_delay``, and a last attempt at the deadline rather than a sleep past it.
The options of one wait travel as one ``WaitOptions`` value from the public
call to the shared poller.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import logging
import math
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

import attrs

from ._arns import ProjectArn
from ._errors import (
    ClientClosedError,
    InternalServerError,
    InvalidParameterError,
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
from ._models import HOSTED_STATUSES, STARTABLE_STATUSES, ProjectVersionDescription, ProjectVersionStatus
from ._rules import batches, is_seconds

__all__ = [
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MIN_DELAY",
    "DEFAULT_STALE_GRACE",
    "START_PLAN",
    "STOP_PLAN",
    "Backoff",
    "DelayCallback",
    "Pollers",
    "SharedPoller",
    "StatusCallback",
    "WaitOptions",
    "WaitPlan",
    "wait_for",
]

logger = logging.getLogger("aiocustomlabels")
# A library logs, and the application decides where it goes: nothing reaches
# stderr through logging's last resort unless the application configures logging.
logger.addHandler(logging.NullHandler())

S = ProjectVersionStatus

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

StatusCallback = Callable[[ProjectVersionDescription], Awaitable[object] | object]
"""What a status callback may be: a plain function or a coroutine function.

It is called with the ``ProjectVersionDescription`` that showed a new status;
what it returns is awaited if it is awaitable, and otherwise ignored.
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


@attrs.frozen(kw_only=True)
class WaitOptions:
    """How one wait waits: the options of the public waits, as one value.

    Built, and checked, once by the public call; handed down unchanged to the
    wait's loop and its shared poller.

    Attributes:
        timeout: Seconds before ``WaitTimeoutError``; ``None`` for no deadline of our own.
        backoff: The delays between polls.
        on_status: Called with the description on each change of status.
        on_delay: Called with each delay before it is slept.
    """

    timeout: float | None = None
    backoff: Backoff = DEFAULT_BACKOFF
    on_status: StatusCallback | None = None
    on_delay: DelayCallback | None = None

    @classmethod
    def of(
        cls,
        *,
        timeout: object = None,
        backoff: object = None,
        on_status: object = None,
        on_delay: object = None,
    ) -> WaitOptions:
        """Check the public waits' arguments and make them one value.

        Raises:
            InvalidRequestError: An argument of the wrong kind, or a timeout that is not positive.
        """
        if timeout is not None and not (is_seconds(timeout) and timeout > 0):
            msg = f"timeout must be a positive, finite number of seconds, or None for no deadline, not {timeout!r}"
            raise InvalidRequestError(msg)
        if backoff is not None and not isinstance(backoff, Backoff):
            msg = f"backoff must be a Backoff or None, not {type(backoff).__name__}"
            raise InvalidRequestError(msg)
        for name, callback in (("on_status", on_status), ("on_delay", on_delay)):
            if callback is not None and not callable(callback):
                msg = f"{name} must be callable or None, not {type(callback).__name__}"
                raise InvalidRequestError(msg)
        return cls(
            timeout=None if timeout is None else float(timeout),
            backoff=DEFAULT_BACKOFF if backoff is None else backoff,
            on_status=on_status,  # type: ignore[arg-type]
            on_delay=on_delay,  # type: ignore[arg-type]
        )


class Action(enum.Enum):
    """What a wait does on seeing a status."""

    DONE = "done"
    WAIT = "wait"
    ACT = "act"
    FAIL = "fail"
    #: After acting, the status acted on still shows: the change may not be visible yet.
    STALE = "stale"


DEFAULT_STALE_GRACE: Final = 120.0
"""Seconds of loop time that the old status may still show after a start or stop was accepted.

AWS does not document how soon DescribeProjectVersions shows a start (or a
stop); its own waiters never fail on a status that lingers. Within this
grace the old status is "not visible yet"; after it, the action is sent once
more, and only a second grace that ends the same way fails the wait.
"""


@attrs.frozen(kw_only=True)
class WaitPlan:
    """The status table of one kind of wait, as sets of statuses.

    Before acting, a status in ``done`` ends the wait, one in ``act_on`` is
    acted on (started, stopped), one in ``wait_on`` is waited on, and any other
    known status fails. After acting, ``goal`` ends the wait, ``acting`` is
    waited on, a status of ``act_on`` is ``STALE`` (see ``DEFAULT_STALE_GRACE``),
    and any other known status fails. A status this release does not know is
    waited on, before and after: AWS adds statuses.

    Attributes:
        goal: The status that ends the wait.
        acting: The status the action leads through (STARTING, STOPPING).
        act_on: The statuses the action is sent from.
        wait_on: The statuses waited on before acting.
        done: The statuses that end the wait before acting; ``goal`` among them.
        failure: The exception raised on FAIL.
        verb: The action's name, for messages and logs.
    """

    goal: ProjectVersionStatus
    acting: ProjectVersionStatus
    act_on: frozenset[ProjectVersionStatus]
    wait_on: frozenset[ProjectVersionStatus]
    done: frozenset[ProjectVersionStatus]
    failure: type[WaitError]
    verb: str

    def action(self, status: ProjectVersionStatus | None, *, acted: bool) -> Action:  # noqa: PLR0911 -- a return per row
        """What to do on ``status``, before or after acting."""
        if status is None or not status.is_known:
            return Action.WAIT
        if acted:
            if status is self.goal:
                return Action.DONE
            if status is self.acting:
                return Action.WAIT
            return Action.STALE if status in self.act_on else Action.FAIL
        if status in self.done:
            return Action.DONE
        if status in self.act_on:
            return Action.ACT
        return Action.WAIT if status in self.wait_on else Action.FAIL


START_PLAN: Final = WaitPlan(
    goal=S.RUNNING,
    acting=S.STARTING,
    act_on=STARTABLE_STATUSES,
    wait_on=frozenset({S.STARTING, S.STOPPING, S.TRAINING_IN_PROGRESS, S.COPYING_IN_PROGRESS}),
    # FAILED, TRAINING_FAILED, COPYING_FAILED, DELETING, DEPRECATED and EXPIRED
    # fail: RUNNING cannot follow them (FAILED is never restarted: see docs/waiting.md).
    done=frozenset({S.RUNNING}),
    failure=ModelStartError,
    verb="start",
)

STOP_PLAN: Final = WaitPlan(
    goal=S.STOPPED,
    acting=S.STOPPING,
    act_on=frozenset({S.RUNNING}),
    wait_on=frozenset({S.STARTING, S.STOPPING}),
    # Whatever is not hosted is as stopped as it gets.
    done=frozenset(status for status in S if status not in HOSTED_STATUSES),
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
FetchBatch = Callable[[Sequence[str]], Awaitable[dict[str, ProjectVersionDescription]]]


def _tell_delay(member: _Member, delay: float) -> None:
    """Give a member its delay; what its callback raises ends that wait, and only that one.

    The callback runs in the shared poller's task: nothing it raises, not even
    ``CancelledError``, may end that task, on which the other waits depend.
    """
    callback = member.options.on_delay
    if callback is None:
        return
    try:
        callback(delay)
    except (Exception, asyncio.CancelledError) as exc:
        if member.future is not None and not member.future.done():
            member.future.set_exception(_CallbackError(exc))


class _Member:
    """One wait taking part in a poller's rounds."""

    def __init__(self, version: str, options: WaitOptions, deadline: float | None) -> None:
        self.version = version
        self.options = options
        self.backoff = options.backoff
        self.deadline = deadline
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

    def join(self, version: str, options: WaitOptions, *, deadline: float | None) -> _Member:
        """Take part in the rounds, for the version named."""
        member = _Member(version, options, deadline)
        self._members.append(member)
        self._combine()
        return member

    def _combine(self) -> None:
        """The smallest min_delay and the smallest max_delay of the members, as one Backoff."""
        if not self._members:
            return
        first = self._members[0].backoff
        if all(m.backoff is first for m in self._members):
            self._backoff = first
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
                        _tell_delay(member, delay)
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
        throttled = False
        for batch, result in zip(calls, results, strict=True):
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


@attrs.define
class _Acted:
    """A start (or stop) accepted, or found under way, and what was seen since.

    Attributes:
        first: Loop time of the first acceptance.
        last: Loop time of the latest.
        repeated: Whether the action was sent a second time.
        progressed: Whether the action's own status (STARTING, STOPPING) showed since.
    """

    first: float
    last: float
    repeated: bool = False
    progressed: bool = False

    @classmethod
    def now(cls, now: float) -> _Acted:
        """The first acceptance, at ``now``."""
        return cls(first=now, last=now)

    def again(self, now: float) -> _Acted:
        """The action accepted a second time, at ``now``: a second grace begins."""
        return attrs.evolve(self, last=now, repeated=True, progressed=False)

    def stale(
        self, plan: WaitPlan, description: ProjectVersionDescription, *, name: str, now: float
    ) -> Action:
        """What to do on the status acted on, seen again after acting.

        Raises:
            WaitError: The second grace ended with the status still shown (``plan.failure``).
        """
        if self.progressed:
            # It showed STARTING (or STOPPING), then went back: a real change, not a stale read.
            return Action.FAIL
        shown = now - self.last
        if shown < DEFAULT_STALE_GRACE:
            return Action.WAIT  # not visible yet
        if not self.repeated:
            logger.warning(
                "%s: still %s %.0f s after the %s was accepted; sending it again",
                name,
                description.status,
                shown,
                plan.verb,
            )
            return Action.ACT
        msg = (
            f"{name}: the {plan.verb} did not take: still {description.status} "
            f"{now - self.first:.0f} s after it was first accepted, and {shown:.0f} s after it was sent again"
        )
        raise plan.failure(msg, description)


class _MissingError(Exception):
    """The round's answer had no description of the version."""


class _CallbackError(Exception):
    """What a wait's own callback raised, carried to that wait as it is."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


async def wait_for(  # noqa: PLR0912, PLR0915 -- the loop reads best as one piece
    plan: WaitPlan,
    *,
    poller: SharedPoller,
    version: str,
    act: Callable[[ProjectVersionDescription], Awaitable[Any]],
    not_found: Callable[[], BaseException],
    name: str,
    options: WaitOptions,
    check: Callable[[ProjectVersionDescription], None] | None = None,
) -> ProjectVersionDescription:
    """Poll through ``poller`` until ``plan.goal``, calling ``act`` when the table says so.

    Args:
        plan: The status table.
        poller: The shared poller of the version's project.
        version: The version's name.
        act: The start or the stop, given the last description.
        not_found: The exception to raise when the project has no such version.
        name: The version, for messages and logs.
        options: The timeout, the delays and the callbacks.
        check: Called with each description of a version this wait has not
            acted on yet (someone else's doing, or the status it had); raises
            to end the wait.

    Returns:
        The description that showed the goal.

    Raises:
        WaitError: A status from which the goal cannot follow (its subclass
            ``plan.failure``), or the deadline (``WaitTimeoutError``).
        ServiceError: A request failed in a way that waiting will not mend.
    """
    loop = asyncio.get_running_loop()
    timeout = options.timeout
    deadline = None if timeout is None else loop.time() + timeout
    # In-flight requests may finish a little past the deadline (the last poll is
    # made at the deadline), but never more than min_delay past it.
    hard_stop = None if deadline is None else deadline + options.backoff.min_delay
    last: ProjectVersionDescription | None = None
    last_status: ProjectVersionStatus | None = None
    acted: _Acted | None = None
    member = poller.join(version, options, deadline=deadline)

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

    # Whether the service accepted an action of ours: a version someone else acts on is checked.
    accepted = False

    async def send(description: ProjectVersionDescription, *, repeat: bool) -> bool:
        """Start (or stop); whether it was accepted or found under way, False if it may be sent again."""
        nonlocal accepted
        try:
            await bounded(act(description))
        except ResourceInUseError as exc:
            # Busy: someone else's start or stop, or our own, is under way. Follow it.
            logger.info("%s: %s refused, under way: %s", name, plan.verb, exc.message)
        except InvalidParameterError as exc:
            if not repeat:
                raise
            # The repeat is refused for a status other than the one Describe
            # shows (a stop of a model already stopped): the read is stale.
            logger.info("%s: %s sent again refused: %s", name, plan.verb, exc.message)
        except Exception as exc:
            if not is_transient(exc):
                raise
            logger.warning("%s: %s failed, will try again: %s", name, plan.verb, exc)
            return False
        else:
            logger.info("%s: %s requested", name, plan.verb)
            accepted = True
        return True

    try:
        while True:
            try:
                description: ProjectVersionDescription | None = await bounded(poller.next(member))
            except _MissingError:
                raise not_found() from None
            except _CallbackError as exc:
                raise exc.error from None
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
                    await _notify(options.on_status, description)
                if check is not None and not accepted:
                    check(description)
                action = plan.action(status, acted=acted is not None)
                if acted is not None and status is plan.acting:
                    acted.progressed = True
                if action is Action.STALE:
                    assert acted is not None  # noqa: S101 -- STALE comes only after acting
                    action = acted.stale(plan, description, name=name, now=loop.time())
                if action is Action.DONE:
                    return description
                if action is Action.FAIL:
                    detail = f": {description.status_message}" if description.status_message else ""
                    msg = f"{name}: cannot {plan.verb}, status {status}{detail}"
                    raise plan.failure(msg, description)
                if action is Action.ACT and await send(description, repeat=acted is not None):
                    acted = _Acted.now(loop.time()) if acted is None else acted.again(loop.time())
                    poller.acted()
            if deadline is not None and deadline - loop.time() <= 0:
                raise timed_out()
    finally:
        await poller.leave(member)


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

    def __len__(self) -> int:
        return len(self._by_project)

    def of(self, project: ProjectArn) -> SharedPoller:
        """The poller of ``project``, made if need be."""
        poller = self._by_project.get(project)
        if poller is None:

            async def fetch(names: Sequence[str]) -> dict[str, ProjectVersionDescription]:
                return await self._fetch(project, names)

            poller = self._by_project[project] = SharedPoller(fetch)
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
