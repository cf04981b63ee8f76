"""recommend(): the units a traffic needs, from what one unit serves, and what they cost an hour."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels import InferenceUnits, InvalidRequestError, recommend

RATES = st.floats(min_value=0.01, max_value=10_000, allow_nan=False, allow_infinity=False)
TRAFFIC = st.floats(min_value=0, max_value=100_000, allow_nan=False, allow_infinity=False)


def exact(value: float) -> Fraction:
    """The number as written: what recommend divides."""
    return Fraction(repr(value))


@given(per_unit=RATES, base=TRAFFIC, extra=TRAFFIC)
def test_the_units_are_the_fewest_that_serve_the_traffic(per_unit: float, base: float, extra: float) -> None:
    """The minimum serves the base and the maximum the peak, each with the fewest units (at least 1)."""
    peak = base + extra
    sizing = recommend(per_unit, base_tps=base, peak_tps=peak)
    for units, traffic in ((sizing.min_inference_units, base), (sizing.max_inference_units, peak)):
        assert units >= 1
        assert units * exact(per_unit) >= exact(traffic)
        assert units == 1 or (units - 1) * exact(per_unit) < exact(traffic)
    assert sizing.min_inference_units <= sizing.max_inference_units


@pytest.mark.parametrize(
    ("per_unit", "base", "peak", "low", "high"),
    [
        (5.0, 4.0, 30.0, 1, 6),
        (5.0, 10.0, 10.0, 2, 2),
        (5.0, 10.01, 25.0, 3, 5),
        (0.1, 1.1, 1.1, 11, 11),  # 1.1 / 0.1 is 11, not the float's 11.000000000000002
        (5.0, 0.0, 0.0, 1, 1),  # no traffic still needs one unit to run
    ],
)
def test_the_recommendation_of_a_table(
    per_unit: float, base: float, peak: float, low: int, high: int
) -> None:
    """ceil(base / tps) and ceil(peak / tps), at least 1."""
    sizing = recommend(per_unit, base_tps=base, peak_tps=peak)
    assert (sizing.min_inference_units, sizing.max_inference_units) == (low, high)
    assert sizing.units == InferenceUnits(low, high)


def test_the_hourly_costs_are_the_units_times_the_price() -> None:
    """At base: the minimum's units times the price; at peak: the maximum's."""
    sizing = recommend(5.0, base_tps=4, peak_tps=30, price_per_unit_hour=4.0)
    assert (sizing.hourly_cost_at_base, sizing.hourly_cost_at_peak) == (4.0, 24.0)


def test_without_a_price_there_is_no_cost() -> None:
    """No price is built in: without one, the costs are None."""
    sizing = recommend(5.0, base_tps=4, peak_tps=30)
    assert (sizing.hourly_cost_at_base, sizing.hourly_cost_at_peak) == (None, None)


@pytest.mark.parametrize(
    ("per_unit", "base", "peak", "price", "words"),
    [
        (0.0, 1.0, 2.0, None, "tps_per_unit"),
        (float("nan"), 1.0, 2.0, None, "tps_per_unit"),
        (True, 1.0, 2.0, None, "tps_per_unit"),
        (5.0, -1.0, 2.0, None, "base_tps"),
        (5.0, 1.0, float("inf"), None, "peak_tps"),
        (5.0, 3.0, 2.0, None, "below base_tps"),
        (5.0, 1.0, 2.0, -1.0, "price_per_unit_hour"),
        (1e-9, 1.0, 1e10, None, "max_inference_units"),  # beyond the service's 2,147,483,647 units
    ],
)
def test_bad_arguments_are_refused(
    per_unit: float, base: float, peak: float, price: float | None, words: str
) -> None:
    """Each bad argument raises InvalidRequestError naming it."""
    with pytest.raises(InvalidRequestError, match=words):
        recommend(per_unit, base_tps=base, peak_tps=peak, price_per_unit_hour=price)
