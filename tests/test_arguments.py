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
from hypothesis import given
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


def member(operation: str, *path: str) -> Shape:
    """The input member at ``path`` of ``operation`` in the service model, such as ``("Image", "Bytes")``."""
    shape: Shape = service_model().operation_model(operation).input_shape
    for name in path:
        shape = shape.members[name]
    return shape


def model_accepts(shape: Shape, value: object) -> bool:
    """Whether the service model's constraints (type, pattern, min, max) allow ``value`` for ``shape``."""
    meta: dict[str, Any] = shape.metadata
    measure: float
    low: float
    if shape.type_name == "string" and isinstance(value, str):
        # The service matches the whole value (Java's matches()); its \d is ASCII.
        if "pattern" in meta and re.fullmatch(meta["pattern"], value, re.ASCII) is None:
            return False
        measure, low = len(value), 0
    elif shape.type_name == "blob" and isinstance(value, bytes | bytearray):
        measure, low = len(value), 0
    elif shape.type_name == "integer" and type(value) is int:  # a 32-bit Integer; bool is no integer
        measure, low = value, -(2**31)
        meta = {"max": INT32_MAX, **meta}
    elif shape.type_name == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        if math.isnan(value):  # a JSON number: neither bool nor NaN (JSON cannot carry it)
            return False
        measure, low = value, -math.inf
    else:
        return False
    return bool(meta.get("min", low) <= measure <= meta.get("max", math.inf))


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


def _valid(kind: Callable[[str], object], value: object) -> bool:
    try:
        kind(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


# -- the rules agree with the model --------------------------------------------------------------

PROJECT_ARN = member("DescribeProjectVersions", "ProjectArn")
VERSION_ARNS = [
    member(operation, "ProjectVersionArn")
    for operation in ("StartProjectVersion", "StopProjectVersion", "DetectCustomLabels")
]
NAME = member("DescribeProjectVersions", "VersionNames").member
UNITS = [member("StartProjectVersion", name) for name in ("MinInferenceUnits", "MaxInferenceUnits")]
BUCKET = member("DetectCustomLabels", "Image", "S3Object", "Bucket")
OBJECT_KEYS = [member("DetectCustomLabels", "Image", "S3Object", name) for name in ("Name", "Version")]
IMAGE_SIZES = [0, 1, 2, 5 * 1024 * 1024 - 1, 5 * 1024 * 1024, 5 * 1024 * 1024 + 1]
NUMBERS = st.one_of(st.integers(), st.booleans(), st.floats(), st.none())

#: A rule, the model's members it stands for, values to try, and values always tried (the limits).
AUDITS: dict[str, tuple[Callable[[Any], bool], list[Shape], st.SearchStrategy[Any], list[Any]]] = {
    "project-arn": (
        lambda value: _valid(ProjectArn, value),
        [PROJECT_ARN],
        st.one_of(near_misses(PROJECT_ARN.metadata["pattern"]), st.none()),
        ["arn:aws:rekognition:us-east-1:111122223333:project/" + "p" * 255 + "/1", PROJECT + "\n"],
    ),
    "version-arn": (
        lambda value: _valid(ProjectVersionArn, value),
        VERSION_ARNS,
        st.one_of(near_misses(VERSION_ARNS[0].metadata["pattern"]), st.none()),
        [VERSION + "\n"],
    ),
    "name": (
        is_name,
        [NAME],
        st.one_of(near_misses(NAME.metadata["pattern"]), st.integers(0, 300).map(lambda n: "v" * n)),
        ["", "v" * 255, "v" * 256],
    ),
    "units": (is_units, UNITS, st.one_of(NUMBERS, st.text(max_size=3)), [INT32_MAX, INT32_MAX + 1, 0]),
    "page-size": (
        is_page_size,
        [member("DescribeProjectVersions", "MaxResults")],
        st.one_of(st.integers(-5, 200), st.booleans(), st.floats(), st.none()),
        [],
    ),
    "token": (
        lambda value: is_token(value) or value == "",  # the client refuses an empty token too
        [member("DescribeProjectVersions", "NextToken")],
        st.one_of(
            st.text(min_size=1, max_size=1100), st.integers(1000, 1100).map(lambda n: "t" * n), st.none()
        ),
        [""],
    ),
    "confidence": (
        is_confidence,
        [member("DetectCustomLabels", "MinConfidence")],
        st.one_of(st.floats(), st.integers(-5, 105), st.booleans(), st.none(), st.text(max_size=3)),
        [0, 0.0, 100, 100.0, -0.0, math.nextafter(100, 200), math.inf, math.nan],
    ),
    "max-results": (
        is_max_results,
        [member("DetectCustomLabels", "MaxResults")],
        NUMBERS,
        [0, INT32_MAX, INT32_MAX + 1],
    ),
    "image-bytes": (
        is_image_bytes,
        [member("DetectCustomLabels", "Image", "Bytes")],
        st.sampled_from(IMAGE_SIZES).map(bytes),
        [bytes(size) for size in IMAGE_SIZES],
    ),
    "bucket": (
        is_s3_bucket,
        [BUCKET],
        st.one_of(
            near_misses(BUCKET.metadata["pattern"]), st.integers(0, 300).map(lambda n: "b" * n), st.none()
        ),
        [],
    ),
    "object-key": (
        is_s3_key,
        OBJECT_KEYS,
        st.one_of(st.text(max_size=3), st.integers(1020, 1030).map(lambda n: "k" * n), st.none()),
        [""],
    ),
}


@pytest.mark.parametrize("audit", AUDITS.values(), ids=AUDITS)
@given(data=st.data())
def test_each_rule_takes_what_the_model_takes(
    audit: tuple[Callable[[Any], bool], list[Shape], st.SearchStrategy[Any], list[Any]], data: st.DataObject
) -> None:
    """Each rule (the ARN types included) accepts exactly what each of its members of the model takes."""
    accepts, shapes, values, _ = audit
    value = data.draw(values)
    for shape in shapes:
        assert accepts(value) is model_accepts(shape, value)


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        pytest.param(rule, value, id=f"{rule}-{i}")
        for rule, audit in AUDITS.items()
        for i, value in enumerate(audit[3])
    ],
)
def test_each_rule_takes_what_the_model_takes_at_its_limits(rule: str, value: object) -> None:
    """At a rule's limits (lengths, ranges, a trailing newline), it agrees with its members of the model."""
    accepts, shapes, _, _ = AUDITS[rule]
    for shape in shapes:
        assert accepts(value) is model_accepts(shape, value)


def test_the_version_names_list_is_what_the_model_takes() -> None:
    """The model takes 1 to 10 names a call: the client sends batches of at most 10, never an empty list."""
    meta = member("DescribeProjectVersions", "VersionNames").metadata
    assert (meta["min"], meta["max"]) == (1, 10)


def test_every_input_member_is_audited() -> None:
    """Each input member of the four operations, and of DetectCustomLabels' Image, is one audited here."""
    model = service_model()
    operations = (
        "DescribeProjectVersions",
        "StartProjectVersion",
        "StopProjectVersion",
        "DetectCustomLabels",
    )
    present = {(o, name) for o in operations for name in model.operation_model(o).input_shape.members}
    image = member("DetectCustomLabels", "Image")
    present |= {("Image", name) for name in image.members} | {
        ("S3Object", name) for name in image.members["S3Object"].members
    }
    assert present == {
        *(("DescribeProjectVersions", n) for n in ("ProjectArn", "VersionNames", "NextToken", "MaxResults")),
        *(
            ("StartProjectVersion", n)
            for n in ("ProjectVersionArn", "MinInferenceUnits", "MaxInferenceUnits")
        ),
        ("StopProjectVersion", "ProjectVersionArn"),
        *(("DetectCustomLabels", n) for n in ("ProjectVersionArn", "Image", "MaxResults", "MinConfidence")),
        ("Image", "Bytes"),
        ("Image", "S3Object"),
        *(("S3Object", n) for n in ("Bucket", "Name", "Version")),
    }


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
