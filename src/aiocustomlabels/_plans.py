"""What a wait does on each status: the status tables of starting and stopping.

A ``WaitPlan`` says, for a status seen before or after the wait acted (sent its
start or stop), whether the wait is done, waits on, acts, or fails.
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

from ._errors import ModelStartError, ModelStopError, WaitError
from ._models import HOSTED_STATUSES, STARTABLE_STATUSES, ProjectVersionStatus

__all__ = ["STALE_GRACE", "START_PLAN", "STOP_PLAN", "Action", "WaitPlan"]

S = ProjectVersionStatus


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
