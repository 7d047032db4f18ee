"""SQL statements and write transactions per ticket: submit, accept, deliver, counted in-process.

    python -m bench.statements [--tickets 3]

A bound group, the demo roster; per ticket a resident sends `/complain …` in the group, the outbox is
delivered, the assignee presses Accept, the outbox is delivered again. Every statement is counted
(BEGIN and COMMIT too); which of them made a trip to aiosqlite's worker thread (the others ran on
the event loop's thread, in or opening a write transaction: `bot/store/connection.py`); and every
COMMIT (one write transaction; a unit of work's first write opens it in the same statement). The
Telegram side is the tests' fake transport, so only the store is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite

from bench.common import table, write_result
from bot.store import connection
from tests.harness import Harness

GROUP, ADMIN, LEADER, RESIDENT = -100, 9001, 9003, 5001
TRACE = bool(os.environ.get("TRACE_SQL"))


class Trips:
    """Counts statements (every call into the store's connections, per SQL verb) and which of them
    went through aiosqlite's thread (trips), while active."""

    def __init__(self) -> None:
        self.verbs: Counter[str] = Counter()
        self.thread: Counter[str] = Counter()
        self.on = True

    @property
    def statements(self) -> int:
        """Every statement, BEGIN and COMMIT (a cursor's fetch counts too)."""
        return sum(self.verbs.values())

    @property
    def trips(self) -> int:
        """The statements that went through the database thread."""
        return sum(self.thread.values())

    @property
    def writes(self) -> int:
        """Write transactions (each ends with one COMMIT)."""
        return self.verbs["COMMIT"]

    def _counter(self, original: Any, verbs: Counter[str]) -> Any:
        async def counted(conn: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            if self.on:
                sql = args[0] if args and isinstance(args[0], str) else getattr(fn, "__name__", "call")
                verbs[sql.split()[0].upper() if sql.strip() else "?"] += 1
                if TRACE:
                    print(("trip " if verbs is self.thread else "") + " ".join(sql.split())[:150])
            return await original(conn, fn, *args, **kwargs)

        return counted

    @contextmanager
    def counting(self) -> Iterator["Trips"]:
        """Count every statement and every trip to the thread made inside the block."""
        statement, trip = connection.Connection._execute, aiosqlite.Connection._execute
        connection.Connection._execute = self._counter(statement, self.verbs)  # type: ignore[method-assign]
        aiosqlite.Connection._execute = self._counter(trip, self.thread)  # type: ignore[method-assign]
        try:
            yield self
        finally:
            connection.Connection._execute = statement  # type: ignore[method-assign]
            aiosqlite.Connection._execute = trip  # type: ignore[method-assign]


async def _bound(bot: Harness) -> None:
    me = {"id": 777, "is_bot": True, "first_name": "G"}
    await bot.feed(
        {
            "my_chat_member": {
                "chat": bot.chat(GROUP),
                "from": bot.user(ADMIN),
                "date": 0,
                "old_chat_member": {"status": "left", "user": me},
                "new_chat_member": {"status": "member", "user": me},
            }
        }
    )
    await bot.say(LEADER, GROUP, "/bind GN-1-1")


async def _ticket(bot: Harness, trips: Trips, n: int) -> None:
    await bot.say(RESIDENT + n, GROUP, f"/complain 路灯坏了 {n}")
    trips.on = False  # the benchmark's own look-ups are not counted
    row = await bot.ctx.db.fetchone(
        "SELECT t.id, p.tg_user_id FROM tickets t JOIN people p "
        "ON p.id = t.assignee_id ORDER BY t.id DESC LIMIT 1"
    )
    trips.on = True
    await bot.press(row[1], row[1], 1, f"t:{row[0]}:acc")
    trips.on = False
    status = await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = ?", (row[0],))
    trips.on = True
    assert status[0] == "accepted", status[0]


async def measure(tickets: int) -> dict[str, Any]:
    """Statements and write transactions per ticket, averaged over `tickets` tickets."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = await Harness(Path(tmp)).start()
        bot.app.bot_data["delivery_task"].cancel()  # delivery runs only when the scenario asks for it
        try:
            await _bound(bot)
            trips = Trips()
            with trips.counting():
                for n in range(tickets):
                    await _ticket(bot, trips, n)
        finally:
            await bot.stop()
    return {
        "tickets": tickets,
        "statements_per_ticket": trips.statements / tickets,
        "trips_per_ticket": trips.trips / tickets,
        "trips_by_verb_per_ticket": {k: v / tickets for k, v in trips.thread.most_common()},
        "write_transactions_per_ticket": trips.writes / tickets,
        "by_verb_per_ticket": {k: v / tickets for k, v in trips.verbs.most_common()},
    }


def main(argv: list[str] | None = None) -> int:
    """Run, print a table, write bench/out/<out>.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=3)
    ap.add_argument("--out", default="statements")
    args = ap.parse_args(argv)
    r = asyncio.run(measure(args.tickets))
    print(
        table(
            [
                ("per ticket", "count"),
                ("SQL statements", f"{r['statements_per_ticket']:.1f}"),
                *((f"  {verb}", f"{n:.1f}") for verb, n in r["by_verb_per_ticket"].items()),
                ("trips to the database thread", f"{r['trips_per_ticket']:.1f}"),
                *((f"  {verb}", f"{n:.1f}") for verb, n in r["trips_by_verb_per_ticket"].items()),
                ("write transactions", f"{r['write_transactions_per_ticket']:.1f}"),
            ]
        )
    )
    write_result(args.out, r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
