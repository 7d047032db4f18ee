"""Grid colours (蓝黄红): each grid's monthly colour from its rates, overdue tickets and supervision marks,
stored in the monthly post's transaction; a grid red two months running is reported to the admins."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import reports as rep
from bot.domain.assessment import GridMonth, graded, reds_twice
from bot.domain.periods import Period
from bot.services import locales
from bot.services.context import Ctx
from bot.services.publish import Also, Post, rate_view, text_messages
from bot.store.uow import UnitOfWork

KIND = "monthly_red"


def grade(
    ctx: Ctx, ranking: list[rep.Ranked], month: Period, overdue: dict[str, int], marks: dict[str, int]
) -> list[GridMonth]:
    """Each ranked grid's colour for the month (grids with nothing measured and nothing wrong get none)."""
    rule = ctx.config.assessment.colours
    found = [
        graded(
            r.grid.code, month.key, r.grid.rates, overdue.get(r.grid.code, 0), marks.get(r.grid.code, 0), rule
        )
        for r in ranking
    ]
    return [g for g in found if g is not None]


def saver(months: list[GridMonth], now: datetime) -> Also:
    """Stores the months' colours in the post's transaction."""

    async def save(uow: UnitOfWork) -> None:
        await uow.assessment.save_colours(months, now)

    return save


async def red_alerts(
    ctx: Ctx,
    uow: UnitOfWork,
    months: list[GridMonth],
    month: Period,
    admins: dict[int, int],
    names: dict[str, str],
    community: str,
) -> list[Post]:
    """To each admin privately: the grids red this month and the month before, with both months' figures."""
    pairs = reds_twice(months, await uow.assessment.colours(month.previous().key)) if months else []
    if not pairs:
        return []
    grids = [
        {"name": names.get(now.grid, now.grid), "now": _view(now), "before": _view(was)} for now, was in pairs
    ]
    posts = []
    for chat, pid in admins.items():
        loc = await locales.person_locale(ctx, uow, pid)
        text = i18n.render(
            loc, "colour_red_twice", community=community, month=month, before=month.previous(), grids=grids
        )
        posts.append(Post(KIND, month.key, chat, text_messages(chat, text)))
    return posts


def _view(g: GridMonth) -> dict:
    """A stored month's figures for the alert."""
    return {"overdue": g.overdue, "marks": g.marks, **rate_view(g.rates)}
