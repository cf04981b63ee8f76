"""Every Python block in the README and the docs runs, so a changed signature breaks the build.

Each file's blocks run in order in one namespace (later blocks may use what
earlier ones defined), on virtual time (``asyncio.run`` is ``run_virtual``),
with aiobotocore routed in-process into a fake that holds the project the
examples name, ``EXAMPLE_PROJECT``, with versions v1 (STOPPED) to v3
(TRAINING_COMPLETED), unless the page routes to a fake of its own. A file that defines ``async def main(project_arn)`` and
does not call it has it called with that project.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import re
import runpy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, in_process, run_virtual

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
EXAMPLE_PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/my-project/1700000000000"


def blocks(page: Path) -> list[str]:
    """The Python blocks of a Markdown page, in order."""
    return BLOCK.findall(page.read_text())


def example_fake() -> FakeCustomLabels:
    """The fake the examples talk to."""
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=300, stop_seconds=30)
    project = fake.add_project("my-project", created=datetime.fromtimestamp(1_700_000_000, UTC))
    assert project == EXAMPLE_PROJECT
    fake.add_version(project, "v1", status=ProjectVersionStatus.STOPPED)
    fake.add_version(project, "v2")
    fake.add_version(project, "v3")
    return fake


def test_the_docs_have_examples() -> None:
    """The collector finds blocks, so a broken pattern cannot pass silently."""
    assert sum(len(blocks(page)) for page in PAGES) >= 5


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=lambda p: p.name)
def test_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python block of the page runs without error."""
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
    monkeypatch.setattr(asyncio, "run", run_virtual)
    text = page.read_text()
    # A page that routes to a fake of its own must not be routed again (aioresponses does not nest).
    routing = contextlib.nullcontext() if "in_process(" in text else in_process(example_fake())
    with routing:
        for number, source in enumerate(blocks(page), 1):
            code = compile(source, f"{page.name}[{number}]", "exec")
            exec(code, namespace)  # noqa: S102 -- our own documentation
        main = namespace.get("main")
        if inspect.iscoroutinefunction(main) and "asyncio.run(" not in text:
            run_virtual(main(EXAMPLE_PROJECT))


def test_the_example_script_runs_the_main_job(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/start_model.py lists, starts v3 with 1..3 units, waits for RUNNING, and stops it."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the script takes the region from the environment
    namespace = runpy.run_path(str(ROOT / "examples" / "start_model.py"), run_name="example")
    fake = example_fake()
    with in_process(fake):
        assert run_virtual(namespace["main"](EXAMPLE_PROJECT, "v3", None)) == 0
    out = capsys.readouterr().out
    assert "v3 is RUNNING" in out
    assert "1..3" in out
    (start,) = fake.requests_for("StartProjectVersion")
    assert (start.params["MinInferenceUnits"], start.params["MaxInferenceUnits"]) == (1, 3)
    assert len(fake.requests_for("StopProjectVersion")) == 1
