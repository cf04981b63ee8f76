"""The CBOR (RFC 8949) of Smithy's rpc-v2-cbor protocol, through cbor2.

cbor2 reads and writes the bytes; this module keeps to what the protocol
sends: null (and undefined, read as null), booleans, integers, floats, byte
and text strings, arrays, maps, and tag 1 (epoch seconds) as an aware UTC
``datetime``. Anything else that cbor2 would decode (other tags, simple
values) is refused, so that a request the service could not read is a
``SerializationException``, not a value the fake then misreads.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import cbor2

__all__ = ["CborError", "decode", "encode"]

# Deeper nesting than any request of the protocol: refused before Python's recursion limit.
_MAX_DEPTH = 64
_SCALARS = (str, bytes, int, float, datetime)


class CborError(ValueError):
    """The bytes are not CBOR of the protocol, or the value cannot be encoded."""


def encode(value: Any) -> bytes:
    """Encode ``value`` (None, bool, int, float, str, bytes, aware datetime, list, dict).

    Raises:
        CborError: A type outside that list, a naive datetime, or an integer past 64 bits.
    """
    _check_encodable(value)
    try:
        return cbor2.dumps(value, datetime_as_timestamp=True)
    except (cbor2.CBOREncodeError, ValueError, TypeError) as exc:
        raise CborError(f"cannot encode as CBOR: {exc}") from exc


def _check_encodable(value: Any) -> None:
    if isinstance(value, datetime) and value.tzinfo is None:
        msg = "a naive datetime has no epoch time; give it a timezone"
        raise CborError(msg)
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**64) <= value < 2**64:
        msg = f"integer {value} is too large for the protocol's 64 bits"
        raise CborError(msg)
    if isinstance(value, list | tuple):
        for item in value:
            _check_encodable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_encodable(key)
            _check_encodable(item)
    elif value is not None and not isinstance(value, _SCALARS):
        msg = f"cannot encode {type(value).__name__} as CBOR"
        raise CborError(msg)


def decode(data: bytes) -> Any:
    """Decode one CBOR data item that fills ``data``.

    Raises:
        CborError: Malformed CBOR, bytes after the item, or what the protocol never sends.
    """
    stream = io.BytesIO(data)
    try:
        # One byte a read: the stream's position then tells where the item ended.
        value = cbor2.CBORDecoder(stream, max_depth=_MAX_DEPTH, read_size=1).decode()
    except (cbor2.CBORDecodeError, ValueError, OverflowError) as exc:
        raise CborError(f"malformed CBOR: {exc}") from exc
    if stream.tell() != len(data):
        msg = f"{len(data) - stream.tell()} bytes follow the CBOR data item"
        raise CborError(msg)
    return _protocol_value(value)


def _protocol_value(value: Any) -> Any:
    """``value`` with undefined read as null; anything the protocol never sends refused."""
    if value is None or value is cbor2.undefined:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, bytes | str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_protocol_value(item) for item in value]
    if isinstance(value, dict):
        return {_protocol_value(key): _protocol_value(item) for key, item in value.items()}
    msg = f"CBOR item of type {type(value).__name__} is not supported by the protocol"
    raise CborError(msg)
