"""Shared test configuration."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Deadlines fail tests on a busy 2-core CI machine for reasons that say nothing
# about the code; example counts, not timings, are what these tests control.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=200, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
