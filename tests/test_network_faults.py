"""What real networks do to a request, over real sockets: each failure raises its cause, and waits ride them out.

The servers (the emulator, the FaultyServer) run on the test's own loop, whose time looptime
fast-forwards while the test runs; the fake's clock is that loop's. The read and connect
timeouts, the backoffs and the lifecycles are all in that time: a hang times out at once, and a
busy machine cannot make a timeout fire that the test does not mean. Through sockets looptime's
time may move on a little while bytes are in flight: the tests assert what was sent and raised.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore import UNSIGNED
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
)

from aiocustomlabels import (
    Backoff,
    ConfigurationError,
    CustomLabelsClient,
    MalformedResponseError,
    ProjectVersionStatus,
    ServiceError,
    TransportError,
    WaitTimeoutError,
)
from aiocustomlabels._transport import NO_ANSWER
from aiocustomlabels._waiting import is_transient
from aiocustomlabels.testing import Emulator, FakeCustomLabels, LoopClock
from benchmarks._faulty import Fault, FaultyServer, blackhole_url, refused_url
from tests._harness import loopback_client

S = ProjectVersionStatus
#: Polls 5 to 20 s apart: a handful over a 20 s start, each a round trip over real sockets.
FAST = Backoff(min_delay=5, max_delay=20)
PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/p/1"

pytestmark = pytest.mark.looptime

#: One attempt, and a read timeout of 0.3 loop seconds: each failure is seen as it is.
ONE_ATTEMPT = AioConfig(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=0.3)


def open_client(url: str, config: AioConfig = ONE_ATTEMPT) -> Any:
    """``CustomLabelsClient.create()`` for ``url``, one attempt a call by default."""
    return loopback_client(url, config=config)


@pytest.fixture
def fake() -> FakeCustomLabels:
    """A fake on the test's loop time: a 20 s start is waited out at once."""
    return FakeCustomLabels(clock=LoopClock(), start_seconds=20.0, stop_seconds=10.0)


@pytest_asyncio.fixture
async def emulator(fake: FakeCustomLabels) -> AsyncIterator[Emulator]:
    """The fake on a loopback port, on the test's loop; set up at wall speed, it only listens."""
    async with Emulator(fake) as running:
        yield running


def upstream(emulator: Emulator) -> str:
    """The emulator as ``host:port``, for a FaultyServer to forward to."""
    return f"{emulator.host}:{emulator.port}"


async def first_page_error(url: str, config: AioConfig = ONE_ATTEMPT) -> BaseException:
    """What the first page of a listing at ``url`` raises."""
    async with open_client(url, config) as client:
        with pytest.raises(Exception) as caught:  # noqa: PT011 -- the tests check the class
            await anext(client.describe_project_versions(PROJECT))
    return caught.value


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (Fault.RESET, (EndpointConnectionError, ConnectionClosedError)),
        (Fault.CLOSE_MID_BODY, ConnectionClosedError),
        (Fault.HANG, ReadTimeoutError),
    ],
    ids=lambda v: v.value if isinstance(v, Fault) else "",
)
async def test_a_broken_connection_is_a_transport_error(fault: Fault, cause: type | tuple[type, ...]) -> None:
    """Reset, closed mid-body, or no answer before the read timeout: TransportError, caused by botocore's class."""
    async with FaultyServer(fault) as server:
        error = await first_page_error(server.endpoint_url)
    assert isinstance(error, TransportError)
    assert isinstance(error.__cause__, cause)
    assert server.connections == 1


@pytest.mark.asyncio
async def test_a_connect_timeout_is_a_transport_error() -> None:
    """A connection never accepted (SYNs dropped) is TransportError, caused by ConnectTimeoutError."""
    with blackhole_url() as url:
        error = await first_page_error(url, ONE_ATTEMPT.merge(AioConfig(connect_timeout=0.3)))
    assert isinstance(error, TransportError)
    assert isinstance(error.__cause__, ConnectTimeoutError)


@pytest.mark.asyncio
async def test_a_refused_connection_is_a_transport_error() -> None:
    """Connection refused is TransportError (it was ConfigurationError), caused by EndpointConnectionError."""
    error = await first_page_error(refused_url())
    assert isinstance(error, TransportError)
    assert isinstance(error.__cause__, EndpointConnectionError)


@pytest.mark.asyncio
async def test_a_proxy_that_refuses_is_a_transport_error(emulator: Emulator) -> None:
    """A proxy that cannot be reached is TransportError, caused by ProxyConnectionError."""
    config = ONE_ATTEMPT.merge(AioConfig(proxies={"http": refused_url()}))
    error = await first_page_error(emulator.endpoint_url, config)
    assert isinstance(error, TransportError)
    assert isinstance(error.__cause__, ProxyConnectionError)
    assert emulator.fake.requests == ()


@pytest.mark.asyncio
async def test_a_reset_on_every_attempt_is_retried_then_a_transport_error() -> None:
    """A reset is retried by botocore; when every attempt is reset, the error is TransportError."""
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 2})
    async with FaultyServer(Fault.RESET) as server:
        error = await first_page_error(server.endpoint_url, config)
    assert isinstance(error, TransportError)
    assert server.connections == 2


@pytest.mark.asyncio
async def test_a_proxy_page_with_200_is_malformed() -> None:
    """A 200 whose body is a proxy's HTML page is MalformedResponseError at the missing list, never an empty project."""
    async with FaultyServer(Fault.PROXY_HTML) as server:
        error = await first_page_error(server.endpoint_url)
    assert isinstance(error, MalformedResponseError)
    assert error.location == "$.ProjectVersionDescriptions"
    assert "text/html" in str(error)


@pytest.mark.asyncio
async def test_a_bad_gateway_page_is_a_transient_service_error() -> None:
    """A 502 with an HTML body is a ServiceError with status 502, which waits survive."""
    async with FaultyServer(Fault.BAD_GATEWAY) as server:
        error = await first_page_error(server.endpoint_url)
    assert isinstance(error, ServiceError)
    assert error.http_status == 502
    assert is_transient(error)


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
async def test_a_wait_rides_out_network_faults(fault: Fault, emulator: Emulator) -> None:
    """Two faulted polls do not end a wait: it polls on, starts once, and returns RUNNING."""
    fake = emulator.fake
    project = fake.add_project("p")
    fake.add_version(project, "v1", status=S.STOPPED)
    async with (
        FaultyServer(fault, times=2, upstream=upstream(emulator)) as server,
        open_client(server.endpoint_url) as client,
    ):
        result = await client.start_and_wait(project, "v1", min_inference_units=1, backoff=FAST, timeout=600)
    assert result.status is S.RUNNING
    assert server.faulted == 2
    assert len(fake.requests_for("StartProjectVersion")) == 1


@pytest.mark.asyncio
async def test_a_wait_rides_out_a_refused_endpoint_until_it_comes_back(
    fake: FakeCustomLabels, caplog: pytest.LogCaptureFixture
) -> None:
    """Polls refused before the service listens are failed polls; the wait goes on once it does."""
    project = fake.add_project("p")
    fake.add_version(project, "v1", status=S.STOPPED)
    url = refused_url()
    failed = asyncio.Event()
    caplog.set_level(logging.WARNING, logger="aiocustomlabels")
    async with open_client(url) as client:
        wait = asyncio.create_task(
            client.start_and_wait(
                project,
                "v1",
                min_inference_units=1,
                backoff=FAST,
                timeout=600,
                on_delay=lambda _: failed.set(),
            )
        )
        await failed.wait()
        async with Emulator(fake, port=int(url.rsplit(":", 1)[1])):
            result = await wait
    assert result.status is S.RUNNING
    assert any("Could not connect" in record.getMessage() for record in caplog.records)
    assert len(fake.requests_for("StartProjectVersion")) == 1


@pytest.mark.asyncio
async def test_a_wait_on_an_endpoint_that_stays_refused_times_out() -> None:
    """A wait whose every poll is refused ends with WaitTimeoutError at its deadline, not ConfigurationError."""
    async with open_client(refused_url()) as client:
        with pytest.raises(WaitTimeoutError) as caught:
            await client.start_and_wait(PROJECT, "v1", min_inference_units=1, backoff=FAST, timeout=60)
    assert caught.value.description is None


# -- what no retry can mend: raised before any request ------------------------------------


@pytest.mark.asyncio
async def test_no_credentials_is_a_configuration_error_before_any_request(emulator: Emulator) -> None:
    """create() without credentials raises ConfigurationError (NoCredentialsError), and nothing is sent."""
    with pytest.raises(ConfigurationError, match="credentials") as caught:
        async with CustomLabelsClient.create(region_name="us-east-1", endpoint_url=emulator.endpoint_url):
            pass  # pragma: no cover - never reached
    assert isinstance(caught.value.__cause__, NoCredentialsError)
    assert emulator.fake.requests == ()


@pytest.mark.asyncio
async def test_unsigned_requests_need_no_credentials(emulator: Emulator) -> None:
    """With signature_version=UNSIGNED, create() does not ask for credentials."""
    project = emulator.fake.add_project("p")
    config = AioConfig(signature_version=UNSIGNED)
    async with CustomLabelsClient.create(
        region_name="us-east-1", endpoint_url=emulator.endpoint_url, config=config
    ) as client:
        assert [v async for v in client.describe_project_versions(project)] == []


@pytest.mark.asyncio
async def test_an_unknown_profile_is_a_configuration_error(emulator: Emulator) -> None:
    """A profile that does not exist raises ConfigurationError (ProfileNotFound) before any request."""
    with pytest.raises(ConfigurationError) as caught:
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=AioSession(profile="nope")
        ):
            pass  # pragma: no cover - never reached
    assert isinstance(caught.value.__cause__, ProfileNotFound)
    assert emulator.fake.requests == ()


@pytest.mark.asyncio
async def test_an_endpoint_that_is_not_a_url_is_a_configuration_error() -> None:
    """endpoint_url="not-a-url" raises ConfigurationError, not botocore's ValueError."""
    with pytest.raises(ConfigurationError, match="not-a-url"):
        async with open_client("not-a-url"):
            pass  # pragma: no cover - never reached


def test_no_answer_classes_are_those_botocore_retries() -> None:
    """The classes mapped to TransportError include those botocore's standard retries count as transient."""
    from botocore.retries.standard import TransientRetryableChecker  # noqa: PLC0415

    assert set(TransientRetryableChecker._TRANSIENT_EXCEPTION_CLS) <= set(NO_ANSWER)
