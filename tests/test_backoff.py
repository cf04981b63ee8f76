"""The Smithy waiter delay rule."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels import Backoff, InvalidRequestError
from aiocustomlabels.types import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY

delays = st.floats(min_value=0.01, max_value=600, allow_nan=False)


@st.composite
def backoffs(draw: st.DrawFn) -> Backoff:
    """A valid Backoff."""
    low = draw(delays)
    return Backoff(min_delay=low, max_delay=draw(st.floats(min_value=low, max_value=1200)))


@given(backoff=backoffs(), attempt=st.integers(1, 200), seed=st.integers())
def test_delay_stays_between_min_and_max(backoff: Backoff, attempt: int, seed: int) -> None:
    """Without a deadline every delay lies in [min_delay, max_delay]."""
    delay = backoff.delay(attempt, remaining=None, rng=random.Random(seed))
    assert backoff.min_delay <= delay <= backoff.max_delay


@given(backoff=backoffs(), attempt=st.integers(1, 60), seed=st.integers())
def test_delay_ceiling_doubles(backoff: Backoff, attempt: int, seed: int) -> None:
    """Before the attempt ceiling, the delay is at most min_delay * 2**(attempt - 1)."""
    ceiling = math.log(backoff.max_delay / backoff.min_delay) / math.log(2) + 1
    delay = backoff.delay(attempt, remaining=None, rng=random.Random(seed))
    if attempt <= ceiling:
        assert delay <= backoff.min_delay * 2 ** (attempt - 1) * (1 + 1e-9)


def test_first_delay_is_min_delay() -> None:
    """The first retry waits exactly min_delay: the jitter range is empty."""
    assert Backoff(min_delay=3, max_delay=90).delay(1, remaining=None, rng=random.Random(1)) == 3


@given(backoff=backoffs(), attempt=st.integers(1, 60), remaining=st.floats(0, 5000), seed=st.integers())
def test_never_sleeps_past_the_deadline(backoff: Backoff, attempt: int, remaining: float, seed: int) -> None:
    """A delay never exceeds the time remaining."""
    assert backoff.delay(attempt, remaining=remaining, rng=random.Random(seed)) <= remaining


@given(backoff=backoffs(), attempt=st.integers(1, 60), remaining=st.floats(0, 5000), seed=st.integers())
def test_last_try_takes_the_remaining_time(
    backoff: Backoff, attempt: int, remaining: float, seed: int
) -> None:
    """When less than min_delay would remain after the delay, the delay is all the remaining time."""
    rng_a, rng_b = random.Random(seed), random.Random(seed)
    free = backoff.delay(attempt, remaining=None, rng=rng_a)
    bounded = backoff.delay(attempt, remaining=remaining, rng=rng_b)
    if remaining - free <= backoff.min_delay:
        assert bounded == remaining
    else:
        assert bounded == free


def test_delays_reach_max_and_stay() -> None:
    """Past the attempt ceiling every delay is drawn up to max_delay."""
    backoff = Backoff(min_delay=2, max_delay=120)
    rng = random.Random(7)
    late = [backoff.delay(attempt, remaining=None, rng=rng) for attempt in range(8, 400)]
    assert max(late) > 110
    assert min(late) >= 2


def test_defaults_stay_within_a_quarter_of_awss_request_rate() -> None:
    """Backed off, the default delays average (min + max) / 2: at most 1.25 times AWS's fixed 30 s rate."""
    assert (DEFAULT_MIN_DELAY + DEFAULT_MAX_DELAY) / 2 >= 30 / 1.25


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 10), (-1, 10), (5, 4), (True, 10), ("5", 10), (5, None)],
)
def test_bad_delays_are_refused(low: object, high: object) -> None:
    """min_delay must be positive and max_delay at least min_delay."""
    with pytest.raises(InvalidRequestError, match="delay"):
        Backoff(min_delay=low, max_delay=high)  # type: ignore[arg-type]
