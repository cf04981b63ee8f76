"""Close means close, over real sockets: waits and listings end at once, with ClientClosedError, leaving nothing.

The emulator serves on the test's own loop, whose time looptime fast-forwards while the test
runs, and the fake's clock is that loop's: a close that did not end the work under way would
wait out its 600 s in loop time, and the test's ceiling would fire, at no cost in real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from aiobotocore.config import AioConfig

from aiocustomlabels import (
    Backoff,
    ClientClosedError,
    CustomLabelsClient,
    ProjectVersionStatus,
    TransportError,
)
from aiocustomlabels.testing import Emulator, FakeCustomLabels, LoopClock
from tests._harness import dummy_session, loopback_client

S = ProjectVersionStatus

pytestmark = pytest.mark.looptime

#: Polls far apart: a wait still waiting when the client closes would wait ten minutes.
SLOW = Backoff(min_delay=600, max_delay=600)
FAST = Backoff(min_delay=0.05, max_delay=0.2)
ONE_ATTEMPT = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def fake() -> FakeCustomLabels:
    """A fake with one project of three stopped versions; starts take an hour."""
    made = FakeCustomLabels(clock=LoopClock(), start_seconds=3600.0)
    project = made.add_project("p")
    for index in range(3):
        made.add_version(project, f"v{index}", status=S.STOPPED)
    return made


@pytest_asyncio.fixture
async def emulator(fake: FakeCustomLabels) -> AsyncIterator[Emulator]:
    """The fake on a loopback port, on the test's loop; set up at wall speed, it only listens."""
    async with Emulator(fake) as running:
        yield running


def client_tasks() -> list[asyncio.Task[Any]]:
    """Unfinished tasks other than this one, except the emulator's connection handlers."""
    current = asyncio.current_task()
    return [
        t
        for t in asyncio.all_tasks()
        if t is not current and not t.done() and "web_protocol.py" not in repr(t)
    ]


def record_loop_errors() -> list[dict[str, Any]]:
    """Collect what the loop's exception handler is given: warnings such as 'Unclosed client session'."""
    seen: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _, context: seen.append(context))
    return seen


async def until(condition: Callable[[], bool]) -> None:
    """Yield to the loop until ``condition()`` holds: the emulator runs in this loop."""
    while not condition():  # noqa: ASYNC110 -- the condition is the fake's state, which has no event
        await asyncio.sleep(0.01)


Scenario = Callable[[CustomLabelsClient, FakeCustomLabels], Awaitable[asyncio.Task[Any]]]


async def wait_between_polls(client: CustomLabelsClient, fake: FakeCustomLabels) -> asyncio.Task[Any]:
    """A wait asleep between two polls, after its start was sent."""
    asleep = asyncio.Event()
    task = asyncio.create_task(
        client.start_and_wait(
            _project(fake), "v0", min_inference_units=1, backoff=SLOW, on_delay=lambda _: asleep.set()
        )
    )
    await asleep.wait()
    return task


async def wait_in_a_request(client: CustomLabelsClient, fake: FakeCustomLabels) -> asyncio.Task[Any]:
    """A wait whose poll is in flight, the service slow to answer."""
    fake.faults.latency(600)
    task = asyncio.create_task(
        client.start_and_wait(_project(fake), "v1", min_inference_units=1, backoff=SLOW)
    )
    await until(lambda: bool(fake.requests))
    return task


async def listing_between_pages(client: CustomLabelsClient, fake: FakeCustomLabels) -> asyncio.Task[Any]:
    """A listing whose caller holds a version, the next page fetched ahead."""
    versions = client.describe_project_versions(_project(fake), page_size=1)
    await anext(versions)
    got_one = asyncio.Event()

    async def rest() -> None:
        got_one.set()
        async for _ in versions:
            await asyncio.sleep(600)

    task = asyncio.create_task(rest())
    await got_one.wait()
    return task


async def listing_on_a_slow_page(client: CustomLabelsClient, fake: FakeCustomLabels) -> asyncio.Task[Any]:
    """A listing waiting on a page the service is slow to send."""
    fake.faults.latency(600)
    task = asyncio.create_task(anext(client.describe_project_versions(_project(fake))))
    await until(lambda: bool(fake.requests))
    return task


def _project(fake: FakeCustomLabels) -> str:
    return str(next(iter(fake._projects)))


#: Loop seconds a close may take here: the work under way would take 600 s if the close did not
#: end it, so anything far below that proves the point. Not 0: through sockets looptime's time
#: may move on a little while bytes are in flight.
CEILING = 30

SCENARIOS: list[Scenario] = [
    wait_between_polls,
    wait_in_a_request,
    listing_between_pages,
    listing_on_a_slow_page,
]


@pytest.mark.asyncio
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_leaving_the_block_ends_what_is_under_way(
    scenario: Scenario, fake: FakeCustomLabels, emulator: Emulator
) -> None:
    """Leaving create()'s block ends the wait or listing at once, with ClientClosedError, no task, no warning."""
    errors = record_loop_errors()
    async with asyncio.timeout(CEILING):
        async with loopback_client(emulator.endpoint_url) as client:
            task = await scenario(client, fake)
        assert task.done()
    with pytest.raises(ClientClosedError):
        await task
    await asyncio.sleep(0)
    assert not client_tasks()
    assert errors == []


@pytest.mark.asyncio
async def test_every_scenario_at_once_ends_on_one_close(fake: FakeCustomLabels, emulator: Emulator) -> None:
    """Waits and listings under way together all end with ClientClosedError on one aclose()."""
    errors = record_loop_errors()
    client = await loopback_client(emulator.endpoint_url)
    tasks = [await wait_between_polls(client, fake), await listing_between_pages(client, fake)]
    tasks.append(await wait_in_a_request(client, fake))
    async with asyncio.timeout(CEILING):
        await client.aclose()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [type(r) for r in results] == [ClientClosedError] * 3
    assert not client_tasks()
    assert errors == []


@pytest.mark.asyncio
async def test_a_raw_client_closed_by_its_owner_first_fails_calls_as_transport_errors(
    fake: FakeCustomLabels, emulator: Emulator
) -> None:
    """An aiobotocore client passed in and closed by its owner before ours: a call fails as TransportError, nothing sent."""
    project = _project(fake)
    async with dummy_session().create_client(
        "rekognition", region_name="us-east-1", endpoint_url=emulator.endpoint_url, config=ONE_ATTEMPT
    ) as raw:
        client = CustomLabelsClient(raw)
    sent = len(fake.requests)
    # Ours is not closed: only its owner knows the aiobotocore client is, and aiobotocore says so in no public way.
    assert not client.closed
    with pytest.raises(TransportError):
        await client.describe_project_version(project, "v0")
    assert len(fake.requests) == sent
    await client.aclose()
    with pytest.raises(ClientClosedError):
        await client.describe_project_version(project, "v0")


@pytest.mark.asyncio
async def test_a_request_in_flight_when_we_close_is_closed_not_transient(
    fake: FakeCustomLabels, emulator: Emulator
) -> None:
    """A request in flight when our client closes raises ClientClosedError, not TransportError."""
    fake.faults.latency(600)
    client = await loopback_client(emulator.endpoint_url, config=ONE_ATTEMPT)
    listing = asyncio.create_task(anext(client.describe_project_versions(_project(fake))))
    await until(lambda: bool(fake.requests))
    await client.aclose()
    with pytest.raises(ClientClosedError):
        await listing
