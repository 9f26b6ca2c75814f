"""``python -m bench``: list herbot's benchmarks, or run some of them (``all`` runs every one in turn).

    PYTHONPATH=. python -m bench                      # this usage
    PYTHONPATH=. python -m bench pipeline slack       # those two, one after the other
    PYTHONPATH=. python -m bench all                  # every benchmark, several minutes
    PYTHONPATH=. python -m bench.pipeline --help      # one benchmark's own options

Each benchmark runs with its default options here; run its module for its own options.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Sequence

# name -> (module, what it measures)
BENCHMARKS = {
    "pipeline": ("bench.pipeline", "router.answer on a 1,000-message chat corpus: msg/s, p99, ms per KB, stages"),
    "slack": ("bench.slack_endpoint", "/slack/events: herbot against a bare Bolt app and a store floor"),
    "teams": ("bench.teams_endpoint", "/api/messages: herbot against a bare botbuilder echo bot"),
    "classify": ("bench.classify", "in-process steps one by one (classify, extract, render) and cold start"),
    "coldstart": ("bench.coldstart", 'whole herbot processes against python -c "import jinja2"'),
    "corpus": ("bench.corpus", "the chat corpus's length profile and a few of its messages"),
}


def _parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<10} {what}  (python -m {module})" for name, (module, what) in BENCHMARKS.items())
    return argparse.ArgumentParser(
        prog="python -m bench",
        description="herbot's benchmarks. Name the ones to run, or 'all'.",
        epilog=f"benchmarks:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the named benchmarks; with none named, print the usage and run nothing."""
    parser = _parser()
    parser.add_argument("names", nargs="*", metavar="benchmark", help="benchmarks to run (listed below), or 'all'")
    args = parser.parse_args(argv)
    if not args.names:
        parser.print_help()
        return 0
    unknown = [name for name in args.names if name not in (*BENCHMARKS, "all")]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}")
    names = list(BENCHMARKS) if "all" in args.names else list(dict.fromkeys(args.names))
    started = time.perf_counter()
    print(
        f"herbot benchmarks: Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs (figures vary with load on shared machines; compare ratios, not absolutes)\n",
        flush=True,
    )
    for name in names:
        print(f"== {name} ({BENCHMARKS[name][0]})\n", flush=True)
        importlib.import_module(BENCHMARKS[name][0]).main([])
        print(flush=True)
    print(f"benchmarks run: {', '.join(names)} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
