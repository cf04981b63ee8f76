"""The sessions the library makes itself read botocore's service models once a process, not once a client."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiocustomlabels import ConfigurationError, CustomLabelsClient
from aiocustomlabels._transport import new_session
from tests._harness import run_fast


def test_sessions_share_one_loader_per_data_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two new sessions load through one loader; a session with another AWS_DATA_PATH through its own."""
    first, second = new_session(), new_session()
    assert first.get_component("data_loader") is second.get_component("data_loader")
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    elsewhere = new_session().get_component("data_loader")
    assert elsewhere is not first.get_component("data_loader")
    assert str(tmp_path) in elsewhere.search_paths


def test_an_unknown_profile_is_still_told_when_the_client_is_made() -> None:
    """The shared loader reads the configuration lazily: an unknown profile fails the client's creation, as before."""
    session = new_session("no-such-profile")  # no error yet: nothing is read

    async def main() -> None:
        async with CustomLabelsClient.create(region_name="us-east-1", session=session):
            pass

    with pytest.raises(ConfigurationError, match="no-such-profile"):
        run_fast(main())
