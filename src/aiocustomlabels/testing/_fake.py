"""The state of the fake Custom Labels service: its projects, versions, their lifecycle and requests.

How it checks requests is in ``_validation``; its tokens in ``_tokens``;
what its versions say of themselves in ``_descriptions``.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Generic, overload

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._converters import converter
from .._models import (
    HOSTED_STATUSES,
    STARTABLE_STATUSES,
    CustomizationFeature,
    ProjectVersionDescription,
    ProjectVersionStatus,
)
from ._clock import Clock, ClockT_co, StepClock, VirtualClock
from ._descriptions import populated_description, project_wire, wire_value
from ._detection import Detection, DetectionScene, check_tps, detect_request
from ._faults import FaultPlan
from ._metrics import UnitsHistory
from ._records import MESSAGES, Project, RecordedRequest, Version, metric_key
from ._scaling import ScalingScene
from ._tokens import PageTokens
from ._validation import (
    FakeServiceError,
    invalid,
    not_found,
    projects_query,
    start_request,
    version_arn,
    versions_query,
)

__all__ = ["FakeCustomLabels", "FakeServiceError", "RecordedRequest"]

S = ProjectVersionStatus

# The statuses in which a start is refused as ResourceInUse: the version is busy.
_BUSY = HOSTED_STATUSES | {S.TRAINING_IN_PROGRESS, S.COPYING_IN_PROGRESS, S.DELETING}


class FakeCustomLabels(ScalingScene, DetectionScene, Generic[ClockT_co]):
    """An in-memory Custom Labels service: projects, model versions and their lifecycle.

    Status changes happen by themselves as the clock moves: a started version is
    STARTING, then RUNNING (or FAILED, when told to fail) ``start_seconds``
    later; a stopped one is STOPPING, then STOPPED ``stop_seconds`` later. The
    service's validation, errors and pagination are reproduced; see
    ``docs/testing.md`` for the full list. The fake is thread-safe, so a
    loopback emulator in one thread and a test in another can share it.

    The class is generic in its clock, so that the type checker knows what
    ``clock`` is: ``FakeCustomLabels()`` is a ``FakeCustomLabels[VirtualClock]``,
    whose ``fake.clock.advance(900)`` type-checks; a plain
    ``FakeCustomLabels`` annotation accepts a fake on any clock.

    Args:
        region: The region in the ARNs the fake makes.
        account_id: The account in the ARNs the fake makes.
        clock: Where time comes from; a ``VirtualClock`` by default.
        start_seconds: How long a start takes.
        stop_seconds: How long a stop takes.
        inference_unit_quota: The most inference units that may be held at
            once: a start is refused when the units other versions hold now
            (in service; a STARTING version holds its MinInferenceUnits) plus
            its own MinInferenceUnits exceed it; ``None`` for no limit.
        token_ttl: How long, in fake seconds, a pagination token stays valid.
        scale_up_seconds: How long demand must call for more units before they
            are in service (see ``set_demand``).
        scale_down_seconds: How long demand must call for fewer units before
            the extra ones leave service.
        tps_per_unit: The DetectCustomLabels requests a second one inference
            unit serves (assumed: AWS publishes no figure): a RUNNING version
            serves this many per unit in service, with a burst of one
            second's worth, and throttles the rest; its load, in units, is
            its requests a second over the last minute divided by this.

    Attributes:
        faults: The faults to inject into the answers: see ``FaultPlan``.
        start_seconds: How long a start takes, for versions without their own.
        stop_seconds: How long a stop takes, for versions without their own.
        inference_unit_quota: As given; may be changed at any time.
        token_ttl: As given; may be changed at any time.
        scale_up_seconds: As given; may be changed at any time.
        scale_down_seconds: As given; may be changed at any time.
        tps_per_unit: As given; may be changed at any time, for versions
            without their own.
    """

    @overload
    def __init__(
        self: FakeCustomLabels[VirtualClock],
        *,
        region: str = ...,
        account_id: str = ...,
        clock: None = None,
        start_seconds: float = ...,
        stop_seconds: float = ...,
        inference_unit_quota: int | None = ...,
        token_ttl: float = ...,
        scale_up_seconds: float = ...,
        scale_down_seconds: float = ...,
        tps_per_unit: float = ...,
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        region: str = ...,
        account_id: str = ...,
        clock: ClockT_co,
        start_seconds: float = ...,
        stop_seconds: float = ...,
        inference_unit_quota: int | None = ...,
        token_ttl: float = ...,
        scale_up_seconds: float = ...,
        scale_down_seconds: float = ...,
        tps_per_unit: float = ...,
    ) -> None: ...

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "111122223333",
        clock: Clock | None = None,
        start_seconds: float = 600.0,
        stop_seconds: float = 60.0,
        inference_unit_quota: int | None = None,
        token_ttl: float = 24 * 3600.0,
        scale_up_seconds: float = 300.0,
        scale_down_seconds: float = 900.0,
        tps_per_unit: float = 5.0,
    ) -> None:
        check_tps(tps_per_unit)
        self.region = region
        self.account_id = account_id
        # Without a clock, ClockT_co is VirtualClock (the first overload): this is one.
        self._clock: ClockT_co = clock if clock is not None else VirtualClock()  # type: ignore[assignment]
        self.start_seconds = start_seconds
        self.stop_seconds = stop_seconds
        self.inference_unit_quota = inference_unit_quota
        self.token_ttl = token_ttl
        self.scale_up_seconds = scale_up_seconds
        self.scale_down_seconds = scale_down_seconds
        self.tps_per_unit = tps_per_unit
        self.faults: FaultPlan = FaultPlan()
        self._requests: list[RecordedRequest] = []
        self._projects: dict[str, Project] = {}
        self._versions: dict[str, tuple[Project, Version]] = {}
        self._lock = threading.RLock()
        self._tokens = PageTokens()
        self._last_ms = 0
        self._units = UnitsHistory()
        self._detection = Detection(self._units)

    @property
    def clock(self) -> ClockT_co:
        """The clock the fake's time comes from, as given (a ``VirtualClock`` by default)."""
        return self._clock

    def now(self) -> datetime:
        """The fake's time now, an aware UTC ``datetime``: the clock's, as a client's "now".

        Hand it to the client (``CustomLabelsClient.create(clock=fake.now)``) so
        that "the last few minutes" of CloudWatch metrics are the fake's.
        """
        return datetime.fromtimestamp(self._clock.now(), UTC)

    # -- setting the scene -------------------------------------------------

    def _timestamp_ms(self, created: datetime | None) -> int:
        if created is not None:
            return int(created.timestamp() * 1000)
        # Distinct and increasing, like the service's creation times.
        ms = max(int(self.clock.now() * 1000), self._last_ms + 1)
        self._last_ms = ms
        return ms

    def add_project(
        self,
        name: str,
        *,
        created: datetime | None = None,
        feature: CustomizationFeature = CustomizationFeature.CUSTOM_LABELS,
    ) -> ProjectArn:
        """Create a project, with a training and a test dataset, and return its ARN.

        Args:
            name: The project's name.
            created: Its creation time; the clock's now by default.
            feature: What it customizes: DescribeProjects lists CUSTOM_LABELS
                projects unless asked for others.

        Raises:
            ValueError: The name is not a valid project name, or is taken.
        """
        with self._lock:
            created_ms = self._timestamp_ms(created)
            arn = ProjectArn.from_parts(
                region=self.region,
                account_id=self.account_id,
                project_name=name,
                creation_timestamp=created_ms,
            )
            if any(p.name == name for p in self._projects.values()):
                msg = f"project {name!r} exists"
                raise ValueError(msg)
            self._projects[arn] = Project(
                arn=arn, name=name, created_ms=created_ms, feature=feature, wire=project_wire(arn, feature)
            )
            return arn

    def add_version(
        self,
        project_arn: str,
        version_name: str,
        *,
        status: ProjectVersionStatus = S.TRAINING_COMPLETED,
        status_message: str | None = None,
        created: datetime | None = None,
        description: ProjectVersionDescription | None = None,
        min_inference_units: int | None = None,
        max_inference_units: int | None = None,
        start_seconds: float | None = None,
        stop_seconds: float | None = None,
        tps_per_unit: float | None = None,
    ) -> ProjectVersionArn:
        """Add a model version in any status and return its ARN.

        Args:
            project_arn: A project made by ``add_project``.
            version_name: The name of the version.
            status: Its status now.
            status_message: Its status message; a fitting one by default.
            created: Its creation time; the clock's now by default.
            description: The other members of its description; a fully
                populated trained model by default. Its ARN, creation time,
                status and inference units are the fake's.
            min_inference_units: The units it reports, as if started before.
            max_inference_units: Likewise, for auto-scaling.
            start_seconds: How long a start takes for this version.
            stop_seconds: How long a stop takes for this version.
            tps_per_unit: This version's TPS per unit; the fake's by default.
        """
        check_tps(tps_per_unit)
        with self._lock:
            project = self._project(project_arn)
            if version_name in project.versions:
                msg = f"version {version_name!r} exists in {project.name}"
                raise ValueError(msg)
            created_ms = self._timestamp_ms(created)
            arn = ProjectVersionArn.from_parts(
                project=project.arn, version_name=version_name, creation_timestamp=created_ms
            )
            when = datetime.fromtimestamp(created_ms / 1000, UTC)
            base = description if description is not None else populated_description(arn, when)
            base = attrs.evolve(
                base,
                project_version_arn=arn,
                creation_timestamp=when,
                status=None,
                status_message=None,
                min_inference_units=None,
                max_inference_units=None,
            )
            version = Version(
                arn=arn,
                name=version_name,
                created_ms=created_ms,
                description=base,
                wire=wire_value(converter.unstructure(base)),
                status=status,
                status_message=status_message if status_message is not None else MESSAGES.get(status),
                min_units=min_inference_units,
                max_units=max_inference_units,
                start_seconds=start_seconds,
                stop_seconds=stop_seconds,
            )
            project.versions[version_name] = version
            bisect.insort(project.keys, version.key)
            project.by_key[version.key] = version
            self._versions[arn] = (project, version)
            self._units.set_tps(metric_key(version), tps_per_unit)
            self._hosting(version, self.clock.now(), status)
            return arn

    def set_status(self, version_arn: str, status: ProjectVersionStatus, message: str | None = None) -> None:
        """Put a version in ``status`` now, cancelling any change under way."""
        with self._lock:
            version = self._version(version_arn)
            version.status = status
            version.status_message = message if message is not None else MESSAGES.get(status)
            version.pending = None
            self._hosting(version, self.clock.now(), status)

    def fail_next_start(self, version_arn: str, message: str = "The model failed to start.") -> None:
        """Make the next start of this version end in FAILED with ``message`` as its StatusMessage."""
        with self._lock:
            self._version(version_arn).fail_next_start = message

    def describe(self, version_arn: str) -> ProjectVersionDescription:
        """The version's description as the service would report it now."""
        with self._lock:
            version = self._version(version_arn)
            self._settle(version)
            return attrs.evolve(
                version.description,
                status=version.status,
                status_message=version.status_message,
                min_inference_units=version.min_units,
                max_inference_units=version.max_units,
            )

    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        """Every request received so far, oldest first."""
        with self._lock:
            return tuple(self._requests)

    def requests_for(self, operation: str) -> tuple[RecordedRequest, ...]:
        """The requests received for one operation, oldest first."""
        return tuple(r for r in self.requests if r.operation == operation)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._requests.clear()

    # -- internals -------------------------------------------------------------

    def _project(self, arn: str) -> Project:
        project = self._projects.get(arn)
        if project is None:
            msg = f"no project {arn}"
            raise KeyError(msg)
        return project

    def _version(self, arn: str) -> Version:
        found = self._versions.get(arn)
        if found is None:
            msg = f"no version {arn}"
            raise KeyError(msg)
        return found[1]

    def _hosting(self, version: Version, at: float, status: ProjectVersionStatus) -> None:
        """Note a status the version is in from ``at`` on, for the metrics it publishes."""
        self._units.record_status(metric_key(version), at, status, version.min_units, version.max_units)

    def _settle(self, version: Version) -> None:
        if version.pending is not None and version.pending[0] <= self.clock.now():
            _, version.status, version.status_message = version.pending
            version.pending = None

    def _read_token(self, token: str | None, scope: str, filter_key: str) -> tuple[int, str] | None:
        if token is None:
            return None
        return self._tokens.read_listing(token, scope, filter_key, now=self.clock.now(), ttl=self.token_ttl)

    def _render(self, version: Version) -> dict[str, Any]:
        self._settle(version)
        wire = dict(version.wire)
        wire["Status"] = version.status.value
        if version.status_message is not None:
            wire["StatusMessage"] = version.status_message
        if version.min_units is not None:
            wire["MinInferenceUnits"] = version.min_units
        if version.max_units is not None:
            wire["MaxInferenceUnits"] = version.max_units
        return wire

    # -- operations ------------------------------------------------------------

    def record(self, operation: str, params: Mapping[str, Any]) -> None:
        """Note a request as received; the transports call this before any fault.

        On a ``StepClock``, the clock moves one step first: the request arrives at the new time.
        """
        if isinstance(self._clock, StepClock):
            self._clock.on_request()
        with self._lock:
            self._requests.append(
                RecordedRequest(operation=operation, params=dict(params), at=self.clock.now())
            )

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Run one operation as the service would, and return its response members.

        Neither faults nor recording happen here: the transports (in-process
        and loopback) record each request and apply faults around this call,
        as the service's front end and the network would.

        Raises:
            FakeServiceError: The service's error answer.
        """
        with self._lock:
            if operation == "DescribeProjectVersions":
                return self._describe_project_versions(params)
            if operation == "DescribeProjects":
                return self._describe_projects(params)
            if operation == "StartProjectVersion":
                return self._start_project_version(params)
            if operation == "StopProjectVersion":
                return self._stop_project_version(params)
            if operation == "DetectCustomLabels":
                return self._detect_custom_labels(params)
        raise FakeServiceError("UnknownOperationException", f"The fake does not serve {operation}.")

    def _describe_project_versions(self, params: Mapping[str, Any]) -> dict[str, Any]:
        query = versions_query(params)
        project = self._projects.get(query.project_arn)
        if project is None:
            raise not_found()
        names = query.names
        filter_key = ",".join(sorted(set(names))) if names else ""
        after = self._read_token(query.token, query.project_arn, filter_key)
        keys = (
            sorted(project.versions[n].key for n in set(names) if n in project.versions)
            if names
            else project.keys
        )
        start = bisect.bisect_right(keys, after) if after else 0
        chosen = keys[start : start + query.page_size]
        result: dict[str, Any] = {
            "ProjectVersionDescriptions": [self._render(project.by_key[k]) for k in chosen]
        }
        if start + query.page_size < len(keys):
            result["NextToken"] = self._tokens.make_listing(
                query.project_arn, filter_key, chosen[-1], self.clock.now()
            )
        return result

    def _describe_projects(self, params: Mapping[str, Any]) -> dict[str, Any]:
        query = projects_query(params)
        names, features = query.names, query.features
        filter_key = ",".join(sorted(set(names or []))) + "|" + ",".join(sorted(set(features)))
        after = self._read_token(query.token, "projects", filter_key)
        chosen = sorted(
            (
                p
                for p in self._projects.values()
                if p.feature.value in features and (names is None or p.name in names)
            ),
            key=lambda p: p.key,
        )
        if after is not None:
            chosen = [p for p in chosen if p.key > after]
        page = chosen[: query.page_size]
        result: dict[str, Any] = {"ProjectDescriptions": [dict(p.wire) for p in page]}
        if len(chosen) > query.page_size:
            result["NextToken"] = self._tokens.make_listing(
                "projects", filter_key, page[-1].key, self.clock.now()
            )
        return result

    def _detect_custom_labels(self, params: Mapping[str, Any]) -> dict[str, Any]:
        request = detect_request(params)
        found = self._versions.get(request.arn)
        if found is None:
            raise not_found()
        self._settle(found[1])
        now, up, down = self.clock.now(), self.scale_up_seconds, self.scale_down_seconds
        return self._detection.detect(request, found[1], now=now, tps=self.tps_per_unit, up=up, down=down)

    def _start_project_version(self, params: Mapping[str, Any]) -> dict[str, Any]:
        request = start_request(params)
        low, high = request.low, request.high
        found = self._versions.get(request.arn)
        if found is None:
            raise not_found()
        version = found[1]
        self._settle(version)
        if version.status in _BUSY:
            raise FakeServiceError(
                "ResourceInUseException",
                f"The model version is {version.status.value} and cannot be started.",
            )
        if version.status not in STARTABLE_STATUSES:
            raise invalid(f"A model version in status {version.status.value} cannot be started.")
        if self.inference_unit_quota is not None:
            now = self.clock.now()
            held = sum(
                self._units.held(
                    metric_key(other),
                    at=now,
                    up=self.scale_up_seconds,
                    down=self.scale_down_seconds,
                    tps=self.tps_per_unit,
                )
                for _, other in self._versions.values()
                if other is not version
            )
            if held + low > self.inference_unit_quota:
                raise FakeServiceError(
                    "LimitExceededException",
                    f"Starting needs {low} inference units; {held} of "
                    f"{self.inference_unit_quota} are in use.",
                )
        version.min_units, version.max_units = low, high
        version.status, version.status_message = S.STARTING, MESSAGES[S.STARTING]
        delay = version.start_seconds if version.start_seconds is not None else self.start_seconds
        if version.fail_next_start is not None:
            version.pending = (self.clock.now() + delay, S.FAILED, version.fail_next_start)
            version.fail_next_start = None
        else:
            version.pending = (self.clock.now() + delay, S.RUNNING, MESSAGES[S.RUNNING])
        self._hosting(version, self.clock.now(), S.STARTING)
        self._hosting(version, version.pending[0], version.pending[1])
        return {"Status": S.STARTING.value}

    def _stop_project_version(self, params: Mapping[str, Any]) -> dict[str, Any]:
        found = self._versions.get(version_arn(params))
        if found is None:
            raise not_found()
        version = found[1]
        self._settle(version)
        if version.status is S.STOPPING:
            raise FakeServiceError("ResourceInUseException", "The model version is already stopping.")
        if version.status not in HOSTED_STATUSES:
            raise invalid(f"A model version in status {version.status.value} cannot be stopped.")
        version.status, version.status_message = S.STOPPING, MESSAGES[S.STOPPING]
        delay = version.stop_seconds if version.stop_seconds is not None else self.stop_seconds
        version.pending = (self.clock.now() + delay, S.STOPPED, MESSAGES[S.STOPPED])
        self._hosting(version, self.clock.now(), S.STOPPING)
        self._hosting(version, version.pending[0], S.STOPPED)
        return {"Status": S.STOPPING.value}
