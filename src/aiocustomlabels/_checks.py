"""The library's checks of its own arguments, against the service's rules (``_rules``).

The client checks each argument of a public call once, at the entry point, and
hands typed values down. A broken rule raises ``InvalidRequestError`` naming
the argument, before anything is sent; the command line relies on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

import attrs

from ._errors import InvalidRequestError
from ._models import InferenceUnits
from ._rules import (
    MAX_CONFIDENCE,
    MAX_INFERENCE_UNITS,
    MAX_PAGE_SIZE,
    MAX_RESULTS,
    MAX_TOKEN_LENGTH,
    MAX_VERSION_NAMES,
    MIN_CONFIDENCE,
    MIN_INFERENCE_UNITS,
    is_confidence,
    is_max_results,
    is_name,
    is_page_size,
    is_period,
    is_seconds,
    is_token,
    is_units,
)

A = TypeVar("A", bound=str)


def check_arn(kind: Callable[[str], A], value: object, argument: str) -> A:
    """``value`` as the ARN type ``kind``; an ARN already of that type is not parsed again.

    Raises:
        InvalidRequestError: ``value`` is not such an ARN.
    """
    if isinstance(value, kind):  # type: ignore[arg-type]  # kind is always a class
        return value  # type: ignore[return-value]
    try:
        return kind(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        msg = f"{argument}: {exc}"
        raise InvalidRequestError(msg) from exc


def check_name(value: object, argument: str = "version_name") -> str:
    """``value``, a valid project or version name.

    Raises:
        InvalidRequestError: It is not.
    """
    if not is_name(value):
        msg = f"{argument} must be 1 to 255 of a-z A-Z 0-9 _ . -, not {value!r}"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # is_name checked it is a str


def check_min_confidence(value: object) -> float | None:
    """``value``, a valid ``MinConfidence`` as a float, or ``None``.

    Raises:
        InvalidRequestError: It is not a number from 0 to 100 (NaN and ``bool`` are not).
    """
    if value is None:
        return None
    if not is_confidence(value):
        msg = f"min_confidence must be a number from {MIN_CONFIDENCE:g} to {MAX_CONFIDENCE:g}, not {value!r}"
        raise InvalidRequestError(msg)
    return float(value)  # type: ignore[arg-type]  # is_confidence checked it is a number


def check_max_results(value: object) -> int | None:
    """``value``, a valid DetectCustomLabels ``MaxResults``, or ``None``.

    Raises:
        InvalidRequestError: It is not an int from 0 to 2,147,483,647.
    """
    if value is not None and not is_max_results(value):
        msg = f"max_results must be an int from 0 to {MAX_RESULTS.stop - 1:,}, not {value!r}"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # None or an int, checked above


def check_page_size(value: object) -> int:
    """``value``, a valid page size (``MaxResults``).

    Raises:
        InvalidRequestError: It is not an int from 1 to 100.
    """
    if not is_page_size(value):
        msg = f"page_size must be an int from 1 to {MAX_PAGE_SIZE}, not {value!r}"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # is_page_size checked it is an int


def check_token(value: object) -> str | None:
    """``value``, a valid pagination token, or ``None``.

    Raises:
        InvalidRequestError: It is not a string of 1 to 1024 characters.
    """
    if value is not None and not is_token(value):
        msg = f"starting_token must be a token of 1 to {MAX_TOKEN_LENGTH} characters"
        raise InvalidRequestError(msg)
    return value  # type: ignore[return-value]  # None or a str, checked above


def name_batches(names: object, argument: str = "version_names") -> list[tuple[str, ...]] | None:
    """Unique names, in order, in batches the service takes (10 a call); ``None`` for all.

    Raises:
        InvalidRequestError: Not a collection of valid names, or an empty one.
    """
    if names is None:
        return None
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        msg = f"{argument} must be a collection of names, not {type(names).__name__}"
        raise InvalidRequestError(msg)
    unique = list(dict.fromkeys(check_name(name, argument) for name in names))
    if not unique:
        msg = f"{argument} must name at least one; pass None for all"
        raise InvalidRequestError(msg)
    return batches(unique)


def batches(names: Sequence[str]) -> list[tuple[str, ...]]:
    """``names`` cut into calls of at most ``MAX_VERSION_NAMES``."""
    return [tuple(names[i : i + MAX_VERSION_NAMES]) for i in range(0, len(names), MAX_VERSION_NAMES)]


def check_flag(value: object, argument: str) -> bool:
    """``value``, a ``bool``.

    Raises:
        InvalidRequestError: It is not one (a truthy string is not a yes).
    """
    if not isinstance(value, bool):
        msg = f"{argument} must be True or False, not {value!r}"
        raise InvalidRequestError(msg)
    return value


def check_seconds(value: object, argument: str) -> float:
    """``value`` as a positive, finite number of seconds.

    Raises:
        InvalidRequestError: It is not one.
    """
    if not (is_seconds(value) and value > 0):
        msg = f"{argument} must be a positive, finite number of seconds, not {value!r}"
        raise InvalidRequestError(msg)
    return float(value)


def check_period(period: object) -> int:
    """``period``, in seconds, as CloudWatch takes it.

    Raises:
        InvalidRequestError: Not 1, 5, 10, 20, 30 or a multiple of 60.
    """
    if type(period) is not int or not is_period(period):
        msg = f"period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds, not {period!r}"
        raise InvalidRequestError(msg)
    return period


def check_window(start: object, end: object, now: datetime) -> tuple[datetime, datetime]:
    """``start`` and ``end`` (``None``: now) as timezone-aware datetimes, start before end.

    Raises:
        InvalidRequestError: Not timezone-aware datetimes, or start not before end.
    """
    end = now if end is None else end
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            msg = f"{name} must be a timezone-aware datetime, not {value!r}"
            raise InvalidRequestError(msg)
    assert isinstance(start, datetime)  # noqa: S101 -- checked just above
    assert isinstance(end, datetime)  # noqa: S101 -- likewise
    if not start < end:
        msg = f"start ({start.isoformat()}) must come before end ({end.isoformat()})"
        raise InvalidRequestError(msg)
    return start, end


@attrs.frozen
class ListingArgs:
    """A listing's checked arguments: its page size, its batches of names, the token it resumes from.

    Attributes:
        page_size: ``MaxResults``.
        batches: The names asked for, 10 a call; ``None`` for all.
        starting_token: The ``NextToken`` to resume from, if any.
    """

    page_size: int
    batches: list[tuple[str, ...]] | None
    starting_token: str | None


def check_listing(page_size: object, names: object, starting_token: object, *, argument: str) -> ListingArgs:
    """The arguments of a listing (DescribeProjectVersions, DescribeProjects), checked.

    Args:
        page_size: ``MaxResults``, 1 to 100.
        names: The names asked for, or ``None`` for all.
        starting_token: The token to resume from, or ``None``.
        argument: What the caller calls ``names``, for messages.

    Raises:
        InvalidRequestError: One breaks the service's rules, or a token is given
            to resume a listing of more than 10 names (several calls).
    """
    batches = name_batches(names, argument)
    token = check_token(starting_token)
    if token is not None and batches is not None and len(batches) > 1:
        msg = f"starting_token cannot resume a listing of more than {MAX_VERSION_NAMES} {argument}"
        raise InvalidRequestError(msg)
    return ListingArgs(check_page_size(page_size), batches, token)


def check_units(low: object, high: object) -> InferenceUnits:
    """``low`` and ``high`` (``None``: no auto-scaling) as the ``InferenceUnits`` a start asks for.

    Raises:
        InvalidRequestError: A value outside 1..2,147,483,647 (the service
            model's 32-bit Integer), or a maximum below the minimum.
    """
    if not is_units(low):
        msg = (
            f"min_inference_units must be an int from {MIN_INFERENCE_UNITS} to "
            f"{MAX_INFERENCE_UNITS:,}, not {low!r}"
        )
        raise InvalidRequestError(msg)
    if high is not None and not (is_units(high) and high >= low):
        msg = (
            f"max_inference_units must be an int from min_inference_units ({low}) to "
            f"{MAX_INFERENCE_UNITS:,} (none: no auto-scaling), not {high!r}"
        )
        raise InvalidRequestError(msg)
    return InferenceUnits(low, high)
