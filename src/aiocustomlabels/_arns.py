"""ARN value types for Custom Labels projects and model versions.

Both are ``str`` subclasses: they go wherever the service expects an ARN, and
``str()`` gives back exactly the text they were parsed from. Parsing validates
against the service model's own patterns.

A project's ARN cannot be derived from one of its version ARNs: each ends with
its own creation time in milliseconds, and the two numbers differ.
"""

from __future__ import annotations

import re
from typing import ClassVar, Self

from ._rules import ARN_LENGTH, ARN_PREFIX, NAME_PATTERN

__all__ = ["ProjectArn", "ProjectVersionArn"]

# The service model's patterns (ProjectArn, ProjectVersionArn), with groups named.
_PROJECT = re.compile(
    rf"{ARN_PREFIX}:project/(?P<project_name>{NAME_PATTERN})/(?P<creation_timestamp>[0-9]+)", re.ASCII
)
_VERSION = re.compile(
    rf"{ARN_PREFIX}:project/(?P<project_name>{NAME_PATTERN})/version/(?P<version_name>{NAME_PATTERN})"
    r"/(?P<creation_timestamp>[0-9]+)",
    re.ASCII,
)


class _Arn(str):
    __slots__ = ()
    _pattern: ClassVar[re.Pattern[str]]
    _form: ClassVar[str]

    def __new__(cls, text: str) -> Self:
        given: object = text  # callers without type checking may pass anything
        if not isinstance(given, str):
            msg = f"{cls.__name__} takes a str, not {type(text).__name__}"
            raise TypeError(msg)
        if not (len(text) in ARN_LENGTH and cls._pattern.fullmatch(text)):
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
    def from_parts(cls, *, project: ProjectArn, version_name: str, creation_timestamp: int) -> Self:
        """Build and validate the ARN of a version of ``project``.

        The partition, region, account and project name are the project's;
        ``creation_timestamp`` is the version's own.

        Examples:
            >>> project = ProjectArn.parse(
            ...     "arn:aws:rekognition:us-east-1:111122223333:project/cats/1690000000000"
            ... )
            >>> ProjectVersionArn.from_parts(
            ...     project=project, version_name="v2", creation_timestamp=1690000000002
            ... )
            ProjectVersionArn('arn:aws:rekognition:us-east-1:111122223333:project/cats/version/v2/1690000000002')
        """
        prefix = project.rsplit("/", 1)[0]  # the project's ARN without its own creation time
        return cls(f"{prefix}/version/{version_name}/{creation_timestamp}")
