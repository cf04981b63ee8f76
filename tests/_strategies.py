"""Hypothesis strategies derived from the installed botocore service model.

Every dictionary they draw is one the service model allows, in the form
aiobotocore returns it: PascalCase keys, timezone-aware datetimes, lists.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ServiceModel, Shape
from dateutil.tz import tzutc
from hypothesis import strategies as st

#: The response shapes aiocustomlabels mirrors.
RESPONSE_SHAPES = (
    "DescribeProjectsResponse",
    "DescribeProjectVersionsResponse",
    "DetectCustomLabelsResponse",
    "StartProjectVersionResponse",
    "StopProjectVersionResponse",
)

# The zones botocore's parser uses, and one that is not UTC, which must survive too.
_ZONES = st.sampled_from([tzutc(), UTC, timezone(timedelta(hours=-7), "PDT")])
_MAX_LIST = 3
_MAX_TEXT = 40


@cache
def service_model() -> ServiceModel:
    """The Rekognition service model that the installed botocore ships."""
    return botocore.session.get_session().get_service_model("rekognition")


def shape(name: str) -> Shape:
    """The shape called ``name`` in the service model."""
    return service_model().shape_for(name)


def _string(s: Shape) -> st.SearchStrategy[str]:
    if s.enum:
        return st.sampled_from(list(s.enum))
    low = s.metadata.get("min", 0)
    high = s.metadata.get("max", _MAX_TEXT)
    pattern = s.metadata.get("pattern")
    if pattern:
        # ASCII: the service's (Java) \d and \w are ASCII, and so are the ARN types' patterns.
        return st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True).filter(
            lambda text: low <= len(text) <= high
        )
    return st.text(min_size=low, max_size=min(high, low + _MAX_TEXT))


def for_shape(s: Shape, *, filled: bool = False) -> st.SearchStrategy[Any]:  # noqa: PLR0911 -- one return per shape type
    """A strategy for values of the shape ``s``, as aiobotocore returns them.

    ``filled``: every member of every structure present, and every list holding
    one item (or its minimum), so that one example reaches every member of the
    shape. Lists of several items are the unfilled draws' business: filled ones
    that long outgrow what hypothesis draws in one example.
    """
    kind = s.type_name
    if kind == "structure":
        required = set(s.members) if filled else set(s.required_members)
        members = {name: for_shape(m, filled=filled) for name, m in s.members.items()}
        return st.fixed_dictionaries(
            {k: v for k, v in members.items() if k in required},
            optional={k: v for k, v in members.items() if k not in required},
        )
    if kind == "list":
        low = s.metadata.get("min", 0)
        if filled:
            low = max(low, 1)
            return st.lists(for_shape(s.member, filled=True), min_size=low, max_size=low)
        return st.lists(for_shape(s.member), min_size=low, max_size=max(low, _MAX_LIST))
    if kind == "string":
        return _string(s)
    if kind in {"integer", "long"}:
        return st.integers(
            min_value=s.metadata.get("min", -(2**31)), max_value=s.metadata.get("max", 2**63 - 1)
        )
    if kind in {"float", "double"}:
        return st.floats(
            min_value=s.metadata.get("min"),
            max_value=s.metadata.get("max"),
            allow_nan=False,  # JSON cannot carry NaN, so the service never sends it
            allow_infinity=False,
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(
            min_value=datetime(1970, 1, 2),
            max_value=datetime(2200, 1, 1),
            timezones=_ZONES,
        )
    msg = f"no strategy for shape {s.name} of type {kind}"  # pragma: no cover
    raise NotImplementedError(msg)  # pragma: no cover


# Cached: building one walks the shape and compiles its patterns, which costs more than drawing
# from it, and a test that draws inside (st.data()) asks for it at every example.
@cache
def response(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Responses of the shape called ``name``."""
    return for_shape(shape(name))


@cache
def rich_response(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Responses of the shape called ``name``: as often with every member filled as with any allowed."""
    return st.one_of(for_shape(shape(name), filled=True), response(name))


def structures() -> dict[str, Shape]:
    """Every structure shape reachable from the mirrored responses, by name."""
    found: dict[str, Shape] = {}

    def walk(s: Shape) -> None:
        if s.type_name == "structure":
            if s.name in found:
                return
            found[s.name] = s
            for member in s.members.values():
                walk(member)
        elif s.type_name == "list":
            walk(s.member)

    for name in RESPONSE_SHAPES:
        walk(shape(name))
    return found


#: Values of any JSON-ish type, for feeding malformed input to the converter.
junk: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
