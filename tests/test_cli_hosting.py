"""The command line and the bill: `hosted`, `start --reconfigure`, the unit mismatch, a version's project found."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from aiocustomlabels import ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, StepClock, ThreadedEmulator
from tests._cli_support import FAST, InProcess, in_process_cli

S = ProjectVersionStatus


@pytest.fixture
def emulator() -> Iterator[ThreadedEmulator]:
    """An emulator of its own (hosted lists a whole region); its time moves a second per request."""
    fake = FakeCustomLabels(clock=StepClock(1.0), start_seconds=3.0, stop_seconds=2.0)
    with ThreadedEmulator(fake) as served:
        yield served


@pytest.fixture
def hosted(emulator: ThreadedEmulator) -> dict[str, ProjectVersionArn]:
    """Two projects: shelf/v1 RUNNING 1..2, dock/v9 STARTING 2 (fixed), and two versions not hosted."""
    fake = emulator.fake
    shelf, dock = fake.add_project("shelf"), fake.add_project("dock")
    versions = {
        "v1": fake.add_version(shelf, "v1", status=S.RUNNING, min_inference_units=1, max_inference_units=2),
        "v2": fake.add_version(shelf, "v2", status=S.STOPPED, min_inference_units=1),
        "v9": fake.add_version(dock, "v9", start_seconds=20.0),
        "v8": fake.add_version(dock, "v8", status=S.TRAINING_COMPLETED),
    }
    # Started as the service starts it: STARTING for the next twenty requests.
    fake.call("StartProjectVersion", {"ProjectVersionArn": versions["v9"], "MinInferenceUnits": 2})
    fake.clear_requests()
    return versions


@pytest.fixture
def cli(
    emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcess:
    """The command line in this process, against the emulator."""
    return in_process_cli(monkeypatch, capsys, emulator.endpoint_url)


def test_hosted_lists_every_hosted_version_of_the_region(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """Hosted prints a row per STARTING, RUNNING or STOPPING version, across projects, with its units."""
    done = cli("hosted")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["PROJECT", "VERSION", "STATUS", "UNITS"]
    rows = sorted(line.split(maxsplit=3) for line in lines[1:])
    assert rows == [["dock", "v9", "STARTING", "2 (fixed)"], ["shelf", "v1", "RUNNING", "1..2"]]
    assert done.stderr.strip() == "2 hosted in us-east-1: 3..4 inference units"


def test_hosted_with_a_price_shows_the_hourly_cost(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """With --price-per-unit-hour, each row has the hourly cost at min and at max, and so does the summary."""
    done = cli("hosted", "--price-per-unit-hour", "4")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[1]: line.split()[-2:] for line in done.stdout.splitlines()[1:]}
    assert rows == {"v1": ["4.00", "8.00"], "v9": ["8.00", "8.00"]}
    assert "12.00 to 16.00 an hour at 4 per inference-unit hour" in done.stderr


@pytest.mark.parametrize("output", ["json", "jsonl"])
def test_hosted_as_json(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn], output: str
) -> None:
    """As one JSON array, or one object per line: each with the project, the version, units and costs."""
    done = cli("hosted", "--output", output, "--price-per-unit-hour", "0.5")
    assert done.returncode == 0, done.stderr
    records = (
        json.loads(done.stdout)
        if output == "json"
        else [json.loads(line) for line in done.stdout.splitlines()]
    )
    by_version = {r["ProjectVersionArn"]: r for r in records}
    assert set(by_version) == {hosted["v1"], hosted["v9"]}
    v1 = by_version[hosted["v1"]]
    assert v1["ProjectArn"].endswith(":project/shelf/" + v1["ProjectArn"].rsplit("/", 1)[1])
    assert (v1["Status"], v1["MinInferenceUnits"], v1["MaxInferenceUnits"]) == ("RUNNING", 1, 2)
    assert v1["HourlyCost"] == {"AtMin": 0.5, "AtMax": 1.0}


def test_hosted_in_an_empty_region_says_so(cli: InProcess, emulator: ThreadedEmulator) -> None:
    """With nothing hosted, the table is empty and the summary says so."""
    done = cli("hosted")
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr.strip() == "no model version is hosted in us-east-1"


def test_stop_all_with_yes_stops_every_hosted_version(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """--stop-all --yes stops each hosted version (a STARTING one once it runs) and waits until none is hosted."""
    done = cli("hosted", "--stop-all", "--yes", *FAST)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()[-2:]) == ["dock/v9: STOPPED", "shelf/v1: STOPPED"]
    fake = emulator.fake
    assert {fake.describe(hosted[v]).status for v in ("v1", "v9")} == {S.STOPPED}
    assert fake.describe(hosted["v2"]).status is S.STOPPED
    assert fake.describe(hosted["v8"]).status is S.TRAINING_COMPLETED


@pytest.mark.parametrize(
    ("answer", "hosting", "asked"),
    [
        ("y\n", ("v1", "v9"), "Stop these 2 hosted versions? [y/N]"),
        ("n\n", ("v1", "v9"), "Stop these 2 hosted versions? [y/N]"),
        ("n\n", ("v1",), "Stop this hosted version? [y/N]"),
    ],
    ids=["yes", "no", "one-version"],
)
def test_stop_all_asks_on_a_terminal(
    cli: InProcess,
    emulator: ThreadedEmulator,
    hosted: dict[str, ProjectVersionArn],
    answer: str,
    hosting: tuple[str, ...],
    asked: str,
) -> None:
    """On a terminal, --stop-all asks (of one version in the singular); only yes stops them; no is exit 1."""
    if "v9" not in hosting:
        emulator.fake.set_status(hosted["v9"], S.STOPPED)
    done = cli("hosted", "--stop-all", *FAST, stdin=answer)
    stopped = answer == "y\n"
    assert done.returncode == (0 if stopped else 1), done.stderr
    assert asked in done.stderr
    assert bool(emulator.fake.requests_for("StopProjectVersion")) is stopped
    assert ("aiocustomlabels: nothing was stopped" in done.stderr) is not stopped


def test_stop_all_says_which_version_did_not_stop_and_exits_1(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """A stop that outlasts --timeout: its line says NOT STOPPED, the others stop, one line counts it, exit 1."""
    fake = emulator.fake
    fake.set_status(hosted["v9"], S.STOPPED)
    slow = fake.add_version(fake.add_project("slow"), "s1", stop_seconds=1e9)
    fake.call("StartProjectVersion", {"ProjectVersionArn": slow, "MinInferenceUnits": 1})
    fake.set_status(slow, S.RUNNING)
    done = cli("hosted", "--stop-all", "--yes", "--timeout", "5", *FAST)
    assert done.returncode == 1, done.stderr
    assert sorted(done.stdout.splitlines()[-2:]) == [
        "shelf/v1: STOPPED",
        "slow/s1: NOT STOPPED: slow/s1: not STOPPED after 5.0 s (last status STOPPING)",
    ]
    assert done.stderr.splitlines()[-1] == (
        "aiocustomlabels: 1 of 2 versions were not stopped: they may still bill"
    )
    assert {r.params["ProjectVersionArn"] for r in fake.requests_for("StopProjectVersion")} == {
        hosted["v1"],
        slow,
    }


def test_stop_all_prints_a_line_as_each_version_stops(
    cli: InProcess,
    emulator: ThreadedEmulator,
    hosted: dict[str, ProjectVersionArn],
) -> None:
    """Each version's line comes as it stops: the quick stop first, not after the slow one is done."""
    fake = emulator.fake
    fake.set_status(hosted["v1"], S.STOPPED)
    fake.add_version(fake.add_project("apron"), "q1", status=S.RUNNING, min_inference_units=1)
    seen: list[tuple[str, str]] = []

    class Noting(io.StringIO):
        """Standard output that notes, with each line, whether the slow version was still hosted."""

        def write(self, text: str) -> int:
            if text.endswith(": STOPPED"):
                seen.append((text.strip(), str(fake.describe(hosted["v9"]).status)))
            return super().write(text)

    done = cli("hosted", "--stop-all", "--yes", *FAST, stdout=Noting())
    assert done.returncode == 0, done.stderr
    assert seen == [("apron/q1: STOPPED", "STARTING"), ("dock/v9: STOPPED", "STOPPED")]


def test_start_with_other_units_is_exit_1_with_both_pairs_and_the_fix(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """Start on a version running with other units exits 1, shows both unit pairs, and names --reconfigure."""
    for wait in ((), ("--wait", *FAST)):
        done = cli("start", hosted["v1"], "--min-inference-units", "1", "--max-inference-units", "5", *wait)
        assert done.returncode == 1, done.stderr
        error = done.stderr.splitlines()[-1]
        assert "RUNNING with 1..2 inference units, not 1..5 as asked" in error
        assert "--reconfigure" in error
        assert "Traceback" not in done.stderr
    assert str(emulator.fake.describe(hosted["v1"]).inference_units) == "1..2"


def test_start_with_the_same_units_finds_it_running(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """Start without --wait on a version running with the units asked is refused by the service: exit 1, no change."""
    done = cli("start", hosted["v1"], "--min-inference-units", "1", "--max-inference-units", "2")
    assert done.returncode == 1
    assert "ResourceInUseException" in done.stderr


def test_reconfigure_restarts_with_the_units_asked(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """--reconfigure stops the version, starts it with the units asked and waits for RUNNING; each status once."""
    done = cli("start", hosted["v1"], "--min-units", "1", "--max-units", "5", "--reconfigure", *FAST)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1:3] == ["RUNNING", "1..5"]
    statuses = [line.split()[-1] for line in done.stderr.splitlines() if line.startswith(" ")]
    assert statuses == ["RUNNING", "STOPPING", "STOPPED", "STARTING", "RUNNING"]
    assert [r.operation for r in emulator.fake.requests if r.operation.endswith("ProjectVersion")] == [
        "StopProjectVersion",
        "StartProjectVersion",
    ]


def test_a_wait_by_version_arn_finds_the_project(
    cli: InProcess, emulator: ThreadedEmulator, hosted: dict[str, ProjectVersionArn]
) -> None:
    """Stop VERSION_ARN --wait without --project-arn looks the project up with DescribeProjects, and waits."""
    done = cli("stop", hosted["v1"], "--wait", *FAST)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == "STOPPED"
    (lookup,) = emulator.fake.requests_for("DescribeProjects")
    assert lookup.params["ProjectNames"] == ["shelf"]
