"""The command line, end to end against the loopback emulator: in-process, or as the installed script.

Most tests call ``main(argv)`` in this process; a subprocess runs only what needs
a process of its own: the installed script, exit codes and no traceback as a
shell sees them, a closed pipe, Ctrl-C, --debug's logging, a busy port. The
emulator's fake runs on a ``StepClock``: its time moves a second per request,
so a lifecycle reads the same however fast the machine runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import re
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import aiocustomlabels
import aiocustomlabels._cli as _main
from aiocustomlabels import ProjectArn, ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels._cli._output import billing_note
from aiocustomlabels.testing import FakeCustomLabels, StepClock, ThreadedEmulator
from tests._cli_support import (
    FAST,
    SCRIPT,
    Done,
    InProcess,
    Terminal,
    ended,
    environment,
    in_process_cli,
    popen,
    script,
)

S = ProjectVersionStatus


@pytest.fixture(scope="module")
def emulator() -> Iterator[ThreadedEmulator]:
    """One emulator for the module; its time moves a second per request: starts take 3, stops 2."""
    fake = FakeCustomLabels(clock=StepClock(1.0), start_seconds=3.0, stop_seconds=2.0)
    with ThreadedEmulator(fake) as served:
        yield served


@pytest.fixture
def project(emulator: ThreadedEmulator, request: pytest.FixtureRequest) -> ProjectArn:
    """A project of its own for each test, with v1 (STOPPED), v2 (TRAINING_FAILED) and v3 (RUNNING)."""
    fake = emulator.fake
    # Names of at most 60 characters, distinct for every test and parameter.
    digest = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:8]
    arn = fake.add_project(f"{re.sub(r'[^a-zA-Z0-9_.-]', '-', request.node.name)[:50]}-{digest}")
    fake.add_version(arn, "v1", status=S.STOPPED)
    fake.add_version(arn, "v2", status=S.TRAINING_FAILED, status_message="The manifest has no labels.")
    fake.add_version(arn, "v3", status=S.RUNNING, min_inference_units=2, max_inference_units=4)
    return arn


@pytest.fixture
def cli(
    emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcess:
    """The command line in this process, against the emulator."""
    return in_process_cli(monkeypatch, capsys, emulator.endpoint_url)


def version_of(emulator: ThreadedEmulator, project: ProjectArn, name: str) -> ProjectVersionArn:
    """The ARN of the project's version of that name."""
    (arn,) = [a for a in emulator.fake._versions if f"/{project.project_name}/version/{name}/" in a]
    return ProjectVersionArn(arn)


def test_versions_table_streams_every_version(
    cli: InProcess, emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """Versions prints a header and a row per version, newest first, with status, units and F1; or the header alone."""
    done = cli("versions", project, "--page-size", "2")
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
    # No version of the names asked for: the table is its header alone, exit 0.
    done = cli("versions", project, "--version-name", "nope")
    assert (done.returncode, done.stdout.split()) == (0, ["NAME", "STATUS", "UNITS", "CREATED", "F1"])


@pytest.mark.parametrize(
    ("args", "statuses"),
    [
        (("--output", "json"), ["RUNNING", "TRAINING_FAILED", "STOPPED"]),
        (("--output", "jsonl", "--version-name", "v1", "--version-name", "v3"), ["RUNNING", "STOPPED"]),
        (("--output", "json", "--version-name", "nope"), []),
    ],
)
def test_versions_as_json(
    cli: InProcess, project: ProjectArn, args: tuple[str, ...], statuses: list[str]
) -> None:
    """Json is one array (empty for nothing), jsonl an object a line, in the service's names; --version-name filters."""
    done = cli("versions", project, *args)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    versions = json.loads(done.stdout) if "json" in args else [json.loads(line) for line in lines]
    assert [v["Status"] for v in versions] == statuses
    assert not versions or versions[0]["MaxInferenceUnits"] == 4


def test_global_options_go_before_the_command(
    cli: InProcess, emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """--endpoint-url and --region are accepted before the command too, as the AWS CLI accepts them."""
    done = cli(
        "--region", "us-east-1", "--endpoint-url", emulator.endpoint_url, "versions", project, endpoint=False
    )
    assert done.returncode == 0, done.stderr


def test_bad_input_is_exit_2_without_traceback_in_a_shell() -> None:
    """As a shell sees it: a bad argument is the usage and one error line, exit 2, no traceback."""
    done = script("start", "v1", "--min-inference-units", "abc")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: aiocustomlabels start")
    assert len(done.stderr.split(": error: ")) == 2
    assert "Traceback" not in done.stderr


OTHER_VERSION = "arn:aws:rekognition:us-east-1:111122223333:project/other/version/v1/1700000000001"
START = "start v1 --project-arn PROJECT"
WAIT = "stop v3 --project-arn PROJECT --wait"
#: No image is read before the options are checked: the file need not exist.
CALIBRATE = f"calibrate {OTHER_VERSION} --image nope.jpg"


# docs/cli.md's examples show two more, checked by tests/test_docs.py: a units value not a number,
# and a version name without --project-arn.
@pytest.mark.parametrize(
    ("argv", "named"),
    [
        ("versions not-an-arn", ("PROJECT_ARN", "'not-an-arn'", "project/PROJECT_NAME/NUMBER")),
        ("versions PROJECT --page-size 0", ("--page-size", "'0'", "1 to 100")),
        ("versions PROJECT --output xml", ("--output", "'xml'", "'jsonl'")),
        ("versions PROJECT --version-name 'v 1'", ("--version-name", "'v 1'")),
        (f"{START} --min-inference-units 0", ("--min-inference-units", "'0'")),
        (f"{START} --min-units 1.5", ("--min-inference-units", "'1.5'")),
        (
            f"{START} --min-units 3 --max-units 2",
            ("--max-inference-units (2) is below --min-inference-units (3)",),
        ),
        (START, ("--min-inference-units",)),
        (f"{START} --min-units 1 --wait --timeout soon", ("--timeout", "'soon'")),
        ("start v1 --project-arn nope --min-inference-units 1", ("--project-arn", "'nope'")),
        ("stop v/1 --project-arn PROJECT", ("VERSION", "'v/1'")),
        (
            "stop arn:aws:rekognition:v1 --project-arn PROJECT",
            ("VERSION", "'arn:aws:rekognition:v1'", "/version/NAME/"),
        ),
        (f"{WAIT} --min-delay 0", ("--min-delay", "'0'", "above 0")),
        (f"{WAIT} --max-delay soon", ("--max-delay", "'soon'")),
        (f"{WAIT} --min-delay 5 --max-delay 1", ("--min-delay and --max-delay",)),
        (f"stop {OTHER_VERSION} --project-arn PROJECT", ("is not in project",)),
        ("emulator --port 99999", ("--port", "'99999'")),
        ("demo --start-seconds -1", ("--start-seconds", "'-1'")),
        ("frobnicate", ("'frobnicate'",)),
        (
            "start v1 --min-units 1",
            ("--project-arn is needed with a version name ('v1')", "project/PROJECT_NAME/"),
        ),
        (f"units {OTHER_VERSION} --since '3 hours'", ("--since", "'3 hours'")),
        (f"units {OTHER_VERSION} --start yesterday", ("--start", "'yesterday'")),
        (f"units {OTHER_VERSION} --start 2026-11-26T11:00", ("--start", "offset")),
        (f"units {OTHER_VERSION} --period 90", ("--period", "'90'")),
        (f"units {OTHER_VERSION} --period abc", ("--period", "'abc'")),
        (f"units {OTHER_VERSION} --output svg", ("--output", "'svg'")),
        (
            f"units {OTHER_VERSION} --start 2026-11-26T12:00Z --end 2026-11-26T11:00Z",
            ("must come before --end (2026-11-26T11:00:00+00:00)",),
        ),
        ("calibrate v1 --image x.jpg", ("expected a version ARN, arn:aws:rekognition:REGION",)),
        (f"{CALIBRATE} --base-tps 4", ("--base-tps and --peak-tps go together",)),
        (f"{CALIBRATE} --peak-tps 4", ("--base-tps and --peak-tps go together",)),
        (f"{CALIBRATE} --base-tps 9 --peak-tps 4", ("--peak-tps (4) is below --base-tps (9)",)),
        (f"{CALIBRATE} --price-per-unit-hour 4", ("prices a recommendation",)),
        (f"{CALIBRATE} --duration 0", ("--duration: expected a number of seconds above 0",)),
        (f"{CALIBRATE} --peak-tps -1 --base-tps 0", ("--peak-tps: expected requests a second, 0 or more",)),
        ("hosted --stop-all", ("add --yes to stop without asking",)),
    ],
)
def test_usage_errors_show_the_commands_usage_and_name_the_option_and_value(
    cli: InProcess,
    emulator: ThreadedEmulator,
    project: ProjectArn,
    argv: str,
    named: tuple[str, ...],
) -> None:
    """A bad argument exits 2 with the subcommand's usage and a line naming the option and the value."""
    args = shlex.split(argv.replace("PROJECT", project))
    before = len(emulator.fake.requests)
    done = cli(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    command = args[0] if args[0] != "frobnicate" else ""
    assert done.stderr.startswith(f"usage: aiocustomlabels {command}".rstrip()), done.stderr
    error = done.stderr.splitlines()[-1]
    assert error.startswith(f"aiocustomlabels {command}".rstrip() + ": error: "), error
    for word in named:
        assert word in error, error
    assert "invalid int value" not in error
    assert "Traceback" not in done.stderr
    assert len(emulator.fake.requests) == before


def starts_of(emulator: ThreadedEmulator, project: ProjectArn) -> list[tuple[int, int | None]]:
    """The (Min, Max) units of each StartProjectVersion of the project's versions."""
    starts = emulator.fake.requests_for("StartProjectVersion")
    params = [r.params for r in starts if project.project_name in r.params["ProjectVersionArn"]]
    return [(p["MinInferenceUnits"], p.get("MaxInferenceUnits")) for p in params]


@pytest.mark.parametrize(
    ("argv", "said", "sent"),
    [
        ("start v1 -p --min-inference-units 1 --max-inference-units 3", "v1: STARTING", [(1, 3)]),
        ("start v1 -p --min-units 1 --max-units 2", "v1: STARTING", [(1, 2)]),
        ("start V1 --min-units 1", "v1: STARTING", [(1, None)]),
        ("stop v3 -p", "v3: STOPPING", []),
    ],
    ids=["units", "aliases", "by-version-arn", "stop"],
)
def test_start_or_stop_without_wait_prints_the_status(
    cli: InProcess, emulator: ThreadedEmulator, project: ProjectArn, argv: str, said: str, sent: list[object]
) -> None:
    """Start sends the units as given (--min-units, --max-units alike; a version ARN needs no project), stop too."""
    done = cli(
        *argv.replace("-p", f"--project-arn {project}")
        .replace("V1", version_of(emulator, project, "v1"))
        .split()
    )
    assert (done.returncode, done.stdout.strip()) == (0, said), done.stderr
    assert starts_of(emulator, project) == sent


@pytest.mark.parametrize(
    ("argv", "statuses"),
    [
        ("start v1 --min-units 1", ["STOPPED", "STARTING", "RUNNING"]),
        ("stop v3", ["RUNNING", "STOPPING", "STOPPED"]),
    ],
)
def test_a_wait_prints_a_line_per_change(
    cli: InProcess, project: ProjectArn, argv: str, statuses: list[str]
) -> None:
    """With --wait and no terminal, progress is one line per status change on stderr; the row at the end on stdout."""
    done = cli(*argv.split(), "--project-arn", project, "--wait", *FAST)
    assert done.returncode == 0, done.stderr
    assert [line.split()[-1] for line in done.stderr.splitlines()] == statuses
    assert done.stdout.split()[:2] == [argv.split()[1], statuses[-1]]
    assert "\r" not in done.stderr


def test_start_of_a_failed_version_is_exit_1_with_reason(
    cli: InProcess, emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """A version that cannot start exits 1 and says why, with the service's status message."""
    done = cli("start", "v2", "--project-arn", project, "--min-inference-units", "1", "--wait", *FAST)
    assert done.returncode == 1
    assert "TRAINING_FAILED" in done.stderr
    assert "The manifest has no labels." in done.stderr


def stop_command_stops(cli: InProcess, fake: FakeCustomLabels, version: str, stderr: str) -> list[str]:
    """The stop command a note printed (its argv, the program's name first), checked to stop it once RUNNING."""
    (line,) = [line for line in stderr.splitlines() if line.startswith("  aiocustomlabels stop ")]
    fake.set_status(version, S.RUNNING)
    stopped = cli(*shlex.split(line)[1:], endpoint=False)
    assert stopped.returncode == 0, stopped.stderr
    assert (stopped.stdout.split()[:2], fake.describe(version).status) == (["slow", "STOPPED"], S.STOPPED)
    return shlex.split(line)


def test_wait_timeout_is_exit_3_and_says_what_is_still_billing(
    cli: InProcess, emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """A wait that outlasts --timeout exits 3, with the last status and the exact command that stops it."""
    fake = emulator.fake
    # STARTING before the command, for longer than any number of polls: STARTING is all it can see.
    slow = fake.add_version(project, "slow", status=S.STOPPED, start_seconds=1e9)
    fake.call("StartProjectVersion", {"ProjectVersionArn": slow, "MinInferenceUnits": 1})
    done = cli(
        "start", "slow", "--project-arn", project, "--min-inference-units", "1", "--wait", "--timeout", "1",
        *FAST,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    lines = done.stderr.splitlines()
    assert lines[-3:-1] == [
        "aiocustomlabels: timed out: "
        f"{project.project_name}/slow: not RUNNING after 1.0 s (last status STARTING)",
        "aiocustomlabels: slow was STARTING: it will go on to RUNNING, and bill by the hour until it is"
        " stopped. To stop it:",
    ]
    assert stop_command_stops(cli, fake, slow, done.stderr) == [
        "aiocustomlabels", "stop", slow, "--project-arn", project, "--region", "us-east-1",
        "--endpoint-url", emulator.endpoint_url, "--wait", *FAST,
    ]  # fmt: skip


def interrupted(emulator: ThreadedEmulator, *args: str, when: str) -> tuple[int | None, str]:
    """Run the script, send SIGINT once a progress line shows ``when``; its exit code and stderr."""
    with popen(*args, "--endpoint-url", emulator.endpoint_url) as process:
        assert process.stderr is not None
        seen: list[str] = []
        while not seen or when not in seen[-1]:
            seen.append(process.stderr.readline())
            assert seen[-1], f"the wait ended before {when}: {seen}"
        process.send_signal(signal.SIGINT)
        _, err = ended(process)
    return process.returncode, "".join(seen) + err


@pytest.mark.parametrize(
    ("argv", "started", "when", "note"),
    [
        (
            "start slow --min-units 1",
            False,
            "STARTING",
            "it will go on to RUNNING, and bill by the hour until it is stopped.",
        ),
        (
            "stop slow",
            True,
            "STARTING",
            "no stop was sent (a STARTING version is stopped once RUNNING): it will run, and bill by the hour, "
            "until it is stopped.",
        ),
        ("stop slow", False, "STOPPING", None),
    ],
    ids=["start", "stop-of-starting", "stop-under-way"],
)
def test_ctrl_c_during_a_wait_is_exit_130_and_says_what_still_bills(
    cli: InProcess,
    emulator: ThreadedEmulator,
    project: ProjectArn,
    argv: str,
    started: bool,
    when: str,
    note: str | None,
) -> None:
    """SIGINT during a wait: exit 130, no traceback; the note and the exact stop command, unless it is stopping."""
    fake = emulator.fake
    stopping = when == "STOPPING"  # a stop under way for ever; or a start
    status, start, stop = (S.RUNNING, 3.0, 1e5) if stopping else (S.STOPPED, 1e5, 2.0)
    version = fake.add_version(project, "slow", status=status, start_seconds=start, stop_seconds=stop)
    if started:
        fake.call("StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 1})
    code, err = interrupted(emulator, *argv.split(), "--project-arn", project, "--wait", *FAST, when=when)
    assert code == 130, err
    assert "Traceback" not in err
    lines = err.splitlines()
    if note is None:
        assert lines[-1] == "aiocustomlabels: interrupted"
        return
    assert lines[-3:-1] == [
        "aiocustomlabels: interrupted",
        f"aiocustomlabels: slow was STARTING: {note} To stop it:",
    ]
    assert not [
        r for r in fake.requests_for("StopProjectVersion") if r.params["ProjectVersionArn"] == version
    ]
    # The command shown is exact: once the version runs, it stops it.
    assert stop_command_stops(cli, fake, version, err)[2:5] == [version, "--project-arn", project]


def test_tty_progress_line_redraws(cli: InProcess, emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """On a terminal the progress line is redrawn in place and shows elapsed time and the next poll."""
    terminal = Terminal()
    done = cli("start", "v1", "--project-arn", project, "--min-units", "1", "--wait", *FAST, stderr=terminal)
    text = terminal.getvalue()
    assert done.returncode == 0, text
    assert text.count("\r\x1b[2K") == 3  # STOPPED, STARTING, RUNNING: each drawn over the last
    assert "elapsed" in text
    assert "next poll in" in text
    assert text.endswith("\n")
    assert done.stdout.split()[:2] == ["v1", "RUNNING"]


def test_debug_logs_botocore(emulator: ThreadedEmulator, project: ProjectArn) -> None:
    """--debug turns on botocore's debug logging, on stderr (a process of its own: it sets up logging)."""
    done = script("versions", project, "--debug", "--endpoint-url", emulator.endpoint_url)
    assert done.returncode == 0
    assert "botocore" in done.stderr
    assert "DEBUG" in done.stderr


def test_help_lists_the_commands(cli: InProcess) -> None:
    """--help prints the commands and exits 0."""
    done = cli("--help", endpoint=False)
    assert done.returncode == 0
    for command in ("versions", "start", "stop", "units", "hosted", "calibrate", "emulator", "demo"):
        assert command in done.stdout


@pytest.mark.parametrize(
    "command", [[SCRIPT], [sys.executable, "-m", "aiocustomlabels"]], ids=["script", "module"]
)
def test_version_option_prints_the_installed_version(command: list[str]) -> None:
    """--version, of the script or of ``python -m``, prints the version the package's metadata holds; exit 0."""
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, f"aiocustomlabels {aiocustomlabels.__version__}")
    assert aiocustomlabels.__version__ == importlib.metadata.version("aiocustomlabels")


def probe(code: str) -> list[str]:
    """The lines a new interpreter prints running ``code``, in the environment of a script."""
    done = subprocess.run(
        [sys.executable, "-c", code], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env=environment(), timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_import_stays_light() -> None:
    """Importing aiocustomlabels loads neither the command line nor the fake service nor aiohttp.web."""
    heavy = "('aiocustomlabels._cli', 'aiocustomlabels.testing', 'aiohttp.web', 'argparse')"
    assert probe(f"import sys, aiocustomlabels\nprint([m for m in {heavy} if m in sys.modules])") == ["[]"]


def test_operator_commands_never_import_the_test_tooling(
    emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """versions, start and stop run without importing aiocustomlabels.testing (nor aiohttp.web): no extra needed."""
    runs = [
        ["versions", str(project)],
        ["start", "v1", "--project-arn", str(project), "--min-inference-units", "1", "--wait", *FAST],
        ["stop", "v1", "--project-arn", str(project), "--wait", *FAST],
    ]
    argvs = [[*argv, "--endpoint-url", emulator.endpoint_url] for argv in runs]
    code = (
        "import sys\n"
        "from aiocustomlabels._cli import main\n"
        f"codes = [main(argv) for argv in {argvs!r}]\n"
        "loaded = [m for m in ('aiocustomlabels.testing', 'aiohttp.web') if m in sys.modules]\n"
        "print('LOADED', loaded, codes)\n"
    )
    assert probe(code)[-1:] == ["LOADED [] [0, 0, 0]"]


# -- no traceback, whatever the environment ---------------------------------------------------------


def one_error_line(done: subprocess.CompletedProcess[str] | Done) -> str:
    """The one line a failure prints on stderr, checked to be the only one and no traceback."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("aiocustomlabels: ")
    return lines[0]


CHECK = "check the ARN, and the account and region of your credentials"


# docs/cli.md's examples show an unknown project, checked by tests/test_docs.py.
@pytest.mark.parametrize(
    ("argv", "environ", "said"),
    [
        (
            "stop arn:aws:rekognition:us-east-1:111122223333:project/PROJECT/version/v7/1",
            {},
            "ResourceNotFoundException: no model version arn:aws:rekognition:us-east-1:111122223333:project/"
            f"PROJECT/version/v7/1: {CHECK}",
        ),
        (
            "start arn:aws:rekognition:us-east-1:111122223333:project/nowhere/version/v1/1 --min-units 1 --wait",
            {},
            "no project 'nowhere' in us-east-1",
        ),
        ("versions ARN", {"AWS_DEFAULT_REGION": None}, "no AWS region: pass --region"),
        (
            "versions ARN",
            {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None},
            "no AWS credentials (Unable to locate credentials)",
        ),
        ("versions ARN --profile nope", {}, "The config profile (nope) could not be found: name a profile"),
        ("versions ARN", {"AWS_CONFIG_FILE": "CONFIG"}, "Unable to parse config file: CONFIG"),
        (
            "versions ARN --endpoint-url not-a-url",
            {},
            "--endpoint-url 'not-a-url' is not a URL: give one such as http://127.0.0.1:4566",
        ),
        (
            "emulator --host 192.0.2.1 --port 0",
            {},
            "cannot listen on 192.0.2.1:0: ...: check --host and --port",
        ),
    ],
    ids=[
        "unknown-version",
        "version-of-no-project",
        "no-region",
        "no-credentials",
        "unknown-profile",
        "unreadable-configuration",
        "bad-endpoint-url",
        "address-not-ours",
    ],
)
def test_a_failure_is_one_line_and_exit_1(
    cli: InProcess,
    monkeypatch: pytest.MonkeyPatch,
    project: ProjectArn,
    tmp_path: Path,
    argv: str,
    environ: dict[str, str | None],
    said: str,
) -> None:
    """What the service does not find, a configuration that cannot work, an address not ours: one line, exit 1."""
    config = tmp_path / "config"
    config.write_text("[default\nregion = us-east-1\n")  # that does not parse
    for name, value in environ.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value.replace("CONFIG", str(config)))
    args = argv.replace("ARN", project).replace("PROJECT", project.project_name).split()
    # The emulator takes no AWS option, and a bad --endpoint-url is the one given.
    done = cli(*args, endpoint=args[0] != "emulator" and "--endpoint-url" not in args)
    line = one_error_line(done)
    for part in said.replace("CONFIG", str(config)).replace("PROJECT", project.project_name).split("..."):
        assert part in line


def test_a_busy_port_is_one_line_and_exit_1() -> None:
    """The emulator on a port another server holds: one line naming the port and the way out, exit 1."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_error_line(script("emulator", "--port", str(port)))
    assert line == (
        f"aiocustomlabels: cannot listen on 127.0.0.1:{port}: the port is in use by another server"
        " (4566 is LocalStack's port too): pass another --port, or --port 0 for a free one"
    )


def test_a_closed_standard_output_is_one_line_and_exit_1(
    emulator: ThreadedEmulator, project: ProjectArn
) -> None:
    """Output into a pipe that was closed (as `| head -1` does): one line on stderr, exit 1."""
    with popen("versions", project, "--endpoint-url", emulator.endpoint_url) as process:
        assert process.stdout is not None
        process.stdout.close()  # the reader is gone before the first line is written
        _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert err.splitlines() == ["aiocustomlabels: standard output was closed (broken pipe); output stopped"]


def test_an_unexpected_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], project: ProjectArn
) -> None:
    """An exception nobody expected still ends in one line, exit 1; --debug shows its traceback."""

    async def broken(args: object) -> int:
        raise RuntimeError("boom")

    commands = tuple(
        dataclasses.replace(c, run=broken) if c.name == "versions" else c for c in _main.COMMANDS
    )
    monkeypatch.setattr(_main, "COMMANDS", commands)
    assert _main.main(["versions", project]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "aiocustomlabels: unexpected RuntimeError: boom (run with --debug for the traceback, and report it)"
    ]
    assert _main.main(["versions", project, "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


MAY_START = "the start may have been sent: it may be starting, to bill by the hour once running."
UNSEEN = "may or may not have been sent: it may be starting or running, and billing by the hour."


@pytest.mark.parametrize(
    ("starting", "last", "said"),
    [
        (
            True,
            S.STARTING,
            "v1 was STARTING: it will go on to RUNNING, and bill by the hour until it is stopped.",
        ),
        (True, S.RUNNING, "v1 was RUNNING: it bills by the hour until it is stopped."),
        (True, S.STOPPED, f"v1 was STOPPED: {MAY_START}"),
        (True, S.FAILED, f"v1 was FAILED: {MAY_START}"),
        (True, S.STOPPING, None),
        (True, S.TRAINING_IN_PROGRESS, None),
        (True, None, f"v1: no status was seen, so the start {UNSEEN}"),
        (
            False,
            S.STARTING,
            "v1 was STARTING: no stop was sent (a STARTING version is stopped once RUNNING): it will run, "
            "and bill by the hour, until it is stopped.",
        ),
        (
            False,
            S.RUNNING,
            "v1 was RUNNING: the stop may not have been sent: it may still run, and bill by the hour.",
        ),
        (False, S.STOPPING, None),
        (False, S.STOPPED, None),
        (False, None, f"v1: no status was seen, so the stop {UNSEEN}"),
    ],
)
def test_what_a_wait_that_ends_early_says_of_the_bill(
    starting: bool, last: ProjectVersionStatus | None, said: str | None
) -> None:
    """The note of a wait that ends early follows the table on docs/cli.md: by command and last status."""
    assert billing_note(starting=starting, last=last, name="v1") == said
