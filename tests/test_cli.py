"""The command line, end to end: the installed console script against the loopback emulator."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiocustomlabels import ProjectArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, ScaledClock, ThreadedEmulator

S = ProjectVersionStatus
SCRIPT = str(Path(sys.executable).with_name("aiocustomlabels"))


@pytest.fixture(scope="module")
def emulator() -> Iterator[ThreadedEmulator]:
    """One emulator for the module; its time runs 100 times faster than real time."""
    fake = FakeCustomLabels(clock=ScaledClock(100.0), start_seconds=100.0, stop_seconds=50.0)
    with ThreadedEmulator(fake) as served:
        yield served


@pytest.fixture
def project(emulator: ThreadedEmulator, request: pytest.FixtureRequest) -> ProjectArn:
    """A project of its own for each test, with v1 (STOPPED), v2 (TRAINING_FAILED) and v3 (RUNNING)."""
    fake = emulator.fake
    arn = fake.add_project(request.node.name.replace("[", "-").replace("]", "")[:60])
    fake.add_version(arn, "v1", status=S.STOPPED)
    fake.add_version(arn, "v2", status=S.TRAINING_FAILED, status_message="The manifest has no labels.")
    fake.add_version(arn, "v3", status=S.RUNNING, min_inference_units=2, max_inference_units=4)
    return arn


def environment() -> dict[str, str]:
    """The environment of a run: dummy credentials, no AWS configuration files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/nonexistent/config",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/credentials",
    )
    return env


def cli(emulator: ThreadedEmulator, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the console script against the emulator."""
    return subprocess.run(
        [SCRIPT, *args, "--endpoint-url", emulator.endpoint_url],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=timeout,
        check=False,
    )


FAST = ("--min-delay", "0.05", "--max-delay", "0.2")


def test_versions_table_streams_every_version(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """The versions command prints a header and one row per version, newest first, with status, units and F1."""
    done = cli(emulator, "versions", project, "--page-size", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "UNITS", "CREATED", "F1"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["v3", "RUNNING", "2..4"],
        ["v2", "TRAINING_FAILED", "-"],
        ["v1", "STOPPED", "-"],
    ]
    assert all(line.split()[-1].startswith("0.") for line in lines[1:])
    assert len(emulator.fake.requests_for("DescribeProjectVersions")) >= 2


def test_versions_json_is_one_document(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """--output json prints one JSON array of descriptions in the service's member names."""
    done = cli(emulator, "versions", project, "--output", "json")
    assert done.returncode == 0, done.stderr
    versions = json.loads(done.stdout)
    assert [v["Status"] for v in versions] == ["RUNNING", "TRAINING_FAILED", "STOPPED"]
    assert versions[0]["MaxInferenceUnits"] == 4


def test_versions_jsonl_with_filter(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """--output jsonl prints a JSON object per line; --version-name filters."""
    done = cli(
        emulator, "versions", project, "--output", "jsonl", "--version-name", "v1", "--version-name", "v3"
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["Status"] for line in done.stdout.splitlines()] == ["RUNNING", "STOPPED"]


def test_versions_json_of_nothing_is_an_empty_array(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """An empty listing in JSON is still valid JSON."""
    done = cli(emulator, "versions", project, "--output", "json", "--version-name", "nope")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_global_options_go_before_the_command(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """--endpoint-url and --region are accepted before the command too, as the AWS CLI accepts them."""
    done = subprocess.run(
        [SCRIPT, "--region", "us-east-1", "--endpoint-url", emulator.endpoint_url, "versions", project],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_unknown_project_is_exit_1_without_traceback(emulator: ThreadedEmulator) -> None:
    """A service error exits 1 with the code and message on stderr, and no traceback."""
    done = cli(emulator, "versions", "arn:aws:rekognition:us-east-1:111122223333:project/none/1")
    assert done.returncode == 1
    assert "ResourceNotFoundException" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("versions", "not-an-arn"),
        ("versions", "PROJECT", "--page-size", "0"),
        ("versions", "PROJECT", "--output", "xml"),
        ("start", "v1", "--min-units", "1"),
        ("start", "v1", "--project-arn", "PROJECT", "--min-units", "0"),
        ("start", "v1", "--project-arn", "PROJECT", "--min-units", "3", "--max-units", "2"),
        ("start", "v1", "--project-arn", "PROJECT"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(emulator: ThreadedEmulator, project: ProjectArn, args: tuple[str, ...]) -> None:
    """Bad arguments exit 2 with a usage message, and nothing is started."""
    done = cli(emulator, *(project if a == "PROJECT" else a for a in args))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "usage:" in done.stderr
    assert "Traceback" not in done.stderr


def test_start_without_wait_prints_the_status(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """The start command sends Min and Max units as given and prints STARTING."""
    done = cli(emulator, "start", "v1", "--project-arn", project, "--min-units", "1", "--max-units", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "v1: STARTING"
    starts = [
        r
        for r in emulator.fake.requests_for("StartProjectVersion")
        if project.project_name in r.params["ProjectVersionArn"]
    ]
    assert [(r.params["MinInferenceUnits"], r.params.get("MaxInferenceUnits")) for r in starts] == [(1, 3)]


def test_start_by_version_arn_without_project(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """A version ARN is enough to start without waiting: no project ARN is needed."""
    (arn,) = [str(a) for a in emulator.fake._versions if f"/{project.project_name}/version/v1/" in a]
    done = cli(emulator, "start", arn, "--min-units", "1")
    assert done.returncode == 0, done.stderr
    assert "STARTING" in done.stdout


def test_start_wait_prints_a_line_per_change(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """With --wait and no terminal, progress is one line per status change on stderr; the result on stdout."""
    done = cli(emulator, "start", "v1", "--project-arn", project, "--min-units", "1", "--wait", *FAST)
    assert done.returncode == 0, done.stderr
    assert [line.split()[-1] for line in done.stderr.splitlines()] == ["STOPPED", "STARTING", "RUNNING"]
    assert done.stdout.split()[:2] == ["v1", "RUNNING"]
    assert "\r" not in done.stderr


def test_start_of_a_failed_version_is_exit_1_with_reason(
    emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """A version that cannot start exits 1 and says why, with the service's status message."""
    done = cli(emulator, "start", "v2", "--project-arn", project, "--min-units", "1", "--wait", *FAST)
    assert done.returncode == 1
    assert "TRAINING_FAILED" in done.stderr
    assert "The manifest has no labels." in done.stderr


def test_wait_timeout_is_exit_3(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """A wait that outlasts --timeout exits 3."""
    done = cli(
        emulator,
        "start",
        "v1",
        "--project-arn",
        project,
        "--min-units",
        "1",
        "--wait",
        "--timeout",
        "0.2",
        *FAST,
    )
    assert done.returncode == 3, done.stderr
    assert "timed out" in done.stderr


def test_stop_wait_reaches_stopped(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """The stop command with --wait stops a RUNNING version and prints it STOPPED."""
    done = cli(emulator, "stop", "v3", "--project-arn", project, "--wait", *FAST)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["v3", "STOPPED"]
    assert [line.split()[-1] for line in done.stderr.splitlines()] == ["RUNNING", "STOPPING", "STOPPED"]


def test_ctrl_c_during_wait_is_exit_130(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """SIGINT during a wait stops the wait cleanly and exits 130, without a traceback."""
    with subprocess.Popen(
        [
            SCRIPT,
            "start",
            "v1",
            "--project-arn",
            project,
            "--min-units",
            "1",
            "--wait",
            *FAST,
            "--endpoint-url",
            emulator.endpoint_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    ) as process:
        assert process.stderr is not None
        first = process.stderr.readline()  # the first status: the wait is under way
        assert "STOPPED" in first
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted" in err
    assert "Traceback" not in err


def test_tty_progress_line_redraws(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """On a terminal the progress line is redrawn in place and shows elapsed time and the next poll."""
    fake = emulator.fake
    arn = fake.add_project(f"{project.project_name[:40]}-tty")
    fake.add_version(arn, "slow", status=S.STOPPED, start_seconds=250.0)  # 2.5 s of real time
    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            [
                SCRIPT,
                "start",
                "slow",
                "--project-arn",
                arn,
                "--min-units",
                "1",
                "--wait",
                "--min-delay",
                "0.2",
                "--max-delay",
                "0.4",
                "--endpoint-url",
                emulator.endpoint_url,
            ],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=environment(),
        ) as process:
            os.close(terminal)
            terminal = -1
            output = b""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                ready, _, _ = select.select([controller], [], [], 1.0)
                if ready:
                    try:
                        chunk = os.read(controller, 4096)
                    except OSError:  # the terminal closed: the process is done
                        break
                    if not chunk:
                        break
                    output += chunk
                elif process.poll() is not None:
                    break
            process.wait(timeout=30)
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text
    assert "\r\x1b[2K" in text
    assert "elapsed" in text
    assert "next poll in" in text
    assert "RUNNING" in text


def test_debug_logs_botocore(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """--debug turns on botocore's debug logging, on stderr."""
    done = cli(emulator, "versions", project, "--debug")
    assert done.returncode == 0
    assert "botocore" in done.stderr
    assert "DEBUG" in done.stderr


def test_help_exits_0() -> None:
    """--help prints the commands and exits 0."""
    done = subprocess.run([SCRIPT, "--help"], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0
    for command in ("versions", "start", "stop", "emulator", "demo"):
        assert command in done.stdout


def test_module_entry_point_matches_script() -> None:
    """Running the package as a module gives the same command line."""
    done = subprocess.run(
        [sys.executable, "-m", "aiocustomlabels", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    assert "versions" in done.stdout


def test_import_stays_light() -> None:
    """Importing aiocustomlabels loads neither the command line nor the fake service nor aiohttp.web."""
    probe = (
        "import sys, aiocustomlabels\n"
        "heavy = [m for m in ('aiocustomlabels._cli', 'aiocustomlabels.testing', 'aiohttp.web', 'argparse') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ("versions", "PROJECT"),
        ("start", "v1", "--project-arn", "PROJECT", "--min-units", "1", "--wait", *FAST),
        ("stop", "v1", "--project-arn", "PROJECT", "--wait", *FAST),
    ],
)
def test_operator_commands_never_import_the_test_tooling(
    emulator: ThreadedEmulator, project: ProjectArn, args: tuple[str, ...]
) -> None:
    """versions, start and stop run without importing aiocustomlabels.testing (nor aiohttp.web)."""
    argv = [str(project) if a == "PROJECT" else a for a in args] + ["--endpoint-url", emulator.endpoint_url]
    probe = (
        "import sys\n"
        "from aiocustomlabels._cli import main\n"
        f"code = main({argv!r})\n"
        "loaded = [m for m in ('aiocustomlabels.testing', 'aiohttp.web') if m in sys.modules]\n"
        "print('LOADED', loaded, code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1:] == ["LOADED [] 0"], (done.stdout, done.stderr)
