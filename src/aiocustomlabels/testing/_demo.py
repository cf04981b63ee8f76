"""The demo: a project to seed a fake with, and the main job, end to end.

``run_main_job`` is the one implementation of the main job: the ``demo``
command runs it on an embedded emulator, ``examples/start_model.py`` against
AWS or any endpoint, and the docs show it. It speaks only the public client
API: pointed at AWS instead of the emulator, the same code does the same job.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import TextIO

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._client import CustomLabelsClient
from .._format import TABLE_HEADER, version_row
from .._models import OutputConfig, ProjectVersionDescription, ProjectVersionStatus
from .._waiting import Backoff
from ._fake import FakeCustomLabels

__all__ = ["DemoProject", "run_main_job", "seed_demo"]

S = ProjectVersionStatus

#: The demo versions, oldest first: (name, status, min units, max units).
DEMO_VERSIONS: tuple[tuple[str, ProjectVersionStatus, int | None, int | None], ...] = (
    ("shelf-items.2024-01-15", S.STOPPED, 1, None),
    ("shelf-items.2024-03-02", S.TRAINING_FAILED, None, None),
    ("shelf-items.2024-05-20", S.RUNNING, 1, 2),
    ("shelf-items.2024-08-11", S.COPYING_COMPLETED, None, None),
    ("shelf-items.2024-10-07", S.TRAINING_COMPLETED, None, None),
)


@attrs.frozen(kw_only=True)
class DemoProject:
    """What ``seed_demo`` made.

    Attributes:
        project_arn: The demo project.
        versions: Its versions' ARNs by name, oldest first.
    """

    project_arn: ProjectArn
    versions: dict[str, ProjectVersionArn]

    @property
    def ready_version(self) -> str:
        """The newest version, trained and ready to start: what the demo starts."""
        return DEMO_VERSIONS[-1][0]


def seed_demo(fake: FakeCustomLabels) -> DemoProject:
    """Add the demo project, ``shelf-items``, with versions in several statuses."""
    project = fake.add_project("shelf-items", created=datetime(2024, 1, 2, tzinfo=UTC))
    versions = {}
    for name, status, low, high in DEMO_VERSIONS:
        created = datetime.strptime(name.rsplit(".", 1)[1], "%Y-%m-%d").replace(tzinfo=UTC)
        failed = status is S.TRAINING_FAILED
        versions[name] = fake.add_version(
            project,
            name,
            status=status,
            status_message="The training data has no labels." if failed else None,
            # A failed training leaves no evaluation, no outputs: only where they would have gone.
            description=ProjectVersionDescription(
                output_config=OutputConfig(s3_bucket="custom-labels-console", s3_key_prefix=f"output/{name}/")
            )
            if failed
            else None,
            created=created,
            min_inference_units=low,
            max_inference_units=high,
        )
    return DemoProject(project_arn=project, versions=versions)


# --8<-- [start:main-job]
async def run_main_job(
    client: CustomLabelsClient,
    project_arn: str,
    version_name: str,
    *,
    min_inference_units: int = 1,
    max_inference_units: int | None = 3,
    timeout: float | None = None,
    backoff: Backoff | None = None,
    stop: bool = True,
    out: TextIO | None = None,
) -> ProjectVersionDescription:
    """List the project's versions, start one with auto-scaling, wait for RUNNING, and stop it again.

    Args:
        client: The client to work through: against AWS, the emulator, or the in-process fake.
        project_arn: The project.
        version_name: The version to start.
        min_inference_units: MinInferenceUnits.
        max_inference_units: MaxInferenceUnits; ``None`` for no auto-scaling.
        timeout: Seconds to wait for RUNNING before ``WaitTimeoutError``; no limit by default.
        backoff: The delays between polls; the library's defaults by default.
        stop: Stop the version at the end (a running model bills by the hour).
        out: Where the report goes; standard output by default.

    Returns:
        The description that showed RUNNING.

    Raises:
        ModelStartError: The version cannot reach RUNNING; the error says why.
        WaitTimeoutError: ``timeout`` passed first: the start was sent, and the
            version may still start, and bill, unless stopped.
    """
    out = sys.stdout if out is None else out  # read now: a test may have replaced it
    loop = asyncio.get_running_loop()
    print(f"Versions of {project_arn}, newest first:", file=out)
    print(TABLE_HEADER, file=out)
    async for version in client.describe_project_versions(project_arn):
        print(version_row(version), file=out)

    began = loop.time()

    def progress(description: ProjectVersionDescription) -> None:
        print(f"  {loop.time() - began:6.1f}s  {description.status}", file=out, flush=True)

    print(
        f"Starting {version_name} with MinInferenceUnits={min_inference_units}, "
        f"MaxInferenceUnits={max_inference_units}:",
        file=out,
    )
    running = await client.start_and_wait(
        project_arn,
        version_name,
        min_inference_units=min_inference_units,
        max_inference_units=max_inference_units,
        timeout=timeout,
        backoff=backoff,
        on_status=progress,
    )
    print(f"{version_name} is RUNNING after {loop.time() - began:.1f}s:", file=out)
    print(version_row(running), file=out)
    if stop:
        print(f"Stopping {version_name}:", file=out)
        began = loop.time()
        await client.stop_and_wait(project_arn, version_name, backoff=backoff, on_status=progress)
    return running


# --8<-- [end:main-job]
