"""The state and the rules of the fake Custom Labels service."""

from __future__ import annotations

import base64
import bisect
import hashlib
import hmac
import json
import math
import secrets
import threading
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Generic, overload

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._converters import converter
from .._models import (
    STARTABLE_STATUSES,
    CustomizationFeature,
    ProjectVersionDescription,
    ProjectVersionStatus,
)
from .._rules import (
    MAX_INFERENCE_UNITS,
    MAX_PAGE_SIZE,
    MAX_TOKEN_LENGTH,
    MAX_VERSION_NAMES,
    is_name,
    is_page_size,
    is_token,
    is_units,
)
from ._clock import Clock, ClockT_co, StepClock, VirtualClock
from ._faults import FaultPlan
from ._metrics import UnitsHistory, UnitsMinute

__all__ = ["FakeCustomLabels", "FakeServiceError", "RecordedRequest"]

S = ProjectVersionStatus

#: The operations the fake serves.
OPERATIONS = ("DescribeProjects", "DescribeProjectVersions", "StartProjectVersion", "StopProjectVersion")

_BUSY = frozenset(
    {S.STARTING, S.RUNNING, S.STOPPING, S.TRAINING_IN_PROGRESS, S.COPYING_IN_PROGRESS, S.DELETING}
)
_HOLDING_UNITS = frozenset({S.STARTING, S.RUNNING})

_MESSAGES = {
    S.STARTING: "The model is being started.",
    S.RUNNING: "The model is running.",
    S.STOPPING: "The model is being stopped.",
    S.STOPPED: "The model is stopped.",
    S.TRAINING_COMPLETED: "The model is trained and ready to start.",
}


class FakeServiceError(Exception):
    """An error answer of the fake service, as the wire carries it.

    Attributes:
        code: The service error code, sent as ``__type``.
        message: The message, sent as ``message``.
        status: The HTTP status: 400, or 500 for server errors.
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def _invalid(message: str) -> FakeServiceError:
    return FakeServiceError("InvalidParameterException", message)


@attrs.frozen(kw_only=True)
class RecordedRequest:
    """One request the fake received.

    Attributes:
        operation: The operation, such as ``"StartProjectVersion"``.
        params: The request's JSON members, as sent.
        at: The fake clock's time when it arrived.
    """

    operation: str
    params: Mapping[str, Any]
    at: float


@attrs.define(kw_only=True)
class _Version:
    arn: ProjectVersionArn
    name: str
    created_ms: int
    description: ProjectVersionDescription
    wire: dict[str, Any]
    status: ProjectVersionStatus
    status_message: str | None
    min_units: int | None
    max_units: int | None
    start_seconds: float | None
    stop_seconds: float | None
    fail_next_start: str | None = None
    # (when, status, message): the transition the service will make by itself.
    pending: tuple[float, ProjectVersionStatus, str | None] | None = None

    @property
    def key(self) -> tuple[int, str]:
        # Sorting ascending on this key lists newest first; names are unique in a project.
        return (-self.created_ms, self.name)


@attrs.define(kw_only=True)
class _Project:
    arn: ProjectArn
    name: str
    created_ms: int
    feature: CustomizationFeature
    wire: dict[str, Any]
    versions: dict[str, _Version] = attrs.Factory(dict)
    keys: list[tuple[int, str]] = attrs.Factory(list)
    by_key: dict[tuple[int, str], _Version] = attrs.Factory(dict)

    @property
    def key(self) -> tuple[int, str]:
        # As for versions: ascending on this key lists newest first; names are unique.
        return (-self.created_ms, self.name)


def _project_wire(arn: ProjectArn, feature: CustomizationFeature) -> dict[str, Any]:
    """A project as DescribeProjects sends it: created, with a training and a test dataset."""
    created = arn.creation_timestamp / 1000
    prefix = arn.rsplit("/", 1)[0]
    datasets = [
        {
            "CreationTimestamp": created + 60 * (index + 1),
            "DatasetType": kind,
            "DatasetArn": f"{prefix}/dataset/{kind.lower()}/{arn.creation_timestamp + 60_000 * (index + 1)}",
            "Status": "CREATE_COMPLETE",
            "StatusMessage": "The dataset was created successfully.",
            "StatusMessageCode": "SUCCESS",
        }
        for index, kind in enumerate(("TRAIN", "TEST"))
    ]
    wire: dict[str, Any] = {
        "ProjectArn": str(arn),
        "CreationTimestamp": created,
        "Status": "CREATED",
        "Feature": feature.value,
    }
    if feature is CustomizationFeature.CUSTOM_LABELS:
        wire["Datasets"] = datasets
    else:
        # Adapters have no datasets of this kind, and follow base model updates unless told not to.
        wire["AutoUpdate"] = "ENABLED"
    return wire


def _wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _wire_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire_value(v) for v in value]
    return value


def populated_description(
    arn: ProjectVersionArn, created: datetime, *, bucket: str = "custom-labels-console"
) -> ProjectVersionDescription:
    """A description with every member a trained Custom Labels model has.

    Written as the service sends it, members by their wire names, and
    structured by the library's own converter.
    """
    project, version = arn.project_name, arn.version_name
    out = f"output/{project}/{version}"

    def s3(name: str, **extra: str) -> dict[str, Any]:
        return {"S3Object": {"Bucket": bucket, "Name": name, **extra}}

    def assets(kind: str, **extra: Any) -> dict[str, Any]:
        manifest = s3(f"datasets/{project}/{kind}.manifest", Version="1")
        return {"Assets": [{"GroundTruthManifest": manifest}], **extra}

    def data(kind: str, **extra: Any) -> dict[str, Any]:
        return {
            "Input": assets(kind, **extra),
            "Output": assets(f"{kind}-output", **extra),
            "Validation": assets(f"{kind}-validation"),
        }

    wire = {
        "ProjectVersionArn": arn,
        "CreationTimestamp": created,
        "BillableTrainingTimeInSeconds": 3600 + len(version),
        "TrainingEndTimestamp": datetime.fromtimestamp(created.timestamp() + 3600, UTC),
        "OutputConfig": {"S3Bucket": bucket, "S3KeyPrefix": f"{out}/"},
        "TrainingDataResult": data("train"),
        "TestingDataResult": data("test", AutoCreate=False),
        "EvaluationResult": {
            # crc32, not hash(): str hashes are salted per process, and a fake's
            # descriptions should read the same in every run.
            "F1Score": 0.9 + (zlib.crc32(version.encode()) % 90) / 1000,
            "Summary": s3(f"{out}/EvaluationResultSummary.json"),
        },
        "ManifestSummary": s3(f"{out}/ManifestSummary.json"),
        "VersionDescription": f"Version {version} of {project}",
        "Feature": "CUSTOM_LABELS",
    }
    return converter.structure(wire, ProjectVersionDescription)


class FakeCustomLabels(Generic[ClockT_co]):
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

    Attributes:
        faults: The faults to inject into the answers: see ``FaultPlan``.
        start_seconds: How long a start takes, for versions without their own.
        stop_seconds: How long a stop takes, for versions without their own.
        inference_unit_quota: As given; may be changed at any time.
        token_ttl: As given; may be changed at any time.
        scale_up_seconds: As given; may be changed at any time.
        scale_down_seconds: As given; may be changed at any time.
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
    ) -> None:
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
        self.faults: FaultPlan = FaultPlan()
        self._requests: list[RecordedRequest] = []
        self._projects: dict[str, _Project] = {}
        self._versions: dict[str, tuple[_Project, _Version]] = {}
        self._lock = threading.RLock()
        self._secret = secrets.token_bytes(16)
        self._last_ms = 0
        self._units = UnitsHistory()

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
            self._projects[arn] = _Project(
                arn=arn, name=name, created_ms=created_ms, feature=feature, wire=_project_wire(arn, feature)
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
        """
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
            version = _Version(
                arn=arn,
                name=version_name,
                created_ms=created_ms,
                description=base,
                wire=_wire_value(converter.unstructure(base)),
                status=status,
                status_message=status_message if status_message is not None else _MESSAGES.get(status),
                min_units=min_inference_units,
                max_units=max_inference_units,
                start_seconds=start_seconds,
                stop_seconds=stop_seconds,
            )
            project.versions[version_name] = version
            bisect.insort(project.keys, version.key)
            project.by_key[version.key] = version
            self._versions[arn] = (project, version)
            self._hosting(version, self.clock.now(), status)
            return arn

    def set_status(self, version_arn: str, status: ProjectVersionStatus, message: str | None = None) -> None:
        """Put a version in ``status`` now, cancelling any change under way."""
        with self._lock:
            version = self._version(version_arn)
            version.status = status
            version.status_message = message if message is not None else _MESSAGES.get(status)
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

    def set_demand(self, version_arn: str, units: float) -> None:
        """From now on, the demand on this version is ``units`` inference units.

        While the version is RUNNING with a MaxInferenceUnits, its desired
        units follow ``clamp(ceil(units), min, max)``, and its units in
        service follow desired after ``scale_up_seconds`` (up) or
        ``scale_down_seconds`` (down). The demand is the traffic's, not the
        version's: it stays set across stops and starts. Before any call it
        is 0.

        Raises:
            KeyError: The fake has no such version.
            ValueError: ``units`` is negative or not finite.
        """
        if not math.isfinite(units) or units < 0:
            msg = f"demand must be a finite number of units >= 0, not {units}"
            raise ValueError(msg)
        with self._lock:
            version = self._version(version_arn)
            self._units.record_demand(_key(version), self.clock.now(), float(units))

    def published_units(
        self, version_arn: str, *, start: float | None = None, end: float | None = None
    ) -> list[UnitsMinute]:
        """The minutes at which this version published its inference-unit metrics, oldest first.

        What CloudWatch's ``GetMetricData`` serves, one minute at a time:
        each whole minute in [start, end) (epoch seconds; by default from the
        beginning to now) that the fake clock has passed.

        Raises:
            KeyError: The fake has no such version.
        """
        with self._lock:
            key = _key(self._version(version_arn))
            now = self.clock.now()
        return self.published_by_name(
            *key, start=-math.inf if start is None else start, end=now if end is None else min(end, now)
        )

    def published_by_name(
        self, project_name: str, version_name: str, *, start: float, end: float
    ) -> list[UnitsMinute]:
        """Like ``published_units``, by the metrics' dimensions, and ``end`` is not capped at now.

        Unknown names publish nothing, as in CloudWatch.
        """
        return self._units.published(
            (project_name, version_name),
            start=start,
            end=end,
            up=self.scale_up_seconds,
            down=self.scale_down_seconds,
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

    def _project(self, arn: str) -> _Project:
        project = self._projects.get(arn)
        if project is None:
            msg = f"no project {arn}"
            raise KeyError(msg)
        return project

    def _version(self, arn: str) -> _Version:
        found = self._versions.get(arn)
        if found is None:
            msg = f"no version {arn}"
            raise KeyError(msg)
        return found[1]

    def _hosting(self, version: _Version, at: float, status: ProjectVersionStatus) -> None:
        """Note a status the version is in from ``at`` on, for the metrics it publishes."""
        self._units.record_status(_key(version), at, status, version.min_units, version.max_units)

    def _settle(self, version: _Version) -> None:
        if version.pending is not None and version.pending[0] <= self.clock.now():
            _, version.status, version.status_message = version.pending
            version.pending = None

    def _render(self, version: _Version) -> dict[str, Any]:
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
        raise FakeServiceError("UnknownOperationException", f"The fake does not serve {operation}.")

    def _describe_project_versions(self, params: Mapping[str, Any]) -> dict[str, Any]:
        project_arn = _arn_param(params, "ProjectArn", ProjectArn, required=True)
        page_size = params.get("MaxResults", MAX_PAGE_SIZE)
        if type(page_size) is int and not is_page_size(page_size):
            # The model's own words: "If you specify a value greater than 100, a
            # ValidationException error occurs." Below 1 is assumed alike.
            raise FakeServiceError(
                "ValidationException",
                f"1 validation error detected: Value '{page_size}' at 'maxResults' failed to satisfy "
                f"constraint: Member must have value between 1 and {MAX_PAGE_SIZE}",
            )
        if not is_page_size(page_size):
            raise _invalid(
                f"1 validation error detected: Value '{page_size}' at 'maxResults' failed to satisfy "
                f"constraint: Member must have value between 1 and {MAX_PAGE_SIZE}"
            )
        names = params.get("VersionNames")
        if names is not None:
            if not isinstance(names, list) or not 1 <= len(names) <= MAX_VERSION_NAMES:
                raise _invalid(f"VersionNames must hold 1 to {MAX_VERSION_NAMES} names.")
            for name in names:
                if not is_name(name):
                    raise _invalid(f"Invalid version name: {name!r}.")
        token = params.get("NextToken")
        if token is not None and not is_token(token):
            raise _invalid(f"NextToken must be 1 to {MAX_TOKEN_LENGTH} characters.")
        project = self._projects.get(project_arn)
        if project is None:
            raise FakeServiceError("ResourceNotFoundException", "The requested resource could not be found.")

        filter_key = ",".join(sorted(set(names))) if names else ""
        after = self._read_token(token, project_arn, filter_key) if token else None
        if names:
            keys = sorted(project.versions[n].key for n in set(names) if n in project.versions)
            start = bisect.bisect_right(keys, after) if after else 0
        else:
            keys = project.keys
            start = bisect.bisect_right(keys, after) if after else 0
        chosen = keys[start : start + page_size]
        result: dict[str, Any] = {
            "ProjectVersionDescriptions": [self._render(project.by_key[k]) for k in chosen]
        }
        if start + page_size < len(keys):
            result["NextToken"] = self._make_token(project_arn, filter_key, chosen[-1])
        return result

    def _describe_projects(self, params: Mapping[str, Any]) -> dict[str, Any]:
        page_size = params.get("MaxResults", MAX_PAGE_SIZE)
        if not is_page_size(page_size):
            # The model's own words: "a value greater than 100 ... a ValidationException error occurs".
            raise FakeServiceError(
                "ValidationException",
                f"1 validation error detected: Value '{page_size}' at 'maxResults' failed to satisfy "
                f"constraint: Member must have value less than or equal to {MAX_PAGE_SIZE}",
            )
        names = params.get("ProjectNames")
        if names is not None and (
            not isinstance(names, list)
            or not 1 <= len(names) <= MAX_VERSION_NAMES
            or not all(is_name(name) for name in names)
        ):
            raise _invalid(f"ProjectNames must hold 1 to {MAX_VERSION_NAMES} valid project names.")
        features = params.get("Features", [CustomizationFeature.CUSTOM_LABELS.value])
        known = {feature.value for feature in CustomizationFeature}
        if (
            not isinstance(features, list)
            or not 1 <= len(features) <= len(known)
            or not set(features) <= known
        ):
            raise _invalid(f"Features must hold 1 to {len(known)} of {', '.join(sorted(known))}.")
        token = params.get("NextToken")
        if token is not None and not is_token(token):
            raise _invalid(f"NextToken must be 1 to {MAX_TOKEN_LENGTH} characters.")
        filter_key = ",".join(sorted(set(names or []))) + "|" + ",".join(sorted(set(features)))
        after = self._read_token(token, "projects", filter_key) if token else None
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
        page = chosen[:page_size]
        result: dict[str, Any] = {"ProjectDescriptions": [dict(p.wire) for p in page]}
        if len(chosen) > page_size:
            result["NextToken"] = self._make_token("projects", filter_key, page[-1].key)
        return result

    def _start_project_version(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = _arn_param(params, "ProjectVersionArn", ProjectVersionArn, required=True)
        low = _units_param(params, "MinInferenceUnits", required=True)
        high = _units_param(params, "MaxInferenceUnits", required=False)
        if low is None:  # pragma: no cover - required above
            raise _invalid("MinInferenceUnits is required.")
        if high is not None and high < low:
            raise _invalid("MaxInferenceUnits must be greater than or equal to MinInferenceUnits.")
        found = self._versions.get(arn)
        if found is None:
            raise FakeServiceError("ResourceNotFoundException", "The requested resource could not be found.")
        version = found[1]
        self._settle(version)
        if version.status in _BUSY:
            raise FakeServiceError(
                "ResourceInUseException",
                f"The model version is {version.status.value} and cannot be started.",
            )
        if version.status not in STARTABLE_STATUSES:
            raise _invalid(f"A model version in status {version.status.value} cannot be started.")
        if self.inference_unit_quota is not None:
            now = self.clock.now()
            held = sum(
                self._units.held(_key(other), at=now, up=self.scale_up_seconds, down=self.scale_down_seconds)
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
        version.status, version.status_message = S.STARTING, _MESSAGES[S.STARTING]
        delay = version.start_seconds if version.start_seconds is not None else self.start_seconds
        if version.fail_next_start is not None:
            version.pending = (self.clock.now() + delay, S.FAILED, version.fail_next_start)
            version.fail_next_start = None
        else:
            version.pending = (self.clock.now() + delay, S.RUNNING, _MESSAGES[S.RUNNING])
        self._hosting(version, self.clock.now(), S.STARTING)
        self._hosting(version, version.pending[0], version.pending[1])
        return {"Status": S.STARTING.value}

    def _stop_project_version(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = _arn_param(params, "ProjectVersionArn", ProjectVersionArn, required=True)
        found = self._versions.get(arn)
        if found is None:
            raise FakeServiceError("ResourceNotFoundException", "The requested resource could not be found.")
        version = found[1]
        self._settle(version)
        if version.status is S.STOPPING:
            raise FakeServiceError("ResourceInUseException", "The model version is already stopping.")
        if version.status not in _HOLDING_UNITS:
            raise _invalid(f"A model version in status {version.status.value} cannot be stopped.")
        version.status, version.status_message = S.STOPPING, _MESSAGES[S.STOPPING]
        delay = version.stop_seconds if version.stop_seconds is not None else self.stop_seconds
        version.pending = (self.clock.now() + delay, S.STOPPED, _MESSAGES[S.STOPPED])
        self._hosting(version, self.clock.now(), S.STOPPING)
        self._hosting(version, version.pending[0], S.STOPPED)
        return {"Status": S.STOPPING.value}

    # -- pagination tokens -----------------------------------------------------

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()[:32]

    def _make_token(self, project_arn: str, filter_key: str, last: tuple[int, str]) -> str:
        # A digest of the project and filter, not the text: tokens stay under 1024 characters.
        scope = hashlib.sha256(f"{project_arn}|{filter_key}".encode()).hexdigest()[:16]
        body = json.dumps(
            {"s": scope, "k": list(last), "t": self.clock.now()}, separators=(",", ":")
        ).encode()
        return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + self._sign(body)

    def _read_token(self, token: str, project_arn: str, filter_key: str) -> tuple[int, str]:
        bad = FakeServiceError("InvalidPaginationTokenException", "Invalid pagination token.")
        encoded, _, signature = token.partition(".")
        try:
            body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            raise bad from None
        # compare_digest raises TypeError on non-ASCII text, which a forged token may hold.
        if not signature.isascii() or not hmac.compare_digest(signature, self._sign(body)):
            raise bad
        data = json.loads(body)
        if data["s"] != hashlib.sha256(f"{project_arn}|{filter_key}".encode()).hexdigest()[:16]:
            raise bad
        if self.clock.now() - data["t"] > self.token_ttl:
            raise FakeServiceError("InvalidPaginationTokenException", "The pagination token has expired.")
        created, arn = data["k"]
        return (int(created), str(arn))


def _key(version: _Version) -> tuple[str, str]:
    """How CloudWatch names a version: its ProjectName and VersionName dimensions."""
    return (version.arn.project_name, version.name)


def _arn_param(
    params: Mapping[str, Any], member: str, kind: type[ProjectArn | ProjectVersionArn], *, required: bool
) -> str:
    value = params.get(member)
    if value is None:
        if required:
            raise _invalid(
                f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
                "Member must not be null"
            )
        return ""
    try:
        return str(kind.parse(value))
    except (ValueError, TypeError):
        raise _invalid(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern"
        ) from None


def _units_param(params: Mapping[str, Any], member: str, *, required: bool) -> int | None:
    value = params.get(member)
    if value is None:
        if required:
            raise _invalid(f"{member} is required.")
        return None
    if not is_units(value):
        raise _invalid(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must be an integer between 1 and {MAX_INFERENCE_UNITS}"
        )
    return value  # type: ignore[no-any-return]
