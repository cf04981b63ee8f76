"""Every example in the README and the docs runs, so a changed signature breaks the build.

Python blocks:

Each file's blocks run in order in one namespace (later blocks may use what
earlier ones defined), on fast-forwarded time (``asyncio.run`` is ``run_fast``, on looptime),
with aiobotocore routed in-process into a fake that holds the project the
examples name, ``EXAMPLE_PROJECT``, with versions v1 (STOPPED) to v3
(TRAINING_COMPLETED), unless the page routes to a fake of its own. A file that defines ``async def main(project_arn)`` and
does not call it has it called with that project. Functions a page only
defines (docs/detecting.md's ``labels_in`` and ``labels_in_s3``) are called by
tests of their own, which check what they print and send. A block titled as a test
module (```python title="test_shelf.py"```, or ``conftest.py``) is a file of a
user's test suite instead: the page's files are run together by pytest.

Shell blocks (```console```) of the pages in ``SHELL_PAGES``: each ``$``
command runs, in order, and must print what follows it (stdout and
stderr together; elapsed times of progress lines may differ). The page's first
``aiocustomlabels emulator`` command builds the fake the others talk to, served
on a free port shown as 4566; ``NAME=value`` and ``export`` lines hold for the
commands after them. Nothing of the machine's AWS configuration is seen. A
command that is the command line alone runs in this process, as ``main(argv)``
on fast-forwarded time (``tests/_docs_support.py``); one that needs a shell (a
pipe, ``env -u``, the AWS CLI) runs in bash, with the installed script.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
import runpy
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import aiocustomlabels._cli._emulator as emulator_command
import aiocustomlabels._client
from aiocustomlabels import CustomLabelsClient, ProjectVersionStatus
from aiocustomlabels._cli import build_parser
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, in_process
from aiocustomlabels.types import BoundingBox, CustomLabel, Geometry, Point
from tests._cli_support import COLUMNS, fast_loop
from tests._docs_support import Emulated, cli_arguments, emulated
from tests._docs_support import shell as docs_shell
from tests._harness import run_fast

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
TEST_FILE = re.compile(r'title="((?:test_\w+|conftest)\.py)"')
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHELL_PAGES = [ROOT / "docs" / "cli.md", ROOT / "docs" / "testing.md", ROOT / "docs" / "autoscaling.md"]
EXAMPLE_PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/my-project/1700000000000"
EXAMPLE_VERSION = "arn:aws:rekognition:us-east-1:111122223333:project/my-project/version/v2/1700000200000"


def _at(seconds: int) -> datetime:
    """``seconds`` after the example project's creation."""
    return datetime.fromtimestamp(1_700_000_000 + seconds, UTC)


def blocks(page: Path) -> list[str]:
    """The Python blocks of a Markdown page that are not test files, in order."""
    return [source for info, source in BLOCK.findall(page.read_text()) if not TEST_FILE.search(info)]


def user_test_files(page: Path) -> dict[str, str]:
    """The test modules (and conftest.py) a page shows, by file name."""
    return {
        match[1]: source
        for info, source in BLOCK.findall(page.read_text())
        if (match := TEST_FILE.search(info))
    }


def example_fake() -> FakeCustomLabels:
    """The fake the examples talk to."""
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=300, stop_seconds=30)
    project = fake.add_project("my-project", created=datetime.fromtimestamp(1_700_000_000, UTC))
    assert project == EXAMPLE_PROJECT
    # Fixed creation times: the pages show version ARNs (EXAMPLE_VERSION), which end in them.
    fake.add_version(project, "v1", status=ProjectVersionStatus.STOPPED, created=_at(100))
    assert fake.add_version(project, "v2", created=_at(200)) == EXAMPLE_VERSION
    fake.add_version(project, "v3", created=_at(300))
    return fake


def run_blocks(page: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeCustomLabels | None) -> dict[str, Any]:
    """The namespace the page's Python blocks, run in order on fast-forwarded time, leave; routed to ``fake``."""
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
    monkeypatch.setattr(asyncio, "run", run_fast)
    if fake is not None:
        # The page's clients are made as users make them, on the wall clock: now is the fake's instead.
        monkeypatch.setattr(aiocustomlabels._client, "wall_clock", fake.now)
    for number, source in enumerate(blocks(page), 1):
        code = compile(source, f"{page.name}[{number}]", "exec")
        exec(code, namespace)  # noqa: S102 -- our own documentation
    return namespace


def test_the_docs_have_examples() -> None:
    """The collector finds blocks, so a broken pattern cannot pass silently."""
    assert sum(len(blocks(page)) for page in PAGES) >= 5


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=lambda p: p.name)
def test_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python block of the page runs without error."""
    text = page.read_text()
    # A page that routes to a fake of its own must not be routed again (aioresponses does not nest).
    fake = None if "in_process(" in text else example_fake()
    with contextlib.nullcontext() if fake is None else in_process(fake):
        main = run_blocks(page, monkeypatch, fake).get("main")
        if inspect.iscoroutinefunction(main) and "asyncio.run(" not in text:
            run_fast(main(EXAMPLE_PROJECT))


def test_the_example_script_runs_the_main_job(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/start_model.py lists, starts v3 with 1..3 units, waits for RUNNING, and stops it."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the script takes the region from the environment
    namespace = runpy.run_path(str(ROOT / "examples" / "start_model.py"), run_name="example")
    fake = example_fake()
    with in_process(fake):
        assert run_fast(namespace["main"](EXAMPLE_PROJECT, "v3", None)) == 0
    out = capsys.readouterr().out
    assert "v3 is RUNNING" in out
    assert "1..3" in out
    (start,) = fake.requests_for("StartProjectVersion")
    assert (start.params["MinInferenceUnits"], start.params["MaxInferenceUnits"]) == (1, 3)
    assert len(fake.requests_for("StopProjectVersion")) == 1


# -- examples that only define a function: called here, their result checked ---------------------

DETECTING = ROOT / "docs" / "detecting.md"
#: What the detecting page's model finds: one label with a box, one just above 70, one below.
SHELF_LABELS = (
    CustomLabel(
        name="can",
        confidence=91.5,
        geometry=Geometry(
            bounding_box=BoundingBox(width=0.5, height=0.25, left=0.125, top=0.5),
            polygon=(Point(x=0.125, y=0.5), Point(x=0.625, y=0.5), Point(x=0.625, y=0.75)),
        ),
    ),
    CustomLabel(name="jar", confidence=70.5),
    CustomLabel(name="box", confidence=40.0),
)
SHELF_JPEG = b"\xff\xd8\xff\xe0" + b"aisle 4" * 20


@contextlib.contextmanager
def detecting_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeCustomLabels, dict[str, Any]]]:
    """The example fake, its v2 finding ``SHELF_LABELS``, and the detecting page's names, run against it."""
    fake = example_fake()
    fake.set_labels(EXAMPLE_VERSION, SHELF_LABELS)
    with in_process(fake):
        yield fake, run_blocks(DETECTING, monkeypatch, fake)


def test_the_detecting_example_prints_the_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """labels_in (docs/detecting.md) starts v2, prints the labels of 70 or more with the can's box, and stops v2."""
    photo = tmp_path / "aisle-4.jpg"
    photo.write_bytes(SHELF_JPEG)
    with detecting_page(monkeypatch) as (fake, namespace):
        capsys.readouterr()  # what the page's other blocks printed
        run_fast(namespace["labels_in"](photo))
    assert capsys.readouterr().out == "can 91.5\n  at 0.125 0.5 0.5 0.25\njar 70.5\n"
    (detect,) = fake.requests_for("DetectCustomLabels")
    assert detect.params == {
        "ProjectVersionArn": EXAMPLE_VERSION,
        "Image": {"Bytes": SHELF_JPEG},
        "MinConfidence": 70.0,
    }
    assert [len(fake.requests_for(op)) for op in ("StartProjectVersion", "StopProjectVersion")] == [1, 1]


def test_the_detecting_s3_example_prints_the_labels(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """labels_in_s3 (docs/detecting.md) prints the names the running model finds in the S3 object, MaxResults 10."""
    with detecting_page(monkeypatch) as (fake, namespace):
        fake.set_status(EXAMPLE_VERSION, ProjectVersionStatus.RUNNING)
        fake.put_object("my-photos", "shelves/aisle-4.jpg", SHELF_JPEG)
        capsys.readouterr()  # what the page's other blocks printed

        async def main() -> None:
            async with CustomLabelsClient.create(region_name="us-east-1") as client:
                await namespace["labels_in_s3"](client)

        run_fast(main())
    assert capsys.readouterr().out == "can\njar\n"
    (detect,) = fake.requests_for("DetectCustomLabels")
    assert detect.params["Image"] == {"S3Object": {"Bucket": "my-photos", "Name": "shelves/aisle-4.jpg"}}
    assert detect.params["MaxResults"] == 10


# -- test modules shown on a page: a user's test suite ----------------------------------------------


@pytest.mark.parametrize("page", [p for p in PAGES if user_test_files(p)], ids=lambda p: p.name)
def test_test_modules_pass(page: Path, pytester: pytest.Pytester) -> None:
    """The test modules a page shows pass, run by pytest as a user's suite (pytest-asyncio, strict mode)."""
    files = user_test_files(page)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    error\n")
    for name, source in files.items():
        pytester.makepyfile(**{name.removesuffix(".py"): source})
    tests = sum(source.count("\ndef test_") + source.count("\nasync def test_") for source in files.values())
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=tests)


# -- shell examples -----------------------------------------------------------------------------

ASSIGNMENT = re.compile(r"^(export )?[A-Za-z_][A-Za-z0-9_]*=")
EMULATOR = re.compile(r"^(python -m )?aiocustomlabels emulator\b")
# The elapsed time of a progress line, which differs from run to run.
ELAPSED = re.compile(r"^( *)[0-9]+\.[0-9]s  ", re.MULTILINE)


def shell_examples(page: Path) -> list[tuple[str, str]]:
    """(command, what it prints) for each ``$`` command of the page's console blocks, in order."""
    examples: list[tuple[str, list[str]]] = []
    for block in CONSOLE.findall(page.read_text()):
        lines = block.splitlines()
        assert lines[0].startswith("$ "), f"{page.name}: a console block that starts with no command"
        continuing = False
        for line in lines:
            if continuing:
                examples[-1] = (examples[-1][0] + "\n" + line.removeprefix("> "), examples[-1][1])
            elif line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                examples[-1][1].append(line)
            continuing = line.endswith("\\")
    return [(command, "\n".join(output)) for command, output in examples]


def shell_environment() -> dict[str, str]:
    """What the commands run in: this venv's scripts first, UTC, no AWS configuration of the machine's, 80 columns.

    The pages show usage text as argparse wraps it on a terminal of 80 columns, whatever the
    terminal the suite runs in.
    """
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHONASYNCIODEBUG", "COV"))}
    return {
        **keep,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TZ": "UTC",
        "COLUMNS": COLUMNS,
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def normalized(text: str) -> str:
    """``text`` without trailing spaces and with the elapsed times of progress lines blanked."""
    return ELAPSED.sub(r"\1?s  ", "\n".join(line.rstrip() for line in text.strip("\n").splitlines()))


@pytest.mark.parametrize(
    "page", [p for p in SHELL_PAGES if CONSOLE.search(p.read_text())], ids=lambda p: p.name
)
def test_shell_examples_print_what_they_show(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command of the page prints what the page shows it printing."""
    env = shell_environment()
    setup: list[str] = []
    served: Emulated | None = None
    with contextlib.ExitStack() as stack:
        shell = stack.enter_context(docs_shell(monkeypatch, env))
        for command, expected in shell_examples(page):
            if ASSIGNMENT.match(command):
                assert not expected, f"{command!r} prints nothing"
                setup.append(command)
                shell.assign(command if served is None else served.real(command))
                continue
            if served is None and EMULATOR.match(command):
                served = stack.enter_context(emulated(command))
                assert normalized(served.shown(served.first_lines)) == normalized(expected)
                continue
            argv = cli_arguments(command if served is None else served.real(command), shell.variables)
            if argv is not None:
                actual = shell.run(argv)
            else:  # a shell's business: the installed script, in bash
                script = "\n".join([*setup, command])
                actual = subprocess.run(
                    ["bash", "-c", script if served is None else served.real(script)],
                    stdin=subprocess.DEVNULL,  # a command that asks (hosted --stop-all) finds no terminal
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env=env,
                    timeout=120,
                    check=False,
                ).stdout
            actual = actual if served is None else served.shown(actual)
            assert normalized(actual) == normalized(expected), f"$ {command}\n{actual}"


def test_the_autoscaling_picture_is_current() -> None:
    """docs/img/autoscaling-day.svg is what scripts/plot_autoscaling_day.py draws from the fake's day now."""
    script = runpy.run_path(str(ROOT / "scripts" / "plot_autoscaling_day.py"), run_name="plot")
    samples, fake = script["samples_of_the_day"]()
    assert len(samples) == 911  # 06:50 to 22:00, a sample a minute
    assert max(s.in_service or 0 for s in samples) == 4  # the noon peak, capped at the maximum
    assert (ROOT / "docs" / "img" / "autoscaling-day.svg").read_text() == script["svg"](samples)
    assert fake.requests_for("GetMetricData")


def test_the_calibration_picture_is_current() -> None:
    """docs/img/calibration.svg is what scripts/plot_calibration.py draws from its load test on the fake now."""
    script = runpy.run_path(str(ROOT / "scripts" / "plot_calibration.py"), run_name="plot")
    bins, samples, fake = script["load_test"]()
    assert len(bins) == script["minutes"]() * 6  # a bin every 10 s
    assert max(b.served for b in bins) == pytest.approx(15.0, abs=2.0)  # 3 units of 5, and a burst
    assert max(s.in_service or 0 for s in samples) == 3  # the maximum, reached
    assert (ROOT / "docs" / "img" / "calibration.svg").read_text() == script["svg"](bins, samples)
    assert fake.requests_for("GetMetricData")


TEXT = re.compile(r"^```text\n(\$ .*?)^```", re.DOTALL | re.MULTILINE)
NUMBER = re.compile(r"[0-9][0-9.,]*")


def masked(text: str) -> str:
    """``text`` with each number as ``N``, and the units as read from CloudWatch or the description alike.

    Whether the emulator's demo version has published a minute of units by the
    time calibrate reads them depends on the minute the emulator started in.
    """
    lines = [line for line in normalized(text).splitlines() if not line.startswith("aiocustomlabels: units:")]
    return NUMBER.sub("N", "\n".join(lines).replace("InServiceInferenceUnits", "MinInferenceUnits"))


def test_the_sizing_example_prints_what_it_shows_but_its_measures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sizing page's worked example, in-process on fast-forwarded time, against its emulator's fake: its lines, numbers aside."""
    page = ROOT / "docs" / "sizing.md"
    ((command, shown),) = shell_examples(page)
    (example,) = TEXT.findall(page.read_text())
    lines = example.splitlines()
    expected = "\n".join(line for line in lines if not line.startswith("$ "))
    argv = cli_arguments(command, {})
    assert argv is not None
    # The fake the page's emulator command serves, on the loop's time instead of the wall clock's.
    command_fake = emulator_command.emulated(build_parser()[0].parse_args(argv), clock=LoopClock())
    env = shell_environment()
    monkeypatch.chdir(tmp_path)
    printed = []
    with (
        fast_loop() as fast,
        fast.serving(command_fake.fake) as emulator,
        docs_shell(monkeypatch, env) as shell,
    ):
        served = Emulated(emulator.endpoint_url, "\n".join(command_fake.banner(emulator.endpoint_url)))
        assert normalized(served.shown(served.first_lines)) == normalized(shown)
        shell.loop = fast.run
        for line in [served.real(line[2:]) for line in lines if line.startswith("$ ")]:
            if ASSIGNMENT.match(line):
                shell.assign(line)
            elif (argv := cli_arguments(line, shell.variables)) is not None:
                printed.append(shell.run(argv))
            else:  # the image written: a shell's business
                subprocess.run(["bash", "-c", line], env=env, cwd=tmp_path, check=True, timeout=60)
    assert masked(served.shown("".join(printed))) == masked(expected), "".join(printed)
