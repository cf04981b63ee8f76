"""Sizing: the inference units a traffic needs, given what one unit serves, and what they cost an hour."""

from __future__ import annotations

import math
from fractions import Fraction

import attrs

from ._checks import check_units
from ._errors import InvalidRequestError
from ._models import InferenceUnits
from ._rules import MIN_INFERENCE_UNITS, is_seconds

__all__ = ["Recommendation", "recommend"]


@attrs.frozen(kw_only=True)
class Recommendation:
    """The inference units to start a version with, for a traffic, and their hourly cost.

    Attributes:
        tps_per_unit: What one unit serves, in requests a second.
        base_tps: The traffic the version always has.
        peak_tps: The busiest traffic it must serve.
        min_inference_units: ``ceil(base_tps / tps_per_unit)``, at least 1:
            MinInferenceUnits.
        max_inference_units: ``ceil(peak_tps / tps_per_unit)``, at least the
            minimum: MaxInferenceUnits.
        price_per_unit_hour: The region's price of an inference-unit hour, if given.
    """

    tps_per_unit: float
    base_tps: float
    peak_tps: float
    min_inference_units: int
    max_inference_units: int
    price_per_unit_hour: float | None = None

    @property
    def units(self) -> InferenceUnits:
        """The units to start with: ``start_and_wait(..., min_inference_units=..., max_inference_units=...)``."""
        return InferenceUnits(self.min_inference_units, self.max_inference_units)

    @property
    def hourly_cost_at_base(self) -> float | None:
        """What the minimum costs an hour (billed while hosted, serving or not); ``None`` without a price."""
        return (
            None if self.price_per_unit_hour is None else self.min_inference_units * self.price_per_unit_hour
        )

    @property
    def hourly_cost_at_peak(self) -> float | None:
        """What the maximum costs an hour; ``None`` without a price."""
        return (
            None if self.price_per_unit_hour is None else self.max_inference_units * self.price_per_unit_hour
        )


def _rate(value: object, argument: str, *, positive: bool = False) -> float:
    """``value`` as a finite rate, 0 or more (above 0 when ``positive``).

    Raises:
        InvalidRequestError: It is not one.
    """
    if not (is_seconds(value) and (value > 0 if positive else value >= 0)):
        what = "above 0" if positive else "0 or more"
        msg = f"{argument} must be a finite number {what}, not {value!r}"
        raise InvalidRequestError(msg)
    return float(value)


def units_for(tps: float, tps_per_unit: float) -> int:
    """The fewest units that serve ``tps``: ``ceil(tps / tps_per_unit)``, at least 1.

    The division is exact on the numbers as written (``1.1 / 0.1`` is 11,
    not 11.000000000000002): a float's shortest repr is what its user meant.
    """
    needed = math.ceil(Fraction(repr(tps)) / Fraction(repr(tps_per_unit)))
    return max(MIN_INFERENCE_UNITS, needed)


def recommend(
    tps_per_unit: float,
    *,
    base_tps: float,
    peak_tps: float,
    price_per_unit_hour: float | None = None,
) -> Recommendation:
    """The inference units that serve a traffic: MinInferenceUnits for its base, MaxInferenceUnits for its peak.

    ``min_inference_units = ceil(base_tps / tps_per_unit)`` and
    ``max_inference_units = ceil(peak_tps / tps_per_unit)``, each at least 1.
    Started with these, the version holds the base always (and bills it), and
    auto-scales up to the peak.

    Example:
        ```python
        calibration = await calibrate(client, version_arn, images)
        sizing = recommend(calibration.tps_per_unit, base_tps=4, peak_tps=30, price_per_unit_hour=4.0)
        print(sizing.min_inference_units, sizing.max_inference_units, sizing.hourly_cost_at_peak)
        ```

    Args:
        tps_per_unit: What one unit serves, such as ``Calibration.tps_per_unit``.
        base_tps: The traffic the version always has, in requests a second.
        peak_tps: The busiest traffic, at least ``base_tps``.
        price_per_unit_hour: Your region's price of an inference-unit hour,
            for the hourly costs; none is built in (prices differ by region).

    Returns:
        The recommendation.

    Raises:
        InvalidRequestError: A rate that is not a finite number (0 or more;
            ``tps_per_unit`` above 0), a peak below the base, a negative
            price, or units beyond the service's 2,147,483,647.
    """
    per_unit = _rate(tps_per_unit, "tps_per_unit", positive=True)
    base = _rate(base_tps, "base_tps")
    peak = _rate(peak_tps, "peak_tps")
    if peak < base:
        msg = f"peak_tps ({peak:g}) must not be below base_tps ({base:g})"
        raise InvalidRequestError(msg)
    price = None if price_per_unit_hour is None else _rate(price_per_unit_hour, "price_per_unit_hour")
    units = check_units(units_for(base, per_unit), units_for(peak, per_unit))  # the service's range
    assert units.max is not None  # noqa: S101 -- given just above
    return Recommendation(
        tps_per_unit=per_unit,
        base_tps=base,
        peak_tps=peak,
        min_inference_units=units.min,
        max_inference_units=units.max,
        price_per_unit_hour=price,
    )
