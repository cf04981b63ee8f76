"""The command line: ``aiocustomlabels`` or ``python -m aiocustomlabels``.

Exit codes: 0 success, 1 service error, 2 usage error, 3 wait timeout, 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

__all__ = ["main"]

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiocustomlabels", description="Rekognition Custom Labels model versions, from the shell."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    emulator = commands.add_parser("emulator", help="serve the fake Custom Labels service on loopback HTTP")
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    emulator.add_argument("--port", type=int, default=4566, help="port to bind; 0 picks a free one")
    emulator.add_argument("--seed", choices=["demo", "none"], default="demo", help="what to start with")
    emulator.add_argument("--start-seconds", type=float, default=10.0, help="how long a start takes")
    emulator.add_argument("--stop-seconds", type=float, default=3.0, help="how long a stop takes")

    demo = commands.add_parser("demo", help="run the main job against an embedded emulator; no AWS account")
    demo.add_argument("--start-seconds", type=float, default=3.0, help="how long the emulated start takes")
    return parser


async def _serve(args: argparse.Namespace) -> int:
    from .testing import Emulator, FakeCustomLabels, ScaledClock, seed_demo  # noqa: PLC0415 -- only here

    fake = FakeCustomLabels(
        clock=ScaledClock(), start_seconds=args.start_seconds, stop_seconds=args.stop_seconds
    )
    project = seed_demo(fake).project_arn if args.seed == "demo" else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with Emulator(fake, host=args.host, port=args.port) as emulator:
            print(f"Custom Labels emulator listening on {emulator.endpoint_url}", flush=True)
            if project is not None:
                print(f"Demo project: {project}", flush=True)
            await stop.wait()
            print("Stopping the emulator.", flush=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return EXIT_OK


async def _demo(args: argparse.Namespace) -> int:
    from aiobotocore.session import get_session  # noqa: PLC0415

    from ._client import CustomLabelsClient  # noqa: PLC0415
    from ._demo import run_main_job  # noqa: PLC0415
    from .testing import Emulator, FakeCustomLabels, ScaledClock, seed_demo  # noqa: PLC0415

    fake = FakeCustomLabels(clock=ScaledClock(), start_seconds=args.start_seconds, stop_seconds=1.0)
    demo = seed_demo(fake)
    async with Emulator(fake) as emulator:
        print(f"Embedded Custom Labels emulator on {emulator.endpoint_url} (no AWS account involved)")
        session = get_session()
        # The emulator checks no signature; against AWS, your own credentials apply.
        session.set_credentials("demo", "demo")
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=session
        ) as client:
            await run_main_job(
                client,
                demo.project_arn,
                demo.ready_version,
                min_inference_units=1,
                max_inference_units=3,
                min_delay=0.25,
                max_delay=1.0,
            )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    runner = {"emulator": _serve, "demo": _demo}[args.command]
    try:
        return asyncio.run(runner(args))
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):
            print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
