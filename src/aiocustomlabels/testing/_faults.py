"""Faults the fake service injects, scripted per operation."""

from __future__ import annotations

import enum
import threading

import attrs

__all__ = ["Fault", "FaultKind", "FaultPlan"]


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
                self._use(fault)
        return delay, chosen

    def _use(self, fault: Fault) -> None:
        if fault.remaining is None:
            return
        fault.remaining -= 1
        if fault.remaining == 0:
            self._faults.remove(fault)

    @property
    def pending(self) -> tuple[Fault, ...]:
        """The faults not yet used up, in the order they apply."""
        with self._lock:
            return tuple(self._faults)
