"""Waiting: what a wait does on each status (the plans), its options, and its loop.

A ``WaitPlan`` says, for a status seen before or after the wait acted (sent its
start or stop), whether the wait is done, waits on, acts, or fails.
``wait_for`` polls a version through its project's shared poller (``_polling``)
until the plan's goal, acting when the plan says so, timed by the wait's
``WaitOptions``.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Final

import attrs

from ._errors import (
    InternalServerError,
    InvalidParameterError,
    InvalidRequestError,
    MalformedResponseError,
    ModelStartError,
    ModelStopError,
    ResourceInUseError,
    ServiceError,
    ThrottlingError,
    TransportError,
    WaitError,
    WaitTimeoutError,
)
from ._models import HOSTED_STATUSES, STARTABLE_STATUSES, ProjectVersionDescription, ProjectVersionStatus
from ._polling import (
    DEFAULT_BACKOFF,
    Backoff,
    CallbackError,
    DelayCallback,
    MissingError,
    SharedPoller,
    logger,
)
from ._rules import is_seconds

__all__ = [
    "STALE_GRACE",
    "START_PLAN",
    "STOP_PLAN",
    "Action",
    "StatusCallback",
    "WaitOptions",
    "WaitPlan",
    "is_transient",
    "wait_for",
]

S = ProjectVersionStatus

StatusCallback = Callable[[ProjectVersionDescription], Awaitable[object] | object]
"""What a status callback may be: a plain function or a coroutine function.

It is called with the ``ProjectVersionDescription`` that showed a new status;
what it returns is awaited if it is awaitable, and otherwise ignored.
"""


class Action(enum.Enum):
    """What a wait does on seeing a status."""

    DONE = "done"
    WAIT = "wait"
    ACT = "act"
    FAIL = "fail"
    #: After acting, the status acted on still shows: the change may not be visible yet.
    STALE = "stale"


STALE_GRACE: Final = 120.0
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
    waited on, a status of ``act_on`` is ``STALE`` (see ``STALE_GRACE``),
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


def is_transient(exc: BaseException) -> bool:
    """Whether a failed request may succeed if tried again later."""
    if isinstance(exc, ThrottlingError | InternalServerError | TransportError | MalformedResponseError):
        return True
    return isinstance(exc, ServiceError) and (exc.http_status or 0) >= 500  # noqa: PLR2004


async def _notify(callback: StatusCallback | None, description: ProjectVersionDescription) -> None:
    if callback is None:
        return
    result = callback(description)
    if inspect.isawaitable(result):
        await result


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
        if shown < STALE_GRACE:
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
    member = poller.join(version, options.backoff, options.on_delay, deadline=deadline)

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
            except MissingError:
                raise not_found() from None
            except CallbackError as exc:
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
                    now = loop.time()
                    acted = _Acted(first=now, last=now) if acted is None else acted.again(now)
                    poller.acted()
            if deadline is not None and deadline - loop.time() <= 0:
                raise timed_out()
    finally:
        await poller.leave(member)
