"""Hosting model versions: starting and stopping them, and waiting until they are.

``Hosting`` is the capability ``CustomLabelsClient`` delegates starting and
stopping to. Its arguments were checked by the client, once: nothing here
checks them again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import attrs

from ._arns import ProjectArn, ProjectVersionArn
from ._errors import (
    InvalidParameterError,
    ResourceInUseError,
    UnitsMismatchError,
    VersionNotFoundError,
)
from ._listing import Listing
from ._models import (
    HOSTED_STATUSES,
    InferenceUnits,
    ProjectVersionDescription,
    ProjectVersionStatus,
    StartProjectVersionResponse,
    StopProjectVersionResponse,
)
from ._polling import Pollers
from ._transport import Transport
from ._waiting import START_PLAN, STOP_PLAN, StatusCallback, WaitOptions, WaitPlan, wait_for

__all__ = ["Hosting", "RunningVersion", "Started", "check_units"]


Act = Callable[[ProjectVersionDescription], Awaitable[ProjectVersionStatus]]

logger = logging.getLogger("aiocustomlabels")

_S = ProjectVersionStatus


@attrs.define
class Started:
    """Whether a wait sent the start itself: the versions it started are its to stop.

    Attributes:
        started: The service accepted a start sent by this wait.
        version_arn: The version started.
    """

    started: bool = False
    version_arn: ProjectVersionArn | None = None


def check_units(
    project: ProjectArn, name: str, asked: InferenceUnits, description: ProjectVersionDescription
) -> None:
    """Raise ``UnitsMismatchError`` if the version is hosted with other units than asked."""
    running = description.inference_units
    if description.status not in {_S.STARTING, _S.RUNNING} or running is None or asked.same_as(running):
        return
    msg = (
        f"{project.project_name}/{name} is {description.status} with {running} inference units, "
        f"not {asked} as asked; nothing was sent. A start cannot change a hosted version's units: "
        "stop it and start it again (reconfigure=True does both, at the cost of the restart's downtime)"
    )
    raise UnitsMismatchError(msg, description, asked=asked, running=running)


def _on_change(callback: StatusCallback) -> StatusCallback:
    """``callback``, called only when the status differs from the last one it was called with."""
    seen: list[ProjectVersionStatus | None] = []

    def on_status(description: ProjectVersionDescription) -> object:
        if seen and seen[-1] == description.status:
            return None
        seen[:] = [description.status]
        return callback(description)

    return on_status


def _remaining(options: WaitOptions, deadline: float | None) -> WaitOptions:
    """``options`` for the next wait of several that share one deadline."""
    if deadline is None:
        return options
    # At least a moment: a wait whose time is up still makes its last poll, then times out.
    left = max(deadline - asyncio.get_running_loop().time(), 1e-3)
    return attrs.evolve(options, timeout=left)


class Hosting:
    """StartProjectVersion and StopProjectVersion, and the waits built on them.

    Args:
        transport: Sends the requests.
        listing: Describes the versions waited on.
    """

    def __init__(self, transport: Transport, listing: Listing) -> None:
        self._transport = transport
        self.listing = listing
        #: The shared pollers of the waits under way.
        self.pollers = Pollers(listing.named)

    async def locate(self, target: ProjectArn | ProjectVersionArn) -> ProjectArn:
        """The project of ``target``: itself if a project's ARN, looked up (once per client) if a version's."""
        if isinstance(target, ProjectVersionArn):
            return await self.listing.project_of(target)
        return target

    async def _send(
        self,
        operation: str,
        response: type[StartProjectVersionResponse | StopProjectVersionResponse],
        **params: Any,
    ) -> ProjectVersionStatus:
        status = self._transport.structure(await self._transport.call(operation, **params), response).status
        assert status is not None  # noqa: S101 -- Transport refuses an answer without Status
        return status

    async def start(self, version: ProjectVersionArn, units: InferenceUnits) -> ProjectVersionStatus:
        """Send StartProjectVersion; ``MaxInferenceUnits`` only when there is a maximum."""
        return await self._send(
            "StartProjectVersion",
            StartProjectVersionResponse,
            ProjectVersionArn=version,
            MinInferenceUnits=units.min,
            MaxInferenceUnits=units.max,
        )

    async def stop(self, version: ProjectVersionArn) -> ProjectVersionStatus:
        """Send StopProjectVersion."""
        return await self._send("StopProjectVersion", StopProjectVersionResponse, ProjectVersionArn=version)

    async def start_and_wait(
        self,
        project: ProjectArn,
        name: str,
        units: InferenceUnits,
        options: WaitOptions,
        *,
        reconfigure: bool = False,
        record: Started | None = None,
    ) -> ProjectVersionDescription:
        """Start the version if its status calls for it; wait until RUNNING (``START_PLAN``).

        A version hosted with other units than ``units`` raises
        ``UnitsMismatchError`` before anything is sent, unless ``reconfigure``:
        then it is stopped, waited on until STOPPED, and started with ``units``.
        ``record`` notes whether the start was sent, even if the wait then fails.
        """
        record = record if record is not None else Started()
        deadline = None if options.timeout is None else asyncio.get_running_loop().time() + options.timeout
        if reconfigure and options.on_status is not None:
            # Several waits in a row: the caller hears of each status once, not once a wait.
            options = attrs.evolve(options, on_status=_on_change(options.on_status))

        async def start(description: ProjectVersionDescription) -> ProjectVersionStatus:
            assert description.project_version_arn is not None  # noqa: S101 -- the poller keys by it
            status = await self.start(description.project_version_arn, units)
            record.version_arn, record.started = description.project_version_arn, True
            return status

        def check(description: ProjectVersionDescription) -> None:
            check_units(project, name, units, description)

        try:
            return await self._wait(START_PLAN, project, name, start, options, check=check)
        except UnitsMismatchError as mismatch:
            if not reconfigure:
                raise
            logger.warning(
                "%s/%s: runs with %s units, %s asked: stopping it to start again",
                project.project_name,
                name,
                mismatch.running,
                units,
            )
        await self._wait(STOP_PLAN, project, name, self._stop_act, _remaining(options, deadline))
        # Someone else starting it meanwhile with yet other units is a mismatch again, and raised.
        return await self._wait(START_PLAN, project, name, start, _remaining(options, deadline), check=check)

    async def _stop_act(self, description: ProjectVersionDescription) -> ProjectVersionStatus:
        assert description.project_version_arn is not None  # noqa: S101 -- the poller keys by it
        return await self.stop(description.project_version_arn)

    async def stop_and_wait(
        self, project: ProjectArn, name: str, options: WaitOptions
    ) -> ProjectVersionDescription:
        """Stop the version if it runs; wait until it is no longer hosted (``STOP_PLAN``)."""
        return await self._wait(STOP_PLAN, project, name, self._stop_act, options)

    async def _wait(
        self,
        plan: WaitPlan,
        project: ProjectArn,
        name: str,
        act: Act,
        options: WaitOptions,
        *,
        check: Callable[[ProjectVersionDescription], None] | None = None,
    ) -> ProjectVersionDescription:
        async def wait() -> ProjectVersionDescription:
            poller = self.pollers.of(project)
            try:
                return await wait_for(
                    plan,
                    poller=poller,
                    version=name,
                    act=act,
                    not_found=lambda: VersionNotFoundError(project, name),
                    name=f"{project.project_name}/{name}",
                    options=options,
                    check=check,
                )
            finally:
                self.pollers.release(project, poller)

        # The whole wait ends at once, callbacks included, when the client closes.
        return await self._transport.guard(wait())


@attrs.define(kw_only=True)
class RunningVersion:
    """A model version RUNNING for the duration of an ``async with`` block: a lease.

    Returned by ``CustomLabelsClient.running()``; see there. Entering starts the
    version if need be and waits until it is RUNNING; leaving stops it if this
    block started it (or ``stop_on_exit`` says so), on a normal exit, an
    exception or a cancellation alike.

    Attributes:
        description: The description that showed RUNNING; ``None`` before entering.
        started: Whether this block started the version (and so stops it).
    """

    # Checked by CustomLabelsClient.running(), which makes it. The project is
    # given, or the version's ARN whose project is looked up on entering.
    _hosting: Hosting
    _target: ProjectArn | ProjectVersionArn
    _name: str
    _units: InferenceUnits
    _options: WaitOptions
    _reconfigure: bool
    _stop_on_exit: bool | None
    _wait_for_stop: bool
    _stop_timeout: float
    _record: Started = attrs.field(factory=Started, init=False)
    _project: ProjectArn | None = attrs.field(default=None, init=False)
    description: ProjectVersionDescription | None = attrs.field(default=None, init=False)

    @property
    def started(self) -> bool:
        """Whether this block started the version."""
        return self._record.started

    async def __aenter__(self) -> ProjectVersionDescription:
        if self.description is not None:
            msg = "a running() lease can be entered once"
            raise RuntimeError(msg)
        self._project = await self._hosting.locate(self._target)
        try:
            self.description = await self._hosting.start_and_wait(
                self._project,
                self._name,
                self._units,
                self._options,
                reconfigure=self._reconfigure,
                record=self._record,
            )
        except BaseException:
            # The start was sent, but the wait failed (a timeout, a cancellation, FAILED):
            # the version is ours, and must not be left billing.
            if self._record.started:
                await self._stop_guarded(raise_failure=False)
            raise
        return self.description

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stop = self._stop_on_exit if self._stop_on_exit is not None else self._record.started
        if stop:
            # A failure to stop is raised only if the block itself raised nothing.
            await self._stop_guarded(raise_failure=exc is None)

    def _version_arn(self) -> ProjectVersionArn | None:
        if self._record.version_arn is not None:
            return self._record.version_arn
        return None if self.description is None else self.description.project_version_arn

    async def _stop_guarded(self, *, raise_failure: bool) -> None:
        """Stop the version, shielded from cancellation and bounded by ``stop_timeout``."""
        task = asyncio.get_running_loop().create_task(self._stop(), name="aiocustomlabels-lease-stop")
        interrupted: asyncio.CancelledError | None = None
        while not task.done():
            try:
                # asyncio.wait() never cancels what it waits for: the stop is shielded.
                await asyncio.wait((task,))
            except asyncio.CancelledError as exc:
                # Cancelled while stopping: the stop goes on (it is bounded), then the
                # cancellation does.
                interrupted = exc
        failure = None if task.cancelled() else task.exception()
        if failure is not None:
            logger.error(
                "%s: could not stop %s (it may still be running, and billing): %s",
                f"{self._target.project_name}/{self._name}",
                self._version_arn() or self._name,
                failure,
            )
        if interrupted is not None:
            raise interrupted
        if failure is not None and raise_failure:
            raise failure

    async def _stop(self) -> None:
        assert self._project is not None  # noqa: S101 -- stopped only once entered, when it is known
        async with asyncio.timeout(self._stop_timeout):
            if self._wait_for_stop:
                options = attrs.evolve(self._options, timeout=self._stop_timeout, on_delay=None)
                await self._hosting.stop_and_wait(self._project, self._name, options)
                return
            arn = self._version_arn()
            if arn is None:  # pragma: no cover - entered, or started: the ARN is known
                return
            try:
                await self._hosting.stop(arn)
            except ResourceInUseError:
                return  # already stopping
            except InvalidParameterError:
                # Not hosted any more (stopped by someone else)? Then there is nothing to stop.
                if (await self._hosting.listing.version(self._project, self._name)).status in HOSTED_STATUSES:
                    raise
            logger.info("%s/%s: stop requested on leaving", self._target.project_name, self._name)
