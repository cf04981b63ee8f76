"""Typed asyncio client for the model versions of Amazon Rekognition Custom Labels.

The public surface: the client (``CustomLabelsClient``), the models of the
service's responses, the converters, and the exceptions. The fake service for
tests lives in ``aiocustomlabels.testing``. ``__version__`` is the installed
version, from the package's metadata.

Importing the package is cheap: each public name is imported from its module on
first use (pytest imports the package for its plugin in every session of every
project that installs it, most of which never use it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._version import __version__ as __version__

if TYPE_CHECKING:
    from ._arns import ProjectArn, ProjectVersionArn
    from ._calibration import Calibration, CalibrationStep, calibrate
    from ._client import DEFAULT_CONFIG, ClientOpening, CustomLabelsClient
    from ._converters import (
        configure_converter,
        converter,
        json_converter,
        make_converter,
        make_json_converter,
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
        ProjectNotFoundError,
        ProvisionedThroughputExceededError,
        ResourceInUseError,
        ResourceNotFoundError,
        ResourceNotReadyError,
        ServiceError,
        ThrottledError,
        ThrottlingError,
        TransportError,
        UnitsMismatchError,
        VersionNotFoundError,
        VersionNotRunningError,
        WaitError,
        WaitTimeoutError,
    )
    from ._hosting import RunningVersion
    from ._listing import (
        HostedVersionIterator,
        ProjectIterator,
        ProjectPages,
        ProjectVersionIterator,
        ProjectVersionPages,
    )
    from ._metrics import InferenceUnitsSample
    from ._models import (
        Asset,
        BoundingBox,
        CustomizationFeature,
        CustomizationFeatureConfig,
        CustomizationFeatureContentModerationConfig,
        CustomLabel,
        DatasetMetadata,
        DatasetStatus,
        DatasetStatusMessageCode,
        DatasetType,
        DescribeProjectsResponse,
        DescribeProjectVersionsResponse,
        DetectCustomLabelsResponse,
        EvaluationResult,
        Geometry,
        GroundTruthManifest,
        OutputConfig,
        Point,
        ProjectAutoUpdate,
        ProjectDescription,
        ProjectStatus,
        ProjectVersionDescription,
        ProjectVersionStatus,
        S3Object,
        StartProjectVersionResponse,
        StopProjectVersionResponse,
        Summary,
        TestingData,
        TestingDataResult,
        TrainingData,
        TrainingDataResult,
        ValidationData,
    )
    from ._polling import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, Backoff, DelayCallback
    from ._rules import InferenceUnits
    from ._sizing import Recommendation, recommend
    from ._waiting import StatusCallback

#: The module of each public name, imported on first use. tests/typing checks that it names
#: exactly what the imports above (for type checkers) and ``__all__`` name.
_MODULES: dict[str, tuple[str, ...]] = {
    "._arns": (
        "ProjectArn",
        "ProjectVersionArn",
    ),
    "._calibration": (
        "Calibration",
        "CalibrationStep",
        "calibrate",
    ),
    "._client": (
        "ClientOpening",
        "CustomLabelsClient",
        "DEFAULT_CONFIG",
    ),
    "._converters": (
        "configure_converter",
        "converter",
        "json_converter",
        "make_converter",
        "make_json_converter",
    ),
    "._errors": (
        "AccessDeniedError",
        "ClientClosedError",
        "ConfigurationError",
        "CustomLabelsError",
        "ImageTooLargeError",
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
        "ProjectNotFoundError",
        "ProvisionedThroughputExceededError",
        "ResourceInUseError",
        "ResourceNotFoundError",
        "ResourceNotReadyError",
        "ServiceError",
        "ThrottledError",
        "ThrottlingError",
        "TransportError",
        "UnitsMismatchError",
        "VersionNotFoundError",
        "VersionNotRunningError",
        "WaitError",
        "WaitTimeoutError",
    ),
    "._hosting": ("RunningVersion",),
    "._listing": (
        "HostedVersionIterator",
        "ProjectIterator",
        "ProjectPages",
        "ProjectVersionIterator",
        "ProjectVersionPages",
    ),
    "._metrics": ("InferenceUnitsSample",),
    "._models": (
        "Asset",
        "BoundingBox",
        "CustomLabel",
        "CustomizationFeature",
        "CustomizationFeatureConfig",
        "CustomizationFeatureContentModerationConfig",
        "DatasetMetadata",
        "DatasetStatus",
        "DatasetStatusMessageCode",
        "DatasetType",
        "DescribeProjectVersionsResponse",
        "DescribeProjectsResponse",
        "DetectCustomLabelsResponse",
        "EvaluationResult",
        "Geometry",
        "GroundTruthManifest",
        "OutputConfig",
        "Point",
        "ProjectAutoUpdate",
        "ProjectDescription",
        "ProjectStatus",
        "ProjectVersionDescription",
        "ProjectVersionStatus",
        "S3Object",
        "StartProjectVersionResponse",
        "StopProjectVersionResponse",
        "Summary",
        "TestingData",
        "TestingDataResult",
        "TrainingData",
        "TrainingDataResult",
        "ValidationData",
    ),
    "._polling": (
        "Backoff",
        "DEFAULT_MAX_DELAY",
        "DEFAULT_MIN_DELAY",
        "DelayCallback",
    ),
    "._rules": ("InferenceUnits",),
    "._sizing": (
        "Recommendation",
        "recommend",
    ),
    "._waiting": ("StatusCallback",),
}
_HOMES = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> object:
    module = _HOMES.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MIN_DELAY",
    "AccessDeniedError",
    "Asset",
    "Backoff",
    "BoundingBox",
    "Calibration",
    "CalibrationStep",
    "ClientClosedError",
    "ClientOpening",
    "ConfigurationError",
    "CustomLabel",
    "CustomLabelsClient",
    "CustomLabelsError",
    "CustomizationFeature",
    "CustomizationFeatureConfig",
    "CustomizationFeatureContentModerationConfig",
    "DatasetMetadata",
    "DatasetStatus",
    "DatasetStatusMessageCode",
    "DatasetType",
    "DelayCallback",
    "DescribeProjectVersionsResponse",
    "DescribeProjectsResponse",
    "DetectCustomLabelsResponse",
    "EvaluationResult",
    "Geometry",
    "GroundTruthManifest",
    "HostedVersionIterator",
    "ImageTooLargeError",
    "InferenceUnits",
    "InferenceUnitsSample",
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
    "OutputConfig",
    "Point",
    "ProjectArn",
    "ProjectAutoUpdate",
    "ProjectDescription",
    "ProjectIterator",
    "ProjectNotFoundError",
    "ProjectPages",
    "ProjectStatus",
    "ProjectVersionArn",
    "ProjectVersionDescription",
    "ProjectVersionIterator",
    "ProjectVersionPages",
    "ProjectVersionStatus",
    "ProvisionedThroughputExceededError",
    "Recommendation",
    "ResourceInUseError",
    "ResourceNotFoundError",
    "ResourceNotReadyError",
    "RunningVersion",
    "S3Object",
    "ServiceError",
    "StartProjectVersionResponse",
    "StatusCallback",
    "StopProjectVersionResponse",
    "Summary",
    "TestingData",
    "TestingDataResult",
    "ThrottledError",
    "ThrottlingError",
    "TrainingData",
    "TrainingDataResult",
    "TransportError",
    "UnitsMismatchError",
    "ValidationData",
    "VersionNotFoundError",
    "VersionNotRunningError",
    "WaitError",
    "WaitTimeoutError",
    "calibrate",
    "configure_converter",
    "converter",
    "json_converter",
    "make_converter",
    "make_json_converter",
    "recommend",
]
