"""Starting and stopping single calls, and how service errors map to exceptions."""

from __future__ import annotations

from typing import Any

import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from aiocustomlabels import (
    DEFAULT_CONFIG,
    AccessDeniedError,
    CustomLabelsClient,
    CustomLabelsError,
    InternalServerError,
    InvalidPaginationTokenError,
    InvalidParameterError,
    InvalidRequestError,
    LimitExceededError,
    NotFoundError,
    ProjectNotFoundError,
    ProjectVersionStatus,
    ResourceInUseError,
    ResourceNotFoundError,
    ResourceNotReadyError,
    ServiceError,
    ThrottlingError,
    TransportError,
    VersionNotFoundError,
    VersionNotRunningError,
)
from aiocustomlabels.testing import in_process
from tests._clients import using
from tests._harness import NO_RETRIES, project_with, run, virtual_fake

S = ProjectVersionStatus


@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [
        ({"min_inference_units": 1}, {"MinInferenceUnits": 1}),
        (
            {"min_inference_units": 2, "max_inference_units": 5},
            {"MinInferenceUnits": 2, "MaxInferenceUnits": 5},
        ),
        (
            {"min_inference_units": 3, "max_inference_units": 3},
            {"MinInferenceUnits": 3, "MaxInferenceUnits": 3},
        ),
        ({"min_inference_units": 1, "max_inference_units": None}, {"MinInferenceUnits": 1}),
    ],
)
def test_start_sends_units_as_given(kwargs: dict[str, Any], sent: dict[str, int]) -> None:
    """MinInferenceUnits is always sent; MaxInferenceUnits only when given."""
    fake = virtual_fake()
    _, (arn,) = project_with(fake, 1)
    assert using(fake, lambda client: client.start_project_version(arn, **kwargs)) is S.STARTING
    (request,) = fake.requests_for("StartProjectVersion")
    assert request.params == {"ProjectVersionArn": arn, **sent}
    described = fake.describe(arn)
    assert (described.min_inference_units, described.max_inference_units) == (
        sent["MinInferenceUnits"],
        sent.get("MaxInferenceUnits"),
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_inference_units": 0},
        {"min_inference_units": -1},
        {"min_inference_units": True},
        {"min_inference_units": 1.5},
        {"min_inference_units": 2, "max_inference_units": 1},
        {"min_inference_units": 1, "max_inference_units": 0},
        {"min_inference_units": 2**31},
        {"min_inference_units": 10**100},
        {"min_inference_units": "1"},
        {"min_inference_units": 1, "max_inference_units": 2**31},
        {"min_inference_units": 1, "max_inference_units": True},
        {"min_inference_units": 1, "max_inference_units": 2.0},
    ],
)
def test_bad_units_are_refused_before_any_request(kwargs: dict[str, Any]) -> None:
    """Units outside 1..2,147,483,647 (the model's 32-bit Integer), max < min, or not ints: refused, nothing sent."""
    fake = virtual_fake()
    _, (arn,) = project_with(fake, 1)
    with pytest.raises(InvalidRequestError, match="inference_units"):
        using(fake, lambda client: client.start_project_version(arn, **kwargs))
    assert fake.requests == ()


def test_stop_returns_stopping() -> None:
    """stop_project_version sends the ARN and returns STOPPING."""
    fake = virtual_fake()
    _, (arn,) = project_with(fake, 1, status=S.RUNNING)
    assert using(fake, lambda client: client.stop_project_version(arn)) is S.STOPPING
    assert [r.params for r in fake.requests_for("StopProjectVersion")] == [{"ProjectVersionArn": arn}]


@pytest.mark.parametrize(
    ("status", "quota", "units", "error"),
    [(S.RUNNING, None, 1, ResourceInUseError), (S.TRAINING_COMPLETED, 2, 3, LimitExceededError)],
    ids=["running-is-in-use", "past-the-quota"],
)
def test_the_services_refusal_of_a_start_is_typed(
    status: ProjectVersionStatus, quota: int | None, units: int, error: type[Exception]
) -> None:
    """Starting a RUNNING version is ResourceInUseError; a start past the inference-unit quota LimitExceededError."""
    fake = virtual_fake(**({} if quota is None else {"inference_unit_quota": quota}))
    _, (arn,) = project_with(fake, 1, status=status)
    with pytest.raises(error):
        using(fake, lambda client: client.start_project_version(arn, min_inference_units=units))


ERRORS: list[tuple[str, type[ServiceError]]] = [
    ("ResourceNotFoundException", ResourceNotFoundError),
    ("ResourceInUseException", ResourceInUseError),
    ("LimitExceededException", LimitExceededError),
    ("InvalidParameterException", InvalidParameterError),
    ("InvalidPaginationTokenException", InvalidPaginationTokenError),
    ("AccessDeniedException", AccessDeniedError),
    ("InternalServerError", InternalServerError),
    ("ThrottlingException", ThrottlingError),
    ("ProvisionedThroughputExceededException", ThrottlingError),
    ("SomethingNewException", ServiceError),
]


@pytest.mark.parametrize(("code", "cls"), ERRORS)
@pytest.mark.parametrize("operation", ["StartProjectVersion", "DescribeProjectVersions"])
def test_each_code_maps_to_its_exception(code: str, cls: type[ServiceError], operation: str) -> None:
    """Each service code raises its own class, with code, message, request id and the ClientError as cause."""
    fake = virtual_fake()
    project, (arn,) = project_with(fake, 1)
    fake.faults.error(code, operation, message=f"injected {code}")

    def call(client: CustomLabelsClient) -> object:
        if operation == "StartProjectVersion":
            return client.start_project_version(arn, min_inference_units=1)
        return anext(client.describe_project_versions(project))

    with pytest.raises(cls) as info:
        using(fake, call, config=NO_RETRIES)
    error = info.value
    assert type(error) is cls
    assert isinstance(error, CustomLabelsError)
    assert (error.code, error.message, error.operation) == (code, f"injected {code}", operation)
    assert error.request_id
    assert error.http_status == (500 if code in {"InternalServerError", "ThrottlingException"} else 400)
    assert isinstance(error.__cause__, ClientError)
    assert code in str(error)


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (ResourceNotFoundError, NotFoundError),
        (VersionNotFoundError, NotFoundError),
        (ProjectNotFoundError, NotFoundError),
        (NotFoundError, LookupError),
        (ResourceNotReadyError, VersionNotRunningError),
        (ResourceNotReadyError, ServiceError),
    ],
)
def test_one_situation_is_caught_at_one_class(cls: type[Exception], parent: type[Exception]) -> None:
    """Not found, and not running, each have one class to catch, whichever call finds it out."""
    assert issubclass(cls, parent)


def test_botocore_retries_throttling_before_raising() -> None:
    """Throttled calls are retried by botocore's standard mode; a short burst never reaches the caller."""
    fake = virtual_fake()
    _, (arn,) = project_with(fake, 1)
    fake.faults.throttle("StartProjectVersion", times=2)
    assert using(fake, lambda client: client.start_project_version(arn, min_inference_units=1)) is S.STARTING
    assert len(fake.requests_for("StartProjectVersion")) == 3


def test_dropped_connection_is_transport_error() -> None:
    """A connection dropped with no retries left raises TransportError with botocore's error as cause."""
    fake = virtual_fake()
    _, (arn,) = project_with(fake, 1)
    fake.faults.drop("StartProjectVersion")
    with pytest.raises(TransportError) as info:
        using(
            fake, lambda client: client.start_project_version(arn, min_inference_units=1), config=NO_RETRIES
        )
    assert info.value.__cause__ is not None


def test_create_merges_config_over_defaults() -> None:
    """A config given to create() wins where it sets something; the defaults fill the rest."""

    async def main() -> None:
        with in_process(virtual_fake()):
            async with CustomLabelsClient.create(
                region_name="eu-west-1",
                config=AioConfig(retries={"mode": "adaptive", "total_max_attempts": 2}),
            ) as client:
                config = client.raw.meta.config
                assert config.retries == {"mode": "adaptive", "total_max_attempts": 2}
                assert config.read_timeout == DEFAULT_CONFIG.read_timeout
                assert client.raw.meta.region_name == "eu-west-1"
                assert "eu-west-1" in repr(client)

    run(main)
