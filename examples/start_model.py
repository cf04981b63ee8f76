"""List a project's model versions, start one with auto-scaling, wait, and stop it.

The job itself is ``aiocustomlabels.testing.run_main_job``: the one
implementation that ``python -m aiocustomlabels demo`` runs on its embedded
emulator. This script runs it against AWS, or any endpoint you name.

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

from aiocustomlabels import CustomLabelsClient, CustomLabelsError, ModelStartError, WaitTimeoutError
from aiocustomlabels.testing._demo import run_main_job


async def main(project_arn: str, version_name: str, endpoint_url: str | None) -> int:
    """Run the main job; return the exit code."""
    async with CustomLabelsClient.create(endpoint_url=endpoint_url) as client:
        try:
            await run_main_job(client, project_arn, version_name, timeout=30 * 60)
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
