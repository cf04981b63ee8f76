"""The wall clock, as the running event loop counts it.

The client's "now" (for the CloudWatch metrics of the last minutes) and the
fake service's ``LoopClock`` read the same clock: the wall clock's time when a
loop was first asked, plus the loop's time since. On a real loop that is the
wall clock. On a loop whose time is fast-forwarded (tests on virtual time,
looptime), it follows the loop, for the client and the fake alike.
"""

from __future__ import annotations

import asyncio
import time
import weakref

__all__ = ["loop_epoch", "loop_now"]

# One anchor per loop, shared by everyone who asks: two readers of one loop never disagree.
_ANCHORS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, float] = weakref.WeakKeyDictionary()


def loop_epoch(loop: asyncio.AbstractEventLoop) -> float:
    """The wall-clock time, in seconds since the epoch, that ``loop``'s time 0 stands for."""
    anchor = _ANCHORS.get(loop)
    if anchor is None:
        anchor = _ANCHORS[loop] = time.time() - loop.time()
    return anchor


def loop_now() -> float:
    """Now, in seconds since the epoch, as the running loop counts it."""
    loop = asyncio.get_running_loop()
    return loop_epoch(loop) + loop.time()
