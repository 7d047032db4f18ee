"""Open311 queries: requests for the public board, one page at a time, and one request by number.

Reads only what a public board may show (no resident id, location or photo); the text and the
closing note only for the categories passed as public.
"""

from __future__ import annotations

import aiosqlite

from bot.domain.open311 import Filters, Public

_UPDATED = "(SELECT MAX(e.at) FROM ticket_events e WHERE e.ticket_id = t.id)"


def _columns(public: tuple[str, ...]) -> tuple[str, list[object]]:
    if not public:
        return "NULL, NULL", []
    marks = ", ".join("?" * len(public))
    return (
        f"CASE WHEN t.category IN ({marks}) THEN t.text END, "
        f"CASE WHEN t.category IN ({marks}) THEN t.close_note END"
    ), [*public, *public]


def _select(public: tuple[str, ...]) -> tuple[str, list[object]]:
    cols, params = _columns(public)
    return (
        f"SELECT t.id, t.kind, t.category, t.grid, t.status, t.created_at, "
        f"COALESCE({_UPDATED}, t.created_at), t.resolve_due, {cols} FROM tickets t"
    ), params


def _in(column: str, values: tuple) -> tuple[str, list[object]]:
    return f" AND {column} IN ({', '.join('?' * len(values))})", list(values)


async def requests(conn: aiosqlite.Connection, f: Filters, public: tuple[str, ...]) -> list[Public]:
    """The page of requests submitted in [f.start, f.end) matching the filters, newest first."""
    sql, params = _select(public)
    sql += " WHERE t.created_at >= ? AND t.created_at < ?"
    params += [f.start.timestamp(), f.end.timestamp()]
    for column, values in (("t.category", f.codes), ("t.status", f.statuses), ("t.id", f.ids)):
        if values:
            extra, more = _in(column, values)
            sql, params = sql + extra, params + more
    sql += " ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?"
    rows = await conn.execute_fetchall(sql, [*params, f.page_size, f.offset])
    return [Public(*r) for r in rows]


async def request(conn: aiosqlite.Connection, ticket_id: int, public: tuple[str, ...]) -> Public | None:
    """One request by number, or None."""
    sql, params = _select(public)
    rows = await conn.execute_fetchall(sql + " WHERE t.id = ?", [*params, ticket_id])
    return Public(*rows[0]) if rows else None


class Open311:
    """The public board's queries of a unit of work (a read over committed data)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def requests(self, f: Filters, public: tuple[str, ...]) -> list[Public]:
        """The requests matching the filters, as the public board may show them."""
        return await requests(self._conn, f, public)

    async def request(self, ticket_id: int, public: tuple[str, ...]) -> Public | None:
        """One request as the public board may show it, or None."""
        return await request(self._conn, ticket_id, public)
