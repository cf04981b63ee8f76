"""The converters: botocore dictionaries and JSON in, models out, and back."""

from __future__ import annotations

import contextlib
import copy
import json
import pickle
from datetime import UTC, datetime
from typing import Any

import attrs
import cattrs
import pytest
from botocore.parsers import create_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from aiocustomlabels import (
    CustomLabelsError,
    MalformedResponseError,
    ProjectVersionDescription,
    ProjectVersionStatus,
    S3Object,
    converter,
    json_converter,
)
from aiocustomlabels._models import NO_ITEMS
from aiocustomlabels.types import (
    CustomizationFeature,
    DescribeProjectVersionsResponse,
    DetectCustomLabelsResponse,
    StartProjectVersionResponse,
    StopProjectVersionResponse,
    TrainingData,
)
from benchmarks._page import wire_description
from tests._strategies import junk, response, rich_response, shape

RESPONSES: list[tuple[str, type[Any]]] = [
    ("DescribeProjectVersionsResponse", DescribeProjectVersionsResponse),
    ("StartProjectVersionResponse", StartProjectVersionResponse),
    ("StopProjectVersionResponse", StopProjectVersionResponse),
    ("DetectCustomLabelsResponse", DetectCustomLabelsResponse),
]
WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


def parsed_description(index: int = 0) -> dict[str, Any]:
    """A fully populated description as botocore's parser returns it."""
    body = json.dumps({"ProjectVersionDescriptions": [wire_description(index)]}).encode()
    parsed = create_parser("json").parse(
        {"body": body, "headers": {}, "status_code": 200}, shape("DescribeProjectVersionsResponse")
    )
    result: dict[str, Any] = parsed["ProjectVersionDescriptions"][0]
    return result


#: Fewer examples than hypothesis's default, half of them with every member filled: each of
#: those reaches every member of the shape, where a sparse draw reaches a few.
ROUND_TRIPS = settings(max_examples=30)


@pytest.mark.parametrize(("shape_name", "cls"), RESPONSES)
@ROUND_TRIPS
@given(data=st.data())
def test_round_trip_of_every_allowed_response(shape_name: str, cls: type[Any], data: st.DataObject) -> None:
    """unstructure(structure(d)) == d for every response the service model allows."""
    d = data.draw(rich_response(shape_name))
    assert converter.unstructure(converter.structure(d, cls)) == d


@pytest.mark.parametrize(("shape_name", "cls"), RESPONSES)
@ROUND_TRIPS
@given(data=st.data())
def test_json_round_trip_of_every_allowed_response(
    shape_name: str, cls: type[Any], data: st.DataObject
) -> None:
    """The JSON preset gives text that json can carry and that structures back to an equal object."""
    obj = converter.structure(data.draw(rich_response(shape_name)), cls)
    text = json.dumps(json_converter.unstructure(obj))
    assert json_converter.structure(json.loads(text), cls) == obj


def test_structures_what_botocore_parses() -> None:
    """A description parsed by botocore from the wire structures with every member typed."""
    desc = converter.structure(parsed_description(), ProjectVersionDescription)
    assert desc.status is ProjectVersionStatus.STOPPED
    assert desc.feature is CustomizationFeature.CUSTOM_LABELS
    assert desc.min_inference_units == 1
    assert desc.max_inference_units == 3
    assert desc.creation_timestamp is not None
    assert desc.creation_timestamp.tzinfo is not None
    assert desc.evaluation_result is not None
    assert desc.evaluation_result.f1_score == pytest.approx(0.912)
    assert desc.training_data_result is not None
    assert desc.training_data_result.input is not None
    (asset,) = desc.training_data_result.input.assets
    assert asset.ground_truth_manifest is not None
    assert asset.ground_truth_manifest.s3_object is not None
    assert asset.ground_truth_manifest.s3_object.name == "train/input.manifest"


def test_unstructure_omits_absent_members() -> None:
    """Members left at None never appear as None in the dictionary."""
    assert converter.unstructure(ProjectVersionDescription(status=ProjectVersionStatus.RUNNING)) == {
        "Status": "RUNNING"
    }


def test_absent_list_stays_absent() -> None:
    """A list member that was not sent is not sent back, but reads as an empty tuple."""
    data = converter.structure({}, TrainingData)
    assert data.assets == ()
    assert data.assets is NO_ITEMS
    assert converter.unstructure(data) == {}


def test_empty_list_stays_empty() -> None:
    """A list member sent empty comes back empty, not absent."""
    data = converter.structure({"Assets": []}, TrainingData)
    assert data.assets == ()
    assert converter.unstructure(data) == {"Assets": []}


def test_explicit_empty_tuple_is_sent() -> None:
    """A model built with assets=() unstructures the list as present and empty."""
    assert converter.unstructure(TrainingData(assets=())) == {"Assets": []}


def test_no_items_survives_copies() -> None:
    """Copies and evolutions keep the absent marker, so they unstructure the same way."""
    data = TrainingData()
    assert copy.deepcopy(data).assets is NO_ITEMS
    assert pickle.loads(pickle.dumps(data)).assets is NO_ITEMS  # noqa: S301 -- our own bytes
    assert attrs.evolve(data).assets is NO_ITEMS


def test_unknown_members_are_ignored() -> None:
    """A member that AWS adds later is ignored, not an error."""
    desc = converter.structure({"Status": "RUNNING", "SomethingNew": {"X": 1}}, ProjectVersionDescription)
    assert desc == ProjectVersionDescription(status=ProjectVersionStatus.RUNNING)


@pytest.mark.parametrize("conv", [converter, json_converter], ids=["botocore", "json"])
def test_unknown_status_round_trips(conv: cattrs.Converter) -> None:
    """A status this release does not know structures to the enum type and comes back unchanged."""
    desc = conv.structure({"Status": "HIBERNATING"}, ProjectVersionDescription)
    assert isinstance(desc.status, ProjectVersionStatus)
    assert desc.status == "HIBERNATING"
    assert conv.unstructure(desc) == {"Status": "HIBERNATING"}


def test_unknown_feature_round_trips() -> None:
    """A feature this release does not know survives a round trip."""
    desc = converter.structure({"Feature": "FACE_MAGIC"}, ProjectVersionDescription)
    assert isinstance(desc.feature, CustomizationFeature)
    assert converter.unstructure(desc) == {"Feature": "FACE_MAGIC"}


def test_known_status_is_the_member_itself() -> None:
    """Known values structure to the enum's own members, so identity checks work."""
    assert (
        converter.structure({"Status": "RUNNING"}, StartProjectVersionResponse).status
        is ProjectVersionStatus.RUNNING
    )


def test_timestamps_stay_datetimes() -> None:
    """The botocore preset keeps the datetime objects it was given."""
    out = converter.unstructure(converter.structure({"CreationTimestamp": WHEN}, ProjectVersionDescription))
    assert out == {"CreationTimestamp": WHEN}


def test_json_timestamps_are_iso8601() -> None:
    """The JSON preset writes ISO 8601 with the offset."""
    desc = ProjectVersionDescription(creation_timestamp=WHEN, status=ProjectVersionStatus.STOPPED)
    assert json_converter.unstructure(desc) == {
        "CreationTimestamp": "2024-05-01T12:30:00+00:00",
        "Status": "STOPPED",
    }


def test_json_accepts_z_suffix() -> None:
    """The JSON preset reads the Z form of UTC that other tools write."""
    desc = json_converter.structure({"CreationTimestamp": "2024-05-01T12:30:00Z"}, ProjectVersionDescription)
    assert desc.creation_timestamp == WHEN


def test_a_copy_of_the_converter_is_independent() -> None:
    """A copy of the converter can be changed without touching the shared one."""
    mine = converter.copy()
    mine.register_structure_hook(ProjectVersionStatus, lambda value, _: ProjectVersionStatus.FAILED)
    assert (
        mine.structure({"Status": "RUNNING"}, StartProjectVersionResponse).status
        is ProjectVersionStatus.FAILED
    )
    assert (
        converter.structure({"Status": "RUNNING"}, StartProjectVersionResponse).status
        is ProjectVersionStatus.RUNNING
    )


def test_hooks_registered_by_hand_are_respected_inside_nested_models() -> None:
    """A hand-registered hook for a nested class is used, not inlined over."""
    mine = json_converter.copy()
    mine.register_structure_hook(S3Object, lambda value, _: S3Object(bucket="replaced"))
    desc = mine.structure({"ManifestSummary": {"S3Object": {"Bucket": "b"}}}, ProjectVersionDescription)
    assert desc.manifest_summary is not None
    assert desc.manifest_summary.s3_object == S3Object(bucket="replaced")


def test_float_member_accepts_integral_json_number() -> None:
    """An F1 score sent as 1 (JSON has one number type) is kept as sent."""
    d = {"EvaluationResult": {"F1Score": 1}}
    assert converter.unstructure(converter.structure(d, ProjectVersionDescription)) == d


MALFORMED: list[tuple[Any, type[Any], str]] = [
    ([], ProjectVersionDescription, "$: expected an object, got list"),
    ({"Status": 5}, ProjectVersionDescription, "$.Status: expected a string, got int"),
    (
        {"MinInferenceUnits": "1"},
        ProjectVersionDescription,
        "$.MinInferenceUnits: expected an integer, got str",
    ),
    (
        {"MinInferenceUnits": True},
        ProjectVersionDescription,
        "$.MinInferenceUnits: expected an integer, got bool",
    ),
    (
        {"TrainingDataResult": []},
        ProjectVersionDescription,
        "$.TrainingDataResult: expected an object, got list",
    ),
    (
        {"TrainingDataResult": {"Input": {"Assets": {}}}},
        ProjectVersionDescription,
        "$.TrainingDataResult.Input.Assets: expected a list, got dict",
    ),
    (
        {"TrainingDataResult": {"Input": {"Assets": [{}, 3]}}},
        ProjectVersionDescription,
        "$.TrainingDataResult.Input.Assets[1]: expected an object, got int",
    ),
    (
        {"TestingDataResult": {"Output": {"Assets": [{"GroundTruthManifest": {"S3Object": {"Bucket": 1}}}]}}},
        ProjectVersionDescription,
        "$.TestingDataResult.Output.Assets[0].GroundTruthManifest.S3Object.Bucket: expected a string, got int",
    ),
    (
        {"EvaluationResult": {"F1Score": "0.9"}},
        ProjectVersionDescription,
        "$.EvaluationResult.F1Score: expected a number, got str",
    ),
    (
        {"TestingDataResult": {"Input": {"AutoCreate": "yes"}}},
        ProjectVersionDescription,
        "$.TestingDataResult.Input.AutoCreate: expected a boolean, got str",
    ),
    (
        {"CreationTimestamp": "2024-05-01"},
        ProjectVersionDescription,
        "$.CreationTimestamp: expected a timezone-aware datetime, got str",
    ),
    (
        {"CreationTimestamp": datetime(2024, 5, 1)},
        ProjectVersionDescription,
        "$.CreationTimestamp: expected a timezone-aware datetime, got datetime",
    ),
    (
        {"ProjectVersionDescriptions": [{}, {"Status": ["RUNNING"]}]},
        DescribeProjectVersionsResponse,
        "$.ProjectVersionDescriptions[1].Status: expected a string, got list",
    ),
    (
        {"ProjectVersionDescriptions": [{"FeatureConfig": {"ContentModeration": 7}}]},
        DescribeProjectVersionsResponse,
        "$.ProjectVersionDescriptions[0].FeatureConfig.ContentModeration: expected an object, got int",
    ),
]


@pytest.mark.parametrize(("data", "cls", "message"), MALFORMED)
def test_malformed_input_names_the_path(data: Any, cls: type[Any], message: str) -> None:
    """A wrong type anywhere raises MalformedResponseError whose message starts with the path."""
    with pytest.raises(MalformedResponseError) as info:
        converter.structure(data, cls)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"CreationTimestamp": "yesterday"}, "$.CreationTimestamp: expected an ISO 8601 timestamp"),
        (
            {"CreationTimestamp": "2024-05-01T12:00:00"},
            "$.CreationTimestamp: expected a timestamp with a UTC offset",
        ),
        ({"CreationTimestamp": 1714560000}, "$.CreationTimestamp: expected an ISO 8601 string"),
    ],
)
def test_json_malformed_timestamps_name_the_path(data: Any, message: str) -> None:
    """The JSON preset rejects timestamps it cannot read, naming the member."""
    with pytest.raises(MalformedResponseError) as info:
        json_converter.structure(data, ProjectVersionDescription)
    assert str(info.value).startswith(message)


def test_malformed_error_is_a_value_error_and_ours() -> None:
    """Malformed input is catchable as ValueError and as CustomLabelsError, with the path as data."""
    with pytest.raises(MalformedResponseError) as info:
        converter.structure({"OutputConfig": {"S3Bucket": 1}}, ProjectVersionDescription)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, CustomLabelsError)
    assert info.value.path == ("OutputConfig", "S3Bucket")


@pytest.mark.parametrize(("shape_name", "cls"), RESPONSES)
@given(value=junk)
def test_junk_structures_or_raises_malformed(shape_name: str, cls: type[Any], value: Any) -> None:
    """Arbitrary JSON-ish input never escapes as KeyError, AttributeError or TypeError."""
    with contextlib.suppress(MalformedResponseError):
        converter.structure(value, cls)


@given(desc=response("DescribeProjectVersionsResponse"), path=st.data())
def test_a_wrong_type_anywhere_is_located(desc: dict[str, Any], path: st.DataObject) -> None:
    """Replacing any one member by a value of another type raises an error at that member's path."""
    spots: list[tuple[tuple[str | int, ...], Any]] = []

    def visit(node: Any, where: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                spots.append(((*where, key), value))
                visit(value, (*where, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, (*where, index))

    visit(desc, ())
    if not spots:
        return
    where, old = path.draw(st.sampled_from(spots))
    bad: Any = 3.5 if isinstance(old, (str, dict, list, datetime, bool)) else "x"
    if isinstance(old, int) and not isinstance(old, bool) and where[-1] == "F1Score":  # pragma: no cover
        bad = "x"
    target: Any = desc
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = bad
    with pytest.raises(MalformedResponseError) as info:
        converter.structure(desc, DescribeProjectVersionsResponse)
    assert info.value.path == where
