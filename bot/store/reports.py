"""Report queries: tallies, rates and backlog by indexed SQL over the event log joined to tickets.

Every query aggregates in SQLite and returns one row per (grid, person) at most: tickets are never
loaded into memory. Times are epoch seconds; `[start, end)` is half-open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

import aiosqlite

from bot.domain.reports import ACCEPT_ACTIONS, FLAG_ACTIONS, REOPEN_ACTIONS, Counts
from bot.store.rates import rates as rates  # the three rates: bot/store/rates.py
from bot.store.db import dt, ts

Key = tuple[str, int | None]  # (grid code, person id)

_ACCEPT, _FLAG, _REOPEN = (", ".join(map(repr, x)) for x in (ACCEPT_ACTIONS, FLAG_ACTIONS, REOPEN_ACTIONS))
# An unfinished ticket's deadline as bot.domain.deadlines.urgency reads it (Ticket.watched): to
# accept while open, else to resolve. Never next_due, the next reminder or escalation step.
DEADLINE = "(CASE WHEN status = 'open' AND accept_due IS NOT NULL THEN accept_due ELSE resolve_due END)"


@dataclass(frozen=True)
class Grid:
    """A grid of the tree."""

    code: str
    name: str
    parent: str | None
    level: str


@dataclass(frozen=True)
class Staff:
    """A roster person's role on a grid."""

    person_id: int
    name: str
    tg_user_id: int | None
    grid: str
    role: str


async def grids(conn: aiosqlite.Connection) -> dict[str, Grid]:
    """The whole grid tree by code (small: one row per grid)."""
    rows = await conn.execute_fetchall("SELECT code, name, parent, level FROM grids ORDER BY code")
    return {r[0]: Grid(r[0], r[1], r[2], r[3]) for r in rows}


async def staff(conn: aiosqlite.Connection, roles: Iterable[str]) -> list[Staff]:
    """Active people holding any of these roles, with the grid they hold it on."""
    roles = list(roles)
    rows = await conn.execute_fetchall(
        f"SELECT p.id, p.name, p.tg_user_id, r.grid, r.role FROM roles r JOIN people p ON p.id = r.person_id "
        f"WHERE p.active = 1 AND r.role IN ({', '.join('?' * len(roles))}) ORDER BY p.id",
        roles,
    )
    return [Staff(*r) for r in rows]


async def names(conn: aiosqlite.Connection, person_ids: Iterable[int]) -> dict[int, str]:
    """Roster names by person id."""
    ids = sorted({p for p in person_ids if p is not None})
    if not ids:
        return {}
    rows = await conn.execute_fetchall(
        f"SELECT id, name FROM people WHERE id IN ({', '.join('?' * len(ids))})", ids
    )
    return {r[0]: r[1] for r in rows}


async def bound_groups(conn: aiosqlite.Connection) -> list[aiosqlite.Row]:
    """Groups bound to a grid where the bot still is."""
    return list(
        await conn.execute_fetchall(
            "SELECT * FROM groups WHERE grid IS NOT NULL AND member = 1 ORDER BY chat_id"
        )
    )


# --- tallies -----------------------------------------------------------------------------------


async def counts(conn: aiosqlite.Connection, start: datetime, end: datetime) -> dict[Key, Counts]:
    """Accepted, completed and red flags per (grid, person) for [start, end).

    accepted: distinct tickets the person accepted, claimed or took over in the period;
    completed: tickets done (first confirm or auto-confirm) in the period, credited to the closer;
    flags: the completed ones not submitted by a worker themselves.
    """
    lo, hi = ts(start), ts(end)
    result: dict[Key, Counts] = {}
    rows = await conn.execute_fetchall(
        f"SELECT t.grid, e.actor_person_id, COUNT(DISTINCT e.ticket_id) FROM ticket_events e "
        f"JOIN tickets t ON t.id = e.ticket_id WHERE e.action IN ({_ACCEPT}) AND e.at >= ? AND e.at < ? "
        f"AND e.actor_person_id IS NOT NULL GROUP BY t.grid, e.actor_person_id",
        (lo, hi),
    )
    for grid, person, n in rows:
        result[(grid, person)] = Counts(accepted=n)
    for grid, person, done, flags, _last in await _done(conn, lo, hi):
        result[(grid, person)] = result.get((grid, person), Counts()) + Counts(0, done, flags)
    return result


_FLAGGED = "(t.self_submitted = 0 AND COALESCE(t.outcome, 'resolved') = 'resolved')"  # casework.flag_earner


async def _done(conn: aiosqlite.Connection, lo: float, hi: float) -> list[aiosqlite.Row]:
    """(grid, credited person, completed, flags, last flag time) for tickets first done in [lo, hi)."""
    return list(
        await conn.execute_fetchall(
            f"SELECT t.grid, COALESCE(json_extract(e.detail, '$.credited'), t.closed_by) AS who, COUNT(*), "
            f"SUM({_FLAGGED}), MAX(CASE WHEN {_FLAGGED} THEN e.at END) "
            f"FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            f"WHERE e.action IN ({_FLAG}) AND e.at >= ? AND e.at < ? "
            f"AND e.id = (SELECT MIN(f.id) FROM ticket_events f WHERE f.ticket_id = e.ticket_id "
            f"            AND f.action IN ({_FLAG})) "
            f"GROUP BY t.grid, who HAVING who IS NOT NULL",
            (lo, hi),
        )
    )


async def last_flags(conn: aiosqlite.Connection, start: datetime, end: datetime) -> dict[Key, datetime]:
    """When each (grid, person) earned their last red flag in [start, end) (the stars' tie-break)."""
    return {(r[0], r[1]): dt(r[4]) for r in await _done(conn, ts(start), ts(end)) if r[4] is not None}


# --- digests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    """A (grid, person)'s current and recent work for a digest."""

    new: int = 0
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    reopened: int = 0

    def __add__(self, o: "Backlog") -> "Backlog":
        return Backlog(
            self.new + o.new,
            self.open + o.open,
            self.due_soon + o.due_soon,
            self.overdue + o.overdue,
            self.reopened + o.reopened,
        )


async def backlog(
    conn: aiosqlite.Connection, grid_codes: list[str], start: datetime, end: datetime, now: datetime
) -> dict[Key, Backlog]:
    """Per (grid, assignee): new since `start` (submitted in [start, end)), open now (waiting or in
    hand), due within 24 h, overdue, and reopened in [start, end) (by the resident or by a call-back)."""
    if not grid_codes:
        return {}
    marks = ", ".join("?" * len(grid_codes))
    now_s, soon = ts(now), ts(now + timedelta(hours=24))
    result: dict[Key, Backlog] = {}

    def add(key: Key, b: Backlog) -> None:
        result[key] = result.get(key, Backlog()) + b

    rows = await conn.execute_fetchall(
        f"SELECT grid, assignee_id, COUNT(*), SUM({DEADLINE} >= ? AND {DEADLINE} < ?), SUM({DEADLINE} < ?) "
        f"FROM tickets WHERE grid IN ({marks}) AND status IN ('open', 'accepted') GROUP BY grid, assignee_id",
        (now_s, soon, now_s, *grid_codes),
    )
    for grid, who, n, due_soon, overdue in rows:
        add((grid, who), Backlog(open=n, due_soon=due_soon or 0, overdue=overdue or 0))
    rows = await conn.execute_fetchall(
        f"SELECT t.grid, json_extract(e.detail, '$.assignee') AS who, SUM(e.action = 'submit'), "
        f"SUM(e.action IN ({_REOPEN})) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        f"WHERE e.action IN ('submit', {_REOPEN}) AND e.at >= ? AND e.at < ? AND t.grid IN ({marks}) "
        f"GROUP BY t.grid, who",
        (ts(start), ts(end), *grid_codes),
    )
    for grid, who, new, reopened in rows:
        add((grid, who), Backlog(new=new, reopened=reopened))
    return result


async def overdue_ids(
    conn: aiosqlite.Connection, grid_codes: list[str], now: datetime, limit: int = 30
) -> dict[str, list[int]]:
    """Numbers of overdue unfinished tickets per grid, most overdue first (numbers only: no texts)."""
    if not grid_codes:
        return {}
    rows = await conn.execute_fetchall(
        f"SELECT grid, id FROM tickets WHERE grid IN ({', '.join('?' * len(grid_codes))}) "
        f"AND status IN ('open', 'accepted') AND {DEADLINE} < ? ORDER BY {DEADLINE} LIMIT ?",
        (*grid_codes, ts(now), limit),
    )
    found: dict[str, list[int]] = {}
    for grid, tid in rows:
        found.setdefault(grid, []).append(tid)
    return found


# --- posts -------------------------------------------------------------------------------------


async def claim_post(conn: aiosqlite.Connection, kind: str, period: str, chat_id: int, now: datetime) -> bool:
    """Record that this chat got this period's post; False if it already had (post nothing then)."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO posts (kind, period, chat_id, at) VALUES (?, ?, ?, ?)",
        (kind, period, chat_id, ts(now)),
    )
    return cur.rowcount == 1


async def posted(conn: aiosqlite.Connection, kind: str, period: str) -> set[int]:
    """Chats that already got this period's post."""
    rows = await conn.execute_fetchall(
        "SELECT chat_id FROM posts WHERE kind = ? AND period = ?", (kind, period)
    )
    return {r[0] for r in rows}
