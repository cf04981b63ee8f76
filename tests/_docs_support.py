"""A docs page's console commands run in this process: ``aiocustomlabels ...`` is ``main(argv)``.

A subprocess per command proves nothing that ``main(argv)`` does not, but costs
a second of interpreter start each (more under coverage), and its polls sleep
in real time. In this process, a command runs on looptime's fast-forwarded
loop (``run_fast``), routed in-process into the fake that the page's
``aiocustomlabels emulator`` command builds (the emulator command's own ``emulated``): its
statuses are the page's, since the page's emulator moves its time with the
requests (``--seconds-per-request``) or not at all (``--seed day``). The same
fake is also served on loopback HTTP (``ThreadedEmulator``), for the commands
that need a shell (a pipe, ``2>&1``, ``env -u``, the AWS CLI): those run the
installed script in bash, as before.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import Any

import attrs
import pytest

from aiocustomlabels._cli import _emulator as emulator_command
from aiocustomlabels._cli import build_parser
from aiocustomlabels.testing import ThreadedEmulator, in_process
from tests._cli_support import merged
from tests._harness import run_fast

#: What makes a command the shell's business rather than the command line's alone.
SHELL_SYNTAX = frozenset("|&;<>()`")
VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
#: The command line's own program names, as the pages type them.
PROGRAMS = (["aiocustomlabels"], ["python", "-m", "aiocustomlabels"])


def words(command: str) -> list[str]:
    """The shell words of ``command`` (continued lines joined); operators such as ``|`` are words of their own."""
    lexer = shlex.shlex(command.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def cli_arguments(command: str, variables: Mapping[str, str]) -> list[str] | None:
    """``main``'s arguments for a command that is the command line alone; ``None`` if it needs a shell."""
    tokens = words(command)
    if any(set(token) & SHELL_SYNTAX for token in tokens):
        return None
    for program in PROGRAMS:
        if tokens[: len(program)] == program:
            return [
                VARIABLE.sub(lambda m: variables[m[1] or m[2]], token) for token in tokens[len(program) :]
            ]
    return None


def assignments(line: str) -> Iterator[tuple[str, str, bool]]:
    """(name, value, exported) for each ``NAME=value`` of an assignment or ``export`` line."""
    tokens = words(line)
    exported = tokens[0] == "export"
    for token in tokens[1:] if exported else tokens:
        name, _, value = token.partition("=")
        yield name, value, exported


SHOWN_URL = "http://127.0.0.1:4566"
SHOWN_PORT = "4566"


@attrs.frozen
class Emulated:
    """The emulator a page started: where it really listens (a free port), and what it printed first."""

    url: str
    first_lines: str

    def real(self, text: str) -> str:
        """``text`` of the page, with the emulator's real URL and port."""
        port = self.url.rsplit(":", 1)[1]
        return text.replace(SHOWN_URL, self.url).replace(f"--port {SHOWN_PORT}", f"--port {port}")

    def shown(self, text: str) -> str:
        """``text`` printed, with the URL and port written as the page shows them."""
        port = self.url.rsplit(":", 1)[1]
        return text.replace(self.url, SHOWN_URL).replace(f"127.0.0.1:{port}", f"127.0.0.1:{SHOWN_PORT}")


@contextlib.contextmanager
def emulated(command: str) -> Iterator[Emulated]:
    """The page's emulator command's fake, served on a free port and routed in-process while in the block."""
    argv = cli_arguments(command, {})
    assert argv is not None, f"{command!r} is not the command line alone"
    args = build_parser()[0].parse_args(argv)
    assert args.command == "emulator"
    command_fake = emulator_command.emulated(args)
    fake = command_fake.fake
    with (
        ThreadedEmulator(fake, host=args.host, port=0) as served,
        in_process(fake, endpoint=served.endpoint_url, credentials=False),
    ):
        yield Emulated(served.endpoint_url, "\n".join(command_fake.banner(served.endpoint_url)))


@attrs.define
class Shell:
    """The page's shell, for the commands run in this process: its variables, exported or not.

    Attributes:
        monkeypatch: Sets the environment of each command, and its standard streams.
        variables: Every variable the page has set, for ``$NAME``.
        loop: What runs each command's coroutine (``asyncio.run``'s stand-in).
    """

    monkeypatch: pytest.MonkeyPatch
    variables: dict[str, str] = attrs.field(factory=dict)
    loop: Callable[[Coroutine[Any, Any, Any]], Any] = run_fast

    def assign(self, line: str) -> None:
        """Run an assignment or ``export`` line: exported variables join the commands' environment."""
        for name, value, exported in assignments(line):
            self.variables[name] = value
            if exported:
                self.monkeypatch.setenv(name, value)

    def run(self, argv: list[str]) -> str:
        """Run ``aiocustomlabels ARGV``: what it prints on stdout and stderr, interleaved as a terminal shows them."""
        # Not a terminal: progress comes a line per status, as into a pipe.
        with self.monkeypatch.context() as patch:
            return merged(patch, argv, run=self.loop)[1]


@contextlib.contextmanager
def shell(monkeypatch: pytest.MonkeyPatch, environment: Mapping[str, str]) -> Iterator[Shell]:
    """A shell for the page: this process's environment is ``environment`` (UTC, no AWS configuration) meanwhile."""
    with monkeypatch.context() as patch:
        for name in [n for n in os.environ if n not in environment]:
            patch.delenv(name)
        for name, value in environment.items():
            patch.setenv(name, value)
        time.tzset()
        try:
            yield Shell(patch)
        finally:
            patch.undo()
            time.tzset()
