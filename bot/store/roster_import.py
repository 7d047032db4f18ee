"""The roster as stored (grids; people with their roles) and the writes a roster import makes."""

from __future__ import annotations

import secrets

import aiosqlite

from bot.domain.roster import Roster
from bot.domain.roster_diff import StoredGrid, StoredPerson
from bot.store.people import ROSTER_LOCALE


class Rosters:
    """The roster as stored and the writes of one import, inside its unit of work."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def grids(self) -> dict[str, StoredGrid]:
        """Every grid by code."""
        rows = await self._conn.execute_fetchall("SELECT code, name, parent, level FROM grids")
        return {r[0]: StoredGrid(r[1], r[2], r[3]) for r in rows}

    async def people(self) -> dict[str, StoredPerson]:
        """Every roster person by code, with their roles."""
        roles: dict[int, set[tuple[str, str]]] = {}
        for pid, grid, role in await self._conn.execute_fetchall("SELECT person_id, grid, role FROM roles"):
            roles.setdefault(pid, set()).add((grid, role))
        rows = await self._conn.execute_fetchall(
            "SELECT id, code, name, phone, tg_user_id, locale, active FROM people"
        )
        return {
            r[1]: StoredPerson(r[2], r[3], r[4], r[5], bool(r[6]), frozenset(roles.get(r[0], ())))
            for r in rows
        }

    async def write_grids(self, roster: Roster) -> None:
        """Insert or update every grid of the file."""
        await self._conn.executemany(
            "INSERT INTO grids (code, name, parent, level) VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE "
            "SET name = excluded.name, parent = excluded.parent, level = excluded.level",
            [(g.code, g.name, g.parent, g.level) for g in roster.grids],
        )

    async def write_people(self, roster: Roster) -> None:
        """Insert or update every person of the file and replace their roles; a Telegram account named
        in the file moves to the person the file now names."""
        ids = [p.telegram_id for p in roster.people if p.telegram_id]
        if ids:
            await self._conn.execute(
                f"UPDATE people SET tg_user_id = NULL WHERE tg_user_id IN ({', '.join('?' * len(ids))}) "
                f"AND code NOT IN ({', '.join('?' * len(roster.people))})",
                (*ids, *(p.code for p in roster.people)),
            )
        for p in roster.people:
            await self._conn.execute(
                "INSERT INTO people (code, name, phone, tg_user_id, locale, invite_code) VALUES (?, ?, ?, ?, "
                "?, ?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, phone = excluded.phone, "
                "tg_user_id = COALESCE(excluded.tg_user_id, tg_user_id), locale = excluded.locale, "
                "active = 1",
                (p.code, p.name, p.phone, p.telegram_id, p.locale, secrets.token_urlsafe(9)),
            )
            pid = (await self._conn.execute_fetchall("SELECT id FROM people WHERE code = ?", (p.code,)))[0][0]
            await self._conn.execute("DELETE FROM roles WHERE person_id = ?", (pid,))
            await self._conn.executemany(
                "INSERT OR IGNORE INTO roles (person_id, grid, role) VALUES (?, ?, ?)",
                [(pid, r.grid, r.role) for r in p.roles],
            )

    async def deactivate(self, codes: list[str]) -> None:
        """Deactivate these people and drop their roles."""
        for code in codes:
            await self._conn.execute(
                "DELETE FROM roles WHERE person_id = (SELECT id FROM people WHERE code = ?)", (code,)
            )
            await self._conn.execute("UPDATE people SET active = 0 WHERE code = ?", (code,))

    async def refresh_roster_locales(self) -> None:
        """Copy each bound person's roster language onto their Telegram user row."""
        await self._conn.execute(f"UPDATE users SET roster_locale = {ROSTER_LOCALE}")

    async def invites(self) -> list[tuple[str, str, str]]:
        """(code, name, invite code) of active people not yet bound to a Telegram account."""
        rows = await self._conn.execute_fetchall(
            "SELECT code, name, invite_code FROM people WHERE active = 1 AND tg_user_id IS NULL ORDER BY code"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def names(self, person_ids: list[int]) -> dict[int, str]:
        """Names of roster people by id."""
        if not person_ids:
            return {}
        rows = await self._conn.execute_fetchall(
            f"SELECT id, name FROM people WHERE id IN ({', '.join('?' * len(person_ids))})", person_ids
        )
        return {r[0]: r[1] for r in rows}

    async def defer_foreign_keys(self) -> None:
        """Check foreign keys at commit, so that grids and people can be written in any order."""
        await self._conn.execute("PRAGMA defer_foreign_keys = ON")
