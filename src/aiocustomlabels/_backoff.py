"""The delays between polls, and the options of one wait.

The delays follow the waiter rule the AWS SDKs share (Smithy waiters,
"waiter retries"): exponential backoff with full jitter between ``min_delay``
and ``max_delay``, and a last attempt at the deadline rather than a sleep past it.
The options of one wait travel as one ``WaitOptions`` value from the public
call to the shared poller.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable
from typing import Final

import attrs

from ._errors import InvalidRequestError
from ._models import ProjectVersionDescription
from ._rules import is_seconds

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MIN_DELAY",
    "Backoff",
    "DelayCallback",
    "StatusCallback",
    "WaitOptions",
]

DEFAULT_MIN_DELAY: Final = 20.0
"""The first delay between polls, in seconds.

Chosen with ``DEFAULT_MAX_DELAY`` so that a single wait beats AWS's
ProjectVersionRunning waiter (a fixed 30 s) on lateness, at about the same
number of requests: see ``docs/performance.md``.
"""

DEFAULT_MAX_DELAY: Final = 30.0
"""The longest delay between polls, in seconds.

With full jitter, polls come every 20 to 30 s, 25 s on average: over starts of
1 to 20 minutes a wait returns 12.7 s after RUNNING on average, against 15 s
for AWS's waiter, for 1.2 times its requests.
"""

StatusCallback = Callable[[ProjectVersionDescription], Awaitable[object] | object]
"""What a status callback may be: a plain function or a coroutine function.

It is called with the ``ProjectVersionDescription`` that showed a new status;
what it returns is awaited if it is awaitable, and otherwise ignored.
"""

DelayCallback = Callable[[float], object]
"""What a delay callback is: a plain function given each delay, in seconds, before it is slept."""


@attrs.frozen(kw_only=True)
class Backoff:
    """The Smithy waiter delay rule.

    Attributes:
        min_delay: The first and the smallest delay, in seconds (> 0).
        max_delay: The largest delay, in seconds (>= ``min_delay``).
    """

    min_delay: float = DEFAULT_MIN_DELAY
    max_delay: float = DEFAULT_MAX_DELAY

    def __attrs_post_init__(self) -> None:
        low: object = self.min_delay  # callers without type checking may pass anything
        high: object = self.max_delay
        if not (is_seconds(low) and low > 0):
            msg = f"min_delay must be a positive, finite number of seconds, not {self.min_delay!r}"
            raise InvalidRequestError(msg)
        if not (is_seconds(high) and high >= low):
            msg = f"max_delay must be a finite number of seconds, at least min_delay ({self.min_delay}), not {self.max_delay!r}"
            raise InvalidRequestError(msg)

    def delay(self, attempt: int, *, remaining: float | None, rng: random.Random) -> float:
        """The delay before retry number ``attempt`` (1 for the first retry).

        Args:
            attempt: Which retry this is, from 1.
            remaining: Seconds left before the deadline; ``None`` for no deadline.
            rng: The random source for the jitter.

        Returns:
            The seconds to sleep: never past the deadline. When less than
            ``min_delay`` would be left after it, the delay is the whole
            remaining time, and the poll after it is the last.
        """
        ceiling = math.log(self.max_delay / self.min_delay) / math.log(2) + 1
        high = self.max_delay if attempt > ceiling else self.min_delay * 2 ** (attempt - 1)
        delay = rng.uniform(self.min_delay, high)
        if remaining is not None and remaining - delay <= self.min_delay:
            delay = max(0.0, remaining)
        return delay


DEFAULT_BACKOFF: Final = Backoff()
"""The backoff of every wait given none: one object, so shared polls need not combine."""


@attrs.frozen(kw_only=True)
class WaitOptions:
    """How one wait waits: the options of the public waits, as one value.

    Built, and checked, once by the public call; handed down unchanged to the
    wait's loop and its shared poller.

    Attributes:
        timeout: Seconds before ``WaitTimeoutError``; ``None`` for no deadline of our own.
        backoff: The delays between polls.
        on_status: Called with the description on each change of status.
        on_delay: Called with each delay before it is slept.
    """

    timeout: float | None = None
    backoff: Backoff = DEFAULT_BACKOFF
    on_status: StatusCallback | None = None
    on_delay: DelayCallback | None = None

    @classmethod
    def of(
        cls,
        *,
        timeout: object = None,
        backoff: object = None,
        on_status: object = None,
        on_delay: object = None,
    ) -> WaitOptions:
        """Check the public waits' arguments and make them one value.

        Raises:
            InvalidRequestError: An argument of the wrong kind, or a timeout that is not positive.
        """
        if timeout is not None and not (is_seconds(timeout) and timeout > 0):
            msg = f"timeout must be a positive, finite number of seconds, or None for no deadline, not {timeout!r}"
            raise InvalidRequestError(msg)
        if backoff is not None and not isinstance(backoff, Backoff):
            msg = f"backoff must be a Backoff or None, not {type(backoff).__name__}"
            raise InvalidRequestError(msg)
        for name, callback in (("on_status", on_status), ("on_delay", on_delay)):
            if callback is not None and not callable(callback):
                msg = f"{name} must be callable or None, not {type(callback).__name__}"
                raise InvalidRequestError(msg)
        return cls(
            timeout=None if timeout is None else float(timeout),
            backoff=DEFAULT_BACKOFF if backoff is None else backoff,
            on_status=on_status,  # type: ignore[arg-type]
            on_delay=on_delay,  # type: ignore[arg-type]
        )
