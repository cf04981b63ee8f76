"""How the fake checks a request's members before acting on it, and the errors it answers.

Each check gives the service's answer to what breaks its model's rules
(``_rules``): the message texts follow the service's where AWS shows them,
and are assumed elsewhere (docs/testing.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._models import CustomizationFeature
from .._rules import (
    MAX_INFERENCE_UNITS,
    MAX_PAGE_SIZE,
    MAX_TOKEN_LENGTH,
    MAX_VERSION_NAMES,
    is_name,
    is_page_size,
    is_token,
    is_units,
)

__all__ = [
    "FakeServiceError",
    "ProjectsQuery",
    "StartRequest",
    "VersionsQuery",
    "invalid",
    "not_found",
    "projects_query",
    "start_request",
    "version_arn",
    "versions_query",
]


class FakeServiceError(Exception):
    """An error answer of the fake service, as the wire carries it.

    Attributes:
        code: The service error code, sent as ``__type``.
        message: The message, sent as ``message``.
        status: The HTTP status: 400, or 500 for server errors.
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def invalid(message: str) -> FakeServiceError:
    """The service's InvalidParameterException."""
    return FakeServiceError("InvalidParameterException", message)


def not_found() -> FakeServiceError:
    """The service's ResourceNotFoundException."""
    return FakeServiceError("ResourceNotFoundException", "The requested resource could not be found.")


@attrs.frozen(kw_only=True)
class VersionsQuery:
    """A DescribeProjectVersions request, checked."""

    project_arn: str
    page_size: int
    names: list[str] | None
    token: str | None


@attrs.frozen(kw_only=True)
class ProjectsQuery:
    """A DescribeProjects request, checked."""

    page_size: int
    names: list[str] | None
    features: list[str]
    token: str | None


@attrs.frozen(kw_only=True)
class StartRequest:
    """A StartProjectVersion request, checked."""

    arn: str
    low: int
    high: int | None


def _page_size_error(page_size: object, constraint: str) -> FakeServiceError:
    return FakeServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{page_size}' at 'maxResults' failed to satisfy "
        f"constraint: {constraint}",
    )


def _token(params: Mapping[str, Any]) -> str | None:
    token = params.get("NextToken")
    if token is not None and not is_token(token):
        raise invalid(f"NextToken must be 1 to {MAX_TOKEN_LENGTH} characters.")
    return token


def versions_query(params: Mapping[str, Any]) -> VersionsQuery:
    """DescribeProjectVersions' members, checked as the service checks them."""
    project_arn = _arn_param(params, "ProjectArn", ProjectArn)
    page_size = params.get("MaxResults", MAX_PAGE_SIZE)
    between = f"Member must have value between 1 and {MAX_PAGE_SIZE}"
    if type(page_size) is int and not is_page_size(page_size):
        # The model's own words: "If you specify a value greater than 100, a
        # ValidationException error occurs." Below 1 is assumed alike.
        raise _page_size_error(page_size, between)
    if not is_page_size(page_size):
        raise invalid(
            f"1 validation error detected: Value '{page_size}' at 'maxResults' failed to satisfy "
            f"constraint: {between}"
        )
    names = params.get("VersionNames")
    if names is not None:
        if not isinstance(names, list) or not 1 <= len(names) <= MAX_VERSION_NAMES:
            raise invalid(f"VersionNames must hold 1 to {MAX_VERSION_NAMES} names.")
        for name in names:
            if not is_name(name):
                raise invalid(f"Invalid version name: {name!r}.")
    token = _token(params)
    return VersionsQuery(project_arn=project_arn, page_size=page_size, names=names, token=token)


def projects_query(params: Mapping[str, Any]) -> ProjectsQuery:
    """DescribeProjects' members, checked as the service checks them."""
    page_size = params.get("MaxResults", MAX_PAGE_SIZE)
    if not is_page_size(page_size):
        # The model's own words: "a value greater than 100 ... a ValidationException error occurs".
        raise _page_size_error(page_size, f"Member must have value less than or equal to {MAX_PAGE_SIZE}")
    names = params.get("ProjectNames")
    if names is not None and (
        not isinstance(names, list)
        or not 1 <= len(names) <= MAX_VERSION_NAMES
        or not all(is_name(name) for name in names)
    ):
        raise invalid(f"ProjectNames must hold 1 to {MAX_VERSION_NAMES} valid project names.")
    features = params.get("Features", [CustomizationFeature.CUSTOM_LABELS.value])
    known = {feature.value for feature in CustomizationFeature}
    if not isinstance(features, list) or not 1 <= len(features) <= len(known) or not set(features) <= known:
        raise invalid(f"Features must hold 1 to {len(known)} of {', '.join(sorted(known))}.")
    token = _token(params)
    return ProjectsQuery(page_size=page_size, names=names, features=features, token=token)


def start_request(params: Mapping[str, Any]) -> StartRequest:
    """StartProjectVersion's members, checked as the service checks them."""
    arn = version_arn(params)
    low = _units_param(params, "MinInferenceUnits", required=True)
    high = _units_param(params, "MaxInferenceUnits", required=False)
    if low is None:  # pragma: no cover - required above
        raise invalid("MinInferenceUnits is required.")
    if high is not None and high < low:
        raise invalid("MaxInferenceUnits must be greater than or equal to MinInferenceUnits.")
    return StartRequest(arn=arn, low=low, high=high)


def version_arn(params: Mapping[str, Any]) -> str:
    """The request's ``ProjectVersionArn``, required and checked."""
    return _arn_param(params, "ProjectVersionArn", ProjectVersionArn)


def _arn_param(params: Mapping[str, Any], member: str, kind: type[ProjectArn | ProjectVersionArn]) -> str:
    value = params.get(member)
    if value is None:
        raise invalid(
            f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
            "Member must not be null"
        )
    try:
        return str(kind.parse(value))
    except (ValueError, TypeError):
        raise invalid(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern"
        ) from None


def _units_param(params: Mapping[str, Any], member: str, *, required: bool) -> int | None:
    value = params.get(member)
    if value is None:
        if required:
            raise invalid(f"{member} is required.")
        return None
    if not is_units(value):
        raise invalid(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must be an integer between 1 and {MAX_INFERENCE_UNITS}"
        )
    return value  # type: ignore[no-any-return]
