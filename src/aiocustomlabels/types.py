"""The types that aiocustomlabels' calls return and take as callbacks, for annotations.

Nothing here needs importing to use the library: each is what a call gives back
(a description's parts, a listing's iterator, a calibration) or the shape of a
callback it takes. Import them to annotate your own code::

    from aiocustomlabels.types import CustomLabel


    def best(labels: list[CustomLabel]) -> CustomLabel: ...
"""

from ._calibration import (
    Calibration,
    CalibrationStep,
)
from ._client import ClientOpening
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
    StartProjectVersionResponse,
    StopProjectVersionResponse,
    Summary,
    TestingData,
    TestingDataResult,
    TrainingData,
    TrainingDataResult,
    ValidationData,
)
from ._polling import (
    DEFAULT_MAX_DELAY,
    DEFAULT_MIN_DELAY,
    DelayCallback,
)
from ._sizing import Recommendation
from ._waiting import StatusCallback

__all__ = [
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MIN_DELAY",
    "Asset",
    "BoundingBox",
    "Calibration",
    "CalibrationStep",
    "ClientOpening",
    "CustomLabel",
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
    "InferenceUnitsSample",
    "OutputConfig",
    "Point",
    "ProjectAutoUpdate",
    "ProjectDescription",
    "ProjectIterator",
    "ProjectPages",
    "ProjectStatus",
    "ProjectVersionIterator",
    "ProjectVersionPages",
    "Recommendation",
    "RunningVersion",
    "StartProjectVersionResponse",
    "StatusCallback",
    "StopProjectVersionResponse",
    "Summary",
    "TestingData",
    "TestingDataResult",
    "TrainingData",
    "TrainingDataResult",
    "ValidationData",
]
