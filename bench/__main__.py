"""``python -m bench``: every benchmark in turn, with the machine they ran on.

PYTHONPATH=. python -m bench
"""

from __future__ import annotations

import os
import platform
import sys
import time

from bench import classify, coldstart, slack_endpoint


def main() -> None:
    started = time.perf_counter()
    print(
        f"herbot benchmarks: Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs (figures vary with load on shared machines; compare ratios, not absolutes)\n",
        flush=True,
    )
    coldstart.main([])
    print(flush=True)
    classify.main([])
    print(flush=True)
    slack_endpoint.main([])
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
