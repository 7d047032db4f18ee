"""People, their roles on grids, Telegram users, and the grid tree."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.domain.tickets import Actor

_UP = """WITH RECURSIVE up(code, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT g.parent, up.depth + 1 FROM grids g JOIN up ON g.code = up.code
    WHERE g.parent IS NOT NULL AND up.depth < 32
)"""
_ANCESTRY = f"{_UP} SELECT code, depth FROM up ORDER BY depth"


@dataclass(frozen=True)
class Person:
    """A roster person: staff or volunteer."""

    id: int
    code: str
    name: str
    tg_user_id: int | None
    locale: str | None
    invite_code: str
    active: bool


def _person(row: aiosqlite.Row) -> Person:
    return Person(row["id"], row["code"], row["name"], row["tg_user_id"], row["locale"],
                  row["invite_code"], bool(row["active"]))


async def person_by_user(conn: aiosqlite.Connection, user_id: int) -> Person | None:
    """The active roster person bound to this Telegram user."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM people WHERE tg_user_id = ? AND active = 1", (user_id,))
    return _person(rows[0]) if rows else None


async def person(conn: aiosqlite.Connection, person_id: int) -> Person | None:
    """The roster person with this id."""
    rows = await conn.execute_fetchall("SELECT * FROM people WHERE id = ?", (person_id,))
    return _person(rows[0]) if rows else None


async def person_by_code(conn: aiosqlite.Connection, code: str) -> Person | None:
    """The roster person with this roster code."""
    rows = await conn.execute_fetchall("SELECT * FROM people WHERE code = ?", (code,))
    return _person(rows[0]) if rows else None


async def ancestry(conn: aiosqlite.Connection, grid: str) -> list[str]:
    """The grid itself, then its ancestors nearest first."""
    return [r[0] for r in await conn.execute_fetchall(_ANCESTRY, (grid,))]


async def grid(conn: aiosqlite.Connection, code: str) -> aiosqlite.Row | None:
    """The grid row with this code, matched regardless of letter case (an exact match first)."""
    rows = await conn.execute_fetchall("SELECT * FROM grids WHERE code = ? COLLATE NOCASE "
                                       "ORDER BY code = ? DESC, code LIMIT 1", (code, code))
    return rows[0] if rows else None


async def actor_for(conn: aiosqlite.Connection, user_id: int | None, grid_code: str) -> Actor:
    """The acting user with their roles on the grid itself and on the grids above it."""
    if user_id is None:
        return Actor(None)
    rows = await conn.execute_fetchall(
        f"{_UP} SELECT p.id, r.grid, r.role FROM people p LEFT JOIN roles r ON r.person_id = p.id "
        "AND r.grid IN (SELECT code FROM up) WHERE p.tg_user_id = ? AND p.active = 1", (grid_code, user_id))
    if not rows:
        return Actor(user_id)
    here = frozenset(r["role"] for r in rows if r["role"] and r["grid"] == grid_code)
    above = frozenset(r["role"] for r in rows if r["role"] and r["grid"] != grid_code)
    return Actor(user_id, rows[0]["id"], here, above)


async def holders(conn: aiosqlite.Connection, grid_code: str, role: str) -> list[int]:
    """Active people holding a role on exactly this grid, by id."""
    rows = await conn.execute_fetchall(
        "SELECT p.id FROM roles r JOIN people p ON p.id = r.person_id "
        "WHERE r.grid = ? AND r.role = ? AND p.active = 1 ORDER BY p.id", (grid_code, role))
    return [r[0] for r in rows]


async def ladder(conn: aiosqlite.Connection, grid_code: str) -> dict[str, list[int]]:
    """Leaders above a ticket, nearest first per role: small-group, big-grid, admin."""
    result: dict[str, list[int]] = {"small_leader": [], "big_leader": [], "admin": []}
    rows = await conn.execute_fetchall(
        f"{_UP} SELECT r.role, p.id FROM up JOIN roles r ON r.grid = up.code JOIN people p ON p.id = r.person_id "
        "WHERE p.active = 1 AND r.role IN ('small_leader', 'big_leader', 'admin') ORDER BY up.depth, p.id",
        (grid_code,))
    for role, person_id in rows:
        if person_id not in result[role]:
            result[role].append(person_id)
    return result


async def staff_grids(conn: aiosqlite.Connection, person_id: int) -> list[str]:
    """Every grid a person may see: those they hold a role on and all below them."""
    rows = await conn.execute_fetchall(
        "WITH RECURSIVE down(code) AS (SELECT grid FROM roles WHERE person_id = ? "
        "UNION SELECT g.code FROM grids g JOIN down ON g.parent = down.code) SELECT code FROM down",
        (person_id,))
    return [r[0] for r in rows]


async def grid_names(conn: aiosqlite.Connection, codes: list[str]) -> dict[str, str]:
    """Display names of grids by code."""
    if not codes:
        return {}
    rows = await conn.execute_fetchall(
        f"SELECT code, name FROM grids WHERE code IN ({', '.join('?' * len(codes))})", codes)
    return {r[0]: r[1] for r in rows}


async def touch_user(conn: aiosqlite.Connection, user_id: int, first_name: str | None,
                     language: str | None, started: bool = False) -> None:
    """Record a Telegram user we have seen; `started` once they open a private chat."""
    await conn.execute(
        "INSERT INTO users (tg_user_id, first_name, locale, started) VALUES (?, ?, NULL, ?) "
        "ON CONFLICT(tg_user_id) DO UPDATE SET first_name = COALESCE(excluded.first_name, first_name), "
        "started = MAX(started, excluded.started), blocked = CASE WHEN excluded.started THEN 0 ELSE blocked END",
        (user_id, first_name, int(started)))


async def user(conn: aiosqlite.Connection, user_id: int) -> aiosqlite.Row | None:
    """The users row of a Telegram user."""
    rows = await conn.execute_fetchall("SELECT * FROM users WHERE tg_user_id = ?", (user_id,))
    return rows[0] if rows else None


async def set_user_locale(conn: aiosqlite.Connection, user_id: int, locale: str) -> None:
    """Remember a user's chosen language."""
    await conn.execute("INSERT INTO users (tg_user_id, locale) VALUES (?, ?) "
                       "ON CONFLICT(tg_user_id) DO UPDATE SET locale = excluded.locale", (user_id, locale))


async def mark_blocked(conn: aiosqlite.Connection, user_id: int) -> None:
    """The user blocked the bot or never started it: reach them through groups instead."""
    await conn.execute("INSERT INTO users (tg_user_id, blocked) VALUES (?, 1) "
                       "ON CONFLICT(tg_user_id) DO UPDATE SET blocked = 1", (user_id,))
