"""The calibrate command: what it refuses before any load, its output, and a run against the emulator."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiocustomlabels import ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator
from tests._cli_support import InProcess, in_process_cli

S = ProjectVersionStatus
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture(scope="module")
def emulator() -> Iterator[ThreadedEmulator]:
    """One emulator for the module, on real time."""
    with ThreadedEmulator(FakeCustomLabels()) as served:
        yield served


@pytest.fixture
def cli(
    emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcess:
    """The command line in this process, against the emulator."""
    return in_process_cli(monkeypatch, capsys, emulator.endpoint_url)


def version(
    emulator: ThreadedEmulator, request: pytest.FixtureRequest, status: ProjectVersionStatus = S.RUNNING
) -> ProjectVersionArn:
    """A version of a project of the test's own, in ``status``, with 1 unit."""
    digest = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:8]
    project = emulator.fake.add_project(f"{re.sub(r'[^a-zA-Z0-9_.-]', '-', request.node.name)[:40]}-{digest}")
    return emulator.fake.add_version(project, "v1", status=status, min_inference_units=1)


def detects(emulator: ThreadedEmulator, arn: str) -> int:
    """DetectCustomLabels requests the emulator received for ``arn``."""
    return sum(
        1 for r in emulator.fake.requests_for("DetectCustomLabels") if r.params.get("ProjectVersionArn") == arn
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
    assert f"--image {path}: {shown}; DetectCustomLabels takes images of 1 byte to 5,242,880 bytes" in done.stderr
    assert detects(emulator, arn) == 0


def test_a_version_name_is_not_enough(cli: InProcess, image: Path) -> None:
    """calibrate takes the version's ARN: a name is a usage error showing the ARN's form."""
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
