"""How a model version reads on a terminal: one row formatter for every table and the demo.

Standard library only (and the models, for their types): the command line
imports it without loading aiobotocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._models import ProjectVersionDescription

__all__ = ["TABLE_HEADER", "units_text", "version_row"]

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
