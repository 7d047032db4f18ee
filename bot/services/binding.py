"""Binding a group to a grid: who may (bot.domain.access.may_bind), what the group, the binder and
the community admins are told, and the warning when the bot cannot delete complaints typed there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot import i18n
from bot.domain.access import may_bind
from bot.domain.tickets import Refused
from bot.services import common
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice, enqueue
from bot.store import groups, people


@dataclass(frozen=True)
class Standing:
    """What Telegram says about the sender and the bot in the group (getChatMember)."""

    sender_status: str | None
    bot_can_delete: bool | None = None  # None: unknown, keep what was recorded


async def bind_group(ctx: Ctx, who: Who, chat_id: int, title: str, grid_code: str, standing: Standing,
                     now: datetime, update_id: int | None) -> Outcome:
    """A leader of the grid who administers the group binds it (a bound group: its own leader too)."""
    async with ctx.db.write(update_id) as conn:
        grid = await people.grid(conn, grid_code.strip())
        if grid is None:
            raise Refused("no_grid")
        before = await groups.get(conn, chat_id)
        current = before["grid"] if before and before["grid"] else None
        on_current = await people.actor_for(conn, who.id, current) if current else None
        reason = may_bind(standing.sender_status, await people.actor_for(conn, who.id, grid["code"]), on_current)
        if reason:
            raise Refused(reason)
        group = await groups.ensure(conn, chat_id, title)
        if standing.bot_can_delete is not None:
            await groups.set_membership(conn, chat_id, True, standing.bot_can_delete)
        await groups.bind(conn, chat_id, grid["code"], who.id, now, current)
        group = await groups.get(conn, chat_id)
        notices = await _group_notices(ctx, conn, group, grid["name"], who)
        notices += await _admin_notices(ctx, conn, group, grid, current, who)
        await enqueue(conn, notices, now)
    ctx.kick()
    return Outcome()


async def _group_notices(ctx: Ctx, conn: aiosqlite.Connection, group: aiosqlite.Row, grid_name: str,
                         who: Who) -> list[Notice]:
    """The bound message with the private-submission button, and the warning if complaints stay visible."""
    loc = await common.group_locale(ctx, conn, group["chat_id"])
    button = [[(i18n.label(loc, "btn_submit_private"), "url:" + ctx.deep_link(f"g_{group['link_code']}"))]]
    text = i18n.render(loc, "group_bound", grid=grid_name)
    if not group["can_delete"]:
        text += "\n\n" + i18n.render(loc, "group_no_delete", private_button=True,
                                     **common.mention(who.id, who.first_name))
    return [Notice(group["chat_id"], text, button)]


async def _admin_notices(ctx: Ctx, conn: aiosqlite.Connection, group: aiosqlite.Row, grid: aiosqlite.Row,
                         previous: str | None, who: Who) -> list[Notice]:
    """Each community admin above the new grid (and the old one), privately and in their language."""
    admins = (await people.ladder(conn, grid["code"]))["admin"]
    if previous:
        admins += [a for a in (await people.ladder(conn, previous))["admin"] if a not in admins]
    binder = await people.person_by_user(conn, who.id)
    names = await people.grid_names(conn, [c for c in (grid["code"], previous) if c])
    out = []
    for person_id in admins:
        admin = await people.person(conn, person_id)
        if admin is None or admin.tg_user_id is None or admin.tg_user_id == who.id:
            continue
        loc = await common.person_locale(ctx, conn, person_id, admin)
        label = await common.staff_label(conn, binder.id if binder else None, grid["code"], loc)
        out.append(Notice(admin.tg_user_id, i18n.render(
            loc, "group_bind_event", title=group["title"] or str(group["chat_id"]), grid=grid["name"],
            previous=names.get(previous) if previous else None, binder=label)))
    return out
