"""``/slack/events`` under load: herbot's server against a bare Bolt app that only acks, served the same way.

Each app runs in its own process (``bench/slack_server.py``) behind the same aiohttp adapter
(``bot.slack.slack_routes``), with the same signing secret and the same local fake Slack
(``bench/fake_slack.py``), which lives in this process with the client. Each request is a correctly
signed ``/her2 IHC 2+ ratio 1.6 copies 3.2`` from a new user, so herbot opens a new conversation in a
fresh SQLite store every time (one slot load and one save). Measured per request:

- time to ack: from sending the request to having read the whole HTTP response;
- time to answer (herbot only): from sending to the fake having received the whole ``response_url`` post;
- the server process's CPU time (``/proc``), per request, over the measured batches.

A worker sends its next request only after its previous one was answered (bare: acked), so
"sequential" has one request in flight and "concurrency 8" eight. Rounds alternate which app goes first.

    PYTHONPATH=. python -m bench.slack_endpoint [--rounds 3] [--sequential 60] [--concurrent 120]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import tempfile
import time
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientSession
from slack_sdk.signature import SignatureVerifier

from bench.fake_slack import FakeSlack
from bench.slack_server import SIGNING_SECRET
from bench.stats import format_table, summarize

__all__ = ["Options", "main", "report", "run"]

ROOT = Path(__file__).resolve().parents[1]
COMMAND_TEXT = "IHC 2+ ratio 1.6 copies 3.2"
EXPECTED_HEADLINE = "HER2-negative (HER2-low)"
ANSWER_TIMEOUT = 10.0
STARTUP_TIMEOUT = 30.0
FORM = "application/x-www-form-urlencoded"


@dataclass
class Samples:
    """One app in one mode, pooled over rounds: latencies and server CPU in seconds, wall time of the batches."""

    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    round_ack_medians: list[float] = field(default_factory=list)
    requests: int = 0
    wall: float = 0.0
    server_cpu: float | None = 0.0


@dataclass(frozen=True, slots=True)
class Target:
    """One app under test: where its events URL is, and whether it answers on ``response_url``."""

    name: str
    events_url: str
    answers: bool


class SlackClient:
    """Sends signed ``/her2`` commands as Slack does and times the ack and (optionally) the answer."""

    def __init__(self, http: ClientSession, fake: FakeSlack) -> None:
        self._http = http
        self._fake = fake
        self._verifier = SignatureVerifier(SIGNING_SECRET)
        self._ids = itertools.count(1)

    async def command(self, target: Target) -> tuple[float, float | None]:
        """Seconds to the HTTP ack, and to the answer's arrival (``None`` for an app that never answers)."""
        number = next(self._ids)
        name = f"{target.name}-{number}"
        arrival = self._fake.expect(name) if target.answers else None
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T1",
                "channel_id": "C1",
                "user_id": f"U{number}",
                "command": "/her2",
                "text": COMMAND_TEXT,
                "response_url": self._fake.response_url(name),
                "trigger_id": "1.2.3",
                "api_app_id": "A1",
            }
        )
        timestamp = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=timestamp, body=body),
            "Content-Type": FORM,
        }
        data = body.encode()
        started = time.perf_counter()
        async with self._http.post(target.events_url, data=data, headers=headers) as response:
            await response.read()
            acked = time.perf_counter()
        if response.status != 200:
            raise RuntimeError(f"{target.name} answered HTTP {response.status}")
        if arrival is None:
            return acked - started, None
        arrived, payload = await asyncio.wait_for(arrival, ANSWER_TIMEOUT)
        if not str(payload.get("text", "")).startswith(EXPECTED_HEADLINE) or not payload.get("blocks"):
            raise RuntimeError(f"unexpected answer from {target.name}: {str(payload.get('text'))[:80]!r}")
        return acked - started, arrived - started


async def measure_batch(client: SlackClient, target: Target, count: int, concurrency: int, into: Samples) -> None:
    """``count`` commands by ``concurrency`` workers, each waiting for its answer before sending the next."""
    numbers = iter(range(count))
    acks: list[float] = []

    async def worker() -> None:
        for _ in numbers:
            ack, answer = await client.command(target)
            acks.append(ack)
            if answer is not None:
                into.answers.append(answer)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    into.wall += time.perf_counter() - started
    into.requests += count
    into.acks.extend(acks)
    into.round_ack_medians.append(summarize(acks).median)


class ServerProcess:
    """One app under test in a child process (``bench.slack_server``); its URL and CPU time so far."""

    def __init__(self, process: asyncio.subprocess.Process, events_url: str) -> None:
        self.process = process
        self.events_url = events_url

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time the server has used, from ``/proc`` (``None`` where there is none)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # Fields 14 and 15 of proc(5), counted after the ")" that ends the command name.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def server_process(app_name: str, api_url: str, database_url: str | None = None) -> AsyncIterator[ServerProcess]:
    """Start ``python -m bench.slack_server``, wait until it listens, and stop it (SIGTERM) afterwards."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    arguments = [app_name, "--api-url", api_url, *(["--database-url", database_url] if database_url else [])]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.slack_server",
        *arguments,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
        stdout=PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), STARTUP_TIMEOUT)).decode().split()
        if line[:1] != ["listening"]:
            raise RuntimeError(f"{app_name} server did not start (exit status {process.returncode})")
        yield ServerProcess(process, line[1])
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STARTUP_TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()


@dataclass(frozen=True)
class Options:
    """How many requests: per round and app, ``sequential`` one at a time and ``concurrent`` in parallel."""

    rounds: int = 3
    sequential: int = 60
    concurrent: int = 120
    concurrency: int = 8
    warmup: int = 30


async def run(options: Options) -> dict[tuple[str, str], Samples]:
    """Measure both apps; samples keyed by (app, mode)."""
    fake = FakeSlack()
    await fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="herbot-bench-") as folder:
            database_url = f"sqlite:///{Path(folder) / 'herbot.db'}"
            async with (
                server_process("bare", fake.api_url) as bare,
                server_process("herbot", fake.api_url, database_url) as ours,
                ClientSession() as http,
            ):
                return await _measure(options, SlackClient(http, fake), {"bare": bare, "herbot": ours})
    finally:
        await fake.close()


async def _measure(
    options: Options, client: SlackClient, servers: dict[str, ServerProcess]
) -> dict[tuple[str, str], Samples]:
    targets = (
        Target("bare", servers["bare"].events_url, answers=False),
        Target("herbot", servers["herbot"].events_url, answers=True),
    )
    modes = (
        ("sequential", options.sequential, 1),
        (f"concurrency {options.concurrency}", options.concurrent, options.concurrency),
    )
    results = {(t.name, mode): Samples() for t in targets for mode, _, _ in modes}
    for target in targets:
        await measure_batch(client, target, options.warmup, options.concurrency, Samples())
    for number in range(options.rounds):
        for target in targets if number % 2 == 0 else targets[::-1]:
            for mode, count, concurrency in modes:
                samples = results[(target.name, mode)]
                cpu_before = servers[target.name].cpu_seconds()
                await measure_batch(client, target, count, concurrency, samples)
                cpu_after = servers[target.name].cpu_seconds()
                if cpu_before is None or cpu_after is None or samples.server_cpu is None:
                    samples.server_cpu = None
                else:
                    samples.server_cpu += cpu_after - cpu_before
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _cpu_per_request(samples: Samples) -> str:
    return "-" if samples.server_cpu is None else _ms(samples.server_cpu / samples.requests)


def _ratio(ours: Samples, bare: Samples) -> str:
    if ours.server_cpu is None or bare.server_cpu is None or bare.server_cpu == 0:
        return ""
    return f"{(ours.server_cpu / ours.requests) / (bare.server_cpu / bare.requests):.1f}x"


def report(results: dict[tuple[str, str], Samples], options: Options) -> str:
    """The results as a table, times in ms, ratios herbot/bare."""
    header = ["mode", "app", "ack median", "ack p95", "answer median", "answer p95", "req/s", "server CPU/req"]
    rows: list[list[str]] = []
    spread: list[str] = []
    for mode in dict.fromkeys(mode for _, mode in results):
        bare, ours = results[("bare", mode)], results[("herbot", mode)]
        bare_ack, ours_ack, ours_answer = summarize(bare.acks), summarize(ours.acks), summarize(ours.answers)
        bare_rate, ours_rate = bare.requests / bare.wall, ours.requests / ours.wall
        bare_cpu, ours_cpu = _cpu_per_request(bare), _cpu_per_request(ours)
        rows += [
            [mode, "bare Bolt", _ms(bare_ack.median), _ms(bare_ack.p95), "-", "-", f"{bare_rate:.0f}", bare_cpu],
            [
                "",
                "herbot",
                _ms(ours_ack.median),
                _ms(ours_ack.p95),
                _ms(ours_answer.median),
                _ms(ours_answer.p95),
                f"{ours_rate:.0f}",
                ours_cpu,
            ],
            [
                "",
                "herbot/bare",
                f"{ours_ack.median / bare_ack.median:.2f}x",
                f"{ours_ack.p95 / bare_ack.p95:.2f}x",
                "",
                "",
                f"{ours_rate / bare_rate:.2f}x",
                _ratio(ours, bare),
            ],
        ]
        spread.append(
            f"  {mode}: bare {' / '.join(_ms(m) for m in bare.round_ack_medians)}, "
            f"herbot {' / '.join(_ms(m) for m in ours.round_ack_medians)}"
        )
    title = (
        f'/slack/events, "/her2 {COMMAND_TEXT}": herbot vs a bare Bolt app that only acks (times in ms)\n'
        f"{options.rounds} rounds x ({options.sequential} sequential + {options.concurrent} at concurrency "
        f"{options.concurrency}) per app, after {options.warmup} warm-up requests; req/s counts herbot's "
        "requests as done when answered, bare ones when acked; server CPU is user+system time of the server "
        "process (10 ms ticks, summed over all rounds)"
    )
    return "\n".join([title, "", format_table(header, rows), "", "per-round ack medians (ms):", *spread])


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    defaults = Options()
    parser = argparse.ArgumentParser(prog="python -m bench.slack_endpoint", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--sequential", type=int, default=defaults.sequential, help="requests per round, one at a time")
    parser.add_argument("--concurrent", type=int, default=defaults.concurrent, help="requests per round, concurrently")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--warmup", type=int, default=defaults.warmup)
    args = parser.parse_args(argv)
    options = Options(args.rounds, args.sequential, args.concurrent, args.concurrency, args.warmup)
    results = asyncio.run(run(options))
    print(report(results, options))


if __name__ == "__main__":
    main()
