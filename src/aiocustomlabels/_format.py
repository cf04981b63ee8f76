"""How a model version reads on a terminal: one row formatter for every table and the demo.

Formatting only: the command line and the demo print through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ._rules import DESIRED_METRIC, IN_SERVICE_METRIC, MAX_METRIC, MIN_METRIC

if TYPE_CHECKING:
    from ._arns import ProjectArn
    from ._metrics import InferenceUnitsSample
    from ._models import ProjectVersionDescription

__all__ = [
    "IN_SERVICE_HEADER",
    "TABLE_HEADER",
    "UNITS_HEADER",
    "HostedRow",
    "hosted_header",
    "hosted_record",
    "hosted_summary",
    "in_service_text",
    "units_record",
    "units_row",
    "units_text",
    "version_row",
]


_ROW: Final = "{name:<32} {status:<20} {units:<10} {created:<17} {f1:>6}"

TABLE_HEADER: Final = _ROW.format(name="NAME", status="STATUS", units="UNITS", created="CREATED", f1="F1")
"""The header line of the versions table."""


def units_text(description: ProjectVersionDescription) -> str:
    """The units a version reports: ``1..3``, ``1 (fixed)`` without a maximum, ``-`` if never started."""
    units = description.inference_units
    return "-" if units is None else str(units)


def version_row(description: ProjectVersionDescription) -> str:
    """One line of the versions table: name, status, units, creation time (local), F1 score."""
    created = description.creation_timestamp
    f1 = description.evaluation_result.f1_score if description.evaluation_result else None
    return _ROW.format(
        name=description.version_name or "?",
        status=str(description.status or "-"),
        units=units_text(description),
        created=created.astimezone().strftime("%Y-%m-%d %H:%M") if created else "-",
        f1="-" if f1 is None else f"{f1:.3f}",
    )


_HOSTED: Final = "{project:<24} {version:<28} {status:<9} {units:<10}"
_COST: Final = " {low:>11} {high:>11}"


def hosted_header(price: float | None) -> str:
    """The header line of the hosted table; with a price, the two cost columns."""
    line = _HOSTED.format(project="PROJECT", version="VERSION", status="STATUS", units="UNITS")
    return line + _COST.format(low="$/H AT MIN", high="$/H AT MAX") if price is not None else line.rstrip()


@dataclass(frozen=True)
class HostedRow:
    """A hosted version, its project, and what it costs an hour at a price per inference-unit hour.

    Attributes:
        project: The version's project.
        description: The version.
        price: The price of an inference-unit hour; ``None`` when not given.
    """

    project: ProjectArn
    description: ProjectVersionDescription
    price: float | None = None

    @property
    def units(self) -> tuple[int, int] | None:
        """The fewest and the most units it bills for; ``None`` if it reports none."""
        units = self.description.inference_units
        if units is None:
            return None
        return units.min, units.max if units.max is not None else units.min

    def costs(self) -> tuple[float, float] | None:
        """The hourly cost at its minimum and at its maximum units; ``None`` without a price or units."""
        if self.price is None or self.units is None:
            return None
        low, high = self.units
        return low * self.price, high * self.price

    def line(self) -> str:
        """The row of the hosted table."""
        text = _HOSTED.format(
            project=self.project.project_name,
            version=self.description.version_name or "?",
            status=str(self.description.status or "-"),
            units=units_text(self.description),
        )
        if self.price is None:
            return text.rstrip()

        costs = self.costs()
        low, high = ("-", "-") if costs is None else (f"{costs[0]:.2f}", f"{costs[1]:.2f}")
        return text + _COST.format(low=low, high=high)


def hosted_record(row: HostedRow) -> dict[str, object]:
    """A hosted version as one JSON object: its names, status and units, and the costs with a price."""
    description = row.description
    record: dict[str, object] = {
        "ProjectArn": str(row.project),
        "ProjectVersionArn": str(description.project_version_arn),
        "Status": str(description.status),
        "MinInferenceUnits": description.min_inference_units,
        "MaxInferenceUnits": description.max_inference_units,
    }
    costs = row.costs()
    if costs is not None:
        record["HourlyCost"] = {"AtMin": round(costs[0], 6), "AtMax": round(costs[1], 6)}
    return record


def hosted_summary(rows: list[HostedRow], *, price: float | None, region: str | None) -> str:
    """One line on what is hosted: how many, how many units, and at a price what it costs an hour."""
    where = f" in {region}" if region else ""
    if not rows:
        return f"no model version is hosted{where}"
    units = [row.units for row in rows if row.units is not None]
    low, high = sum(u[0] for u in units), sum(u[1] for u in units)
    count = f"{low}..{high} inference units" if low != high else f"{low} inference unit{'s' * (low != 1)}"
    text = f"{len(rows)} hosted{where}: {count}"
    if price is not None:
        cost = f"{low * price:.2f}" if low == high else f"{low * price:.2f} to {high * price:.2f}"
        text += f", {cost} an hour at {price:g} per inference-unit hour"
    return text


IN_SERVICE_HEADER: Final = "  IN SERVICE"
"""The column ``versions --units`` adds to the versions table."""


def in_service_text(units: float | None) -> str:
    """The IN SERVICE column: the units in service of a RUNNING version, ``-`` when not known."""
    return f"  {'-' if units is None else _number(units):>10}"


def _number(value: float | None) -> str:
    """A metric's value: whole numbers without decimals, others with two; ``-`` for no datapoint."""
    if value is None:
        return "-"
    return f"{value:.0f}" if value == round(value) else f"{value:.2f}"


_UNITS: Final = "{time:<17} {in_service:>10} {desired:>8} {low:>4} {high:>4}"

UNITS_HEADER: Final = _UNITS.format(
    time="TIME", in_service="IN SERVICE", desired="DESIRED", low="MIN", high="MAX"
)
"""The header line of the ``units`` table."""


def units_row(sample: InferenceUnitsSample) -> str:
    """One line of the ``units`` table: the period's start (local time) and its four values."""
    return _UNITS.format(
        time=sample.timestamp.astimezone().strftime("%Y-%m-%d %H:%M"),
        in_service=_number(sample.in_service),
        desired=_number(sample.desired),
        low=_number(sample.min_inference_units),
        high=_number(sample.max_inference_units),
    )


def units_record(sample: InferenceUnitsSample) -> dict[str, object]:
    """A sample as one JSON object, with CloudWatch's metric names; absent datapoints as null."""
    return {
        "Timestamp": sample.timestamp.isoformat(),
        IN_SERVICE_METRIC: sample.in_service,
        DESIRED_METRIC: sample.desired,
        MIN_METRIC: sample.min_inference_units,
        MAX_METRIC: sample.max_inference_units,
    }
