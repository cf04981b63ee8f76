"""The subset of CBOR (RFC 8949) that Smithy's rpc-v2-cbor protocol uses, by hand.

The fake answers CloudWatch in CBOR too, and the package takes no dependency for
it. Supported: integers (64-bit), byte and text strings, arrays and maps (definite
and indefinite length), half, single and double floats, booleans, null and
undefined, and tag 1 (epoch seconds), which is read as an aware UTC ``datetime``
and written from one. Other tags are refused: the protocol sends none.
"""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime
from typing import Any

__all__ = ["CborError", "decode", "encode"]

_UINT, _NINT, _BYTES, _TEXT, _ARRAY, _MAP, _TAG, _SIMPLE = range(8)
_INDEFINITE = 31
_BREAK = 0xFF
_EPOCH_TAG = 1
# Deeper nesting than any request of the protocol: refused before Python's recursion limit.
_MAX_DEPTH = 64


class CborError(ValueError):
    """The bytes are not CBOR this decoder reads, or the value cannot be encoded."""


def _head(major: int, argument: int) -> bytes:
    """The initial byte and argument of a data item, in the shortest form."""
    if argument < 24:  # noqa: PLR2004 -- CBOR's inline limit
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    msg = f"integer too large for CBOR: {argument}"
    raise CborError(msg)


def _encode_into(out: bytearray, value: Any) -> None:  # noqa: PLR0912 -- one branch per type
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        out += _head(_UINT, value) if value >= 0 else _head(_NINT, -1 - value)
    elif isinstance(value, float):
        out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, str):
        data = value.encode()
        out += _head(_TEXT, len(data)) + data
    elif isinstance(value, bytes | bytearray):
        out += _head(_BYTES, len(value)) + bytes(value)
    elif isinstance(value, datetime):
        if value.tzinfo is None:
            msg = "a naive datetime has no epoch time; give it a timezone"
            raise CborError(msg)
        seconds = value.timestamp()
        out += _head(_TAG, _EPOCH_TAG)
        _encode_into(out, int(seconds) if seconds.is_integer() else seconds)
    elif isinstance(value, list | tuple):
        out += _head(_ARRAY, len(value))
        for item in value:
            _encode_into(out, item)
    elif isinstance(value, dict):
        out += _head(_MAP, len(value))
        for key, item in value.items():
            _encode_into(out, key)
            _encode_into(out, item)
    else:
        msg = f"cannot encode {type(value).__name__} as CBOR"
        raise CborError(msg)


def encode(value: Any) -> bytes:
    """Encode ``value`` (None, bool, int, float, str, bytes, datetime, list, dict)."""
    out = bytearray()
    _encode_into(out, value)
    return bytes(out)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0
        self.depth = 0

    def take(self, count: int) -> bytes:
        end = self.at + count
        if end > len(self.data):
            msg = "CBOR data ends early"
            raise CborError(msg)
        chunk = self.data[self.at : end]
        self.at = end
        return chunk

    def argument(self, info: int) -> int:
        if info < 24:  # noqa: PLR2004 -- CBOR's inline limit
            return info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info not in sizes:
            msg = f"malformed CBOR argument (additional information {info})"
            raise CborError(msg)
        return int.from_bytes(self.take(sizes[info]), "big")

    def at_break(self) -> bool:
        if self.at >= len(self.data):
            msg = "CBOR data ends inside an indefinite-length item"
            raise CborError(msg)
        if self.data[self.at] == _BREAK:
            self.at += 1
            return True
        return False

    def item(self) -> Any:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            msg = f"CBOR data nested deeper than {_MAX_DEPTH} levels"
            raise CborError(msg)
        try:
            return self.unnested()
        finally:
            self.depth -= 1

    def unnested(self) -> Any:  # noqa: PLR0911, PLR0912 -- one branch per major type
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == _UINT:
            return self.argument(info)
        if major == _NINT:
            return -1 - self.argument(info)
        if major in (_BYTES, _TEXT):
            raw = self.string(major, info)
            if major == _BYTES:
                return raw
            try:
                return raw.decode()
            except UnicodeDecodeError:
                raise CborError("a CBOR text string is not UTF-8") from None
        if major == _ARRAY:
            if info == _INDEFINITE:
                items = []
                while not self.at_break():
                    items.append(self.item())
                return items
            return [self.item() for _ in range(self.argument(info))]
        if major == _MAP:
            result: dict[Any, Any] = {}
            if info == _INDEFINITE:
                while not self.at_break():
                    key = self.item()
                    result[key] = self.item()
                return result
            for _ in range(self.argument(info)):
                key = self.item()
                result[key] = self.item()
            return result
        if major == _TAG:
            return self.tagged(self.argument(info))
        return self.simple(info)

    def string(self, major: int, info: int) -> bytes:
        if info != _INDEFINITE:
            return self.take(self.argument(info))
        chunks = []
        while not self.at_break():
            initial = self.take(1)[0]
            if initial >> 5 != major or initial & 0x1F == _INDEFINITE:
                msg = "a chunk of an indefinite-length CBOR string has the wrong type"
                raise CborError(msg)
            chunks.append(self.take(self.argument(initial & 0x1F)))
        return b"".join(chunks)

    def tagged(self, tag: int) -> datetime:
        if tag != _EPOCH_TAG:
            msg = f"CBOR tag {tag} is not supported"
            raise CborError(msg)
        seconds = self.item()
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            msg = f"CBOR tag 1 needs a finite number of seconds, not {seconds!r}"
            raise CborError(msg)
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise CborError(f"CBOR tag 1 time out of range: {seconds}") from None

    def simple(self, info: int) -> Any:
        simple = {20: False, 21: True, 22: None, 23: None}
        if info in simple:
            return simple[info]
        if info == 25:  # noqa: PLR2004 -- half float
            return float(struct.unpack(">e", self.take(2))[0])
        if info == 26:  # noqa: PLR2004 -- single float
            return float(struct.unpack(">f", self.take(4))[0])
        if info == 27:  # noqa: PLR2004 -- double float
            return float(struct.unpack(">d", self.take(8))[0])
        msg = f"CBOR simple value {info} is not supported"
        raise CborError(msg)


def decode(data: bytes) -> Any:
    """Decode one CBOR data item that fills ``data`` exactly.

    Raises:
        CborError: ``data`` is not one well-formed item of the supported subset.
    """
    reader = _Reader(data)
    value = reader.item()
    if reader.at != len(data):
        msg = f"{len(data) - reader.at} bytes follow the CBOR data item"
        raise CborError(msg)
    return value
