"""Helpers shared by the tests of the fake Custom Labels service (tests/test_fake_*.py)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from aiobotocore.session import get_session
from botocore.config import Config

from aiocustomlabels import ProjectArn, ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, in_process
from aiocustomlabels.testing._wire import CONTENT_TYPE, TARGET_PREFIX, WireReply, dispatch
from aiocustomlabels.types import BoundingBox, CustomLabel, Geometry, Point

if TYPE_CHECKING:
    from types_aiobotocore_rekognition import RekognitionClient

S = ProjectVersionStatus

DESCRIBE = "DescribeProjectVersions"
START = "StartProjectVersion"
STOP = "StopProjectVersion"

#: Dummy credentials for clients of the loopback emulator, which checks no signature.
CREDENTIALS: Mapping[str, str] = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"

#: No retries: the first answer is the one the test sees. Not ``max_attempts: 1``:
#: botocore reads a Config's ``max_attempts`` as retries after the first attempt.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@attrs.frozen(kw_only=True)
class Answer:
    """An HTTP answer of the fake, with its body read as JSON.

    Attributes:
        reply: The answer as ``dispatch`` made it.
        body: The body, parsed; empty when it is not JSON.
    """

    reply: WireReply
    body: dict[str, Any]

    @property
    def status(self) -> int:
        """The HTTP status."""
        return self.reply.status

    @property
    def code(self) -> str:
        """The error code (``__type``), or ``""`` for a success."""
        return str(self.body.get("__type", ""))

    def arns(self) -> list[str]:
        """The version ARNs of a DescribeProjectVersions page, in order."""
        return [d["ProjectVersionArn"] for d in self.body["ProjectVersionDescriptions"]]


def send_raw(
    fake: FakeCustomLabels,
    body: bytes,
    *,
    target: str | None = f"{TARGET_PREFIX}{DESCRIBE}",
    method: str = "POST",
    path: str = "/",
) -> WireReply:
    """One HTTP request to the fake, through the wire protocol both transports share."""
    headers = {"Content-Type": CONTENT_TYPE}
    if target is not None:
        headers["X-Amz-Target"] = target
    return dispatch(fake, method=method, path=path, headers=headers, body=body)


def send(fake: FakeCustomLabels, operation: str, params: Mapping[str, Any]) -> Answer:
    """Call ``operation`` with JSON ``params`` through the wire, as an SDK would."""
    reply = send_raw(fake, json.dumps(params).encode(), target=f"{TARGET_PREFIX}{operation}")
    try:
        body = json.loads(reply.body) if reply.body else {}
    except ValueError:  # a malformed-body fault
        body = {}
    assert isinstance(body, dict)
    return Answer(reply=reply, body=body)


def start(
    fake: FakeCustomLabels, version_arn: str, min_units: int = 1, max_units: int | None = None
) -> Answer:
    """StartProjectVersion through the wire."""
    params: dict[str, Any] = {"ProjectVersionArn": version_arn, "MinInferenceUnits": min_units}
    if max_units is not None:
        params["MaxInferenceUnits"] = max_units
    return send(fake, START, params)


def stop(fake: FakeCustomLabels, version_arn: str) -> Answer:
    """StopProjectVersion through the wire."""
    return send(fake, STOP, {"ProjectVersionArn": version_arn})


def describe_one(fake: FakeCustomLabels, project_arn: str, version_arn: str) -> dict[str, Any]:
    """The one description DescribeProjectVersions gives for a version, through the wire."""
    name = ProjectVersionArn.parse(version_arn).version_name
    answer = send(fake, DESCRIBE, {"ProjectArn": project_arn, "VersionNames": [name]})
    assert answer.status == 200, answer.body
    (description,) = answer.body["ProjectVersionDescriptions"]
    assert isinstance(description, dict)
    return description


def status_of(fake: FakeCustomLabels, project_arn: str, version_arn: str) -> str:
    """The Status DescribeProjectVersions reports for a version."""
    return str(describe_one(fake, project_arn, version_arn)["Status"])


@attrs.frozen(kw_only=True)
class Scene:
    """A fake with one project of versions v1 (oldest) .. vN.

    Attributes:
        fake: The fake service.
        project: The project's ARN.
        versions: The versions' ARNs, newest first.
    """

    fake: FakeCustomLabels
    project: ProjectArn
    versions: list[ProjectVersionArn]

    def params(self, operation: str) -> dict[str, Any]:
        """Valid parameters for ``operation`` on this project (its newest version)."""
        if operation == DESCRIBE:
            return {"ProjectArn": self.project}
        if operation == START:
            return {"ProjectVersionArn": self.versions[0], "MinInferenceUnits": 1}
        return {"ProjectVersionArn": self.versions[0]}

    def call(self, operation: str = DESCRIBE) -> Answer:
        """Call ``operation`` with valid parameters, through the wire."""
        return send(self.fake, operation, self.params(operation))


def make_scene(fake: FakeCustomLabels, count: int = 3) -> Scene:
    """A scene of ``count`` versions on ``fake``."""
    project, versions = seed(fake, count)
    return Scene(fake=fake, project=project, versions=versions)


def seed(
    fake: FakeCustomLabels,
    count: int,
    *,
    project: str = "shelf",
    statuses: Sequence[ProjectVersionStatus] = (),
) -> tuple[ProjectArn, list[ProjectVersionArn]]:
    """A project with ``count`` versions v1 (oldest) .. vN; returns its ARN and the versions, newest first."""
    project_arn = fake.add_project(project)
    versions = [
        fake.add_version(
            project_arn, f"v{i}", status=statuses[i - 1] if i <= len(statuses) else S.TRAINING_COMPLETED
        )
        for i in range(1, count + 1)
    ]
    return project_arn, versions[::-1]


def unknown_version(fake: FakeCustomLabels, project: str = "shelf") -> ProjectVersionArn:
    """A well-formed version ARN that the fake does not know."""
    parent = ProjectArn.from_parts(
        region=fake.region, account_id=fake.account_id, project_name=project, creation_timestamp=1
    )
    return ProjectVersionArn.from_parts(
        project=parent, version_name="no-such-version", creation_timestamp=1_600_000_000_000
    )


def unknown_project(fake: FakeCustomLabels) -> ProjectArn:
    """A well-formed project ARN that the fake does not know."""
    return ProjectArn.from_parts(
        region=fake.region, account_id=fake.account_id, project_name="nowhere", creation_timestamp=1
    )


def cli_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for an AWS CLI run against the emulator: no AWS_* of ours, dummy credentials only."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=str(tmp_path / "no-such-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-such-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        **extra,
    )
    return env


def isolate_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Remove every AWS_* variable and point the AWS config files at files that do not exist."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-such-credentials"))
    # Nothing may reach the instance metadata service from a test.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@contextlib.asynccontextmanager
async def in_process_client(
    fake: FakeCustomLabels, config: Config | None = None
) -> AsyncIterator[RekognitionClient]:
    """An aiobotocore Rekognition client whose requests ``fake`` answers in-process."""
    with in_process(fake):
        async with get_session().create_client("rekognition", region_name=REGION, config=config) as client:
            yield client


@contextlib.asynccontextmanager
async def loopback_client(
    endpoint_url: str, config: Config | None = None
) -> AsyncIterator[RekognitionClient]:
    """An aiobotocore Rekognition client of the emulator at ``endpoint_url``."""
    session = get_session()
    async with session.create_client(
        "rekognition", region_name=REGION, endpoint_url=endpoint_url, config=config, **CREDENTIALS
    ) as client:
        yield client


#: Labels a test sets: one below the assumed threshold of 50, one with a full Geometry.
LABELS = (
    CustomLabel(name="box", confidence=40.0),
    CustomLabel(
        name="can",
        confidence=95.5,
        geometry=Geometry(
            bounding_box=BoundingBox(width=0.5, height=0.25, left=0.125, top=0.5),
            polygon=(Point(x=0.125, y=0.5), Point(x=0.625, y=0.5), Point(x=0.625, y=0.75)),
        ),
    ),
    CustomLabel(name="jar", confidence=70.0),
)
