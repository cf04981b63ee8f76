"""ProjectArn and ProjectVersionArn."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels import ProjectArn, ProjectVersionArn
from aiocustomlabels._arns import _PROJECT, _VERSION

PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/my-project_1.0/1690000000000"
VERSION = "arn:aws:rekognition:eu-west-1:111122223333:project/my-project/version/v2.1_a-b/1690000000123"


def test_project_arn_parts() -> None:
    """A project ARN gives its partition, region, account, name and creation time."""
    arn = ProjectArn.parse(PROJECT)
    assert (arn.aws_partition, arn.region, arn.account_id, arn.project_name, arn.creation_timestamp) == (
        "aws",
        "us-east-1",
        "111122223333",
        "my-project_1.0",
        1690000000000,
    )


def test_version_arn_parts() -> None:
    """A version ARN gives its version name and its own creation time."""
    arn = ProjectVersionArn.parse(VERSION)
    assert (arn.region, arn.project_name, arn.version_name, arn.creation_timestamp) == (
        "eu-west-1",
        "my-project",
        "v2.1_a-b",
        1690000000123,
    )


@pytest.mark.parametrize(("cls", "text"), [(ProjectArn, PROJECT), (ProjectVersionArn, VERSION)])
def test_str_gives_the_text_back(cls: type[ProjectArn | ProjectVersionArn], text: str) -> None:
    """str() of a parsed ARN is the text it came from, and the ARN is that string."""
    arn = cls.parse(text)
    assert str(arn) == text
    assert arn == text
    assert isinstance(arn, str)


@given(text=st.from_regex(_PROJECT, fullmatch=True).filter(lambda t: 20 <= len(t) <= 2048))
def test_every_valid_project_arn_round_trips(text: str) -> None:
    """Any text matching the service's pattern parses, and gives itself back."""
    arn = ProjectArn.parse(text)
    assert str(arn) == text
    assert arn.creation_timestamp == int(text.rsplit("/", 1)[1])


@given(text=st.from_regex(_VERSION, fullmatch=True).filter(lambda t: 20 <= len(t) <= 2048))
def test_every_valid_version_arn_round_trips(text: str) -> None:
    """Any text matching the service's version pattern parses, and gives itself back, leading zeros too."""
    arn = ProjectVersionArn.parse(text)
    assert str(arn) == text
    assert text.endswith(f"/version/{arn.version_name}/{text.rsplit('/', 1)[1]}")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "arn:aws:rekognition:us-east-1:111122223333:project/p",
        "arn:aws:rekognition:us-east-1:1111:project/p/1690000000000",
        "arn:aws:s3:us-east-1:111122223333:project/p/1690000000000",
        "arn:aws:rekognition:us-east-1:111122223333:project/p q/1690000000000",
        "arn:aws:rekognition:us-east-1:111122223333:project/p/169000000000x",
        "arn:aws:rekognition:us-east-1:١١١١٢٢٢٢٣٣٣٣:project/p/1690000000000",
        VERSION,
        PROJECT + "\n",
    ],
)
def test_bad_project_arns_raise_value_error_with_the_form(text: str) -> None:
    """Text that does not match raises ValueError showing the expected form."""
    with pytest.raises(
        ValueError, match=re.escape("expected arn:PARTITION:rekognition:REGION:ACCOUNT_ID:project/")
    ):
        ProjectArn.parse(text)


def test_project_arn_is_not_a_version_arn() -> None:
    """A project ARN is refused where a version ARN is expected."""
    with pytest.raises(ValueError, match="VERSION_NAME"):
        ProjectVersionArn.parse(PROJECT)


def test_non_string_is_a_type_error() -> None:
    """Passing something other than text is a TypeError, not a confusing match failure."""
    with pytest.raises(TypeError, match="takes a str"):
        ProjectArn(1690000000000)  # type: ignore[arg-type]


def test_from_parts_builds_a_valid_arn() -> None:
    """from_parts builds the same text as the service, and validates it."""
    project = ProjectArn.from_parts(
        region="eu-west-1", account_id="111122223333", project_name="my-project", creation_timestamp=7
    )
    arn = ProjectVersionArn.from_parts(
        project=project, version_name="v2.1_a-b", creation_timestamp=1690000000123
    )
    assert arn == VERSION
    assert (
        ProjectArn.from_parts(
            region="us-east-1",
            account_id="111122223333",
            project_name="my-project_1.0",
            creation_timestamp=1690000000000,
        )
        == PROJECT
    )
    with pytest.raises(ValueError, match="not a valid"):
        ProjectArn.from_parts(region="us-east-1", account_id="1", project_name="p", creation_timestamp=1)


def test_repr_names_the_type() -> None:
    """repr() says which kind of ARN it is."""
    assert repr(ProjectArn.parse(PROJECT)) == f"ProjectArn({PROJECT!r})"
