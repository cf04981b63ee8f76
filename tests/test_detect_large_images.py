"""Images over 1 MiB of base64 are handed to aiohttp as a stream: sent whole, with no ResourceWarning.

aiohttp warns about a body of raw bytes over 1 MiB (``TOO_LARGE_BYTES_BODY``);
the suite turns that warning into an error, so each test here would fail on it.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.payload import TOO_LARGE_BYTES_BODY

from aiocustomlabels import ProjectVersionStatus, ProvisionedThroughputExceededError
from aiocustomlabels._rules import IMAGE_BYTES
from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator
from tests._harness import NO_RETRIES, client_for, loopback_client, project_with, run, virtual_fake

#: A PNG's signature, then filler: the fake reads only the signature.
PNG = b"\x89PNG\r\n\x1a\n"
#: The largest image the service model allows, and one just over aiohttp's limit once in base64.
SIZES = [IMAGE_BYTES[-1], TOO_LARGE_BYTES_BODY * 3 // 4 + 1]


def image(size: int) -> bytes:
    """A PNG of ``size`` bytes, as far as the fake can tell."""
    return PNG + b"\x00" * (size - len(PNG))


def running(fake: FakeCustomLabels) -> str:
    """The ARN of a RUNNING version of ``fake``."""
    _, (arn,) = project_with(fake, 1, status=ProjectVersionStatus.RUNNING)
    return arn


@pytest.mark.parametrize("size", SIZES)
def test_a_large_image_reaches_the_in_process_fake_whole(size: int) -> None:
    """A large image is sent whole through the in-process face, with no warning."""
    fake = virtual_fake()
    arn = running(fake)

    async def main() -> None:
        async with client_for(fake) as client:
            assert await client.detect_custom_labels(arn, image(size))

    run(main)
    (sent,) = fake.requests_for("DetectCustomLabels")
    assert sent.params["Image"]["Bytes"] == image(size)


def test_a_large_image_reaches_the_emulator_whole() -> None:
    """The largest image is sent whole over loopback HTTP, with no warning."""
    fake = FakeCustomLabels()
    arn = running(fake)

    async def main() -> None:
        async with loopback_client(emulator.endpoint_url) as client:
            assert await client.detect_custom_labels(arn, image(IMAGE_BYTES[-1]))

    with ThreadedEmulator(fake) as emulator:
        asyncio.run(main())  # real time: a real socket, which looptime would time out at once
    (sent,) = fake.requests_for("DetectCustomLabels")
    assert sent.params["Image"]["Bytes"] == image(IMAGE_BYTES[-1])


def test_each_retry_of_a_large_image_sends_it_whole() -> None:
    """A throttled large image is retried with its whole body each time, not an emptied stream."""
    fake = FakeCustomLabels(tps_per_unit=1.0)  # its clock stands still: the backoff refills nothing
    arn = running(fake)
    big = image(IMAGE_BYTES[-1])

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as once:
            await once.detect_custom_labels(arn, big)  # the one request a second this version serves
        async with client_for(fake) as retrying:
            with pytest.raises(ProvisionedThroughputExceededError):
                await retrying.detect_custom_labels(arn, big)

    run(main)
    sent = fake.requests_for("DetectCustomLabels")
    assert len(sent) == 6
    assert all(request.params["Image"]["Bytes"] == big for request in sent)
