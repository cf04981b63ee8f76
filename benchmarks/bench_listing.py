"""Listing: our typed ``async for`` against a plain aiobotocore paginator, same emulator, same run.

1. Wall time to list 10,000 versions in pages of 100 (target: ours at most
   1.25x the paginator's, though ours also structures every version).
2. Overlap: with 100 ms of service latency and a consumer that spends 100 ms
   on each page, 10 pages (target: ours at most 0.6x the sequential loop).
3. Peak memory of our listing at 1,000, 10,000 and 50,000 versions (flat).

    uv run python -m benchmarks.bench_listing [--versions 10000] [--memory 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiobotocore.session import AioSession, get_session

from aiocustomlabels import CustomLabelsClient
from benchmarks._runner import Target, run_benchmark
from benchmarks._server import served

TARGET_LISTING = 1.25
TARGET_OVERLAP = 0.60
#: Memory is flat: the largest listing's peak within 1.5x of the smallest's.
TARGET_FLAT = 1.5


def _session() -> AioSession:
    session = get_session()
    session.set_credentials("bench", "bench")
    return session


@asynccontextmanager
async def _raw(endpoint: str) -> AsyncIterator[Any]:
    async with _session().create_client("rekognition", region_name="us-east-1", endpoint_url=endpoint) as raw:
        yield raw


async def paginator_loop(raw: Any, project: str, *, work: float = 0.0, page_size: int = 100) -> int:
    """The plain aiobotocore way: a paginator, dictionaries, one page at a time."""
    count = 0
    paginator = raw.get_paginator("describe_project_versions")
    async for page in paginator.paginate(ProjectArn=project, PaginationConfig={"PageSize": page_size}):
        for description in page["ProjectVersionDescriptions"]:
            count += description["Status"] is not None
        if work:
            await asyncio.sleep(work)
    return count


async def our_loop(raw: Any, project: str, *, work: float = 0.0, page_size: int = 100) -> int:
    """Ours: typed pages, the next one fetched while the caller works."""
    count = 0
    client = CustomLabelsClient(raw)
    async for page in client.describe_project_versions(project, page_size=page_size).pages():
        for description in page.project_version_descriptions:
            count += description.status is not None
        if work:
            await asyncio.sleep(work)
    return count


async def _best(run: Callable[[], Awaitable[int]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        await run()
        best = min(best, time.perf_counter() - began)
    return best


async def listing(versions: int, repeat: int) -> tuple[float, float]:
    """Best wall times (paginator, ours) for listing ``versions`` in pages of 100."""
    with served(versions) as (endpoint, project, _):
        async with _raw(endpoint) as raw:
            assert await paginator_loop(raw, project) == versions
            assert await our_loop(raw, project) == versions
            # Interleaved rounds, so that drift in the machine's speed hits both alike.
            theirs = ours = float("inf")
            for _ in range(repeat):
                theirs = min(theirs, await _best(lambda: paginator_loop(raw, project), 1))
                ours = min(ours, await _best(lambda: our_loop(raw, project), 1))
    return theirs, ours


async def overlap(pages: int = 10, latency: float = 0.1, work: float = 0.1) -> tuple[float, float]:
    """Wall times (paginator, ours) for ``pages`` pages with service latency and consumer work."""
    with served(pages * 10, latency=latency) as (endpoint, project, _):
        async with _raw(endpoint) as raw:
            await our_loop(raw, project, page_size=10)  # warm the connection
            theirs = await _best(lambda: paginator_loop(raw, project, work=work, page_size=10), 2)
            ours = await _best(lambda: our_loop(raw, project, work=work, page_size=10), 2)
    return theirs, ours


async def peak_memory(versions: int) -> int:
    """Peak traced memory, in bytes, while our listing goes through ``versions`` versions."""
    with served(versions) as (endpoint, project, _):
        async with _raw(endpoint) as raw:
            await our_loop(raw, project, page_size=100)  # caches warm, outside the measure
            tracemalloc.start()
            try:
                await our_loop(raw, project)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()


async def run(versions: int, memory_counts: list[int], repeat: int) -> list[Target]:
    """Run the three measures, print their tables; return the targets."""
    theirs, ours = await listing(versions, repeat)
    ratio = ours / theirs
    print(f"Listing {versions:,} versions in pages of 100 (best of {repeat})")
    print(f"  aiobotocore paginator loop (dicts)   {theirs:8.3f} s   1.00")
    print(f"  aiocustomlabels async for (typed)    {ours:8.3f} s   {ratio:.2f}")
    seq, pre = await overlap()
    overlap_ratio = pre / seq
    print("Overlap: 10 pages, 100 ms service latency, 100 ms of work per page")
    print(f"  aiobotocore paginator loop           {seq:8.3f} s   1.00")
    print(f"  aiocustomlabels (one page ahead)     {pre:8.3f} s   {overlap_ratio:.2f}")
    print("Peak traced memory of our listing")
    peaks = []
    for count in memory_counts:
        peak = await peak_memory(count)
        peaks.append(peak)
        print(f"  {count:>7,} versions   {peak / 2**20:7.2f} MiB")
    return [
        Target("listing, ours / paginator", ratio, TARGET_LISTING),
        Target("overlap, ours / sequential", overlap_ratio, TARGET_OVERLAP),
        Target("peak memory, largest / smallest listing", max(peaks) / peaks[0], TARGET_FLAT),
    ]


def arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options."""
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--memory", default="1000,10000,50000", help="comma-separated version counts")
    parser.add_argument("--repeat", type=int, default=3)


def measure(args: argparse.Namespace) -> list[Target]:
    """Run the measures on one event loop."""
    return asyncio.run(run(args.versions, [int(n) for n in args.memory.split(",")], args.repeat))


if __name__ == "__main__":
    raise SystemExit(run_benchmark(__doc__, measure, arguments=arguments))
