"""Hosting model versions: starting and stopping them, and waiting until they are.

``Hosting`` is the capability ``CustomLabelsClient`` delegates starting and
stopping to. Its arguments were checked by the client, once: nothing here
checks them again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ._arns import ProjectArn, ProjectVersionArn
from ._errors import VersionNotFoundError
from ._listing import Listing
from ._models import (
    ProjectVersionDescription,
    ProjectVersionStatus,
    StartProjectVersionResponse,
    StopProjectVersionResponse,
)
from ._rules import InferenceUnits
from ._transport import Transport
from ._waiting import START_PLAN, STOP_PLAN, Pollers, WaitOptions, WaitPlan, wait_for

__all__ = ["Hosting"]

Act = Callable[[ProjectVersionDescription], Awaitable[ProjectVersionStatus]]


class Hosting:
    """StartProjectVersion and StopProjectVersion, and the waits built on them.

    Args:
        transport: Sends the requests.
        listing: Describes the versions waited on.
    """

    def __init__(self, transport: Transport, listing: Listing) -> None:
        self._transport = transport
        self._pollers = Pollers(listing.named)

    @property
    def pollers(self) -> Pollers:
        """The shared pollers of the waits under way."""
        return self._pollers

    async def start(self, version: ProjectVersionArn, units: InferenceUnits) -> ProjectVersionStatus:
        """Send StartProjectVersion; ``MaxInferenceUnits`` only when there is a maximum."""
        params: dict[str, Any] = {"ProjectVersionArn": version, "MinInferenceUnits": units.min}
        if units.max is not None:
            params["MaxInferenceUnits"] = units.max
        data = await self._transport.call("StartProjectVersion", **params)
        status = self._transport.structure(data, StartProjectVersionResponse).status
        assert status is not None  # noqa: S101 -- Transport refuses an answer without Status
        return status

    async def stop(self, version: ProjectVersionArn) -> ProjectVersionStatus:
        """Send StopProjectVersion."""
        data = await self._transport.call("StopProjectVersion", ProjectVersionArn=version)
        status = self._transport.structure(data, StopProjectVersionResponse).status
        assert status is not None  # noqa: S101 -- Transport refuses an answer without Status
        return status

    async def start_and_wait(
        self, project: ProjectArn, name: str, units: InferenceUnits, options: WaitOptions
    ) -> ProjectVersionDescription:
        """Start the version if its status calls for it; wait until RUNNING (``START_PLAN``)."""

        async def start(description: ProjectVersionDescription) -> ProjectVersionStatus:
            assert description.project_version_arn is not None  # noqa: S101 -- the poller keys by it
            return await self.start(description.project_version_arn, units)

        return await self._wait(START_PLAN, project, name, start, options)

    async def stop_and_wait(
        self, project: ProjectArn, name: str, options: WaitOptions
    ) -> ProjectVersionDescription:
        """Stop the version if it runs; wait until it is no longer hosted (``STOP_PLAN``)."""

        async def stop(description: ProjectVersionDescription) -> ProjectVersionStatus:
            assert description.project_version_arn is not None  # noqa: S101 -- the poller keys by it
            return await self.stop(description.project_version_arn)

        return await self._wait(STOP_PLAN, project, name, stop, options)

    async def _wait(
        self, plan: WaitPlan, project: ProjectArn, name: str, act: Act, options: WaitOptions
    ) -> ProjectVersionDescription:
        async def wait() -> ProjectVersionDescription:
            poller = self._pollers.of(project)
            try:
                return await wait_for(
                    plan,
                    poller=poller,
                    version=name,
                    act=act,
                    not_found=lambda: VersionNotFoundError(project, name),
                    name=f"{project.project_name}/{name}",
                    options=options,
                )
            finally:
                self._pollers.release(project, poller)

        # The whole wait ends at once, callbacks included, when the client closes.
        return await self._transport.guard(wait())
