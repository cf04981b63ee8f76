"""A page of fully populated DescribeProjectVersions descriptions, as the service sends it."""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "111122223333"
PROJECT_CREATED_MS = 1_690_000_000_000


def _asset(bucket: str, key: str) -> dict[str, Any]:
    return {"GroundTruthManifest": {"S3Object": {"Bucket": bucket, "Name": key, "Version": "3"}}}


def wire_description(index: int) -> dict[str, Any]:
    """One description on the wire: every member present, timestamps as epoch seconds."""
    created = 1_700_000_000 + index * 60
    project = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/bench"
    bucket = "custom-labels-bench"
    return {
        "ProjectVersionArn": f"{project}/version/v{index}/{created * 1000 + 1}",
        "CreationTimestamp": created + 0.123,
        "MinInferenceUnits": 1,
        "Status": "RUNNING" if index % 3 else "STOPPED",
        "StatusMessage": "The model is running.",
        "BillableTrainingTimeInSeconds": 3600 + index,
        "TrainingEndTimestamp": created + 3600.5,
        "OutputConfig": {"S3Bucket": bucket, "S3KeyPrefix": f"output/v{index}/"},
        "TrainingDataResult": {
            "Input": {"Assets": [_asset(bucket, "train/input.manifest")]},
            "Output": {"Assets": [_asset(bucket, "train/output.manifest")]},
            "Validation": {"Assets": [_asset(bucket, "train/validation.manifest")]},
        },
        "TestingDataResult": {
            "Input": {"Assets": [_asset(bucket, "test/input.manifest")], "AutoCreate": False},
            "Output": {"Assets": [_asset(bucket, "test/output.manifest")], "AutoCreate": False},
            "Validation": {"Assets": [_asset(bucket, "test/validation.manifest")]},
        },
        "EvaluationResult": {
            "F1Score": 0.912,
            "Summary": {"S3Object": {"Bucket": bucket, "Name": f"eval/v{index}.json", "Version": "1"}},
        },
        "ManifestSummary": {"S3Object": {"Bucket": bucket, "Name": f"summary/v{index}.json", "Version": "1"}},
        "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "MaxInferenceUnits": 3,
        "SourceProjectVersionArn": f"{project}/version/source/{created * 1000}",
        "VersionDescription": f"Benchmark version {index}",
        "Feature": "CUSTOM_LABELS",
        "BaseModelVersion": "1.0",
        "FeatureConfig": {"ContentModeration": {"ConfidenceThreshold": 55.5}},
    }


def wire_page(size: int = 100) -> bytes:
    """The JSON body of one page of ``size`` descriptions."""
    body = {"ProjectVersionDescriptions": [wire_description(i) for i in range(size)], "NextToken": "t" * 64}
    return json.dumps(body).encode()
