"""Seeded generator of large stores: a county's grid tree, people, residents and years of tickets.

    python -m bench.generate --tickets 1000000 [--seed 1]

The store is the bot's own schema (every migration in bot/store/migrations applied by
`bot.store.db.Database`), filled deterministically from the seed:

- 100 communities x 10 big grids x 10 small grids = 10,000 small grids (11,100 grids), each small
  grid with a gridworker and a small-grid leader, each big grid a leader, each community an admin;
  one bound group per small grid;
- 100,000 residents (Telegram users), 10 per small grid;
- `tickets - 2,000` finished tickets spread over the 2 years before NOW, each with its event log
  (submit, accept, close, confirm or auto-confirm, a rating for some, a reopen + second close for a
  few: about 4.3 events per ticket);
- the same 2,000 unfinished tickets in every store (own RNG): open, accepted or closed, created in
  the last 5 days, 500 of them due at NOW (`next_due <= NOW`), the rest later.

Rows go in with executemany in one transaction, secondary indexes dropped during the load and
rebuilt after. Files are cached as bench/out/store-<tickets>-s<seed>-<schema hash>.sqlite3.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store.db import Database
from bench.common import OUT

NOW = datetime(2025, 6, 2, 0, 0, tzinfo=timezone(timedelta(hours=8))).astimezone(timezone.utc)  # a Monday
NOW_TS = NOW.timestamp()
YEARS = 2
COMMUNITIES, BIG, SMALL = 100, 10, 10
RESIDENTS_PER_GRID = 10
DUE_ITEMS, DUE_NOW = 2_000, 500
GENERATOR_VERSION = 1
CATEGORIES = ("policy", "dispute", "errand", "sanitation", "repair", "safety", "other")
TEXTS = (
    "楼道垃圾三天没人清运",
    "路灯坏了晚上很黑",
    "楼上漏水",
    "帮老人买菜",
    "邻居噪音扰民",
    "电动车楼道充电",
    "下水道堵塞",
    "帮忙代办社保卡",
    "小区门禁坏了",
    "绿化带被占用种菜",
)
HOUR, DAY = 3600.0, 86400.0
TICKET_COLS = (
    "id",
    "kind",
    "category",
    "grid",
    "resident_id",
    "origin_chat_id",
    "text",
    "status",
    "assignee_id",
    "closed_by",
    "close_note",
    "rating",
    "reopen_count",
    "self_submitted",
    "created_at",
    "accepted_at",
    "closed_at",
    "done_at",
    "accept_due",
    "resolve_due",
    "confirm_due",
    "next_due",
)
EVENT_COLS = (
    "ticket_id",
    "at",
    "actor_user_id",
    "actor_person_id",
    "action",
    "from_status",
    "to_status",
    "detail",
)


def schema_hash() -> str:
    folder = resources.files("bot.store") / "migrations"
    h = hashlib.sha1(str(GENERATOR_VERSION).encode())
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            h.update(entry.name.encode() + entry.read_bytes())
    return h.hexdigest()[:10]


def path_for(tickets: int, seed: int) -> Path:
    return OUT / f"store-{tickets}-s{seed}-{schema_hash()}.sqlite3"


def small_grid(i: int) -> str:
    return f"C{i // 100:03d}-{i // 10 % 10}-{i % 10}"


def worker_pid(i: int) -> int:  # person ids: workers 1..10000, small leaders 10001..20000, ...
    return 1 + i


def resident_uid(r: int) -> int:
    return 100_000_000 + r


def _tree(conn: sqlite3.Connection) -> None:
    grids, people, roles, groups = [], [], [], []
    pid = 20_001
    for c in range(COMMUNITIES):
        cc = f"C{c:03d}"
        grids.append((cc, f"第{c}社区", None, "community"))
        people.append((pid, f"a{c}", f"社区管理员{c}", 5_000_000 + pid, f"inv-a{c}"))
        roles.append((pid, cc, "admin"))
        pid += 1
        for b in range(BIG):
            bc = f"{cc}-{b}"
            grids.append((bc, f"第{c}社区第{b}大网格", cc, "big_grid"))
            people.append((pid, f"b{c}-{b}", f"大网格长{c}-{b}", 5_000_000 + pid, f"inv-b{c}-{b}"))
            roles.append((pid, bc, "big_leader"))
            pid += 1
    for i in range(COMMUNITIES * BIG * SMALL):
        code = small_grid(i)
        grids.append((code, f"网格{code}", code.rsplit("-", 1)[0], "small_grid"))
        people.append((worker_pid(i), f"w{i}", f"网格员{i}", 5_000_000 + worker_pid(i), f"inv-w{i}"))
        roles.append((worker_pid(i), code, "worker"))
        people.append((10_001 + i, f"s{i}", f"网格长{i}", 5_000_000 + 10_001 + i, f"inv-s{i}"))
        roles.append((10_001 + i, code, "small_leader"))
        groups.append((-(4_000_000_000 + i), code, f"网格群{code}", f"link{i}", NOW_TS - 800 * DAY))
    conn.executemany("INSERT INTO grids (code, name, parent, level) VALUES (?, ?, ?, ?)", grids)
    conn.executemany(
        "INSERT INTO people (id, code, name, tg_user_id, invite_code) VALUES (?, ?, ?, ?, ?)", people
    )
    conn.executemany("INSERT INTO roles (person_id, grid, role) VALUES (?, ?, ?)", roles)
    conn.executemany(
        "INSERT INTO groups (chat_id, grid, title, member, link_code, bound_by, bound_at) "
        "VALUES (?, ?, ?, 1, ?, 0, ?)",
        groups,
    )
    grids_n = COMMUNITIES * BIG * SMALL
    conn.executemany(
        "INSERT INTO users (tg_user_id, first_name, locale, started, home_grid) VALUES (?, ?, 'zh', ?, ?)",
        (
            (resident_uid(r), f"居民{r}", r % 3 == 0, small_grid(r // RESIDENTS_PER_GRID))
            for r in range(grids_n * RESIDENTS_PER_GRID)
        ),
    )


def _finished(rng: random.Random, tid: int, tickets: list, events: list) -> None:
    """One finished ticket and its event log."""
    grids_n = COMMUNITIES * BIG * SMALL
    r = rng.randrange(grids_n * RESIDENTS_PER_GRID)
    g = r // RESIDENTS_PER_GRID
    code, w, uid = small_grid(g), worker_pid(g), resident_uid(r)
    kind = "wish" if rng.random() < 0.3 else "complaint"
    cat = "errand" if kind == "wish" else CATEGORIES[rng.randrange(len(CATEGORIES))]
    created = NOW_TS - YEARS * 365 * DAY + rng.random() * (YEARS * 365 - 7) * DAY
    accept_within = (24 if kind == "wish" else 0.5 if cat == "safety" else 2) * HOUR
    self_sub = rng.random() < 0.02
    accepted = created + (
        rng.random() * accept_within if rng.random() < 0.9 else accept_within * (1 + rng.random())
    )
    closed = accepted + HOUR + rng.random() * 3 * DAY
    ev = [
        (tid, created, uid, None, "submit", None, "open", json.dumps({"assignee": w})),
        (tid, accepted, 5_000_000 + w, w, "accept", "open", "accepted", "{}"),
        (tid, closed, 5_000_000 + w, w, "close", "accepted", "closed", '{"note": "已处理"}'),
    ]
    reopens = 0
    if rng.random() < 0.05:
        reopened = closed + rng.random() * DAY
        closed = reopened + HOUR + rng.random() * DAY
        reopens = 1
        ev += [
            (tid, reopened, uid, None, "reopen", "closed", "accepted", json.dumps({"assignee": w})),
            (tid, closed, 5_000_000 + w, w, "close", "accepted", "closed", '{"note": "再次处理"}'),
        ]
    rating = None
    if rng.random() < 0.65:
        done = closed + 600 + rng.random() * 2 * DAY
        ev.append((tid, done, uid, None, "confirm", "closed", "done", json.dumps({"credited": w})))
        if rng.random() < 0.45:
            rating = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
            ev.append((tid, done + 60, uid, None, "rate", "done", "done", json.dumps({"stars": rating})))
    else:
        done = closed + 3 * DAY
        ev.append((tid, done, None, None, "auto_confirm", "closed", "done", json.dumps({"credited": w})))
    tickets.append(
        (
            tid,
            kind,
            cat,
            code,
            uid,
            -(4_000_000_000 + g),
            TEXTS[tid % len(TEXTS)],
            "done",
            w,
            w,
            "已处理",
            rating,
            reopens,
            int(self_sub),
            created,
            accepted,
            closed,
            done,
            None,
            created + 3 * DAY,
            None,
            None,
        )
    )
    events.extend(ev)


def _unfinished(rng: random.Random, tid: int, n: int, tickets: list, events: list) -> None:
    """One of the DUE_ITEMS unfinished tickets; the first DUE_NOW are due at NOW."""
    grids_n = COMMUNITIES * BIG * SMALL
    r = rng.randrange(grids_n * RESIDENTS_PER_GRID)
    g = r // RESIDENTS_PER_GRID
    code, w, uid = small_grid(g), worker_pid(g), resident_uid(r)
    created = NOW_TS - rng.random() * 5 * DAY
    due = NOW_TS - rng.random() * DAY if n < DUE_NOW else NOW_TS + 60 + rng.random() * 3 * DAY
    status = ("open", "accepted", "closed")[n % 3]
    ev = [(tid, created, uid, None, "submit", None, "open", json.dumps({"assignee": w}))]
    accepted = closed = confirm_due = None
    if status != "open":
        accepted = created + rng.random() * HOUR
        ev.append((tid, accepted, 5_000_000 + w, w, "accept", "open", "accepted", "{}"))
    if status == "closed":
        closed, confirm_due = accepted + HOUR, due
        ev.append((tid, closed, 5_000_000 + w, w, "close", "accepted", "closed", '{"note": "已处理"}'))
    tickets.append(
        (
            tid,
            "complaint",
            "sanitation",
            code,
            uid,
            -(4_000_000_000 + g),
            TEXTS[tid % len(TEXTS)],
            status,
            w,
            w if closed else None,
            None,
            None,
            0,
            0,
            created,
            accepted,
            closed,
            None,
            created + 2 * HOUR if status == "open" else None,
            created + 3 * DAY,
            confirm_due,
            due,
        )
    )
    events.extend(ev)


def generate(tickets: int, seed: int = 1, path: Path | None = None, quiet: bool = False) -> Path:
    """Build (or reuse) the store with `tickets` tickets; returns its path."""
    path = path or path_for(tickets, seed)
    if path.exists():
        return path
    t0 = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)

    async def schema() -> None:
        db = await Database(tmp).open()
        await db.close()

    asyncio.run(schema())
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('tickets', 'ticket_events')"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    _tree(conn)
    historical = max(0, tickets - DUE_ITEMS)
    rng, due_rng = random.Random(seed), random.Random(seed * 7919 + 1)
    tq = f"INSERT INTO tickets ({', '.join(TICKET_COLS)}) VALUES ({', '.join('?' * len(TICKET_COLS))})"
    eq = f"INSERT INTO ticket_events ({', '.join(EVENT_COLS)}) VALUES ({', '.join('?' * len(EVENT_COLS))})"
    chunk = 100_000
    for start in range(0, historical, chunk):
        ts_rows: list = []
        ev_rows: list = []
        for tid in range(start + 1, min(historical, start + chunk) + 1):
            _finished(rng, tid, ts_rows, ev_rows)
        ev_rows.sort(key=lambda e: e[1])  # the log is written in time order, as the bot does
        conn.executemany(tq, ts_rows)
        conn.executemany(eq, ev_rows)
        if not quiet:
            print(f"  {start + len(ts_rows):>9,} tickets  {time.perf_counter() - t0:6.1f} s", flush=True)
    ts_rows, ev_rows = [], []
    for n in range(min(DUE_ITEMS, tickets)):
        _unfinished(due_rng, historical + n + 1, n, ts_rows, ev_rows)
    conn.executemany(tq, ts_rows)
    conn.executemany(eq, ev_rows)
    for name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    tmp.rename(path)
    if not quiet:
        print(
            f"generated {path.name}: {tickets:,} tickets in {time.perf_counter() - t0:.1f} s "
            f"({path.stat().st_size / 2**20:.0f} MiB)"
        )
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    print(generate(args.tickets, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
