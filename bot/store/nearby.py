"""Everyone around a grid in one query: the roles on the grid and on every grid above it, with each
person's record, Telegram user, all their roles (for their label) and their open tickets; plus the
acting user's roster person. Routing, authorisation and notices of a ticket read only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.domain.records import StaffLabel, User
from bot.domain.tickets import Actor
from bot.store.seen import Seen, person_of

LEADERS = ("small_leader", "big_leader", "admin")
_PERSON = (
    "p.id, p.code, p.name, p.tg_user_id, p.locale, p.invite_code, p.active, "
    "u.tg_user_id AS u_id, u.first_name AS u_first_name, u.locale AS u_locale, u.started AS u_started, "
    "u.blocked AS u_blocked, u.home_grid AS u_home_grid, u.tg_language AS u_tg_language, u.roster_locale "
    "AS u_roster_locale, "
    "(SELECT group_concat(role) FROM roles WHERE person_id = p.id) AS all_roles, "
    "(SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = p.id AND t.status IN ('open', 'accepted')) "
    "AS open_count"
)
_NEAR = f"""WITH RECURSIVE up(code, depth) AS (
    SELECT code, 0 FROM grids WHERE code = :grid
    UNION ALL
    SELECT g.parent, up.depth + 1 FROM grids g JOIN up ON g.code = up.code
    WHERE g.parent IS NOT NULL AND up.depth < 32
)
SELECT up.depth AS depth, r.role AS role, {_PERSON}
FROM up LEFT JOIN roles r ON r.grid = up.code LEFT JOIN people p ON p.id = r.person_id
LEFT JOIN users u ON u.tg_user_id = p.tg_user_id
UNION ALL
SELECT NULL, NULL, {_PERSON} FROM people p LEFT JOIN users u ON u.tg_user_id = p.tg_user_id
WHERE p.tg_user_id = :who AND p.active = 1
ORDER BY depth, id"""


@dataclass
class Nearby:
    """The grid's chain of roles, nearest first: (depth, role, person id, active)."""

    grid: str
    exists: bool
    roles: list[tuple[int, str, int, bool]] = field(default_factory=list)
    actor_person: int | None = None

    def holders(self, role: str) -> list[int]:
        """Active people holding a role on exactly this grid, by id."""
        return [pid for depth, r, pid, active in self.roles if depth == 0 and r == role and active]

    def ladder(self) -> dict[str, list[int]]:
        """Active leaders on the grid and above, nearest first per role."""
        result: dict[str, list[int]] = {role: [] for role in LEADERS}
        for _, role, pid, active in self.roles:
            if role in result and active and pid not in result[role]:
                result[role].append(pid)
        return result

    def actor(self, user_id: int | None) -> Actor:
        """The acting user with their roles here and above."""
        if user_id is None:
            return Actor(None)
        if self.actor_person is None:
            return Actor(user_id)
        mine = [
            (depth, role) for depth, role, pid, active in self.roles if pid == self.actor_person and active
        ]
        return Actor(
            user_id,
            self.actor_person,
            frozenset(r for d, r in mine if d == 0),
            frozenset(r for d, r in mine if d > 0),
        )


async def load(conn: aiosqlite.Connection, seen: Seen, grid: str, user_id: int | None) -> Nearby:
    """Everyone around a grid, remembering each person, user, label and open count in `seen`."""
    rows = await conn.execute_fetchall(_NEAR, {"grid": grid, "who": user_id})
    near = Nearby(grid, any(r["depth"] is not None for r in rows))
    for r in rows:
        if r["id"] is None:
            continue
        _remember(seen, r, person_of(r))
        if r["depth"] is None or r["tg_user_id"] == user_id:
            near.actor_person = r["id"] if r["tg_user_id"] == user_id and r["active"] else near.actor_person
        if r["depth"] is not None:
            near.roles.append((r["depth"], r["role"], r["id"], bool(r["active"])))
    return near


def _remember(seen: Seen, r: Any, person: Any) -> None:
    seen.people[r["id"]] = person
    seen.near.add(r["id"])
    seen.labels[r["id"]] = StaffLabel(r["name"], frozenset((r["all_roles"] or "").split(",")) - {""})
    seen.open_counts[r["id"]] = r["open_count"]
    if r["tg_user_id"] is not None:
        seen.users[r["tg_user_id"]] = (
            User(
                r["u_id"],
                r["u_first_name"] or "",
                r["u_locale"],
                bool(r["u_started"]),
                bool(r["u_blocked"]),
                r["u_home_grid"],
                r["u_tg_language"],
                r["u_roster_locale"],
            )
            if r["u_id"] is not None
            else None
        )
        if r["u_blocked"]:
            seen.blocked.add(r["id"])
