"""The model classes and their enums."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels import ProjectVersionDescription, ProjectVersionStatus, S3Object
from aiocustomlabels.types import CustomizationFeature, TrainingData


def test_models_are_frozen() -> None:
    """Assigning to a field raises, as for any frozen attrs class."""
    obj = S3Object(bucket="b")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        obj.bucket = "other"  # type: ignore[misc]


def test_models_are_keyword_only() -> None:
    """Positional construction is refused, so adding members later breaks nobody."""
    with pytest.raises(TypeError):
        S3Object("b")  # type: ignore[call-arg]


def test_list_members_default_to_empty_tuple() -> None:
    """A list member reads as an empty tuple when nothing was sent."""
    assert TrainingData().assets == ()


def test_no_items_repr_is_an_empty_tuple() -> None:
    """The absent-list marker prints like the empty tuple it stands for."""
    assert repr(TrainingData()) == "TrainingData(assets=())"


def test_models_hash_and_compare_by_value() -> None:
    """Two equal descriptions are equal and hash alike, whatever their list markers."""
    a = ProjectVersionDescription(status=ProjectVersionStatus.RUNNING)
    b = ProjectVersionDescription(status=ProjectVersionStatus.RUNNING)
    assert a == b
    assert hash(a) == hash(b)
    assert TrainingData() == TrainingData(assets=())


@pytest.mark.parametrize("status", list(ProjectVersionStatus))
def test_known_statuses_are_known(status: ProjectVersionStatus) -> None:
    """Every declared status reports is_known and looks itself up by value."""
    assert status.is_known
    assert ProjectVersionStatus(status.value) is status


@given(value=st.text(min_size=1).filter(lambda v: v not in ProjectVersionStatus.__members__))
def test_unknown_status_values_are_kept(value: str) -> None:
    """Any unknown string gives a pseudo-member of the enum type that keeps the value."""
    status = ProjectVersionStatus(value)
    assert isinstance(status, ProjectVersionStatus)
    assert status.value == value
    assert status == value
    assert not status.is_known
    assert status not in list(ProjectVersionStatus)


def test_unknown_values_do_not_join_the_members() -> None:
    """Looking up an unknown value leaves iteration and the member list unchanged."""
    ProjectVersionStatus("SOMETHING_NEW")
    assert len(ProjectVersionStatus) == 14
    assert "SOMETHING_NEW" not in ProjectVersionStatus.__members__


def test_non_string_enum_values_are_refused() -> None:
    """Only strings can be statuses."""
    with pytest.raises(ValueError, match="not a valid ProjectVersionStatus"):
        ProjectVersionStatus(5)  # type: ignore[arg-type]


def test_feature_enum_is_open() -> None:
    """CustomizationFeature accepts values this release does not know, like the status enum."""
    assert not CustomizationFeature("NEW_FEATURE").is_known
    assert CustomizationFeature("CUSTOM_LABELS") is CustomizationFeature.CUSTOM_LABELS
