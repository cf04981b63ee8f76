"""Typed mirrors of the Rekognition Custom Labels model-version shapes.

Each class is named exactly as the botocore service model names the shape, and
each field is ``botocore.xform_name`` of its member. Classes are frozen, slotted
and keyword-only. Members the service marks optional default to ``None``; list
members are tuples.

A list member that was absent from a response defaults to ``NO_ITEMS``, an empty
tuple that remembers it was never sent, so that unstructuring gives back exactly
the dictionary that was structured: an absent list stays absent and an empty
one stays ``[]``. It compares equal to ``()``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Final

import attrs

from ._arns import ProjectArn, ProjectVersionArn


@attrs.frozen
class InferenceUnits:
    """The inference units a model version is started with, or runs with.

    ``str()`` gives ``1..3`` for a model that auto-scales between 1 and 3
    units, and ``1 (fixed)`` for one started without a maximum. A value, not
    a check: the client checks the units it is given (``InvalidRequestError``),
    and shows those a description reports as they are.

    Attributes:
        min: ``MinInferenceUnits``: the units it starts with, and scales down to.
        max: ``MaxInferenceUnits``: the most it scales up to; ``None`` when it
            does not auto-scale.
    """

    min: int
    max: int | None = None

    @property
    def scales(self) -> bool:
        """Whether these units let the model auto-scale: a maximum above the minimum."""
        return self.max is not None and self.max > self.min

    def same_as(self, other: InferenceUnits) -> bool:
        """Whether a model running with ``other`` runs as these units ask.

        No maximum asks for no auto-scaling, which a maximum equal to the
        minimum gives too.
        """
        return self.min == other.min and (self.max if self.scales else None) == (
            other.max if other.scales else None
        )

    def __str__(self) -> str:
        return f"{self.min} (fixed)" if self.max is None else f"{self.min}..{self.max}"


class _NoItems(tuple):  # type: ignore[type-arg]
    """The type of ``NO_ITEMS``: an empty tuple that marks an absent list member."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "()"

    def __reduce__(self) -> str:
        # Pickling keeps the marker itself, so copies still unstructure to "absent".
        return "NO_ITEMS"


NO_ITEMS: Final[tuple[Any, ...]] = _NoItems()
"""The default of every list member: empty, equal to ``()``, and unstructured as absent."""


class _OpenStrEnum(enum.StrEnum):
    """A string enum that accepts values this release does not know.

    AWS adds statuses over time. An unknown value becomes a pseudo-member of the
    enum (so type checkers and ``isinstance`` still see the enum type) that keeps
    the value unchanged, and ``is_known`` tells the two kinds apart.
    """

    @classmethod
    def _missing_(cls, value: object) -> _OpenStrEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one that this release of aiocustomlabels knows."""
        return self._name_ in type(self).__members__


class ProjectVersionStatus(_OpenStrEnum):
    """The status of a model version, as DescribeProjectVersions reports it.

    Unknown values that AWS may add later are accepted: ``ProjectVersionStatus("NEW")``
    gives a member whose ``value`` is ``"NEW"`` and whose ``is_known`` is false.
    """

    TRAINING_IN_PROGRESS = "TRAINING_IN_PROGRESS"
    """Being trained; ``start_and_wait`` waits for training to finish, then starts it."""
    TRAINING_COMPLETED = "TRAINING_COMPLETED"
    """Trained and ready to start."""
    TRAINING_FAILED = "TRAINING_FAILED"
    """Training failed: the version cannot be started."""
    STARTING = "STARTING"
    """A start was accepted; the model is being deployed."""
    RUNNING = "RUNNING"
    """Hosted and answering DetectCustomLabels, and billed until stopped."""
    FAILED = "FAILED"
    """The start failed; the StatusMessage says why."""
    STOPPING = "STOPPING"
    """A stop was accepted; the model is being taken down."""
    STOPPED = "STOPPED"
    """Stopped: ready to start again."""
    DELETING = "DELETING"
    """Being deleted."""
    COPYING_IN_PROGRESS = "COPYING_IN_PROGRESS"
    """Being copied from another project."""
    COPYING_COMPLETED = "COPYING_COMPLETED"
    """Copied from another project: ready to start."""
    COPYING_FAILED = "COPYING_FAILED"
    """The copy failed: the version cannot be started."""
    DEPRECATED = "DEPRECATED"
    """Deprecated: the version cannot be started."""
    EXPIRED = "EXPIRED"
    """Expired: the version cannot be started."""


_S = ProjectVersionStatus

#: The statuses in which a version is hosted, and billed for its inference units.
HOSTED_STATUSES: Final = frozenset({_S.STARTING, _S.RUNNING, _S.STOPPING})

#: The statuses from which StartProjectVersion starts a version. FAILED is not among them
#: (assumed: AWS does not say whether a FAILED version can be started again); the fake and
#: ``start_and_wait`` agree on this set.
STARTABLE_STATUSES: Final = frozenset({_S.TRAINING_COMPLETED, _S.STOPPED, _S.COPYING_COMPLETED})


class CustomizationFeature(_OpenStrEnum):
    """The feature a model version customizes; unknown values are accepted."""

    CONTENT_MODERATION = "CONTENT_MODERATION"
    """An adapter for content moderation (DetectModerationLabels)."""
    CUSTOM_LABELS = "CUSTOM_LABELS"
    """A Custom Labels model (DetectCustomLabels)."""


class ProjectStatus(_OpenStrEnum):
    """The status of a project, as DescribeProjects reports it; unknown values are accepted."""

    CREATING = "CREATING"
    """Being created."""
    CREATED = "CREATED"
    """Created: its versions can be trained and started."""
    DELETING = "DELETING"
    """Being deleted."""


class ProjectAutoUpdate(_OpenStrEnum):
    """Whether an adapter project follows new base model versions; unknown values are accepted."""

    ENABLED = "ENABLED"
    """New base model versions are adopted automatically."""
    DISABLED = "DISABLED"
    """The base model version stays as it was."""


class DatasetType(_OpenStrEnum):
    """The role of a dataset in its project; unknown values are accepted."""

    TRAIN = "TRAIN"
    """The training dataset."""
    TEST = "TEST"
    """The test dataset."""


class DatasetStatus(_OpenStrEnum):
    """The status of a dataset; unknown values are accepted."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    """Being created."""
    CREATE_COMPLETE = "CREATE_COMPLETE"
    """Created."""
    CREATE_FAILED = "CREATE_FAILED"
    """Its creation failed; the status message says why."""
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    """Being updated."""
    UPDATE_COMPLETE = "UPDATE_COMPLETE"
    """Updated."""
    UPDATE_FAILED = "UPDATE_FAILED"
    """Its update failed; the status message says why."""
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    """Being deleted."""


class DatasetStatusMessageCode(_OpenStrEnum):
    """Who a dataset's status message blames; unknown values are accepted."""

    SUCCESS = "SUCCESS"
    """Nothing went wrong."""
    SERVICE_ERROR = "SERVICE_ERROR"
    """The service failed."""
    CLIENT_ERROR = "CLIENT_ERROR"
    """The caller's data or request was at fault."""


@attrs.frozen(kw_only=True)
class S3Object:
    """An object in Amazon S3.

    Attributes:
        bucket: The name of the bucket.
        name: The key of the object.
        version: The version of the object, if the bucket is versioned.
    """

    bucket: str | None = None
    name: str | None = None
    version: str | None = None


@attrs.frozen(kw_only=True)
class GroundTruthManifest:
    """A SageMaker Ground Truth manifest file.

    Attributes:
        s3_object: Where the manifest lies in S3.
    """

    s3_object: S3Object | None = None


@attrs.frozen(kw_only=True)
class Asset:
    """A dataset asset: for Custom Labels, a Ground Truth manifest.

    Attributes:
        ground_truth_manifest: The manifest of the asset.
    """

    ground_truth_manifest: GroundTruthManifest | None = None


@attrs.frozen(kw_only=True)
class TrainingData:
    """The assets a model version was trained on.

    Attributes:
        assets: The training assets.
    """

    assets: tuple[Asset, ...] = NO_ITEMS


@attrs.frozen(kw_only=True)
class TestingData:
    """The assets a model version was tested on.

    Attributes:
        assets: The testing assets.
        auto_create: Whether the service split the training data to make a test set.
    """

    __test__ = False  # not a pytest test class, despite its name

    assets: tuple[Asset, ...] = NO_ITEMS
    auto_create: bool | None = None


@attrs.frozen(kw_only=True)
class ValidationData:
    """The validation results that training or testing produced.

    Attributes:
        assets: The validation assets.
    """

    assets: tuple[Asset, ...] = NO_ITEMS


@attrs.frozen(kw_only=True)
class TrainingDataResult:
    """The training data of a model version.

    Attributes:
        input: The data the caller supplied.
        output: The data the service used, after any changes it made.
        validation: The validation results of training.
    """

    input: TrainingData | None = None
    output: TrainingData | None = None
    validation: ValidationData | None = None


@attrs.frozen(kw_only=True)
class TestingDataResult:
    """The testing data of a model version.

    Attributes:
        input: The data the caller supplied.
        output: The data the service used, after any changes it made.
        validation: The validation results of testing.
    """

    __test__ = False  # not a pytest test class, despite its name

    input: TestingData | None = None
    output: TestingData | None = None
    validation: ValidationData | None = None


@attrs.frozen(kw_only=True)
class Summary:
    """Where the evaluation summary of a model version lies.

    Attributes:
        s3_object: The summary file in S3.
    """

    s3_object: S3Object | None = None


@attrs.frozen(kw_only=True)
class EvaluationResult:
    """How well a trained model version performed on its test set.

    Attributes:
        f1_score: The F1 score of the model version.
        summary: The evaluation summary file.
    """

    f1_score: float | None = None
    summary: Summary | None = None


@attrs.frozen(kw_only=True)
class OutputConfig:
    """Where training writes its results.

    Attributes:
        s3_bucket: The bucket.
        s3_key_prefix: The prefix of the keys written.
    """

    s3_bucket: str | None = None
    s3_key_prefix: str | None = None


@attrs.frozen(kw_only=True)
class CustomizationFeatureContentModerationConfig:
    """Settings of an adapter for content moderation.

    Attributes:
        confidence_threshold: The confidence, 0 to 100, below which labels are dropped.
    """

    confidence_threshold: float | None = None


@attrs.frozen(kw_only=True)
class CustomizationFeatureConfig:
    """Settings specific to the feature a model version customizes.

    Attributes:
        content_moderation: Settings for content moderation adapters.
    """

    content_moderation: CustomizationFeatureContentModerationConfig | None = None


@attrs.frozen(kw_only=True)
class ProjectVersionDescription:
    """Everything DescribeProjectVersions says about one model version.

    Attributes:
        project_version_arn: The ARN of the model version.
        creation_timestamp: When training of the version began.
        min_inference_units: The inference units the model was started with, or
            runs with at least when it auto-scales.
        status: The status of the version.
        status_message: Why the version is in its status, for example why a start failed.
        billable_training_time_in_seconds: The training time billed.
        training_end_timestamp: When training ended.
        output_config: Where training wrote its results.
        training_data_result: The training data.
        testing_data_result: The testing data.
        evaluation_result: How well the version performed.
        manifest_summary: The summary manifest of the training results.
        kms_key_id: The KMS key that encrypts the model and its data.
        max_inference_units: The most inference units the model auto-scales to;
            ``None`` when it does not auto-scale.
        source_project_version_arn: The version this one was copied from, if any.
        version_description: A free-text description of the version.
        feature: The feature the version customizes.
        base_model_version: The version of the base model (adapters only).
        feature_config: Settings specific to ``feature``.
    """

    project_version_arn: ProjectVersionArn | None = None
    creation_timestamp: datetime | None = None
    min_inference_units: int | None = None
    status: ProjectVersionStatus | None = None
    status_message: str | None = None
    billable_training_time_in_seconds: int | None = None
    training_end_timestamp: datetime | None = None
    output_config: OutputConfig | None = None
    training_data_result: TrainingDataResult | None = None
    testing_data_result: TestingDataResult | None = None
    evaluation_result: EvaluationResult | None = None
    manifest_summary: GroundTruthManifest | None = None
    kms_key_id: str | None = None
    max_inference_units: int | None = None
    source_project_version_arn: ProjectVersionArn | None = None
    version_description: str | None = None
    feature: CustomizationFeature | None = None
    base_model_version: str | None = None
    feature_config: CustomizationFeatureConfig | None = None

    @property
    def version_name(self) -> str | None:
        """The version's name, from its ARN; ``None`` if the service sent no ARN."""
        return None if self.project_version_arn is None else self.project_version_arn.version_name

    @property
    def inference_units(self) -> InferenceUnits | None:
        """The units the version was started with, as one value; ``None`` if never started.

        ``str()`` of it reads ``1..3``, or ``1 (fixed)`` without a maximum.
        """
        if self.min_inference_units is None:
            return None
        return InferenceUnits(self.min_inference_units, self.max_inference_units)


@attrs.frozen(kw_only=True)
class DescribeProjectVersionsResponse:
    """One page of DescribeProjectVersions.

    Attributes:
        project_version_descriptions: The versions on this page, newest first.
        next_token: The token of the next page; ``None`` on the last page.
    """

    project_version_descriptions: tuple[ProjectVersionDescription, ...] = NO_ITEMS
    next_token: str | None = None


@attrs.frozen(kw_only=True)
class DatasetMetadata:
    """A dataset of a project, as DescribeProjects summarizes it.

    Attributes:
        creation_timestamp: When the dataset was created.
        dataset_type: Whether it trains or tests.
        dataset_arn: The ARN of the dataset.
        status: The status of the dataset.
        status_message: Why the dataset is in its status.
        status_message_code: Who the status message blames.
    """

    creation_timestamp: datetime | None = None
    dataset_type: DatasetType | None = None
    dataset_arn: str | None = None
    status: DatasetStatus | None = None
    status_message: str | None = None
    status_message_code: DatasetStatusMessageCode | None = None


@attrs.frozen(kw_only=True)
class ProjectDescription:
    """Everything DescribeProjects says about one project.

    Attributes:
        project_arn: The ARN of the project.
        creation_timestamp: When the project was created.
        status: The status of the project.
        datasets: The project's datasets.
        feature: The feature the project customizes.
        auto_update: Whether an adapter project follows new base model versions.
    """

    project_arn: ProjectArn | None = None
    creation_timestamp: datetime | None = None
    status: ProjectStatus | None = None
    datasets: tuple[DatasetMetadata, ...] = NO_ITEMS
    feature: CustomizationFeature | None = None
    auto_update: ProjectAutoUpdate | None = None


@attrs.frozen(kw_only=True)
class DescribeProjectsResponse:
    """One page of DescribeProjects.

    Attributes:
        project_descriptions: The projects on this page.
        next_token: The token of the next page; ``None`` on the last page.
    """

    project_descriptions: tuple[ProjectDescription, ...] = NO_ITEMS
    next_token: str | None = None


@attrs.frozen(kw_only=True)
class StartProjectVersionResponse:
    """What StartProjectVersion returns.

    Attributes:
        status: The status of the version once the start was accepted.
    """

    status: ProjectVersionStatus | None = None


@attrs.frozen(kw_only=True)
class StopProjectVersionResponse:
    """What StopProjectVersion returns.

    Attributes:
        status: The status of the version once the stop was accepted.
    """

    status: ProjectVersionStatus | None = None


@attrs.frozen(kw_only=True)
class Point:
    """A point of a polygon, as ratios of the image's width and height.

    Attributes:
        x: From the left edge, as a ratio of the image's width (0 to 1).
        y: From the top edge, as a ratio of the image's height (0 to 1).
    """

    x: float | None = None
    y: float | None = None


@attrs.frozen(kw_only=True)
class BoundingBox:
    """A box around a detected object, as ratios of the image's width and height.

    Attributes:
        width: The box's width, as a ratio of the image's width.
        height: The box's height, as a ratio of the image's height.
        left: Its left edge, from the image's left, as a ratio of its width.
        top: Its top edge, from the image's top, as a ratio of its height.
    """

    width: float | None = None
    height: float | None = None
    left: float | None = None
    top: float | None = None


@attrs.frozen(kw_only=True)
class Geometry:
    """Where a detected object is in the image.

    Attributes:
        bounding_box: The box around it.
        polygon: A finer outline, as points.
    """

    bounding_box: BoundingBox | None = None
    polygon: tuple[Point, ...] = NO_ITEMS


@attrs.frozen(kw_only=True)
class CustomLabel:
    """A label the model found in an image.

    An image-level label (a classification model) has no geometry; an object
    label (a detection model) has one.

    Attributes:
        name: The label.
        confidence: How sure the model is, 0 to 100.
        geometry: Where the object is; ``None`` for an image-level label.
    """

    name: str | None = None
    confidence: float | None = None
    geometry: Geometry | None = None


@attrs.frozen(kw_only=True)
class DetectCustomLabelsResponse:
    """What DetectCustomLabels returns.

    Attributes:
        custom_labels: The labels found, at or above the minimum confidence.
    """

    custom_labels: tuple[CustomLabel, ...] = NO_ITEMS


#: Every open enum of the models: the converters give each the same hooks.
OPEN_ENUMS: Final[tuple[type[_OpenStrEnum], ...]] = (
    ProjectVersionStatus,
    CustomizationFeature,
    ProjectStatus,
    ProjectAutoUpdate,
    DatasetType,
    DatasetStatus,
    DatasetStatusMessageCode,
)
