"""The wait loop: poll a version until a plan's goal, acting (start, stop) when the plan says so.

``wait_for`` takes its descriptions from the project's shared poller
(``_polling``), decides with a ``WaitPlan`` (``_plans``) and is timed by the
wait's ``WaitOptions`` (``_backoff``).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from ._backoff import StatusCallback, WaitOptions
from ._errors import (
    InternalServerError,
    InvalidParameterError,
    MalformedResponseError,
    ResourceInUseError,
    ServiceError,
    ThrottledError,
    TransportError,
    WaitTimeoutError,
)
from ._models import ProjectVersionDescription, ProjectVersionStatus
from ._plans import STALE_GRACE, Action, WaitPlan
from ._polling import CallbackError, MissingError, SharedPoller, logger

__all__ = [
    "is_transient",
    "wait_for",
]


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
                    acted = _Acted.now(loop.time()) if acted is None else acted.again(loop.time())
                    poller.acted()
            if deadline is not None and deadline - loop.time() <= 0:
                raise timed_out()
    finally:
        await poller.leave(member)
