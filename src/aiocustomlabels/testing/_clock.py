"""Clocks for the fake service: virtual time that tests advance, or scaled real time."""

from __future__ import annotations

import sys
import threading
import time
from typing import Protocol

if sys.version_info >= (3, 13):
    from typing import TypeVar
else:  # TypeVar's default= came with 3.13
    from typing_extensions import TypeVar

__all__ = ["Clock", "ClockT_co", "ScaledClock", "StepClock", "VirtualClock"]


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
