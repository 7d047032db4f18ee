"""The three rates (docs/metrics.md) by indexed SQL: response, resolution, satisfaction per (grid, person).

Times are epoch seconds; `[start, end)` is half-open. Re-exported as bot.store.reports.rates.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.reports import ACCEPT_ACTIONS, Rates
from bot.store.db import ts

Key = tuple[str, int | None]  # (grid code, person id)
_ACCEPT = ", ".join(map(repr, ACCEPT_ACTIONS))
# Each ticket's first accept deadline: the stored one (response_due), else, for tickets from before it
# was stored, submission + the tier's accept time (`tiers`, with (kind, '*') as the fallback).
_DUE = (
    "due AS (SELECT t.id AS ticket_id, t.grid, t.assignee_id, t.response_due AS deadline "
    "    FROM tickets t WHERE t.response_due >= ? AND t.response_due < ? "
    "  UNION ALL "
    "  SELECT s.ticket_id, t.grid, t.assignee_id, s.at + COALESCE(tc.secs, td.secs) AS deadline "
    "    FROM ticket_events s JOIN tickets t ON t.id = s.ticket_id "
    "    LEFT JOIN tiers tc ON tc.kind = t.kind AND tc.category = t.category "
    "    LEFT JOIN tiers td ON td.kind = t.kind AND td.category = '*' "
    "    WHERE s.action = 'submit' AND s.at >= ? AND s.at < ? AND t.response_due IS NULL)"
)
_FIRSTS = (
    "firsts AS (SELECT d.*, a.at AS accepted_at, a.actor_person_id AS acceptor FROM due d "
    "    LEFT JOIN ticket_events a ON a.id = (SELECT MIN(x.id) FROM ticket_events x "
    f"        WHERE x.ticket_id = d.ticket_id AND x.action IN ({_ACCEPT})) "
    "    WHERE d.deadline >= ? AND d.deadline < ?)"
)


def _tier_rows(accept_seconds: dict[tuple[str, str], float]) -> tuple[str, list]:
    values = ", ".join("(?, ?, ?)" for _ in accept_seconds)
    params = [x for (kind, cat), secs in accept_seconds.items() for x in (kind, cat, secs)]
    return values, params


async def response(
    conn: aiosqlite.Connection, lo: float, hi: float, now: float, accept_seconds: dict[tuple[str, str], float]
) -> dict[Key, Rates]:
    """Tickets whose first accept deadline fell in [lo, hi) and that were accepted or whose deadline has
    passed by `now`; on time if first accepted by it. Credited to whoever accepted it, else its holder."""
    values, params = _tier_rows(accept_seconds)
    longest = max(accept_seconds.values(), default=0.0)
    rows = await conn.execute_fetchall(
        f"WITH tiers(kind, category, secs) AS (VALUES {values}), {_DUE}, {_FIRSTS} "
        "SELECT grid, COALESCE(acceptor, assignee_id) AS who, "
        "       SUM(accepted_at IS NOT NULL AND accepted_at <= deadline), COUNT(*) "
        "FROM firsts WHERE accepted_at IS NOT NULL OR deadline <= ? GROUP BY grid, who",
        (*params, lo, hi, lo - longest, hi, lo, hi, now),
    )
    return {(grid, who): Rates(on_time=on_time, due=due) for grid, who, on_time, due in rows}


async def resolution(conn: aiosqlite.Connection, lo: float, hi: float) -> dict[Key, Rates]:
    """The resident's verdicts in the period (confirm of a resolved ticket = resolved; confirm of an
    explained or not-ours one and reopen = not; referred ones are the agency's, left out), to the closer."""
    rows = await conn.execute_fetchall(
        "SELECT t.grid, COALESCE(json_extract(e.detail, '$.credited'), json_extract(e.detail, '$.assignee'), "
        "t.closed_by) AS who, SUM(e.action = 'confirm' AND COALESCE(json_extract(e.detail, '$.outcome'), "
        "'resolved') = 'resolved'), COUNT(*) FROM ticket_events e "
        "JOIN tickets t ON t.id = e.ticket_id WHERE e.action IN ('confirm', 'reopen') "
        "AND COALESCE(json_extract(e.detail, '$.outcome'), '') != 'referred' "
        "AND e.at >= ? AND e.at < ? GROUP BY t.grid, who",
        (lo, hi),
    )
    return {(grid, who): Rates(resolved=resolved, evaluated=n) for grid, who, resolved, n in rows}


async def satisfaction(conn: aiosqlite.Connection, lo: float, hi: float) -> dict[Key, Rates]:
    """Ratings given in the period, 4 or 5 stars satisfied, credited to the closer."""
    rows = await conn.execute_fetchall(
        "SELECT t.grid, t.closed_by, SUM(json_extract(e.detail, '$.stars') >= 4), COUNT(*) "
        "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.action = 'rate' "
        "AND e.at >= ? AND e.at < ? GROUP BY t.grid, t.closed_by",
        (lo, hi),
    )
    return {(grid, who): Rates(satisfied=satisfied, rated=rated) for grid, who, satisfied, rated in rows}


async def rates(
    conn: aiosqlite.Connection,
    start: datetime,
    end: datetime,
    now: datetime,
    accept_seconds: dict[tuple[str, str], float],
) -> dict[Key, Rates]:
    """The three rates' numerators and denominators per (grid, person) for [start, end) (docs/metrics.md);
    `accept_seconds[(kind, category)]` is each tier's accept time, for tickets without a stored deadline."""
    lo, hi = ts(start), ts(end)
    result: dict[Key, Rates] = {}
    for part in (
        await response(conn, lo, hi, ts(now), accept_seconds),
        await resolution(conn, lo, hi),
        await satisfaction(conn, lo, hi),
    ):
        for key, r in part.items():
            result[key] = result.get(key, Rates()) + r
    return result
