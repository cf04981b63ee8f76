"""Building a user's project outside this repository: a new venv with aiocustomlabels installed from here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# How a user's suite opts into the plugin, as docs/testing.md shows it: its top-level conftest.py.
OPT_IN = 'pytest_plugins = ["aiocustomlabels.pytest_plugin"]\n'

# Variables that would point uv or Python at this repository's environment rather than the user's.
FOREIGN = ("VIRTUAL_ENV", "UV_LOCKED", "UV_FROZEN", "UV_PROJECT_ENVIRONMENT", "UV_NO_SYNC", "PYTHONPATH")


def uv_executable() -> str:
    """The uv that runs this suite (it sets UV), or the one on PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        pytest.fail("uv is needed to build a user's project: install it (pip install uv)")
    return found


def run(
    *command: str | Path, cwd: Path, timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a command in a clean environment; fail the test with its output if it fails and ``check``."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN and not k.startswith("COV")}
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done


def installed_versions() -> list[str]:
    """``name==version`` of every distribution in the environment running the suite.

    A user's project gets the same versions as this run (the lock's, or the
    lowest-direct resolution's), from uv's cache: no new download, and no
    surprise from a release made since the lock.
    """
    from importlib.metadata import distributions  # noqa: PLC0415 -- only the builders need it

    pins = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name and name.lower() != "aiocustomlabels":
            pins[name.lower()] = f"{name}=={dist.version}"
    return sorted(pins.values())


def user_venv(tmp_path: Path, *requirements: str) -> Path:
    """A new venv, on this Python, with aiocustomlabels from this checkout and ``requirements``: its python."""
    uv = uv_executable()
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(installed_versions()) + "\n")
    venv = tmp_path / ".venv"
    run(uv, "venv", "--quiet", "--python", sys.executable, venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        uv, "pip", "install", "--quiet", "--python", python, "--constraints", constraints,
        *requirements, cwd=tmp_path,
    )  # fmt: skip
    return python


def this_checkout(extras: str = "") -> str:
    """The requirement that installs aiocustomlabels from this checkout, with ``extras`` (``"testing"``)."""
    suffix = f"[{extras}]" if extras else ""
    return f"aiocustomlabels{suffix} @ {ROOT.as_uri()}"
