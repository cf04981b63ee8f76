"""Running the command line in tests: in-process (``main(argv)``), or as the installed script."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import AnyStr

import attrs
import pytest

from aiocustomlabels._cli import main

SCRIPT = str(Path(sys.executable).with_name("aiocustomlabels"))

#: The terminal width the docs' examples show (argparse wraps help and usage to ``COLUMNS``).
COLUMNS = "80"

#: Polls a few hundredths of a second apart: the fake's time moves with the requests, not with these.
FAST = ("--min-delay", "0.01", "--max-delay", "0.02")


def environment() -> dict[str, str]:
    """The environment of a script run: dummy credentials, no AWS configuration files, no asyncio debug mode.

    The suite runs asyncio in debug mode (conftest.py), which logs slow steps on stderr: not
    what a user sees. ``COLUMNS`` is fixed, so that usage text wraps the same whatever the
    terminal (or none) the suite was started from.
    """
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
    """Give a child the default SIGINT and SIGTERM, whatever the suite inherited: pass as ``preexec_fn``.

    A shell without job control (a script, CI) starts ``cmd &`` with SIGINT and SIGQUIT ignored,
    and an ignored signal stays ignored across fork and exec: a child would inherit it from the
    suite, and CPython installs its KeyboardInterrupt handler only if SIGINT is not ignored at
    startup. Such a child never sees the Ctrl-C a test sends it, and the test waits for an end
    that does not come. ``Popen(restore_signals=True)`` restores SIGPIPE, SIGXFZ and SIGXFSZ only.
    Runs in the child, between fork and exec, while the emulator's thread runs in the parent: safe,
    as it takes no lock another thread could hold (no import, no I/O), hence the ``noqa: PLW1509``
    where it is passed.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def ended(process: subprocess.Popen[AnyStr], *, timeout: float = 30) -> tuple[AnyStr, AnyStr]:
    """Wait for a signalled child to end: its stdout and stderr; killed, and the test failed, if it does not.

    Without the kill, leaving ``with Popen(...)`` would wait for the child for ever, and the test
    would hang until pytest-timeout ends the whole worker.
    """
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"{process.args!r} did not end within {timeout:g} s of its signal; stderr: {err!r}")
    return out, err


@attrs.frozen
class Done:
    """What a run of the command line ended with.

    Attributes:
        returncode: The exit code.
        stdout: What it printed on standard output.
        stderr: What it printed on standard error.
    """

    returncode: int
    stdout: str
    stderr: str


class Terminal(io.StringIO):
    """A standard stream that says it is a terminal: what the user types, or where the live line goes."""

    def isatty(self) -> bool:
        """A terminal, as far as the command line can tell."""
        return True


@attrs.define
class InProcess:
    """The command line run in this process, as ``main(argv)``, its output captured by capsys.

    Its standard input is never the suite's: typed ``stdin`` from a terminal, or else an empty
    stream that is not a terminal (as ``stdin=subprocess.DEVNULL`` gives a child), whether the
    suite was started from a terminal, with ``-s``, or with stdin closed.

    Attributes:
        monkeypatch: Sets the environment and the standard streams for a run.
        capsys: Captures what it prints.
        endpoint_url: Added as ``--endpoint-url`` to every run, unless ``None``.
    """

    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    endpoint_url: str | None = None

    def __call__(
        self,
        *args: str,
        stdin: str | None = None,
        stdout: io.StringIO | None = None,
        stderr: io.StringIO | None = None,
        endpoint: bool = True,
    ) -> Done:
        """Run ``aiocustomlabels ARGS [--endpoint-url URL]``; typed ``stdin`` comes from a terminal.

        ``stdout`` or ``stderr``, if given, take the place of capsys's for this run only (its
        ``Done`` then has nothing of that stream). Patched here, and put back before capsys's
        own are: a test's monkeypatch of ``sys.stderr`` would, at teardown, put back capsys's
        stream, closed by then, and with ``-s`` the session would end on a closed ``sys.stderr``.
        """
        argv: Sequence[str] = (
            [*args, "--endpoint-url", self.endpoint_url] if endpoint and self.endpoint_url else args
        )
        self.capsys.readouterr()
        with self.monkeypatch.context() as patch:
            patch.setattr(sys, "stdin", io.StringIO() if stdin is None else Terminal(stdin))
            if stdout is not None:
                patch.setattr(sys, "stdout", stdout)
            if stderr is not None:
                patch.setattr(sys, "stderr", stderr)
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's usage errors and --help
                code = exc.code if isinstance(exc.code, int) else 1
        out, err = self.capsys.readouterr()
        return Done(code, out, err)


def in_process_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], endpoint_url: str | None
) -> InProcess:
    """The command line in this process, with dummy credentials and region, as a user's shell has them."""
    for name, value in environment().items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHONASYNCIODEBUG", raising=False)  # debug mode's slow-step logs: not what users see
    monkeypatch.setenv("COLUMNS", COLUMNS)  # else argparse wraps to the terminal the suite runs in, if any
    return InProcess(monkeypatch, capsys, endpoint_url)


def in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC while the generator is suspended; the machine's again after."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
