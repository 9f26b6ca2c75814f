"""Cold start: whole ``herbot`` processes against ``python -c "import jinja2"``, side by side in one run.

The target is that a one-shot command starts "in a blink": ``herbot classify`` and ``herbot ask``
take at most 4 times as long as an interpreter that only imports Jinja2. Each round runs every
command once, in an order that rotates from round to round, so load on a shared machine touches
them all alike; the first round only warms the caches and is not counted. Every command runs in
an empty temporary folder (no ``.env``), and ``--conversation`` uses a fresh SQLite file there.

Bytecode is cached as in an installed wheel (pip compiles it at install, and Jinja2's is there): the
processes write it under a temporary ``PYTHONPYCACHEPREFIX`` even when ``PYTHONDONTWRITEBYTECODE``
is set, so herbot's own modules are not compiled from source at every start while the baseline's are not.

    PYTHONPATH=. python -m bench.coldstart [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.stats import format_table

__all__ = ["Command", "commands", "main", "measure"]

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 4.0


@dataclass(frozen=True, slots=True)
class Command:
    """One process to start: ``name`` as printed, ``argv`` after the interpreter or console script."""

    name: str
    argv: tuple[str, ...]
    herbot: bool = True


def commands() -> list[Command]:
    """The baseline first, then the one-shot herbot commands."""
    return [
        Command('python -c "import jinja2"', ("-c", "import jinja2"), herbot=False),
        Command(
            "herbot classify --json --ihc 2+ --ratio 1.6 --copies 3.2 --er 90 --pr 20",
            ("classify", "--json", "--ihc", "2+", "--ratio", "1.6", "--copies", "3.2", "--er", "90", "--pr", "20"),
        ),
        Command(
            'herbot classify "IHC 2+ ratio 1.6 copies 3.2 ER 90% PR 20%"',
            ("classify", "IHC 2+ ratio 1.6 copies 3.2 ER 90% PR 20%"),
        ),
        Command('herbot ask "what is HER2-low?"', ("ask", "what is HER2-low?")),
        Command(
            'herbot ask --json --conversation k "IHC 2+" (SQLite)', ("ask", "--json", "--conversation", "k", "IHC 2+")
        ),
    ]


def _herbot() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m bot.cli``."""
    script = Path(sys.executable).parent / "herbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def _run(command: Command, cwd: Path, env: dict[str, str]) -> float:
    argv = [*_herbot(), *command.argv] if command.herbot else [sys.executable, *command.argv]
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, timeout=60)
    return time.perf_counter() - started


def measure(all_commands: Sequence[Command], runs: int) -> dict[str, list[float]]:
    """Seconds per process, ``runs`` per command, after one uncounted warm-up round."""
    found: dict[str, list[float]] = {command.name: [] for command in all_commands}
    folder = Path(tempfile.mkdtemp(prefix="herbot-coldstart-"))
    try:
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            PYTHONPATH=path,
            PYTHONPYCACHEPREFIX=str(folder / "pycache"),
            HERBOT_DATABASE_URL=f"sqlite:///{folder / 'herbot.db'}",
        )
        for number in range(runs + 1):
            shift = number % len(all_commands)
            for command in [*all_commands[shift:], *all_commands[:shift]]:
                seconds = _run(command, folder, env)
                if number:
                    found[command.name].append(seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return found


def report(found: dict[str, list[float]]) -> str:
    """Median and fastest ms per command, and each median as a multiple of the baseline's."""
    baseline = statistics.median(next(iter(found.values())))
    rows = [
        [
            name,
            f"{statistics.median(values) * 1e3:.0f}",
            f"{min(values) * 1e3:.0f}",
            f"{statistics.median(values) / baseline:.1f}x",
        ]
        for name, values in found.items()
    ]
    runs = len(next(iter(found.values())))
    table = format_table(["whole process", "median ms", "fastest ms", 'x "import jinja2"'], rows)
    return "\n".join(
        [
            f"Cold start ({runs} runs each, interleaved; target: at most {TARGET_RATIO:.0f}x import jinja2)",
            f"herbot runs as: {' '.join(_herbot())}",
            "",
            table,
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="processes per command (after one warm-up round)")
    args = parser.parse_args(argv)
    print(report(measure(commands(), args.runs)), flush=True)


if __name__ == "__main__":
    main()
