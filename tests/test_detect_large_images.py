"""Images over 1 MiB of base64 are handed to aiohttp as a stream: sent whole, with no ResourceWarning.

aiohttp warns about a body of raw bytes over 1 MiB (``TOO_LARGE_BYTES_BODY``),
an error in this suite: test_detect_fake sends the largest image over the
emulator. Here, the stream reaches the in-process fake whole (aioresponses hands
it on as a payload), and a retry rewinds it and sends it whole again.
"""

from __future__ import annotations

import pytest
from aiohttp.payload import TOO_LARGE_BYTES_BODY

from aiocustomlabels import ProjectVersionStatus, ThrottlingError
from aiocustomlabels._rules import IMAGE_BYTES
from aiocustomlabels.testing import FakeCustomLabels
from tests._harness import NO_RETRIES, client_for, project_with, run, virtual_fake

#: A PNG's signature, then filler: the fake reads only the signature.
PNG = b"\x89PNG\r\n\x1a\n"
#: The smallest image over aiohttp's limit once in base64 (the largest is in test_detect_fake).
JUST_OVER = TOO_LARGE_BYTES_BODY * 3 // 4 + 1


def image(size: int) -> bytes:
    """A PNG of ``size`` bytes, as far as the fake can tell."""
    return PNG + b"\x00" * (size - len(PNG))


def running(fake: FakeCustomLabels) -> str:
    """The ARN of a RUNNING version of ``fake``."""
    _, (arn,) = project_with(fake, 1, status=ProjectVersionStatus.RUNNING)
    return arn


def test_an_image_just_over_the_limit_reaches_the_fake_whole() -> None:
    """An image whose base64 is just over 1 MiB is sent whole, as a stream, with no warning."""
    fake = virtual_fake()
    arn = running(fake)

    async def main() -> None:
        async with client_for(fake) as client:
            assert await client.detect_custom_labels(arn, image(JUST_OVER))

    run(main)
    (sent,) = fake.requests_for("DetectCustomLabels")
    assert sent.params["Image"]["Bytes"] == image(JUST_OVER)


def test_each_retry_of_a_large_image_sends_it_whole() -> None:
    """A throttled large image is retried with its whole body each time, not an emptied stream."""
    fake = FakeCustomLabels(tps_per_unit=1.0)  # its clock stands still: the backoff refills nothing
    arn = running(fake)
    big = image(IMAGE_BYTES[-1])

    async def main() -> None:
        async with client_for(fake, config=NO_RETRIES) as once:
            await once.detect_custom_labels(arn, big)  # the one request a second this version serves
        async with client_for(fake) as retrying:
            with pytest.raises(ThrottlingError):
                await retrying.detect_custom_labels(arn, big)

    run(main)
    sent = fake.requests_for("DetectCustomLabels")
    assert len(sent) == 6
    assert all(request.params["Image"]["Bytes"] == big for request in sent)
