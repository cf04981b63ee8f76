"""The in-process face (aiobotocore into the fake, no socket, no credentials) and the fixtures."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiobotocore.session import get_session
from botocore.exceptions import NoCredentialsError
from yarl import URL

from aiocustomlabels.testing import (
    FakeCustomLabels,
    _aioresponses_shims,
    in_process,
)
from aiocustomlabels.testing._aioresponses_shims import needs_stream_writer_shim
from aiocustomlabels.testing._wire import AWS_ENDPOINTS
from tests._fake_support import DESCRIBE, REGION, START, Scene, make_scene


class SocketOpenedError(AssertionError):
    """A test that must open no socket tried to connect one."""


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to connect a socket or resolve a name fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SocketOpenedError(f"a socket was connected: {args[1:]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def scene() -> Scene:
    """A fake with one project of three versions."""
    return make_scene(FakeCustomLabels(), 3)


@pytest.fixture
def fresh_shim_probe() -> Iterator[None]:
    """needs_stream_writer_shim() probes afresh in the test, and again after it."""
    needs_stream_writer_shim.cache_clear()
    yield
    needs_stream_writer_shim.cache_clear()


@pytest.mark.asyncio
async def test_works_with_no_credentials_anywhere(scene: Scene) -> None:
    """No AWS_* variable and no config files: in_process() still lets aiobotocore sign and call."""
    assert not [name for name in os.environ if name.startswith("AWS_") and "KEY" in name]
    with in_process(scene.fake):
        async with get_session().create_client("rekognition", region_name=REGION) as client:
            response = await client.describe_project_versions(ProjectArn=scene.project)
    assert [d["ProjectVersionArn"] for d in response["ProjectVersionDescriptions"]] == scene.versions
    assert [r.params for r in scene.fake.requests_for(DESCRIBE)] == [{"ProjectArn": scene.project}]


@pytest.mark.asyncio
async def test_without_its_credentials_there_are_none(scene: Scene) -> None:
    """in_process(credentials=False) with no credentials anywhere: botocore finds none, nothing is sent."""
    with in_process(scene.fake, credentials=False):
        async with get_session().create_client("rekognition", region_name=REGION) as client:
            with pytest.raises(NoCredentialsError):
                await client.describe_project_versions(ProjectArn=scene.project)
    assert scene.fake.requests == ()


@pytest.mark.parametrize("machine", [None, "AKIAREALKEY"], ids=["none", "real-key"])
def test_dummy_credentials_last_only_while_routing(
    scene: Scene, monkeypatch: pytest.MonkeyPatch, machine: str | None
) -> None:
    """Inside in_process() the dummy credentials replace the machine's; after it, the machine's are back."""
    if machine is not None:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", machine)
    with in_process(scene.fake):
        inside = os.environ.get("AWS_ACCESS_KEY_ID")
    assert (inside, os.environ.get("AWS_ACCESS_KEY_ID")) == ("testing", machine)


@pytest.mark.asyncio
async def test_no_socket_is_opened(scene: Scene, no_sockets: None) -> None:
    """A start and a describe through in_process() connect no socket and resolve no name."""
    with in_process(scene.fake):
        async with get_session().create_client("rekognition", region_name=REGION) as client:
            started = await client.start_project_version(
                ProjectVersionArn=scene.versions[0], MinInferenceUnits=1
            )
            response = await client.describe_project_versions(ProjectArn=scene.project, VersionNames=["v3"])
    assert started["Status"] == "STARTING"
    assert response["ProjectVersionDescriptions"][0]["Status"] == "STARTING"
    assert [r.operation for r in scene.fake.requests] == [START, DESCRIBE]


@pytest.mark.asyncio
async def test_a_full_page_of_100_arrives_whole(no_sockets: None) -> None:
    """A page of 100 full descriptions (well over 128 KiB) reaches aiobotocore whole, then the 101st."""
    scene = make_scene(FakeCustomLabels(), 101)
    with in_process(scene.fake):
        async with get_session().create_client("rekognition", region_name=REGION) as client:
            paginator = client.get_paginator("describe_project_versions")
            pages = [
                [d["ProjectVersionArn"] for d in page["ProjectVersionDescriptions"]]
                async for page in paginator.paginate(ProjectArn=scene.project)
            ]
    assert pages == [scene.versions[:100], scene.versions[100:]]
    assert len(scene.fake.requests_for(DESCRIBE)) == 2


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("us-east-1", None),
        ("eu-west-2", None),
        ("ap-southeast-2", None),
        ("us-east-1", "https://rekognition.test.invalid"),
    ],
    ids=["us-east-1", "eu-west-2", "ap-southeast-2", "custom-endpoint"],
)
@pytest.mark.asyncio
async def test_every_region_and_a_custom_endpoint_are_routed(
    scene: Scene, no_sockets: None, region: str, endpoint: str | None
) -> None:
    """Clients of any region reach the fake; with in_process(endpoint=...), a client of that endpoint_url."""
    pattern = None if endpoint is None else re.compile(rf"^{re.escape(endpoint)}/?$")
    with in_process(scene.fake, endpoint=pattern):
        async with get_session().create_client(
            "rekognition", region_name=region, endpoint_url=endpoint
        ) as client:
            await client.describe_project_versions(ProjectArn=scene.project)
    assert len(scene.fake.requests_for(DESCRIBE)) == 1


@pytest.mark.parametrize(
    ("url", "routed"),
    [
        ("https://rekognition.us-east-1.amazonaws.com/", True),
        ("https://rekognition.eu-central-1.amazonaws.com", True),
        ("https://rekognition-fips.us-gov-west-1.amazonaws.com/", True),
        ("https://rekognition.cn-north-1.amazonaws.com.cn/", True),
        ("https://s3.us-east-1.amazonaws.com/", False),
        ("http://rekognition.us-east-1.amazonaws.com/", False),
        ("https://rekognition.us-east-1.amazonaws.com.evil.example/", False),
        ("https://rekognition.us-east-1.amazonaws.com/other/path", False),
    ],
)
def test_aws_endpoints(url: str, routed: bool) -> None:
    """Rekognition's HTTPS endpoints in every region and partition are routed, nothing else."""
    assert bool(AWS_ENDPOINTS.match(url)) is routed


def _old_init(self: aiohttp.ClientResponse, method: str, url: URL, *, writer: Any = None) -> None:
    """ClientResponse.__init__ as aiohttp had it before stream_writer."""


def _other_type_error() -> None:
    raise TypeError("something else entirely")


@pytest.mark.parametrize(
    ("target", "name", "value", "needed"),
    [
        pytest.param(None, "", None, True, id="needed-here"),
        pytest.param(
            aiohttp.ClientResponse, "__init__", _old_init, False, id="aiohttp-without-stream-writer"
        ),
        pytest.param(
            _aioresponses_shims, "build_probe_response", lambda: None, False, id="aioresponses-fixed"
        ),
        pytest.param(
            _aioresponses_shims, "build_probe_response", _other_type_error, False, id="other-type-error"
        ),
    ],
)
def test_stream_writer_shim_is_on_only_while_the_bug_is_there(
    fresh_shim_probe: None,
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    name: str,
    value: object,
    needed: bool,
) -> None:
    """The shim is on with aiohttp 3.14 and aioresponses 0.7.9, off once either changes or on another TypeError."""
    if target is not None:
        monkeypatch.setattr(target, name, value)
    assert needs_stream_writer_shim() is needed


def test_stream_writer_shim_answer_is_cached(fresh_shim_probe: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe runs once: a later change is not seen until the cache is cleared."""
    first = needs_stream_writer_shim()
    monkeypatch.setattr(aiohttp.ClientResponse, "__init__", lambda self, method, url: None)
    assert needs_stream_writer_shim() is first
    needs_stream_writer_shim.cache_clear()
    assert needs_stream_writer_shim() is False


# -- the pytest plugin's fixtures -----------------------------------------------------------


@pytest.mark.asyncio
async def test_in_process_fixture_routes_aiobotocore(
    custom_labels_in_process: FakeCustomLabels, no_sockets: None
) -> None:
    """The fixture's fake answers aiobotocore with no socket, no credentials and no region of its own."""
    scene = make_scene(custom_labels_in_process, 2)
    async with get_session().create_client("rekognition") as client:
        response = await client.describe_project_versions(ProjectArn=scene.project)
    assert [d["ProjectVersionArn"] for d in response["ProjectVersionDescriptions"]] == scene.versions
    assert len(custom_labels_in_process.requests_for(DESCRIBE)) == 1


def test_large_body_shim_is_needed_here() -> None:
    """Aioresponses 0.7.9's body reader fails past its high-water mark: the probe says so."""
    assert _aioresponses_shims.needs_large_body_shim() is True


def test_large_bodies_patches_nothing_once_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the probe finds the reader fixed, large_bodies() leaves aioresponses' reader as it is."""
    import aioresponses.core  # noqa: PLC0415 -- only to see what is patched

    monkeypatch.setattr(_aioresponses_shims, "needs_large_body_shim", lambda: False)
    before = vars(aioresponses.core)["stream_reader_factory"]
    with _aioresponses_shims.large_bodies():
        assert vars(aioresponses.core)["stream_reader_factory"] is before


def test_only_the_shims_module_reaches_into_aioresponses_or_aiohttp() -> None:
    """The testing package reads no private name of aioresponses or aiohttp outside its shims module."""
    package = Path(_aioresponses_shims.__file__).parent
    private = re.compile(
        r"_build_response|stream_reader_factory|aioresponses\.core|\w\._server\b|\w\._sessions\b"
    )
    offenders = [
        path.name
        for path in sorted(package.glob("*.py"))
        if path.name != "_aioresponses_shims.py" and private.search(path.read_text())
    ]
    assert offenders == []
