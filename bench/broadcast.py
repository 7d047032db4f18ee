"""Broadcast at Telegram's limit: one message to each of N bound grid groups through the real outbox.

    python -m bench.broadcast [--groups 1000]

The emulator ENFORCES flood control (30 messages/s overall, 20/min per group, 429 with
retry_after beyond). The store has N grids, each with a bound group; one notice per group is
enqueued in one transaction (the weekly-tally service's path if `bot.services.posts` offers one,
else `bot.services.notices.enqueue`), then the real `bot.delivery.Deliverer` runs with the bot the
application builds (an ExtBot with PTB's AIORateLimiter). Measured: seconds from the start of
delivery until the emulator accepted the last message. Baseline: the floor the limit sets,
N / 30 s. Target: measured / floor <= 1.10, no 429 answered, exactly one message in every group.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.app import CONNECTIONS, rate_limiter

from bot.delivery import Deliverer
from bot.emulator import RateLimits, serve
from bot.services.notices import Notice, enqueue
from bot.store.uow import UnitOfWork
from bot.store.db import Database
from bot.transport import AiohttpRequest
from bench.common import TOKEN, WatchingEmulator, table, write_result


async def prepare(db: Database, chats: list[int], now: datetime) -> None:
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO grids (code, name, parent, level) VALUES (?, ?, NULL, 'small_grid')",
            [(f"G{i:05d}", f"网格{i}") for i in range(len(chats))],
        )
        await conn.executemany(
            "INSERT INTO groups (chat_id, grid, title, member, link_code, bound_by, bound_at) "
            "VALUES (?, ?, ?, 1, ?, 0, ?)",
            [(c, f"G{i:05d}", f"网格群{i}", f"l{i}", now.timestamp()) for i, c in enumerate(chats)],
        )


def limiter(kind: str, per_second: int) -> AIORateLimiter:
    """`app`: bot.app.rate_limiter(), as the bot uses it (evenly spaced slots, `bot.pacing`). `smooth`:
    PTB's AIORateLimiter as a bucket of one (one message every 1/(per_second - 1) s; the bot's setting
    before `bot.pacing`), which never bursts past a sliding 1-second window either."""
    if kind == "app":
        return rate_limiter()
    return AIORateLimiter(overall_max_rate=1, overall_time_period=1 / (per_second - 1))


async def run(
    groups: int, per_second: int, per_group_per_minute: int, timeout: float, limiter_kind: str = "app"
) -> dict[str, Any]:
    emu = WatchingEmulator(
        token=TOKEN,
        bot_username="grid_bench_bot",
        rate_limits=RateLimits(True, per_second, per_group_per_minute),
    )
    admin = emu.user(id=6_000_000, first_name="管理员")
    chats = [emu.group(f"网格群{i}", members=[admin], with_bot=True).id for i in range(groups)]
    emu.updates.clear()
    folder = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    db = await Database(folder / "broadcast.sqlite3").open()
    now = datetime.now(timezone.utc)
    await prepare(db, chats, now)
    delivered: list[float] = []
    emu.on_sent = lambda method, message: delivered.append(time.perf_counter())
    async with serve(emu) as url:
        app = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(f"{url}/bot")
            .base_file_url(f"{url}/file/bot")
            .request(AiohttpRequest(CONNECTIONS))
            .rate_limiter(limiter(limiter_kind, per_second))
            .build()
        )  # as bot.app.build makes it
        bot = app.bot
        await bot.initialize()
        async with db.write() as conn:
            await enqueue(
                UnitOfWork(conn),
                [
                    Notice(c, f"<b>本周红旗榜</b> 网格 {i}：接单 3，办结 2，红旗 🚩×2")
                    for i, c in enumerate(chats)
                ],
                now,
            )
        deliverer = Deliverer(db, bot)
        t0 = time.perf_counter()
        task = asyncio.create_task(deliverer.run_forever(idle=0.2))
        deadline = t0 + timeout
        while len(delivered) < groups and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        t_emulator = (delivered[-1] if delivered else time.perf_counter()) - t0
        while time.perf_counter() < deadline:  # the outbox bookkeeping catches up
            pending = (await db.fetchone("SELECT COUNT(*) FROM outbox WHERE status != 'sent'"))[0]
            if pending == 0:
                break
            await asyncio.sleep(0.05)
        t_outbox = time.perf_counter() - t0
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bot.shutdown()
    rows = await db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    await db.close()
    per_chat = Counter(e["params"].get("chat_id") for e in emu.calls_to("sendMessage") if e["status"] == 200)
    per_group = Counter(len(emu.messages(c)) - 1 for c in chats)  # minus the group_chat_created message
    floor = groups / per_second
    return {
        "groups": groups,
        "limiter": limiter_kind,
        "limits": {"per_second": per_second, "per_group_per_minute": per_group_per_minute},
        "seconds_to_last_delivery": t_emulator,
        "seconds_to_outbox_done": t_outbox,
        "floor_seconds": floor,
        "ratio": t_emulator / floor,
        "delivered": len(delivered),
        "too_many_requests": emu.counters["too_many_requests"],
        "send_attempts": emu.calls.get("sendMessage", 0),
        "outbox": {r[0]: r[1] for r in rows},
        "groups_with_exactly_one": per_group.get(1, 0),
        "distinct_chats_sent": len(per_chat),
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    r = await run(args.groups, args.per_second, args.per_group_per_minute, args.timeout, args.limiter)
    ok_count = r["groups_with_exactly_one"] == r["groups"] == r["delivered"]
    met = r["ratio"] <= 1.10 and r["too_many_requests"] == 0 and ok_count
    print(f"limiter: {args.limiter}")
    print(
        table(
            [
                ("groups", "floor s", "measured s", "measured/floor", "429s", "one per group", "outbox"),
                (
                    str(r["groups"]),
                    f"{r['floor_seconds']:.1f}",
                    f"{r['seconds_to_last_delivery']:.1f}",
                    f"{r['ratio']:.3f}",
                    str(r["too_many_requests"]),
                    f"{r['groups_with_exactly_one']}/{r['groups']}",
                    str(r["outbox"]),
                ),
            ]
        )
    )
    print(f"target (<= 1.10 x floor, no 429, nothing lost): {'met' if met else 'MISSED'}")
    data = {"params": vars(args), **r, "target_met": met}
    print(f"results: {write_result(args.out, data)}")
    return data


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__.split("\n\n")[0])
    p.add_argument("--groups", type=int, default=1000)
    p.add_argument("--per-second", type=int, default=30)
    p.add_argument("--per-group-per-minute", type=int, default=20)
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument(
        "--limiter",
        choices=("app", "smooth"),
        default="app",
        help="app: AIORateLimiter() as the bot uses it (default); smooth: a proposed setting",
    )
    p.add_argument("--out", default="broadcast")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    data = asyncio.run(main_async(parse(argv)))
    return 0 if data["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
