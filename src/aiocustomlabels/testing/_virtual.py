"""Virtual time for asyncio: waits of minutes that take milliseconds.

``VirtualTimeEventLoop`` is an event loop whose clock, when nothing is ready to
run, jumps to the next timer instead of sleeping. With ``LoopClock`` the fake
service reads that same clock, so a test of ``start_and_wait`` with a
15-minute start and the default delays runs at once, its delays and
deadlines intact.

It suits the in-process fake, which opens no socket. Over real sockets the
clock would jump past timers (a read timeout, say) while bytes are on the
way; use ``ScaledClock`` and short delays with the loopback emulator.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Executor
from typing import Any, TypeVar, TypeVarTuple, Unpack

__all__ = ["LoopClock", "VirtualTimeEventLoop", "run_virtual"]

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

# While a thread works, how often (real seconds) the loop looks for it to be done.
_THREAD_POLL = 0.01


class _JumpingSelector(selectors.BaseSelector):
    """A selector that, instead of waiting for a timeout, moves the loop's clock past it."""

    def __init__(self, loop: VirtualTimeEventLoop) -> None:
        self._inner = selectors.DefaultSelector()
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._inner.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None or self._loop.threads_running:
            # No timer at all, or work in a thread (aiobotocore makes its SSL
            # context in one): wait for real until I/O or the thread wakes the loop.
            return self._inner.select(None if timeout is None else _THREAD_POLL)
        self._loop.advance(timeout)
        return []

    def close(self) -> None:
        self._inner.close()

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._inner.get_map()


class VirtualTimeEventLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time: ``asyncio.sleep(600)`` returns at once, 600 s later.

    Args:
        start: The loop's time at first.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._virtual_now = start
        self.threads_running = 0
        super().__init__(selector=_JumpingSelector(self))

    def run_in_executor(
        self, executor: Executor | None, func: Callable[[Unpack[Ts]], T], *args: *Ts
    ) -> asyncio.Future[T]:
        """As ``asyncio``'s, and virtual time stands still until the job is done."""
        future = super().run_in_executor(executor, func, *args)
        self.threads_running += 1

        def finished(_: object) -> None:
            self.threads_running -= 1

        future.add_done_callback(finished)
        return future

    def time(self) -> float:
        """The virtual time."""
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move the clock forward; the loop does this itself whenever it would wait."""
        self._virtual_now += max(0.0, seconds)


class LoopClock:
    """A fake-service clock that reads the running event loop's time.

    On a ``VirtualTimeEventLoop``, or a loop that looptime fast-forwards, the
    fake then ages exactly as the waits do. It never runs backwards: when the
    running loop's time is behind the last time it showed (another loop, or
    looptime taking over a loop), it goes on from that time.

    By default the clock takes the loop's own anchor to the wall clock (the
    wall clock's time when the loop was first asked, less the loop's time
    then), the one ``CustomLabelsClient`` reads for its "now" (the CloudWatch
    metrics of the last minutes): the fake then publishes its metrics at the
    times the client asks about. Until it is first read in a loop, it shows
    the wall clock.

    Args:
        epoch: The wall-clock time, in seconds since the epoch, that loop time 0
            stands for; by default the running loop's anchor, taken when the
            clock is first read in a loop.
    """

    def __init__(self, epoch: float | None = None) -> None:
        self._epoch = epoch
        self._last = 0.0
        self._offset = 0.0

    @property
    def epoch(self) -> float | None:
        """The wall-clock time that loop time 0 stands for; ``None`` until first read in a loop, if not given."""
        return self._epoch

    def now(self) -> float:
        """``epoch`` plus the running loop's time (the last one seen, outside a loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            # Outside a loop (setting a scene up): the wall clock, until a loop fixes the anchor.
            return time.time() if self._epoch is None else self._epoch + self._last
        seen = loop.time() + self._offset
        if self._epoch is None:
            # Anchored at first use: the wall clock, less the loop's time so far.
            self._epoch = time.time() - loop.time()
        if seen < self._last:
            self._offset += self._last - seen
            seen = self._last
        self._last = seen
        return self._epoch + self._last


def run_virtual(main: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
    """Run ``main`` on a new ``VirtualTimeEventLoop``, like ``asyncio.run``."""
    with asyncio.Runner(debug=debug, loop_factory=VirtualTimeEventLoop) as runner:
        return runner.run(main)
