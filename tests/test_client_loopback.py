"""The client over real HTTP: the loopback emulator, aiohttp sockets, botocore's retries.

The emulator serves on the test's own loop, whose time looptime fast-forwards while the test
runs, and the fake's clock is that loop's: starts, backoffs and latencies take no real time.
Through sockets looptime's time may move on a little while bytes are in flight, so these tests
assert what was sent and what came back, never loop times.
"""

from __future__ import annotations

import asyncio
import gc
import types
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from aiocustomlabels import Backoff, CustomLabelsClient, ProjectVersionStatus, ResourceNotFoundError
from aiocustomlabels.testing import Emulator, FakeCustomLabels, LoopClock
from tests._harness import loopback_client

#: Polls 5 to 20 s apart: a handful over a 60 s start, each a round trip over real sockets.
FAST = Backoff(min_delay=5, max_delay=20)

S = ProjectVersionStatus

pytestmark = pytest.mark.looptime


def client_tasks() -> list[asyncio.Task[object]]:
    """Unfinished tasks other than this one, except the emulator's own connection handlers."""
    current = asyncio.current_task()
    return [
        t
        for t in asyncio.all_tasks()
        if t is not current and not t.done() and "web_protocol.py" not in repr(t)
    ]


@pytest.fixture
def fake() -> FakeCustomLabels:
    """A fake on the test's loop time: a 60 s start is waited out at once."""
    return FakeCustomLabels(clock=LoopClock(), start_seconds=60.0, stop_seconds=20.0)


@pytest_asyncio.fixture
async def client(fake: FakeCustomLabels) -> AsyncIterator[CustomLabelsClient]:
    """A client of the emulator on a free loopback port, both on the test's loop.

    Set up at wall speed (looptime fast-forwards the test function only): it only listens and connects nothing.
    """
    async with Emulator(fake) as emulator, loopback_client(emulator.endpoint_url) as client:
        yield client


@pytest.mark.asyncio
async def test_lists_over_http(fake: FakeCustomLabels, client: CustomLabelsClient) -> None:
    """Listing over HTTP chains tokens and yields every version once, newest first."""
    project = fake.add_project("p")
    for i in range(25):
        fake.add_version(project, f"v{i:02}")
    found = [v.project_version_arn async for v in client.describe_project_versions(project, page_size=10)]
    assert [str(a).rsplit("/", 2)[-2] for a in found] == [f"v{i:02}" for i in range(24, -1, -1)]
    assert len(fake.requests_for("DescribeProjectVersions")) == 3


@pytest.mark.asyncio
async def test_start_and_wait_over_http(fake: FakeCustomLabels, client: CustomLabelsClient) -> None:
    """start_and_wait starts once over HTTP and returns RUNNING with the units sent."""
    project = fake.add_project("p")
    arn = fake.add_version(project, "v1", status=S.STOPPED)
    result = await client.start_and_wait(
        project, "v1", min_inference_units=1, max_inference_units=2, backoff=FAST, timeout=600
    )
    assert (result.status, result.min_inference_units, result.max_inference_units) == (S.RUNNING, 1, 2)
    assert [r.params for r in fake.requests_for("StartProjectVersion")] == [
        {"ProjectVersionArn": arn, "MinInferenceUnits": 1, "MaxInferenceUnits": 2}
    ]


@pytest.mark.asyncio
async def test_dropped_and_truncated_answers_are_retried(
    fake: FakeCustomLabels, client: CustomLabelsClient
) -> None:
    """A dropped connection and a truncated body are retried by botocore; the listing completes."""
    project = fake.add_project("p")
    fake.add_version(project, "v1")
    fake.faults.drop("DescribeProjectVersions")
    fake.faults.truncate("DescribeProjectVersions")
    assert len([v async for v in client.describe_project_versions(project)]) == 1
    assert len(fake.requests_for("DescribeProjectVersions")) == 3


@pytest.mark.asyncio
async def test_service_error_over_http(fake: FakeCustomLabels, client: CustomLabelsClient) -> None:
    """An unknown project raises ResourceNotFoundError with the request id of the HTTP answer."""
    missing = "arn:aws:rekognition:us-east-1:111122223333:project/none/1"
    with pytest.raises(ResourceNotFoundError) as info:
        await anext(client.describe_project_versions(missing))
    assert info.value.request_id


@pytest.mark.asyncio
async def test_cancel_mid_wait_over_http(fake: FakeCustomLabels, client: CustomLabelsClient) -> None:
    """Cancelling start_and_wait over real sockets leaves no task and no unclosed connection."""
    project = fake.add_project("p")
    fake.add_version(project, "v1", status=S.STOPPED)
    task = asyncio.create_task(
        client.start_and_wait(
            project, "v1", min_inference_units=1, backoff=Backoff(min_delay=0.05, max_delay=0.1)
        )
    )
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not client_tasks()


@pytest.mark.asyncio
async def test_cancel_mid_iteration_over_http(fake: FakeCustomLabels, client: CustomLabelsClient) -> None:
    """Cancelling a listing while a page is in flight over HTTP leaves no task behind."""
    project = fake.add_project("p")
    for i in range(6):
        fake.add_version(project, f"v{i}")
    fake.faults.latency(0.3)

    async def consume() -> None:
        async for _ in client.describe_project_versions(project, page_size=2):
            await asyncio.sleep(0.05)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.4)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert not client_tasks()


@pytest.mark.asyncio
async def test_a_listing_keeps_no_response_body_alive(
    fake: FakeCustomLabels, client: CustomLabelsClient
) -> None:
    """Once listed, no page's raw body stays referenced (by a context that aiohttp's timers copied, say)."""
    project = fake.add_project("keeps-no-body")
    for i in range(30):
        fake.add_version(project, f"v{i:02}")
    assert len([v async for v in client.describe_project_versions(project, page_size=5)]) == 30
    gc.collect()
    # Not the modules: their globals are in their dicts, which get_objects() lists anyway, and on
    # CPython 3.12.0-3.12.5 the referents of _asyncio are the freed future iterators of its free
    # list (gh-122695): handed out and dropped, they corrupt it, and the worker's next full
    # collection loops forever in its module_traverse, holding the GIL (pytest-timeout too).
    objects = [o for o in gc.get_objects() if not isinstance(o, types.ModuleType)]
    bodies = [
        o
        for o in gc.get_referents(*objects)
        if isinstance(o, bytes) and o.startswith(b'{"ProjectVersionDescriptions"') and b"keeps-no-body" in o
    ]
    # Six pages were read; the emulator, in this process, may still hold its last answer.
    assert len(bodies) <= 1
