"""Typed asyncio client for the model versions of Amazon Rekognition Custom Labels.

What users import: the client (``CustomLabelsClient``), ``calibrate`` and
``recommend``, the ARNs, the few values a caller builds or compares
(``Backoff``, ``InferenceUnits``, ``S3Object``, ``ProjectVersionStatus``,
``ProjectVersionDescription``), the two converters, and every exception. The
types that calls return, for annotations, are in ``aiocustomlabels.types``; the
fake service for tests is ``aiocustomlabels.testing``. ``__version__`` is the
installed version, from the package's metadata.
"""

from ._arns import (
    ProjectArn,
    ProjectVersionArn,
)
from ._calibration import calibrate
from ._client import (
    DEFAULT_CONFIG,
    CustomLabelsClient,
)
from ._converters import (
    converter,
    json_converter,
)
from ._errors import (
    AccessDeniedError,
    ClientClosedError,
    ConfigurationError,
    CustomLabelsError,
    ImageTooLargeError,
    InternalServerError,
    InvalidImageFormatError,
    InvalidPaginationTokenError,
    InvalidParameterError,
    InvalidRequestError,
    InvalidS3ObjectError,
    LimitExceededError,
    MalformedResponseError,
    ModelStartError,
    ModelStopError,
    NotFoundError,
    ProjectNotFoundError,
    ResourceInUseError,
    ResourceNotFoundError,
    ResourceNotReadyError,
    ServiceError,
    ThrottlingError,
    TransportError,
    UnitsMismatchError,
    VersionNotFoundError,
    VersionNotRunningError,
    WaitError,
    WaitTimeoutError,
)
from ._models import (
    InferenceUnits,
    ProjectVersionDescription,
    ProjectVersionStatus,
    S3Object,
)
from ._polling import Backoff
from ._sizing import recommend
from ._version import __version__ as __version__

__all__ = [
    "DEFAULT_CONFIG",
    "AccessDeniedError",
    "Backoff",
    "ClientClosedError",
    "ConfigurationError",
    "CustomLabelsClient",
    "CustomLabelsError",
    "ImageTooLargeError",
    "InferenceUnits",
    "InternalServerError",
    "InvalidImageFormatError",
    "InvalidPaginationTokenError",
    "InvalidParameterError",
    "InvalidRequestError",
    "InvalidS3ObjectError",
    "LimitExceededError",
    "MalformedResponseError",
    "ModelStartError",
    "ModelStopError",
    "NotFoundError",
    "ProjectArn",
    "ProjectNotFoundError",
    "ProjectVersionArn",
    "ProjectVersionDescription",
    "ProjectVersionStatus",
    "ResourceInUseError",
    "ResourceNotFoundError",
    "ResourceNotReadyError",
    "S3Object",
    "ServiceError",
    "ThrottlingError",
    "TransportError",
    "UnitsMismatchError",
    "VersionNotFoundError",
    "VersionNotRunningError",
    "WaitError",
    "WaitTimeoutError",
    "calibrate",
    "converter",
    "json_converter",
    "recommend",
]
