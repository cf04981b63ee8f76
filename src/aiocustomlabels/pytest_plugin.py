"""Pytest fixtures for testing code that uses Custom Labels: a pytest plugin that a test suite opts into.

Nothing of it loads in a session that does not ask for it. Opt in from the
top-level ``conftest.py`` of your tests::

    pytest_plugins = ["aiocustomlabels.pytest_plugin"]

or with ``-p aiocustomlabels.pytest_plugin`` (in ``addopts``, say). The fixtures:

* ``fake_custom_labels``: a new ``FakeCustomLabels`` on a ``VirtualClock``;
  your own ``asyncio.sleep`` and timeouts take real time, and the fake's time
  moves only when the test calls ``advance()``;
* ``custom_labels_in_process``: a fake whose time is the test's event loop
  time, with aiobotocore's requests to Rekognition routed into it in-process
  (no socket), for ``async def`` tests run by pytest-asyncio; looptime
  fast-forwards that time while the test function runs, so waits of minutes,
  the test's own sleeps and timeouts included, take milliseconds (needs
  pytest-asyncio and ``looptime>=0.9``, which you install);
* ``custom_labels_emulator``: ``fake_custom_labels`` served on a loopback
  port, for any SDK; its time is ``fake_custom_labels``'.

Both fixtures that serve a fake set dummy credentials and the fake's region
in the environment for the test's duration.

In a session that opts in, a test that takes none of the fixtures runs
through no code of the plugin: the one hook the module has is
``pytest_configure``, and it acts only where looptime's plugin and
pytest-asyncio are both loaded. What ``custom_labels_in_process`` needs while
its test function runs, it registers for that test and unregisters after.

The fixtures import ``aiocustomlabels.testing`` when first used: it needs the
``testing`` extra, and a session that does not use them should not pay for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from aiocustomlabels.testing import FakeCustomLabels, LoopClock, ThreadedEmulator, VirtualClock

_LOOPTIME = "looptime_plugin"
_IN_PROCESS = "custom_labels_in_process"
_FAST_FORWARD = (
    "custom_labels_in_process runs its fake on the test's event loop time, which looptime "
    "fast-forwards while the test function runs"
)
_HOW = (
    "write the test as `async def`, marked @pytest.mark.asyncio (or set asyncio_mode = auto), "
    "with pytest-asyncio and looptime installed (pip install 'aiocustomlabels[testing]' pytest-asyncio 'looptime>=0.9')"
)
_ANYIO = (
    "anyio's plugin makes the test's event loop itself, and looptime fast-forwards only the loops "
    "of pytest-asyncio; with anyio, use fake_custom_labels or custom_labels_emulator and move "
    "their VirtualClock with advance()"
)
_WHY_NOT = (
    "looptime fast-forwards the loop that pytest-asyncio made for the test, unless the test is "
    "marked @pytest.mark.looptime(False), or the loop comes from a loop factory of your own "
    "(uvloop, a pytest_asyncio_loop_factories hook) or from the test itself (asyncio.run), or "
    "this looptime does not support this pytest-asyncio"
)


def pytest_configure(config: pytest.Config) -> None:
    """Where looptime's plugin and pytest-asyncio are both loaded, set "no event loop" for the session.

    looptime asks the event loop policy for the current loop before every
    test, sync tests included. With no loop ever set in the main thread (a
    session whose first tests are sync), Python 3.11 makes one that nobody
    closes (an "unclosed event loop" warning later) and 3.12 and 3.13 also
    warn "There is no current event loop": failures under ``filterwarnings =
    error``. Setting "no loop", the state pytest-asyncio leaves after each
    async test, makes that question raise the RuntimeError looptime expects.
    Any other session is left as it is: this library no longer installs
    looptime, nor turns its plugin off.
    """
    manager = config.pluginmanager
    if manager.hasplugin(_LOOPTIME) and manager.hasplugin("asyncio"):
        asyncio.set_event_loop(None)


class _TestRun:
    """One test that takes ``custom_labels_in_process``: whether its function runs, and what went wrong.

    The fixture registers it as a plugin for its test's duration, so that its
    ``pytest_runtest_call`` wraps that test's call and no other.
    """

    def __init__(self, item: pytest.Item) -> None:
        self.item = item
        self.running = False
        self.misuse: str | None = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        """Note that the test function runs, and report a misuse of the fake's time as its failure."""
        if item is not self.item:  # registered for one test only: any other passes straight through
            return (yield)
        self.running = True
        try:
            yield
        except BaseException:
            if self.misuse is None:
                raise
            # What the test saw (a cancellation, mostly) says less than the misuse, which is
            # raised below, outside this block: inside it, pytest would print "During handling
            # of the above exception" above the message.
        finally:
            self.running = False
        if self.misuse is not None:  # also when the test caught the failure: it still failed
            pytest.fail(self.misuse, pytrace=False)
        return None


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


def _test_loop_clock(run: _TestRun) -> LoopClock:
    """A ``LoopClock`` that fails the test when, in the test function, its loop does not fast-forward."""
    from aiocustomlabels.testing import LoopClock  # noqa: PLC0415 -- imported on use, see the module's docstring

    class TestLoopClock(LoopClock):
        def now(self) -> float:
            if run.running:
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
    item = request.node
    manager = request.config.pluginmanager
    # Not in the test's fixture closure, so taken by name; once every fixture of the closure
    # has its value, setup is over: the name was taken inside the test function.
    if _IN_PROCESS not in item.fixturenames and all(name in item.funcargs for name in item.fixturenames):
        _fail(
            item,
            ": take custom_labels_in_process as an argument of the test or of one of its fixtures, "
            "not through request.getfixturevalue() in the test: looptime decides whether to "
            "fast-forward before the test function starts.",
        )
    if item.get_closest_marker("anyio") is not None:
        _fail(item, f" is run by anyio's plugin. {_ANYIO}. Or {_HOW}.")
    if not manager.hasplugin("asyncio"):
        _fail(
            item,
            f": pytest-asyncio is not installed, or disabled with -p no:asyncio. {_FAST_FORWARD}: {_HOW}.",
        )
    from pytest_asyncio import is_async_test  # noqa: PLC0415 -- an optional dependency, loaded above

    if not is_async_test(item):
        _fail(item, f" is not run by pytest-asyncio. {_FAST_FORWARD}: {_HOW}.")
    if not manager.hasplugin(_LOOPTIME):
        _fail(
            item,
            ": the looptime plugin is not loaded (not installed, or disabled with "
            f"-p no:looptime_plugin). {_FAST_FORWARD}: {_HOW}.",
        )
    if request.config.getoption("looptime") is False:
        _fail(item, f": pytest runs with --no-looptime. {_FAST_FORWARD}: run without --no-looptime.")


def _fail(item: pytest.Item, reason: str) -> NoReturn:
    pytest.fail(f"{item.nodeid}{reason}", pytrace=False)


@pytest.fixture
def fake_custom_labels() -> FakeCustomLabels[VirtualClock]:
    """A new, empty fake Custom Labels service on a ``VirtualClock``: its time moves when you advance it."""
    from aiocustomlabels.testing import FakeCustomLabels  # noqa: PLC0415 -- imported on use, see the module's docstring

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
    from aiocustomlabels.testing import FakeCustomLabels, aws_environment, in_process  # noqa: PLC0415

    run = _TestRun(request.node)
    fake = FakeCustomLabels(clock=_test_loop_clock(run))
    # looptime reads its marker in its pytest_pyfunc_call, after every fixture is set up,
    # and fast-forwards the test's loop for the test function only.
    request.node.add_marker(pytest.mark.looptime)
    manager = request.config.pluginmanager
    manager.register(run)
    try:
        with in_process(fake), aws_environment(region=fake.region, credentials=False):
            yield fake
    finally:
        manager.unregister(run)


@pytest.fixture
def custom_labels_emulator(fake_custom_labels: FakeCustomLabels[VirtualClock]) -> Iterator[ThreadedEmulator]:
    """``fake_custom_labels``, served on a free loopback port for the duration of the test.

    For the test's duration the environment holds dummy credentials, the
    fake's region, and ``AWS_ENDPOINT_URL_REKOGNITION`` and
    ``AWS_ENDPOINT_URL_CLOUDWATCH`` (the emulator's URL, which serves both),
    so that clients made with no endpoint reach the emulator. Its time is
    ``fake_custom_labels.clock``, which moves when the test advances it.
    """
    from aiocustomlabels.testing import ThreadedEmulator, aws_environment  # noqa: PLC0415

    with (
        ThreadedEmulator(fake_custom_labels) as emulator,
        aws_environment(region=fake_custom_labels.region, endpoint_url=emulator.endpoint_url),
    ):
        yield emulator
