"""List a project's model versions, start one with auto-scaling, wait, and stop it.

Against AWS (your credentials and region from the environment):

    python examples/start_model.py arn:aws:rekognition:...:project/NAME/123 VERSION_NAME

Against the emulator (``python -m aiocustomlabels emulator`` in another shell):

    export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1
    python examples/start_model.py --endpoint-url http://127.0.0.1:4566 PROJECT_ARN VERSION_NAME

It uses the public API only. This file is type-checked with mypy --strict in
CI, as user code would be.
"""

from __future__ import annotations

import argparse
import asyncio

from aiocustomlabels import (
    CustomLabelsClient,
    CustomLabelsError,
    InferenceUnits,
    ModelStartError,
    ProjectVersionDescription,
    WaitTimeoutError,
)


def row(version: ProjectVersionDescription) -> str:
    """One line for a version: its name, status and inference units (``min..max``)."""
    units = "-" if version.inference_units is None else str(version.inference_units)
    return f"  {version.version_name or '?':<30} {version.status!s:<22} {units}"


async def start_wait_stop(client: CustomLabelsClient, project_arn: str, version_name: str) -> None:
    """The job: list the versions, start one with 1 to 3 units, wait for RUNNING, stop it again."""
    print(f"Versions of {project_arn}, newest first:")
    async for version in client.describe_project_versions(project_arn):
        print(row(version))

    def progress(description: ProjectVersionDescription) -> None:
        print(f"  ... {description.status}", flush=True)

    units = InferenceUnits(1, 3)
    print(f"Starting {version_name} with {units} inference units:")
    running = await client.start_and_wait(
        project_arn,
        version_name,
        min_inference_units=units.min,
        max_inference_units=units.max,
        timeout=30 * 60,
        on_status=progress,
    )
    print(f"{version_name} is RUNNING:")
    print(row(running))
    # A hosted model bills by the inference-unit hour, serving or not: stop it when done.
    print(f"Stopping {version_name}:")
    await client.stop_and_wait(project_arn, version_name, on_status=progress)


async def main(project_arn: str, version_name: str, endpoint_url: str | None) -> int:
    """Run the job; return the exit code."""
    async with CustomLabelsClient.create(endpoint_url=endpoint_url) as client:
        try:
            await start_wait_stop(client, project_arn, version_name)
        except ModelStartError as error:
            print(f"cannot start: {error.status_message}")
            return 1
        except WaitTimeoutError as error:
            print(f"still {error.status} after {error.timeout} s; stopping it, as it bills while hosted")
            await client.stop_and_wait(project_arn, version_name)
            return 3
        except CustomLabelsError as error:
            print(f"failed: {error}")
            return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project_arn")
    parser.add_argument("version_name")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.project_arn, args.version_name, args.endpoint_url)))
