"""The exceptions aiocustomlabels raises.

Every exception is catchable as ``CustomLabelsError``; foreign exceptions
(botocore's ``ClientError`` and ``BotoCoreError``) are wrapped, with the
original as ``__cause__``::

    CustomLabelsError
    ├── InvalidRequestError (also ValueError)       refused before any request was sent
    ├── MalformedResponseError (also ValueError)    a response does not fit the schema
    ├── NotFoundError (also LookupError)            what was named does not exist
    │   ├── VersionNotFoundError                    the project has no version of that name
    │   ├── ProjectNotFoundError                    no project holds that version, in its region and account
    │   └── ResourceNotFoundError (ServiceError)    ResourceNotFoundException
    ├── VersionNotRunningError                      the version must be RUNNING and is not
    │   └── ResourceNotReadyError (ServiceError)    ResourceNotReadyException
    ├── ClientClosedError                           the client was closed: its calls, waits and listings end
    ├── ConfigurationError                          nothing can be sent: no credentials, region, profile
    ├── TransportError                              no whole answer: refused, reset, timed out, cut off
    ├── ServiceError                                the service answered with an error code
    │   ├── AccessDeniedError                       AccessDeniedException
    │   ├── ImageTooLargeError                      ImageTooLargeException
    │   ├── InternalServerError                     InternalServerError
    │   ├── InvalidImageFormatError                 InvalidImageFormatException
    │   ├── InvalidPaginationTokenError             InvalidPaginationTokenException
    │   ├── InvalidParameterError                   InvalidParameterException
    │   ├── InvalidS3ObjectError                    InvalidS3ObjectException
    │   ├── LimitExceededError                      LimitExceededException
    │   ├── ResourceInUseError                      ResourceInUseException
    │   ├── ResourceNotFoundError                   (above, also a NotFoundError)
    │   ├── ResourceNotReadyError                   (above, also a VersionNotRunningError)
    │   └── ThrottlingError                         slow down: ThrottlingException,
    │                                               ProvisionedThroughputExceededException, ...
    └── WaitError                                   a wait ended without its goal
        ├── ModelStartError                         the version cannot reach RUNNING
        │   └── UnitsMismatchError                  it runs, or starts, with other units than asked
        ├── ModelStopError                          the version cannot reach STOPPED
        └── WaitTimeoutError (also TimeoutError)    the deadline passed first

CloudWatch's codes (for the inference-unit metrics) raise the class of the
code that means the same: ``AccessDenied`` an ``AccessDeniedError``,
``Throttling`` a ``ThrottlingError``, ``InvalidParameterValue`` an
``InvalidParameterError``, and so on; ``code`` keeps CloudWatch's. Codes that
this release does not map raise ``ServiceError`` itself, with the code in
``code``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._arns import ProjectVersionArn
from ._models import InferenceUnits, ProjectVersionDescription, ProjectVersionStatus


class CustomLabelsError(Exception):
    """The root of every exception that aiocustomlabels raises."""


class InvalidRequestError(CustomLabelsError, ValueError):
    """An argument breaks the service's rules; nothing was sent."""


class MalformedResponseError(CustomLabelsError, ValueError):
    """A response, or a dictionary given to the converter, does not fit the schema.

    Attributes:
        path: Where the bad member is, from the root: member names and list indexes.
        reason: What is wrong there.
    """

    def __init__(self, reason: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(reason, path)
        self.reason = reason
        self.path = path

    def _prefixed(self, steps: tuple[str | int, ...]) -> MalformedResponseError:
        # Each enclosing hook adds its own steps on the way out.
        self.path = (*steps, *self.path)
        self.args = (self.reason, self.path)
        return self

    @property
    def location(self) -> str:
        """The path as a JSONPath-like string, such as ``$.TrainingDataResult.Input.Assets[0]``."""
        return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class NotFoundError(CustomLabelsError, LookupError):
    """What was named does not exist: a version, its project, or what the service looked for.

    Catch this one class for every "not found", whichever call found it out.
    """


class VersionNotFoundError(NotFoundError):
    """The project has no model version of the name asked for.

    DescribeProjectVersions answers an unknown name with an empty list, not an
    error; the waiters turn that into this.

    Attributes:
        project_arn: The project searched.
        version_name: The name not found.
    """

    def __init__(self, project_arn: str, version_name: str) -> None:
        super().__init__(f"project {project_arn} has no version {version_name!r}")
        self.project_arn = project_arn
        self.version_name = version_name


class ProjectNotFoundError(NotFoundError):
    """No project holds the version: its project is not in the region and account the client sees.

    A version's ARN names its project but not the project's creation time, so
    the project's ARN is looked up (DescribeProjects), never computed.

    Attributes:
        version_arn: The version whose project was looked for.
    """

    def __init__(self, version_arn: ProjectVersionArn) -> None:
        super().__init__(
            f"no project {version_arn.project_name!r} in {version_arn.region} "
            f"(account {version_arn.account_id}) holds {version_arn}"
        )
        self.version_arn = version_arn


class ClientClosedError(CustomLabelsError):
    """The client was closed: by ``aclose()``, or by leaving its ``async with`` block.

    Raised by every call made after the close, and by the waits and listings
    that were under way when it came: they end at once.
    """


class ConfigurationError(CustomLabelsError):
    """Nothing can be sent, and no retry will mend it: no credentials, no region, a bad setting.

    ``CustomLabelsClient.create()`` raises it before any request where it
    can: missing credentials or region, an unknown profile, an endpoint that
    is not a URL. ``__cause__`` is botocore's error. Waits raise it at once.
    """


class VersionNotRunningError(CustomLabelsError):
    """The version must be RUNNING for what was asked, and is not.

    ``calibrate`` raises it before its first DetectCustomLabels request, with
    the version as it was described; DetectCustomLabels answers it with
    ``ResourceNotReadyError``, a subclass, without one.

    Attributes:
        description: The version as it was described; ``None`` when the
            service said so without describing it.
    """

    def __init__(self, message: str, description: ProjectVersionDescription | None = None) -> None:
        super().__init__(message)
        self.description = description

    @property
    def status(self) -> ProjectVersionStatus | None:
        """The status the version had, where it was described."""
        return None if self.description is None else self.description.status


class TransportError(CustomLabelsError):
    """No whole answer came back: refused, reset, timed out, cut off mid-body, or a proxy unreachable.

    The classes of botocore's ``ConnectionError`` and ``HTTPClientError``
    families, which its own retries count as transient. Raised once those
    retries are spent; ``__cause__`` is botocore's error. Waits ride it out
    while time remains.
    """


class ServiceError(CustomLabelsError):
    """The service answered with an error code.

    Attributes:
        code: The service's error code, such as ``ResourceInUseException``.
        message: The service's message.
        request_id: The request id, for AWS support; ``None`` if none came back.
        operation: The operation that failed, such as ``StartProjectVersion``.
        http_status: The HTTP status of the answer.
    """

    CODE: ClassVar[str] = ""
    """The error code this class stands for; empty on the base class."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code if code is not None else self.CODE
        self.message = message
        self.request_id = request_id
        self.operation = operation
        self.http_status = http_status

    def __str__(self) -> str:
        where = f" in {self.operation}" if self.operation else ""
        rid = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.code}{where}: {self.message}{rid}"


class AccessDeniedError(ServiceError):
    """The caller's credentials may not perform the operation."""

    CODE = "AccessDeniedException"


class ImageTooLargeError(ServiceError):
    """The image is larger than the service takes (DetectCustomLabels)."""

    CODE = "ImageTooLargeException"


class InternalServerError(ServiceError):
    """The service failed; botocore retried it, and the retries are spent."""

    CODE = "InternalServerError"


class InvalidImageFormatError(ServiceError):
    """The image is not in a format the service reads: JPEG or PNG (DetectCustomLabels)."""

    CODE = "InvalidImageFormatException"


class InvalidPaginationTokenError(ServiceError):
    """The NextToken is forged, stale, or from another listing."""

    CODE = "InvalidPaginationTokenException"


class InvalidParameterError(ServiceError):
    """The service refused a parameter, for example a start in a status that cannot start."""

    CODE = "InvalidParameterException"


class InvalidS3ObjectError(ServiceError):
    """The image's S3 object cannot be read: no such bucket, key or version, or no access."""

    CODE = "InvalidS3ObjectException"


class LimitExceededError(ServiceError):
    """An account limit, such as the inference units in use, would be exceeded."""

    CODE = "LimitExceededException"


class ResourceInUseError(ServiceError):
    """The version is busy: starting, running or stopping."""

    CODE = "ResourceInUseException"


class ResourceNotFoundError(ServiceError, NotFoundError):
    """The project or version does not exist."""

    CODE = "ResourceNotFoundException"


class ResourceNotReadyError(ServiceError, VersionNotRunningError):
    """The model version is not running, so it cannot analyze images (DetectCustomLabels)."""

    CODE = "ResourceNotReadyException"


class ThrottlingError(ServiceError):
    """The service asked the caller to slow down; botocore retried, and the retries are spent.

    One class for every code that means it: ``ThrottlingException``,
    ``ProvisionedThroughputExceededException`` (from DetectCustomLabels: more
    requests per second than the version's inference units in service can
    serve), CloudWatch's ``Throttling``, and any other code ending in
    ``Throttling`` or ``TooManyRequestsException``. ``code`` says which.
    """

    CODE = "ThrottlingException"


#: The exception class of each service error code.
ERRORS_BY_CODE: dict[str, type[ServiceError]] = {
    cls.CODE: cls
    for cls in (
        AccessDeniedError,
        ImageTooLargeError,
        InternalServerError,
        InvalidImageFormatError,
        InvalidPaginationTokenError,
        InvalidParameterError,
        InvalidS3ObjectError,
        LimitExceededError,
        ResourceInUseError,
        ResourceNotFoundError,
        ResourceNotReadyError,
        ThrottlingError,
    )
}


#: Other codes, as the class of the code that means the same: DetectCustomLabels' throttling, and CloudWatch's (``GetMetricData``).
ALIASES: dict[str, type[ServiceError]] = {
    "AccessDenied": AccessDeniedError,
    "Throttling": ThrottlingError,
    "ProvisionedThroughputExceededException": ThrottlingError,
    "InternalServiceError": InternalServerError,
    "InternalServiceFault": InternalServerError,
    "InvalidParameterValue": InvalidParameterError,
    "InvalidParameterCombination": InvalidParameterError,
    "MissingParameter": InvalidParameterError,
    "ValidationError": InvalidParameterError,
    "InvalidNextToken": InvalidPaginationTokenError,
    "LimitExceeded": LimitExceededError,
}


class WaitError(CustomLabelsError):
    """A wait ended without reaching its goal.

    Attributes:
        description: The last description seen, if any poll succeeded.
    """

    def __init__(self, message: str, description: ProjectVersionDescription | None) -> None:
        super().__init__(message)
        self.description = description

    @property
    def status(self) -> ProjectVersionStatus | None:
        """The last status seen."""
        return None if self.description is None else self.description.status

    @property
    def status_message(self) -> str | None:
        """The service's StatusMessage of the last description: often the reason."""
        return None if self.description is None else self.description.status_message


class ModelStartError(WaitError):
    """The version is in a status from which RUNNING cannot follow, such as FAILED."""


class UnitsMismatchError(ModelStartError):
    """The version runs, or is starting, with other inference units than those asked; nothing was sent.

    ``description`` is the version as it runs. A start cannot change the units
    of a hosted version: stop it and start it again (``reconfigure=True`` does
    both, at the cost of the restart's downtime).

    Attributes:
        asked: The units asked for.
        running: The units the version reports.
    """

    def __init__(
        self,
        message: str,
        description: ProjectVersionDescription,
        *,
        asked: InferenceUnits,
        running: InferenceUnits,
    ) -> None:
        super().__init__(message, description)
        self.asked = asked
        self.running = running


class ModelStopError(WaitError):
    """The version is in a status from which STOPPED cannot follow."""


class WaitTimeoutError(WaitError, TimeoutError):
    """The deadline passed before the wait reached its goal.

    Attributes:
        timeout: The timeout that passed, in seconds.
    """

    def __init__(
        self, message: str, description: ProjectVersionDescription | None, *, timeout: float
    ) -> None:
        super().__init__(message, description)
        self.timeout = timeout


def error_from_client_error(exc: Any, operation: str) -> ServiceError:
    """Our exception for botocore's ``ClientError`` ``exc``; the caller raises it ``from exc``."""
    response = getattr(exc, "response", None) or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "Unknown")
    cls = ERRORS_BY_CODE.get(code) or ALIASES.get(code, ServiceError)
    if cls is ServiceError and code.endswith(
        ("Throttling", "ThrottlingException", "TooManyRequestsException")
    ):
        cls = ThrottlingError
    return cls(
        str(error.get("Message") or code),
        code=code,
        request_id=meta.get("RequestId"),
        operation=operation,
        http_status=meta.get("HTTPStatusCode"),
    )
