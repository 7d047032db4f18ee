"""Staff changes: a worker who left a grid (or the roster) hands their open tickets to the leader."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import tickets as domain
from bot.domain.routing import next_up
from bot.domain.tickets import SYSTEM, Refused
from bot.services import common
from bot.services.context import Ctx
from bot.services.notices import enqueue
from bot.store import people
from bot.store import tickets as store

_ORPHANS = """
SELECT t.id FROM tickets t JOIN people p ON p.id = t.assignee_id
WHERE t.status IN ('open', 'accepted') AND (p.active = 0 OR NOT EXISTS (
    WITH RECURSIVE up(code) AS (SELECT t.grid UNION SELECT g.parent FROM grids g JOIN up ON g.code = up.code
                                WHERE g.parent IS NOT NULL)
    SELECT 1 FROM roles r WHERE r.person_id = p.id AND r.grid IN (SELECT code FROM up)))
ORDER BY t.id"""


async def hand_over(ctx: Ctx, conn: aiosqlite.Connection, now: datetime) -> int:
    """Inside a transaction: reassign every unfinished ticket whose assignee no longer serves its grid."""
    moved = 0
    for (ticket_id,) in await conn.execute_fetchall(_ORPHANS):
        t = await store.get(conn, ticket_id)
        leader = next_up(await people.ladder(conn, t.grid), t.assignee_id)
        try:
            after, events = domain.hand_over(t, now, leader, ctx.config.tier_for(t.kind.value, t.category))
        except Refused:
            continue  # nobody above: the sweep's escalation will keep reminding the community office
        await store.save(conn, common.planned(ctx, after))
        await store.add_events(conn, t.id, events, SYSTEM, now)
        notices = await common.card(ctx, conn, after) + await common.assignment_request(ctx, conn, after)
        await enqueue(conn, notices, now, ctx.config.quiet_hours, ctx.config.timezone)
        moved += 1
    return moved
