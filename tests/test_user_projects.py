"""Other people's test suites, with aiocustomlabels[testing] installed and the plugin opted into: they pass.

The extra once installed looptime, whose pytest plugin loads in every session
and fails every test of a session without pytest-asyncio; it no longer does,
and a session that does not opt in loads nothing of ours
(tests/test_pytest_plugin.py). These tests build projects that opt in
(anyio's plugin, ``-p no:asyncio``, sync only) and run them, in this process
with pytester or in a venv of their own. In this process looptime is
installed (the suite's own tests use it): ``-p no:looptime_plugin`` stands
for a project without it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests._projects import OPT_IN, run, this_checkout, user_venv

pytest_plugins = ("pytester",)

# pytest-asyncio's option is unknown where it is not loaded: only the projects that have it set it.
STRICT_INI = """\
[pytest]
addopts = --strict-markers
filterwarnings =
    error
"""

# What any project has: sync tests of its own, asking for pytest's fixtures, then a garbage
# collection that would fail on an event loop a plugin left unclosed.
SYNC_TESTS = """\
import gc

def test_plain(tmp_path):
    assert tmp_path.exists()

def test_monkeypatched(monkeypatch):
    monkeypatch.setenv("SHELF", "1")

def test_z_nothing_was_left_unclosed():
    gc.collect()
"""

# Looks like a project without looptime, in this suite's environment, which has it.
NO_LOOPTIME = ("-p", "no:looptime_plugin")

# A project testing with anyio's plugin, on asyncio, that opts into our plugin.
ANYIO_CONFTEST = (
    OPT_IN
    + """\
import pytest

@pytest.fixture
def anyio_backend():
    return "asyncio"
"""
)
ANYIO_TESTS = """\
import anyio
import pytest

@pytest.mark.anyio
async def test_sleeps():
    await anyio.sleep(0)
"""

# Our fixtures under anyio: the virtual-clock ones work; the in-process one says what to do instead.
ANYIO_OUR_FIXTURES = """\
import pytest
from aiocustomlabels import CustomLabelsClient, ProjectVersionStatus

@pytest.mark.anyio
async def test_emulator(custom_labels_emulator, fake_custom_labels):
    version = fake_custom_labels.add_version(fake_custom_labels.add_project("shelf"), "v1", start_seconds=900)
    async with CustomLabelsClient.create() as client:
        assert await client.start_project_version(version, min_inference_units=1) is ProjectVersionStatus.STARTING
        fake_custom_labels.clock.advance(900)
        assert fake_custom_labels.describe(version).status is ProjectVersionStatus.RUNNING

@pytest.mark.anyio
async def test_in_process(custom_labels_in_process):
    pass
"""


def user_project(pytester: pytest.Pytester, *, ini: str = STRICT_INI, **modules: str) -> pytest.Pytester:
    """A user's test directory with the strict settings above and ``modules``, opted into our plugin."""
    pytester.makeini(ini)
    if not (pytester.path / "conftest.py").exists():
        pytester.makeconftest(OPT_IN)
    pytester.makepyfile(**{name: textwrap.dedent(source) for name, source in modules.items()})
    return pytester


def test_a_session_with_asyncio_disabled_passes(pytester: pytest.Pytester) -> None:
    """With -p no:asyncio, sync tests that ask for pytest's own fixtures pass, warnings as errors."""
    user_project(pytester, test_sync=SYNC_TESTS)
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio", *NO_LOOPTIME).assert_outcomes(passed=3)


def test_a_sync_only_project_passes_with_pytest_asyncio_loaded(pytester: pytest.Pytester) -> None:
    """A project of sync tests only, with pytest-asyncio and looptime loaded, leaves no loop behind."""
    user_project(
        pytester, ini=STRICT_INI + "asyncio_default_fixture_loop_scope = function\n", test_sync=SYNC_TESTS
    )
    # In a process of its own: in this one, earlier async tests have set the main thread's loop state.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=3)


def test_an_anyio_project_passes_with_asyncio_disabled(pytester: pytest.Pytester) -> None:
    """A project on anyio's plugin, run with -p no:asyncio: its sync and anyio tests pass."""
    pytester.makeconftest(ANYIO_CONFTEST)
    user_project(pytester, test_sync=SYNC_TESTS, test_anyio=ANYIO_TESTS)
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio", *NO_LOOPTIME).assert_outcomes(passed=4)


def test_our_fixtures_under_anyio_work_or_fail_at_setup_with_the_fix(pytester: pytest.Pytester) -> None:
    """Under anyio, the emulator on its virtual clock works; custom_labels_in_process errors, naming the fix."""
    pytester.makeconftest(ANYIO_CONFTEST)
    user_project(pytester, test_ours=ANYIO_OUR_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio", *NO_LOOPTIME)
    result.assert_outcomes(passed=1, errors=1)
    text = result.stdout.str()
    assert "test_in_process is run by anyio's plugin" in text
    assert "use fake_custom_labels or custom_labels_emulator" in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_an_anyio_project_without_pytest_asyncio_passes_in_its_own_venv(tmp_path: Path) -> None:
    """The issue's report: a venv with aiocustomlabels[testing] (no looptime), pytest and anyio; every test passes."""
    project = tmp_path / "anyio-service"
    tests = project / "tests"
    tests.mkdir(parents=True)
    (project / "pytest.ini").write_text(STRICT_INI)
    (tests / "conftest.py").write_text(ANYIO_CONFTEST)
    (tests / "test_sync.py").write_text(SYNC_TESTS)
    (tests / "test_anyio.py").write_text(ANYIO_TESTS)
    (tests / "test_ours.py").write_text(ANYIO_OUR_FIXTURES)
    python = user_venv(tmp_path, this_checkout("testing"), "pytest", "anyio")
    for absent in ("pytest_asyncio", "looptime"):
        assert run(python, "-c", f"import {absent}", cwd=project, check=False).returncode != 0, absent
    done = run(python, "-m", "pytest", "-p", "no:cacheprovider", "-rA", cwd=project, check=False, timeout=120)
    assert "5 passed, 1 error" in done.stdout, done.stdout
    assert "test_in_process is run by anyio's plugin" in done.stdout
