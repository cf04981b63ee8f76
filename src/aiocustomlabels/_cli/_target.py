"""What a command talks to: the client its AWS options make, and the version its arguments name."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiobotocore.config import AioConfig

from .._arns import ProjectArn, ProjectVersionArn
from .._client import CustomLabelsClient
from .._polling import Backoff
from .._transport import new_session
from ._arguments import PROJECT_ARN_FORM
from ._failures import UsageError

__all__ = ["backoff", "check_version", "client", "resolve"]


@asynccontextmanager
async def client(
    args: argparse.Namespace, *, config: AioConfig | None = None
) -> AsyncIterator[CustomLabelsClient]:
    """The client of ``--region``, ``--profile`` and ``--endpoint-url`` (botocore's defaults otherwise).

    ``config`` is merged over the library's ``DEFAULT_CONFIG``.
    """
    session = new_session(getattr(args, "profile", None))
    async with CustomLabelsClient.create(
        region_name=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        session=session,
        config=config,
    ) as opened:
        yield opened


def _needs_project(args: argparse.Namespace) -> UsageError:
    """The usage error of a version name without --project-arn: why it is needed, and the form to pass."""
    why = f"with a version name ({args.version!r}): the service finds a version by its project's ARN and its name"
    return UsageError(
        f"--project-arn is needed {why}. Pass --project-arn {PROJECT_ARN_FORM} "
        "(`aws rekognition describe-projects` shows it), or give the version's ARN"
    )


def check_version(args: argparse.Namespace) -> None:
    """Refuse, before any request, a VERSION and --project-arn that cannot be used together.

    Raises:
        UsageError: A version name without its project, or a version ARN of another project.
    """
    project: ProjectArn | None = args.project_arn
    if isinstance(args.version, ProjectVersionArn):
        if project is not None and project.project_name != args.version.project_name:
            msg = f"version {args.version} is not in project {project} (--project-arn)"
            raise UsageError(msg)
        # Without --project-arn, a wait looks the project up (DescribeProjects).
    elif project is None:
        raise _needs_project(args)


async def resolve(
    opened: CustomLabelsClient, args: argparse.Namespace, *, need_project: bool
) -> tuple[ProjectArn | None, str, ProjectVersionArn]:
    """(project ARN or None, version name, version ARN) from VERSION and --project-arn, once checked.

    With ``need_project``, a version ARN's project is looked up when --project-arn is not given.
    """
    project: ProjectArn | None = args.project_arn
    if isinstance(args.version, ProjectVersionArn):
        if project is None and need_project:
            # The project's ARN ends in its own creation time: it can be found, not computed.
            project = await opened.project_arn_of(args.version)
        return project, args.version.version_name, args.version
    assert project is not None  # noqa: S101 -- check_version insists on it with a name
    description = await opened.describe_project_version(project, args.version)
    assert description.project_version_arn is not None  # noqa: S101 -- found by that name
    return project, args.version, description.project_version_arn


def backoff(args: argparse.Namespace) -> Backoff:
    """The wait's delays: those given, the library's defaults for the rest.

    Raises:
        UsageError: --min-delay above --max-delay.
    """
    given = {"min_delay": getattr(args, "min_delay", None), "max_delay": getattr(args, "max_delay", None)}
    try:
        return Backoff(**{name: value for name, value in given.items() if value is not None})
    except ValueError as exc:
        raise UsageError(f"--min-delay and --max-delay: {exc}") from None
