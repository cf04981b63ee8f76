"""Typed asyncio client for the model versions of Amazon Rekognition Custom Labels.

What users import: the client (``CustomLabelsClient``), ``calibrate`` and
``recommend``, the ARNs, the few values a caller builds or compares
(``Backoff``, ``InferenceUnits``, ``S3Object``, ``ProjectVersionStatus``,
``ProjectVersionDescription``), the two converters, and every exception. The
types that calls return, for annotations, are in ``aiocustomlabels.types``; the
fake service for tests is ``aiocustomlabels.testing``. ``__version__`` is the
installed version, from the package's metadata.

Importing the package is cheap: a name is imported from its module on first
use. The command line relies on it: until its ``main`` runs, nothing heavy has
been imported, so a Ctrl-C in the first moments ends with one line, not a
traceback from inside aiohttp's import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._version import __version__ as __version__

if TYPE_CHECKING:
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

#: The modules the public names come from; type checkers see each name's import above.
_HOMES = (
    "._arns",
    "._calibration",
    "._client",
    "._converters",
    "._errors",
    "._models",
    "._polling",
    "._sizing",
)


def __getattr__(name: str) -> object:
    if name in __all__:
        for home in _HOMES:
            module = importlib.import_module(home, __name__)
            if name in vars(module):
                value = vars(module)[name]
                globals()[name] = value  # later look-ups find it without coming here
                return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
