"""Shared test configuration."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Every event loop the suite makes runs in debug mode: slow callbacks, tasks
# never awaited and resources left open are reported (and warnings are errors).
os.environ.setdefault("PYTHONASYNCIODEBUG", "1")

# Deadlines fail tests on a busy 2-core CI machine for reasons that say nothing
# about the code; example counts, not timings, are what these tests control.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=200, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
