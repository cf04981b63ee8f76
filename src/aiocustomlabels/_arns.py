"""ARN value types for Custom Labels projects and model versions.

Both are ``str`` subclasses: they go wherever the service expects an ARN, and
``str()`` gives back exactly the text they were parsed from. Parsing validates
against the service model's own patterns.

A project's ARN cannot be derived from one of its version ARNs: each ends with
its own creation time in milliseconds, and the two numbers differ.

The service model's other patterns and limits on names, pages and tokens live
here too, so that the client's checks and the fake's validation are one rule.
"""

from __future__ import annotations

import re
from typing import ClassVar, Self

__all__ = ["ProjectArn", "ProjectVersionArn"]

# The service model's patterns (ProjectArn, ProjectVersionArn), with groups named.
# ASCII: the service's (Java) \d means 0-9, Python's would also take other digits.
_NAME = r"[a-zA-Z0-9_.\-]{1,255}"
_PREFIX = r"arn:(?P<partition>[a-z\d-]+):rekognition:(?P<region>[a-z\d-]+):(?P<account_id>\d{12})"
_PROJECT = re.compile(
    rf"{_PREFIX}:project/(?P<project_name>{_NAME})/(?P<creation_timestamp>[0-9]+)", re.ASCII
)
_VERSION = re.compile(
    rf"{_PREFIX}:project/(?P<project_name>{_NAME})/version/(?P<version_name>{_NAME})"
    r"/(?P<creation_timestamp>[0-9]+)",
    re.ASCII,
)
# The service bounds both ARNs to 20..2048 characters on top of the pattern.
_MIN_LEN, _MAX_LEN = 20, 2048

#: A version name, as DescribeProjectVersions' VersionNames takes it.
VERSION_NAME = re.compile(_NAME, re.ASCII)
#: DescribeProjectVersions' MaxResults: 1 to this (and its default).
MAX_PAGE_SIZE = 100
#: DescribeProjectVersions' VersionNames: at most this many names a call.
MAX_VERSION_NAMES = 10
#: The longest NextToken the service accepts.
MAX_TOKEN_LENGTH = 1024


def version_name_of(version_arn: str) -> str:
    """The version name in a version ARN, without validating it (the service sent it).

    Anything that is not a version ARN is returned as it is.
    """
    return version_arn.rsplit("/", 2)[-2] if "/version/" in version_arn else version_arn


class _Arn(str):
    __slots__ = ()
    _pattern: ClassVar[re.Pattern[str]]
    _form: ClassVar[str]

    def __new__(cls, text: str) -> Self:
        given: object = text  # callers without type checking may pass anything
        if not isinstance(given, str):
            msg = f"{cls.__name__} takes a str, not {type(text).__name__}"
            raise TypeError(msg)
        if not (_MIN_LEN <= len(text) <= _MAX_LEN and cls._pattern.fullmatch(text)):
            msg = f"not a valid {cls.__name__}: {text!r}; expected {cls._form}"
            raise ValueError(msg)
        return super().__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Validate ``text`` and return it as this ARN type.

        Raises:
            ValueError: ``text`` does not match the service's pattern; the
                message shows the expected form.
        """
        return cls(text)

    def _group(self, name: str) -> str:
        match = self._pattern.fullmatch(self)
        assert match is not None  # noqa: S101 -- __new__ validated the text
        return match[name]

    @property
    def aws_partition(self) -> str:
        """The partition, ``aws`` in the commercial regions.

        Not named ``partition``: that is a ``str`` method, and ARNs are strings.
        """
        return self._group("partition")

    @property
    def region(self) -> str:
        """The region, for example ``us-east-1``."""
        return self._group("region")

    @property
    def account_id(self) -> str:
        """The twelve-digit account id."""
        return self._group("account_id")

    @property
    def project_name(self) -> str:
        """The name of the project."""
        return self._group("project_name")

    @property
    def creation_timestamp(self) -> int:
        """The trailing number: the creation time in milliseconds since the epoch."""
        return int(self._group("creation_timestamp"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"


class ProjectArn(_Arn):
    """The ARN of a Custom Labels project.

    ``arn:aws:rekognition:REGION:ACCOUNT:project/NAME/CREATION_MS``

    Examples:
        >>> arn = ProjectArn.parse("arn:aws:rekognition:us-east-1:111122223333:project/cats/1690000000000")
        >>> arn.project_name, arn.creation_timestamp
        ('cats', 1690000000000)
    """

    __slots__ = ()
    _pattern = _PROJECT
    _form = "arn:PARTITION:rekognition:REGION:ACCOUNT_ID:project/PROJECT_NAME/CREATION_MS"

    @classmethod
    def from_parts(
        cls,
        *,
        region: str,
        account_id: str,
        project_name: str,
        creation_timestamp: int,
        partition: str = "aws",
    ) -> Self:
        """Build and validate a project ARN from its parts."""
        return cls(
            f"arn:{partition}:rekognition:{region}:{account_id}:project/{project_name}/{creation_timestamp}"
        )


class ProjectVersionArn(_Arn):
    """The ARN of a model version of a Custom Labels project.

    ``arn:aws:rekognition:REGION:ACCOUNT:project/NAME/version/VERSION/CREATION_MS``

    The trailing number is the version's own creation time, not the project's:
    the project's ARN cannot be computed from this one.

    Examples:
        >>> arn = ProjectVersionArn.parse(
        ...     "arn:aws:rekognition:us-east-1:111122223333:project/cats/version/v1/1690000000001"
        ... )
        >>> arn.version_name, arn.region
        ('v1', 'us-east-1')
    """

    __slots__ = ()
    _pattern = _VERSION
    _form = (
        "arn:PARTITION:rekognition:REGION:ACCOUNT_ID:project/PROJECT_NAME/version/VERSION_NAME/CREATION_MS"
    )

    @property
    def version_name(self) -> str:
        """The name of the model version."""
        return self._group("version_name")

    @classmethod
    def from_parts(
        cls,
        *,
        region: str,
        account_id: str,
        project_name: str,
        version_name: str,
        creation_timestamp: int,
        partition: str = "aws",
    ) -> Self:
        """Build and validate a version ARN from its parts."""
        return cls(
            f"arn:{partition}:rekognition:{region}:{account_id}:project/{project_name}"
            f"/version/{version_name}/{creation_timestamp}"
        )
