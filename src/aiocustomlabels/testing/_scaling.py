"""The fake's auto-scaling surface: demand in (set, or from the load), inference-unit metrics out.

The rules themselves are in ``_metrics`` (the scaler) and ``_load`` (load into
demand); this is what a test calls, as methods of ``FakeCustomLabels``.
"""

from __future__ import annotations

import math
import threading

from ._clock import Clock
from ._metrics import UnitsHistory, UnitsMinute
from ._records import Project, Version, metric_key

__all__ = ["ScalingScene"]


class ScalingScene:
    """The methods of ``FakeCustomLabels`` that set demand and read what auto-scaling published."""

    _lock: threading.RLock
    _versions: dict[str, tuple[Project, Version]]
    _units: UnitsHistory
    _clock: Clock
    scale_up_seconds: float
    scale_down_seconds: float
    tps_per_unit: float

    def _key(self, version_arn: str) -> tuple[str, str]:
        found = self._versions.get(version_arn)
        if found is None:
            msg = f"no version {version_arn}"
            raise KeyError(msg)
        return metric_key(found[1])

    def set_demand(self, version_arn: str, units: float | None) -> None:
        """From now on, the demand on this version is ``units`` inference units; ``None``: its load's.

        While the version is RUNNING with a MaxInferenceUnits, its desired
        units follow ``clamp(ceil(demand), min, max)``, and its units in
        service follow desired after ``scale_up_seconds`` (up) or
        ``scale_down_seconds`` (down). The demand is the traffic's, not the
        version's: it stays set across stops and starts.

        Without a demand set (before any call, or after ``set_demand(arn,
        None)``), the demand is the load's: the DetectCustomLabels requests
        the version received in the last 60 seconds, served or throttled, per
        second, divided by its TPS per unit (assumed; see docs/testing.md). A
        number set here overrides the load until it is set to ``None`` again.

        Raises:
            KeyError: The fake has no such version.
            ValueError: ``units`` is negative or not finite.
        """
        if units is not None and (not math.isfinite(units) or units < 0):
            msg = f"demand must be a finite number of units >= 0, not {units}"
            raise ValueError(msg)
        with self._lock:
            key = self._key(version_arn)
            self._units.record_demand(key, self._clock.now(), None if units is None else float(units))

    def published_units(
        self, version_arn: str, *, start: float | None = None, end: float | None = None
    ) -> list[UnitsMinute]:
        """The minutes at which this version published its inference-unit metrics, oldest first.

        What CloudWatch's ``GetMetricData`` serves, one minute at a time:
        each whole minute in [start, end) (epoch seconds; by default from the
        beginning to now) that the fake clock has passed.

        Raises:
            KeyError: The fake has no such version.
        """
        with self._lock:
            key = self._key(version_arn)
            now = self._clock.now()
        return self.published_by_name(
            *key, start=-math.inf if start is None else start, end=now if end is None else min(end, now)
        )

    def published_by_name(
        self, project_name: str, version_name: str, *, start: float, end: float
    ) -> list[UnitsMinute]:
        """Like ``published_units``, by the metrics' dimensions, and ``end`` is not capped at now.

        Unknown names publish nothing, as in CloudWatch.
        """
        return self._units.published(
            (project_name, version_name),
            start=start,
            end=end,
            up=self.scale_up_seconds,
            down=self.scale_down_seconds,
            tps=self.tps_per_unit,
        )
