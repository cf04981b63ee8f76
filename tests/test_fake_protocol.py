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
    unknown_project,
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


@pytest.mark.parametrize("size", [0, 101, -1, 1000])
def test_max_results_out_of_range_is_a_validation_exception(fake: FakeCustomLabels, size: int) -> None:
    """MaxResults outside 1..100 is ValidationException, as the model documents for > 100; request recorded."""
    project, _ = seed(fake, 1)
    answer = describe(fake, project, MaxResults=size)
    assert (answer.status, answer.code) == (400, "ValidationException")
    assert fake.requests_for(DESCRIBE)[0].params == {"ProjectArn": project, "MaxResults": size}


def test_the_model_documents_validation_exception_for_max_results() -> None:
    """The installed botocore's model says MaxResults above 100 is a ValidationException: the fake follows it."""
    from botocore.session import get_session  # noqa: PLC0415 -- only this test reads the model

    model = get_session().get_service_model("rekognition")
    doc = model.operation_model(DESCRIBE).input_shape.members["MaxResults"].documentation
    assert "greater than 100, a ValidationException" in doc


@pytest.mark.parametrize("size", ["5", 5.0, True, None])
def test_max_results_that_is_no_integer_is_invalid(fake: FakeCustomLabels, size: object) -> None:
    """MaxResults that is not an integer: InvalidParameterException (assumed), request recorded."""
    project, _ = seed(fake, 1)
    answer = describe(fake, project, MaxResults=size)
    assert (answer.status, answer.code) == (400, INVALID)
    assert fake.requests_for(DESCRIBE)[0].params == {"ProjectArn": project, "MaxResults": size}


@pytest.mark.parametrize("size", [1, 100])
def test_max_results_bounds_are_valid(fake: FakeCustomLabels, size: int) -> None:
    """MaxResults 1 and 100 are accepted."""
    project, _ = seed(fake, 2)
    assert describe(fake, project, MaxResults=size).status == 200


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
    ],
)
def test_bad_version_names_are_invalid(fake: FakeCustomLabels, names: object) -> None:
    """VersionNames empty, over 10 names, or a name off the pattern: InvalidParameterException."""
    project, _ = seed(fake, 1)
    answer = describe(fake, project, VersionNames=names)
    assert (answer.status, answer.code) == (400, INVALID)
    assert len(fake.requests_for(DESCRIBE)) == 1


def test_ten_version_names_are_valid(fake: FakeCustomLabels) -> None:
    """Exactly 10 names are accepted."""
    project, _ = seed(fake, 1)
    assert describe(fake, project, VersionNames=[f"v{i}" for i in range(10)]).status == 200


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


def test_unknown_project_is_resource_not_found(fake: FakeCustomLabels) -> None:
    """A well-formed ProjectArn the service does not know: ResourceNotFoundException."""
    seed(fake, 1)
    answer = describe(fake, unknown_project(fake))
    assert (answer.status, answer.code) == (400, "ResourceNotFoundException")
    assert fake.requests_for(DESCRIBE)[0].params == {"ProjectArn": unknown_project(fake)}


# -- pagination ------------------------------------------------------------------


def test_pages_are_newest_first_and_chain_until_no_token(fake: FakeCustomLabels) -> None:
    """MaxResults=2 over five versions gives [v5, v4], [v3, v2], [v1]; the last page has no NextToken."""
    project, newest_first = seed(fake, 5)
    assert walk(fake, project, MaxResults=2) == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    requests = fake.requests_for(DESCRIBE)
    assert [r.params.get("MaxResults") for r in requests] == [2, 2, 2]
    assert ["NextToken" in r.params for r in requests] == [False, True, True]


def test_an_exact_multiple_ends_without_a_token(fake: FakeCustomLabels) -> None:
    """Four versions in pages of two: two pages, and the second carries no NextToken."""
    project, newest_first = seed(fake, 4)
    assert walk(fake, project, MaxResults=2) == [newest_first[0:2], newest_first[2:4]]


def test_default_page_holds_up_to_100(fake: FakeCustomLabels) -> None:
    """Without MaxResults a page holds 100 versions; the 101st comes on the next page."""
    project, newest_first = seed(fake, 101)
    assert walk(fake, project) == [newest_first[:100], newest_first[100:]]


def test_order_follows_creation_time_not_insertion(fake: FakeCustomLabels) -> None:
    """Versions added with explicit creation times are listed newest first, whatever the order of adding."""
    project = fake.add_project("shelf")
    old = fake.add_version(project, "old", created=datetime(2023, 1, 1, tzinfo=UTC))
    new = fake.add_version(project, "new", created=datetime(2024, 1, 1, tzinfo=UTC))
    middle = fake.add_version(project, "middle", created=datetime(2023, 6, 1, tzinfo=UTC))
    assert describe(fake, project).arns() == [new, middle, old]


def test_empty_project_has_an_empty_page(fake: FakeCustomLabels) -> None:
    """A project with no versions answers an empty list and no NextToken."""
    project = fake.add_project("empty")
    assert describe(fake, project).body == {"ProjectVersionDescriptions": []}


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


def test_version_names_filter_returns_only_those(fake: FakeCustomLabels) -> None:
    """VersionNames gives exactly the named versions, newest first; unknown names are ignored."""
    project, newest_first = seed(fake, 5)
    answer = describe(fake, project, VersionNames=["v1", "v4", "v2", "nope"])
    assert answer.arns() == [newest_first[1], newest_first[3], newest_first[4]]
    assert "NextToken" not in answer.body


def test_version_names_filter_pages(fake: FakeCustomLabels) -> None:
    """A VersionNames filter pages with NextToken like the whole list does."""
    project, newest_first = seed(fake, 5)
    pages = walk(fake, project, VersionNames=["v5", "v3", "v1"], MaxResults=2)
    assert pages == [[newest_first[0], newest_first[2]], [newest_first[4]]]


def test_duplicate_version_names_give_one_description_each(fake: FakeCustomLabels) -> None:
    """A name listed twice in VersionNames is described once."""
    project, newest_first = seed(fake, 2)
    assert describe(fake, project, VersionNames=["v1", "v1"]).arns() == [newest_first[1]]


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


def test_token_from_another_project_is_invalid(fake: FakeCustomLabels) -> None:
    """A NextToken issued for one project, sent with another: InvalidPaginationTokenException."""
    first, _ = seed(fake, 3, project="first")
    second, _ = seed(fake, 3, project="second")
    assert describe(fake, second, NextToken=token_of(fake, first)).code == BAD_TOKEN


@pytest.mark.parametrize(
    ("issued", "used"),
    [
        pytest.param(None, ["v1", "v2"], id="unfiltered-then-filtered"),
        pytest.param(["v1", "v2", "v3"], None, id="filtered-then-unfiltered"),
        pytest.param(["v1", "v2", "v3"], ["v1", "v2"], id="other-filter"),
    ],
)
def test_token_from_another_filter_is_invalid(
    fake: FakeCustomLabels, issued: list[str] | None, used: list[str] | None
) -> None:
    """A NextToken issued under one VersionNames filter, used with another: InvalidPaginationToken."""
    project, _ = seed(fake, 3)
    token = token_of(fake, project, **({} if issued is None else {"VersionNames": issued}))
    params: dict[str, Any] = {"NextToken": token}
    if used is not None:
        params["VersionNames"] = used
    assert describe(fake, project, **params).code == BAD_TOKEN


def test_token_with_the_same_filter_reordered_is_valid(fake: FakeCustomLabels) -> None:
    """The same names in another order are the same filter: the token is accepted."""
    project, _ = seed(fake, 3)
    token = token_of(fake, project, VersionNames=["v1", "v2", "v3"])
    assert describe(fake, project, VersionNames=["v3", "v1", "v2"], NextToken=token).status == 200


def test_expired_token_is_invalid(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A NextToken used after token_ttl has passed: InvalidPaginationTokenException."""
    project, _ = seed(fake, 3)
    token = token_of(fake, project)
    clock.advance(3600.001)
    answer = describe(fake, project, NextToken=token)
    assert (answer.code, answer.body["message"]) == (BAD_TOKEN, "The pagination token has expired.")


def test_token_within_its_ttl_is_valid(fake: FakeCustomLabels, clock: VirtualClock) -> None:
    """A NextToken used exactly at token_ttl still works."""
    project, _ = seed(fake, 3)
    token = token_of(fake, project)
    clock.advance(3600.0)
    assert describe(fake, project, NextToken=token).status == 200


def test_tokens_of_another_fake_are_invalid(fake: FakeCustomLabels) -> None:
    """Tokens are signed per fake: one fake's token is forged to another with the same data."""
    project, _ = seed(fake, 3)
    other = FakeCustomLabels(clock=VirtualClock())
    seed(other, 3)
    assert describe(other, project, NextToken=token_of(fake, project)).code == BAD_TOKEN


# -- the protocol itself --------------------------------------------------------


@pytest.mark.parametrize("target", [f"{TARGET_PREFIX}DetectLabels", f"{TARGET_PREFIX}CreateProject"])
def test_unknown_operation(fake: FakeCustomLabels, target: str) -> None:
    """An X-Amz-Target naming an operation the fake does not serve: UnknownOperationException."""
    reply = send_raw(fake, b"{}", target=target)
    assert (reply.status, json.loads(reply.body)["__type"]) == (400, "UnknownOperationException")
    assert [r.operation for r in fake.requests] == [target.removeprefix(TARGET_PREFIX)]


@pytest.mark.parametrize("target", [None, "", "DynamoDB_20120810.ListTables", "RekognitionService"])
def test_foreign_target_is_unknown_operation(fake: FakeCustomLabels, target: str | None) -> None:
    """A missing X-Amz-Target, or another service's: UnknownOperationException and nothing recorded."""
    reply = send_raw(fake, b"{}", target=target)
    assert (reply.status, json.loads(reply.body)["__type"]) == (400, "UnknownOperationException")
    assert fake.requests == ()


@pytest.mark.parametrize(("method", "path"), [("GET", "/"), ("PUT", "/"), ("POST", "/projects")])
def test_other_routes_are_not_found(fake: FakeCustomLabels, method: str, path: str) -> None:
    """Anything but POST / is a 404 UnknownOperationException."""
    reply = send_raw(fake, b"{}", method=method, path=path)
    assert (reply.status, json.loads(reply.body)["__type"]) == (404, "UnknownOperationException")
    assert fake.requests == ()


@pytest.mark.parametrize("body", [b"not json", b"{", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_serialization_error(fake: FakeCustomLabels, body: bytes) -> None:
    """A body that is not a JSON object: SerializationException, and nothing recorded."""
    reply = send_raw(fake, body)
    assert (reply.status, json.loads(reply.body)["__type"]) == (400, "SerializationException")
    assert fake.requests == ()


def test_empty_body_reads_as_no_members(fake: FakeCustomLabels) -> None:
    """An empty body is an empty request: DescribeProjectVersions then lacks its ProjectArn."""
    reply = send_raw(fake, b"")
    assert json.loads(reply.body)["__type"] == INVALID
    assert [r.params for r in fake.requests] == [{}]


def answers(fake: FakeCustomLabels) -> list[tuple[str, bytes, str | None]]:
    """A request of each kind: (label, body, X-Amz-Target)."""
    project, newest_first = seed(fake, 1)
    return [
        ("success", json.dumps({"ProjectArn": project}).encode(), f"{TARGET_PREFIX}{DESCRIBE}"),
        (
            "start",
            json.dumps({"ProjectVersionArn": newest_first[0], "MinInferenceUnits": 1}).encode(),
            f"{TARGET_PREFIX}{START}",
        ),
        ("invalid", b"{}", f"{TARGET_PREFIX}{DESCRIBE}"),
        ("unknown-operation", b"{}", f"{TARGET_PREFIX}Nope"),
        ("no-target", b"{}", None),
        ("serialization", b"nope", f"{TARGET_PREFIX}{DESCRIBE}"),
    ]


def test_every_answer_has_a_request_id_and_the_json_content_type(fake: FakeCustomLabels) -> None:
    """Successes and errors carry a distinct x-amzn-RequestId and Content-Type x-amz-json-1.1."""
    replies = {label: send_raw(fake, body, target=target) for label, body, target in answers(fake)}
    for label, reply in replies.items():
        assert reply.headers["Content-Type"] == CONTENT_TYPE, label
        assert reply.headers["x-amzn-RequestId"], label
    assert len({reply.headers["x-amzn-RequestId"] for reply in replies.values()}) == len(replies)


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


@pytest.mark.parametrize(
    ("code", "status"), [("InternalServerError", 500), ("ServiceUnavailableException", 503)]
)
def test_server_errors_are_5xx(fake: FakeCustomLabels, code: str, status: int) -> None:
    """Injected server errors are HTTP 500 (InternalServerError) or 503 (ServiceUnavailable), with __type and message."""
    project, _ = seed(fake, 1)
    fake.faults.error(code)
    answer = describe(fake, project)
    assert (answer.status, answer.code, set(answer.body)) == (status, code, {"__type", "message"})


def test_loopback_answers_carry_the_protocol_headers(fake: FakeCustomLabels) -> None:
    """Over real HTTP the answers keep the wire's status, Content-Type and x-amzn-RequestId."""
    cases = answers(fake)
    with ThreadedEmulator(fake) as emulator:
        port = int(emulator.endpoint_url.rsplit(":", 1)[1])
        seen = []
        for _, body, target in cases:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {"Content-Type": CONTENT_TYPE, **({"X-Amz-Target": target} if target else {})}
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            payload = json.loads(response.read())
            seen.append(
                (
                    response.status,
                    response.getheader("Content-Type"),
                    bool(response.getheader("x-amzn-RequestId")),
                    payload.get("__type"),
                )
            )
            connection.close()
    assert seen == [
        (200, CONTENT_TYPE, True, None),
        (200, CONTENT_TYPE, True, None),
        (400, CONTENT_TYPE, True, INVALID),
        (400, CONTENT_TYPE, True, "UnknownOperationException"),
        (400, CONTENT_TYPE, True, "UnknownOperationException"),
        (400, CONTENT_TYPE, True, "SerializationException"),
    ]


def test_loopback_other_routes_are_404(fake: FakeCustomLabels) -> None:
    """Over real HTTP, a GET is answered 404 UnknownOperationException."""
    with ThreadedEmulator(fake) as emulator:
        port = int(emulator.endpoint_url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/health")
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()
    assert (response.status, body["__type"]) == (404, "UnknownOperationException")


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
