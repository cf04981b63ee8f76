"""The CBOR of rpc-v2-cbor (cbor2, kept to the protocol), cross-checked against botocore's own serializer and parser."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import RpcV2CBORSerializer
from hypothesis import given
from hypothesis import strategies as st

from aiocustomlabels.testing._cbor import CborError, decode, encode

TIMES = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | TIMES
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(VALUES)
def test_what_is_encoded_decodes_to_itself(value: Any) -> None:
    """Every supported value survives encode then decode."""
    assert decode(encode(value)) == value


@pytest.mark.parametrize(
    ("data", "value"),
    [
        pytest.param(bytes.fromhex("f93c00"), 1.0, id="half-float"),
        pytest.param(bytes.fromhex("f97c00"), math.inf, id="half-infinity"),
        pytest.param(bytes.fromhex("fa47c35000"), 100000.0, id="single-float"),
        pytest.param(bytes.fromhex("f7"), None, id="undefined"),
        pytest.param(bytes.fromhex("9f0102ff"), [1, 2], id="indefinite-array"),
        pytest.param(bytes.fromhex("bf6161f5ff"), {"a": True}, id="indefinite-map"),
        pytest.param(bytes.fromhex("7f6261626163ff"), "abc", id="indefinite-text"),
        pytest.param(bytes.fromhex("5f4101420203ff"), b"\x01\x02\x03", id="indefinite-bytes"),
        pytest.param(bytes.fromhex("3903e7"), -1000, id="negative"),
        pytest.param(bytes.fromhex("c2 41 05"), 5, id="bignum-tag"),
        pytest.param(
            bytes.fromhex("c11a6553f164"), datetime(2023, 11, 14, 22, 15, tzinfo=UTC), id="tag-1-int"
        ),
        pytest.param(
            bytes.fromhex("c1fb41d954fc59100000"),
            datetime(2023, 11, 14, 22, 15, 0, 250000, tzinfo=UTC),
            id="tag-1-float",
        ),
    ],
)
def test_decodes_the_forms_other_encoders_choose(data: bytes, value: Any) -> None:
    """Shorter floats, indefinite lengths and tag 1 read as RFC 8949 says."""
    assert decode(data) == value


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "malformed CBOR", id="empty"),
        pytest.param(bytes.fromhex("82 01"), "malformed CBOR", id="short-array"),
        pytest.param(bytes.fromhex("0101"), "follow", id="trailing-bytes"),
        pytest.param(bytes.fromhex("c1 61 78"), "malformed CBOR", id="tag-1-text"),
        pytest.param(bytes.fromhex("c1 f9 7c00"), "malformed CBOR", id="tag-1-infinite"),
        pytest.param(bytes.fromhex("c1 1b 7fffffffffffffff"), "malformed CBOR", id="tag-1-huge"),
        pytest.param(bytes.fromhex("62 c3 28"), "malformed CBOR", id="bad-utf8"),
        pytest.param(bytes.fromhex("1c"), "malformed CBOR", id="reserved-argument"),
        pytest.param(bytes.fromhex("f8 20"), "not supported", id="one-byte-simple"),
        pytest.param(bytes.fromhex("d8 25 50" + "00" * 16), "not supported", id="uuid-tag"),
        pytest.param(bytes.fromhex("9f 01"), "malformed CBOR", id="unterminated-array"),
        pytest.param(bytes.fromhex("7f 41 00 ff"), "malformed CBOR", id="bytes-chunk-in-text"),
        pytest.param(b"\x81" * 100 + b"\x00", "malformed CBOR", id="deep-nesting"),
    ],
)
def test_refuses_what_it_cannot_read(data: bytes, message: str) -> None:
    """Malformed or unsupported CBOR raises CborError, never anything else (cbor2's own words vary by version)."""
    with pytest.raises(CborError, match=message):
        decode(data)


@pytest.mark.parametrize(
    ("value", "message"),
    [(object(), "cannot encode"), (datetime(2024, 1, 1), "naive"), (2**64, "too large")],
)
def test_refuses_what_it_cannot_encode(value: Any, message: str) -> None:
    """Objects outside the subset, naive times and integers past 64 bits raise CborError."""
    with pytest.raises(CborError, match=message):
        encode(value)


def _cloudwatch_operation() -> Any:
    return botocore.session.get_session().get_service_model("cloudwatch").operation_model("GetMetricData")


def test_decodes_what_botocore_serializes() -> None:
    """A GetMetricData request as botocore's RpcV2CBOR serializer writes it decodes to its parameters."""
    params = {
        "MetricDataQueries": [
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/Rekognition", "MetricName": "X", "Dimensions": []},
                    "Period": 86400,
                    "Stat": "Average",
                },
                "ReturnData": False,
            }
        ],
        "StartTime": datetime(2023, 11, 14, 22, 15, tzinfo=UTC),
        "EndTime": datetime(2023, 11, 14, 22, 30, 0, 250000, tzinfo=UTC),
        "MaxDatapoints": 70000,
    }
    request = RpcV2CBORSerializer().serialize_to_request(params, _cloudwatch_operation())
    assert decode(request["body"]) == params


def test_botocore_parses_what_is_encoded() -> None:
    """An answer this encoder writes is what botocore's RpcV2CBOR parser reads back."""
    answer = {
        "MetricDataResults": [
            {
                "Id": "m1",
                "Label": "InServiceInferenceUnits",
                "Timestamps": [
                    datetime(2023, 11, 14, 22, 15, tzinfo=UTC),
                    datetime(2023, 11, 14, 22, 16, 0, 500000, tzinfo=UTC),
                ],
                "Values": [1.0, 2.5],
                "StatusCode": "PartialData",
            }
        ],
        "NextToken": "t",
        "Messages": [],
    }
    response = {"status_code": 200, "headers": {"smithy-protocol": "rpc-v2-cbor"}, "body": encode(answer)}
    parsed = RpcV2CBORParser(timestamp_parser=lambda v: v).parse(
        response, _cloudwatch_operation().output_shape
    )
    parsed.pop("ResponseMetadata")
    (result,) = parsed["MetricDataResults"]
    result["Timestamps"] = [datetime.fromtimestamp(t, UTC) for t in result["Timestamps"]]
    assert parsed == answer
