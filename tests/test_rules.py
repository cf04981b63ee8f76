"""The service's rules, in one place: inference units, names, typed ARNs, checked once at the entry points."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from aiocustomlabels import (
    InferenceUnits,
    InvalidRequestError,
    MalformedResponseError,
    ProjectVersionArn,
    ProjectVersionDescription,
    converter,
)
from aiocustomlabels._checks import check_arn, name_batches
from aiocustomlabels._rules import MAX_INFERENCE_UNITS
from aiocustomlabels.types import DescribeProjectVersionsResponse
from tests._harness import client_for, project_with, run, virtual_fake

VERSION = "arn:aws:rekognition:us-east-1:111122223333:project/p/version/v1/1690000000001"
UNITS = st.integers(1, MAX_INFERENCE_UNITS)


@pytest.mark.parametrize(
    ("units", "text"),
    [(InferenceUnits(1, 3), "1..3"), (InferenceUnits(2), "2 (fixed)"), (InferenceUnits(2, 2), "2..2")],
)
def test_units_read_as_a_range(units: InferenceUnits, text: str) -> None:
    """Units read 1..3, or 1 (fixed) without a maximum."""
    assert str(units) == text


@pytest.mark.parametrize(
    ("asked", "running", "same"),
    [
        (InferenceUnits(1, 3), InferenceUnits(1, 3), True),
        (InferenceUnits(1, 5), InferenceUnits(1, 2), False),
        (InferenceUnits(2, 3), InferenceUnits(1, 3), False),
        (InferenceUnits(1), InferenceUnits(1), True),
        (InferenceUnits(1), InferenceUnits(1, 1), True),
        (InferenceUnits(1, 1), InferenceUnits(1), True),
        (InferenceUnits(1), InferenceUnits(1, 2), False),
        (InferenceUnits(1, 2), InferenceUnits(1), False),
    ],
)
def test_no_maximum_matches_a_maximum_equal_to_the_minimum(
    asked: InferenceUnits, running: InferenceUnits, same: bool
) -> None:
    """No maximum asks for no auto-scaling, which a maximum equal to the minimum also gives."""
    assert asked.same_as(running) is same


def test_reported_units_are_taken_as_they_are() -> None:
    """A description's units are shown as reported, even ones a request could not carry."""
    description = ProjectVersionDescription(min_inference_units=3, max_inference_units=1)
    units = description.inference_units
    assert units is not None
    assert str(units) == "3..1"
    assert ProjectVersionDescription().inference_units is None


@pytest.mark.parametrize("units", [2**31, 10**100])
def test_out_of_range_units_are_never_sent(units: int) -> None:
    """start_project_version and start_and_wait refuse units past 2,147,483,647 before any request."""
    fake = virtual_fake()
    project, (arn,) = project_with(fake, 1)

    async def main() -> None:
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError):
                await client.start_project_version(arn, min_inference_units=units)
            with pytest.raises(InvalidRequestError):
                await client.start_and_wait(project, "v0", min_inference_units=1, max_inference_units=units)

    run(main)
    assert fake.requests == ()


@pytest.mark.parametrize("names", [5, 5.0, object(), "v1", b"v1", [1], ["bad name"], []])
def test_version_names_that_are_not_names_are_refused(names: Any) -> None:
    """version_names must be a collection of valid names: anything else is InvalidRequestError, not TypeError."""
    with pytest.raises(InvalidRequestError, match="version_names"):
        name_batches(names)


def test_a_typed_arn_is_not_parsed_again() -> None:
    """An ARN already of the type asked for is handed on as it is."""
    arn = ProjectVersionArn(VERSION)
    assert check_arn(ProjectVersionArn, arn, "project_version_arn") is arn
    assert type(check_arn(ProjectVersionArn, VERSION, "project_version_arn")) is ProjectVersionArn


def test_structuring_types_the_arns() -> None:
    """A description's ARNs structure as ProjectVersionArn, round-trip exactly, and give the version's name."""
    data = {"ProjectVersionArn": VERSION, "SourceProjectVersionArn": VERSION.replace("/v1/", "/v0/")}
    description = converter.structure(data, ProjectVersionDescription)
    assert type(description.project_version_arn) is ProjectVersionArn
    assert type(description.source_project_version_arn) is ProjectVersionArn
    assert description.version_name == "v1"
    assert converter.unstructure(description) == data


def test_a_bad_arn_in_a_response_is_located() -> None:
    """An ARN that does not match its pattern is a MalformedResponseError naming the member."""
    data = {"ProjectVersionDescriptions": [{}, {"ProjectVersionArn": "arn:nope"}]}
    with pytest.raises(MalformedResponseError) as caught:
        converter.structure(data, DescribeProjectVersionsResponse)
    assert caught.value.location == "$.ProjectVersionDescriptions[1].ProjectVersionArn"
