"""The time bank in the posts and figures: the monthly post's thanks to the top volunteers, the
hours counted in the period in each leader's digest, and a volunteer's own line in /stats.
Volunteers' names and hours only: never who asked or what about."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import time_bank as rules
from bot.domain.periods import Period
from bot.services.context import Ctx
from bot.services.publish import Tree
from bot.services import time_bank
from bot.services.time_bank import enabled
from bot.store.uow import UnitOfWork

DIGEST_NAMES = 10  # volunteers named in a digest; the rest are counted


async def _ranked(
    uow: UnitOfWork, grids: list[str], start: datetime, end: datetime, limit: int
) -> list[dict]:
    totals = await uow.hours.counted_between(start, end, grids)
    top = rules.thanked(totals, limit)
    people = await uow.people.people([p for p, _ in top])
    return [{"name": people[p].name, "h": rules.hours(m)} for p, m in top if p in people]


async def thanks(ctx: Ctx, uow: UnitOfWork, grids: list[str], start: datetime, end: datetime) -> list[dict]:
    """The monthly post's thanks: the top volunteers by hours counted in the month on these grids'
    wishes, by name and hours; empty when the bank is off."""
    if not enabled(ctx) or not grids:
        return []
    return await _ranked(uow, grids, start, end, rules.TOP)


async def digest_part(
    ctx: Ctx, uow: UnitOfWork, tree: Tree, held: list[str], period: Period, loc: str
) -> str:
    """A leader's digest part: hours counted in the period on wishes of the grids below theirs, and
    by whom; empty when nothing was counted or the bank is off."""
    grids = list(dict.fromkeys(c for g in held for c in tree.subtree(g)))
    if not enabled(ctx) or not grids:
        return ""
    totals = await uow.hours.counted_between(period.start, period.end, grids)
    if not totals:
        return ""
    rows = await _ranked(uow, grids, period.start, period.end, DIGEST_NAMES)
    total = rules.hours(sum(totals.values()))
    return i18n.render(loc, "digest_time_bank", total=total, n=len(totals), rows=rows)


async def stats_view(ctx: Ctx, uow: UnitOfWork, person_id: int, period: Period) -> dict | None:
    """A volunteer's /stats line: hours counted in the period and the balance; None without an account."""
    acc = await time_bank.account_of_person(ctx, uow, person_id)
    if acc is None:
        return None
    counted = await uow.hours.counted_for(person_id, period.start, period.end)
    return {"counted": rules.hours(counted), "balance": rules.hours(acc.balance)}
