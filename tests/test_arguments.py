"""Bad input never leaves the machine: every public argument is checked against the service model first.

Two halves. The rules (``_rules``, the ARN types) accept exactly what the
installed botocore's Rekognition model accepts, member by member: patterns,
lengths, ranges (an ``integer`` is 32-bit). And every public call, given any
argument that breaks them, raises ``InvalidRequestError`` with no request sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from botocore.model import Shape
from hypothesis import example, given
from hypothesis import strategies as st

from aiocustomlabels import (
    Backoff,
    CustomLabelsClient,
    InvalidRequestError,
    ProjectArn,
    ProjectVersionArn,
    S3Object,
)
from aiocustomlabels._rules import (
    is_confidence,
    is_image_bytes,
    is_max_results,
    is_name,
    is_page_size,
    is_s3_bucket,
    is_s3_key,
    is_token,
    is_units,
)
from tests._harness import StubRaw, run
from tests._strategies import service_model

PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/p/1690000000000"
VERSION = "arn:aws:rekognition:us-east-1:111122223333:project/p/version/v1/1690000000001"
INT32_MAX = 2**31 - 1


def member(operation: str, name: str) -> Shape:
    """The input member ``name`` of ``operation`` in the service model."""
    shape: Shape = service_model().operation_model(operation).input_shape.members[name]
    return shape


def model_accepts(shape: Shape, value: object) -> bool:  # noqa: PLR0911 -- one return per shape type
    """Whether the service model's constraints (type, pattern, min, max) allow ``value`` for ``shape``."""
    meta: dict[str, Any] = shape.metadata
    low: float
    high: float
    if shape.type_name == "string":
        if not isinstance(value, str):
            return False
        pattern = meta.get("pattern")
        # The service matches the whole value (Java's matches()); its \d is ASCII.
        if pattern is not None and re.fullmatch(pattern, value, re.ASCII) is None:
            return False
        low, high = meta.get("min", 0), meta.get("max", math.inf)
        return low <= len(value) <= high
    if shape.type_name == "integer":
        # JSON integers of a 32-bit Integer; bool is no integer on the wire.
        low, high = meta.get("min", -(2**31)), meta.get("max", INT32_MAX)
        return type(value) is int and low <= value <= high
    if shape.type_name == "float":
        # A JSON number; bool is none, and neither is NaN (JSON cannot carry it).
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return False
        low, high = meta.get("min", -math.inf), meta.get("max", math.inf)
        return low <= value <= high
    if shape.type_name == "blob":
        if not isinstance(value, bytes | bytearray):
            return False
        low, high = meta.get("min", 0), meta.get("max", math.inf)
        return low <= len(value) <= high
    raise NotImplementedError(shape.type_name)  # pragma: no cover


def near_misses(pattern: str) -> st.SearchStrategy[str]:
    """Strings that match ``pattern``, and the same with one character inserted, dropped or replaced."""
    good = st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True)

    def mutate(text: str, data: st.DataObject) -> str:
        where = data.draw(st.integers(0, len(text)))
        char = data.draw(st.sampled_from(["/", ":", " ", "\n", "٣", "A", "-", "é", "\x00", "a" * 2100]))
        kind = data.draw(st.sampled_from(["insert", "drop", "replace"]))
        if kind == "insert":
            return text[:where] + char + text[where:]
        if kind == "drop":
            return text[:where] + text[where + 1 :]
        return text[:where] + char + text[where + 1 :]

    return st.one_of(good, st.tuples(good, st.data()).map(lambda t: mutate(*t)), st.text(max_size=30))


def name_like() -> st.SearchStrategy[str]:
    """Version names of every length around the limits, and near misses of the pattern."""
    return st.one_of(
        near_misses(member("DescribeProjectVersions", "VersionNames").member.metadata["pattern"]),
        st.integers(0, 300).map(lambda n: "v" * n),
    )


# -- the rules agree with the model --------------------------------------------------------------


@given(st.one_of(near_misses(member("DescribeProjectVersions", "ProjectArn").metadata["pattern"]), st.none()))
@example("arn:aws:rekognition:us-east-1:111122223333:project/" + "p" * 255 + "/1")
@example(PROJECT + "\n")
def test_project_arns_are_what_the_model_takes(value: str | None) -> None:
    """ProjectArn accepts exactly the strings the model's ProjectArn pattern and length take."""
    assert _valid(ProjectArn, value) is model_accepts(member("DescribeProjectVersions", "ProjectArn"), value)


@given(
    st.one_of(near_misses(member("StartProjectVersion", "ProjectVersionArn").metadata["pattern"]), st.none())
)
@example(VERSION + "\n")
def test_version_arns_are_what_the_model_takes(value: str | None) -> None:
    """ProjectVersionArn accepts exactly what the model's ProjectVersionArn takes, for start and stop alike."""
    for operation in ("StartProjectVersion", "StopProjectVersion"):
        assert _valid(ProjectVersionArn, value) is model_accepts(
            member(operation, "ProjectVersionArn"), value
        )


@given(name_like())
@example("")
@example("v" * 255)
@example("v" * 256)
def test_names_are_what_the_model_takes(value: str) -> None:
    """A version name is valid exactly when the model's VersionName takes it."""
    assert is_name(value) is model_accepts(member("DescribeProjectVersions", "VersionNames").member, value)


@given(st.one_of(st.integers(), st.booleans(), st.floats(), st.text(max_size=3), st.none()))
@example(INT32_MAX)
@example(INT32_MAX + 1)
@example(0)
def test_units_are_what_the_model_takes(value: object) -> None:
    """Inference units are valid exactly when the model's 32-bit InferenceUnits (min 1) takes them."""
    for name in ("MinInferenceUnits", "MaxInferenceUnits"):
        assert is_units(value) is model_accepts(member("StartProjectVersion", name), value)


@given(st.one_of(st.integers(-5, 200), st.booleans(), st.floats(), st.none()))
def test_page_sizes_are_what_the_model_takes(value: object) -> None:
    """A page size is valid exactly when the model's MaxResults (1..100) takes it."""
    assert is_page_size(value) is model_accepts(member("DescribeProjectVersions", "MaxResults"), value)


@given(
    st.one_of(st.text(min_size=1, max_size=1100), st.integers(1000, 1100).map(lambda n: "t" * n), st.none())
)
def test_tokens_are_what_the_model_takes(value: str | None) -> None:
    """A starting token is valid when the model's NextToken (at most 1024) takes it; an empty one is refused too."""
    accepted = model_accepts(member("DescribeProjectVersions", "NextToken"), value)
    assert is_token(value) is (accepted and value != "")


def detect_member(*path: str) -> Shape:
    """The member at ``path`` of DetectCustomLabels' input, such as ``("Image", "Bytes")``."""
    shape = member("DetectCustomLabels", path[0])
    for name in path[1:]:
        shape = shape.members[name]
    return shape


@given(
    st.one_of(
        st.floats(),
        st.integers(-5, 105),
        st.booleans(),
        st.none(),
        st.text(max_size=3),
        st.sampled_from([0, 0.0, 100, 100.0, -0.0, math.nextafter(100, 200), math.inf, math.nan]),
    )
)
def test_confidences_are_what_the_model_takes(value: object) -> None:
    """A min_confidence is valid exactly when the model's MinConfidence (Percent: 0..100) takes it."""
    assert is_confidence(value) is model_accepts(detect_member("MinConfidence"), value)


@given(st.one_of(st.integers(), st.booleans(), st.floats(), st.none()))
@example(0)
@example(INT32_MAX)
@example(INT32_MAX + 1)
def test_max_results_are_what_the_model_takes(value: object) -> None:
    """A max_results is valid exactly when the model's MaxResults (UInteger: 32-bit, min 0) takes it."""
    assert is_max_results(value) is model_accepts(detect_member("MaxResults"), value)


@pytest.mark.parametrize("size", [0, 1, 2, 5 * 1024 * 1024 - 1, 5 * 1024 * 1024, 5 * 1024 * 1024 + 1])
def test_image_sizes_are_what_the_model_takes(size: int) -> None:
    """Image bytes are valid exactly when the model's Image.Bytes (ImageBlob: 1..5,242,880) takes them."""
    data = bytes(size)
    assert is_image_bytes(data) is model_accepts(detect_member("Image", "Bytes"), data)


@given(
    st.one_of(
        near_misses(detect_member("Image", "S3Object", "Bucket").metadata["pattern"]),
        st.integers(0, 300).map(lambda n: "b" * n),
        st.none(),
    )
)
def test_buckets_are_what_the_model_takes(value: str | None) -> None:
    """A bucket is valid exactly when the model's S3Bucket (3..255 of [0-9A-Za-z.-_]) takes it."""
    assert is_s3_bucket(value) is model_accepts(detect_member("Image", "S3Object", "Bucket"), value)


@given(st.one_of(st.text(max_size=3), st.integers(1020, 1030).map(lambda n: "k" * n), st.none()))
@example("")
def test_object_names_and_versions_are_what_the_model_takes(value: str | None) -> None:
    """An object name or version is valid exactly when the model's S3ObjectName/S3ObjectVersion takes it."""
    for name in ("Name", "Version"):
        assert is_s3_key(value) is model_accepts(detect_member("Image", "S3Object", name), value)


def test_the_version_names_list_is_what_the_model_takes() -> None:
    """The model takes 1 to 10 names a call: the client sends batches of at most 10, and never an empty list."""
    meta = member("DescribeProjectVersions", "VersionNames").metadata
    assert (meta["min"], meta["max"]) == (1, 10)


def test_every_input_member_is_audited() -> None:
    """Each input member of the three operations is one these tests compare with the model."""
    audited = {
        ("DescribeProjectVersions", "ProjectArn"),
        ("DescribeProjectVersions", "VersionNames"),
        ("DescribeProjectVersions", "NextToken"),
        ("DescribeProjectVersions", "MaxResults"),
        ("StartProjectVersion", "ProjectVersionArn"),
        ("StartProjectVersion", "MinInferenceUnits"),
        ("StartProjectVersion", "MaxInferenceUnits"),
        ("StopProjectVersion", "ProjectVersionArn"),
        ("DetectCustomLabels", "ProjectVersionArn"),
        ("DetectCustomLabels", "Image"),
        ("DetectCustomLabels", "MaxResults"),
        ("DetectCustomLabels", "MinConfidence"),
    }
    model = service_model()
    operations = (
        "DescribeProjectVersions",
        "StartProjectVersion",
        "StopProjectVersion",
        "DetectCustomLabels",
    )
    present = {
        (operation, name)
        for operation in operations
        for name in model.operation_model(operation).input_shape.members
    }
    assert present == audited


def test_every_image_member_is_audited() -> None:
    """DetectCustomLabels' Image is Bytes or an S3Object of Bucket, Name and Version: each compared above."""
    image = detect_member("Image")
    assert set(image.members) == {"Bytes", "S3Object"}
    assert set(image.members["S3Object"].members) == {"Bucket", "Name", "Version"}


def test_the_version_arn_of_detect_is_the_one_of_start() -> None:
    """DetectCustomLabels' ProjectVersionArn has the constraints StartProjectVersion's has, which ProjectVersionArn follows."""
    detect, start = detect_member("ProjectVersionArn"), member("StartProjectVersion", "ProjectVersionArn")
    assert detect.metadata == start.metadata


def _valid(kind: Callable[[str], object], value: object) -> bool:
    try:
        kind(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


# -- every public call refuses what the rules refuse, sending nothing -----------------------------


BAD_ARNS = st.one_of(
    st.none(),
    st.integers(),
    st.binary(max_size=5),
    st.text(max_size=30),
    st.just(PROJECT + "\n"),
    st.just(PROJECT.replace("111122223333", "1111")),
)
BAD_PROJECT_ARNS = st.one_of(BAD_ARNS, st.just(VERSION))
BAD_VERSION_ARNS = st.one_of(BAD_ARNS, st.just(PROJECT))
BAD_NAMES = st.one_of(
    st.none(),
    st.integers(),
    st.just(""),
    st.just("v" * 256),
    st.just("bad name"),
    st.just("v\n"),
    st.just("v٣"),
)
BAD_UNITS = st.one_of(
    st.integers(max_value=0),
    st.integers(min_value=INT32_MAX + 1),
    st.booleans(),
    st.floats(),
    st.text(max_size=3),
)
BAD_PAGE_SIZES = st.one_of(st.integers(max_value=0), st.integers(min_value=101), st.booleans(), st.floats())
BAD_TOKENS = st.one_of(
    st.just(""), st.integers(1025, 3000).map(lambda n: "t" * n), st.integers(), st.binary()
)
BAD_NAME_LISTS = st.one_of(
    st.integers(),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.just([]),
    st.lists(BAD_NAMES, min_size=1, max_size=3),
    st.lists(st.sampled_from(["v1", "v2"]), max_size=3).flatmap(
        lambda ok: BAD_NAMES.map(lambda bad: [*ok, bad])
    ),
)
BAD_TIMEOUTS = st.one_of(
    st.floats(max_value=0), st.just(math.inf), st.just(math.nan), st.booleans(), st.text(max_size=3)
)
BAD_CALLBACKS = st.one_of(st.integers(), st.text(max_size=3), st.just([print]))
BAD_BACKOFFS = st.one_of(st.integers(), st.floats(), st.fixed_dictionaries({"min_delay": st.floats()}))

Call = Callable[[CustomLabelsClient], Coroutine[Any, Any, object]]


def _refused(call: Call) -> None:
    """``call`` raises InvalidRequestError (also a ValueError) and sends nothing."""

    async def sent(**params: Any) -> dict[str, Any]:
        raise AssertionError(params)  # pragma: no cover - the point is that nothing gets here

    raw = StubRaw(sent)
    client = CustomLabelsClient(raw)  # type: ignore[arg-type]

    async def main() -> None:
        with pytest.raises(InvalidRequestError) as caught:
            await call(client)
        assert isinstance(caught.value, ValueError)
        await client.aclose()

    run(main)
    assert raw.calls == 0


async def _listing(client: CustomLabelsClient, **kwargs: Any) -> object:
    return await anext(client.describe_project_versions(**kwargs))


@given(
    kwargs=st.one_of(
        st.fixed_dictionaries({"project_arn": BAD_PROJECT_ARNS}),
        st.fixed_dictionaries({"project_arn": st.just(PROJECT), "version_names": BAD_NAME_LISTS}),
        st.fixed_dictionaries({"project_arn": st.just(PROJECT), "page_size": BAD_PAGE_SIZES}),
        st.fixed_dictionaries({"project_arn": st.just(PROJECT), "starting_token": BAD_TOKENS}),
    )
)
def test_describe_project_versions_refuses_bad_arguments(kwargs: dict[str, Any]) -> None:
    """Any argument the model rejects makes describe_project_versions raise, nothing sent."""
    _refused(lambda client: _listing(client, **kwargs))


@given(project=st.one_of(BAD_PROJECT_ARNS, st.just(PROJECT)), name=BAD_NAMES)
def test_describe_project_version_refuses_bad_arguments(project: object, name: object) -> None:
    """A bad project ARN or version name makes describe_project_version raise, nothing sent."""
    _refused(lambda client: client.describe_project_version(project, name))  # type: ignore[arg-type]


@given(
    arn=st.one_of(BAD_VERSION_ARNS, st.just(VERSION)),
    low=st.one_of(BAD_UNITS, st.just(1)),
    high=st.one_of(BAD_UNITS, st.none()),
)
def test_start_project_version_refuses_bad_arguments(arn: object, low: object, high: object) -> None:
    """A bad version ARN or units (out of 1..2**31-1, max < min, not ints) make a start raise, nothing sent."""
    if arn == VERSION and low == 1 and high is None:
        arn = 5  # at least one argument must be bad
    _refused(
        lambda client: client.start_project_version(arn, min_inference_units=low, max_inference_units=high)  # type: ignore[arg-type]
    )


@given(arn=BAD_VERSION_ARNS)
def test_stop_project_version_refuses_bad_arguments(arn: object) -> None:
    """A bad version ARN (a project ARN included) makes a stop raise, nothing sent."""
    _refused(lambda client: client.stop_project_version(arn))  # type: ignore[arg-type]


WAIT_ARGUMENTS = st.one_of(
    st.fixed_dictionaries({"project_arn": BAD_PROJECT_ARNS}),
    st.fixed_dictionaries({"version_name": BAD_NAMES}),
    st.fixed_dictionaries({"timeout": BAD_TIMEOUTS}),
    st.fixed_dictionaries({"backoff": BAD_BACKOFFS}),
    st.fixed_dictionaries({"on_status": BAD_CALLBACKS}),
    st.fixed_dictionaries({"on_delay": BAD_CALLBACKS}),
)


@given(bad=st.one_of(WAIT_ARGUMENTS, st.fixed_dictionaries({"min_inference_units": BAD_UNITS})))
def test_start_and_wait_refuses_bad_arguments(bad: dict[str, Any]) -> None:
    """Any bad argument of start_and_wait raises before its first request."""
    kwargs: dict[str, Any] = {"project_arn": PROJECT, "version_name": "v1", "min_inference_units": 1, **bad}
    _refused(lambda client: client.start_and_wait(**kwargs))


@given(bad=WAIT_ARGUMENTS)
def test_stop_and_wait_refuses_bad_arguments(bad: dict[str, Any]) -> None:
    """Any bad argument of stop_and_wait raises before its first request."""
    kwargs: dict[str, Any] = {"project_arn": PROJECT, "version_name": "v1", **bad}
    _refused(lambda client: client.stop_and_wait(**kwargs))


@pytest.mark.parametrize(
    "delays", [{"min_delay": math.inf}, {"min_delay": 1, "max_delay": math.inf}, {"max_delay": math.nan}]
)
def test_a_backoff_never_takes_infinite_or_nan_delays(delays: dict[str, float]) -> None:
    """A Backoff of infinite or NaN delays is refused when built: it would sleep forever."""
    with pytest.raises(InvalidRequestError):
        Backoff(**delays)


def test_an_infinite_timeout_is_refused_not_taken_for_none() -> None:
    """timeout=math.inf is refused: None is how a wait is told to have no deadline."""
    _refused(lambda client: client.start_and_wait(PROJECT, "v1", min_inference_units=1, timeout=math.inf))


BAD_IMAGES = st.one_of(
    st.just(b""),
    st.just(bytearray()),
    st.just(memoryview(b"")),
    st.just(bytes(5 * 1024 * 1024 + 1)),
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.integers(0, 255), min_size=1, max_size=3),
    st.builds(S3Object, bucket=st.one_of(st.none(), st.just("ab"), st.just("bad bucket")), name=st.just("k")),
    st.builds(
        S3Object, bucket=st.just("bucket"), name=st.one_of(st.none(), st.just(""), st.just("k" * 1025))
    ),
    st.builds(
        S3Object, bucket=st.just("bucket"), name=st.just("k"), version=st.sampled_from(["", "v" * 1025])
    ),
)
BAD_CONFIDENCES = st.one_of(
    st.floats(max_value=-0.001),
    st.floats(min_value=100.001),
    st.just(math.nan),
    st.booleans(),
    st.text(max_size=3),
)
BAD_MAX_RESULTS = st.one_of(
    st.integers(max_value=-1), st.integers(min_value=INT32_MAX + 1), st.booleans(), st.floats()
)


@given(
    bad=st.one_of(
        st.fixed_dictionaries({"project_version_arn": BAD_VERSION_ARNS}),
        st.fixed_dictionaries({"image": BAD_IMAGES}),
        st.fixed_dictionaries({"min_confidence": BAD_CONFIDENCES}),
        st.fixed_dictionaries({"max_results": BAD_MAX_RESULTS}),
    )
)
def test_detect_custom_labels_refuses_bad_arguments(bad: dict[str, Any]) -> None:
    """Any argument the model rejects (or an image neither bytes nor an S3Object) makes a detection raise, nothing sent."""
    kwargs: dict[str, Any] = {"project_version_arn": VERSION, "image": b"\xff\xd8\xff", **bad}
    _refused(lambda client: client.detect_custom_labels(**kwargs))
