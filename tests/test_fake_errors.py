"""Every error code of the operations, produced by the fake and raised by botocore with that exact code."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio
from botocore.exceptions import ClientError

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels.testing import Emulator
from tests._fake_support import (
    DESCRIBE,
    NO_RETRIES,
    START,
    STOP,
    Scene,
    in_process_client,
    loopback_client,
    unknown_project,
    unknown_version,
)

if TYPE_CHECKING:
    from types_aiobotocore_rekognition import RekognitionClient

S = ProjectVersionStatus

#: The error codes each operation declares in the service model.
DESCRIBE_CODES = ["ResourceNotFoundException", "InvalidPaginationTokenException", "InvalidParameterException"]
START_CODES = [
    "ResourceNotFoundException",
    "ResourceInUseException",
    "LimitExceededException",
    "InvalidParameterException",
]
FRONT_END_CODES = [
    "AccessDeniedException",
    "InternalServerError",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
]
#: The codes the service model marks as server faults ("fault": true): HTTP 500.
SERVER_CODES = {"InternalServerError", "ThrottlingException"}

#: How the fake's state (no fault) produces an error: set the scene, return the request.
Setup = Callable[[Scene], dict[str, Any]]


def _in_status(status: ProjectVersionStatus, operation: str) -> Setup:
    def setup(scene: Scene) -> dict[str, Any]:
        scene.fake.set_status(scene.versions[0], status)
        return scene.params(operation)

    return setup


def _over_quota(scene: Scene) -> dict[str, Any]:
    scene.fake.inference_unit_quota = 1
    return {"ProjectVersionArn": scene.versions[0], "MinInferenceUnits": 2}


STATE_ERRORS: list[tuple[str, str, str, Setup]] = [
    (
        "describe-unknown-project",
        DESCRIBE,
        "ResourceNotFoundException",
        lambda s: {"ProjectArn": unknown_project(s.fake)},
    ),
    (
        "describe-malformed-arn",
        DESCRIBE,
        "InvalidParameterException",
        lambda s: {"ProjectArn": "arn:aws:rekognition:us-east-1:111122223333:bogus/1"},
    ),
    (
        "describe-bad-version-name",
        DESCRIBE,
        "InvalidParameterException",
        lambda s: {"ProjectArn": s.project, "VersionNames": ["no spaces"]},
    ),
    (
        "describe-forged-token",
        DESCRIBE,
        "InvalidPaginationTokenException",
        lambda s: {"ProjectArn": s.project, "NextToken": "forged.token"},
    ),
    (
        "start-unknown-version",
        START,
        "ResourceNotFoundException",
        lambda s: {"ProjectVersionArn": unknown_version(s.fake), "MinInferenceUnits": 1},
    ),
    ("start-running", START, "ResourceInUseException", _in_status(S.RUNNING, START)),
    ("start-over-quota", START, "LimitExceededException", _over_quota),
    (
        "start-max-below-min",
        START,
        "InvalidParameterException",
        lambda s: {**s.params(START), "MinInferenceUnits": 3, "MaxInferenceUnits": 2},
    ),
    (
        "stop-unknown-version",
        STOP,
        "ResourceNotFoundException",
        lambda s: {"ProjectVersionArn": unknown_version(s.fake)},
    ),
    ("stop-stopping", STOP, "ResourceInUseException", _in_status(S.STOPPING, STOP)),
    ("stop-not-running", STOP, "InvalidParameterException", lambda s: s.params(STOP)),
]

FAULT_ERRORS = [
    (op, code)
    for op, codes in [(DESCRIBE, DESCRIBE_CODES), (START, START_CODES)]
    for code in codes + FRONT_END_CODES
]

METHODS = {
    DESCRIBE: "describe_project_versions",
    START: "start_project_version",
    STOP: "stop_project_version",
}


@pytest_asyncio.fixture(params=["in-process", "loopback"])
async def client(request: pytest.FixtureRequest, scene: Scene) -> AsyncIterator[RekognitionClient]:
    """An aiobotocore client of the fake, without retries: in-process, or over a loopback emulator."""
    if request.param == "in-process":
        async with in_process_client(scene.fake, NO_RETRIES) as client:
            yield client
    else:
        async with (
            Emulator(scene.fake) as emulator,
            loopback_client(emulator.endpoint_url, NO_RETRIES) as client,
        ):
            yield client


async def raised(client: RekognitionClient, operation: str, params: dict[str, Any]) -> ClientError:
    """The ClientError that calling ``operation`` raises."""
    method = getattr(client, METHODS[operation])
    with pytest.raises(ClientError) as caught:
        await method(**params)
    error: ClientError = caught.value
    return error


def test_the_tables_cover_every_declared_code() -> None:
    """The codes tested are exactly those the service model declares for each operation."""
    from botocore.session import get_session  # noqa: PLC0415 -- only this test reads the model

    model = get_session().get_service_model("rekognition")
    for operation, codes in [(DESCRIBE, DESCRIBE_CODES), (START, START_CODES)]:
        declared = {shape.name for shape in model.operation_model(operation).error_shapes}
        assert declared == {*codes, *FRONT_END_CODES}, operation
        # Every code but the front end's the fake's state produces, without faults.
        assert {code for _, op, code, _ in STATE_ERRORS if op == operation} == set(codes)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("operation", "code", "setup"),
    [(op, code, setup) for _, op, code, setup in STATE_ERRORS],
    ids=[name for name, _, _, _ in STATE_ERRORS],
)
async def test_state_error_reaches_botocore(
    scene: Scene, client: RekognitionClient, operation: str, code: str, setup: Setup
) -> None:
    """An error of the fake's state is a ClientError of exactly that code and modeled class, HTTP 400."""
    params = setup(scene)
    error = await raised(client, operation, params)
    assert error.response["Error"]["Code"] == code
    assert isinstance(error, getattr(client.exceptions, code))
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [r.params for r in scene.fake.requests_for(operation)] == [params]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("operation", "code"), FAULT_ERRORS, ids=[f"{op}-{code}" for op, code in FAULT_ERRORS]
)
async def test_injected_error_reaches_botocore(
    scene: Scene, client: RekognitionClient, operation: str, code: str
) -> None:
    """faults.error(code) on a valid request is a ClientError with exactly that code and its HTTP status."""
    scene.fake.faults.error(code, operation)
    error = await raised(client, operation, scene.params(operation))
    assert error.response["Error"]["Code"] == code
    assert error.response["Error"]["Message"] == f"Injected {code}."
    assert isinstance(error, getattr(client.exceptions, code))
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == (500 if code in SERVER_CODES else 400)
    assert [r.params for r in scene.fake.requests_for(operation)] == [scene.params(operation)]


@pytest.mark.asyncio
async def test_request_id_reaches_botocore(scene: Scene, client: RekognitionClient) -> None:
    """The x-amzn-RequestId of an error answer is botocore's RequestId."""
    error = await raised(client, DESCRIBE, {"ProjectArn": unknown_project(scene.fake)})
    metadata = error.response["ResponseMetadata"]
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"]
    assert metadata["RequestId"]
