"""List a project's model versions, start one with auto-scaling, wait, and stop it.

Against AWS (your credentials and region from the environment):

    python examples/start_model.py arn:aws:rekognition:...:project/NAME/123 VERSION_NAME

Against the emulator (``python -m aiocustomlabels emulator`` in another shell):

    export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1
    python examples/start_model.py --endpoint-url http://127.0.0.1:4566 PROJECT_ARN VERSION_NAME

This file is type-checked with mypy --strict in CI, as user code would be.
"""

from __future__ import annotations

import argparse
import asyncio

from aiocustomlabels import CustomLabelsClient, ModelStartError, ProjectVersionDescription, WaitTimeoutError


def show(description: ProjectVersionDescription) -> None:
    """Print one version's status line."""
    print(f"{description.project_version_arn}: {description.status}")


async def main(project_arn: str, version_name: str, endpoint_url: str | None) -> int:
    """Run the example; return the exit code."""
    async with CustomLabelsClient.create(endpoint_url=endpoint_url) as client:
        async for version in client.describe_project_versions(project_arn):
            show(version)
        try:
            running = await client.start_and_wait(
                project_arn,
                version_name,
                min_inference_units=1,
                max_inference_units=3,
                timeout=30 * 60,
                on_status=show,
            )
        except ModelStartError as error:
            print(f"cannot start: {error.status_message}")
            return 1
        except WaitTimeoutError as error:
            print(f"still {error.status} after {error.timeout} s")
            return 3
        f1 = running.evaluation_result.f1_score if running.evaluation_result else None
        print(f"running with {running.min_inference_units}..{running.max_inference_units} units, F1 {f1}")
        await client.stop_and_wait(project_arn, version_name, on_status=show)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project_arn")
    parser.add_argument("version_name")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.project_arn, args.version_name, args.endpoint_url)))
