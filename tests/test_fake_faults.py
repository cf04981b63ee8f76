"""Faults the fake injects: errors, throttling, latency, bad bodies and broken connections."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels.testing import (
    Emulator,
    FakeCustomLabels,
    Fault,
    FaultKind,
    FaultPlan,
    LoopClock,
    ThreadedEmulator,
)
from aiocustomlabels.testing._wire import CONTENT_TYPE, TARGET_PREFIX
from tests._fake_support import (
    DESCRIBE,
    NO_RETRIES,
    START,
    STOP,
    Scene,
    in_process_client,
    loopback_client,
    make_scene,
)
from tests._harness import run_fast


def retrying(attempts: int) -> Config:
    """The standard retry mode of botocore, with ``attempts`` attempts in all."""
    return Config(retries={"mode": "standard", "total_max_attempts": attempts})


def describe_in_process(scene: Scene, config: Config) -> dict[str, Any]:
    """One DescribeProjectVersions through aiobotocore and the in-process face, on virtual time."""

    async def main() -> dict[str, Any]:
        async with in_process_client(scene.fake, config) as client:
            return dict(await client.describe_project_versions(ProjectArn=scene.project))

    return run_fast(main())


def codes(scene: Scene, calls: int) -> list[str]:
    """The error codes of ``calls`` DescribeProjectVersions through the wire ("" for a success)."""
    return [scene.call().code for _ in range(calls)]


# -- retried faults, in-process on virtual time -------------------------------------


@pytest.mark.parametrize("times", [1, 2, 3])
@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_throttled_then_success(scene: Scene, times: int, code: str) -> None:
    """Throttled N times, then answered: botocore reports N RetryAttempts and the fake N + 1 requests."""
    scene.fake.faults.throttle(DESCRIBE, times=times, code=code)
    response = describe_in_process(scene, retrying(times + 1))
    assert response["ResponseMetadata"]["RetryAttempts"] == times
    assert len(response["ProjectVersionDescriptions"]) == 3
    assert len(scene.fake.requests_for(DESCRIBE)) == times + 1
    assert scene.fake.faults.pending == ()


@pytest.mark.parametrize(
    ("inject", "config", "code", "status", "requests"),
    [
        pytest.param(
            lambda p: p.throttle(DESCRIBE, times=5),
            retrying(3),
            "ThrottlingException",
            500,
            3,
            id="past-the-attempts",
        ),
        pytest.param(
            lambda p: p.throttle(DESCRIBE), NO_RETRIES, "ThrottlingException", 500, 1, id="no-retries"
        ),
        pytest.param(
            lambda p: p.server_error(DESCRIBE, status=503),
            NO_RETRIES,
            "InternalServerError",
            503,
            1,
            id="server-error-503",
        ),
    ],
)
def test_a_fault_past_the_attempts_is_the_error(
    scene: Scene, inject: Callable[[FaultPlan], Fault], config: Config, code: str, status: int, requests: int
) -> None:
    """A fault on every attempt botocore makes (one with NO_RETRIES) is the error, with its code and HTTP status."""
    inject(scene.fake.faults)
    with pytest.raises(ClientError) as caught:
        describe_in_process(scene, config)
    response = caught.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)
    assert response["ResponseMetadata"]["RetryAttempts"] == requests - 1
    assert len(scene.fake.requests_for(DESCRIBE)) == requests


RETRIED: list[tuple[str, Callable[[FaultPlan], Fault]]] = [
    ("throttle", lambda plan: plan.throttle()),
    ("server-error-500", lambda plan: plan.server_error()),
    ("server-error-503", lambda plan: plan.server_error(status=503)),
    ("drop", lambda plan: plan.drop()),
    ("truncate", lambda plan: plan.truncate()),
]


@pytest.mark.parametrize("inject", [f for _, f in RETRIED], ids=[n for n, _ in RETRIED])
def test_transient_fault_is_retried_in_process(scene: Scene, inject: Callable[[FaultPlan], Fault]) -> None:
    """Each transient fault, once, then success: one retry in botocore, two requests at the fake."""
    inject(scene.fake.faults)
    response = describe_in_process(scene, retrying(3))
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(response["ProjectVersionDescriptions"]) == 3
    assert len(scene.fake.requests_for(DESCRIBE)) == 2


def test_max_attempts_counts_retries_only(scene: Scene) -> None:
    """Config(retries={"max_attempts": 1}) still retries once: botocore counts retries there, hence NO_RETRIES."""
    scene.fake.faults.throttle(DESCRIBE)
    response = describe_in_process(scene, Config(retries={"mode": "standard", "max_attempts": 1}))
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(scene.fake.requests_for(DESCRIBE)) == 2


# -- latency -------------------------------------------------------------------------


@pytest.mark.parametrize(("latency", "expected"), [(30.0, 30.0), (None, 0.0)], ids=["latency-30", "none"])
def test_latency_is_applied_in_virtual_time(latency: float | None, expected: float) -> None:
    """latency(30): the answer comes 30 virtual seconds after the request arrived; without it, at once."""
    clock = LoopClock()
    scene = make_scene(FakeCustomLabels(clock=clock), 1)
    if latency is not None:
        scene.fake.faults.latency(latency, DESCRIBE)

    async def main() -> float:
        async with in_process_client(scene.fake, NO_RETRIES) as client:
            await client.describe_project_versions(ProjectArn=scene.project)
            return clock.now()

    answered = run_fast(main())
    (request,) = scene.fake.requests_for(DESCRIBE)
    assert answered - request.at == pytest.approx(expected, abs=0.01)


def test_latencies_add_up(scene: Scene) -> None:
    """Two latency faults on a call delay it by their sum."""
    scene.fake.faults.latency(1.5)
    scene.fake.faults.latency(2.0, DESCRIBE)
    answer = scene.call()
    assert (answer.status, answer.reply.delay) == (200, 3.5)


def test_latency_stays_until_removed(scene: Scene) -> None:
    """A latency fault with the default times applies to every call, until remove()."""
    fault = scene.fake.faults.latency(5.0)
    delays = [scene.call().reply.delay for _ in range(3)]
    scene.fake.faults.remove(fault)
    delays.append(scene.call().reply.delay)
    assert delays == [5.0, 5.0, 5.0, 0.0]


def test_latency_does_not_take_the_place_of_another_fault(scene: Scene) -> None:
    """A latency fault and an error fault on one call: the answer is the error, late."""
    scene.fake.faults.latency(2.0, times=1)
    scene.fake.faults.error("AccessDeniedException")
    answer = scene.call()
    assert (answer.code, answer.reply.delay) == ("AccessDeniedException", 2.0)
    assert scene.fake.faults.pending == ()


# -- bad bodies and broken connections --------------------------------------------------


@pytest.mark.parametrize("body", [None, b'{"ProjectVersionDescriptions": 7}'], ids=["default", "given"])
def test_malformed_body_is_sent_as_a_200(scene: Scene, body: bytes | None) -> None:
    """malformed(): a 200 whose body is the one given, by default the HTML a broken proxy sends; recorded."""
    fault = scene.fake.faults.malformed(DESCRIBE, body=body)
    reply = scene.call().reply
    assert (reply.status, reply.body) == (200, body or fault.body)
    assert body is not None or reply.body.startswith(b"<html>")
    assert len(scene.fake.requests_for(DESCRIBE)) == 1


def test_botocore_reads_a_malformed_body_as_no_descriptions(scene: Scene) -> None:
    """Given the HTML body with a 200, aiobotocore returns no ProjectVersionDescriptions."""
    scene.fake.faults.malformed(DESCRIBE)
    response = describe_in_process(scene, NO_RETRIES)
    assert "ProjectVersionDescriptions" not in response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert len(scene.fake.requests_for(DESCRIBE)) == 1


def raw_loopback_describe(scene: Scene) -> bytes:
    """POST one DescribeProjectVersions to a loopback emulator and read the body with http.client."""
    with ThreadedEmulator(scene.fake) as emulator:
        port = int(emulator.endpoint_url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(
                "POST",
                "/",
                body=json.dumps(scene.params(DESCRIBE)).encode(),
                headers={"X-Amz-Target": f"{TARGET_PREFIX}{DESCRIBE}", "Content-Type": CONTENT_TYPE},
            )
            return connection.getresponse().read()
        finally:
            connection.close()


def test_truncated_body_is_short_of_its_length_over_loopback(scene: Scene) -> None:
    """truncate(): over real HTTP, the body stops halfway through Content-Length and the connection closes."""
    scene.fake.faults.truncate()
    with pytest.raises(http.client.IncompleteRead) as caught:
        raw_loopback_describe(scene)
    partial, missing = len(caught.value.partial), caught.value.expected
    assert partial > 0
    assert missing in {partial, partial + 1}


def test_dropped_connection_over_loopback(scene: Scene) -> None:
    """drop(): over real HTTP, the connection closes with no answer at all."""
    scene.fake.faults.drop()
    with pytest.raises(http.client.RemoteDisconnected):
        raw_loopback_describe(scene)
    assert len(scene.fake.requests_for(DESCRIBE)) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["truncate", "drop"])
async def test_broken_answer_is_retried_over_loopback(scene: Scene, kind: str) -> None:
    """A truncated body or dropped connection over loopback: botocore retries, and succeeds."""
    getattr(scene.fake.faults, kind)(DESCRIBE)
    async with (
        Emulator(scene.fake) as emulator,
        loopback_client(emulator.endpoint_url, retrying(3)) as client,
    ):
        response = await client.describe_project_versions(ProjectArn=scene.project)
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(response["ProjectVersionDescriptions"]) == 3
    assert len(scene.fake.requests_for(DESCRIBE)) == 2


# -- how faults are scripted ----------------------------------------------------------


def test_persistent_fault_stays_until_removed(scene: Scene) -> None:
    """times=None: every call fails until remove(), then calls succeed."""
    fault = scene.fake.faults.error("AccessDeniedException", DESCRIBE, times=None)
    seen = codes(scene, 4)
    scene.fake.faults.remove(fault)
    seen += codes(scene, 1)
    assert seen == ["AccessDeniedException"] * 4 + [""]
    assert len(scene.fake.requests_for(DESCRIBE)) == 5


def test_counted_fault_is_used_up(scene: Scene) -> None:
    """times=2: two calls fail, the third succeeds, and the plan is empty."""
    scene.fake.faults.error("AccessDeniedException", times=2)
    assert codes(scene, 3) == ["AccessDeniedException", "AccessDeniedException", ""]
    assert scene.fake.faults.pending == ()


@pytest.mark.parametrize(
    ("faulted", "other"),
    [(START, DESCRIBE), (DESCRIBE, START), (STOP, START), (START, STOP)],
)
def test_operation_fault_spares_other_operations(scene: Scene, faulted: str, other: str) -> None:
    """A fault for one operation leaves the others alone and stays pending for its own."""
    if other == STOP:
        scene.fake.set_status(scene.versions[0], ProjectVersionStatus.RUNNING)
    fault = scene.fake.faults.throttle(faulted)
    assert scene.call(other).status == 200
    assert scene.fake.faults.pending == (fault,)
    assert [r.operation for r in scene.fake.requests] == [other]


@pytest.mark.parametrize("operation", [DESCRIBE, START, STOP])
def test_operation_fault_hits_its_operation(scene: Scene, operation: str) -> None:
    """A fault for an operation hits that operation and is used up."""
    scene.fake.faults.throttle(operation)
    assert scene.call(operation).code == "ThrottlingException"
    assert scene.fake.faults.pending == ()


def test_faulted_start_changes_nothing(scene: Scene) -> None:
    """A StartProjectVersion answered by a fault does not start the version."""
    scene.fake.faults.throttle(START)
    scene.call(START)
    assert scene.fake.describe(scene.versions[0]).status is ProjectVersionStatus.TRAINING_COMPLETED


def test_faults_apply_in_the_order_added(scene: Scene) -> None:
    """Two error faults: the first call gets the first, the second call the second."""
    scene.fake.faults.error("AccessDeniedException")
    scene.fake.faults.throttle()
    assert codes(scene, 3) == ["AccessDeniedException", "ThrottlingException", ""]


def test_faulted_requests_are_recorded(scene: Scene) -> None:
    """A request answered by a fault is recorded with its parameters, like any other."""
    scene.fake.faults.error("AccessDeniedException")
    scene.call()
    assert [(r.operation, r.params) for r in scene.fake.requests] == [(DESCRIBE, scene.params(DESCRIBE))]


def test_clear_takes_back_every_fault(scene: Scene) -> None:
    """clear() empties the plan and calls succeed again, on time."""
    scene.fake.faults.error("AccessDeniedException", times=None)
    scene.fake.faults.latency(3.0)
    scene.fake.faults.clear()
    answer = scene.call()
    assert (answer.code, answer.reply.delay) == ("", 0.0)


def test_removing_a_used_up_fault_is_harmless(scene: Scene) -> None:
    """remove() of a fault that has already applied does nothing."""
    fault = scene.fake.faults.throttle()
    scene.call()
    scene.fake.faults.remove(fault)
    assert scene.fake.faults.pending == ()


BAD_FAULTS: list[tuple[str, Callable[[FaultPlan], Fault], str]] = [
    ("times-0", lambda plan: plan.error("AccessDeniedException", times=0), "at least 1"),
    ("times-negative", lambda plan: plan.throttle(times=-1), "at least 1"),
    ("not-throttling", lambda plan: plan.throttle(code="AccessDeniedException"), "not a throttling code"),
    ("status-404", lambda plan: plan.server_error(status=404), "5xx"),
    ("status-600", lambda plan: plan.server_error(status=600), "5xx"),
]


@pytest.mark.parametrize(
    ("make", "match"), [(m, t) for _, m, t in BAD_FAULTS], ids=[n for n, _, _ in BAD_FAULTS]
)
def test_bad_fault_is_refused(make: Callable[[FaultPlan], Fault], match: str) -> None:
    """A fault that cannot be is refused when added, and nothing is added."""
    plan = FaultPlan()
    with pytest.raises(ValueError, match=match):
        make(plan)
    assert plan.pending == ()


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AccessDeniedException", 400),
        ("ThrottlingException", 500),
        ("InternalServerError", 500),
        ("ServiceUnavailableException", 503),
    ],
)
def test_error_fault_status_follows_the_code(code: str, status: int) -> None:
    """error(code) answers 400 for the caller's errors and 500 for the model's server faults, throttling included."""
    assert FaultPlan().error(code).status == status


def test_hand_built_fault(scene: Scene) -> None:
    """A Fault built by hand and add()ed applies like the helpers' faults."""
    scene.fake.faults.add(
        Fault(kind=FaultKind.ERROR, code="AccessDeniedException", message="No.", status=403)
    )
    answer = scene.call()
    assert (answer.status, answer.code, answer.body["message"]) == (403, "AccessDeniedException", "No.")
