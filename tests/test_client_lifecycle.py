"""CustomLabelsClient as an async resource: who closes what, and what closing ends."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from typing import Any

import pytest
from aiobotocore.session import get_session
from botocore.exceptions import NoRegionError

from aiocustomlabels import (
    ClientClosedError,
    ConfigurationError,
    CustomLabelsClient,
    ProjectVersionDescription,
    ProjectVersionStatus,
)
from aiocustomlabels._polling import SharedPoller
from aiocustomlabels.testing import in_process
from tests._harness import client_for, project_with, run, virtual_fake

S = ProjectVersionStatus


def test_a_client_passed_in_stays_open_after_the_block() -> None:
    """Async with CustomLabelsClient(raw) closes our client, not the caller's aiobotocore client."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)

    async def main() -> None:
        with in_process(fake):
            async with get_session().create_client("rekognition", region_name="us-east-1") as raw:
                async with CustomLabelsClient(raw) as client:
                    assert client.raw is raw
                    states = [client.closed]
                states.append(client.closed)
                assert states == [False, True]
                # The raw client still works: the caller owns it.
                page = await raw.describe_project_versions(ProjectArn=project)
                assert len(page["ProjectVersionDescriptions"]) == 1

    run(main)


@pytest.mark.parametrize(
    ("options", "cause"),
    [
        ({"region_name": "us-east-1", "endpoint_url": "not-a-url"}, ValueError),
        ({"region_name": None}, NoRegionError),
    ],
    ids=["bad-endpoint-url", "no-region"],
)
def test_create_raises_configuration_error_for_what_botocore_refuses(
    options: dict[str, Any], cause: type[Exception]
) -> None:
    """create() with an endpoint URL that is not one, or no region, raises ConfigurationError, botocore's error as cause."""

    async def main() -> None:
        with pytest.raises(ConfigurationError, match="region" if cause is NoRegionError else None) as raised:
            async with CustomLabelsClient.create(**options):
                pass  # pragma: no cover -- never reached
        assert isinstance(raised.value.__cause__, cause)

    run(main)


def test_create_owns_and_closes_its_raw_client() -> None:
    """A client made by create() closes its aiobotocore client on aclose()."""
    closed: list[bool] = []

    async def main() -> None:
        with in_process(virtual_fake()):
            client = await CustomLabelsClient.create(region_name="us-east-1")
            original = client.raw.__aexit__

            async def spy(*args: Any) -> None:
                closed.append(True)
                await original(*args)

            client.raw.__aexit__ = spy  # type: ignore[method-assign, assignment]
            await client.aclose()
            await client.aclose()  # twice is harmless

    run(main)
    assert closed == [True]


def test_calls_after_close_raise_and_send_nothing() -> None:
    """Every call on a closed client raises ClientClosedError, and nothing is sent."""
    fake = virtual_fake()
    project, (arn,) = project_with(fake, 1)

    async def main() -> None:
        async with client_for(fake) as client:
            await client.aclose()
            with pytest.raises(ClientClosedError):
                await client.describe_project_version(project, "v0")
            with pytest.raises(ClientClosedError):
                await client.start_project_version(arn, min_inference_units=1)
            with pytest.raises(ClientClosedError):
                await client.start_and_wait(project, "v0", min_inference_units=1)
            with pytest.raises(ClientClosedError):
                client.describe_project_versions(project)

    run(main)
    assert fake.requests == ()


@pytest.mark.parametrize("status", [S.TRAINING_COMPLETED, S.STARTING])
def test_closing_ends_a_wait_under_way(status: ProjectVersionStatus) -> None:
    """A wait under way ends with ClientClosedError as soon as the client closes, with no task left."""
    fake = virtual_fake(start_seconds=3600)
    project, _ = project_with(fake, 1, status=status)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        async with client_for(fake) as client:
            wait = asyncio.create_task(client.start_and_wait(project, "v0", min_inference_units=1))
            await asyncio.sleep(100)
            began = loop.time()
            await client.aclose()
            with pytest.raises(ClientClosedError):
                await wait
            return loop.time() - began

    assert run(main) == 0.0


def test_closing_ends_a_wait_inside_its_callback() -> None:
    """A wait busy in a slow on_status is ended by closing too, not left to finish the callback."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)
    began = asyncio.Event()

    async def slow(description: ProjectVersionDescription) -> None:
        began.set()
        await asyncio.sleep(3600)

    async def main() -> None:
        async with client_for(fake) as client:
            wait = asyncio.create_task(
                client.start_and_wait(project, "v0", min_inference_units=1, on_status=slow)
            )
            await began.wait()
            await client.aclose()
            assert wait.done()
            with pytest.raises(ClientClosedError):
                await wait

    run(main)


def test_aclose_from_inside_a_callback_ends_that_wait() -> None:
    """A wait whose own callback closes the client ends with ClientClosedError, and aclose() returns."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)
    holder: dict[str, CustomLabelsClient] = {}

    async def close_it(description: ProjectVersionDescription) -> None:
        await holder["client"].aclose()

    async def main() -> None:
        async with client_for(fake) as client:
            holder["client"] = client
            with pytest.raises(ClientClosedError):
                await client.start_and_wait(project, "v0", min_inference_units=1, on_status=close_it)

    run(main)
    assert fake.requests_for("StartProjectVersion") == ()


def test_closing_ends_a_listing_under_way() -> None:
    """A listing ends with ClientClosedError after the close, even with a page already fetched ahead."""
    fake = virtual_fake()
    project, _ = project_with(fake, 5)

    async def main() -> list[Any]:
        seen = []
        async with client_for(fake) as client:
            versions = client.describe_project_versions(project, page_size=2)
            seen.append(await versions.__anext__())
            await asyncio.sleep(0)  # the next page is fetched meanwhile
            await client.aclose()
            with pytest.raises(ClientClosedError):
                await versions.__anext__()
        return seen

    assert len(run(main)) == 1


def test_closing_ends_a_listing_waiting_on_a_slow_page() -> None:
    """A listing waiting on a page in flight ends at once when the client closes."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)
    fake.faults.latency(600)

    async def main() -> None:
        async with client_for(fake) as client:
            listing = asyncio.create_task(anext(client.describe_project_versions(project)))
            await asyncio.sleep(1)
            await client.aclose()
            with pytest.raises(ClientClosedError):
                await listing

    run(main)


def test_cancelling_a_wait_is_still_a_cancellation() -> None:
    """A wait cancelled by its caller raises CancelledError, not ClientClosedError, and the client stays open."""
    fake = virtual_fake(start_seconds=3600)
    project, _ = project_with(fake, 1)

    async def main() -> None:
        async with client_for(fake) as client:
            wait = asyncio.create_task(client.start_and_wait(project, "v0", min_inference_units=1))
            await asyncio.sleep(100)
            wait.cancel()
            with pytest.raises(asyncio.CancelledError):
                await wait
            assert not client.closed

    run(main)


@pytest.mark.parametrize("error", [RuntimeError("display broke"), asyncio.CancelledError()], ids=type)
def test_a_raising_on_delay_ends_only_its_own_wait(error: BaseException) -> None:
    """What on_delay raises, even CancelledError in the shared poller's task, ends only its own wait."""
    fake = virtual_fake(start_seconds=300)
    project, _ = project_with(fake, 2)

    def boom(delay: float) -> None:
        raise error

    async def main() -> list[BaseException | ProjectVersionDescription]:
        async with client_for(fake) as client, asyncio.timeout(86_400):  # a hung wait fails, not hangs
            return list(
                await asyncio.gather(
                    client.start_and_wait(project, "v0", min_inference_units=1, on_delay=boom),
                    client.start_and_wait(project, "v1", min_inference_units=1),
                    return_exceptions=True,
                )
            )

    failed, other = run(main)
    assert type(failed) is type(error)  # gather reports a cancelled task with a CancelledError of its own
    assert str(failed) == str(error)
    assert isinstance(other, ProjectVersionDescription)
    assert other.status is S.RUNNING


def _raising_on(
    status: ProjectVersionStatus, *, coroutine: bool
) -> Callable[[ProjectVersionDescription], object]:
    """An on_status that raises on ``status``, as a plain function or a coroutine function."""

    def plain(description: ProjectVersionDescription) -> None:
        if description.status is status:
            raise RuntimeError(f"display broke on {description.status}")

    async def coro(description: ProjectVersionDescription) -> None:
        plain(description)

    return coro if coroutine else plain


@pytest.mark.parametrize("coroutine", [False, True], ids=["plain", "coroutine"])
@pytest.mark.parametrize("status", [S.TRAINING_COMPLETED, S.STARTING], ids=["before-start", "after-start"])
def test_a_raising_on_status_ends_only_its_own_wait(status: ProjectVersionStatus, coroutine: bool) -> None:
    """What on_status raises reaches that wait's caller; the other waits of the project, with no timeout, go on."""
    fake = virtual_fake(start_seconds=300)
    project, _ = project_with(fake, 3)

    async def main() -> list[BaseException | ProjectVersionDescription]:
        async with client_for(fake) as client, asyncio.timeout(86_400):  # a hung wait fails, not hangs
            return list(
                await asyncio.gather(
                    client.start_and_wait(
                        project,
                        "v0",
                        min_inference_units=1,
                        on_status=_raising_on(status, coroutine=coroutine),
                    ),
                    client.start_and_wait(project, "v1", min_inference_units=1),
                    client.stop_and_wait(project, "v2"),
                    return_exceptions=True,
                )
            )

    failed, started, stopped = run(main)
    assert isinstance(failed, RuntimeError)
    assert str(failed) == f"display broke on {status}"
    assert isinstance(started, ProjectVersionDescription)
    assert started.status is S.RUNNING
    assert isinstance(stopped, ProjectVersionDescription)


def test_an_unexpected_poller_error_reaches_every_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the shared poller ends each of its waits with the error: none is left waiting, nothing unreported."""
    fake = virtual_fake(start_seconds=300)
    project, _ = project_with(fake, 2)
    reported: list[dict[str, Any]] = []

    def broken(self: SharedPoller) -> float:
        raise RuntimeError("bug in the poller")

    monkeypatch.setattr(SharedPoller, "_delay", broken)

    async def main() -> list[BaseException | ProjectVersionDescription]:
        asyncio.get_running_loop().set_exception_handler(lambda _, context: reported.append(context))
        async with client_for(fake) as client, asyncio.timeout(86_400):
            results = await asyncio.gather(
                client.start_and_wait(project, "v0", min_inference_units=1),
                client.start_and_wait(project, "v1", min_inference_units=1),
                return_exceptions=True,
            )
        gc.collect()  # a task that died with its exception unread would be reported now
        return list(results)

    results = run(main)
    assert [str(r) for r in results] == ["bug in the poller"] * 2
    assert reported == []


def test_repr_says_closed() -> None:
    """The repr shows the region, the endpoint and, once closed, that it is."""

    async def main() -> tuple[str, str]:
        async with client_for(virtual_fake()) as client:
            before = repr(client)
            await client.aclose()
            return before, repr(client)

    before, after = run(main)
    assert before.startswith("<CustomLabelsClient us-east-1 https://rekognition.us-east-1.amazonaws.com")
    assert after.endswith(" closed>")


def test_a_close_that_a_callback_swallows_leaves_no_cancellation_pending() -> None:
    """An on_status that swallows the close's cancellation: the wait ends with ClientClosedError, none left pending."""
    fake = virtual_fake()
    project, _ = project_with(fake, 1)
    started = asyncio.Event()

    async def stubborn(description: ProjectVersionDescription) -> None:
        started.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(10)

    async def main() -> int:
        async with client_for(fake) as client:

            async def caller() -> int:
                with pytest.raises(ClientClosedError):
                    await client.start_and_wait(project, "v0", min_inference_units=1, on_status=stubborn)
                current = asyncio.current_task()
                assert current is not None
                return current.cancelling()

            task = asyncio.create_task(caller())
            await started.wait()
            await client.aclose()
            return await task

    assert run(main) == 0
    assert fake.requests_for("StartProjectVersion") == ()
