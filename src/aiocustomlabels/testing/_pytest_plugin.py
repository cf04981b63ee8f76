"""Pytest fixtures for testing code that uses Custom Labels, registered as a pytest plugin.

Installing aiocustomlabels makes them available to every test suite:

* ``fake_custom_labels``: a new ``FakeCustomLabels`` on a virtual clock;
* ``custom_labels_in_process``: that fake, with aiobotocore's requests to
  Rekognition routed into it in-process (no socket, dummy credentials);
* ``custom_labels_emulator``: that fake served on a loopback port, for any SDK.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._fake import FakeCustomLabels
from ._server import ThreadedEmulator


@pytest.fixture
def fake_custom_labels() -> FakeCustomLabels:
    """A new, empty fake Custom Labels service on a virtual clock."""
    return FakeCustomLabels()


@pytest.fixture
def custom_labels_in_process(fake_custom_labels: FakeCustomLabels) -> Iterator[FakeCustomLabels]:
    """The fake, with aiobotocore's requests to Rekognition routed into it in-process."""
    # Imported here: the plugin loads in every test suite, aioresponses is optional.
    from ._inprocess import in_process  # noqa: PLC0415

    with in_process(fake_custom_labels):
        yield fake_custom_labels


@pytest.fixture
def custom_labels_emulator(fake_custom_labels: FakeCustomLabels) -> Iterator[ThreadedEmulator]:
    """The fake, served on a free loopback port for the duration of the test."""
    with ThreadedEmulator(fake_custom_labels) as emulator:
        yield emulator
