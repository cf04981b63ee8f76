"""``hosted``: every version of the region that bills, what it costs an hour, and ``--stop-all``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from .._client import CustomLabelsClient
from .._format import HostedRow, hosted_header, hosted_record, hosted_summary
from ._failures import EXIT_FAILED, EXIT_OK, UsageError
from ._output import fail
from ._target import backoff, client

__all__ = ["hosted"]


def _confirm(question: str) -> bool:
    """Ask on the terminal; anything but yes is no.

    Raises:
        UsageError: Standard input is not a terminal: nobody to ask (use --yes).
    """
    if not sys.stdin.isatty():
        msg = "--stop-all asks before stopping, and standard input is not a terminal: add --yes to stop without asking"
        raise UsageError(msg)
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def _question(count: int) -> str:
    return "Stop this hosted version?" if count == 1 else f"Stop these {count} hosted versions?"


async def hosted(args: argparse.Namespace) -> int:
    """``hosted``: a row (or a JSON object) per hosted version, the sum on stderr; then --stop-all."""
    out = sys.stdout
    price = args.price_per_unit_hour
    if args.stop_all and not args.yes:
        _confirm_possible()
    rows: list[HostedRow] = []
    async with client(args) as opened:
        async with opened.hosted_versions(concurrency=args.concurrency) as listing:
            async for version in listing:
                row = HostedRow(project=listing.project_of(version), description=version, price=price)
                if args.output == "table":
                    out.write((hosted_header(price) + "\n" if not rows else "") + row.line() + "\n")
                elif args.output == "jsonl":
                    out.write(json.dumps(hosted_record(row), sort_keys=True) + "\n")
                out.flush()
                rows.append(row)
        if args.output == "json":
            out.write(json.dumps([hosted_record(row) for row in rows], indent=2, sort_keys=True) + "\n")
        print(
            hosted_summary(rows, price=price, region=opened.raw.meta.region_name), file=sys.stderr, flush=True
        )
        if not args.stop_all or not rows:
            return EXIT_OK
        if not args.yes and not _confirm(_question(len(rows))):
            fail("nothing was stopped")
            return EXIT_FAILED
        return await _stop_all(opened, args, rows)


def _confirm_possible() -> None:
    """Refuse at once, before any request, to ask where nobody can answer."""
    if not sys.stdin.isatty():
        _confirm("")


async def _stop_all(opened: CustomLabelsClient, args: argparse.Namespace, rows: list[HostedRow]) -> int:
    """Stop every version in ``rows`` at once, and wait until none is hosted: a line for each as it stops."""
    delays = backoff(args)
    failed = 0

    async def stop(row: HostedRow) -> None:
        nonlocal failed
        name = f"{row.project.project_name}/{row.description.version_name or '?'}"
        try:
            final = await opened.stop_and_wait(
                row.project, row.description.version_name or "?", timeout=args.timeout, backoff=delays
            )
        except Exception as exc:  # one failure must not hide the others' outcome
            failed += 1
            line = f"{name}: NOT STOPPED: {exc}"
        else:
            line = f"{name}: {final.status}"
        print(line, flush=True)  # as it ends: a stop of minutes is not silent

    await asyncio.gather(*(stop(row) for row in rows))
    if failed:
        fail(f"{failed} of {len(rows)} versions were not stopped: they may still bill")
        return EXIT_FAILED
    return EXIT_OK
