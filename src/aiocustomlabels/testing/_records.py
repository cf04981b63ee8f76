"""The records the fake keeps: the requests it received, and its projects and versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._models import CustomizationFeature, ProjectVersionDescription, ProjectVersionStatus

__all__ = ["MESSAGES", "Project", "RecordedRequest", "Version", "metric_key"]

S = ProjectVersionStatus

MESSAGES = {
    S.STARTING: "The model is being started.",
    S.RUNNING: "The model is running.",
    S.STOPPING: "The model is being stopped.",
    S.STOPPED: "The model is stopped.",
    S.TRAINING_COMPLETED: "The model is trained and ready to start.",
}


@attrs.frozen(kw_only=True)
class RecordedRequest:
    """One request the fake received.

    Attributes:
        operation: The operation, such as ``"StartProjectVersion"``.
        params: The request's JSON members, as sent, but for
            DetectCustomLabels' ``Image.Bytes``: the image's bytes, decoded
            from the wire's base64.
        at: The fake clock's time when it arrived.
    """

    operation: str
    params: Mapping[str, Any]
    at: float


@attrs.define(kw_only=True)
class Version:
    """A model version as the fake keeps it: its description's wire form, and its lifecycle."""

    arn: ProjectVersionArn
    name: str
    created_ms: int
    description: ProjectVersionDescription
    wire: dict[str, Any]
    status: ProjectVersionStatus
    status_message: str | None
    min_units: int | None
    max_units: int | None
    start_seconds: float | None
    stop_seconds: float | None
    fail_next_start: str | None = None
    # (when, status, message): the transition the service will make by itself.
    pending: tuple[float, ProjectVersionStatus, str | None] | None = None

    @property
    def key(self) -> tuple[int, str]:
        # Sorting ascending on this key lists newest first; names are unique in a project.
        return (-self.created_ms, self.name)


@attrs.define(kw_only=True)
class Project:
    """A project as the fake keeps it, with its versions in listing order."""

    arn: ProjectArn
    name: str
    created_ms: int
    feature: CustomizationFeature
    wire: dict[str, Any]
    versions: dict[str, Version] = attrs.Factory(dict)
    keys: list[tuple[int, str]] = attrs.Factory(list)
    by_key: dict[tuple[int, str], Version] = attrs.Factory(dict)

    @property
    def key(self) -> tuple[int, str]:
        # As for versions: ascending on this key lists newest first; names are unique.
        return (-self.created_ms, self.name)


def metric_key(version: Version) -> tuple[str, str]:
    """How CloudWatch names a version: its ProjectName and VersionName dimensions."""
    return (version.arn.project_name, version.name)
