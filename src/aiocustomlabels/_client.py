"""CustomLabelsClient: the typed async face of Rekognition Custom Labels model versions.

The class is a thin face. Each public method checks its arguments once,
against the service's rules (``_rules``), and hands typed values to the
capability that does the work: ``_listing`` (DescribeProjectVersions),
``_hosting`` (starting, stopping, waiting), ``_detection``
(DetectCustomLabels), all over ``_transport`` (the aiobotocore client, its
errors, closing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, Self, TypeVar, overload

import cattrs
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore import UNSIGNED
from botocore.exceptions import BotoCoreError, NoCredentialsError

from ._arns import ProjectArn, ProjectVersionArn
from ._checks import (
    check_arn,
    check_flag,
    check_listing,
    check_max_results,
    check_min_confidence,
    check_name,
    check_period,
    check_seconds,
    check_units,
    check_window,
)
from ._converters import converter as default_converter
from ._detection import Detection, check_image
from ._errors import ConfigurationError, InvalidRequestError
from ._hosting import Hosting, RunningVersion
from ._listing import HostedVersionIterator, Listing, ProjectIterator, ProjectVersionIterator
from ._metrics import InferenceUnitsSample, Metrics, wall_clock
from ._models import CustomLabel, ProjectVersionDescription, ProjectVersionStatus, S3Object
from ._polling import Backoff, DelayCallback
from ._rules import MAX_CONCURRENCY, MAX_PAGE_SIZE
from ._transport import AsyncResource, Transport, new_session
from ._waiting import StatusCallback, WaitOptions

if TYPE_CHECKING:
    from types_aiobotocore_cloudwatch import CloudWatchClient
    from types_aiobotocore_rekognition import RekognitionClient

__all__ = ["DEFAULT_CONFIG", "ClientOpening", "CustomLabelsClient"]


C = TypeVar("C", bound="CustomLabelsClient")

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


class ClientOpening(Generic[C]):
    """What ``CustomLabelsClient.create()`` returns: ``async with`` it, or await it.

    ``async with`` gives the client and closes it on leaving the block; a
    client awaited is closed by its ``aclose()``. A public name, so that code
    which passes an opening around can annotate it:
    ``ClientOpening[CustomLabelsClient]``.
    """

    def __init__(self, open_: Callable[[], Coroutine[Any, Any, C]]) -> None:
        self._open = open_
        self._client: C | None = None

    def __await__(self) -> Generator[Any, None, C]:
        return self._open().__await__()

    async def __aenter__(self) -> C:
        self._client = await self._open()
        return self._client

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


def _version_arn(value: str) -> ProjectVersionArn:
    return check_arn(ProjectVersionArn, value, "project_version_arn")


def _project_arn(value: str) -> ProjectArn:
    return check_arn(ProjectArn, value, "project_arn")


def _version(first: str, version_name: str | None) -> tuple[ProjectArn | ProjectVersionArn, str]:
    """The version an operation names: by its ARN alone, or by its project's ARN and its name.

    Raises:
        InvalidRequestError: Not an ARN of the kind the form takes, or a bad name.
    """
    if version_name is None:
        arn = _version_arn(first)
        return arn, arn.version_name
    return _project_arn(first), check_name(version_name)


class CustomLabelsClient(AsyncResource):
    """Typed, async access to the model versions of Rekognition Custom Labels.

    Wraps an aiobotocore Rekognition client. Like httpx's ``AsyncClient``, it
    is an async resource: use it in ``async with``, or call ``aclose()``.
    Closing ends the client's waits and listings under way with
    ``ClientClosedError``; it closes the aiobotocore client only if this
    client made it (``create()``): a client passed in stays the caller's.

    Example:
        ```python
        async with CustomLabelsClient.create(region_name="us-east-1") as client:
            async for version in client.describe_project_versions(project_arn):
                print(version.version_name, version.status)
            await client.start_and_wait(project_arn, "v3", min_inference_units=1, max_inference_units=3)
        ```

    Args:
        raw: An aiobotocore Rekognition client, owned by the caller.
        cloudwatch: An aiobotocore CloudWatch client, owned by the caller, for
            ``inference_units()`` and ``units_in_service()``; without it, they
            raise ``ConfigurationError``. ``create()`` opens one itself.
        converter: The converter that structures responses; the package's own by default.
        clock: What time it is now, as a timezone-aware datetime: the end of
            ``units_in_service()``'s window and ``inference_units()``'s default
            end. The wall clock (``datetime.now(UTC)``) by default; a test on a
            fake service passes the fake's clock (``clock=fake.now``).
    """

    def __init__(
        self,
        raw: RekognitionClient,
        *,
        cloudwatch: CloudWatchClient | None = None,
        converter: cattrs.Converter | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        given: object = clock  # callers without type checking may pass anything
        if given is not None and not callable(given):
            msg = f"clock must be a callable that returns an aware datetime, not {type(given).__name__}"
            raise InvalidRequestError(msg)
        self._transport = Transport(
            raw,
            converter=converter if converter is not None else default_converter,
            cloudwatch=cloudwatch,
        )
        self._listing = Listing(self._transport)
        self._hosting = Hosting(self._transport, self._listing)
        self._detection = Detection(self._transport)
        self._metrics = Metrics(self._transport, clock=clock if clock is not None else wall_clock)

    @classmethod
    def create(
        cls,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        session: AioSession | None = None,
        config: AioConfig | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> ClientOpening[Self]:
        """Open an aiobotocore client and wrap it; the client made is closed with this one.

        Use it in ``async with``, which closes the client on leaving the
        block, or await it and call ``aclose()`` when done:

        ```python
        client = await CustomLabelsClient.create(region_name="us-east-1")
        try:
            ...
        finally:
            await client.aclose()
        ```

        Args:
            region_name: The region; by default the session's (``AWS_DEFAULT_REGION``, the profile).
            endpoint_url: Another endpoint, such as the emulator's; AWS's by default.
            session: The aiobotocore session (credentials, profile); by default a new one,
                which shares the service models this process has already read.
            config: Settings merged over ``DEFAULT_CONFIG``: what it sets wins.
            clock: What time it is now (see the class); the wall clock by default.

        Returns:
            An awaitable async context manager that gives the client.

        Raises:
            ConfigurationError: botocore cannot make a client: no credentials
                (unless ``config`` asks for unsigned requests), no region, an
                unknown profile, an endpoint that is not a URL. Raised here,
                before any request.
        """

        async def open_() -> Self:
            chosen = session if session is not None else new_session()
            merged = DEFAULT_CONFIG if config is None else DEFAULT_CONFIG.merge(config)
            opening = chosen.create_client(
                "rekognition", region_name=region_name, endpoint_url=endpoint_url, config=merged
            )
            try:
                raw = await opening.__aenter__()
            except (BotoCoreError, ValueError) as exc:
                # No region, an unknown profile, an endpoint that is not a URL
                # (botocore's ValueError): say so in our terms.
                msg = f"cannot create a Rekognition client: {exc}"
                raise ConfigurationError(msg) from exc
            # Found now, not at the first request: no retry mends missing credentials.
            # The session resolved them for the client just made; this reads its cache.
            if merged.signature_version is not UNSIGNED and await chosen.get_credentials() is None:
                await opening.__aexit__(None, None, None)
                msg = f"cannot create a Rekognition client: {NoCredentialsError()}"
                raise ConfigurationError(msg) from NoCredentialsError()
            client = cls(raw, clock=clock)

            async def open_cloudwatch() -> tuple[Any, Callable[[], Awaitable[object]]]:
                # Beside the Rekognition client: the same session, region, endpoint and settings.
                cloudwatch = chosen.create_client(
                    "cloudwatch", region_name=raw.meta.region_name, endpoint_url=endpoint_url, config=merged
                )
                return await cloudwatch.__aenter__(), lambda: cloudwatch.__aexit__(None, None, None)

            client._transport.close_raw = lambda: opening.__aexit__(None, None, None)
            client._transport.open_cloudwatch = open_cloudwatch
            return client

        return ClientOpening(open_)

    @property
    def raw(self) -> RekognitionClient:
        """The aiobotocore client underneath, for operations this class does not wrap."""
        return self._transport.raw

    @property
    def closed(self) -> bool:
        """Whether the client was closed."""
        return self._transport.closed

    def __repr__(self) -> str:
        meta = self.raw.meta
        state = " closed" if self.closed else ""
        return f"<CustomLabelsClient {meta.region_name} {meta.endpoint_url}{state}>"

    # -- lifecycle ------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the client: end its waits and listings, and close what it opened.

        Waits and listings under way end at once with ``ClientClosedError``,
        and so does every call made after. The aiobotocore client is closed
        if ``create()`` made it. Closing twice is harmless.
        """
        # The waits first: they end with ClientClosedError, not with a closed socket's error.
        await self._hosting.pollers.aclose()
        await self._transport.aclose()

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
        project = _project_arn(project_arn)
        listing = check_listing(page_size, version_names, starting_token, argument="version_names")
        self._transport.check_open()
        return self._listing.versions(project, listing)

    async def describe_project_version(
        self, project_arn: str, version_name: str
    ) -> ProjectVersionDescription:
        """The description of one model version.

        Raises:
            VersionNotFoundError: The project has no version of that name.
            InvalidRequestError: An argument breaks the service's rules.
        """
        return await self._listing.version(_project_arn(project_arn), check_name(version_name))

    def describe_projects(
        self,
        project_names: Iterable[str] | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        starting_token: str | None = None,
    ) -> ProjectIterator:
        """Iterate over the region's Custom Labels projects (DescribeProjects).

        Lazy and one page ahead, like ``describe_project_versions``.

        Args and errors are ``describe_project_versions``'s, with
        ``project_names`` (10 a call) for ``version_names``.

        Returns:
            An async iterator of project descriptions, with ``pages()``.
        """
        listing = check_listing(page_size, project_names, starting_token, argument="project_names")
        self._transport.check_open()
        return self._listing.projects(listing)

    async def project_arn_of(self, project_version_arn: str) -> ProjectArn:
        """The ARN of the project a version belongs to.

        A version's ARN names its project but ends in the version's own
        creation time, so the project's ARN cannot be computed: it is looked
        up with DescribeProjects, by name (one request).

        Raises:
            ProjectNotFoundError: No project of that name in the version's
                region and account, as this client sees them (a client of
                another region finds none).
            InvalidRequestError: Not a version ARN; nothing was sent.
        """
        return await self._listing.project_of(_version_arn(project_version_arn))

    def hosted_versions(self, *, concurrency: int = 4) -> HostedVersionIterator:
        """Iterate over every hosted version of the region: STARTING, RUNNING or STOPPING.

        Hosted versions are the ones billed by the inference-unit hour. The
        region's projects are listed (DescribeProjects, paginated), and then
        each project's versions (DescribeProjectVersions), at most
        ``concurrency`` projects at once, lazily: nothing is sent until the
        first ``__anext__``. A project deleted meanwhile is passed over.

        Example:
            ```python
            async for version in client.hosted_versions():
                print(version.project_version_arn, version.status, version.inference_units)
            ```

        Args:
            concurrency: How many projects' versions are listed at once, 1 to 16.

        Returns:
            An async iterator of descriptions; ``async with`` it, or ``aclose()``
            it, to cancel what is under way when leaving early.

        Raises:
            InvalidRequestError: A bad ``concurrency``.
        """
        if type(concurrency) is not int or not 1 <= concurrency <= MAX_CONCURRENCY:
            msg = f"concurrency must be an int from 1 to {MAX_CONCURRENCY}, not {concurrency!r}"
            raise InvalidRequestError(msg)
        self._transport.check_open()
        return HostedVersionIterator(self._listing, concurrency=concurrency)

    # -- starting and stopping --------------------------------------------------------

    async def start_project_version(
        self, project_version_arn: str, *, min_inference_units: int, max_inference_units: int | None = None
    ) -> ProjectVersionStatus:
        """Start a model version; return the status the service reports (STARTING).

        Args:
            project_version_arn: The version.
            min_inference_units: Inference units to run with, 1 to
                2,147,483,647; with ``max_inference_units``, the fewest it
                scales down to.
            max_inference_units: The most units it scales up to; sent only when
                given. Without it the model does not auto-scale.

        Raises:
            InvalidRequestError: Bad units (out of range, max < min) or ARN; nothing was sent.
            ResourceInUseError: The version is starting, running or stopping.
            LimitExceededError: The account's inference units would be exceeded.
        """
        units = check_units(min_inference_units, max_inference_units)
        return await self._hosting.start(_version_arn(project_version_arn), units)

    async def stop_project_version(self, project_version_arn: str) -> ProjectVersionStatus:
        """Stop a running model version; return the status the service reports (STOPPING).

        Raises:
            InvalidRequestError: The ARN is not a version ARN; nothing was sent.
            ResourceInUseError: The version is already stopping.
        """
        return await self._hosting.stop(_version_arn(project_version_arn))

    @overload
    async def start_and_wait(
        self,
        project_version_arn: str,
        /,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        reconfigure: bool = False,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> ProjectVersionDescription: ...

    @overload
    async def start_and_wait(
        self,
        project_arn: str,
        version_name: str,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        reconfigure: bool = False,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> ProjectVersionDescription: ...

    async def start_and_wait(
        self,
        project_arn: str,
        version_name: str | None = None,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        reconfigure: bool = False,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> ProjectVersionDescription:
        """Start a model version if need be, and return once it is RUNNING.

        The version is named by its ARN alone (what a service holds, since
        DetectCustomLabels takes it), or by its project's ARN and its name.
        From a version ARN the project's ARN is looked up once per client
        (DescribeProjects), then kept.

        The version is described first, and what follows depends on its status:

        | status | what happens |
        |---|---|
        | RUNNING, with the units asked | returns at once; nothing is started |
        | RUNNING or STARTING, with other units | ``UnitsMismatchError`` (``reconfigure``: restarted) |
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

        **No silent unit mismatch.** A version that is RUNNING or STARTING
        with other units than asked (and not because this call started it)
        raises ``UnitsMismatchError``, with the version as it runs; nothing is
        sent. No maximum asks for no auto-scaling, which a maximum equal to
        the minimum also gives. With ``reconfigure=True`` such a version is
        stopped, waited on until STOPPED, and started with the units asked:
        on AWS that costs the restart's downtime, 10 to 20 minutes.

        Args:
            project_arn: The project; or, alone, the version's ARN.
            version_name: The version's name; none when the first argument is the version's ARN.
            min_inference_units: Units to run with (see ``start_project_version``).
            max_inference_units: Units to scale up to; none by default (no auto-scaling).
            reconfigure: Restart a version hosted with other units, instead of
                raising ``UnitsMismatchError``.
            timeout: Seconds before ``WaitTimeoutError``; ``None`` waits as long
                as it takes (``asyncio.timeout()`` around the call works too).
            backoff: The delays between polls; ``Backoff()`` (20 to 30 s) by default.
            on_status: Called with the description on every status change; a
                plain function or a coroutine function.
            on_delay: Called with each delay, in seconds, before the wait
                sleeps it: for progress displays that show the next poll.

        Returns:
            The description that showed RUNNING.

        Raises:
            InvalidRequestError: A bad argument; nothing was sent.
            ProjectNotFoundError: No project holds the version ARN given (nothing else was sent).
            VersionNotFoundError: The project has no version of that name.
            ModelStartError: RUNNING cannot follow the status seen.
            UnitsMismatchError: The version is hosted with other units (a ``ModelStartError``).
            WaitTimeoutError: ``timeout`` passed first; carries the last description.
            ServiceError: A request failed in a way waiting cannot mend, such as AccessDeniedError.
            ClientClosedError: The client was closed meanwhile.
        """
        target, name = _version(project_arn, version_name)
        units = check_units(min_inference_units, max_inference_units)
        options = WaitOptions.of(timeout=timeout, backoff=backoff, on_status=on_status, on_delay=on_delay)
        checked_reconfigure = check_flag(reconfigure, "reconfigure")
        self._transport.check_open()
        return await self._hosting.start_and_wait(
            await self._hosting.locate(target), name, units, options, reconfigure=checked_reconfigure
        )

    @overload
    def running(
        self,
        project_version_arn: str,
        /,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        reconfigure: bool = False,
        stop_on_exit: bool | None = None,
        wait_for_stop: bool = False,
        stop_timeout: float = 300.0,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> RunningVersion: ...

    @overload
    def running(
        self,
        project_arn: str,
        version_name: str,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        reconfigure: bool = False,
        stop_on_exit: bool | None = None,
        wait_for_stop: bool = False,
        stop_timeout: float = 300.0,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> RunningVersion: ...

    def running(
        self,
        project_arn: str,
        version_name: str | None = None,
        *,
        min_inference_units: int,
        max_inference_units: int | None = None,
        reconfigure: bool = False,
        stop_on_exit: bool | None = None,
        wait_for_stop: bool = False,
        stop_timeout: float = 300.0,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> RunningVersion:
        """A model version RUNNING for the duration of an ``async with`` block, stopped after it.

        Entering does what ``start_and_wait`` does (the unit mismatch rule
        included) and gives the RUNNING description. Leaving stops the version
        if this block started it: on a normal exit, on an exception, and on a
        cancellation. The stop is shielded from the cancellation and bounded
        by ``stop_timeout``; a failure to stop is logged at ERROR with the
        version's ARN, and raised only if the block itself raised nothing. An
        entry that fails after its start was sent (a timeout, a cancellation,
        FAILED) stops the version too. Nothing is sent until the block is
        entered.

        Example:
            ```python
            async with client.running(
                project_arn, "v3", min_inference_units=1, max_inference_units=3
            ) as model:
                print(model.status, model.inference_units)
                ...  # DetectCustomLabels calls, while it bills
            # stopped here, whatever happened in the block
            ```

        Args:
            project_arn: The project; or, alone, the version's ARN (its
                project is looked up on entering, once per client).
            version_name: The version's name; none when the first argument is the version's ARN.
            min_inference_units: Units to run with (see ``start_project_version``).
            max_inference_units: Units to scale up to; none by default (no auto-scaling).
            reconfigure: Restart a version hosted with other units, instead of
                raising ``UnitsMismatchError``.
            stop_on_exit: ``None`` (the default) stops the version on leaving
                only if this block started it: one already hosted, someone
                else's, is left running. ``True`` always stops it; ``False``
                never does.
            wait_for_stop: Wait until the version is STOPPED before leaving the
                block; by default leaving returns once the stop is accepted.
            stop_timeout: Seconds that stopping (and, with ``wait_for_stop``,
                waiting for STOPPED) may take on leaving.
            timeout: Seconds the start may take before ``WaitTimeoutError``.
            backoff: The delays between polls.
            on_status: Called with the description on every status change.
            on_delay: Called with each delay before the wait sleeps it.

        Returns:
            An async context manager giving the RUNNING description; its
            ``started`` says whether this block started the version.

        Raises:
            InvalidRequestError: A bad argument (raised here; nothing is sent).
        """
        target, name = _version(project_arn, version_name)
        return RunningVersion(
            hosting=self._hosting,
            target=target,
            name=name,
            units=check_units(min_inference_units, max_inference_units),
            options=WaitOptions.of(timeout=timeout, backoff=backoff, on_status=on_status, on_delay=on_delay),
            reconfigure=check_flag(reconfigure, "reconfigure"),
            stop_on_exit=None if stop_on_exit is None else check_flag(stop_on_exit, "stop_on_exit"),
            wait_for_stop=check_flag(wait_for_stop, "wait_for_stop"),
            stop_timeout=check_seconds(stop_timeout, "stop_timeout"),
        )

    @overload
    async def stop_and_wait(
        self,
        project_version_arn: str,
        /,
        *,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> ProjectVersionDescription: ...

    @overload
    async def stop_and_wait(
        self,
        project_arn: str,
        version_name: str,
        *,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> ProjectVersionDescription: ...

    async def stop_and_wait(
        self,
        project_arn: str,
        version_name: str | None = None,
        *,
        timeout: float | None = None,
        backoff: Backoff | None = None,
        on_status: StatusCallback | None = None,
        on_delay: DelayCallback | None = None,
    ) -> ProjectVersionDescription:
        """Stop a model version if it runs, and return once it no longer does.

        | status | what happens |
        |---|---|
        | RUNNING | stopped, then waited on until STOPPED |
        | STARTING | waited on until RUNNING, then stopped (or until FAILED: returns) |
        | STOPPING | waited on until STOPPED |
        | any other status this release knows | returns at once: the version is not hosted |
        | a status this release does not know | waited on, until the timeout |

        Arguments and errors are those of ``start_and_wait`` (the version ARN
        alone, or the project's ARN and the version's name); the failure is
        ``ModelStopError``.

        Returns:
            The description that showed the version not hosted (STOPPED, or
            the status it already had).
        """
        target, name = _version(project_arn, version_name)
        options = WaitOptions.of(timeout=timeout, backoff=backoff, on_status=on_status, on_delay=on_delay)
        self._transport.check_open()
        return await self._hosting.stop_and_wait(await self._hosting.locate(target), name, options)

    # -- detecting labels ----------------------------------------------------------------

    async def detect_custom_labels(
        self,
        project_version_arn: str,
        image: bytes | S3Object,
        *,
        max_results: int | None = None,
        min_confidence: float | None = None,
    ) -> tuple[CustomLabel, ...]:
        """The custom labels a RUNNING model version finds in an image (DetectCustomLabels).

        One request. Throttling (``ProvisionedThroughputExceededException``:
        more requests than the version's inference units serve) is retried by
        botocore, as ``DEFAULT_CONFIG`` sets: up to 5 attempts in all, with
        backoff, before ``ThrottlingError``. For a load
        test that must see every refusal, create the client with
        ``config=AioConfig(retries={"mode": "standard", "total_max_attempts": 1})``.

        Example:
            ```python
            labels = await client.detect_custom_labels(version_arn, image_bytes, min_confidence=70)
            for label in labels:
                print(label.name, label.confidence, label.geometry)
            ```

        Args:
            project_version_arn: The model version; it must be RUNNING.
            image: The image's bytes (JPEG or PNG, 1 byte to 5 MiB; a
                ``bytearray`` or ``memoryview`` is copied), or an ``S3Object``
                with its bucket and name (and, optionally, version).
            max_results: The most labels returned, highest confidence first;
                the service's default (all) when ``None``.
            min_confidence: The lowest confidence, 0 to 100, of the labels
                returned; when ``None``, the service's default, the model's
                own threshold.

        Returns:
            The labels found; empty when none. An object label has a
            ``geometry``; an image-level label has none.

        Raises:
            InvalidRequestError: A bad argument (not a version ARN, an image
                of no bytes or over 5 MiB, an S3Object without bucket or name,
                an option out of range); nothing was sent.
            ResourceNotReadyError: The version is not RUNNING.
            ResourceNotFoundError: No such version.
            ImageTooLargeError: The image is too large for the service.
            InvalidImageFormatError: The image is not a format the service reads.
            InvalidS3ObjectError: The S3 object cannot be read.
            ThrottlingError: Throttled (``ProvisionedThroughputExceededException``), after botocore's retries.
        """
        version, checked_image = _version_arn(project_version_arn), check_image(image)
        return await self._detection.detect(
            version,
            checked_image,
            max_results=check_max_results(max_results),
            min_confidence=check_min_confidence(min_confidence),
        )

    # -- auto-scaling at work ----------------------------------------------------------

    async def inference_units(
        self,
        project_arn: str,
        version_name: str,
        *,
        start: datetime,
        end: datetime | None = None,
        period: int = 60,
    ) -> list[InferenceUnitsSample]:
        """A version's inference units over a time, as CloudWatch publishes them.

        How many units are in service, and what auto-scaling wants, is not in
        DescribeProjectVersions: the service publishes it only as CloudWatch
        metrics (namespace ``AWS/Rekognition``, dimensions ``ProjectName`` and
        ``VersionName``), for models trained and started after August 2022.
        One GetMetricData request (paginated) asks for the four metrics,
        statistic Average, through the client's CloudWatch client.

        Example:
            ```python
            since = datetime.now(UTC) - timedelta(hours=3)
            for sample in await client.inference_units(project_arn, "v3", start=since):
                print(sample.timestamp, sample.in_service, sample.desired)
            ```

        Args:
            project_arn: The project.
            version_name: The version's name.
            start: The start of the time, timezone-aware (inclusive).
            end: Its end, timezone-aware (exclusive); now by default.
            period: Seconds each sample averages: 60 or a multiple of 60 (or
                1, 5, 10, 20, 30, which these minute-by-minute metrics leave empty).

        Returns:
            The samples, oldest first; a period without any datapoint is
            absent (gaps stay gaps), and a metric without one is ``None``.

        Raises:
            InvalidRequestError: A bad argument (start not before end, a
                period CloudWatch refuses); nothing was sent.
            ConfigurationError: No CloudWatch client (see ``cloudwatch=``).
            ServiceError: CloudWatch's error, as the library's class of its
                meaning (``AccessDenied``: ``AccessDeniedError``;
                ``Throttling``: ``ThrottlingError``), with the request id.
        """
        project, name, checked_period = (
            _project_arn(project_arn),
            check_name(version_name),
            check_period(period),
        )
        begin, finish = check_window(start, end, self._metrics.now())
        return await self._metrics.series(project, name, start=begin, end=finish, period=checked_period)

    async def units_in_service(self, project_arn: str, version_name: str) -> InferenceUnitsSample | None:
        """The latest minute's inference units of a version, if it has units in service.

        Looks at the last five minutes of ``inference_units()``, period 60.

        Returns:
            The latest sample with an ``in_service`` value, or ``None`` when the
            version published none lately: stopped, still starting, or trained
            before August 2022 (which publish no such metrics).

        Raises:
            InvalidRequestError: A bad argument; nothing was sent.
            ConfigurationError: No CloudWatch client (see ``cloudwatch=``).
            ServiceError: CloudWatch's error, as ``inference_units()`` raises it.
        """
        return await self._metrics.latest(_project_arn(project_arn), check_name(version_name))
