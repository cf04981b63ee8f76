"""The emulator answers every request as the service would, on both faces, and keeps serving afterwards."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from aiocustomlabels.testing import Emulator, FakeCustomLabels, VirtualClock, in_process
from aiocustomlabels.testing._wire import CONTENT_TYPE, MAX_REQUEST_BYTES, TARGET_PREFIX
from tests._fake_support import DESCRIBE, seed

AWS = "https://rekognition.us-east-1.amazonaws.com/"
DEEP = 100_000

#: A hostile body, and the answer the service would give: (label, body, status, __type).
HOSTILE: list[tuple[str, bytes, int, str]] = [
    ("10 MB", json.dumps({"ProjectArn": "x" * 10_000_000}).encode(), 413, "ValidationException"),
    (
        "just past the limit",
        b'{"ProjectArn": "' + b"x" * MAX_REQUEST_BYTES + b'"}',
        413,
        "ValidationException",
    ),
    ("nested lists", b"[" * DEEP + b"]" * DEEP, 400, "SerializationException"),
    ("nested objects", b'{"a":' * DEEP + b"1" + b"}" * DEEP, 400, "SerializationException"),
    (
        "deep in a member",
        b'{"ProjectArn": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        400,
        "SerializationException",
    ),
    ("a 5000-digit number", b'{"MaxResults": ' + b"9" * 5000 + b"}", 400, "SerializationException"),
    ("not UTF-8", b"\xff\xfe\x00", 400, "SerializationException"),
    ("truncated JSON", b'{"ProjectArn": "arn', 400, "SerializationException"),
]

Post = Callable[[bytes], Awaitable[tuple[int, dict[str, str], bytes]]]


@pytest.fixture
def fake() -> FakeCustomLabels:
    """A fake with one project."""
    return FakeCustomLabels(clock=VirtualClock())


@pytest_asyncio.fixture(params=["in-process", "loopback"])
async def post(request: pytest.FixtureRequest, fake: FakeCustomLabels) -> AsyncIterator[Post]:
    """POSTs a DescribeProjectVersions body through one face of the fake, over aiohttp."""
    headers = {"Content-Type": CONTENT_TYPE, "X-Amz-Target": f"{TARGET_PREFIX}{DESCRIBE}"}
    async with aiohttp.ClientSession() as session:

        def poster(url: str) -> Post:
            async def send(body: bytes) -> tuple[int, dict[str, str], bytes]:
                # A stream: aiohttp warns that a large bytes body blocks the loop.
                async with session.post(url, data=io.BytesIO(body), headers=headers) as response:
                    return response.status, dict(response.headers), await response.read()

            return send

        if request.param == "in-process":
            with in_process(fake, credentials=False):
                yield poster(AWS)
        else:
            async with Emulator(fake) as emulator:
                yield poster(emulator.endpoint_url + "/")


def service_answer(status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The answer's JSON, after checking it is shaped as the service's: protocol headers, __type and message."""
    assert headers["Content-Type"] == CONTENT_TYPE
    assert headers["x-amzn-RequestId"]
    payload = json.loads(body)
    assert isinstance(payload, dict)
    if status != 200:
        assert set(payload) == {"__type", "message"}
        assert headers["x-amzn-ErrorType"] == payload["__type"]
    return payload


@pytest.mark.asyncio
@pytest.mark.parametrize(("_label", "body", "status", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_a_hostile_body_gets_a_service_error_and_serving_goes_on(
    _label: str, body: bytes, status: int, code: str, post: Post, fake: FakeCustomLabels
) -> None:
    """An oversized, deeply nested or unreadable body is answered with __type; the next request is served."""
    project, _ = seed(fake, 1)
    answer = await post(body)
    assert answer[0] == status
    assert service_answer(*answer)["__type"] == code
    assert fake.requests == ()  # refused before it reached the service's logic
    good = await post(json.dumps({"ProjectArn": project}).encode())
    assert good[0] == 200
    assert len(service_answer(*good)["ProjectVersionDescriptions"]) == 1


@pytest.mark.asyncio
async def test_a_bug_in_the_fake_is_an_internal_server_error(
    post: Post, fake: FakeCustomLabels, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Should the fake itself fail, the answer is still the service's InternalServerError (500), and it is logged."""

    def broken(operation: str, params: Any) -> dict[str, Any]:
        raise KeyError("bug")

    monkeypatch.setattr(fake, "call", broken)
    status, headers, body = await post(b"{}")
    assert status == 500
    assert service_answer(status, headers, body)["__type"] == "InternalServerError"
    assert any("the fake failed" in record.getMessage() for record in caplog.records)
