"""Helpers for tests of the client against the fake service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import looptime
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session

from aiocustomlabels import CustomLabelsClient, ProjectArn, ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, in_process

T = TypeVar("T")

#: A client config with no retries, for tests that want to see one error as it is.
NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})


def run_fast(main: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
    """Run ``main`` as ``asyncio.run`` does, on a loop whose time looptime fast-forwards from 0.

    ``asyncio.sleep(600)`` returns at once, 600 loop seconds later; with a
    ``LoopClock`` the fake ages alike.
    """
    # Not asyncio.Runner: from Python 3.12 on, its close() gives the executor's threads
    # (aiobotocore resolves names and loads certificates in them) 300 s of loop time to
    # end, which looptime fast-forwards at once, and then warns that they did not.
    loop = looptime_loop()
    loop.set_debug(bool(debug))
    try:
        return loop.run_until_complete(main)
    finally:
        close_loop(loop)


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Close ``loop`` as ``asyncio.run`` does, but with no deadline on the executor's threads (see ``run_fast``).

    Tasks still pending are cancelled and awaited first, as ``asyncio.run`` does.
    """
    try:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())  # no deadline
    finally:
        loop.close()


def virtual_fake(**kwargs: Any) -> FakeCustomLabels:
    """A fake whose clock is the running loop's: fast-forwarded under ``run_fast``."""
    # A fixed epoch keeps the times these tests compare the same in every run.
    return FakeCustomLabels(clock=LoopClock(epoch=1_700_000_000.0), **kwargs)


@contextlib.asynccontextmanager
async def client_for(
    fake: FakeCustomLabels, *, config: AioConfig | None = None
) -> AsyncIterator[CustomLabelsClient]:
    """A CustomLabelsClient on the real aiobotocore stack, routed in-process into ``fake``."""
    with in_process(fake):
        async with CustomLabelsClient.create(
            region_name="us-east-1", config=config, clock=fake.now
        ) as client:
            yield client


def dummy_session() -> AioSession:
    """A session with dummy credentials: the loopback servers of the tests check no signature."""
    session = get_session()
    session.set_credentials("test", "test")
    return session


def loopback_client(url: str, *, config: AioConfig | None = None) -> Any:
    """``CustomLabelsClient.create()`` for a loopback server at ``url``: ``async with`` it, or await it."""
    return CustomLabelsClient.create(
        region_name="us-east-1", endpoint_url=url, session=dummy_session(), config=config
    )


class StubRaw:
    """A stand-in aiobotocore client, no HTTP at all: each operation is counted, then answered by ``answer``."""

    class meta:  # noqa: N801 -- mimics botocore's client.meta
        region_name = "us-east-1"
        endpoint_url = "https://rekognition.us-east-1.amazonaws.com"

    def __init__(self, answer: Callable[..., Awaitable[dict[str, Any]]]) -> None:
        self.answer = answer
        self.calls = 0

    async def _call(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        return await self.answer(**params)

    describe_project_versions = start_project_version = stop_project_version = detect_custom_labels = _call


def looptime_loop() -> asyncio.AbstractEventLoop:
    """A new event loop on looptime's fake time, from 0: sleeps take no real time."""
    return looptime.new_event_loop(start=0.0)


def run(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on looptime's fake time, in debug mode, and check that it leaves no task behind."""

    async def checked() -> T:
        try:
            return await main()
        finally:
            await asyncio.sleep(0)
            current = asyncio.current_task()
            leftover = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
            assert not leftover, f"tasks left behind: {leftover}"

    return run_fast(checked(), debug=True)


def project_with(
    fake: FakeCustomLabels, count: int, *, name: str = "proj", status: ProjectVersionStatus | None = None
) -> tuple[ProjectArn, list[ProjectVersionArn]]:
    """A project with ``count`` versions v0..v{count-1}, oldest first."""
    project = fake.add_project(name)
    initial = ProjectVersionStatus.TRAINING_COMPLETED if status is None else status
    return project, [fake.add_version(project, f"v{i}", status=initial) for i in range(count)]
