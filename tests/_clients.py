"""One call on a client against the fake, for the tests of the client's own calls."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from aiobotocore.config import AioConfig

from aiocustomlabels import CustomLabelsClient
from aiocustomlabels.testing import FakeCustomLabels
from tests._harness import client_for, run


def using(
    fake: FakeCustomLabels, use: Callable[[CustomLabelsClient], object], *, config: AioConfig | None = None
) -> Any:
    """``use(client)`` (awaited if it is awaitable) with a client on ``fake``, through ``run``: its result."""

    async def main() -> object:
        async with client_for(fake, config=config) as client:
            made = use(client)
            return await made if inspect.isawaitable(made) else made

    return run(main)
