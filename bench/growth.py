"""Growth with history: the sweep's selection and the report queries at 10k vs 1M tickets.

    python -m bench.growth [--small 10000] [--large 1000000] [--repeat 7]

Stores come from bench/generate.py (cached under bench/out/; the 1M store takes ~2 minutes the
first time). Both hold the same 2,000 unfinished tickets, 500 of them due at NOW.

Measured (median, and minimum, of --repeat warm runs, through the bot's own `Database` reader connection):
- sweep: the deadline sweep's selection (median of 40 x --repeat runs), exactly as in bot/services/sweep.py
  (`SELECT id FROM tickets WHERE next_due <= ? ORDER BY next_due LIMIT BATCH`). Target: 1M
  within 1.5x of 10k (the baseline).
- tally: `bot.store.reports.counts` for the last complete week and for the month so far (the two
  queries `bot.services.posts.weekly_tally` makes) vs a hand-written indexed SQL baseline that
  computes the same numbers (checked equal). Target: within 1.5x of the baseline.
- ranking: `bot.store.reports.rates` for the last complete month (what `posts.standings` ranks
  grids by) vs a hand-written baseline (checked equal). Target: within 1.5x.
- digest: `bot.store.reports.backlog` + `overdue_ids` for every grid for yesterday (what
  `posts.digests` queries) vs a hand-written baseline; reported as a ratio, and 1M vs 10k.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import config as config_mod
from bot.domain.periods import last_complete, month_of
from bot.domain.reports import Counts, Rates
from bot.services import posts
from bot.services import sweep as sweep_mod
from bot.store import reports
from bot.store.db import Database, ts
from bench.common import table, write_result
from bench.generate import NOW, generate

ACCEPT = "'accept', 'claim', 'take'"
FLAG = "'confirm', 'auto_confirm'"


class _Ctx:
    def __init__(self) -> None:
        self.config = config_mod.from_dict({}, "<bench>", None, need_token=False)


# --- the hand-written baselines -----------------------------------------------------------------


async def base_counts(conn, start, end) -> dict:
    """Accepted / completed / flags per (grid, person), written directly against the indexes:
    the accept range is an index-only scan of ticket_events(action, at, ticket_id); the first flag
    of a ticket is checked with NOT EXISTS on ticket_events(ticket_id, action, id)."""
    lo, hi = ts(start), ts(end)
    out: dict = {}
    rows = await conn.execute_fetchall(
        f"SELECT t.grid, e.actor_person_id, COUNT(DISTINCT e.ticket_id) FROM ticket_events e "
        f"JOIN tickets t ON t.id = e.ticket_id WHERE e.action IN ({ACCEPT}) AND e.at >= ? AND e.at < ? "
        f"AND e.actor_person_id IS NOT NULL GROUP BY 1, 2",
        (lo, hi),
    )
    for g, p, n in rows:
        out[(g, p)] = Counts(accepted=n)
    rows = await conn.execute_fetchall(
        f"SELECT t.grid, COALESCE(json_extract(e.detail, '$.credited'), t.closed_by) AS who, COUNT(*), "
        f"SUM(t.self_submitted = 0) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        f"WHERE e.action IN ({FLAG}) AND e.at >= ? AND e.at < ? AND NOT EXISTS (SELECT 1 FROM "
        "ticket_events f "
        f"WHERE f.ticket_id = e.ticket_id AND f.action IN ({FLAG}) AND f.id < e.id) "
        f"GROUP BY 1, 2 HAVING who IS NOT NULL",
        (lo, hi),
    )
    for g, p, done, flags in rows:
        out[(g, p)] = out.get((g, p), Counts()) + Counts(0, done, flags)
    return out


async def base_rates(conn, start, end, now, accept_seconds) -> dict:
    """The three rates' parts per (grid, person): submits in range by the action/at index, first
    accept by one probe of ticket_events(ticket_id, action, id) ORDER BY id LIMIT 1."""
    lo, hi, now_s = ts(start), ts(end), ts(now)
    longest = max(accept_seconds.values())
    values = ", ".join("(?, ?, ?)" for _ in accept_seconds)
    params = [x for (k, c), s in accept_seconds.items() for x in (k, c, s)]
    out: dict = {}

    def add(key, r):
        out[key] = out.get(key, Rates()) + r

    rows = await conn.execute_fetchall(
        f"WITH tiers(kind, category, secs) AS (VALUES {values}), "
        f"d AS (SELECT s.ticket_id AS tid, t.grid, t.assignee_id, "
        f"      s.at + COALESCE((SELECT secs FROM tiers WHERE kind = t.kind AND category = t.category), "
        f"                      (SELECT secs FROM tiers WHERE kind = t.kind AND category = '*')) AS deadline "
        f"      FROM ticket_events s JOIN tickets t ON t.id = s.ticket_id "
        f"      WHERE s.action = 'submit' AND s.at >= ? AND s.at < ?), "
        f"a AS (SELECT d.*, (SELECT x.id FROM ticket_events x WHERE x.ticket_id = d.tid AND x.action IN "
        f"({ACCEPT}) "
        f"      ORDER BY x.id LIMIT 1) AS first FROM d WHERE d.deadline >= ? AND d.deadline < ?) "
        f"SELECT a.grid, COALESCE(f.actor_person_id, a.assignee_id) AS who, "
        f"SUM(f.at IS NOT NULL AND f.at <= a.deadline), COUNT(*) FROM a LEFT JOIN ticket_events f ON f.id "
        "= a.first "
        f"WHERE f.at IS NOT NULL OR a.deadline <= ? GROUP BY 1, 2",
        (*params, lo - longest, hi, lo, hi, now_s),
    )
    for g, p, on_time, due in rows:
        add((g, p), Rates(on_time=on_time, due=due))
    rows = await conn.execute_fetchall(
        "SELECT t.grid, COALESCE(json_extract(e.detail, '$.credited'), json_extract(e.detail, '$.assignee'), "
        "t.closed_by), SUM(e.action = 'confirm'), COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = "
        "e.ticket_id "
        "WHERE e.action IN ('confirm', 'reopen') AND e.at >= ? AND e.at < ? GROUP BY 1, 2",
        (lo, hi),
    )
    for g, p, res, ev in rows:
        add((g, p), Rates(resolved=res, evaluated=ev))
    rows = await conn.execute_fetchall(
        "SELECT t.grid, t.closed_by, SUM(json_extract(e.detail, '$.stars') >= 4), COUNT(*) FROM "
        "ticket_events e "
        "JOIN tickets t ON t.id = e.ticket_id WHERE e.action = 'rate' AND e.at >= ? AND e.at < ? GROUP BY "
        "1, 2",
        (lo, hi),
    )
    for g, p, sat, n in rows:
        add((g, p), Rates(satisfied=sat, rated=n))
    return out


D = reports.DEADLINE


async def base_backlog(conn, start, end, now) -> tuple[dict, dict]:
    """Backlog per (grid, assignee) and overdue ids: unfinished tickets by their deadline (to accept,
    else to resolve) over every grid, new/reopened through the action/at index."""
    now_s, soon = ts(now), ts(now + timedelta(hours=24))
    out: dict = {}

    def add(key, b):
        out[key] = out.get(key, reports.Backlog()) + b

    rows = await conn.execute_fetchall(
        f"SELECT grid, assignee_id, COUNT(*), SUM({D} >= ? AND {D} < ?), SUM({D} < ?) FROM tickets "
        "WHERE status IN ('open', 'accepted') GROUP BY 1, 2",
        (now_s, soon, now_s),
    )
    for g, p, n, s, o in rows:
        add((g, p), reports.Backlog(open=n, due_soon=s or 0, overdue=o or 0))
    rows = await conn.execute_fetchall(
        "SELECT t.grid, json_extract(e.detail, '$.assignee'), SUM(e.action = 'submit'), SUM(e.action = "
        "'reopen') "
        "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.action IN ('submit', 'reopen') "
        "AND e.at >= ? AND e.at < ? GROUP BY 1, 2",
        (ts(start), ts(end)),
    )
    for g, p, new, re in rows:
        add((g, p), reports.Backlog(new=new, reopened=re))
    overdue: dict = {}
    for g, tid in await conn.execute_fetchall(
        f"SELECT grid, id FROM tickets WHERE {D} < ? AND status IN ('open', 'accepted') "
        f"ORDER BY {D} LIMIT 500",
        (now_s,),
    ):
        overdue.setdefault(g, []).append(tid)
    return out, overdue


# --- timing --------------------------------------------------------------------------------------


async def timed(fn: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    """Median and minimum of `repeat` warm runs (one untimed run first), and the result."""
    result = await fn()  # warm the cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), result


async def measure(path: Path, repeat: int) -> dict[str, Any]:
    db = await Database(path).open()
    conn = db.reader
    ctx = _Ctx()
    tz = ctx.config.timezone
    week = last_complete("week", NOW, tz)
    month_so_far = month_of(week.end - timedelta(seconds=1), tz).until(week.end)
    month = last_complete("month", NOW, tz)
    day = last_complete("day", NOW, tz)
    acc = posts.accept_seconds(ctx)
    codes = [r[0] for r in await conn.execute_fetchall("SELECT code FROM grids")]
    out: dict[str, Any] = {
        "tickets": (await db.fetchone("SELECT COUNT(*) FROM tickets"))[0],
        "events": (await db.fetchone("SELECT COUNT(*) FROM ticket_events"))[0],
    }

    async def sweep_select():
        return await db.fetchall(
            "SELECT id FROM tickets WHERE next_due <= ? ORDER BY next_due LIMIT ?", (ts(NOW), sweep_mod.BATCH)
        )

    async def tally():
        return (
            await reports.counts(conn, week.start, week.end),
            await reports.counts(conn, month_so_far.start, month_so_far.end),
        )

    async def tally_base():
        return (
            await base_counts(conn, week.start, week.end),
            await base_counts(conn, month_so_far.start, month_so_far.end),
        )

    async def ranking():
        return await reports.rates(conn, month.start, month.end, NOW, acc)

    async def ranking_base():
        return await base_rates(conn, month.start, month.end, NOW, acc)

    async def digest():
        return (
            await reports.backlog(conn, codes, day.start, day.end, NOW),
            await reports.overdue_ids(conn, codes, NOW, limit=500),
        )

    async def digest_base():
        return await base_backlog(conn, day.start, day.end, NOW)

    for name, fn in [
        ("sweep", sweep_select),
        ("tally", tally),
        ("tally_base", tally_base),
        ("ranking", ranking),
        ("ranking_base", ranking_base),
        ("digest", digest),
        ("digest_base", digest_base),
    ]:
        # the sweep's selection takes well under a millisecond: many more runs to see past the noise
        seconds, fastest, result = await timed(fn, repeat * 40 if name == "sweep" else repeat)
        out[name] = {"ms": seconds * 1000, "min_ms": fastest * 1000}
        out[name + "_result"] = result
    out["sweep"]["rows"] = len(out.pop("sweep_result"))
    for name in ("tally", "ranking", "digest"):
        mine, theirs = out.pop(name + "_base_result"), out.pop(name + "_result")
        out[name]["same_numbers"] = _normalise(mine) == _normalise(theirs)
        out[name]["groups"] = sum(len(x) for x in theirs) if isinstance(theirs, tuple) else len(theirs)
    await db.close()
    return out


def _normalise(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_normalise(v) for v in value)
    return {k: v for k, v in value.items() if v not in (Counts(), Rates(), reports.Backlog(), [])}


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    small = await measure(await asyncio.to_thread(generate, args.small, args.seed), args.repeat)
    large = await measure(await asyncio.to_thread(generate, args.large, args.seed), args.repeat)
    ratios = {
        "sweep_large_vs_small": large["sweep"]["ms"] / small["sweep"]["ms"],
        "sweep_large_vs_small_min": large["sweep"]["min_ms"] / small["sweep"]["min_ms"],
        "tally_vs_base_large": large["tally"]["ms"] / large["tally_base"]["ms"],
        "ranking_vs_base_large": large["ranking"]["ms"] / large["ranking_base"]["ms"],
        "digest_vs_base_large": large["digest"]["ms"] / large["digest_base"]["ms"],
        "tally_vs_base_small": small["tally"]["ms"] / small["tally_base"]["ms"],
        "ranking_vs_base_small": small["ranking"]["ms"] / small["ranking_base"]["ms"],
        "digest_vs_base_small": small["digest"]["ms"] / small["digest_base"]["ms"],
        "tally_large_vs_small": large["tally"]["ms"] / small["tally"]["ms"],
        "ranking_large_vs_small": large["ranking"]["ms"] / small["ranking"]["ms"],
        "digest_large_vs_small": large["digest"]["ms"] / small["digest"]["ms"],
    }
    rows = [("query", f"{small['tickets']:,} ms", f"{large['tickets']:,} ms", "large/small")]
    for q in ("sweep", "tally", "tally_base", "ranking", "ranking_base", "digest", "digest_base"):
        rows.append(
            (q, f"{small[q]['ms']:.2f}", f"{large[q]['ms']:.2f}", f"{large[q]['ms'] / small[q]['ms']:.2f}")
        )
    print(table(rows))
    targets = {
        "sweep (1M / 10k <= 1.5)": ratios["sweep_large_vs_small"] <= 1.5,
        "tally (reports / baseline <= 1.5 at 1M)": ratios["tally_vs_base_large"] <= 1.5,
        "ranking (reports / baseline <= 1.5 at 1M)": ratios["ranking_vs_base_large"] <= 1.5,
    }
    for k, v in ratios.items():
        print(f"{k:<26} {v:7.2f}")
    for k, v in targets.items():
        print(f"target {k}: {'met' if v else 'MISSED'}")
    same = all(x[q]["same_numbers"] for x in (small, large) for q in ("tally", "ranking", "digest"))
    print(f"baselines compute the same numbers as bot.store.reports: {same}")
    data = {
        "params": vars(args),
        "small": small,
        "large": large,
        "ratios": ratios,
        "targets": targets,
        "same_numbers": same,
    }
    print(f"results: {write_result(args.out, data)}")
    return data


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000)
    p.add_argument("--large", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--out", default="growth")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    asyncio.run(main_async(parse(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
