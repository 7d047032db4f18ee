"""Binding a group to a grid: who may (bot.domain.access.may_bind), what the group, the binder and
the community admins are told, and the warning when the bot cannot delete complaints typed there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import i18n
from bot.domain.access import may_bind
from bot.domain.inputs import visible
from bot.domain.records import Grid, Group
from bot.domain.tickets import Refused
from bot.services import locales, recipients, views
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork


@dataclass(frozen=True)
class Standing:
    """What Telegram says about the sender and the bot in the group (getChatMember)."""

    sender_status: str | None
    bot_can_delete: bool | None = None  # None: unknown, keep what was recorded


async def bind_group(
    ctx: Ctx,
    who: Who,
    chat_id: int,
    title: str,
    grid_code: str,
    standing: Standing,
    now: datetime,
    update_id: int | None,
) -> Outcome:
    """A leader of the grid who administers the group binds it (a bound group: its own leader too)."""
    async with ctx.uow(update_id) as uow:
        grid = await uow.people.grid(visible(grid_code))
        if grid is None:
            raise Refused("no_grid")
        before = await uow.groups.get(chat_id)
        current = before.grid if before and before.grid else None
        on_current = await uow.people.actor(who.id, current) if current else None
        reason = may_bind(standing.sender_status, await uow.people.actor(who.id, grid.code), on_current)
        if reason:
            raise Refused(reason)
        await uow.groups.ensure(chat_id, title)
        if standing.bot_can_delete is not None:
            await uow.groups.set_membership(chat_id, True, standing.bot_can_delete)
        await uow.groups.bind(chat_id, grid.code, who.id, now, current)
        group = await uow.groups.get(chat_id)
        assert group is not None
        notices = await _group_notices(ctx, uow, group, grid.name, who)
        notices += await _admin_notices(ctx, uow, group, grid, current, who)
        await uow.outbox.add(notices, now)
    ctx.kick()
    return Outcome()


async def _group_notices(ctx: Ctx, uow: UnitOfWork, group: Group, grid_name: str, who: Who) -> list[Notice]:
    """The bound message with the private-submission button, and the warning if complaints stay visible."""
    loc = await locales.group_locale(ctx, uow, group.chat_id)
    button = [[(i18n.label(loc, "btn_submit_private"), "url:" + ctx.deep_link(f"g_{group.link_code}"))]]
    text = i18n.render(loc, "group_bound", grid=grid_name)
    if not group.can_delete:
        text += "\n\n" + i18n.render(
            loc, "group_no_delete", private_button=True, **recipients.mention(who.id, who.first_name)
        )
    return [Notice(group.chat_id, text, button)]


async def _admin_notices(
    ctx: Ctx, uow: UnitOfWork, group: Group, grid: Grid, previous: str | None, who: Who
) -> list[Notice]:
    """Each community admin above the new grid (and the old one), privately and in their language."""
    admins = list((await uow.people.ladder(grid.code))["admin"])
    if previous:
        admins += [a for a in (await uow.people.ladder(previous))["admin"] if a not in admins]
    binder = await uow.people.person_by_user(who.id)
    names = await uow.people.grid_names([c for c in (grid.code, previous) if c])
    out = []
    for person_id, admin in (await uow.people.people(admins)).items():
        if admin.tg_user_id is None or admin.tg_user_id == who.id:
            continue
        loc = await locales.person_locale(ctx, uow, person_id)
        label = await views.staff_label(uow, binder.id if binder else None, grid.code, loc)
        out.append(
            Notice(
                admin.tg_user_id,
                i18n.render(
                    loc,
                    "group_bind_event",
                    title=group.title or str(group.chat_id),
                    grid=grid.name,
                    previous=names.get(previous) if previous else None,
                    binder=label,
                ),
            )
        )
    return out
