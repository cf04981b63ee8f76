"""The exceptions aiocustomlabels raises.

Every exception is catchable as ``CustomLabelsError``::

    CustomLabelsError
    └── MalformedResponseError (also ValueError)   a response does not fit the schema
"""

from __future__ import annotations

__all__ = ["CustomLabelsError", "MalformedResponseError"]


class CustomLabelsError(Exception):
    """The root of every exception that aiocustomlabels raises."""


class MalformedResponseError(CustomLabelsError, ValueError):
    """A response, or a dictionary given to the converter, does not fit the schema.

    Attributes:
        path: Where the bad member is, from the root: member names and list indexes.
        reason: What is wrong there.
    """

    def __init__(self, reason: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(reason, path)
        self.reason = reason
        self.path = path

    def _prefixed(self, steps: tuple[str | int, ...]) -> MalformedResponseError:
        # Each enclosing hook adds its own steps on the way out.
        self.path = (*steps, *self.path)
        self.args = (self.reason, self.path)
        return self

    @property
    def location(self) -> str:
        """The path as a JSONPath-like string, such as ``$.TrainingDataResult.Input.Assets[0]``."""
        return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"
