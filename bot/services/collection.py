"""Collection day: the monthly call for wishes in every group of a grid with workers, with a button
to submit one privately."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain.periods import Period, month_of
from bot.services import locales
from bot.services.context import Ctx
from bot.services.notices import Notice
from bot.services.publish import Post, Tree, publish


async def collection_day(
    ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False
) -> list[Post]:
    """The monthly call for wishes in every group bound to a grid with workers (not a big grid's
    group, where a wish would find nobody to take it), with a button to submit one privately."""
    month = period or month_of(now, ctx.config.timezone)
    uow = ctx.read()
    done = await uow.reports.posted("collection_day", month.key)
    tree = Tree(await uow.reports.grids())
    staffed = {s.grid for s in await uow.reports.staff(("worker",))}
    posts = []
    for g in await uow.reports.bound_groups():
        if g.chat_id in done or g.grid not in staffed:
            continue
        loc = await locales.group_locale(ctx, uow, g.chat_id)
        text = i18n.render(loc, "collection_day", grid=tree.name(g.grid), month=month)
        button = [[(i18n.label(loc, "rep_btn_wish"), "url:" + ctx.deep_link(f"g_{g.link_code}"))]]
        posts.append(Post("collection_day", month.key, g.chat_id, [Notice(g.chat_id, text, button)]))
    return await publish(ctx, posts, now, dry_run)
