"""``python -m aiocustomlabels emulator`` and ``demo``, run as the user runs them.

The emulator runs in a process of its own (it serves until a signal); the demo
runs in-process, on fake time that moves with its requests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator

import attrs
import boto3
import pytest

from aiocustomlabels._cli import build_parser
from aiocustomlabels._cli._emulator import DEMO_VERSIONS
from aiocustomlabels._cli._emulator import emulated as emulated_by
from aiocustomlabels.testing import LoopClock, ScaledClock, StepClock, VirtualClock
from tests._cli_support import default_signals, in_process_cli
from tests._fake_support import CREDENTIALS, REGION

LISTENING = re.compile(r"^Custom Labels emulator listening on (http://([0-9.]+):(\d+))$")
DEMO_PROJECT = re.compile(r"^Demo project: (arn:\S+)$")
PROGRESS = re.compile(r"^\s+[0-9.]+s\s+([A-Z_]+)$")


class Lines:
    """A process's lines, read from its file descriptor (no Python buffer hides one) with a timeout."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self._fd = process.stdout.fileno()
        self._buffer = b""

    def next(self, timeout: float = 30.0) -> str:
        """The next line, without its newline."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                if not selector.select(timeout):
                    pytest.fail(f"no output within {timeout} s")
                chunk = os.read(self._fd, 4096)
                if not chunk:
                    pytest.fail(f"the process ended its output after {self._buffer!r}")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode()

    def rest(self, process: subprocess.Popen[bytes]) -> tuple[str, str]:
        """Wait for the process to end; everything else it wrote to stdout, and its stderr."""
        out, err = process.communicate(timeout=30)
        return (self._buffer + out).decode(), err.decode()


@attrs.frozen(kw_only=True)
class Running:
    """An emulator process, its stdout, and what it printed first: its URL, the URL's host, the demo project."""

    process: subprocess.Popen[bytes]
    lines: Lines
    endpoint_url: str
    host: str
    project_arn: str


@contextlib.contextmanager
def emulator_command() -> Iterator[Running]:
    """``python -m aiocustomlabels emulator --port 0 --seed demo``, started, its first lines read."""
    command = [sys.executable, "-m", "aiocustomlabels", "emulator", "--port", "0", "--seed", "demo"]
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        preexec_fn=default_signals,  # noqa: PLW1509 -- the child's default SIGINT, see default_signals
    ) as process:
        try:
            lines = Lines(process)
            listening = LISTENING.match(lines.next())
            project = DEMO_PROJECT.match(lines.next())
            assert listening is not None
            assert project is not None
            yield Running(
                process=process,
                lines=lines,
                endpoint_url=listening[1],
                host=listening[2],
                project_arn=project[1],
            )
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)


@pytest.fixture(scope="module")
def served() -> Iterator[Running]:
    """One emulator process for the tests that only talk to it."""
    with emulator_command() as running:
        yield running


@pytest.fixture
def emulator_process() -> Iterator[Running]:
    """An emulator process of its own, for a test that ends it."""
    with emulator_command() as running:
        yield running


def test_emulator_binds_loopback_by_default(served: Running) -> None:
    """Without --host the emulator listens on 127.0.0.1 only, on the free port it picked."""
    assert served.host == "127.0.0.1"
    assert int(served.endpoint_url.rsplit(":", 1)[1]) > 0


def test_emulator_serves_the_demo_project(served: Running) -> None:
    """boto3 pointed at the emulator describes the demo project's five versions, newest first."""
    client = boto3.client("rekognition", region_name=REGION, endpoint_url=served.endpoint_url, **CREDENTIALS)
    try:
        response = client.describe_project_versions(ProjectArn=served.project_arn)
    finally:
        client.close()
    described = [
        (d["ProjectVersionArn"].split("/version/")[1].split("/")[0], d["Status"])
        for d in response["ProjectVersionDescriptions"]
    ]
    assert described == [(name, status.value) for name, status, _, _ in reversed(DEMO_VERSIONS)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_emulator_stops_cleanly_on_signal(emulator_process: Running, signum: signal.Signals) -> None:
    """SIGINT or SIGTERM: the emulator says it is stopping and exits 0."""
    emulator_process.process.send_signal(signum)
    out, err = emulator_process.lines.rest(emulator_process.process)
    assert emulator_process.process.returncode == 0, err
    assert "Stopping the emulator." in out.splitlines()


def test_demo_starts_runs_and_stops(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo`` on fake time of a second per request: the version goes STARTING, RUNNING, then STOPPED."""
    cli = in_process_cli(monkeypatch, capsys, None)
    done = cli("demo", "--seconds-per-request", "1", "--start-seconds", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    began = next(i for i, line in enumerate(lines) if line.startswith("Starting "))
    statuses = [m[1] for line in lines[began:] if (m := PROGRESS.match(line))]
    assert statuses == ["TRAINING_COMPLETED", "STARTING", "RUNNING", "RUNNING", "STOPPED"]


# -- the fake the command serves, from its arguments, without a process ------------------------------


def emulator_args(*argv: str) -> argparse.Namespace:
    """``aiocustomlabels emulator ARGV``, parsed as the command line parses it."""
    return build_parser()[0].parse_args(["emulator", *argv])


def test_the_emulators_fake_follows_its_arguments_on_the_clock_given() -> None:
    """--tps-per-unit and the lifecycle's seconds make the fake; a clock given is its clock; the banner names the demo project."""
    clock = LoopClock()
    emulated = emulated_by(
        emulator_args("--tps-per-unit", "7", "--start-seconds", "2", "--stop-seconds", "1"), clock=clock
    )
    assert (emulated.fake.tps_per_unit, emulated.fake.start_seconds, emulated.fake.stop_seconds) == (7, 2, 1)
    assert emulated.fake.clock is clock
    listening, held = emulated.banner("http://127.0.0.1:4566")
    assert LISTENING.match(listening)
    match = DEMO_PROJECT.match(held)
    assert match is not None
    assert emulated.fake.call("DescribeProjects", {})["ProjectDescriptions"][0]["ProjectArn"] == match[1]


@pytest.mark.parametrize(
    ("argv", "clock"),
    [([], ScaledClock), (["--seconds-per-request", "1"], StepClock), (["--seed", "day"], VirtualClock)],
)
def test_the_emulators_clock_without_one_given_is_its_arguments(argv: list[str], clock: type) -> None:
    """Real time by default, a step a request with --seconds-per-request, and the day's standing clock."""
    assert isinstance(emulated_by(emulator_args(*argv)).fake.clock, clock)


def test_the_day_keeps_its_clock_and_an_empty_seed_holds_nothing() -> None:
    """--seed day stands at the day's end whatever clock is given; --seed none names nothing held."""
    assert isinstance(emulated_by(emulator_args("--seed", "day"), clock=LoopClock()).fake.clock, VirtualClock)
    empty = emulated_by(emulator_args("--seed", "none"), clock=LoopClock())
    assert empty.held == ()
    assert empty.fake.call("DescribeProjects", {})["ProjectDescriptions"] == []
