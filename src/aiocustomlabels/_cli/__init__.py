"""The command line: ``aiocustomlabels`` or ``python -m aiocustomlabels``.

Commands: ``versions``, ``start``, ``stop``, ``units``, ``hosted`` (the
library's semantics, from a shell), ``emulator`` (the fake service on loopback
HTTP) and ``demo`` (the main job on an embedded emulator). Options are spelled
as the AWS CLI spells them; no traceback reaches the user (``_failures``).

Importing this package loads the library, and with it aiobotocore; it loads
``aiocustomlabels.testing`` (the testing extra) only when ``emulator`` or
``demo`` runs. ``import aiocustomlabels`` never imports it.

Modules, each importing only those above it in this list:
``_output`` (the failure line, a wait's progress), ``_failures`` (exceptions to
lines and exit codes), ``_arguments`` (argument types and each command's
options), ``_billing`` (what still bills when a wait ends early), ``_target``
(the client and the version named), the commands (``_listing``,
``_start_stop``, ``_hosted``, ``_emulator``), and ``_main`` (the command table,
the parser, ``main``).
"""

from ._failures import CommandError, UsageError
from ._main import COMMANDS, Command, build_parser, main

__all__ = ["COMMANDS", "Command", "CommandError", "UsageError", "build_parser", "main"]
