"""CustomLabelsClient: the typed async face of Rekognition Custom Labels model versions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import cattrs
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, ParamValidationError

from ._arns import (
    MAX_PAGE_SIZE,
    MAX_TOKEN_LENGTH,
    MAX_VERSION_NAMES,
    VERSION_NAME,
    ProjectArn,
    ProjectVersionArn,
    version_name_of,
)
from ._converters import converter as default_converter
from ._errors import (
    ConfigurationError,
    InvalidRequestError,
    MalformedResponseError,
    TransportError,
    VersionNotFoundError,
    error_from_client_error,
)
from ._models import (
    NO_ITEMS,
    DescribeProjectVersionsResponse,
    ProjectVersionDescription,
    ProjectVersionStatus,
    StartProjectVersionResponse,
    StopProjectVersionResponse,
)
from ._paging import ProjectVersionIterator, ProjectVersionPages
from ._waiting import (
    DEFAULT_MAX_DELAY,
    DEFAULT_MIN_DELAY,
    START_PLAN,
    STOP_PLAN,
    Backoff,
    SharedPoller,
    StatusCallback,
    WaitPlan,
    wait_for,
)

if TYPE_CHECKING:
    from types_aiobotocore_rekognition import RekognitionClient

__all__ = ["DEFAULT_CONFIG", "CustomLabelsClient"]

T = TypeVar("T")

DEFAULT_CONFIG: Final = AioConfig(
    retries={"mode": "standard", "total_max_attempts": 5},
    connect_timeout=10,
    read_timeout=30,
    user_agent_extra="aiocustomlabels",
)
"""What ``CustomLabelsClient.create`` configures unless told otherwise.

botocore's standard retry mode (backoff with jitter, a retry quota) with five
attempts in all (botocore's ``max_attempts`` would count retries only), a
10 s connect timeout and a 30 s read timeout, which fail a dead connection in
seconds rather than a minute.
"""

_METHODS: Final = {
    "DescribeProjectVersions": "describe_project_versions",
    "StartProjectVersion": "start_project_version",
    "StopProjectVersion": "stop_project_version",
}


def _project_arn(value: object) -> ProjectArn:
    try:
        return ProjectArn.parse(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(str(exc)) from exc


def _version_arn(value: object) -> ProjectVersionArn:
    try:
        return ProjectVersionArn.parse(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(str(exc)) from exc


def _version_name(value: object) -> str:
    if not isinstance(value, str) or not VERSION_NAME.fullmatch(value):
        msg = f"not a valid version name: {value!r}; expected 1 to 255 of a-z A-Z 0-9 _ . -"
        raise InvalidRequestError(msg)
    return value


def _units(name: str, value: object, *, at_least: int = 1) -> int:
    if type(value) is not int or value < at_least:
        msg = f"{name} must be an int of at least {at_least}, not {value!r}"
        raise InvalidRequestError(msg)
    return value


def _check_units(min_units: object, max_units: object) -> tuple[int, int | None]:
    low = _units("min_inference_units", min_units)
    high = None if max_units is None else _units("max_inference_units", max_units, at_least=low)
    return low, high


def _check_timeout(timeout: object) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        msg = f"timeout must be a positive number of seconds or None, not {timeout!r}"
        raise InvalidRequestError(msg)
    return float(timeout)


def _batches(version_names: Iterable[str] | None) -> list[Sequence[str] | None]:
    if version_names is None:
        return [None]
    if isinstance(version_names, str | bytes):
        msg = "version_names must be a collection of names, not a single string"
        raise InvalidRequestError(msg)
    names = list(dict.fromkeys(_version_name(n) for n in version_names))  # unique, in order
    if not names:
        msg = "version_names must name at least one version; pass None to list them all"
        raise InvalidRequestError(msg)
    return [names[i : i + MAX_VERSION_NAMES] for i in range(0, len(names), MAX_VERSION_NAMES)]


class CustomLabelsClient:
    """Typed, async access to the model versions of Rekognition Custom Labels.

    Wraps an aiobotocore Rekognition client. A client passed in stays the
    caller's: this class never closes it. ``CustomLabelsClient.create()`` opens
    a client of its own and closes it on leaving the ``async with`` block.

    Example:
        ```python
        async with CustomLabelsClient.create(region_name="us-east-1") as client:
            async for version in client.describe_project_versions(project_arn):
                print(version.project_version_arn, version.status)
            await client.start_and_wait(project_arn, "v3", min_inference_units=1, max_inference_units=3)
        ```

    Args:
        raw: An aiobotocore Rekognition client, owned by the caller.
        converter: The converter that structures responses; the package's own by default.
    """

    def __init__(self, raw: RekognitionClient, *, converter: cattrs.Converter | None = None) -> None:
        self._raw = raw
        self._converter = converter if converter is not None else default_converter
        # Waits on versions of one project share their polls: one poller per project.
        self._pollers: dict[str, SharedPoller] = {}

    @classmethod
    @contextlib.asynccontextmanager
    async def create(
        cls,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        session: AioSession | None = None,
        config: AioConfig | None = None,
    ) -> AsyncIterator[Self]:
        """Open an aiobotocore client, wrap it, and close it on leaving the block.

        Args:
            region_name: The region; by default the session's (``AWS_DEFAULT_REGION``, the profile).
            endpoint_url: Another endpoint, such as the emulator's; AWS's by default.
            session: The aiobotocore session (credentials, profile); a new one by default.
            config: Settings merged over ``DEFAULT_CONFIG``: what it sets wins.

        Yields:
            The client, usable until the block ends.

        Raises:
            ConfigurationError: botocore cannot make a client: no region, an
                unknown profile, an invalid endpoint.
        """
        session = session if session is not None else get_session()
        merged = DEFAULT_CONFIG if config is None else DEFAULT_CONFIG.merge(config)
        async with contextlib.AsyncExitStack() as stack:
            try:
                raw = await stack.enter_async_context(
                    session.create_client(
                        "rekognition", region_name=region_name, endpoint_url=endpoint_url, config=merged
                    )
                )
            except BotoCoreError as exc:
                # No region, an unknown profile, a bad endpoint: say so in our terms.
                msg = f"cannot create a Rekognition client: {exc}"
                raise ConfigurationError(msg) from exc
            yield cls(raw)

    @property
    def raw(self) -> RekognitionClient:
        """The aiobotocore client underneath, for operations this class does not wrap."""
        return self._raw

    def __repr__(self) -> str:
        return f"<CustomLabelsClient {self._raw.meta.region_name} {self._raw.meta.endpoint_url}>"

    # -- requests ------------------------------------------------------------------

    async def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        method = getattr(self._raw, _METHODS[operation])
        try:
            response: dict[str, Any] = await method(**params)
        except ClientError as exc:
            raise error_from_client_error(exc, operation) from exc
        except ParamValidationError as exc:
            raise InvalidRequestError(str(exc)) from exc
        except HTTPClientError as exc:
            msg = f"{operation}: no answer from the service: {exc}"
            raise TransportError(msg) from exc
        except BotoCoreError as exc:
            msg = f"{operation}: {exc}"
            raise ConfigurationError(msg) from exc
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # botocore's parsers fail this way on a body that does not fit the model.
            msg = f"{operation}: botocore could not parse the response: {exc!r}"
            raise MalformedResponseError(msg) from exc
        response.pop("ResponseMetadata", None)
        return response

    def _structure(self, data: Any, cls: type[T]) -> T:
        return self._converter.structure(data, cls)

    async def _fetch_page(
        self, project_arn: str, page_size: int, names: Sequence[str] | None, token: str | None
    ) -> DescribeProjectVersionsResponse:
        params: dict[str, Any] = {"ProjectArn": project_arn, "MaxResults": page_size}
        if names is not None:
            params["VersionNames"] = list(names)
        if token is not None:
            params["NextToken"] = token
        return self._structure(
            await self._call("DescribeProjectVersions", **params), DescribeProjectVersionsResponse
        )

    # -- listing --------------------------------------------------------------------

    def describe_project_versions(
        self,
        project_arn: str,
        *,
        version_names: Iterable[str] | None = None,
        page_size: int = MAX_PAGE_SIZE,
        starting_token: str | None = None,
    ) -> ProjectVersionIterator:
        """Iterate over a project's model versions, newest first.

        Nothing is sent until the first ``__anext__``. Pages are fetched one
        ahead of the caller, and memory holds at most two pages however many
        versions there are. Leave early with ``break`` freely; to cancel the
        page fetched ahead at once rather than when the iterator is collected,
        use ``async with`` around the iterator or call ``aclose()``.

        Example:
            ```python
            async for version in client.describe_project_versions(project_arn):
                print(version.status)
            ```

        Args:
            project_arn: The project.
            version_names: Only these versions. More than 10 names (the
                service's limit per call) are asked for in calls of 10; each
                version comes out once, newest first within each call.
            page_size: Versions per request, 1 to 100.
            starting_token: Resume after the page whose ``next_token`` this is
                (see ``pages()``). Not with more than 10 ``version_names``.

        Returns:
            An async iterator of descriptions; its ``pages()`` gives whole pages.

        Raises:
            InvalidRequestError: An argument breaks the service's rules
                (raised here, before any request).
        """
        arn = _project_arn(project_arn)
        size: object = page_size  # callers without type checking may pass anything
        if type(size) is not int or not 1 <= size <= MAX_PAGE_SIZE:
            msg = f"page_size must be an int from 1 to {MAX_PAGE_SIZE}, not {page_size!r}"
            raise InvalidRequestError(msg)
        batches = _batches(version_names)
        token: object = starting_token
        if token is not None:
            if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
                msg = f"starting_token must be a token of 1 to {MAX_TOKEN_LENGTH} characters"
                raise InvalidRequestError(msg)
            if len(batches) > 1:
                msg = f"starting_token cannot resume a listing of more than {MAX_VERSION_NAMES} version names"
                raise InvalidRequestError(msg)

        async def fetch(names: Sequence[str] | None, token: str | None) -> DescribeProjectVersionsResponse:
            return await self._fetch_page(arn, page_size, names, token)

        return ProjectVersionIterator(ProjectVersionPages(fetch, batches, starting_token))

    def _poller(self, project_arn: ProjectArn) -> SharedPoller:
        poller = self._pollers.get(project_arn)
        if poller is None:

            async def fetch(names: list[str]) -> dict[str, ProjectVersionDescription]:
                page = await self._fetch_page(project_arn, len(names), names, None)
                if page.project_version_descriptions is NO_ITEMS:
                    # The service sends the list, empty when no name matches. Without it
                    # this is not an answer (botocore reads a proxy's HTML page as {}):
                    # a poll that failed, not a version that does not exist.
                    msg = "DescribeProjectVersions answered without ProjectVersionDescriptions"
                    raise MalformedResponseError(msg, ("ProjectVersionDescriptions",))
                return {
                    version_name_of(d.project_version_arn): d
                    for d in page.project_version_descriptions
                    if d.project_version_arn is not None
                }

            poller = self._pollers[project_arn] = SharedPoller(fetch)
        return poller

    async def describe_project_version(
        self, project_arn: str, version_name: str
    ) -> ProjectVersionDescription:
        """The description of one model version.

        Raises:
            VersionNotFoundError: The project has no version of that name.
            InvalidRequestError: An argument breaks the service's rules.
        """
        arn = _project_arn(project_arn)
        name = _version_name(version_name)
        page = await self._fetch_page(arn, 1, [name], None)
        for description in page.project_version_descriptions:
            found = description.project_version_arn
            if found is not None and ProjectVersionArn.parse(found).version_name == name:
                return description
        raise VersionNotFoundError(arn, name)

    # -- starting and stopping --------------------------------------------------------

    async def start_project_version(
        self, project_version_arn: str, *, min_inference_units: int, max_inference_units: int | None = None
    ) -> ProjectVersionStatus:
        """Start a model version; return the status the service reports (STARTING).

        Args:
            project_version_arn: The version.
            min_inference_units: Inference units to run with, at least 1; with
                ``max_inference_units``, the fewest it scales down to.
            max_inference_units: The most units it scales up to; sent only when
                given. Without it the model does not auto-scale.

        Raises:
            InvalidRequestError: Bad units (min < 1, max < min) or ARN; nothing was sent.
            ResourceInUseError: The version is starting, running or stopping.
            LimitExceededError: The account's inference units would be exceeded.
        """
        arn = _version_arn(project_version_arn)
        low, high = _check_units(min_inference_units, max_inference_units)
        params: dict[str, Any] = {"ProjectVersionArn": arn, "MinInferenceUnits": low}
        if high is not None:
            params["MaxInferenceUnits"] = high
        response = self._structure(
            await self._call("StartProjectVersion", **params), StartProjectVersionResponse
        )
        if response.status is None:
            raise MalformedResponseError("StartProjectVersion answered without a status", ("Status",))
        return response.status

    async def stop_project_version(self, project_version_arn: str) -> ProjectVersionStatus:
        """Stop a running model version; return the status the service reports (STOPPING).

        Raises:
            InvalidRequestError: The ARN is not a version ARN; nothing was sent.
            ResourceInUseError: The version is already stopping.
        """
        arn = _version_arn(project_version_arn)
        response = self._structure(
            await self._call("StopProjectVersion", ProjectVersionArn=arn), StopProjectVersionResponse
        )
        if response.status is None:
            raise MalformedResponseError("StopProjectVersion answered without a status", ("Status",))
        return response.status

    async def start_and_wait(
        self,
        project_arn: str,
        version_name: str,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        timeout: float | None = None,
        min_delay: float = DEFAULT_MIN_DELAY,
        max_delay: float = DEFAULT_MAX_DELAY,
        on_status: StatusCallback | None = None,
        on_delay: Callable[[float], object] | None = None,
    ) -> ProjectVersionDescription:
        """Start a model version if need be, and return once it is RUNNING.

        The version is described first, and what follows depends on its status:

        | status | what happens |
        |---|---|
        | RUNNING | returns at once; nothing is started |
        | STARTING | waited on |
        | STOPPING | waited on until STOPPED, then started |
        | TRAINING_IN_PROGRESS, COPYING_IN_PROGRESS | waited on until done, then started |
        | TRAINING_COMPLETED, STOPPED, COPYING_COMPLETED | started, then waited on |
        | FAILED, TRAINING_FAILED, COPYING_FAILED, DELETING, DEPRECATED, EXPIRED | ``ModelStartError`` |
        | a status this release does not know | waited on, until the timeout |

        After the start, FAILED (or any status from which RUNNING cannot
        follow) raises ``ModelStartError`` with the service's StatusMessage. A
        throttled or failed poll does not end the wait while time remains.
        If someone else starts the version first, the wait simply follows it.

        Args:
            project_arn: The project.
            version_name: The version's name.
            min_inference_units: Units to run with, at least 1 (see ``start_project_version``).
            max_inference_units: Units to scale up to; none by default (no auto-scaling).
            timeout: Seconds before ``WaitTimeoutError``; ``None`` waits as long
                as it takes (``asyncio.timeout()`` around the call works too).
            min_delay: The first delay between polls, in seconds.
            max_delay: The longest delay between polls, in seconds.
            on_status: Called with the description on every status change; a
                plain function or a coroutine function.
            on_delay: Called with each delay, in seconds, before the wait
                sleeps it: for progress displays that show the next poll.

        Returns:
            The description that showed RUNNING.

        Raises:
            InvalidRequestError: A bad argument; nothing was sent.
            VersionNotFoundError: The project has no version of that name.
            ModelStartError: RUNNING cannot follow the status seen.
            WaitTimeoutError: ``timeout`` passed first; carries the last description.
            ServiceError: A request failed in a way waiting cannot mend, such as AccessDeniedError.
        """
        project = _project_arn(project_arn)
        name = _version_name(version_name)
        low, high = _check_units(min_inference_units, max_inference_units)

        async def start(description: ProjectVersionDescription) -> ProjectVersionStatus:
            return await self.start_project_version(
                str(description.project_version_arn), min_inference_units=low, max_inference_units=high
            )

        return await self._wait(
            START_PLAN, project, name, start, timeout, min_delay, max_delay, on_status, on_delay
        )

    async def stop_and_wait(
        self,
        project_arn: str,
        version_name: str,
        *,
        timeout: float | None = None,
        min_delay: float = DEFAULT_MIN_DELAY,
        max_delay: float = DEFAULT_MAX_DELAY,
        on_status: StatusCallback | None = None,
        on_delay: Callable[[float], object] | None = None,
    ) -> ProjectVersionDescription:
        """Stop a model version if it runs, and return once it no longer does.

        | status | what happens |
        |---|---|
        | RUNNING | stopped, then waited on until STOPPED |
        | STARTING | waited on until RUNNING, then stopped (or until FAILED: returns) |
        | STOPPING | waited on until STOPPED |
        | any other status this release knows | returns at once: the version is not hosted |
        | a status this release does not know | waited on, until the timeout |

        Arguments and errors are those of ``start_and_wait``; the failure is
        ``ModelStopError``.

        Returns:
            The description that showed the version not hosted (STOPPED, or
            the status it already had).
        """
        project = _project_arn(project_arn)
        name = _version_name(version_name)

        async def stop(description: ProjectVersionDescription) -> ProjectVersionStatus:
            return await self.stop_project_version(str(description.project_version_arn))

        return await self._wait(
            STOP_PLAN, project, name, stop, timeout, min_delay, max_delay, on_status, on_delay
        )

    async def _wait(  # noqa: PLR0917 -- private, called from the two waits just above
        self,
        plan: WaitPlan,
        project: ProjectArn,
        name: str,
        act: Callable[[ProjectVersionDescription], Awaitable[ProjectVersionStatus]],
        timeout: float | None,
        min_delay: float,
        max_delay: float,
        on_status: StatusCallback | None,
        on_delay: Callable[[float], object] | None,
    ) -> ProjectVersionDescription:
        # Checked here, before the first request, like every other argument.
        limit = _check_timeout(timeout)
        backoff = Backoff(min_delay=min_delay, max_delay=max_delay)
        return await wait_for(
            plan,
            poller=self._poller(project),
            version=name,
            act=act,
            not_found=lambda: VersionNotFoundError(project, name),
            name=f"{project.project_name}/{name}",
            timeout=limit,
            backoff=backoff,
            on_status=on_status,
            on_delay=on_delay,
        )
