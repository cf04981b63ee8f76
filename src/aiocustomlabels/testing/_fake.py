"""The fake Custom Labels service: its state, its rules, and the faults scripted into its answers.

What it keeps (projects, versions and their lifecycle, the requests received,
S3 objects, signed pagination tokens), and how it checks each request's members
as the service does, with the library's ``_rules`` predicates: the message texts
follow the service's where AWS shows them, and are assumed elsewhere
(docs/testing.md). What a version does with its inference units is in
``_inference``; the wire protocols that reach the fake are in ``_wire``.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import math
import secrets
import threading
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypedDict, TypeVar, Unpack, overload

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._converters import converter
from .._models import (
    HOSTED_STATUSES,
    STARTABLE_STATUSES,
    CustomizationFeature,
    CustomLabel,
    ProjectVersionDescription,
    ProjectVersionStatus,
)
from .._rules import (
    IMAGE_BYTES,
    MAX_CONFIDENCE,
    MAX_INFERENCE_UNITS,
    MAX_PAGE_SIZE,
    MAX_TOKEN_LENGTH,
    MAX_VERSION_NAMES,
    MIN_CONFIDENCE,
    S3_IMAGE_BYTES,
    is_confidence,
    is_max_results,
    is_name,
    is_page_size,
    is_token,
    is_units,
)
from ._clock import Clock, ClockT_co, StepClock, VirtualClock
from ._inference import LabelBook, UnitsHistory, UnitsMinute, label_answer

__all__ = ["FakeCustomLabels", "FakeServiceError", "Fault", "FaultKind", "FaultPlan", "RecordedRequest"]

S = ProjectVersionStatus

# The statuses in which a start is refused as ResourceInUse: the version is busy.
_BUSY = HOSTED_STATUSES | {S.TRAINING_IN_PROGRESS, S.COPYING_IN_PROGRESS, S.DELETING}

MESSAGES = {
    S.STARTING: "The model is being started.",
    S.RUNNING: "The model is running.",
    S.STOPPING: "The model is being stopped.",
    S.STOPPED: "The model is stopped.",
    S.TRAINING_COMPLETED: "The model is trained and ready to start.",
}

#: JPEG and PNG, by their first bytes: the only formats the service reads.
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


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


def invalid(message: str) -> FakeServiceError:
    """The service's InvalidParameterException."""
    return FakeServiceError("InvalidParameterException", message)


def violation(
    member: str, value: object, constraint: str, code: str = "InvalidParameterException"
) -> FakeServiceError:
    """The service's answer to a member that breaks its model's constraint, in its words."""
    shown = "null" if value is None else f"'{value}'"
    return FakeServiceError(
        code,
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: "
        f"Member must {constraint}",
    )


def _not_found() -> FakeServiceError:
    return FakeServiceError("ResourceNotFoundException", "The requested resource could not be found.")


def _too_large(limit: range) -> FakeServiceError:
    return FakeServiceError(
        "ImageTooLargeException", f"The image is larger than the service accepts ({limit.stop - 1} bytes)."
    )


def check_tps(value: float | None) -> None:
    """Refuse a TPS per unit that is not a finite number above 0 (``None`` passes: not set)."""
    if value is not None and (isinstance(value, bool) or not math.isfinite(value) or value <= 0):
        msg = f"tps_per_unit must be a finite number above 0, not {value!r}"
        raise ValueError(msg)


def decode_image_bytes(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The request's members as the fake works on them: ``Image.Bytes`` as bytes, not base64.

    The wire carries blobs in base64; both faces decode here, so that
    ``FakeCustomLabels.call`` and the recorded requests hold the image's own
    bytes, as a boto3 caller passes them.

    Raises:
        FakeServiceError: ``SerializationException``: not base64 (assumed).
    """
    image = params.get("Image")
    if (
        operation != "DetectCustomLabels"
        or not isinstance(image, dict)
        or not isinstance(image.get("Bytes"), str)
    ):
        return params
    try:
        data = base64.b64decode(image["Bytes"], validate=True)
    except (binascii.Error, ValueError):
        raise FakeServiceError("SerializationException", "Image.Bytes is not valid base64.") from None
    return {**params, "Image": {**image, "Bytes": data}}


def _arn(params: Mapping[str, Any], member: str, kind: type[ProjectArn | ProjectVersionArn]) -> str:
    value = params.get(member)
    if value is None:
        raise violation(member, None, "not be null")
    try:
        return str(kind.parse(value))
    except (ValueError, TypeError):
        raise violation(member, value, "satisfy regular expression pattern") from None


def _units(params: Mapping[str, Any], member: str) -> int | None:
    value = params.get(member)
    if value is not None and not is_units(value):
        raise violation(member, value, f"be an integer between 1 and {MAX_INFERENCE_UNITS}")
    return value


def _token(params: Mapping[str, Any]) -> str | None:
    token = params.get("NextToken")
    if token is not None and not is_token(token):
        raise invalid(f"NextToken must be 1 to {MAX_TOKEN_LENGTH} characters.")
    return token


def _image(params: Mapping[str, Any]) -> bytes | tuple[str, str, str | None]:
    """The ``Image`` member, checked: its bytes, or the (bucket, name, version) of its S3 object."""
    image = params.get("Image")
    if not isinstance(image, Mapping):
        raise violation("image", None, "not be null")
    if ("Bytes" in image) == ("S3Object" in image):
        raise invalid("Image must hold exactly one of Bytes and S3Object.")
    if "Bytes" in image:
        data = image["Bytes"]
        if not isinstance(data, bytes | bytearray | memoryview):
            raise invalid("Image.Bytes must be bytes.")
        if len(data) >= IMAGE_BYTES.stop:
            raise _too_large(IMAGE_BYTES)
        if len(data) not in IMAGE_BYTES:
            raise invalid("Image.Bytes must hold at least 1 byte.")
        return bytes(data)
    s3 = image["S3Object"]
    bucket, name, version = (
        s3.get(k) if isinstance(s3, Mapping) else None for k in ("Bucket", "Name", "Version")
    )
    if not isinstance(bucket, str) or not bucket or not isinstance(name, str) or not name:
        raise invalid("Image.S3Object must name a Bucket and an object Name.")
    if version is not None and not isinstance(version, str):
        raise invalid("Image.S3Object.Version must be a string.")
    return (bucket, name, version)


def scope_digest(*parts: object) -> str:
    """A short digest of what a token continues: a digest, not the text, keeps tokens under 1024 characters."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()[:16]


class PageTokens:
    """Pagination tokens, Rekognition's and CloudWatch's alike: signed, so never forged.

    A token is its JSON payload, base64url-encoded, then a dot and an HMAC of
    the payload under a secret of the signer's. The payload binds the token to
    the request it continues (a digest of its scope), so a token cannot be
    replayed on another listing.
    """

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)

    def _sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()[:32]

    def make(self, payload: dict[str, Any]) -> str:
        """A token that carries ``payload`` (JSON values)."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + self._sign(body)

    def read(self, token: object) -> dict[str, Any] | None:
        """The payload of a token this signer made; ``None`` for anything else (malformed, forged)."""
        if not isinstance(token, str):
            return None
        encoded, _, signature = token.partition(".")
        try:
            body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            return None
        # compare_digest raises TypeError on non-ASCII text, which a forged token may hold.
        if not signature.isascii() or not hmac.compare_digest(signature, self._sign(body)):
            return None
        payload = json.loads(body)
        return payload if isinstance(payload, dict) else None


class FaultKind(enum.Enum):
    """What goes wrong."""

    #: An error response with a service error code, such as ``ThrottlingException``.
    ERROR = "error"
    #: The answer comes late by ``latency`` seconds; the call then proceeds.
    LATENCY = "latency"
    #: The body stops short of its declared length, and the connection closes.
    TRUNCATED = "truncated"
    #: A complete 200 response whose body is ``body`` (by default, not JSON).
    MALFORMED = "malformed"
    #: The connection closes before any answer.
    DROP = "drop"


@attrs.define(kw_only=True)
class Fault:
    """One scripted fault.

    Attributes:
        kind: What goes wrong.
        operation: The operation it applies to; ``None`` for every operation.
        remaining: How many more calls it applies to; ``None`` for every call.
        code: The error code, for ``ERROR``.
        message: The error message, for ``ERROR``.
        status: The HTTP status, for ``ERROR``.
        latency: The delay in seconds, for ``LATENCY``.
        body: The body sent, for ``MALFORMED``.
    """

    kind: FaultKind
    operation: str | None = None
    remaining: int | None = 1
    code: str = ""
    message: str = ""
    status: int = 400
    latency: float = 0.0
    body: bytes = b"<html><body>502 Bad Gateway</body></html>"


# Error codes answered with a 5xx status; everything else is the caller's 400.
# InternalServerError and ThrottlingException are server faults in the service
# model ("fault": true), and the API reference gives HTTP 500 for both.
_SERVER_STATUS = {"InternalServerError": 500, "ThrottlingException": 500, "ServiceUnavailableException": 503}


class FaultPlan:
    """The faults scripted for a fake service, consumed call by call.

    Every method returns the ``Fault`` it added, which ``remove()`` takes back.
    ``operation`` is an operation name such as ``"DescribeProjectVersions"``, or
    ``None`` for every operation; ``times`` is how many calls the fault applies
    to, or ``None`` for every call until it is removed.
    """

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        """Add a fault built by hand."""
        if fault.remaining is not None and fault.remaining < 1:
            msg = f"times must be at least 1 or None, not {fault.remaining}"
            raise ValueError(msg)
        with self._lock:
            self._faults.append(fault)
        return fault

    def error(
        self,
        code: str,
        operation: str | None = None,
        *,
        times: int | None = 1,
        message: str | None = None,
        status: int | None = None,
    ) -> Fault:
        """Answer with the service error ``code`` (HTTP 400; 500 for the model's server faults, 503 for ServiceUnavailable)."""
        return self.add(
            Fault(
                kind=FaultKind.ERROR,
                operation=operation,
                remaining=times,
                code=code,
                message=message if message is not None else f"Injected {code}.",
                status=status if status is not None else _SERVER_STATUS.get(code, 400),
            )
        )

    def throttle(
        self, operation: str | None = None, *, times: int | None = 1, code: str = "ThrottlingException"
    ) -> Fault:
        """Throttle the next ``times`` calls (``ThrottlingException`` or ``ProvisionedThroughputExceededException``)."""
        if code not in {"ThrottlingException", "ProvisionedThroughputExceededException"}:
            msg = f"not a throttling code: {code}"
            raise ValueError(msg)
        return self.error(code, operation, times=times, message="Slow down.")

    def server_error(
        self, operation: str | None = None, *, times: int | None = 1, status: int = 500
    ) -> Fault:
        """Answer with an ``InternalServerError`` and the HTTP status given (5xx)."""
        if not 500 <= status <= 599:  # noqa: PLR2004
            msg = f"a server error has a 5xx status, not {status}"
            raise ValueError(msg)
        return self.error("InternalServerError", operation, times=times, status=status)

    def latency(self, seconds: float, operation: str | None = None, *, times: int | None = None) -> Fault:
        """Delay answers by ``seconds``; by default every answer, until removed."""
        return self.add(Fault(kind=FaultKind.LATENCY, operation=operation, remaining=times, latency=seconds))

    def truncate(self, operation: str | None = None, *, times: int | None = 1) -> Fault:
        """Cut the body short of its declared length and close the connection."""
        return self.add(Fault(kind=FaultKind.TRUNCATED, operation=operation, remaining=times))

    def malformed(
        self, operation: str | None = None, *, times: int | None = 1, body: bytes | None = None
    ) -> Fault:
        """Answer 200 with ``body``: by default an HTML page, as a broken proxy would send."""
        fault = Fault(kind=FaultKind.MALFORMED, operation=operation, remaining=times)
        if body is not None:
            fault.body = body
        return self.add(fault)

    def drop(self, operation: str | None = None, *, times: int | None = 1) -> Fault:
        """Close the connection without answering."""
        return self.add(Fault(kind=FaultKind.DROP, operation=operation, remaining=times))

    def remove(self, fault: Fault) -> None:
        """Take back a fault; removing one already used up is not an error."""
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    def clear(self) -> None:
        """Take back every fault."""
        with self._lock:
            self._faults.clear()

    def take(self, operation: str) -> tuple[float, Fault | None]:
        """Consume what applies to one call: the total latency, and the first other fault."""
        delay = 0.0
        chosen: Fault | None = None
        with self._lock:
            for fault in list(self._faults):
                if fault.operation not in (None, operation):
                    continue
                if fault.kind is FaultKind.LATENCY:
                    delay += fault.latency
                elif chosen is None:
                    chosen = fault
                else:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
        return delay, chosen

    @property
    def pending(self) -> tuple[Fault, ...]:
        """The faults not yet used up, in the order they apply."""
        with self._lock:
            return tuple(self._faults)


@attrs.frozen(kw_only=True)
class RecordedRequest:
    """One request the fake received.

    Attributes:
        operation: The operation, such as ``"StartProjectVersion"``.
        params: The request's JSON members, as sent, but for
            DetectCustomLabels' ``Image.Bytes``: the image's bytes, decoded
            from the wire's base64.
        at: The fake clock's time when it arrived.
    """

    operation: str
    params: Mapping[str, Any]
    at: float


@attrs.define(kw_only=True)
class Version:
    """A model version as the fake keeps it: its description's wire form, and its lifecycle."""

    arn: ProjectVersionArn
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
        return (-self.arn.creation_timestamp, self.arn.version_name)

    @property
    def dimensions(self) -> tuple[str, str]:
        # How CloudWatch names the version: its ProjectName and VersionName.
        return (self.arn.project_name, self.arn.version_name)


@attrs.define(kw_only=True)
class Project:
    """A project as the fake keeps it, with its versions by name."""

    arn: ProjectArn
    feature: CustomizationFeature
    wire: dict[str, Any]
    versions: dict[str, Version] = attrs.Factory(dict)

    @property
    def key(self) -> tuple[int, str]:
        # As for versions: ascending on this key lists newest first; names are unique.
        return (-self.arn.creation_timestamp, self.arn.project_name)


_Listed = TypeVar("_Listed", Project, Version)


def project_wire(arn: ProjectArn, feature: CustomizationFeature) -> dict[str, Any]:
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


class _Options(TypedDict, total=False):
    """The constructor's arguments but its clock, for its overloads."""

    region: str
    account_id: str
    start_seconds: float
    stop_seconds: float
    inference_unit_quota: int | None
    token_ttl: float
    scale_up_seconds: float
    scale_down_seconds: float
    tps_per_unit: float


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
        self: FakeCustomLabels[VirtualClock], *, clock: None = None, **options: Unpack[_Options]
    ) -> None: ...

    @overload
    def __init__(self, *, clock: ClockT_co, **options: Unpack[_Options]) -> None: ...

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
        self._labels = LabelBook()
        # (bucket, name) -> [(version, data)], oldest first: the last put is the current one.
        self._objects: dict[tuple[str, str], list[tuple[str | None, bytes]]] = {}

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
            if any(p.arn.project_name == name for p in self._projects.values()):
                msg = f"project {name!r} exists"
                raise ValueError(msg)
            self._projects[arn] = Project(arn=arn, feature=feature, wire=project_wire(arn, feature))
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
            project = self._projects.get(project_arn)
            if project is None:
                msg = f"no project {project_arn}"
                raise KeyError(msg)
            if version_name in project.versions:
                msg = f"version {version_name!r} exists in {project.arn.project_name}"
                raise ValueError(msg)
            created_ms = self._timestamp_ms(created)
            arn = ProjectVersionArn.from_parts(
                project=project.arn, version_name=version_name, creation_timestamp=created_ms
            )
            when = datetime.fromtimestamp(created_ms / 1000, UTC)
            base = description if description is not None else populated_description(arn, when)
            # The status and the units are the version's own, kept apart from its description.
            kept_apart = ("status", "status_message", "min_inference_units", "max_inference_units")
            base = attrs.evolve(
                base, project_version_arn=arn, creation_timestamp=when, **dict.fromkeys(kept_apart)
            )
            version = Version(
                arn=arn,
                description=base,
                # Timestamps as the wire's epoch seconds.
                wire=json.loads(json.dumps(converter.unstructure(base), default=datetime.timestamp)),
                status=status,
                status_message=status_message if status_message is not None else MESSAGES.get(status),
                min_units=min_inference_units,
                max_units=max_inference_units,
                start_seconds=start_seconds,
                stop_seconds=stop_seconds,
            )
            project.versions[version_name] = version
            self._versions[arn] = (project, version)
            self._units.set_tps(version.dimensions, tps_per_unit)
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

    def put_object(self, bucket: str, name: str, data: bytes, *, version: str | None = None) -> None:
        """Store an S3 object that DetectCustomLabels can read as ``Image.S3Object``.

        A request that names no ``Version`` reads the object last put under
        the name. An object the fake does not hold is
        ``InvalidS3ObjectException``; one over 15 MiB is
        ``ImageTooLargeException`` (assumed: the limit the Rekognition guide
        gives for images in S3).

        Args:
            bucket: The bucket.
            name: The object's key.
            data: Its bytes.
            version: Its version ID, for requests that name one.
        """
        with self._lock:
            self._objects.setdefault((bucket, name), []).append((version, bytes(data)))

    def set_labels(
        self, version_arn: str, labels: Sequence[CustomLabel], *, image: bytes | None = None
    ) -> None:
        """From now on, the version finds ``labels`` in ``image``, or in any image.

        Labels set for an image win over those set for any image, which win
        over the labels derived from the image's SHA-256. An empty sequence
        finds none. Each request still filters them by its ``MinConfidence``
        and ``MaxResults``.

        Args:
            version_arn: The version.
            labels: What it finds, names and confidences set (0 to 100).
            image: The image they are found in; ``None`` for every image.

        Raises:
            KeyError: The fake has no such version.
            ValueError: A label has no name, or no confidence from 0 to 100.
        """
        with self._lock:
            self._version(version_arn)
            self._labels.set(version_arn, labels, image)

    def set_demand(self, version_arn: str, units: float | None) -> None:
        """From now on, the demand on this version is ``units`` inference units; ``None``: its load's.

        While the version is RUNNING with a MaxInferenceUnits, its desired
        units follow ``clamp(ceil(demand), min, max)``, and its units in
        service follow desired after ``scale_up_seconds`` (up) or
        ``scale_down_seconds`` (down). The demand is the traffic's, not the
        version's: it stays set across stops and starts.

        Without a demand set (before any call, or after ``set_demand(arn,
        None)``), the demand is the load's: the DetectCustomLabels requests
        the version received in the last 60 seconds, served or throttled, per
        second, divided by its TPS per unit (assumed; see docs/testing.md). A
        number set here overrides the load until it is set to ``None`` again.

        Raises:
            KeyError: The fake has no such version.
            ValueError: ``units`` is negative or not finite.
        """
        if units is not None and (not math.isfinite(units) or units < 0):
            msg = f"demand must be a finite number of units >= 0, not {units}"
            raise ValueError(msg)
        with self._lock:
            key = self._version(version_arn).dimensions
            self._units.record_demand(key, self._clock.now(), None if units is None else float(units))

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
            key = self._version(version_arn).dimensions
            now = self._clock.now()
        return self.published_by_name(
            *key, start=-math.inf if start is None else start, end=now if end is None else min(end, now)
        )

    def published_by_name(
        self, project_name: str, version_name: str, *, start: float, end: float
    ) -> list[UnitsMinute]:
        """Like ``published_units``, by the metrics' dimensions, and ``end`` is not capped at now.

        Unknown names publish nothing, as in CloudWatch.
        """
        with self._lock:
            return self._units.published(
                (project_name, version_name), start=start, end=end, **self._scaling()
            )

    # -- internals -------------------------------------------------------------

    def _version(self, arn: str) -> Version:
        found = self._versions.get(arn)
        if found is None:
            msg = f"no version {arn}"
            raise KeyError(msg)
        return found[1]

    def _scaling(self) -> dict[str, float]:
        return {"up": self.scale_up_seconds, "down": self.scale_down_seconds, "tps": self.tps_per_unit}

    def _hosting(self, version: Version, at: float, status: ProjectVersionStatus) -> None:
        """Note a status the version is in from ``at`` on, for the metrics it publishes."""
        self._units.record_status(version.dimensions, at, status, version.min_units, version.max_units)

    def _settle(self, version: Version) -> None:
        if version.pending is not None and version.pending[0] <= self.clock.now():
            _, version.status, version.status_message = version.pending
            version.pending = None

    def _target(self, params: Mapping[str, Any]) -> Version:
        """The version a request names (``ProjectVersionArn``, checked), its status settled."""
        found = self._versions.get(_arn(params, "ProjectVersionArn", ProjectVersionArn))
        if found is None:
            raise _not_found()
        self._settle(found[1])
        return found[1]

    def _paginate(
        self, items: Iterable[_Listed], token: str | None, page_size: int, *scope: str
    ) -> tuple[list[_Listed], dict[str, Any]]:
        """One page of ``items``, in listing order after the key the NextToken carries, and the next token."""
        items = sorted(items, key=lambda item: item.key)
        digest = scope_digest(*scope)
        if token is not None:
            data = self._tokens.read(token)
            if data is None or data["s"] != digest:
                raise FakeServiceError("InvalidPaginationTokenException", "Invalid pagination token.")
            if self.clock.now() - data["t"] > self.token_ttl:
                raise FakeServiceError("InvalidPaginationTokenException", "The pagination token has expired.")
            after = (int(data["k"][0]), str(data["k"][1]))
            items = [item for item in items if item.key > after]
        page = items[:page_size]
        if len(items) <= page_size:
            return page, {}
        return page, {
            "NextToken": self._tokens.make({"s": digest, "k": list(page[-1].key), "t": self.clock.now()})
        }

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
        handler = {
            "DescribeProjectVersions": self._describe_project_versions,
            "DescribeProjects": self._describe_projects,
            "StartProjectVersion": self._start_project_version,
            "StopProjectVersion": self._stop_project_version,
            "DetectCustomLabels": self._detect_custom_labels,
        }.get(operation)
        if handler is None:
            raise FakeServiceError("UnknownOperationException", f"The fake does not serve {operation}.")
        with self._lock:
            return handler(params)

    def _describe_project_versions(self, params: Mapping[str, Any]) -> dict[str, Any]:
        project_arn = _arn(params, "ProjectArn", ProjectArn)
        page_size = params.get("MaxResults", MAX_PAGE_SIZE)
        if not is_page_size(page_size):
            # The model's own words: "If you specify a value greater than 100, a
            # ValidationException error occurs." Below 1 is assumed alike; not a number, invalid.
            code = "ValidationException" if type(page_size) is int else "InvalidParameterException"
            raise violation("maxResults", page_size, f"have value between 1 and {MAX_PAGE_SIZE}", code)
        names = params.get("VersionNames")
        if names is not None:
            if not isinstance(names, list) or not 1 <= len(names) <= MAX_VERSION_NAMES:
                raise invalid(f"VersionNames must hold 1 to {MAX_VERSION_NAMES} names.")
            for name in names:
                if not is_name(name):
                    raise invalid(f"Invalid version name: {name!r}.")
        token = _token(params)
        project = self._projects.get(project_arn)
        if project is None:
            raise _not_found()
        filter_key = ",".join(sorted(set(names))) if names else ""
        versions = (v for v in project.versions.values() if not names or v.arn.version_name in names)
        page, more = self._paginate(versions, token, page_size, project_arn, filter_key)
        return {"ProjectVersionDescriptions": [self._render(version) for version in page], **more}

    def _describe_projects(self, params: Mapping[str, Any]) -> dict[str, Any]:
        page_size = params.get("MaxResults", MAX_PAGE_SIZE)
        if not is_page_size(page_size):
            # The model's own words: "a value greater than 100 ... a ValidationException error occurs".
            raise violation(
                "maxResults",
                page_size,
                f"have value less than or equal to {MAX_PAGE_SIZE}",
                "ValidationException",
            )
        names = params.get("ProjectNames")
        if names is not None and (
            not isinstance(names, list)
            or not 1 <= len(names) <= MAX_VERSION_NAMES
            or not all(is_name(name) for name in names)
        ):
            raise invalid(f"ProjectNames must hold 1 to {MAX_VERSION_NAMES} valid project names.")
        features = params.get("Features", [CustomizationFeature.CUSTOM_LABELS.value])
        known = {feature.value for feature in CustomizationFeature}
        if (
            not isinstance(features, list)
            or not 1 <= len(features) <= len(known)
            or not set(features) <= known
        ):
            raise invalid(f"Features must hold 1 to {len(known)} of {', '.join(sorted(known))}.")
        filter_key = ",".join(sorted(set(names or []))) + "|" + ",".join(sorted(set(features)))
        projects = (
            p
            for p in self._projects.values()
            if p.feature.value in features and (names is None or p.arn.project_name in names)
        )
        page, more = self._paginate(projects, _token(params), page_size, "projects", filter_key)
        return {"ProjectDescriptions": [dict(p.wire) for p in page], **more}

    def _detect_custom_labels(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """DetectCustomLabels, its checks in the order docs/testing.md gives (assumed).

        The request's members, then the version (unknown: ResourceNotFoundException;
        not RUNNING: ResourceNotReadyException), then the image (its S3 object, its
        size, its format), then capacity. A request that reaches the capacity check
        counts towards the version's load, served or throttled.
        """
        _arn(params, "ProjectVersionArn", ProjectVersionArn)
        image = _image(params)
        min_confidence = params.get("MinConfidence")
        if min_confidence is not None and not is_confidence(min_confidence):
            between = f"have value between {MIN_CONFIDENCE:g} and {MAX_CONFIDENCE:g}"
            raise violation("minConfidence", min_confidence, between)
        max_results = params.get("MaxResults")
        if max_results is not None and not is_max_results(max_results):
            raise violation("maxResults", max_results, "be an integer greater than or equal to 0")
        version = self._target(params)
        if version.status is not S.RUNNING:
            raise FakeServiceError(
                "ResourceNotReadyException",
                f"The model version is {version.status.value}, not RUNNING: it serves no requests.",
            )
        if not isinstance(image, bytes):
            bucket, name, wanted = image
            found = [
                data for v, data in self._objects.get((bucket, name), []) if wanted is None or v == wanted
            ]
            if not found:
                raise FakeServiceError(
                    "InvalidS3ObjectException",
                    "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
                )
            image = found[-1]
            if len(image) >= S3_IMAGE_BYTES.stop:
                raise _too_large(S3_IMAGE_BYTES)
        if not image.startswith(_MAGIC):
            raise FakeServiceError(
                "InvalidImageFormatException", "Request has unsupported image format: not JPEG or PNG."
            )
        if not self._units.admit(version.dimensions, at=self.clock.now(), **self._scaling()):
            raise FakeServiceError(
                "ProvisionedThroughputExceededException",
                "The number of requests exceeded your throughput limit.",
            )
        labels = self._labels.labels(version.arn, image)
        return label_answer(labels, min_confidence=min_confidence, max_results=max_results)

    def _start_project_version(self, params: Mapping[str, Any]) -> dict[str, Any]:
        _arn(params, "ProjectVersionArn", ProjectVersionArn)
        low = _units(params, "MinInferenceUnits")
        if low is None:
            raise invalid("MinInferenceUnits is required.")
        high = _units(params, "MaxInferenceUnits")
        if high is not None and high < low:
            raise invalid("MaxInferenceUnits must be greater than or equal to MinInferenceUnits.")
        version = self._target(params)
        if version.status in _BUSY:
            raise FakeServiceError(
                "ResourceInUseException",
                f"The model version is {version.status.value} and cannot be started.",
            )
        if version.status not in STARTABLE_STATUSES:
            raise invalid(f"A model version in status {version.status.value} cannot be started.")
        now = self.clock.now()
        if self.inference_unit_quota is not None:
            held = sum(
                self._units.held(other.dimensions, at=now, **self._scaling())
                for _, other in self._versions.values()
                if other is not version
            )
            if held + low > self.inference_unit_quota:
                raise FakeServiceError(
                    "LimitExceededException",
                    f"Starting needs {low} inference units; {held} of {self.inference_unit_quota} are in use.",
                )
        version.min_units, version.max_units = low, high
        delay = version.start_seconds if version.start_seconds is not None else self.start_seconds
        failure, version.fail_next_start = version.fail_next_start, None
        outcome = (S.FAILED, failure) if failure is not None else (S.RUNNING, MESSAGES[S.RUNNING])
        return self._begin(version, S.STARTING, now, (now + delay, *outcome))

    def _stop_project_version(self, params: Mapping[str, Any]) -> dict[str, Any]:
        version = self._target(params)
        if version.status is S.STOPPING:
            raise FakeServiceError("ResourceInUseException", "The model version is already stopping.")
        if version.status not in HOSTED_STATUSES:
            raise invalid(f"A model version in status {version.status.value} cannot be stopped.")
        delay = version.stop_seconds if version.stop_seconds is not None else self.stop_seconds
        now = self.clock.now()
        return self._begin(version, S.STOPPING, now, (now + delay, S.STOPPED, MESSAGES[S.STOPPED]))

    def _begin(
        self,
        version: Version,
        status: ProjectVersionStatus,
        now: float,
        then: tuple[float, ProjectVersionStatus, str],
    ) -> dict[str, Any]:
        """Put the version in ``status`` now, and in ``then``'s status at its time: a start's or a stop's answer."""
        version.status, version.status_message, version.pending = status, MESSAGES[status], then
        self._hosting(version, now, status)
        self._hosting(version, then[0], then[1])
        return {"Status": status.value}
