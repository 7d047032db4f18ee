"""A working-time deadline that runs into a year no calendar covers: the admin is told privately.

The deadline itself was counted Monday to Friday (bot.domain.sla.Tier.later), so no ticket is lost;
the sweep's `calendar_gap` alert reaches each community admin of the ticket's grid (else its nearest
leaders) once per missing year, naming the year and the office calendar file to extend.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.deadlines import Alert
from bot.domain.model import Ticket
from bot.services import recipients
from bot.services.context import Ctx
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork


async def tell_admins(ctx: Ctx, uow: UnitOfWork, t: Ticket, alert: Alert, now: datetime) -> list[Notice]:
    """The notices for a `calendar_gap` alert: to each admin not yet told about that year."""
    ladder = await uow.people.ladder(t.grid)
    admins = ladder["admin"] or ladder["big_leader"] or ladder["small_leader"]
    out: list[Notice] = []
    for pid in admins:
        if not await uow.casework.first_time(f"calendar_gap:{alert.year}:{pid}", now):
            continue
        out += await recipients.to_person(
            ctx,
            uow,
            pid,
            "calendar_gap_admin",
            t,
            due=alert.due,
            what=alert.deadline,
            year=alert.year,
            file=ctx.config.calendar.file or "",
        )
    return out
