"""Intake throughput, CPU, Bot API calls and latency: the real bot process vs a bare PTB echo bot.

    python -m bench.intake [--grids 50] [--tickets 20] [--warmup 1]

Each grid has one gridworker (a Telegram user who has sent /start) and a bound group with its
residents. Per grid, a closed loop: a resident sends `/complain …` in the group, waits for the
assignment request in the worker's private chat, and the worker presses Accept and waits for the
message to turn into "accepted". All grids run concurrently (the peak phase). Then an open loop
starts tickets at a steady half of the measured peak rate (the half-peak phase). The emulator's
flood control is off.

The baseline: `bench/echo_bot.py` (PTB, concurrent update handling like the bot) on a fresh
emulator with the same load pattern: the resident's message is echoed into the group, then the
worker sends a message in the private chat and waits for its echo (two updates per "ticket").

Per phase and bot: tickets/s (completed / wall time), CPU ms per ticket of the bot process
(/proc/<pid>/stat), Bot API calls per ticket by method and group messages per ticket (counted at
the emulator), latency p50/p99 = emulator time from the resident's message to the bot's
sendMessage to the worker (real bot) or to the group (echo). Durability: after the bot stopped,
the SQLite file must hold exactly the submitted tickets, all accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.roster import load_roster
from bot.emulator import serve
from bot.services.roster import apply
from bot.store.db import Database
from bench.common import (
    PYTHON,
    ROOT,
    TOKEN,
    BotProcess,
    WatchingEmulator,
    bot_argv,
    cpu_seconds,
    load,
    percentile,
    wait_calls,
    write_config,
    write_result,
)
from bench.intake_report import report

WORKER_BASE, RESIDENT_BASE = 7_000_000, 8_000_000
Ticket = Callable[["World", dict, Any, int, float], Awaitable[float]]


class World:
    """Users and groups of one run: per grid a worker, residents and the bound group."""

    def __init__(self, grids: int, per_grid: int) -> None:
        self.emu = WatchingEmulator(token=TOKEN, bot_username="grid_bench_bot", rate_limits=False)
        self.grids: list[dict[str, Any]] = []
        for g in range(grids):
            worker = self.emu.user(id=WORKER_BASE + g, first_name=f"工作者{g}")
            residents = [
                self.emu.user(id=RESIDENT_BASE + g * 1000 + r, first_name=f"居民{g}-{r}")
                for r in range(per_grid)
            ]
            group = self.emu.group(f"网格群 {g}", members=[worker, *residents], with_bot=True)
            self.grids.append(
                {"code": f"B-{g:04d}", "worker": worker, "residents": residents, "group": group}
            )
        self.emu.updates.clear()  # the store is prepared directly; the bot need not see the joins

    def roster_csv(self, path: Path) -> Path:
        """The roster: one community, one small grid per group, one worker per grid."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["kind", "code", "name", "parent", "level", "roles", "telegram_id", "phone", "locale"])
            w.writerow(["grid", "B", "基准社区", "", "community", "", "", "", ""])
            for g in self.grids:
                w.writerow(["grid", g["code"], f"网格{g['code']}", "B", "small_grid", "", "", "", ""])
            for i, g in enumerate(self.grids):
                w.writerow(
                    [
                        "person",
                        f"w{i:04d}",
                        g["worker"].first_name,
                        "",
                        "",
                        f"worker@{g['code']}",
                        g["worker"].id,
                        "",
                        "zh",
                    ]
                )
        return path

    async def prepare_store(self, db_path: Path, roster: Path) -> None:
        db = await Database(db_path).open()
        now = datetime.now(timezone.utc)
        await apply(db, load_roster(roster), now)
        async with db.write() as conn:
            await conn.executemany(
                "INSERT INTO groups (chat_id, grid, title, member, link_code, bound_by, bound_at) "
                "VALUES (?, ?, ?, 1, ?, 0, ?)",
                [
                    (g["group"].id, g["code"], g["group"].title, f"l{i}", now.timestamp())
                    for i, g in enumerate(self.grids)
                ],
            )
        await db.close()


def _button(message: dict[str, Any], suffix: str) -> str:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for b in row:
            if b.get("callback_data", "").endswith(suffix):
                return b["callback_data"]
    raise AssertionError(f"no {suffix} button on {message}")


def _has(tag: str, method: str = "sendMessage"):
    return lambda m, msg: m == method and tag in (msg.get("text") or "")


async def bot_ticket(w: World, g: dict, resident, n: int, timeout: float) -> float:
    """One ticket through the real bot; returns resident→worker-notice latency (s)."""
    emu, worker, tag = w.emu, g["worker"], f"单号q{n}q"
    got = emu.expect(worker.id, _has(tag))
    t0 = time.perf_counter()
    emu.send(resident, g["group"], f"/complain 环境卫生 楼道垃圾三天没人清运 {tag}")
    t1, request = await asyncio.wait_for(got, timeout)
    edited = emu.expect(
        worker.id, lambda m, msg: m == "editMessageText" and msg["message_id"] == request["message_id"]
    )
    emu.press(worker, request, _button(request, ":acc"))
    await asyncio.wait_for(edited, timeout)
    return t1 - t0


async def echo_ticket(w: World, g: dict, resident, n: int, timeout: float) -> float:
    """The same pattern against the echo bot: group message echoed, then a private message echoed."""
    emu, worker, tag = w.emu, g["worker"], f"单号q{n}q"
    got = emu.expect(g["group"].id, _has(tag))
    t0 = time.perf_counter()
    emu.send(resident, g["group"], f"/complain 环境卫生 楼道垃圾三天没人清运 {tag}")
    t1, _ = await asyncio.wait_for(got, timeout)
    answered = emu.expect(worker.id, _has(tag + "ok"))
    emu.send(worker, worker, f"接单 {tag}ok")
    await asyncio.wait_for(answered, timeout)
    return t1 - t0


def _diff(after: dict[str, int], before: dict[str, int], n: int) -> dict[str, float]:
    return {
        k: round((after.get(k, 0) - before.get(k, 0)) / n, 3)
        for k in sorted(after)
        if after.get(k, 0) != before.get(k, 0)
    }


async def measured(w: World, pid: int, run: Awaitable[list[float]]) -> dict[str, Any]:
    """Run one phase; its rate, latencies, the bot process's CPU and the Bot API calls per ticket."""
    calls0, group0, cpu0 = dict(w.emu.calls), dict(w.emu.group_ok), cpu_seconds(pid)
    t0 = time.perf_counter()
    latencies = await run
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    n = max(1, len(latencies))
    group = _diff(w.emu.group_ok, group0, n)
    return {
        "tickets": len(latencies),
        "seconds": round(elapsed, 3),
        "per_second": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "cpu_ms_per_ticket": cpu * 1000 / n,
        "cpu_share": cpu / elapsed,
        "calls_per_ticket": _diff(dict(w.emu.calls), calls0, n),
        "group_messages_per_ticket": round(sum(group.values()), 3),
        "group_by_method": group,
        "load_average": load(),
    }


class Load:
    """The load pattern: per grid, a warm-up, a closed loop (peak rate), then an open loop (paced)."""

    def __init__(self, w: World, one: Ticket, warmup: int, tickets: int, timeout: float) -> None:
        self.w, self.one, self.warmup, self.tickets, self.timeout = w, one, warmup, tickets, timeout
        self.counter = iter(range(10**9))

    def _go(self, g: dict, resident: Any) -> Awaitable[float]:
        return self.one(self.w, g, resident, next(self.counter), self.timeout)

    async def closed(self, first: int, count: int) -> list[float]:
        """Each grid submits its next ticket as soon as the previous one was accepted."""
        latencies: list[float] = []

        async def loop(g: dict) -> None:
            for r in g["residents"][first : first + count]:
                latencies.append(await self._go(g, r))

        await asyncio.gather(*(loop(g) for g in self.w.grids))
        return latencies

    async def paced(self, first: int, count: int, rate: float) -> list[float]:
        """`count` tickets per grid, started at a steady `rate` per second overall, round robin."""
        grids, tasks = self.w.grids, []
        t0 = time.perf_counter()
        for i in range(count * len(grids)):
            g = grids[i % len(grids)]
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(self._go(g, g["residents"][first + i // len(grids)])))
        return list(await asyncio.gather(*tasks))

    async def run(self, pid: int) -> dict[str, Any]:
        """Warm-up (untimed), the peak phase, then the half-peak phase."""
        await self.closed(0, self.warmup)
        peak = await measured(self.w, pid, self.closed(self.warmup, self.tickets))
        half_n = max(1, self.tickets // 2)
        half = await measured(
            self.w, pid, self.paced(self.warmup + self.tickets, half_n, peak["per_second"] / 2)
        )
        return {
            **peak,
            "half_peak": half,
            "submitted_total": (self.warmup + self.tickets + half_n) * len(self.w.grids),
        }


def residents_needed(tickets: int, warmup: int) -> int:
    """Residents per grid: one per ticket of every phase."""
    return warmup + tickets + max(1, tickets // 2)


async def start_workers(w: World, timeout: float) -> None:
    """Every worker sends /start and gets an answer (not timed)."""
    started = [w.emu.expect(g["worker"].id, lambda m, msg: m == "sendMessage") for g in w.grids]
    for g in w.grids:
        w.emu.send(g["worker"], g["worker"], "/start")
    await asyncio.wait_for(asyncio.gather(*started), timeout)


async def run_echo(grids: int, tickets: int, warmup: int, folder: Path, timeout: float) -> dict[str, Any]:
    w = World(grids, residents_needed(tickets, warmup))
    async with serve(w.emu) as url:
        proc = BotProcess(
            [PYTHON, str(ROOT / "bench" / "echo_bot.py"), "--token", TOKEN, "--base-url", f"{url}/bot"],
            folder / "echo.log",
        ).start()
        try:
            await wait_calls(w.emu, "getUpdates", proc=proc)
            await start_workers(w, timeout)
            result = await Load(w, echo_ticket, warmup, tickets, timeout).run(proc.proc.pid)
        finally:
            await proc.stop(w.emu)
    return result


async def run_bot(
    grids: int, tickets: int, warmup: int, folder: Path, timeout: float, transport: str | None = None
) -> dict[str, Any]:
    w = World(grids, residents_needed(tickets, warmup))
    folder = folder / (transport or "bot")
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "intake.sqlite3"
    await w.prepare_store(db_path, w.roster_csv(folder / "roster.csv"))
    async with serve(w.emu) as url:
        config = write_config(folder, url, db_path, max_open_per_resident=5, max_submissions_per_hour=10)
        proc = BotProcess(bot_argv(config, transport), folder / "bot.log").start()
        try:
            await wait_calls(w.emu, "getUpdates", proc=proc)
            await start_workers(w, timeout)
            result = await Load(w, bot_ticket, warmup, tickets, timeout).run(proc.proc.pid)
        finally:
            code = await proc.stop(w.emu)
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        accepted = conn.execute("SELECT COUNT(*) FROM tickets WHERE status = 'accepted'").fetchone()[0]
    result.update(stored=stored, accepted=accepted, exit_code=code, http_calls=dict(w.emu.calls))
    return result


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    echo = await run_echo(args.grids, args.tickets, args.warmup, folder, args.timeout)
    runs = {
        f"grid bot{f' ({t})' if t else ''}": await run_bot(
            args.grids, args.tickets, args.warmup, folder, args.timeout, t or None
        )
        for t in args.transport or [""]
    }
    real = next(iter(runs.values()))
    ratio = real["per_second"] / echo["per_second"]
    durable = all(r["stored"] == r["submitted_total"] == r["accepted"] for r in runs.values())
    print("\n".join(report(echo, real, runs)))
    print(
        f"durable: {real['stored']} stored / {real['submitted_total']} submitted, "
        f"{real['accepted']} accepted -> {'ok' if durable else 'LOST'}"
    )
    data = {
        "params": vars(args),
        "echo": echo,
        "bot": real,
        "runs": runs,
        "rate_ratio": ratio,
        "p50_ratio": real["p50_ms"] / echo["p50_ms"],
        "p99_ratio": real["p99_ms"] / echo["p99_ms"],
        "durable": durable,
        "target_met": ratio >= 0.6 and durable,
        "workdir": str(folder),
    }
    path = write_result(args.out, data)
    print(f"results: {path}")
    return data


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__.split("\n\n")[0])
    p.add_argument("--grids", type=int, default=50, help="grids (= concurrent residents), default 50")
    p.add_argument("--tickets", type=int, default=20, help="timed tickets per grid, default 20")
    p.add_argument("--warmup", type=int, default=1, help="untimed tickets per grid first, default 1")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--out", default="intake", help="result name under bench/out/")
    p.add_argument(
        "--transport",
        action="append",
        choices=("aiohttp", "httpx"),
        help="run the bot through bench.run_bot on this transport (repeatable: side by side); "
        "default: `python -m bot run` as deployed",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    data = asyncio.run(main_async(parse(argv)))
    return 0 if data["durable"] else 1


if __name__ == "__main__":
    sys.exit(main())
