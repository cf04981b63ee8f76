"""Clocks for the fake service: virtual time that tests advance, the event loop's, or scaled real time."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Protocol

if sys.version_info >= (3, 13):
    from typing import TypeVar
else:  # TypeVar's default= came with 3.13
    from typing_extensions import TypeVar

__all__ = ["Clock", "ClockT_co", "LoopClock", "ScaledClock", "StepClock", "VirtualClock"]


class Clock(Protocol):
    """What the fake asks of a clock: the current time in seconds since the epoch."""

    def now(self) -> float:
        """The current time, in seconds since the epoch."""
        ...


ClockT_co = TypeVar("ClockT_co", bound=Clock, default=Clock, covariant=True)
"""The kind of clock a ``FakeCustomLabels`` runs on; ``Clock`` when not said."""


class VirtualClock:
    """A clock that moves only when told to.

    A test that starts a model with a 15-minute start time advances the clock by
    900 seconds and sees it RUNNING at once.

    Args:
        start: The time the clock shows first, in seconds since the epoch.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current virtual time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``.

        Raises:
            ValueError: ``seconds`` is negative; time does not run backwards.
        """
        if seconds < 0:
            msg = f"a clock cannot go back: advance({seconds})"
            raise ValueError(msg)
        with self._lock:
            self._now += seconds

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now()})"


class StepClock(VirtualClock):
    """A ``VirtualClock`` that also moves ``step`` seconds at each request the fake receives.

    Between requests it stands still, so what a client sees depends only on the
    requests it sends, never on how fast the machine runs them: a start of 2
    seconds on a clock of 1-second steps is RUNNING at the second request after
    it, on any machine. The emulator's ``--seconds-per-request`` runs on it.

    Args:
        step: The seconds each request moves the clock, 0 or more.
        start: The time the clock shows first, in seconds since the epoch.
    """

    def __init__(self, step: float = 1.0, *, start: float = 1_700_000_000.0) -> None:
        if not step >= 0:
            msg = f"step must be 0 or more seconds, not {step}"
            raise ValueError(msg)
        super().__init__(start)
        self.step = step

    def on_request(self) -> None:
        """Move the clock by one step: the fake calls this as each request arrives."""
        self.advance(self.step)

    def __repr__(self) -> str:
        return f"StepClock(step={self.step}, now={self.now()})"


class ScaledClock:
    """Real time, sped up: with ``scale=600`` a 10-minute start takes one real second.

    Args:
        scale: How many fake seconds pass per real second.
        start: The time the clock shows first, in seconds since the epoch.
    """

    def __init__(self, scale: float = 1.0, *, start: float | None = None) -> None:
        if scale <= 0:
            msg = f"scale must be positive, not {scale}"
            raise ValueError(msg)
        self.scale = scale
        self._origin = time.time() if start is None else start
        self._real_origin = time.monotonic()

    def now(self) -> float:
        """The current scaled time."""
        return self._origin + (time.monotonic() - self._real_origin) * self.scale

    def __repr__(self) -> str:
        return f"ScaledClock(scale={self.scale})"


class LoopClock:
    """A clock that reads the running event loop's time: the fake ages as the loop's waits do.

    On a loop that looptime fast-forwards (the ``custom_labels_in_process``
    fixture, or ``looptime.new_event_loop()``), a 15-minute start is waited out
    at once, its delays intact. The clock never runs backwards: when the
    running loop's time is behind the last time it showed (another loop, or
    looptime taking a loop over), it goes on from that time.

    The clock anchors itself to the wall clock, unless given an epoch: loop
    time 0 stands for the wall-clock time when it was first read in a loop,
    less the loop's time then. Until then it shows the wall clock.

    Args:
        epoch: The time, in seconds since the epoch, that loop time 0 stands
            for; by default taken when the clock is first read in a loop.
    """

    def __init__(self, epoch: float | None = None) -> None:
        self._epoch = epoch
        self._last = 0.0
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def epoch(self) -> float | None:
        """The time that loop time 0 stands for; ``None`` until first read in a loop, if not given."""
        return self._epoch

    def now(self) -> float:
        """``epoch`` plus the running loop's time (the last one seen, outside a loop)."""
        try:
            loop_time = asyncio.get_running_loop().time()
        except RuntimeError:
            # Outside a loop (setting a scene up): the wall clock, until a loop fixes the anchor.
            with self._lock:
                return time.time() if self._epoch is None else self._epoch + self._last
        with self._lock:
            seen = loop_time + self._offset
            if self._epoch is None:
                self._epoch = time.time() - loop_time
            if seen < self._last:
                self._offset += self._last - seen
                seen = self._last
            self._last = seen
            return self._epoch + self._last

    def __repr__(self) -> str:
        return f"LoopClock(epoch={self._epoch})"
