"""`aiocustomlabels units` and `versions --units`: the units in service, from a shell, against the emulator."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from aiocustomlabels._cli._emulator import DAY, DayProject, seed_day
from aiocustomlabels._cli._output import LEGEND
from aiocustomlabels._cli._output import chart as render
from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator, VirtualClock
from aiocustomlabels.types import InferenceUnitsSample
from tests._cli_support import InProcess, in_process_cli, in_utc

NOON = ("--start", "2026-11-26T11:00Z", "--end", "2026-11-26T12:00Z")


@pytest.fixture(scope="module")
def day() -> Iterator[tuple[ThreadedEmulator, DayProject]]:
    """An emulator serving the simulated day (its clock stands at the day's end)."""
    fake = FakeCustomLabels(clock=VirtualClock(start=DAY.timestamp()))
    played = seed_day(fake)
    with ThreadedEmulator(fake) as served:
        yield served, played


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[InProcess]:
    """The command line in this process, in UTC; each test gives its emulator's URL."""
    with in_utc(monkeypatch):
        yield in_process_cli(monkeypatch, capsys, None)


@pytest.fixture
def played(cli: InProcess, day: tuple[ThreadedEmulator, DayProject]) -> DayProject:
    """The simulated day, which ``cli`` is pointed at."""
    cli.endpoint_url = day[0].endpoint_url
    return day[1]


def test_units_table_has_a_row_per_period(cli: InProcess, played: DayProject) -> None:
    """The table has the period's start and its four values; a half-filled period shows its average."""
    done = cli("units", played.version_arn, *NOON, "--period", "600")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["TIME", "IN", "SERVICE", "DESIRED", "MIN", "MAX"]
    assert [line.split()[1:] for line in lines[1:]] == [
        ["11:00", "3", "3", "1", "4"],
        ["11:10", "3", "3", "1", "4"],
        ["11:20", "3", "3", "1", "4"],
        ["11:30", "3.50", "4", "1", "4"],
        ["11:40", "4", "4", "1", "4"],
        ["11:50", "4", "4", "1", "4"],
    ]


@pytest.mark.parametrize("output", ["json", "jsonl"])
def test_units_as_json_use_cloudwatchs_names(cli: InProcess, played: DayProject, output: str) -> None:
    """JSON records carry ISO 8601 times and CloudWatch's metric names, null where there is no datapoint."""
    done = cli(
        "units", played.version_arn, "--start", "2026-11-26T06:45Z", "--end", "2026-11-26T07:00Z",
        "--output", output,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    records = json.loads(done.stdout) if output == "json" else [json.loads(line) for line in lines]
    first = records[0]
    assert first == {
        "Timestamp": "2026-11-26T06:50:00+00:00",
        "InServiceInferenceUnits": None,  # STARTING: desired, not yet in service
        "DesiredInferenceUnits": 1.0,
        "MinInferenceUnits": 1.0,
        "MaxInferenceUnits": 4.0,
    }
    assert len(records) == 10


def test_the_chart_is_the_days_shape(cli: InProcess, played: DayProject) -> None:
    """The chart has a row per unit up to the max, the axis, the day's first and last times, and the legend."""
    done = cli(
        "units", played.version_arn, "--since", "1d", "--end", "2026-11-27T00:00Z", "--output", "chart"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line[:3] for line in lines[:4]] == ["4 ┤", "3 ┤", "2 ┤", "1 ┤"]
    assert lines[4].startswith("  └")
    assert lines[5].split() == ["06:50", "22:00"]
    assert lines[6] == LEGEND
    assert set(lines[3][3:]) == {"█"}  # one unit in service all day long: the minimum
    assert "┄" in lines[0]  # the maximum, where nothing reached it


def test_the_chart_reads_when_piped(cli: InProcess, played: DayProject) -> None:
    """Piped, the chart is plain text: no terminal control sequences."""
    done = cli("units", played.version_arn, *NOON, "--output", "chart")
    assert "\x1b" not in done.stdout
    assert done.stdout.endswith("\n")


def test_a_version_that_published_nothing_says_so(cli: InProcess, played: DayProject) -> None:
    """A time with no datapoint is one line on stderr, exit 0: not an error, nothing to show."""
    done = cli("units", played.version_arn, "--start", "2026-11-26T02:00Z", "--end", "2026-11-26T03:00Z")
    assert (done.returncode, done.stdout) == (0, "")
    assert "no datapoints" in done.stderr
    assert "August 2022" in done.stderr


def test_versions_units_adds_the_units_in_service(cli: InProcess) -> None:
    """Versions --units adds IN SERVICE to RUNNING rows, from CloudWatch; others show -."""
    # The fake's clock at the wall clock's time, so that the command's "last minutes" are its last minutes.
    clock = VirtualClock(start=time.time() - 3600)
    fake = FakeCustomLabels(clock=clock, start_seconds=600)
    project = fake.add_project("shelf")
    running = fake.add_version(project, "v2")
    idle = fake.add_version(project, "v1")
    fake.call("StartProjectVersion", {"ProjectVersionArn": running, "MinInferenceUnits": 2})
    clock.advance(3600)
    with ThreadedEmulator(fake) as emulator:
        cli.endpoint_url = emulator.endpoint_url
        done = cli("versions", project, "--units")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].split()[-2:] == ["IN", "SERVICE"]
        rows = {line.split()[0]: line.split() for line in lines[1:]}
        assert (rows["v2"][1], rows["v2"][-1]) == ("RUNNING", "2")
        assert rows["v1"][-1] == "-"
        jsonl = cli("versions", project, "--units", "--output", "jsonl")
        records = {
            json.loads(line)["ProjectVersionArn"]: json.loads(line) for line in jsonl.stdout.splitlines()
        }
        assert records[running]["InServiceInferenceUnits"] == 2.0
        assert "InServiceInferenceUnits" not in records[idle]
        # Only the RUNNING version's metrics were asked for: one GetMetricData per run.
        assert len(fake.requests_for("GetMetricData")) == 2


# -- the chart itself --------------------------------------------------------------------------


def sample(
    minute: int, in_service: float | None, desired: float | None, high: float | None = 4
) -> InferenceUnitsSample:
    """A sample ``minute`` minutes into the day."""
    return InferenceUnitsSample(
        timestamp=DAY + timedelta(minutes=minute),
        in_service=in_service,
        desired=desired,
        min_inference_units=1,
        max_inference_units=high,
    )


def test_the_chart_draws_scaling_under_way() -> None:
    """Desired above in service is ░ (coming), in service above desired is ▓ (leaving), the max is ┄."""
    lines = render([sample(0, 1, 1), sample(1, 1, 3), sample(2, 3, 3), sample(3, 3, 1)], width=10)
    assert lines[:4] == ["4 ┤┄┄┄┄", "3 ┤ ░█▓", "2 ┤ ░█▓", "1 ┤████"]


def test_the_chart_groups_samples_into_columns() -> None:
    """More samples than columns are grouped: each column shows the highest of its stretch."""
    samples = [sample(m, 1 if m != 7 else 2, 1 if m != 7 else 2, high=None) for m in range(20)]
    lines = render(samples, width=5)
    assert lines[:2] == ["2 ┤ █   ", "1 ┤█████"]  # minute 7 is in the second stretch of four


def test_the_chart_of_nothing_is_one_line() -> None:
    """No sample at all: one line saying so."""
    assert render([]) == ["no datapoints: the version published no inference-unit metrics in this time"]


def test_the_axis_shows_dates_across_days() -> None:
    """A chart over more than one day labels its ends with dates."""
    lines = render([sample(0, 1, 1), sample(60 * 30, 1, 1)], width=20)
    first, last = (DAY.astimezone(), (DAY + timedelta(hours=30)).astimezone())
    assert lines[-2].split() == [
        *first.strftime("%m-%d %H:%M").split(),
        *last.strftime("%m-%d %H:%M").split(),
    ]
    assert isinstance(first, datetime)
