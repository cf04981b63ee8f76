"""What still bills when a wait ends early, and the exact command that stops it.

A hosted model bills by the inference-unit hour, serving or not: a wait that
ends by timeout or Ctrl-C says what the last status seen means for the bill.
"""

from __future__ import annotations

import argparse
import shlex

from .._arns import ProjectArn, ProjectVersionArn
from .._models import ProjectVersionStatus as S

__all__ = ["billing_note", "stop_command"]

_STARTABLE = (S.TRAINING_COMPLETED, S.STOPPED, S.COPYING_COMPLETED, S.FAILED)

#: (starting?, last status) -> what is said; docs/cli.md has this table.
_NOTES = {
    (True, S.STARTING): "it will go on to RUNNING, and bill by the hour until it is stopped.",
    (True, S.RUNNING): "it bills by the hour until it is stopped.",
    (False, S.STARTING): (
        "no stop was sent (a STARTING version is stopped once RUNNING): "
        "it will run, and bill by the hour, until it is stopped."
    ),
    (False, S.RUNNING): "the stop may not have been sent: it may still run, and bill by the hour.",
    **dict.fromkeys(
        ((True, status) for status in _STARTABLE),
        "the start may have been sent: it may be starting, to bill by the hour once running.",
    ),
}


def billing_note(*, starting: bool, last: S | None, name: str) -> str | None:
    """What to say about the bill when a wait ends early, given the last status seen (None if none).

    None when nothing that could host the version was sent, or it is stopping.
    """
    if last is None:
        verb = "start" if starting else "stop"
        return (
            f"{name}: no status was seen, so the {verb} may or may not have been sent: "
            "it may be starting or running, and billing by the hour."
        )
    note = _NOTES.get((starting, last))
    return None if note is None else f"{name} was {last}: {note}"


def stop_command(
    args: argparse.Namespace, *, region: str, arn: ProjectVersionArn, project: ProjectArn
) -> str:
    """The command that stops the version, with the AWS options and the delays this one was given."""
    words = ["aiocustomlabels", "stop", str(arn), "--project-arn", str(project)]
    words += ["--region", getattr(args, "region", None) or region]
    for option in ("profile", "endpoint_url"):
        value = getattr(args, option, None)
        if value is not None:
            words += [f"--{option.replace('_', '-')}", value]
    words.append("--wait")
    for option in ("min_delay", "max_delay"):
        value = getattr(args, option)
        if value is not None:
            words += [f"--{option.replace('_', '-')}", f"{value:g}"]
    return shlex.join(words)
