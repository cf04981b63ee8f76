"""What the fake's projects and versions say of themselves, besides their status: as the service sends it."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from .._arns import ProjectArn, ProjectVersionArn
from .._converters import converter
from .._models import CustomizationFeature, ProjectVersionDescription

__all__ = ["populated_description", "project_wire", "wire_value"]


def project_wire(arn: ProjectArn, feature: CustomizationFeature) -> dict[str, Any]:
    """A project as DescribeProjects sends it: created, with a training and a test dataset."""
    created = arn.creation_timestamp / 1000
    prefix = arn.rsplit("/", 1)[0]
    datasets = [
        {
            "CreationTimestamp": created + 60 * (index + 1),
            "DatasetType": kind,
            "DatasetArn": f"{prefix}/dataset/{kind.lower()}/{arn.creation_timestamp + 60_000 * (index + 1)}",
            "Status": "CREATE_COMPLETE",
            "StatusMessage": "The dataset was created successfully.",
            "StatusMessageCode": "SUCCESS",
        }
        for index, kind in enumerate(("TRAIN", "TEST"))
    ]
    wire: dict[str, Any] = {
        "ProjectArn": str(arn),
        "CreationTimestamp": created,
        "Status": "CREATED",
        "Feature": feature.value,
    }
    if feature is CustomizationFeature.CUSTOM_LABELS:
        wire["Datasets"] = datasets
    else:
        # Adapters have no datasets of this kind, and follow base model updates unless told not to.
        wire["AutoUpdate"] = "ENABLED"
    return wire


def wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: wire_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire_value(v) for v in value]
    return value


def populated_description(
    arn: ProjectVersionArn, created: datetime, *, bucket: str = "custom-labels-console"
) -> ProjectVersionDescription:
    """A description with every member a trained Custom Labels model has.

    Written as the service sends it, members by their wire names, and
    structured by the library's own converter.
    """
    project, version = arn.project_name, arn.version_name
    out = f"output/{project}/{version}"

    def s3(name: str, **extra: str) -> dict[str, Any]:
        return {"S3Object": {"Bucket": bucket, "Name": name, **extra}}

    def assets(kind: str, **extra: Any) -> dict[str, Any]:
        manifest = s3(f"datasets/{project}/{kind}.manifest", Version="1")
        return {"Assets": [{"GroundTruthManifest": manifest}], **extra}

    def data(kind: str, **extra: Any) -> dict[str, Any]:
        return {
            "Input": assets(kind, **extra),
            "Output": assets(f"{kind}-output", **extra),
            "Validation": assets(f"{kind}-validation"),
        }

    wire = {
        "ProjectVersionArn": arn,
        "CreationTimestamp": created,
        "BillableTrainingTimeInSeconds": 3600 + len(version),
        "TrainingEndTimestamp": datetime.fromtimestamp(created.timestamp() + 3600, UTC),
        "OutputConfig": {"S3Bucket": bucket, "S3KeyPrefix": f"{out}/"},
        "TrainingDataResult": data("train"),
        "TestingDataResult": data("test", AutoCreate=False),
        "EvaluationResult": {
            # crc32, not hash(): str hashes are salted per process, and a fake's
            # descriptions should read the same in every run.
            "F1Score": 0.9 + (zlib.crc32(version.encode()) % 90) / 1000,
            "Summary": s3(f"{out}/EvaluationResultSummary.json"),
        },
        "ManifestSummary": s3(f"{out}/ManifestSummary.json"),
        "VersionDescription": f"Version {version} of {project}",
        "Feature": "CUSTOM_LABELS",
    }
    return converter.structure(wire, ProjectVersionDescription)
