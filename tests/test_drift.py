"""The models against the installed botocore service model: when AWS adds a member, this says so."""

from __future__ import annotations

import enum
import typing
from datetime import datetime
from typing import Any

import attrs
import pytest
from botocore import xform_name
from botocore.model import Shape

import aiocustomlabels
import aiocustomlabels.types
from aiocustomlabels._converters import member_name
from tests._strategies import structures

STRUCTURES = structures()
_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (float,),
    "double": (float,),
    "boolean": (bool,),
    "timestamp": (datetime,),
}


def _model(name: str) -> type[Any]:
    cls = getattr(aiocustomlabels, name, None) or getattr(aiocustomlabels.types, name, None)
    assert cls is not None, f"shape {name} has no model class in aiocustomlabels or aiocustomlabels.types"
    assert attrs.has(cls), f"{name} is not an attrs class"
    return typing.cast("type[Any]", cls)


def _unwrap_optional(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if type(None) in typing.get_args(tp) and len(args) == 1 else tp


def test_the_schema_is_the_current_one() -> None:
    """The walk finds every shape the issue names, so a shrinking model would fail here too."""
    assert set(STRUCTURES) >= {
        "DescribeProjectVersionsResponse",
        "StartProjectVersionResponse",
        "ProjectVersionDescription",
        "OutputConfig",
        "TrainingDataResult",
        "TestingDataResult",
        "TrainingData",
        "TestingData",
        "ValidationData",
        "Asset",
        "GroundTruthManifest",
        "S3Object",
        "EvaluationResult",
        "Summary",
        "CustomizationFeatureConfig",
        "CustomizationFeatureContentModerationConfig",
        "DetectCustomLabelsResponse",
        "CustomLabel",
        "Geometry",
        "BoundingBox",
        "Point",
    }


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_every_member_has_a_field(name: str) -> None:
    """Each member of the shape is a field named xform_name(member), and the converter maps it back."""
    cls = _model(name)
    fields = {f.name: f for f in attrs.fields(cls)}
    for member in STRUCTURES[name].members:
        field = fields.get(xform_name(member))
        assert field is not None, f"{name}.{member} has no field {xform_name(member)} in {cls.__name__}"
        assert member_name(field) == member, f"{cls.__name__}.{field.name} maps to {member_name(field)}"


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_every_field_has_a_member(name: str) -> None:
    """No model field lacks a member in the service model."""
    members = {xform_name(m) for m in STRUCTURES[name].members}
    extra = [f.name for f in attrs.fields(_model(name)) if f.name not in members]
    assert not extra, f"{name} fields with no member in the service model: {extra}"


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_field_types_match_member_shapes(name: str) -> None:
    """Each field's type follows its member's shape: scalars, enums, structures, tuples."""
    cls = _model(name)
    hints = typing.get_type_hints(cls)
    for member, shape in STRUCTURES[name].members.items():
        field = xform_name(member)
        where = f"{name}.{member}"
        required = member in STRUCTURES[name].required_members
        tp = hints[field]
        inner = tp if required else _unwrap_optional(tp)
        _check_type(where, shape, inner)
        default = attrs.fields_dict(cls)[field].default
        if shape.type_name == "list":
            assert default == (), f"{where}: lists default to an empty tuple"
        elif not required:
            assert default is None, f"{where}: optional members default to None"


def _check_type(where: str, shape: Shape, tp: Any) -> None:
    kind = shape.type_name
    if kind == "list":
        assert typing.get_origin(tp) is tuple, f"{where}: a list member must be a tuple, not {tp}"
        _check_type(f"{where}[]", shape.member, typing.get_args(tp)[0])
    elif kind == "structure":
        assert attrs.has(tp), f"{where}: a structure member must be an attrs class, not {tp}"
        assert tp.__name__ == shape.name, f"{where}: expected class {shape.name}, got {tp.__name__}"
    elif kind == "string" and shape.enum:
        assert isinstance(tp, type), f"{where}: expected an enum type, got {tp}"
        assert issubclass(tp, enum.Enum), f"{where}: expected an enum, got {tp}"
        assert tp.__name__ == shape.name, f"{where}: expected enum {shape.name}, got {tp.__name__}"
        assert [m.value for m in tp] == list(shape.enum), f"{where}: enum values differ from the model"
    elif kind == "string" and shape.name in {"ProjectArn", "ProjectVersionArn"}:
        # ARNs are typed: str subclasses named as the shape is.
        assert tp is getattr(aiocustomlabels, shape.name), f"{where}: expected {shape.name}, got {tp}"
    else:
        assert tp in _SCALARS[kind], f"{where}: {kind} member typed {tp}"


def test_status_has_all_fourteen_values() -> None:
    """ProjectVersionStatus knows the 14 statuses of the current model, COPYING_*, DEPRECATED and EXPIRED too."""
    names = {s.name for s in aiocustomlabels.ProjectVersionStatus}
    assert len(names) == 14
    assert {"COPYING_IN_PROGRESS", "COPYING_COMPLETED", "COPYING_FAILED", "DEPRECATED", "EXPIRED"} <= names
