"""Running the command line in tests: in-process (``main(argv)``), or as the installed script."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, AnyStr, TypeVar

import attrs
import pytest

from aiocustomlabels._cli import main
from aiocustomlabels.testing import Emulator, FakeCustomLabels
from tests._harness import close_loop, looptime_loop

T = TypeVar("T")

SCRIPT = str(Path(sys.executable).with_name("aiocustomlabels"))

#: The terminal width the docs' examples show (argparse wraps help and usage to ``COLUMNS``).
COLUMNS = "80"

#: Polls a few hundredths of a second apart: the fake's time moves with the requests, not with these.
FAST = ("--min-delay", "0.01", "--max-delay", "0.02")


def environment() -> dict[str, str]:
    """A script's environment: dummy credentials, no AWS files, no asyncio debug mode, 80 columns."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTHONASYNCIODEBUG"}
    env.update(
        COLUMNS=COLUMNS,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/nonexistent/config",
        AWS_EC2_METADATA_DISABLED="true",  # no credentials must not mean a wait for the instance's
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/credentials",
    )
    return env


def default_signals() -> None:
    """The default SIGINT and SIGTERM in a child (``preexec_fn``): a shell without job control ignores them.

    Safe after fork beside the emulator's thread: it takes no lock (hence ``noqa: PLW1509``).
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script with exactly these arguments."""
    return subprocess.run(
        [SCRIPT, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env=environment() if env is None else env, timeout=60, check=False,
    )  # fmt: skip


def popen(*args: str) -> subprocess.Popen[str]:
    """The installed script started with these arguments, its output piped, SIGINT at its default."""
    return subprocess.Popen(
        [SCRIPT, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment(), preexec_fn=default_signals,  # noqa: PLW1509 -- see default_signals
    )  # fmt: skip


def ended(process: subprocess.Popen[AnyStr], *, timeout: float = 30) -> tuple[AnyStr, AnyStr]:
    """A signalled child's stdout and stderr once it ends; killed, and the test failed, if it does not."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"{process.args!r} did not end within {timeout:g} s of its signal; stderr: {err!r}")
    return out, err


@attrs.frozen
class Done:
    """What a run of the command line ended with: its exit code, stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


class Terminal(io.StringIO):
    """A standard stream that says it is a terminal: what the user types, or where the live line goes."""

    def isatty(self) -> bool:
        """A terminal, as far as the command line can tell."""
        return True


@attrs.frozen
class FastLoop:
    """A test's looptime loop that every ``main(argv)`` given it runs on: its fake time goes on between runs."""

    loop: asyncio.AbstractEventLoop = attrs.field(factory=looptime_loop)

    def run(self, main: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
        """``asyncio.run``'s stand-in: ``main`` to its end on the loop, which stays open."""
        self.loop.set_debug(bool(debug))  # as asyncio.run(): no debug mode unless asked
        return self.loop.run_until_complete(main)

    @contextlib.contextmanager
    def serving(self, fake: FakeCustomLabels) -> Iterator[Emulator]:
        """``fake`` served by an emulator on this loop (serving only while a run is under way)."""
        emulator = Emulator(fake)
        self.loop.run_until_complete(emulator.start())
        try:
            yield emulator
        finally:
            self.loop.run_until_complete(emulator.stop())


@contextlib.contextmanager
def fast_loop() -> Iterator[FastLoop]:
    """A :class:`FastLoop` for the block; closed after it as ``asyncio.run`` closes its loop."""
    fast = FastLoop()
    try:
        yield fast
    finally:
        close_loop(fast.loop)


@attrs.define
class InProcess:
    """``main(argv)`` in this process, capsys capturing; stdin typed on a terminal, or an empty pipe."""

    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    endpoint_url: str | None = None
    fast: FastLoop | None = None

    def __call__(
        self,
        *args: str,
        stdin: str | None = None,
        stdout: io.StringIO | None = None,
        stderr: io.StringIO | None = None,
        endpoint: bool = True,
    ) -> Done:
        """Run ``aiocustomlabels ARGS [--endpoint-url URL]``; ``stdout``/``stderr`` replace capsys's for it."""
        # Put back here, before capsys's own are: at teardown, with -s, capsys's stream is closed.
        argv = [*args, "--endpoint-url", self.endpoint_url] if endpoint and self.endpoint_url else args
        self.capsys.readouterr()
        with self.monkeypatch.context() as patch:
            patch.setattr(sys, "stdin", io.StringIO() if stdin is None else Terminal(stdin))
            if stdout is not None:
                patch.setattr(sys, "stdout", stdout)
            if stderr is not None:
                patch.setattr(sys, "stderr", stderr)
            code = run_main(patch, argv, run=None if self.fast is None else self.fast.run)
        return Done(code, *self.capsys.readouterr())


def merged(
    patch: pytest.MonkeyPatch,
    argv: Sequence[str],
    *,
    run: Callable[[Coroutine[Any, Any, T]], T] | None = None,
) -> tuple[int, str]:
    """``main(argv)``: its exit code, and stdout and stderr in one buffer; stdin empty, as a pipe's."""
    both = io.StringIO()
    patch.setattr(sys, "stdin", io.StringIO())
    patch.setattr(sys, "stdout", both)
    patch.setattr(sys, "stderr", both)
    return run_main(patch, argv, run=run), both.getvalue()


def run_main(
    patch: pytest.MonkeyPatch,
    argv: Sequence[str],
    *,
    run: Callable[[Coroutine[Any, Any, T]], T] | None = None,
) -> int:
    """``main(argv)``'s exit code, a usage error's included; its command on ``run`` if given."""
    if run is not None:
        patch.setattr(asyncio, "run", run)
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors and --help
        return exc.code if isinstance(exc.code, int) else 1


def in_process_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    endpoint_url: str | None,
    *,
    fast: FastLoop | None = None,
) -> InProcess:
    """The command line in this process, with the environment of :func:`environment`, as a user's shell."""
    for name, value in environment().items():
        if name.startswith("AWS_") or name == "COLUMNS":
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHONASYNCIODEBUG", raising=False)  # debug mode's slow-step logs: not what users see
    return InProcess(monkeypatch, capsys, endpoint_url, fast)


@contextlib.contextmanager
def in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC in the block; the machine's again after."""
    with monkeypatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()
