"""The loopback emulator's own behaviour: binding, starting and stopping."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from aiocustomlabels.testing import Emulator, FakeCustomLabels, ThreadedEmulator
from tests._fake_support import CREDENTIALS, DESCRIBE, REGION, make_scene


@pytest.mark.parametrize(
    ("host", "url"),
    [
        (None, "http://127.0.0.1:8123"),
        ("127.0.0.1", "http://127.0.0.1:8123"),
        ("::1", "http://[::1]:8123"),
        ("localhost", "http://localhost:8123"),
    ],
)
def test_endpoint_url(host: str | None, url: str) -> None:
    """The endpoint URL names the host (IPv6 in brackets; loopback by default) and the port."""
    given: dict[str, Any] = {} if host is None else {"host": host}
    assert (
        Emulator(port=8123, **given).endpoint_url == ThreadedEmulator(port=8123, **given).endpoint_url == url
    )


def test_new_emulator_has_its_own_fake() -> None:
    """Without a fake, an emulator serves a new, empty one."""
    assert Emulator().fake.requests == ()
    assert Emulator().fake is not Emulator().fake


def test_port_zero_picks_a_free_port() -> None:
    """port=0 binds a free port, which endpoint_url then names."""
    with ThreadedEmulator(FakeCustomLabels()) as emulator:
        port = int(emulator.endpoint_url.rsplit(":", 1)[1])
    assert port > 0


def test_a_taken_port_fails_the_start() -> None:
    """Starting on a port another socket listens on raises OSError, and leaves no thread running."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        emulator = ThreadedEmulator(FakeCustomLabels(), port=taken.getsockname()[1])
        with pytest.raises(OSError, match=r"(?i)address already in use"):
            emulator.start()
    emulator.stop()


@pytest.mark.asyncio
async def test_starting_twice_is_refused() -> None:
    """Emulator.start() on a running emulator raises RuntimeError."""
    async with Emulator(FakeCustomLabels()) as emulator:
        with pytest.raises(RuntimeError, match="already running"):
            await emulator.start()


@pytest.mark.asyncio
async def test_stopping_twice_or_unstarted_is_harmless() -> None:
    """Emulator.stop() after a stop, and ThreadedEmulator.stop() on one never started, do nothing."""
    emulator = Emulator(FakeCustomLabels())
    await emulator.start()
    await emulator.stop()
    await emulator.stop()
    ThreadedEmulator(FakeCustomLabels()).stop()


def test_threaded_emulator_can_restart() -> None:
    """A stopped ThreadedEmulator can start again, serving the same fake."""
    import boto3  # noqa: PLC0415 -- the one boto3 test of this module

    scene = make_scene(FakeCustomLabels(), 1)
    emulator = ThreadedEmulator(scene.fake)
    for _ in range(2):
        with emulator:
            client = boto3.client(
                "rekognition", region_name=REGION, endpoint_url=emulator.endpoint_url, **CREDENTIALS
            )
            try:
                client.describe_project_versions(ProjectArn=scene.project)
            finally:
                client.close()
    assert len(scene.fake.requests_for(DESCRIBE)) == 2
