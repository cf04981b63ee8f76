"""The main job, end to end: list a project's versions, start one with auto-scaling, wait, stop.

``run_main_job`` speaks only the public client API: pointed at AWS instead of
the emulator (drop the endpoint), the same code does the same job.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from ._arns import version_name_of
from ._client import CustomLabelsClient
from ._models import ProjectVersionDescription

__all__ = ["run_main_job"]


def _row(description: ProjectVersionDescription) -> str:
    name = version_name_of(description.project_version_arn or "?")
    units = f"{description.min_inference_units or '-'}..{description.max_inference_units or '-'}"
    return f"  {name:<28} {description.status or '?':<20} units {units}"


async def run_main_job(
    client: CustomLabelsClient,
    project_arn: str,
    version_name: str,
    *,
    min_inference_units: int = 1,
    max_inference_units: int = 3,
    min_delay: float = 5.0,
    max_delay: float = 60.0,
    stop: bool = True,
    out: TextIO = sys.stdout,
) -> ProjectVersionDescription:
    """List the project's versions, start one, wait for RUNNING, and stop it again.

    Returns:
        The description that showed RUNNING.
    """
    loop = asyncio.get_running_loop()
    print(f"Versions of {project_arn}, newest first:", file=out)
    async for version in client.describe_project_versions(project_arn):
        print(_row(version), file=out)

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
        min_delay=min_delay,
        max_delay=max_delay,
        on_status=progress,
    )
    print(f"{version_name} is RUNNING after {loop.time() - began:.1f}s:", file=out)
    print(_row(running), file=out)
    if stop:
        # A running model bills by the hour: the job ends by stopping it.
        print(f"Stopping {version_name}:", file=out)
        began = loop.time()
        await client.stop_and_wait(
            project_arn, version_name, min_delay=min_delay, max_delay=max_delay, on_status=progress
        )
    return running
