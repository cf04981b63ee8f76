"""The calibrate command: what it refuses before any load, its output, and its load, on fast-forwarded time.

In this process on a looptime loop (``FastLoop``), against a fake on ``LoopClock``: routed
in-process, the figures are the same in every run. Only the Ctrl-C test runs on real time.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import math
import re
import signal
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import aiocustomlabels._client
from aiocustomlabels import ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, ScaledClock, ThreadedEmulator, in_process
from tests._cli_support import (
    FastLoop,
    InProcess,
    Terminal,
    ended,
    fast_loop,
    in_process_cli,
    popen,
)
from tests._harness import virtual_fake

S = ProjectVersionStatus
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
#: 20 s of load: 12 steps of 1.5 s from 1 request a second, doubling. The fourth offers 8 a second, 12
#: requests in 1.5 s, to a unit of 5 TPS whose bucket holds a burst of 5: the 12th, sent 1.375 s in,
#: finds less than a token (5 + 5 x 1.375 - 11 served). Throttled by construction, the load holds
#: 8 a second for the 9 steps left, from 4.5 s to 18 s, and the figure is measured over 12.1 s of them.
LOAD = ("--duration", "20")


@pytest.fixture
def fake() -> FakeCustomLabels:
    """A fake on the running loop's time, whose units serve 5 requests a second each."""
    return virtual_fake(tps_per_unit=5.0)


@pytest.fixture
def fast() -> Iterator[FastLoop]:
    """The test's looptime loop, which the commands run on; closed after the test."""
    with fast_loop() as loop:
        yield loop


@pytest.fixture
def cli(
    fake: FakeCustomLabels,
    fast: FastLoop,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[InProcess]:
    """The command line in this process, on the loop's fake time, routed in-process into ``fake``."""
    # The client reads CloudWatch's latest minute by the wall clock: the fake's time instead.
    monkeypatch.setattr(aiocustomlabels._client, "wall_clock", fake.now)
    with in_process(fake):
        yield in_process_cli(monkeypatch, capsys, None, fast=fast)


def running(
    fake: FakeCustomLabels,
    request: pytest.FixtureRequest,
    status: S = S.RUNNING,
    tps_per_unit: float | None = None,
) -> ProjectVersionArn:
    """A version of a project of the test's own, in ``status``, with 1 unit."""
    digest = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:8]
    project = fake.add_project(f"{re.sub(r'[^a-zA-Z0-9_.-]', '-', request.node.name)[:40]}-{digest}")
    return fake.add_version(project, "v1", status=status, min_inference_units=1, tps_per_unit=tps_per_unit)


def detections(fake: FakeCustomLabels, arn: str) -> int:
    """DetectCustomLabels requests the fake received for ``arn``."""
    return sum(1 for r in fake.requests_for("DetectCustomLabels") if r.params.get("ProjectVersionArn") == arn)


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """A small JPEG-looking file."""
    path = tmp_path / "shelf.jpg"
    path.write_bytes(JPEG)
    return path


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "No such file or directory"),
        (b"", "0 bytes; DetectCustomLabels takes images of 1 byte to 5,242,880 bytes"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "5,242,881 bytes; DetectCustomLabels takes images of 1 byte to"),
    ],
    ids=["missing", "empty", "too-large"],
)
def test_an_image_missing_or_of_a_refused_size_is_a_usage_error_before_any_request(
    cli: InProcess,
    fake: FakeCustomLabels,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    content: bytes | None,
    said: str,
) -> None:
    """An image missing, or of a size DetectCustomLabels refuses: exit 2, the usage, the file named; nothing sent."""
    arn = running(fake, request)
    path = tmp_path / "shelf.jpg"
    if content is not None:
        path.write_bytes(content)
    before = len(fake.requests)
    done = cli("calibrate", arn, "--image", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("usage: aiocustomlabels calibrate")
    assert f"--image {path}: {said}" in done.stderr
    assert len(fake.requests) == before


@pytest.mark.parametrize("status", [S.STOPPED, S.STARTING, S.TRAINING_COMPLETED])
def test_a_version_not_running_is_refused_without_load(
    cli: InProcess,
    fake: FakeCustomLabels,
    request: pytest.FixtureRequest,
    image: Path,
    status: ProjectVersionStatus,
) -> None:
    """Not RUNNING: exit 1, one line saying so and what to do; no DetectCustomLabels sent."""
    arn = running(fake, request, status)
    done = cli("calibrate", arn, "--image", str(image))
    assert done.returncode == 1
    assert done.stderr == f"aiocustomlabels: v1 is {status}, not RUNNING: start it first; no load was sent\n"
    assert detections(fake, arn) == 0


# -- the load, on fast-forwarded time ------------------------------------------------------------------


def calibrated_json(cli: InProcess, arn: str, image: Path, *extra: str) -> dict[str, Any]:
    """``calibrate ARN --image IMAGE`` of 20 s with a traffic of 4 to 27 a second, as JSON; it succeeded."""
    done = cli(
        "calibrate", arn, "--image", str(image), *LOAD, "--base-tps", "4", "--peak-tps", "27",
        "--price-per-unit-hour", "4", "--output", "json", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_calibrate_finds_the_fakes_capacity_and_sizes_from_it(
    cli: InProcess, fake: FakeCustomLabels, request: pytest.FixtureRequest, image: Path
) -> None:
    """20 s against 1 unit of 5 TPS: 5 per unit, to a request; units and cost that follow from it; every request once."""
    arn = running(fake, request)
    result = calibrated_json(cli, arn, image)
    figure = result["tps_per_unit"]
    assert result["saturated"]
    # In-process, a request takes no loop time: what the fake's bucket served over the measured
    # seconds is 5 a second, give or take the one token the bucket held or was refilling at its start.
    assert figure == pytest.approx(5.0, abs=1 / result["measured_seconds"])
    assert result["units"] == 1
    assert result["units_source"] == "MinInferenceUnits"
    assert result["recommended"]["min_inference_units"] == math.ceil(4 / figure) == 1
    assert result["recommended"]["max_inference_units"] == math.ceil(27 / figure) == 6
    assert result["recommended"]["hourly_cost_at_peak"] == 4 * 6
    assert result["image_sizes"] == [len(JPEG)]
    assert [step["offered_tps"] for step in result["steps"]] == [1, 2, 4, *[8] * 9]
    assert sum(step["sent"] for step in result["steps"]) == detections(fake, arn)


def test_calibrate_through_an_emulator_finds_its_capacity(
    fast: FastLoop,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    image: Path,
) -> None:
    """The same load over loopback HTTP, to an emulator on the loop: 5 per unit within 20 %, and its units."""
    fake = virtual_fake(tps_per_unit=5.0)
    arn = running(fake, request)
    with fast.serving(fake) as emulator:
        # Through a socket, looptime's time moves on a little while bytes are in flight: near, not exact.
        result = calibrated_json(
            in_process_cli(monkeypatch, capsys, emulator.endpoint_url, fast=fast), arn, image
        )
    figure = result["tps_per_unit"]
    assert result["saturated"]
    assert figure == pytest.approx(5.0, rel=0.2)
    assert result["recommended"]["max_inference_units"] == math.ceil(27 / figure)
    assert sum(step["sent"] for step in result["steps"]) == detections(fake, arn)


def test_the_table_says_how_the_figure_was_found(
    cli: InProcess, fake: FakeCustomLabels, request: pytest.FixtureRequest, image: Path
) -> None:
    """docs/sizing.md's load and traffic: its table's rows and figures; the units' source said on stderr."""
    arn = running(fake, request)
    done = cli(
        "calibrate", arn, "--image", str(image), *LOAD, "--base-tps", "4", "--peak-tps", "27",
        "--price-per-unit-hour", "4",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {line[:13].strip(): line[13:] for line in done.stdout.splitlines()}
    assert rows == {
        "version": arn,
        "images": f"1 ({len(JPEG)} bytes)",
        "units": "1 (MinInferenceUnits)",
        # In-process, the load's time is the loop's alone: these figures in every run, the page's.
        "requests": "119 sent, 37 throttled",
        "served": "4.95 requests/s sustained, over 12.1 s after throttling began",
        "tps per unit": "4.95",
        "recommended": "MinInferenceUnits 1, MaxInferenceUnits 6 (base 4/s, peak 27/s)",
        "hourly cost": "4.00 at base, 24.00 at peak (at 4 per inference-unit hour)",
    }
    assert list(rows)[-2:] == ["recommended", "hourly cost"]  # the order of the rest, as the dict's
    assert detections(fake, arn) == 119
    assert done.stderr.startswith(
        "aiocustomlabels: units: 1, the version's MinInferenceUnits: CloudWatch had no"
    )


def test_a_capacity_never_reached_is_said_to_be_a_lower_bound(
    cli: InProcess, fake: FakeCustomLabels, request: pytest.FixtureRequest, image: Path
) -> None:
    """A version that serves more than 3 s of load offers: exit 0, 'at least', and a warning to calibrate longer."""
    arn = running(fake, request, tps_per_unit=10_000.0)
    done = cli("calibrate", arn, "--image", str(image), "--duration", "3")
    assert done.returncode == 0, done.stderr
    assert "never throttled: a lower bound" in done.stdout
    assert "tps per unit 4.44 at least" in done.stdout  # the busiest step: 4 served in 0.9 s
    assert "the load never reached throttling: the figure is a lower bound. Calibrate longer" in done.stderr
    assert detections(fake, arn) == 1 + 2 + 4  # 0.9 s steps at 1, 2 and 4 a second, each request a whole one


def test_progress_on_a_terminal_is_a_line_redrawn_each_step(
    cli: InProcess,
    fake: FakeCustomLabels,
    request: pytest.FixtureRequest,
    image: Path,
) -> None:
    """On a terminal, each step redraws the progress line (offered, served, throttled), ended by a newline."""
    terminal = Terminal()
    arn = running(fake, request)
    done = cli("calibrate", arn, "--image", str(image), "--duration", "3", stderr=terminal)
    text = terminal.getvalue()
    assert done.returncode == 0, text
    assert text.count("\r\x1b[2K") == 3  # 3 s: a tail of 0.3 s, and three steps of 0.9 s
    assert "step 2: 2/s offered" in text
    assert text.endswith("\n")


# -- Ctrl-C, as a script against an emulator on real time: a signal is sent -----------------------------


@pytest.fixture
def emulator() -> Iterator[ThreadedEmulator]:
    """An emulator thread on real time, 5 TPS per unit: the script's load runs on the machine's clock."""
    with ThreadedEmulator(FakeCustomLabels(clock=ScaledClock(), tps_per_unit=5.0)) as served:
        yield served


def answered(emulator: ThreadedEmulator) -> None:
    """One request to the emulator, and its answer: whatever reached its socket before is recorded by then."""
    url = urllib.parse.urlsplit(emulator.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request(
            "POST", "/", body=b"{}", headers={"X-Amz-Target": "RekognitionService.DescribeProjects"}
        )
        connection.getresponse().read()
    finally:
        connection.close()


def test_ctrl_c_stops_the_load_at_once_with_exit_130(
    emulator: ThreadedEmulator, request: pytest.FixtureRequest, image: Path
) -> None:
    """SIGINT once requests arrive: exit 130, 'interrupted', no traceback; nothing is sent after."""
    arn = running(emulator.fake, request)
    with popen(
        "calibrate", arn, "--image", str(image), "--duration", "600", "--endpoint-url", emulator.endpoint_url
    ) as process:
        while detections(emulator.fake, arn) < 3 and process.poll() is None:
            time.sleep(0.05)  # a poll of the emulator, not a measure of time
        process.send_signal(signal.SIGINT)
        out, err = ended(process)
    sent = detections(emulator.fake, arn)
    assert process.returncode == 130, err
    assert err.splitlines()[-1] == "aiocustomlabels: interrupted"
    assert "Traceback" not in err
    assert out == ""
    answered(emulator)  # a request still on its way is counted by the time a later one is answered
    assert detections(emulator.fake, arn) == sent
