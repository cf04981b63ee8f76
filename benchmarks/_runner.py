"""The one runner of every benchmark: arguments, the measure, the targets, the exit code."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import attrs

__all__ = ["Target", "run_benchmark"]


@attrs.frozen
class Target:
    """One published ratio and the most it may be.

    Attributes:
        label: What is measured, as the summary prints it.
        value: The figure measured in this run.
        limit: The largest value that meets the target.
    """

    label: str
    value: float
    limit: float

    @property
    def met(self) -> bool:
        """Whether the value is within the limit."""
        return self.value <= self.limit


def run_benchmark(
    doc: str | None,
    measure: Callable[[argparse.Namespace], Sequence[Target]],
    *,
    arguments: Callable[[argparse.ArgumentParser], None] = lambda _: None,
    argv: Sequence[str] | None = None,
) -> int:
    """Parse the benchmark's arguments, run ``measure`` (which prints its tables), report its targets.

    Returns:
        The exit code: 0 when every target is met, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    arguments(parser)
    targets = measure(parser.parse_args(argv))
    for target in targets:
        verdict = "met" if target.met else "MISSED"
        print(f"{target.label}: {target.value:.3f} (target <= {target.limit:g}) {verdict}")
    met = all(target.met for target in targets)
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1
