"""Shared test configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from aiocustomlabels.testing import FakeCustomLabels
from tests._fake_support import Scene, isolate_aws, make_scene

# Every event loop the suite makes runs in debug mode: slow callbacks, tasks
# never awaited and resources left open are reported (and warnings are errors).
os.environ.setdefault("PYTHONASYNCIODEBUG", "1")

# Deadlines fail tests on a busy 2-core CI machine for reasons that say nothing
# about the code; example counts, not timings, are what these tests control.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# CI draws the same examples each run (a red run can be replayed), and as many as anywhere else:
# a suite that draws more when CI is set is a slower, other suite there than the one run here.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _no_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS variable or config file of the machine running the tests leaks in, nor reaches AWS."""
    isolate_aws(monkeypatch, tmp_path)


@pytest.fixture
def scene() -> Scene:
    """A fake with one project of three versions, all TRAINING_COMPLETED."""
    return make_scene(FakeCustomLabels(), 3)
