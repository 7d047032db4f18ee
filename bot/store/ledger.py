"""Ledger queries: every ticket submitted in a period, streamed in chunks from one read snapshot.

One SELECT over `tickets` in id order (no sort), the per-ticket counts as correlated look-ups on the
(ticket_id, action, id) index; `fetchmany` keeps only one chunk in memory. Residents' names and
complaint texts are not even read unless asked for.
"""

from __future__ import annotations

from datetime import datetime
from typing import AsyncIterator

import aiosqlite

from bot.domain.ledger import Record
from bot.domain.reports import ACCEPT_ACTIONS
from bot.store.db import ts

CHUNK = 1000
_ACCEPT = ", ".join(f"'{a}'" for a in ACCEPT_ACTIONS)


def _count(*actions: str) -> str:
    names = ", ".join(f"'{a}'" for a in actions)
    return f"(SELECT COUNT(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.action IN ({names}))"


def _hours(kind: str, counted: bool = False) -> str:
    """A ticket's time-bank minutes of a kind (earn or pay), through the (ticket_id, …) unique index."""
    only = " AND b.counted_at IS NOT NULL" if counted else ""
    return f"(SELECT SUM(b.minutes) FROM time_bank b WHERE b.ticket_id = t.id AND b.kind = '{kind}'{only})"


def _select(with_text: bool, with_names: bool, grid_count: int | None) -> str:
    extra = ", t.text" if with_text else ", NULL"
    extra += ", u.first_name, t.resident_id" if with_names else ", NULL, NULL"
    where = "t.created_at >= ? AND t.created_at < ?"
    if grid_count is not None:
        where += f" AND t.grid IN ({', '.join('?' * grid_count)})"
    return (
        "SELECT t.id, t.kind, t.category, t.grid, t.status, t.created_at, "
        f"(SELECT e.at FROM ticket_events e WHERE e.ticket_id = t.id AND e.action IN ({_ACCEPT}) "
        f"ORDER BY e.id LIMIT 1), "
        "t.closed_at, t.done_at, t.resolve_due, COALESCE(t.closed_by, t.assignee_id), "
        f"{_count('decline', 'return')}, {_count('reassign', 'reroute')}, t.extension_count, "
        f"{_count('escalate')}, {_count('nudge')}, {_count('supervise')}, t.supervision, t.reopen_count, "
        f"t.outcome, t.rating, t.close_note, t.support_count, t.merged_into, "
        f"{_hours('earn')}, {_hours('earn', True)}, {_hours('pay')}{extra}, t.response_due, "
        "(SELECT c.result FROM callbacks c WHERE c.ticket_id = t.id) FROM tickets t "
        + ("LEFT JOIN users u ON u.tg_user_id = t.resident_id " if with_names else "")
        + f"WHERE {where} ORDER BY t.id"
    )


async def records(
    conn: aiosqlite.Connection,
    start: datetime,
    end: datetime,
    grids: list[str] | None,
    with_text: bool = False,
    with_names: bool = False,
    chunk: int = CHUNK,
) -> AsyncIterator[list[Record]]:
    """Tickets submitted in [start, end) (in these grids, if given), `chunk` at a time, by number."""
    params: list[object] = [ts(start), ts(end)] + list(grids or [])
    sql = _select(with_text, with_names, None if grids is None else len(grids))
    async with conn.execute(sql, params) as cur:
        while rows := await cur.fetchmany(chunk):
            yield [Record(*row) for row in rows]


async def staff_roles(conn: aiosqlite.Connection) -> tuple[dict[int, str], dict[int, list[tuple[str, str]]]]:
    """Every roster person's name and roles (grid, role): the roster is small next to the tickets."""
    names = {r[0]: r[1] for r in await conn.execute_fetchall("SELECT id, name FROM people")}
    roles: dict[int, list[tuple[str, str]]] = {}
    for pid, grid, role in await conn.execute_fetchall(
        "SELECT person_id, grid, role FROM roles ORDER BY person_id, grid, role"
    ):
        roles.setdefault(pid, []).append((grid, role))
    return names, roles
