"""Setting up: staff bind their Telegram accounts, admins bind groups, the bot follows its groups."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain.tickets import Refused
from bot.services import locales, reachability
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork

BINDERS = frozenset({"admin", "big_leader", "small_leader"})


async def staff_welcome(uow: UnitOfWork, user_id: int, person_id: int, name: str, loc: str) -> Notice:
    """The greeting for a staff member: their roles and where their tasks will come."""
    roles = await uow.people.roles_with_grids(person_id)
    held = [f"{i18n.label(loc, 'role_' + role)} · {grid}" for role, grid in roles]
    return Notice(user_id, i18n.render(loc, "welcome_staff", name=name, roles=held))


async def bind_person(ctx: Ctx, who: Who, invite: str, now: datetime, update_id: int | None) -> Outcome:
    """An invite deep link binds the Telegram account to its roster person."""
    async with ctx.uow(update_id) as uow:
        await uow.people.touch(who.id, who.first_name, who.language, started=True)
        person = await uow.people.person_by_invite(invite)
        if person is None or person.tg_user_id not in (None, who.id):
            raise Refused("bad_invite")
        await uow.people.bind_account(person.id, who.id)
        loc = await locales.person_locale(ctx, uow, person.id)
        await uow.outbox.add([await staff_welcome(uow, who.id, person.id, person.name, loc)], now)
    ctx.kick()
    return Outcome(ticket_id=None)


async def bot_membership(
    ctx: Ctx,
    chat_id: int,
    title: str | None,
    status: str,
    can_delete: bool,
    now: datetime,
    update_id: int | None,
) -> None:
    """Follow the bot being added to, promoted in, or removed from a group."""
    member = status in {"member", "administrator", "creator", "restricted"}
    async with ctx.uow(update_id) as uow:
        before = await uow.groups.get(chat_id)
        await uow.groups.ensure(chat_id, title)
        await uow.groups.set_membership(chat_id, member, can_delete and member)
        if member and (before is None or not before.member) and not (before and before.grid):
            loc = await locales.group_locale(ctx, uow, chat_id)
            text = i18n.render(loc, "group_hello")
            if not can_delete:
                text += "\n\n" + i18n.render(
                    loc, "group_no_delete", private_button=False, mention_id=None, mention_name=""
                )
            await uow.outbox.add([Notice(chat_id, text)], now)
    ctx.kick()


async def user_blocked(ctx: Ctx, user_id: int, blocked: bool, now: datetime, update_id: int | None) -> None:
    """A user blocked the bot (their pending private notices go to their group instead) or came back."""
    async with ctx.uow(update_id) as uow:
        if blocked:
            before = await uow.people.user(user_id)
            await uow.people.mark_blocked(user_id)
            await uow.outbox.divert(user_id, now.timestamp(), "blocked by the user")
            if before is None or not before.blocked:
                await uow.outbox.add(await reachability.staff_blocked(ctx, uow, user_id), now)
        else:
            await uow.people.touch(user_id, None, None, started=True)
    ctx.kick()


async def migrate_group(ctx: Ctx, old_id: int, new_id: int, update_id: int | None) -> bool:
    """A group became a supergroup: its binding, tickets and pending posts follow the new id."""
    async with ctx.uow(update_id) as uow:
        return await uow.groups.migrate(old_id, new_id)


async def set_language(
    ctx: Ctx, who: Who, chat_id: int, locale: str, now: datetime, update_id: int | None
) -> Outcome:
    """Choose the language of a user (private) or of a group (its leaders only)."""
    if locale not in i18n.LOCALES:
        raise Refused("bad_language")
    async with ctx.uow(update_id) as uow:
        if chat_id > 0:
            await uow.people.set_locale(who.id, locale)
        else:
            group = await uow.groups.get(chat_id)
            actor = await uow.people.actor(who.id, group.grid) if group and group.grid else None
            if actor is None or not BINDERS & (actor.roles_here | actor.roles_above):
                raise Refused("not_binder")
            await uow.groups.set_locale(chat_id, locale)
        await uow.outbox.add([Notice(chat_id, i18n.render(locale, "language_set"))], now)
    ctx.kick()
    return Outcome()
