"""Run every benchmark and print their tables: ``uv run python -m benchmarks``.

Each prints ratios measured in one run; the exit code is 1 if any target is missed.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("bench_structure", "bench_listing", "bench_polling", "bench_calibrate")


def main() -> int:
    """Run each benchmark in a process of its own, one after the other."""
    failed = []
    for name in BENCHMARKS:
        print(f"== benchmarks.{name}", flush=True)
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], check=False)  # noqa: S603
        print(flush=True)
        if done.returncode:
            failed.append(name)
    print("all targets met" if not failed else f"TARGETS MISSED in {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
