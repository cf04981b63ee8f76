"""Every botocore error becomes ours by its class, and waits survive exactly the transient ones."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    CapacityNotAvailableError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
    ResponseStreamingError,
    SSLError,
    UnauthorizedSSOTokenError,
    UnknownParameterError,
)

from aiocustomlabels import (
    ConfigurationError,
    CustomLabelsClient,
    InvalidRequestError,
    MalformedResponseError,
    TransportError,
)
from aiocustomlabels._waiting import is_transient
from tests._harness import StubRaw, run

PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/p/1"
URL = "https://rekognition.us-east-1.amazonaws.com/"

#: botocore's error, and the class it becomes.
MAPPING: list[tuple[Exception, type[Exception]]] = [
    (EndpointConnectionError(endpoint_url=URL), TransportError),
    (ConnectTimeoutError(endpoint_url=URL), TransportError),
    (ReadTimeoutError(endpoint_url=URL), TransportError),
    (ConnectionClosedError(endpoint_url=URL), TransportError),
    (ProxyConnectionError(proxy_url="http://proxy:3128"), TransportError),
    (SSLError(endpoint_url=URL, error="certificate verify failed"), TransportError),
    (HTTPClientError(error=OSError("reset")), TransportError),
    (ResponseStreamingError(error=OSError("reset")), TransportError),
    (IncompleteReadError(actual_bytes=10, expected_bytes=100), TransportError),
    (CapacityNotAvailableError(), TransportError),
    (NoCredentialsError(), ConfigurationError),
    (PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), ConfigurationError),
    (CredentialRetrievalError(provider="sso", error_msg="expired"), ConfigurationError),
    (UnauthorizedSSOTokenError(), ConfigurationError),
    (ProfileNotFound(profile="nope"), ConfigurationError),
    (NoRegionError(), ConfigurationError),
    (ParamValidationError(report="bad"), InvalidRequestError),
    (UnknownParameterError(name="X", operation="Y", choices="Z"), InvalidRequestError),
    (ValueError('Invalid timestamp "yesterday"'), MalformedResponseError),
    (AttributeError("'str' object has no attribute 'get'"), MalformedResponseError),
]

#: What waits survive: the failures a later poll may not meet.
TRANSIENT = {
    TransportError: True,
    MalformedResponseError: True,
    ConfigurationError: False,
    InvalidRequestError: False,
}


def raising(error: Exception) -> StubRaw:
    """A stand-in raw client whose every request raises ``error``."""

    async def fail(**params: Any) -> dict[str, Any]:
        raise error

    return StubRaw(fail)


@pytest.mark.parametrize(
    ("error", "ours"), MAPPING, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else ""
)
def test_each_botocore_error_becomes_ours_by_class(error: Exception, ours: type[Exception]) -> None:
    """The mapping goes by class, never by message, and keeps botocore's error as the cause."""
    client = CustomLabelsClient(raising(error))  # type: ignore[arg-type]

    async def main() -> BaseException:
        with pytest.raises(ours) as caught:
            await anext(client.describe_project_versions(PROJECT))
        return caught.value

    raised = run(main)
    assert type(raised) is ours
    assert raised.__cause__ is error


@pytest.mark.parametrize(
    ("error", "ours"), MAPPING, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else ""
)
def test_a_wait_rides_out_exactly_the_transient_failures(error: Exception, ours: type[Exception]) -> None:
    """A wait polls again after a transport or parse failure, and ends at once on what no retry mends."""
    raw = raising(error)
    client = CustomLabelsClient(raw)  # type: ignore[arg-type]

    async def main() -> BaseException:
        with pytest.raises(Exception) as caught:  # noqa: PT011 -- the class is what is checked
            await client.start_and_wait(PROJECT, "v1", min_inference_units=1, timeout=300)
        return caught.value

    raised = run(main)
    if TRANSIENT[ours]:
        assert type(raised).__name__ == "WaitTimeoutError"
        assert raw.calls > 1
    else:
        assert type(raised) is ours
        assert raw.calls == 1
    assert is_transient(ours("x")) is TRANSIENT[ours]
