"""Pytest fixtures for testing code that uses Custom Labels, registered as a pytest plugin.

Installing aiocustomlabels makes them available to every test suite:

* ``fake_custom_labels``: a new ``FakeCustomLabels`` on a ``VirtualClock``;
* ``custom_labels_in_process``: a fake whose time is the test's event loop
  time, with aiobotocore's requests to Rekognition routed into it in-process
  (no socket), for ``async def`` tests run by pytest-asyncio; looptime
  fast-forwards that time while the test function runs, so waits of minutes
  take milliseconds (needs the ``testing`` extra);
* ``custom_labels_emulator``: ``fake_custom_labels`` served on a loopback
  port, for any SDK.

Both fixtures that serve a fake set dummy credentials and the fake's region
in the environment for the test's duration.

This module lives outside the package and imports it only inside the
fixtures: pytest loads plugins in every test run of every project that has
aiocustomlabels installed, before coverage starts, and that must cost nothing.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from aiocustomlabels.testing import FakeCustomLabels, LoopClock, ThreadedEmulator, VirtualClock

_FAST_FORWARD = (
    "custom_labels_in_process runs its fake on the test's event loop time, which looptime "
    "fast-forwards while the test function runs"
)
_HOW = (
    "write the test as `async def`, marked @pytest.mark.asyncio (or set asyncio_mode = auto), "
    "with pytest-asyncio and looptime installed (pip install 'aiocustomlabels[testing]' pytest-asyncio)"
)
_WHY_NOT = (
    "looptime fast-forwards the loop that pytest-asyncio made for the test, unless the test is "
    "marked @pytest.mark.looptime(False), or the loop comes from a loop factory of your own "
    "(uvloop, a pytest_asyncio_loop_factories hook) or from the test itself (asyncio.run), or "
    "this looptime does not support this pytest-asyncio"
)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Keep looptime from making an event loop of its own for each session's first sync tests.

    looptime asks the event loop policy for the current loop before every
    test; with no loop ever set in the main thread, Python 3.11 makes one
    that nobody closes (an "unclosed event loop" ResourceWarning later) and
    3.12 and 3.13 also warn "There is no current event loop" (a failure under
    ``filterwarnings = error``). Marking "no loop" as set, as pytest-asyncio
    leaves it after each async test, makes that question raise RuntimeError,
    which looptime expects. Nothing is changed when a loop was ever set.
    """
    get_policy = getattr(asyncio, "get_event_loop_policy", None)  # deprecated in 3.14, to go later
    if get_policy is None or not config.pluginmanager.hasplugin("looptime_plugin"):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        policy = get_policy()
    local = getattr(policy, "_local", None)
    if (
        local is not None
        and getattr(local, "_loop", None) is None
        and not getattr(local, "_set_called", True)
    ):
        policy.set_event_loop(None)


class _TestRun:
    """The test whose function is running, and what went wrong with its fake's time."""

    def __init__(self, item: pytest.Item) -> None:
        self.item = item
        self.misuse: str | None = None


# The test function running now in a session, if any. Kept per session, not per process:
# pytester runs sessions inside a test of another.
_RUNNING = pytest.StashKey[_TestRun | None]()


def _running(config: pytest.Config) -> _TestRun | None:
    return config.stash.get(_RUNNING, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Note the test function that runs, and report a misuse of the fake's time as its failure."""
    run = item.config.stash[_RUNNING] = _TestRun(item)
    try:
        yield
    except BaseException:
        if run.misuse is None:
            raise
        # What the test saw (a cancellation, mostly) says less than the misuse, which is
        # raised below, outside this block: inside it, pytest would print "During handling
        # of the above exception" above the message.
    finally:
        item.config.stash[_RUNNING] = None
    if run.misuse is not None:  # also when the test caught the failure: it still failed
        pytest.fail(run.misuse, pytrace=False)


def _misuse(run: _TestRun, loop: asyncio.AbstractEventLoop) -> NoReturn:
    """Fail the test: its loop's time is real time, so the fake's waits would take real minutes."""
    message = (
        f"{run.item.nodeid}: the running loop ({type(loop).__name__}) does not fast-forward time, "
        f"so a wait on the fake would take as long as on AWS. {_FAST_FORWARD}; {_WHY_NOT}. To fix: {_HOW}."
    )
    run.misuse = message
    # The failure may be raised in a task the test does not await (a shared poller's): end
    # the test's other tasks too, so that nothing waits for an answer that cannot come.
    current = asyncio.current_task(loop)
    for task in asyncio.all_tasks(loop):
        if task is not current:
            task.cancel()
    # A BaseException: botocore's `except Exception` around the HTTP call would retry an Exception.
    pytest.fail(message, pytrace=False)


def _test_loop_clock(config: pytest.Config) -> LoopClock:
    """A ``LoopClock`` that fails the test when, in the test function, its loop does not fast-forward."""
    from aiocustomlabels.testing import LoopClock  # noqa: PLC0415 -- imported on use, see above

    class TestLoopClock(LoopClock):
        def now(self) -> float:
            run = _running(config)
            if run is not None:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    loop = None
                # Fixtures run at wall speed; only the test function must be fast-forwarded.
                if loop is not None and not getattr(loop, "looptime_on", False):
                    _misuse(run, loop)
            return super().now()

    return TestLoopClock()


def _check_fast_forward(request: pytest.FixtureRequest) -> None:
    """Fail at setup, with the fix, where the test cannot run on fast-forwarded time."""
    nodeid = request.node.nodeid
    if _running(request.config) is not None:
        pytest.fail(
            f"{nodeid}: take custom_labels_in_process as an argument of the test or of one of its "
            "fixtures, not through request.getfixturevalue() in the test: looptime decides "
            "whether to fast-forward before the test function starts.",
            pytrace=False,
        )
    try:
        from pytest_asyncio import is_async_test  # noqa: PLC0415 -- an optional dependency
    except ImportError:
        pytest.fail(f"{nodeid}: pytest-asyncio is not installed. {_FAST_FORWARD}: {_HOW}.", pytrace=False)
    if not is_async_test(request.node):
        pytest.fail(f"{nodeid} is not run by pytest-asyncio. {_FAST_FORWARD}: {_HOW}.", pytrace=False)
    if not request.config.pluginmanager.hasplugin("looptime_plugin"):
        pytest.fail(
            f"{nodeid}: the looptime plugin is not loaded (not installed, or disabled with "
            f"-p no:looptime_plugin). {_FAST_FORWARD}: {_HOW}.",
            pytrace=False,
        )
    if request.config.getoption("looptime") is False:
        pytest.fail(
            f"{nodeid}: pytest runs with --no-looptime. {_FAST_FORWARD}: run without --no-looptime.",
            pytrace=False,
        )


@pytest.fixture
def fake_custom_labels() -> FakeCustomLabels[VirtualClock]:
    """A new, empty fake Custom Labels service on a ``VirtualClock``: its time moves when you advance it."""
    from aiocustomlabels.testing import FakeCustomLabels  # noqa: PLC0415 -- imported on use, see above

    return FakeCustomLabels()


@pytest.fixture
def custom_labels_in_process(request: pytest.FixtureRequest) -> Iterator[FakeCustomLabels[LoopClock]]:
    """A new fake on the test's event loop time, with aiobotocore's requests routed into it in-process.

    For ``async def`` tests run by pytest-asyncio: looptime fast-forwards the
    loop's time while the test function runs, so ``start_and_wait`` on a
    15-minute start returns at once, and ``await asyncio.sleep(900)`` lets
    15 fake minutes pass. For the test's duration, dummy credentials and the
    fake's region are set in the environment. A test that cannot run on
    fast-forwarded time fails with the reason and the fix, instead of
    waiting as long as AWS would.
    """
    _check_fast_forward(request)
    from aiocustomlabels.testing import FakeCustomLabels, in_process  # noqa: PLC0415
    from aiocustomlabels.testing._inprocess import environment  # noqa: PLC0415

    fake = FakeCustomLabels(clock=_test_loop_clock(request.config))
    # looptime reads its marker in its pytest_pyfunc_call, after every fixture is set up,
    # and fast-forwards the test's loop for the test function only.
    request.node.add_marker(pytest.mark.looptime)
    with in_process(fake), environment({"AWS_DEFAULT_REGION": fake.region}):
        yield fake


@pytest.fixture
def custom_labels_emulator(fake_custom_labels: FakeCustomLabels[VirtualClock]) -> Iterator[ThreadedEmulator]:
    """``fake_custom_labels``, served on a free loopback port for the duration of the test.

    For the test's duration the environment holds dummy credentials, the
    fake's region, and ``AWS_ENDPOINT_URL_REKOGNITION`` and
    ``AWS_ENDPOINT_URL_CLOUDWATCH`` (the emulator's URL, which serves both),
    so that clients made with no endpoint reach the emulator. Its time is
    ``fake_custom_labels.clock``, which moves when the test advances it.
    """
    from aiocustomlabels.testing import ThreadedEmulator  # noqa: PLC0415
    from aiocustomlabels.testing._inprocess import FAKE_ENV, environment  # noqa: PLC0415

    with ThreadedEmulator(fake_custom_labels) as emulator:
        variables = {
            **FAKE_ENV,
            "AWS_DEFAULT_REGION": fake_custom_labels.region,
            "AWS_ENDPOINT_URL_REKOGNITION": emulator.endpoint_url,
            "AWS_ENDPOINT_URL_CLOUDWATCH": emulator.endpoint_url,
        }
        with environment(variables):
            yield emulator
