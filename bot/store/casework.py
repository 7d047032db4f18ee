"""Casework repository: supporters ("me too"), reroute candidates, duplicates, supervised and hot tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain.tickets import Ticket
from bot.store.seen import Seen
from bot.store.db import ts
from bot.store.tickets import from_row

UNFINISHED = "('open', 'accepted')"


@dataclass(frozen=True)
class Candidate:
    """Someone a returned ticket can be rerouted to."""

    person_id: int
    name: str
    grid: str


@dataclass(frozen=True)
class Hot:
    """A ticket many residents share (热点诉求): supporters plus merged repeats."""

    ticket_id: int
    grid: str
    category: str
    supporters: int


class Casework:
    """Queries and writes for the off-path moves of a ticket."""

    def __init__(self, conn: aiosqlite.Connection, seen: Seen | None = None) -> None:
        self._conn = conn
        self._seen = seen or Seen()

    async def first_time(self, key: str, now: datetime) -> bool:
        """Record that something was told once (a bot fact); False if it already was."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO bot_facts (key, value, at) VALUES (?, '1', ?)", (key, ts(now))
        )
        return cur.rowcount == 1

    async def add_supporter(self, ticket_id: int, user_id: int, at: datetime) -> bool:
        """Record a "me too"; False if this user already supports the ticket."""
        self._seen.supporters.pop(ticket_id, None)
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO ticket_supporters VALUES (?, ?, ?)", (ticket_id, user_id, ts(at))
        )
        return cur.rowcount == 1

    async def is_supporter(self, ticket_id: int, user_id: int) -> bool:
        """True if the user already said "me too" on the ticket."""
        rows = await self._conn.execute_fetchall(
            "SELECT 1 FROM ticket_supporters WHERE ticket_id = ? AND user_id = ?", (ticket_id, user_id)
        )
        return bool(rows)

    async def supporters(self, ticket_id: int) -> list[int]:
        """Telegram ids of the ticket's supporters, first first."""
        if ticket_id in self._seen.supporters:  # read with the ticket
            return self._seen.supporters[ticket_id]
        rows = await self._conn.execute_fetchall(
            "SELECT user_id FROM ticket_supporters WHERE ticket_id = ? ORDER BY at, user_id", (ticket_id,)
        )
        return [r[0] for r in rows]

    async def workers_below(self, person_id: int, exclude: set[int], limit: int = 12) -> list[Candidate]:
        """Active gridworkers in every grid at or below the person's grids, least loaded first."""
        rows = await self._conn.execute_fetchall(
            "WITH RECURSIVE down(code) AS (SELECT grid FROM roles WHERE person_id = ? "
            "UNION SELECT g.code FROM grids g JOIN down ON g.parent = down.code) "
            "SELECT p.id, p.name, r.grid, (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = p.id "
            f"AND t.status IN {UNFINISHED}) AS load FROM roles r JOIN people p ON p.id = r.person_id "
            "WHERE r.role = 'worker' AND p.active = 1 AND r.grid IN (SELECT code FROM down) "
            "ORDER BY load, p.id",
            (person_id,),
        )
        seen: dict[int, Candidate] = {}
        for pid, name, grid, _load in rows:
            if pid not in exclude and pid not in seen:
                seen[pid] = Candidate(pid, name, grid)
        return list(seen.values())[:limit]

    async def liaisons(self) -> list[tuple[int, str]]:
        """(person, name) of every active agency liaison."""
        rows = await self._conn.execute_fetchall(
            "SELECT DISTINCT p.id, p.name FROM roles r JOIN people p ON p.id = r.person_id "
            "WHERE r.role = 'liaison' AND p.active = 1 ORDER BY p.id"
        )
        return [(r[0], r[1]) for r in rows]

    async def duplicate_of(
        self, grid: str, category: str, since: datetime, exclude: int | None
    ) -> Ticket | None:
        """The newest unfinished ticket of the same grid and category submitted since `since`."""
        rows = await self._conn.execute_fetchall(
            f"SELECT * FROM tickets WHERE grid = ? AND category = ? AND status IN {UNFINISHED} "
            "AND created_at >= ? AND id != ? ORDER BY id DESC LIMIT 1",
            (grid, category, ts(since), exclude or -1),
        )
        return from_row(rows[0]) if rows else None

    async def supervised(self) -> list[Ticket]:
        """Every unfinished ticket under supervision (the partial index keeps this cheap)."""
        rows = await self._conn.execute_fetchall(
            f"SELECT * FROM tickets WHERE supervision IS NOT NULL AND status IN {UNFINISHED} ORDER BY id"
        )
        return [from_row(r) for r in rows]

    async def hot(self, grids: list[str], since: datetime, limit: int = 5) -> list[Hot]:
        """Tickets of these grids submitted since `since` with the most supporters (at least one)."""
        if not grids:
            return []
        marks = ", ".join("?" * len(grids))
        rows = await self._conn.execute_fetchall(
            f"SELECT id, grid, category, support_count FROM tickets WHERE grid IN ({marks}) "
            "AND created_at >= ? AND support_count > 0 AND status != 'merged' "
            "ORDER BY support_count DESC, id LIMIT ?",
            (*grids, ts(since), limit),
        )
        return [Hot(*r) for r in rows]

    async def supervision_counts(self, since: datetime, until: datetime) -> dict[str, tuple[int, int]]:
        """Per grid: (marks 督办, marks 挂牌督办) put on its tickets in [since, until) (ranking penalty)."""
        rows = await self._conn.execute_fetchall(
            "SELECT t.grid, SUM(json_extract(e.detail, '$.mark') = 'supervise'), "
            "SUM(json_extract(e.detail, '$.mark') = 'red') FROM ticket_events e JOIN tickets t ON t.id = "
            "e.ticket_id "
            "WHERE e.action = 'supervise' AND e.at >= ? AND e.at < ? GROUP BY t.grid",
            (ts(since), ts(until)),
        )
        return {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in rows}

    async def extended(self, since: datetime, until: datetime) -> dict[str, tuple[int, int, int]]:
        """Per grid, of tickets closed in [since, until): (closed, with an approved extension, on time by
        the deadline in force, which an approved extension moved) (docs/metrics.md)."""
        rows = await self._conn.execute_fetchall(
            "SELECT grid, COUNT(*), SUM(extension_count > 0), SUM(closed_at <= resolve_due) FROM tickets "
            "WHERE closed_at >= ? AND closed_at < ? GROUP BY grid",
            (ts(since), ts(until)),
        )
        return {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}
