"""The pytest plugin's fixtures, as users' test suites use them: run by pytester, in-process or not.

The tests that could hang if the plugin were wrong (a loop that does not
fast-forward) run in a subprocess with a timeout, so that a regression fails
rather than stalls the suite.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from aiocustomlabels.testing import FakeCustomLabels, VirtualClock
from tests._projects import OPT_IN, run, this_checkout, user_venv

pytest_plugins = ("pytester",)

# The issue's test, as a user writes it: no clock handling, no credentials, a 15-minute start.
ISSUE_TEST = """\
import pytest
from aiocustomlabels import CustomLabelsClient, ProjectVersionStatus

@pytest.mark.asyncio
async def test_start(custom_labels_in_process):
    fake = custom_labels_in_process
    project = fake.add_project("shelf")
    fake.add_version(project, "v1", start_seconds=900)   # a 15-minute start
    async with CustomLabelsClient.create(region_name="us-east-1") as client:
        d = await client.start_and_wait(project, "v1", min_inference_units=1, max_inference_units=3)
    assert d.status is ProjectVersionStatus.RUNNING
"""

USER_INI = """\
[pytest]
asyncio_default_fixture_loop_scope = function
filterwarnings =
    error
"""

# How long a hung subprocess may take before the test fails: far below the fake's 900 s start.
HANG = 120


@pytest.fixture
def user(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user's test directory that opts into the plugin: pytest-asyncio in strict mode, warnings are errors."""
    pytester.makeini(USER_INI)
    pytester.makeconftest(OPT_IN)
    return pytester


def module_of(source: str) -> str:
    """A test module's source, with the imports every scenario below shares."""
    header = """\
        import asyncio
        import pytest
        from aiocustomlabels import CustomLabelsClient, ProjectVersionStatus, WaitTimeoutError
        """
    return textwrap.dedent(header) + textwrap.dedent(source)


TIMEOUT_TEST = """\
@pytest.mark.asyncio
async def test_timeout(custom_labels_in_process):
    fake = custom_labels_in_process
    project = fake.add_project("shelf")
    version = fake.add_version(project, "v1", start_seconds=900)
    loop = asyncio.get_running_loop()
    async with CustomLabelsClient.create() as client:
        began = loop.time()
        with pytest.raises(EXPECTED):
            WAIT
        ended = loop.time() - began
    assert 120 <= ended < 121, ended
    assert fake.describe(version).status is ProjectVersionStatus.STARTING
"""

SLEEP_TEST = """\
@pytest.mark.asyncio
async def test_sleep(custom_labels_in_process):
    fake = custom_labels_in_process
    version = fake.add_version(fake.add_project("shelf"), "v1", start_seconds=900)
    async with CustomLabelsClient.create() as client:
        assert await client.start_project_version(version, min_inference_units=1) is ProjectVersionStatus.STARTING
        await asyncio.sleep(899)
        assert fake.describe(version).status is ProjectVersionStatus.STARTING
        await asyncio.sleep(1)
        assert fake.describe(version).status is ProjectVersionStatus.RUNNING
"""

ASYNC_FIXTURE_TEST = """\
import pytest_asyncio

@pytest_asyncio.fixture
async def shelf(custom_labels_in_process):
    fake = custom_labels_in_process
    project = fake.add_project("shelf")
    fake.add_version(project, "v1", start_seconds=900)
    await asyncio.sleep(0.01)
    return project

@pytest.mark.asyncio
async def test_start(custom_labels_in_process, shelf):
    fake = custom_labels_in_process
    before = fake.clock.now()
    async with CustomLabelsClient.create() as client:
        d = await client.start_and_wait(shelf, "v1", min_inference_units=1)
    assert d.status is ProjectVersionStatus.RUNNING
    assert fake.clock.now() - before >= 900
    (start,) = fake.requests_for("StartProjectVersion")
    assert start.at >= before
"""


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(ISSUE_TEST, id="the-issue-test"),
        pytest.param(
            TIMEOUT_TEST.replace("EXPECTED", "WaitTimeoutError").replace(
                "WAIT", "await client.start_and_wait(project, 'v1', min_inference_units=1, timeout=120)"
            ),
            id="WaitTimeoutError",
        ),
        pytest.param(
            TIMEOUT_TEST.replace("EXPECTED", "TimeoutError").replace(
                "WAIT",
                "async with asyncio.timeout(120): await client.start_and_wait(project, 'v1', min_inference_units=1)",
            ),
            id="asyncio.timeout",
        ),
        pytest.param(SLEEP_TEST, id="sleeping-in-the-test"),
        pytest.param(ASYNC_FIXTURE_TEST, id="async-fixture-sets-the-scene"),
    ],
)
def test_a_users_test_runs_on_fast_forwarded_time(user: pytest.Pytester, source: str) -> None:
    """The issue's test, timeouts, the test's own sleeps and async fixtures pass: waits take fake minutes at once."""
    user.makepyfile(module_of(source))
    user.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


MARKED = "@pytest.mark.asyncio\nasync def test_marked(custom_labels_in_process):\n    pass\n"
INSTALL = ("@pytest.mark.asyncio", "aiocustomlabels[testing]")


@pytest.mark.parametrize(
    ("source", "args", "said"),
    [
        ("async def test_no_marker(custom_labels_in_process):\n    pass\n", (), INSTALL),
        ("def test_sync(custom_labels_in_process):\n    pass\n", (), INSTALL),
        (MARKED, ("--no-looptime",), ("run without --no-looptime",)),
        (MARKED, ("-p", "no:looptime_plugin"), INSTALL),
        (
            "@pytest.mark.asyncio\nasync def test_dynamic(request):\n"
            '    request.getfixturevalue("custom_labels_in_process")\n',
            (),
            ("not through request.getfixturevalue()",),
        ),
    ],
    ids=["async-without-marker", "sync-test", "--no-looptime", "looptime-disabled", "getfixturevalue"],
)
def test_a_test_that_cannot_fast_forward_fails_at_once_with_the_fix(
    user: pytest.Pytester, source: str, args: tuple[str, ...], said: tuple[str, ...]
) -> None:
    """No marker, a sync test, looptime off or missing, a late request: the test fails naming the fix."""
    user.makepyfile(module_of(source))
    result = user.runpytest("-p", "no:cacheprovider", *args)
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", 0) + outcomes.get("failed", 0) == 1, result.stdout.str()
    text = result.stdout.str()
    assert "custom_labels_in_process" in text
    assert "Traceback" not in text
    for words in said:
        assert words in text


def test_a_loop_that_does_not_fast_forward_fails_the_test_instead_of_hanging(user: pytest.Pytester) -> None:
    """A test with looptime switched off, or on a loop of the test's own: a clear failure, never a hang."""
    user.makepyfile(
        module_of(
            """\
            @pytest.fixture
            def shelf(custom_labels_in_process):
                # Outside any loop: the first time read on a loop is in the wait's poller task.
                fake = custom_labels_in_process
                project = fake.add_project("shelf")
                fake.add_version(project, "v1", start_seconds=900)
                return project

            @pytest.mark.asyncio
            @pytest.mark.looptime(False)
            async def test_switched_off(shelf):
                async with CustomLabelsClient.create() as client:
                    await client.start_and_wait(shelf, "v1", min_inference_units=1)

            @pytest.mark.asyncio
            async def test_own_loop(shelf):
                async def wait():
                    async with CustomLabelsClient.create() as client:
                        await client.start_and_wait(shelf, "v1", min_inference_units=1)

                await asyncio.to_thread(asyncio.run, wait())
            """
        )
    )
    result = user.runpytest_subprocess("-p", "no:cacheprovider", timeout=HANG)
    result.assert_outcomes(failed=2)
    text = result.stdout.str()
    # Per test, not a count of lines: with CI set, pytest's short summary repeats each message whole.
    failing = set(re.findall(r"::(test_\w+): the running loop \(\w+\) does not fast-forward time", text))
    assert failing == {"test_switched_off", "test_own_loop"}, text
    assert "looptime(False)" in text
    assert "During handling" not in text  # the message alone, not a chain of what the test saw


def test_the_fixtures_set_dummy_credentials_and_region_only_for_the_test(user: pytest.Pytester) -> None:
    """Both fixtures set credentials and the region (the emulator its endpoint) for the test, and put all back after."""
    user.makepyfile(
        module_of(
            """\
            import os

            import boto3

            @pytest.fixture(autouse=True)
            def machine(monkeypatch):
                monkeypatch.setenv("AWS_PROFILE", "mine")
                monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
                monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
                yield
                assert os.environ["AWS_PROFILE"] == "mine"
                assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
                assert "AWS_ACCESS_KEY_ID" not in os.environ
                assert "AWS_ENDPOINT_URL_REKOGNITION" not in os.environ

            @pytest.mark.asyncio
            async def test_in_process(custom_labels_in_process):
                assert os.environ["AWS_DEFAULT_REGION"] == custom_labels_in_process.region
                assert "AWS_PROFILE" not in os.environ
                async with CustomLabelsClient.create() as client:
                    assert [v async for v in client.describe_project_versions(
                        custom_labels_in_process.add_project("p"))] == []

            def test_emulator(custom_labels_emulator, fake_custom_labels):
                assert custom_labels_emulator.fake is fake_custom_labels
                assert os.environ["AWS_DEFAULT_REGION"] == fake_custom_labels.region
                assert "AWS_PROFILE" not in os.environ
                assert os.environ["AWS_ENDPOINT_URL_CLOUDWATCH"] == custom_labels_emulator.endpoint_url
                client = boto3.client("rekognition")
                try:
                    assert client.meta.endpoint_url == custom_labels_emulator.endpoint_url
                    project = fake_custom_labels.add_project("p")
                    assert client.describe_project_versions(ProjectArn=project)["ProjectVersionDescriptions"] == []
                finally:
                    client.close()
                assert len(fake_custom_labels.requests_for("DescribeProjectVersions")) == 1
            """
        )
    )
    user.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_fake_fixture_is_on_a_virtual_clock(fake_custom_labels: FakeCustomLabels[VirtualClock]) -> None:
    """fake_custom_labels is a new fake on a VirtualClock, whose advance() moves its time."""
    before = fake_custom_labels.clock.now()
    fake_custom_labels.clock.advance(10)
    assert fake_custom_labels.clock.now() == before + 10
    assert (fake_custom_labels.requests, fake_custom_labels.faults.pending) == ((), ())


def test_a_fixture_may_take_the_in_process_fake_by_name_at_setup(user: pytest.Pytester) -> None:
    """A fixture that takes custom_labels_in_process through getfixturevalue() at setup gets fast-forwarded time."""
    user.makepyfile(
        module_of(
            """\
            @pytest.fixture(params=["custom_labels_in_process"])
            def fake(request):
                return request.getfixturevalue(request.param)

            @pytest.mark.asyncio
            async def test_start(fake):
                project = fake.add_project("shelf")
                version = fake.add_version(project, "v1", start_seconds=900)
                async with CustomLabelsClient.create() as client:
                    await client.start_and_wait(project, "v1", min_inference_units=1)
                assert fake.describe(version).status is ProjectVersionStatus.RUNNING
            """
        )
    )
    user.runpytest_subprocess("-p", "no:cacheprovider", timeout=HANG).assert_outcomes(passed=1)


# -- what a session sees of the plugin ------------------------------------------------------------

# A user's conftest.py that reports, before any test runs, what the session holds of
# aiocustomlabels, whether looptime's plugin is blocked, and what asking for the main thread's
# event loop gives: "no loop" once set_event_loop(None) was called, else a loop made on demand.
PROBE = """\
import asyncio
import sys
import warnings


def loop_state():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12 and 3.13: no current event loop
        policy = asyncio.get_event_loop_policy()
        try:
            loop = policy.get_event_loop()
        except RuntimeError:
            return f"{type(policy).__name__}, no loop"
    loop.close()
    asyncio.set_event_loop(None)
    return f"{type(policy).__name__}, a loop made on demand"


def pytest_report_header(config):
    manager = config.pluginmanager
    plugins = sorted(
        str(name) for name, plugin in manager.list_name_plugin()
        if "aiocustomlabels" in f"{name} {getattr(plugin, '__name__', '')} {type(plugin).__module__}"
    )
    return [
        f"probe modules: {sorted(m for m in sys.modules if m.startswith('aiocustomlabels'))}",
        f"probe plugins: {plugins}",
        f"probe looptime_plugin blocked: {manager.is_blocked('looptime_plugin')}",
        f"probe event loop: {loop_state()}",
    ]
"""

# Tests that take none of the fixtures: a sync one first, then an async one.
UNCONCERNED = """\
import asyncio
import pytest

def test_sync(tmp_path):
    assert tmp_path.exists()

@pytest.mark.asyncio
async def test_async():
    await asyncio.sleep(0)
"""


def header(result: pytest.RunResult, name: str) -> str:
    """The value of the line ``name`` that a conftest.py above wrote."""
    (line,) = (line for line in result.outlines if line.startswith(f"{name}: "))
    return line.removeprefix(f"{name}: ")


def test_a_session_that_does_not_opt_in_loads_nothing_of_the_plugin(pytester: pytest.Pytester) -> None:
    """Without the opt-in: no module of ours imported, looptime's plugin not blocked, the loop as pytest-asyncio leaves it."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest(PROBE)
    pytester.makepyfile(test_unconcerned=UNCONCERNED)
    # In processes of their own: this one has imported the plugin, and set the main thread's loop state.
    session = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=HANG)
    session.assert_outcomes(passed=2)
    asyncio_alone = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:looptime_plugin", timeout=HANG
    )
    asyncio_alone.assert_outcomes(passed=2)
    assert header(session, "probe modules") == "[]"
    assert header(session, "probe plugins") == "[]"
    assert header(session, "probe looptime_plugin blocked") == "False"
    assert header(session, "probe event loop") == header(asyncio_alone, "probe event loop")


def test_an_opted_in_session_with_looptime_and_pytest_asyncio_starts_with_no_loop_set(
    pytester: pytest.Pytester,
) -> None:
    """Opted in, with looptime and pytest-asyncio: "no loop" is set before the first test, and nothing is blocked."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    error\n")
    pytester.makeconftest(OPT_IN + PROBE)
    pytester.makepyfile(test_unconcerned=UNCONCERNED)
    session = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=HANG)
    session.assert_outcomes(passed=2)
    assert header(session, "probe plugins") == "['aiocustomlabels.pytest_plugin']"
    assert header(session, "probe looptime_plugin blocked") == "False"
    assert header(session, "probe event loop").endswith(", no loop")


# A user's conftest.py that opts in and lists, per test, the hook implementations of ours that ran.
RECORDER = (
    OPT_IN
    + """\
import pytest

OURS = []


def pytest_configure(config):
    def before(hook_name, hook_impls, kwargs):
        item = kwargs.get("item") or kwargs.get("pyfuncitem")
        for impl in hook_impls:
            if impl.function.__module__.startswith("aiocustomlabels"):
                OURS.append(f"{hook_name} {item.name if item else '-'}")

    def after(outcome, hook_name, hook_impls, kwargs):
        pass

    config.add_cleanup(config.pluginmanager.add_hookcall_monitoring(before, after))


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"probe ours: {sorted(set(OURS))}")
"""
)


def test_in_an_opted_in_session_no_hook_of_ours_runs_for_a_test_that_takes_no_fixture_of_ours(
    user: pytest.Pytester,
) -> None:
    """Opted in: hooks of ours run for the test that takes custom_labels_in_process, and for no other test."""
    user.makeconftest(RECORDER)
    user.makepyfile(
        test_unconcerned=UNCONCERNED,
        test_ours="""\
import pytest

@pytest.mark.asyncio
async def test_in_process(custom_labels_in_process):
    pass

def test_emulator(custom_labels_emulator):
    pass
""",
    )
    result = user.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert header(result, "probe ours") == "['pytest_runtest_call test_in_process']"


# -- a user's project, outside this repository ------------------------------------------------------

USER_PYPROJECT = """\
[project]
name = "shelf-service"
version = "1"
requires-python = ">=3.11"
dependencies = ["aiocustomlabels[testing]", "pytest", "pytest-asyncio", "looptime>=0.9"]

[tool.pytest.ini_options]
asyncio_default_fixture_loop_scope = "function"
filterwarnings = ["error"]
"""

# Sync tests before the first async one, then a garbage collection: an event loop left
# unclosed (or a "no current event loop" warning) by a plugin would fail here.
SYNC_FIRST = """\
def test_a_sync_test_comes_first():
    assert True
"""
GC_LAST = """\
import gc

def test_nothing_was_left_unclosed():
    gc.collect()
"""


@pytest.mark.slow
def test_the_issue_test_passes_in_a_users_project(tmp_path: Path) -> None:
    """In a new venv with aiocustomlabels[testing], pytest, pytest-asyncio and looptime, opted in: the issue's test passes."""
    project = tmp_path / "shelf-service"
    project.mkdir()
    (project / "pyproject.toml").write_text(USER_PYPROJECT)
    tests = project / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(OPT_IN)
    (tests / "test_a_sync.py").write_text(SYNC_FIRST)
    (tests / "test_issue.py").write_text(ISSUE_TEST)
    (tests / "test_z_gc.py").write_text(GC_LAST)
    python = user_venv(tmp_path, this_checkout("testing"), "pytest", "pytest-asyncio", "looptime>=0.9")
    done = run(
        python, "-m", "pytest", "-p", "no:cacheprovider", "--durations=0", "-vv", cwd=project, timeout=HANG
    )
    assert "3 passed" in done.stdout, done.stdout
    assert "tests/test_issue.py::test_start PASSED" in done.stdout
