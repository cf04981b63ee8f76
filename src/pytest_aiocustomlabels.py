"""Pytest fixtures for testing code that uses Custom Labels, registered as a pytest plugin.

Installing aiocustomlabels makes them available to every test suite:

* ``fake_custom_labels``: a new ``FakeCustomLabels`` on a virtual clock;
* ``custom_labels_in_process``: that fake, with aiobotocore's requests to
  Rekognition routed into it in-process (no socket, dummy credentials; needs
  the ``testing`` extra);
* ``custom_labels_emulator``: that fake served on a loopback port, for any SDK.

This module lives outside the package and imports it only inside the
fixtures: pytest loads plugins in every test run of every project that has
aiocustomlabels installed, before coverage starts, and that must cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator


@pytest.fixture
def fake_custom_labels() -> FakeCustomLabels:
    """A new, empty fake Custom Labels service on a virtual clock."""
    from aiocustomlabels.testing import FakeCustomLabels  # noqa: PLC0415 -- imported on use, see above

    return FakeCustomLabels()


@pytest.fixture
def custom_labels_in_process(fake_custom_labels: FakeCustomLabels) -> Iterator[FakeCustomLabels]:
    """The fake, with aiobotocore's requests to Rekognition routed into it in-process."""
    from aiocustomlabels.testing import in_process  # noqa: PLC0415

    with in_process(fake_custom_labels):
        yield fake_custom_labels


@pytest.fixture
def custom_labels_emulator(fake_custom_labels: FakeCustomLabels) -> Iterator[ThreadedEmulator]:
    """The fake, served on a free loopback port for the duration of the test."""
    from aiocustomlabels.testing import ThreadedEmulator  # noqa: PLC0415

    with ThreadedEmulator(fake_custom_labels) as emulator:
        yield emulator
