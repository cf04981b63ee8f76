"""What the command line prints besides its results: the failure line and the progress of a wait."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TextIO

from .._models import ProjectVersionDescription

__all__ = ["Progress", "fail"]


def fail(message: str) -> None:
    """Print one line on stderr, after the program's name, as every failure and note is printed."""
    print(f"aiocustomlabels: {message}", file=sys.stderr, flush=True)


class Progress:
    """The live progress line of a wait, and the last description it saw.

    On a terminal one line is redrawn every second: status, elapsed time, next
    poll. Elsewhere (a pipe, a log) one line is printed per status change.

    Args:
        out: Where the progress goes (stderr).
        live: Whether ``out`` is a terminal, where the line is redrawn in place.
    """

    def __init__(self, out: TextIO, *, live: bool) -> None:
        self._out = out
        self._live = live
        self._began = time.monotonic()
        self._status = "-"
        self._next_poll: float | None = None
        self._drawn = False
        #: The last description seen: what a wait that ends early reports.
        self.last: ProjectVersionDescription | None = None

    def status(self, description: ProjectVersionDescription) -> None:
        """Note a new status."""
        self.last = description
        self._status = str(description.status)
        if self._live:
            self.redraw()
        else:
            print(f"{self._elapsed():>7.1f}s  {self._status}", file=self._out, flush=True)

    def delay(self, seconds: float) -> None:
        """Note when the next poll is due."""
        self._next_poll = time.monotonic() + seconds

    def _elapsed(self) -> float:
        return time.monotonic() - self._began

    def redraw(self) -> None:
        """Draw the line again, in place."""
        if not self._live:
            return
        due = (
            ""
            if self._next_poll is None
            else f", next poll in {max(0.0, self._next_poll - time.monotonic()):.0f}s"
        )
        self._out.write(f"\r\x1b[2K{self._status}  {self._elapsed():.0f}s elapsed{due}")
        self._out.flush()
        self._drawn = True

    def finish(self) -> None:
        """End the live line, so that what follows starts on a line of its own."""
        if self._live and self._drawn:
            self._out.write("\n")
            self._out.flush()

    async def tick(self) -> None:
        """Redraw every second, until cancelled."""
        while True:
            await asyncio.sleep(1.0)
            self.redraw()
