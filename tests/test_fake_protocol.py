"""The fake's wire protocol: validation, errors, pagination and headers, as an SDK sees them."""

from __future__ import annotations

import base64
import http.client
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels.testing import FakeCustomLabels, ThreadedEmulator, VirtualClock
from aiocustomlabels.testing._wire import CONTENT_TYPE, TARGET_PREFIX
from tests._fake_support import (
    DESCRIBE,
    START,
    STOP,
    Answer,
    seed,
    send,
    send_raw,
)

INVALID = "InvalidParameterException"
BAD_TOKEN = "InvalidPaginationTokenException"


@pytest.fixture
def clock() -> VirtualClock:
    """The virtual clock the fake runs on."""
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeCustomLabels:
    """A fake with tokens valid for an hour."""
    return FakeCustomLabels(clock=clock, token_ttl=3600.0)


def describe(fake: FakeCustomLabels, project: str, **params: Any) -> Answer:
    """DescribeProjectVersions of ``project`` with extra members."""
    return send(fake, DESCRIBE, {"ProjectArn": project, **params})


def walk(fake: FakeCustomLabels, project: str, **params: Any) -> list[list[str]]:
    """Every page, following NextToken until there is none; the version ARNs of each."""
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        extra = dict(params) if token is None else {**params, "NextToken": token}
        answer = describe(fake, project, **extra)
        assert answer.status == 200, answer.body
        pages.append(answer.arns())
        token = answer.body.get("NextToken")
        if token is None:
            return pages


# -- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "code"),
    [
        *[
            pytest.param(size, "ValidationException", id=f"out-of-range-{size}")
            for size in (0, 101, -1, 1000)
        ],
        *[pytest.param(size, INVALID, id=f"not-an-integer-{size!r}") for size in ("5", 5.0, True, None)],
        pytest.param(1, "", id="lowest"),
        pytest.param(100, "", id="highest"),
    ],
)
def test_max_results_is_an_integer_from_1_to_100(fake: FakeCustomLabels, size: object, code: str) -> None:
    """MaxResults outside 1..100 is ValidationException, as the model documents for > 100; not an integer, invalid (assumed)."""
    project, _ = seed(fake, 2)
    assert describe(fake, project, MaxResults=size).code == code
    assert fake.requests_for(DESCRIBE)[0].params == {"ProjectArn": project, "MaxResults": size}


@pytest.mark.parametrize(
    "names",
    [
        pytest.param([], id="empty"),
        pytest.param([f"v{i}" for i in range(11)], id="eleven-names"),
        pytest.param(["bad name"], id="space"),
        pytest.param(["v1", "bad/name"], id="slash"),
        pytest.param(["x" * 256], id="too-long"),
        pytest.param([""], id="empty-name"),
        pytest.param(["caf\u00e9"], id="non-ascii"),
        pytest.param([7], id="not-a-string"),
        pytest.param("v1", id="not-a-list"),
        pytest.param([f"v{i}" for i in range(10)], id="ten-names-valid"),
    ],
)
def test_bad_version_names_are_invalid(fake: FakeCustomLabels, names: object) -> None:
    """VersionNames empty, over 10 names, or a name off the pattern: InvalidParameterException; 10 names pass."""
    project, _ = seed(fake, 1)
    answer = describe(fake, project, VersionNames=names)
    assert answer.code == ("" if isinstance(names, list) and len(names) == 10 else INVALID)
    assert len(fake.requests_for(DESCRIBE)) == 1


MALFORMED_PROJECTS = [
    pytest.param("not-an-arn", id="not-an-arn"),
    pytest.param("arn:aws:rekognition:us-east-1:111122223333:project/shelf", id="no-timestamp"),
    pytest.param("arn:aws:rekognition:us-east-1:1111:project/shelf/1", id="short-account"),
    pytest.param("arn:aws:s3:us-east-1:111122223333:project/shelf/1", id="other-service"),
    pytest.param("arn:aws:rekognition:us-east-1:111122223333:project/shelf/version/v1/1", id="version-arn"),
    pytest.param(12345, id="not-a-string"),
    pytest.param(None, id="missing"),
]


@pytest.mark.parametrize("arn", MALFORMED_PROJECTS)
def test_malformed_project_arn_is_invalid(fake: FakeCustomLabels, arn: object) -> None:
    """A ProjectArn off the service's pattern, or missing: InvalidParameterException."""
    seed(fake, 1)
    params = {} if arn is None else {"ProjectArn": arn}
    answer = send(fake, DESCRIBE, params)
    assert (answer.status, answer.code) == (400, INVALID)


MALFORMED_VERSIONS = [
    pytest.param("not-an-arn", id="not-an-arn"),
    pytest.param("arn:aws:rekognition:us-east-1:111122223333:project/shelf/1", id="project-arn"),
    pytest.param("arn:aws:rekognition:us-east-1:111122223333:project/shelf/version/v1", id="no-timestamp"),
    pytest.param("arn:aws:rekognition:us-east-1:111122223333:project/shelf/version/v 1/1", id="space"),
    pytest.param(["arn"], id="not-a-string"),
    pytest.param(None, id="missing"),
]


@pytest.mark.parametrize("operation", [START, STOP])
@pytest.mark.parametrize("arn", MALFORMED_VERSIONS)
def test_malformed_version_arn_is_invalid(fake: FakeCustomLabels, operation: str, arn: object) -> None:
    """A ProjectVersionArn off the service's pattern, or missing: InvalidParameterException."""
    seed(fake, 1)
    params: dict[str, object] = {"MinInferenceUnits": 1} if operation == START else {}
    if arn is not None:
        params["ProjectVersionArn"] = arn
    answer = send(fake, operation, params)
    assert (answer.status, answer.code) == (400, INVALID)


UNITS = [
    pytest.param({"MinInferenceUnits": 0}, id="min-0"),
    pytest.param({"MinInferenceUnits": -3}, id="min-negative"),
    pytest.param({}, id="min-missing"),
    pytest.param({"MinInferenceUnits": "1"}, id="min-string"),
    pytest.param({"MinInferenceUnits": 1.5}, id="min-float"),
    pytest.param({"MinInferenceUnits": 1, "MaxInferenceUnits": 0}, id="max-0"),
    pytest.param({"MinInferenceUnits": 3, "MaxInferenceUnits": 2}, id="max-below-min"),
    pytest.param({"MinInferenceUnits": 1, "MaxInferenceUnits": True}, id="max-bool"),
]


@pytest.mark.parametrize("units", UNITS)
def test_bad_inference_units_are_invalid(fake: FakeCustomLabels, units: dict[str, object]) -> None:
    """Min units < 1 or missing, Max units < 1 or < Min: InvalidParameterException, and no start."""
    _, (version,) = seed(fake, 1)
    answer = send(fake, START, {"ProjectVersionArn": version, **units})
    assert (answer.status, answer.code) == (400, INVALID)
    assert fake.describe(version).status == "TRAINING_COMPLETED"


def test_max_equal_to_min_is_valid(fake: FakeCustomLabels) -> None:
    """MaxInferenceUnits equal to MinInferenceUnits is accepted."""
    _, (version,) = seed(fake, 1)
    answer = send(fake, START, {"ProjectVersionArn": version, "MinInferenceUnits": 2, "MaxInferenceUnits": 2})
    assert answer.status == 200


# -- pagination ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "params", "sizes"),
    [
        pytest.param(5, {"MaxResults": 2}, [2, 2, 1], id="five-in-twos"),
        pytest.param(4, {"MaxResults": 2}, [2, 2], id="exact-multiple"),
        pytest.param(101, {}, [100, 1], id="default-100"),
        pytest.param(0, {}, [0], id="empty"),
    ],
)
def test_pages_are_newest_first_and_chain_until_no_token(
    fake: FakeCustomLabels, count: int, params: dict[str, int], sizes: list[int]
) -> None:
    """Pages of MaxResults (100 by default) list the versions newest first; the last page has no NextToken."""
    project, newest_first = seed(fake, count)
    pages = walk(fake, project, **params)
    assert [len(page) for page in pages] == sizes
    assert [arn for page in pages for arn in page] == newest_first
    requests = fake.requests_for(DESCRIBE)
    assert [r.params.get("MaxResults") for r in requests] == [params.get("MaxResults")] * len(sizes)
    assert ["NextToken" in r.params for r in requests] == [False] + [True] * (len(sizes) - 1)


def test_order_follows_creation_time_not_insertion(fake: FakeCustomLabels) -> None:
    """Versions added with explicit creation times are listed newest first, whatever the order of adding."""
    project = fake.add_project("shelf")
    old = fake.add_version(project, "old", created=datetime(2023, 1, 1, tzinfo=UTC))
    new = fake.add_version(project, "new", created=datetime(2024, 1, 1, tzinfo=UTC))
    middle = fake.add_version(project, "middle", created=datetime(2023, 6, 1, tzinfo=UTC))
    assert describe(fake, project).arns() == [new, middle, old]


def test_a_new_version_between_pages_neither_duplicates_nor_skips(fake: FakeCustomLabels) -> None:
    """A version added after page 1 was read: the later pages still give each old version exactly once."""
    project, newest_first = seed(fake, 5)
    first = describe(fake, project, MaxResults=2)
    fake.add_version(project, "v6")
    rest = walk(fake, project, MaxResults=2, NextToken=first.body["NextToken"])
    seen = first.arns() + [arn for page in rest for arn in page]
    assert seen == newest_first


def test_an_older_version_between_pages_appears_in_place(fake: FakeCustomLabels) -> None:
    """A version added after page 1 but older than it shows up on a later page, in order, once."""
    project = fake.add_project("shelf")
    stamps = [datetime(2024, month, 1, tzinfo=UTC) for month in (1, 3, 5, 7)]
    made = [fake.add_version(project, f"v{i}", created=when) for i, when in enumerate(stamps)]
    first = describe(fake, project, MaxResults=2)
    late = fake.add_version(project, "feb", created=datetime(2024, 2, 1, tzinfo=UTC))
    rest = walk(fake, project, MaxResults=2, NextToken=first.body["NextToken"])
    assert first.arns() + [arn for page in rest for arn in page] == [made[3], made[2], made[1], late, made[0]]


@pytest.mark.parametrize(
    ("names", "params", "pages"),
    [
        pytest.param(["v1", "v4", "v2", "nope"], {}, [[4, 2, 1]], id="unknown-ignored"),
        pytest.param(["v5", "v3", "v1"], {"MaxResults": 2}, [[5, 3], [1]], id="paged"),
        pytest.param(["v1", "v1"], {}, [[1]], id="duplicates-once"),
    ],
)
def test_version_names_filter_returns_only_those(
    fake: FakeCustomLabels, names: list[str], params: dict[str, int], pages: list[list[int]]
) -> None:
    """VersionNames gives the named versions once each, newest first, paged like the whole list; unknown names are ignored."""
    project, newest_first = seed(fake, 5)
    by_number = {5 - index: arn for index, arn in enumerate(newest_first)}
    assert walk(fake, project, VersionNames=names, **params) == [
        [by_number[n] for n in page] for page in pages
    ]


def token_of(fake: FakeCustomLabels, project: str, **params: Any) -> str:
    """The NextToken of a first page of size 1."""
    token = describe(fake, project, MaxResults=1, **params).body["NextToken"]
    assert isinstance(token, str)
    return token


def forged(token: str) -> list[str]:
    """Tokens made from a real one by changing its body or its signature."""
    encoded, _, signature = token.partition(".")
    body = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    body["k"][1] = "v0"
    reencoded = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
    return [f"{reencoded}.{signature}", f"{encoded}.{'0' * len(signature)}", encoded]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("garbage", id="garbage"),
        pytest.param("a.b.c", id="dots"),
        pytest.param("%%%.%%%", id="not-base64"),
        pytest.param("e30.0123456789abcdef0123456789abcdef", id="empty-object-bad-signature"),
        pytest.param("abc.caf\u00e9", id="non-ascii-signature"),
        pytest.param("\u00e9t\u00e9.abc", id="non-ascii-body"),
        pytest.param("abc.\ud800", id="lone-surrogate-signature"),
    ],
)
def test_forged_token_is_invalid_pagination_token(fake: FakeCustomLabels, token: str) -> None:
    """A NextToken the service never issued: InvalidPaginationTokenException."""
    project, _ = seed(fake, 3)
    answer = describe(fake, project, NextToken=token)
    assert (answer.status, answer.code) == (400, BAD_TOKEN)


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["body-changed", "signature-zeroed", "signature-dropped"])
def test_tampered_token_is_invalid_pagination_token(fake: FakeCustomLabels, kind: int) -> None:
    """A real NextToken with its body or signature altered: InvalidPaginationTokenException."""
    project, _ = seed(fake, 3)
    bad = forged(token_of(fake, project))[kind]
    assert describe(fake, project, NextToken=bad).code == BAD_TOKEN


def test_token_over_1024_characters_is_invalid(fake: FakeCustomLabels) -> None:
    """A NextToken longer than the service's 1024 characters: InvalidParameterException."""
    project, _ = seed(fake, 3)
    assert describe(fake, project, NextToken="x" * 1025).code == INVALID


def test_tokens_stay_short(fake: FakeCustomLabels) -> None:
    """Tokens for a long project name and ten long version names stay within 1024 characters."""
    project = fake.add_project("p" * 255)
    names = [f"{i}{'n' * 254}" for i in range(10)]
    for name in names:
        fake.add_version(project, name)
    assert len(token_of(fake, project, VersionNames=names)) <= 1024


def test_token_from_another_project_or_fake_is_invalid(fake: FakeCustomLabels) -> None:
    """A NextToken issued for one project, or by another fake (tokens are signed per fake): InvalidPaginationToken."""
    first, _ = seed(fake, 3, project="first")
    second, _ = seed(fake, 3, project="second")
    other = FakeCustomLabels(clock=VirtualClock())
    seed(other, 3, project="first")
    assert describe(fake, second, NextToken=token_of(fake, first)).code == BAD_TOKEN
    assert describe(other, first, NextToken=token_of(fake, first)).code == BAD_TOKEN


@pytest.mark.parametrize(
    ("issued", "used", "code"),
    [
        pytest.param(None, ["v1", "v2"], BAD_TOKEN, id="unfiltered-then-filtered"),
        pytest.param(["v1", "v2", "v3"], None, BAD_TOKEN, id="filtered-then-unfiltered"),
        pytest.param(["v1", "v2", "v3"], ["v1", "v2"], BAD_TOKEN, id="other-filter"),
        pytest.param(["v1", "v2", "v3"], ["v3", "v1", "v2"], "", id="same-filter-reordered"),
    ],
)
def test_token_from_another_filter_is_invalid(
    fake: FakeCustomLabels, issued: list[str] | None, used: list[str] | None, code: str
) -> None:
    """A NextToken issued under one VersionNames filter, used with another: InvalidPaginationToken; names reordered pass."""
    project, _ = seed(fake, 3)
    token = token_of(fake, project, **({} if issued is None else {"VersionNames": issued}))
    params: dict[str, Any] = {"NextToken": token}
    if used is not None:
        params["VersionNames"] = used
    assert describe(fake, project, **params).code == code


@pytest.mark.parametrize(
    ("age", "message"),
    [(3600.0, None), (3600.001, "The pagination token has expired.")],
    ids=["at-its-ttl", "past-its-ttl"],
)
def test_expired_token_is_invalid(
    fake: FakeCustomLabels, clock: VirtualClock, age: float, message: str | None
) -> None:
    """A NextToken still works exactly at token_ttl, and is InvalidPaginationTokenException after it."""
    project, _ = seed(fake, 3)
    token = token_of(fake, project)
    clock.advance(age)
    answer = describe(fake, project, NextToken=token)
    assert (answer.code, answer.body.get("message")) == ("" if message is None else BAD_TOKEN, message)


# -- the protocol itself --------------------------------------------------------


UNKNOWN = "UnknownOperationException"
DESCRIBE_TARGET = f"{TARGET_PREFIX}{DESCRIBE}"
# (id, what send_raw is given besides a body of {}, the status and __type answered, the operations recorded)
UNSERVED: list[tuple[str, dict[str, Any], int, str, list[str]]] = [
    ("unknown-operation", {"target": f"{TARGET_PREFIX}DetectLabels"}, 400, UNKNOWN, ["DetectLabels"]),
    ("unserved-operation", {"target": f"{TARGET_PREFIX}CreateProject"}, 400, UNKNOWN, ["CreateProject"]),
    ("no-target", {"target": None}, 400, UNKNOWN, []),
    ("empty-target", {"target": ""}, 400, UNKNOWN, []),
    ("other-service", {"target": "DynamoDB_20120810.ListTables"}, 400, UNKNOWN, []),
    ("service-alone", {"target": "RekognitionService"}, 400, UNKNOWN, []),
    ("GET", {"method": "GET"}, 404, UNKNOWN, []),
    ("PUT", {"method": "PUT"}, 404, UNKNOWN, []),
    ("other-path", {"path": "/projects"}, 404, UNKNOWN, []),
    ("not-json", {"body": b"not json"}, 400, "SerializationException", []),
    ("broken-json", {"body": b"{"}, 400, "SerializationException", []),
    ("json-list", {"body": b"[1, 2]"}, 400, "SerializationException", []),
    ("json-text", {"body": b'"text"'}, 400, "SerializationException", []),
    ("not-utf-8", {"body": b"\xff\xfe"}, 400, "SerializationException", []),
    ("empty-body-no-members", {"body": b""}, 400, INVALID, [DESCRIBE]),
]


@pytest.mark.parametrize(
    ("request_", "status", "code", "recorded"), [u[1:] for u in UNSERVED], ids=[u[0] for u in UNSERVED]
)
def test_requests_the_fake_cannot_serve(
    fake: FakeCustomLabels, request_: dict[str, Any], status: int, code: str, recorded: list[str]
) -> None:
    """Unknown operations and targets, other routes (404), bodies that are not a JSON object: the service's error; an empty body has no members."""
    reply = send_raw(fake, **{"body": b"{}", **request_})
    assert (reply.status, json.loads(reply.body)["__type"]) == (status, code)
    assert [r.operation for r in fake.requests] == recorded


def answers(fake: FakeCustomLabels) -> list[tuple[str, str, bytes, str | None]]:
    """A request of each kind: (method, path, body, X-Amz-Target)."""
    project, newest_first = seed(fake, 1)
    start = {"ProjectVersionArn": newest_first[0], "MinInferenceUnits": 1}
    return [
        ("POST", "/", json.dumps({"ProjectArn": project}).encode(), f"{TARGET_PREFIX}{DESCRIBE}"),
        ("POST", "/", json.dumps(start).encode(), f"{TARGET_PREFIX}{START}"),
        ("POST", "/", b"{}", f"{TARGET_PREFIX}{DESCRIBE}"),
        ("POST", "/", b"{}", f"{TARGET_PREFIX}Nope"),
        ("POST", "/", b"{}", None),
        ("POST", "/", b"nope", f"{TARGET_PREFIX}{DESCRIBE}"),
        ("GET", "/health", b"", None),
    ]


#: What each of ``answers`` gets: (status, __type).
ANSWERED = [
    (200, None),
    (200, None),
    (400, INVALID),
    (400, "UnknownOperationException"),
    (400, "UnknownOperationException"),
    (400, "SerializationException"),
    (404, "UnknownOperationException"),
]


def test_every_answer_has_a_request_id_and_the_json_content_type(fake: FakeCustomLabels) -> None:
    """Successes and errors carry a distinct x-amzn-RequestId and Content-Type x-amz-json-1.1."""
    replies = [
        send_raw(fake, body, target=target, method=method, path=path)
        for method, path, body, target in answers(fake)
    ]
    assert [(r.status, json.loads(r.body).get("__type")) for r in replies] == ANSWERED
    assert {reply.headers["Content-Type"] for reply in replies} == {CONTENT_TYPE}
    assert len({reply.headers["x-amzn-RequestId"] for reply in replies}) == len(replies)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, INVALID),
        (
            {"ProjectArn": "arn:aws:rekognition:us-east-1:111122223333:project/nowhere/1"},
            "ResourceNotFoundException",
        ),
        (
            {"ProjectArn": "arn:aws:rekognition:us-east-1:111122223333:project/x/1", "NextToken": "x"},
            BAD_TOKEN,
        ),
    ],
)
def test_errors_are_400_with_type_and_message(
    fake: FakeCustomLabels, params: dict[str, str], code: str
) -> None:
    """A service error is HTTP 400 whose body is exactly __type and message, with x-amzn-ErrorType."""
    fake.add_project("x", created=datetime.fromtimestamp(0.001, UTC))
    answer = send(fake, DESCRIBE, params)
    assert answer.status == 400
    assert set(answer.body) == {"__type", "message"}
    assert answer.code == code
    assert answer.body["message"]
    assert answer.reply.headers["x-amzn-ErrorType"] == code


def test_loopback_answers_carry_the_protocol_headers(fake: FakeCustomLabels) -> None:
    """Over real HTTP the answers keep the wire's status, Content-Type and x-amzn-RequestId."""
    seen = []
    with ThreadedEmulator(fake) as emulator:
        port = int(emulator.endpoint_url.rsplit(":", 1)[1])
        for method, path, body, target in answers(fake):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {"Content-Type": CONTENT_TYPE, **({"X-Amz-Target": target} if target else {})}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            headers = {
                "Content-Type": response.getheader("Content-Type", ""),
                "id": response.getheader("x-amzn-RequestId", ""),
            }
            seen.append(
                (
                    response.status,
                    json.loads(response.read()).get("__type"),
                    headers["Content-Type"],
                    bool(headers["id"]),
                )
            )
            connection.close()
    assert seen == [(status, code, CONTENT_TYPE, True) for status, code in ANSWERED]


# -- no request makes the fake fail -------------------------------------------------------

_FUZZ_FAKE = FakeCustomLabels(clock=VirtualClock())
_FUZZ_PROJECT, _FUZZ_VERSIONS = seed(_FUZZ_FAKE, 3)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from([_FUZZ_PROJECT, *_FUZZ_VERSIONS, "v1", "x" * 300]),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=12) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=15,
)
_MEMBERS = st.sampled_from(
    [
        "ProjectArn",
        "MaxResults",
        "VersionNames",
        "NextToken",
        "ProjectVersionArn",
        "MinInferenceUnits",
        "MaxInferenceUnits",
        "Unmodeled",
    ]
)


@given(
    operation=st.sampled_from([DESCRIBE, START, STOP, "Unknown"]),
    params=st.dictionaries(_MEMBERS, _VALUES, max_size=5),
)
def test_any_json_request_gets_a_service_answer(operation: str, params: dict[str, Any]) -> None:
    """Whatever JSON object is sent, the fake answers 200 or a 400 with __type; it never raises."""
    reply = send_raw(_FUZZ_FAKE, json.dumps(params).encode(), target=f"{TARGET_PREFIX}{operation}")
    body = json.loads(reply.body)
    assert reply.status == 200 or (reply.status == 400 and body["__type"])
