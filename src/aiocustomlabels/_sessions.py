"""The aiobotocore sessions the library makes itself: their service models are read once a process.

botocore gives each new session a data loader of its own, which parses the
JSON files of the service models, endpoints and partitions again: about a
third of a second of CPU for every client made with a session of its own. The
files do not change while a process runs, and botocore already shares one
loader among all the clients of a session, so the sessions made here share
one loader for each data path (``AWS_DATA_PATH``, the profile's
``data_path``). A session given by the caller is left as it is.
"""

from __future__ import annotations

import functools

from aiobotocore.session import AioSession
from botocore.loaders import Loader, create_loader

__all__ = ["new_session"]


@functools.cache
def _loader(data_path: str | None) -> Loader:
    """The process's loader of the files under ``data_path`` (and botocore's own)."""
    return create_loader(data_path)


def new_session(profile: str | None = None) -> AioSession:
    """A new aiobotocore session, of ``profile`` if given, on the process's shared data loader."""
    session = AioSession(profile=profile)
    # Lazily, as botocore registers its own: reading data_path reads the configuration, whose
    # errors (an unknown profile) belong to the client's creation, where they are reported.
    session.lazy_register_component("data_loader", lambda: _loader(session.get_config_variable("data_path")))
    return session
