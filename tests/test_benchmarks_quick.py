"""Quick versions of the benchmarks: the counts they rest on, never their timings."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiobotocore.session import get_session

from aiocustomlabels import ProjectArn, ProjectVersionArn, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, ScaledClock, in_process
from benchmarks import _server as bench_server
from benchmarks import bench_polling
from benchmarks._page import wire_page
from benchmarks.bench_listing import our_loop, paginator_loop
from tests._harness import project_with, run_fast
from tests._strategies import shape


def _listing_calls(
    loop_fn: Any, versions: int, *, latency: float = 0.0, work: float = 0.0
) -> tuple[int, float]:
    fake = FakeCustomLabels(clock=LoopClock())
    project, _ = project_with(fake, versions)
    if latency:
        fake.faults.latency(latency)

    async def main() -> tuple[int, float]:
        loop = asyncio.get_running_loop()
        with in_process(fake):
            async with get_session().create_client("rekognition", region_name="us-east-1") as raw:
                began = loop.time()
                count = await loop_fn(raw, project, work=work, page_size=100 if not work else 10)
                return count, loop.time() - began

    count, elapsed = run_fast(main())
    assert count == versions
    return len(fake.requests_for("DescribeProjectVersions")), elapsed


def test_listing_makes_one_call_per_page_like_the_paginator() -> None:
    """Listing 1,000 versions in pages of 100 makes 10 calls, as the plain paginator does."""
    assert _listing_calls(our_loop, 1_000)[0] == 10
    assert _listing_calls(paginator_loop, 1_000)[0] == 10


def test_overlap_fetches_ahead_without_extra_calls() -> None:
    """With latency and work per page, ours makes the same 10 calls and, on virtual time, overlaps them."""
    ours_calls, ours_time = _listing_calls(our_loop, 100, latency=0.1, work=0.1)
    theirs_calls, theirs_time = _listing_calls(paginator_loop, 100, latency=0.1, work=0.1)
    assert ours_calls == theirs_calls == 10
    assert round(theirs_time, 3) == 2.0  # 10 x (100 ms service + 100 ms work)
    assert round(ours_time, 3) == 1.1  # the first 100 ms, then 10 x 100 ms of overlapped work


def test_shared_polling_counts() -> None:
    """20 waits make at most 2 calls a round (10 names a call); 20 AWS waiters make 20."""
    # The benchmark's 50 waits show the same ratio at two and a half times the cost:
    # 20 already fill two calls of 10 names, as 50 fill five.
    ours = bench_polling.run_waits(bench_polling.fleet(20), bench_polling.ours)
    theirs = bench_polling.run_waits(bench_polling.fleet(20), bench_polling.theirs)
    assert max(ours.per_round) <= 2
    assert max(theirs.per_round) == 20
    assert ours.calls < theirs.calls * bench_polling.TARGET_FLEET_CALLS


def test_one_wait_counts() -> None:
    """A 1-minute start: AWS's waiter polls at 0, 30 and 60 s; ours describes, then polls every 20 to 30 s."""
    ours = bench_polling.run_waits(bench_polling.lone_starts(1), bench_polling.ours)
    theirs = bench_polling.run_waits(bench_polling.lone_starts(1), bench_polling.theirs)
    assert theirs.calls == 3  # a 60 s start: polls at 0, 30 and 60 s
    # The describe, then polls 20 to 30 s apart until one at or after 60 s.
    assert 1 + 2 <= ours.calls <= 1 + 3
    assert all(late >= 0 for late in ours.lateness + theirs.lateness)


def test_page_is_what_the_service_sends() -> None:
    """The benchmark page parses as the service model says: 100 descriptions, every member set."""
    body = json.loads(wire_page(100))
    assert len(body["ProjectVersionDescriptions"]) == 100
    members = set(shape("ProjectVersionDescription").members)
    assert set(body["ProjectVersionDescriptions"][0]) == members


def test_the_calibration_server_serves_a_known_capacity() -> None:
    """The calibrate benchmark's emulator: its newest version RUNNING with the units asked, on real time."""
    fake, project, newest = bench_server.seed(3, tps_per_unit=5.0, running=2)
    description = fake.describe(newest)
    assert description.status is ProjectVersionStatus.RUNNING
    assert description.min_inference_units == 2
    assert fake.tps_per_unit == 5.0
    assert isinstance(fake.clock, ScaledClock)  # a bucket refills only as time passes
    assert ProjectVersionArn.parse(newest).project_name == ProjectArn.parse(project).project_name == "bench"
