"""People, their roles on grids, Telegram users, and the grid tree."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.domain.language import from_telegram
from bot.domain.records import Grid, Person, StaffLabel, User
from bot.domain.tickets import Actor
from bot.store import nearby
from bot.store.seen import Seen, person_of, user_of

__all__ = ["People", "Person", "person_of", "user_of"]

_UP = """WITH RECURSIVE up(code, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT g.parent, up.depth + 1 FROM grids g JOIN up ON g.code = up.code
    WHERE g.parent IS NOT NULL AND up.depth < 32
)"""
_LEADERS = ("small_leader", "big_leader", "admin")
# A user's roster language, for `UPDATE users SET roster_locale = …` (kept with the user: see touch).
ROSTER_LOCALE = "(SELECT p.locale FROM people p WHERE p.tg_user_id = users.tg_user_id AND p.active = 1)"


class People:
    """Roster people, their roles, Telegram users and grids, each read at most once per unit of work."""

    def __init__(self, conn: aiosqlite.Connection, seen: Seen | None = None) -> None:
        self._conn = conn
        self._seen = seen or Seen()
        self._users = self._seen.users
        self._people = self._seen.people
        self._labels = self._seen.labels
        self._actors: dict[tuple[int, str], Actor] = {}
        self._ladders: dict[str, dict[str, list[int]]] = {}
        self._near: dict[str, tuple[nearby.Nearby, int | None]] = {}

    async def near(self, grid: str, user_id: int | None = None) -> nearby.Nearby:
        """Everyone around a grid (and the acting user), in one query; later look-ups about them are free."""
        if grid not in self._near or self._near[grid][1] != user_id:
            self._near[grid] = (await nearby.load(self._conn, self._seen, grid, user_id), user_id)
        return self._near[grid][0]

    async def _rows(self, sql: str, params: Any = ()) -> list[Any]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def touch(
        self, user_id: int, first_name: str | None, language: str | None, started: bool = False
    ) -> User:
        """Record a Telegram user we have seen (`started` once they open a private chat); returns them."""
        rows = await self._rows(
            "INSERT INTO users (tg_user_id, first_name, locale, started, tg_language, roster_locale) "
            "VALUES (?, ?, NULL, ?, ?, (SELECT locale FROM people WHERE tg_user_id = ? AND active = 1)) "
            "ON CONFLICT(tg_user_id) DO UPDATE SET first_name = COALESCE(excluded.first_name, first_name), "
            "started = MAX(started, excluded.started), "
            "tg_language = COALESCE(excluded.tg_language, tg_language), roster_locale = "
            "excluded.roster_locale, "
            "blocked = CASE WHEN excluded.started THEN 0 ELSE blocked END RETURNING *",
            (user_id, first_name, int(started), from_telegram(language), user_id),
        )
        self._users[user_id] = user_of(rows[0])
        if started:
            self._seen.near.clear()  # they may have been blocked: ask again
        return self._users[user_id]  # type: ignore[return-value]

    async def user(self, user_id: int | None) -> User | None:
        """The Telegram user with this id, if the bot has seen them."""
        if user_id is None:
            return None
        if user_id not in self._users:
            rows = await self._rows("SELECT * FROM users WHERE tg_user_id = ?", (user_id,))
            self._users[user_id] = user_of(rows[0]) if rows else None
        return self._users[user_id]

    async def set_locale(self, user_id: int, locale: str) -> None:
        """Remember a user's chosen language."""
        await self._conn.execute(
            "INSERT INTO users (tg_user_id, locale) VALUES (?, ?) "
            "ON CONFLICT(tg_user_id) DO UPDATE SET locale = excluded.locale",
            (user_id, locale),
        )
        self._users.pop(user_id, None)

    async def set_home_grid(self, user_id: int, grid: str) -> None:
        """Remember the grid a resident submits to by default."""
        await self._conn.execute("UPDATE users SET home_grid = ? WHERE tg_user_id = ?", (grid, user_id))
        self._users.pop(user_id, None)

    async def mark_blocked(self, user_id: int) -> None:
        """The user blocked the bot or never started it: reach them through groups instead."""
        await self._conn.execute(
            "INSERT INTO users (tg_user_id, blocked) VALUES (?, 1) "
            "ON CONFLICT(tg_user_id) DO UPDATE SET blocked = 1",
            (user_id,),
        )
        self._users.pop(user_id, None)
        self._seen.near.clear()

    async def unreachable(self, person_ids: list[int]) -> frozenset[int]:
        """Those of these people whose Telegram account blocked the bot (or never started it)."""
        if not person_ids:
            return frozenset()
        if all(p in self._seen.near for p in person_ids):
            return frozenset(p for p in person_ids if p in self._seen.blocked)
        rows = await self._rows(
            "SELECT p.id FROM people p JOIN users u ON u.tg_user_id = p.tg_user_id WHERE u.blocked = 1 "
            f"AND p.id IN ({', '.join('?' * len(person_ids))})",
            list(person_ids),
        )
        return frozenset(r[0] for r in rows)

    async def person(self, person_id: int | None) -> Person | None:
        """The roster person with this id."""
        if person_id is None:
            return None
        if person_id not in self._people:
            rows = await self._rows("SELECT * FROM people WHERE id = ?", (person_id,))
            self._people[person_id] = person_of(rows[0]) if rows else None
        return self._people[person_id]

    async def people(self, ids: list[int]) -> dict[int, Person]:
        """Several roster people by id, in one query."""
        missing = [i for i in ids if i not in self._people]
        if missing:
            rows = await self._rows(
                f"SELECT * FROM people WHERE id IN ({', '.join('?' * len(missing))})", missing
            )
            self._people.update({i: None for i in missing})
            self._people.update({r["id"]: person_of(r) for r in rows})
        return {i: p for i in ids if (p := self._people.get(i)) is not None}

    async def person_by_user(self, user_id: int) -> Person | None:
        """The active roster person bound to this Telegram user."""
        rows = await self._rows("SELECT * FROM people WHERE tg_user_id = ? AND active = 1", (user_id,))
        return person_of(rows[0]) if rows else None

    async def person_by_code(self, code: str) -> Person | None:
        """The roster person with this roster code."""
        rows = await self._rows("SELECT * FROM people WHERE code = ?", (code,))
        return person_of(rows[0]) if rows else None

    async def person_by_invite(self, invite: str) -> Person | None:
        """The active roster person whose invite link carries this code."""
        rows = await self._rows("SELECT * FROM people WHERE invite_code = ? AND active = 1", (invite,))
        return person_of(rows[0]) if rows else None

    async def bind_account(self, person_id: int, user_id: int) -> None:
        """Bind a Telegram account to a roster person (unbinding it from anyone else)."""
        await self._conn.execute("UPDATE people SET tg_user_id = NULL WHERE tg_user_id = ?", (user_id,))
        await self._conn.execute("UPDATE people SET tg_user_id = ? WHERE id = ?", (user_id, person_id))
        await self._conn.execute(
            f"UPDATE users SET roster_locale = {ROSTER_LOCALE} WHERE tg_user_id = ?", (user_id,)
        )
        self._people.clear()
        self._users.pop(user_id, None)

    async def role_grids(self, person_id: int) -> list[str]:
        """Codes of the grids the person holds a role on."""
        rows = await self._rows(
            "SELECT DISTINCT grid FROM roles WHERE person_id = ? ORDER BY grid", (person_id,)
        )
        return [r[0] for r in rows]

    async def roles_with_grids(self, person_id: int) -> list[tuple[str, str]]:
        """(role, grid name) of every role the person holds."""
        rows = await self._rows(
            "SELECT r.role, g.name FROM roles r JOIN grids g ON g.code = r.grid WHERE r.person_id = ?",
            (person_id,),
        )
        return [(r[0], r[1]) for r in rows]

    async def grid(self, code: str) -> Grid | None:
        """The grid with this code, matched regardless of letter case (an exact match first)."""
        rows = await self._rows(
            "SELECT * FROM grids WHERE code = ? COLLATE NOCASE ORDER BY code = ? DESC, code LIMIT 1",
            (code, code),
        )
        return Grid(rows[0]["code"], rows[0]["name"], rows[0]["parent"], rows[0]["level"]) if rows else None

    async def grid_by_name_or_code(self, typed: str) -> str | None:
        """The grid a resident typed, by its code or its exact name (None if none or ambiguous)."""
        rows = await self._rows("SELECT code FROM grids WHERE code = ? OR name = ? LIMIT 2", (typed, typed))
        return rows[0][0] if len(rows) == 1 else None

    async def leaf_grids(self, limit: int) -> list[Grid]:
        """Grids without children (where residents live), by code."""
        rows = await self._rows(
            "SELECT * FROM grids g WHERE NOT EXISTS (SELECT 1 FROM grids c "
            "WHERE c.parent = g.code) ORDER BY code LIMIT ?",
            (limit,),
        )
        return [Grid(r["code"], r["name"], r["parent"], r["level"]) for r in rows]

    async def actor(self, user_id: int | None, grid_code: str) -> Actor:
        """The acting user with their roles on the grid itself and on the grids above it."""
        if user_id is None:
            return Actor(None)
        if grid_code in self._near and self._near[grid_code][1] == user_id:
            return self._near[grid_code][0].actor(user_id)
        if (user_id, grid_code) not in self._actors:
            rows = await self._rows(
                f"{_UP} SELECT p.id, r.grid, r.role FROM people p LEFT JOIN roles r ON r.person_id = p.id "
                "AND r.grid IN (SELECT code FROM up) WHERE p.tg_user_id = ? AND p.active = 1",
                (grid_code, user_id),
            )
            here = frozenset(r["role"] for r in rows if r["role"] and r["grid"] == grid_code)
            above = frozenset(r["role"] for r in rows if r["role"] and r["grid"] != grid_code)
            self._actors[(user_id, grid_code)] = (
                Actor(user_id, rows[0]["id"], here, above) if rows else Actor(user_id)
            )
        return self._actors[(user_id, grid_code)]

    async def holders(self, grid_code: str, role: str) -> list[int]:
        """Active people holding a role on exactly this grid, by id."""
        if grid_code in self._near:
            return self._near[grid_code][0].holders(role)
        rows = await self._rows(
            "SELECT p.id FROM roles r JOIN people p ON p.id = r.person_id "
            "WHERE r.grid = ? AND r.role = ? AND p.active = 1 ORDER BY p.id",
            (grid_code, role),
        )
        return [r[0] for r in rows]

    async def ladder(self, grid_code: str) -> dict[str, list[int]]:
        """Leaders above a ticket, nearest first per role: small-group, big-grid, admin."""
        if grid_code in self._near:
            return self._near[grid_code][0].ladder()
        if grid_code not in self._ladders:
            result: dict[str, list[int]] = {role: [] for role in _LEADERS}
            rows = await self._rows(
                f"{_UP} SELECT r.role, p.id FROM up JOIN roles r ON r.grid = up.code "
                "JOIN people p ON p.id = r.person_id WHERE p.active = 1 "
                "AND r.role IN ('small_leader', 'big_leader', 'admin') ORDER BY up.depth, p.id",
                (grid_code,),
            )
            for role, person_id in rows:
                if person_id not in result[role]:
                    result[role].append(person_id)
            self._ladders[grid_code] = result
        return self._ladders[grid_code]

    async def label(self, person_id: int | None) -> StaffLabel | None:
        """A person's name and roles, for `网格员 赵强`."""
        if person_id is None:
            return None
        if person_id not in self._labels:
            rows = await self._rows(
                "SELECT p.name, r.role FROM people p LEFT JOIN roles r ON r.person_id = p.id WHERE p.id = ?",
                (person_id,),
            )
            self._labels[person_id] = (
                StaffLabel(rows[0][0], frozenset(r[1] for r in rows if r[1])) if rows else None
            )
        return self._labels[person_id]

    async def staff_grids(self, person_id: int) -> list[str]:
        """Every grid a person may see: those they hold a role on and all below them."""
        rows = await self._rows(
            "WITH RECURSIVE down(code) AS (SELECT grid FROM roles WHERE person_id = ? "
            "UNION SELECT g.code FROM grids g JOIN down ON g.parent = down.code) SELECT code FROM down",
            (person_id,),
        )
        return [r[0] for r in rows]

    async def bound_staff_users(self) -> set[int]:
        """Telegram ids of active roster people with a role (their private chats get the staff menu)."""
        rows = await self._rows(
            "SELECT DISTINCT p.tg_user_id FROM people p JOIN roles r ON r.person_id = p.id "
            "WHERE p.active = 1 AND p.tg_user_id IS NOT NULL"
        )
        return {int(r[0]) for r in rows}

    async def grid_names(self, codes: list[str]) -> dict[str, str]:
        """Display names of grids by code."""
        if not codes:
            return {}
        rows = await self._rows(
            f"SELECT code, name FROM grids WHERE code IN ({', '.join('?' * len(codes))})", codes
        )
        return {r[0]: r[1] for r in rows}
