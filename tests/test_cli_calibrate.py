"""The calibrate command: what it refuses before any load, its output, and a run against the emulator."""

from __future__ import annotations

import hashlib
import json
import math
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiocustomlabels import ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, ScaledClock, ThreadedEmulator
from tests._cli_support import (
    SCRIPT,
    InProcess,
    Terminal,
    default_signals,
    ended,
    environment,
    in_process_cli,
)

S = ProjectVersionStatus
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture(scope="module")
def emulator() -> Iterator[ThreadedEmulator]:
    """One emulator for the module, on real time (a bucket refills as time passes), 5 TPS per unit."""
    with ThreadedEmulator(FakeCustomLabels(clock=ScaledClock(), tps_per_unit=5.0)) as served:
        yield served


@pytest.fixture
def cli(
    emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcess:
    """The command line in this process, against the emulator."""
    return in_process_cli(monkeypatch, capsys, emulator.endpoint_url)


def version(
    emulator: ThreadedEmulator,
    request: pytest.FixtureRequest,
    status: ProjectVersionStatus = S.RUNNING,
    tps_per_unit: float | None = None,
) -> ProjectVersionArn:
    """A version of a project of the test's own, in ``status``, with 1 unit."""
    digest = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:8]
    project = emulator.fake.add_project(f"{re.sub(r'[^a-zA-Z0-9_.-]', '-', request.node.name)[:40]}-{digest}")
    return emulator.fake.add_version(
        project, "v1", status=status, min_inference_units=1, tps_per_unit=tps_per_unit
    )


def detects(emulator: ThreadedEmulator, arn: str) -> int:
    """DetectCustomLabels requests the emulator received for ``arn``."""
    return sum(
        1
        for r in emulator.fake.requests_for("DetectCustomLabels")
        if r.params.get("ProjectVersionArn") == arn
    )


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """A small JPEG-looking file."""
    path = tmp_path / "shelf.jpg"
    path.write_bytes(JPEG)
    return path


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--base-tps", "4"], "--base-tps and --peak-tps go together"),
        (["--peak-tps", "4"], "--base-tps and --peak-tps go together"),
        (["--base-tps", "9", "--peak-tps", "4"], r"--peak-tps \(4\) is below --base-tps \(9\)"),
        (["--price-per-unit-hour", "4"], "prices a recommendation"),
        (["--duration", "0"], "--duration: expected a number of seconds above 0"),
        (["--peak-tps", "-1", "--base-tps", "0"], "--peak-tps: expected requests a second, 0 or more"),
    ],
)
def test_bad_options_are_usage_errors_before_any_request(
    cli: InProcess,
    emulator: ThreadedEmulator,
    request: pytest.FixtureRequest,
    image: Path,
    extra: list[str],
    words: str,
) -> None:
    """Each bad combination: exit 2, the command's usage, the option named; nothing sent."""
    arn = version(emulator, request)
    before = len(emulator.fake.requests)
    done = cli("calibrate", arn, "--image", str(image), *extra)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("usage: aiocustomlabels calibrate")
    assert re.search(words, done.stderr), done.stderr
    assert len(emulator.fake.requests) == before


def test_a_missing_image_is_a_usage_error_naming_it(
    cli: InProcess, emulator: ThreadedEmulator, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """--image of a file that is not there: exit 2, the file named; nothing sent."""
    arn = version(emulator, request)
    missing = tmp_path / "nope.jpg"
    done = cli("calibrate", arn, "--image", str(missing))
    assert done.returncode == 2
    assert f"--image {missing}: No such file or directory" in done.stderr
    assert detects(emulator, arn) == 0


@pytest.mark.parametrize(("size", "shown"), [(0, "0 bytes"), (5 * 1024 * 1024 + 1, "5,242,881 bytes")])
def test_an_image_of_a_size_refused_is_a_usage_error(
    cli: InProcess,
    emulator: ThreadedEmulator,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    size: int,
    shown: str,
) -> None:
    """An empty image, or one above 5 MiB: exit 2, the file and its size named, and the limit."""
    arn = version(emulator, request)
    path = tmp_path / "big.jpg"
    path.write_bytes(b"\xff" * size)
    done = cli("calibrate", arn, "--image", str(path))
    assert done.returncode == 2
    assert (
        f"--image {path}: {shown}; DetectCustomLabels takes images of 1 byte to 5,242,880 bytes"
        in done.stderr
    )
    assert detects(emulator, arn) == 0


def test_a_version_name_is_not_enough(cli: InProcess, image: Path) -> None:
    """The version's ARN is needed: a name is a usage error showing the ARN's form."""
    done = cli("calibrate", "v1", "--image", str(image))
    assert done.returncode == 2
    assert "expected a version ARN, arn:aws:rekognition:REGION" in done.stderr


@pytest.mark.parametrize("status", [S.STOPPED, S.STARTING, S.TRAINING_COMPLETED])
def test_a_version_not_running_is_refused_without_load(
    cli: InProcess,
    emulator: ThreadedEmulator,
    request: pytest.FixtureRequest,
    image: Path,
    status: ProjectVersionStatus,
) -> None:
    """Not RUNNING: exit 1, one line saying so and what to do; no DetectCustomLabels sent."""
    arn = version(emulator, request, status)
    done = cli("calibrate", arn, "--image", str(image))
    assert done.returncode == 1
    assert done.stderr == f"aiocustomlabels: v1 is {status}, not RUNNING: start it first; no load was sent\n"
    assert detects(emulator, arn) == 0


def test_help_lists_calibrate(cli: InProcess) -> None:
    """The top-level help lists the command."""
    done = cli("--help", endpoint=False)
    assert "calibrate" in done.stdout


# -- the load, against the emulator on real time -------------------------------------------------------


def test_calibrate_as_a_script_finds_the_emulators_capacity_and_sizes_from_it(
    emulator: ThreadedEmulator, request: pytest.FixtureRequest, image: Path
) -> None:
    """10 s against 1 unit of 5 TPS: about 5 per unit (within 20 %), and units that follow from its own figure."""
    arn = version(emulator, request)
    done = subprocess.run(
        [SCRIPT, "calibrate", arn, "--image", str(image), "--duration", "10", "--base-tps", "4",
         "--peak-tps", "27", "--price-per-unit-hour", "4", "--output", "json",
         "--endpoint-url", emulator.endpoint_url],
        capture_output=True, text=True, env=environment(), timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    figure = result["tps_per_unit"]
    assert result["saturated"]
    assert figure == pytest.approx(5.0, rel=0.2)
    assert result["recommended"]["min_inference_units"] == math.ceil(4 / figure)
    assert result["recommended"]["max_inference_units"] == math.ceil(27 / figure)
    assert result["recommended"]["hourly_cost_at_peak"] == 4 * math.ceil(27 / figure)
    assert result["image_sizes"] == [len(JPEG)]
    assert sum(step["sent"] for step in result["steps"]) == detects(emulator, arn)


def test_the_table_says_how_the_figure_was_found(
    cli: InProcess, emulator: ThreadedEmulator, request: pytest.FixtureRequest, image: Path
) -> None:
    """The table's rows, in order; the units read from the description are said on stderr."""
    arn = version(emulator, request)
    done = cli(
        "calibrate", arn, "--image", str(image), "--duration", "4", "--base-tps", "1", "--peak-tps", "2"
    )
    assert done.returncode == 0, done.stderr
    names = [line[:13].strip() for line in done.stdout.splitlines()]
    assert names == ["version", "images", "units", "requests", "served", "tps per unit", "recommended"]
    assert f"images       1 ({len(JPEG)} bytes)" in done.stdout
    assert "MinInferenceUnits" in done.stderr


def test_a_capacity_never_reached_is_said_to_be_a_lower_bound(
    cli: InProcess, emulator: ThreadedEmulator, request: pytest.FixtureRequest, image: Path
) -> None:
    """A version that serves more than 3 s of load offers: exit 0, 'at least', and a warning to calibrate longer."""
    arn = version(emulator, request, tps_per_unit=10_000.0)
    done = cli("calibrate", arn, "--image", str(image), "--duration", "3")
    assert done.returncode == 0, done.stderr
    assert "never throttled: a lower bound" in done.stdout
    assert "at least" in done.stdout
    assert "the load never reached throttling: the figure is a lower bound. Calibrate longer" in done.stderr


def test_progress_on_a_terminal_is_a_line_redrawn_each_step(
    cli: InProcess,
    emulator: ThreadedEmulator,
    request: pytest.FixtureRequest,
    image: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a terminal, each step redraws the progress line (offered, served, throttled), ended by a newline."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    arn = version(emulator, request)
    done = cli("calibrate", arn, "--image", str(image), "--duration", "3")
    text = terminal.getvalue()
    assert done.returncode == 0, text
    assert text.count("\r\x1b[2K") == 3  # 3 s: a tail of 0.3 s, and three steps of 0.9 s
    assert "step 2: 2/s offered" in text
    assert text.endswith("\n")


def test_ctrl_c_stops_the_load_at_once_with_exit_130(
    emulator: ThreadedEmulator, request: pytest.FixtureRequest, image: Path
) -> None:
    """SIGINT once requests arrive: exit 130, 'interrupted', no traceback; nothing is sent after."""
    arn = version(emulator, request)
    with subprocess.Popen(
        [SCRIPT, "calibrate", arn, "--image", str(image), "--duration", "600", "--endpoint-url",
         emulator.endpoint_url],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment(),
        preexec_fn=default_signals,  # noqa: PLW1509 -- the child's default SIGINT, see default_signals
    ) as process:  # fmt: skip
        while detects(emulator, arn) < 3 and process.poll() is None:
            time.sleep(0.05)  # a poll of the emulator, not a measure of time
        process.send_signal(signal.SIGINT)
        out, err = ended(process)
    sent = detects(emulator, arn)
    assert process.returncode == 130, err
    assert err.splitlines()[-1] == "aiocustomlabels: interrupted"
    assert "Traceback" not in err
    assert out == ""
    time.sleep(1.0)  # a request still on its way would arrive in this time
    assert detects(emulator, arn) == sent
