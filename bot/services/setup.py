"""Setting up: staff bind their Telegram accounts, admins bind groups, the bot follows its groups."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain.tickets import Refused
from bot.services import common
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice, enqueue
from bot.store import groups, outbox, people

BINDERS = frozenset({"admin", "big_leader", "small_leader"})


async def staff_welcome(conn, user_id: int, person_id: int, name: str, loc: str) -> Notice:
    """The greeting for a staff member: their roles and where their tasks will come."""
    roles = await conn.execute_fetchall(
        "SELECT r.role, g.name FROM roles r JOIN grids g ON g.code = r.grid WHERE r.person_id = ?", (person_id,))
    held = [f"{i18n.label(loc, 'role_' + r['role'])} · {r['name']}" for r in roles]
    return Notice(user_id, i18n.render(loc, "welcome_staff", name=name, roles=held))


async def bind_person(ctx: Ctx, who: Who, invite: str, now: datetime, update_id: int | None) -> Outcome:
    """An invite deep link binds the Telegram account to its roster person."""
    async with ctx.db.write(update_id) as conn:
        await people.touch_user(conn, who.id, who.first_name, who.language, started=True)
        rows = await conn.execute_fetchall("SELECT id, name, tg_user_id FROM people WHERE invite_code = ? "
                                           "AND active = 1", (invite,))
        loc = await common.user_locale(ctx, conn, who.id)
        if not rows or rows[0]["tg_user_id"] not in (None, who.id):
            raise Refused("bad_invite")
        await conn.execute("UPDATE people SET tg_user_id = NULL WHERE tg_user_id = ?", (who.id,))
        await conn.execute("UPDATE people SET tg_user_id = ? WHERE id = ?", (who.id, rows[0]["id"]))
        await enqueue(conn, [await staff_welcome(conn, who.id, rows[0]["id"], rows[0]["name"], loc)], now)
    ctx.kick()
    return Outcome(ticket_id=None)


async def bot_membership(ctx: Ctx, chat_id: int, title: str | None, status: str, can_delete: bool,
                         now: datetime, update_id: int | None) -> None:
    """Follow the bot being added to, promoted in, or removed from a group."""
    member = status in {"member", "administrator", "creator", "restricted"}
    async with ctx.db.write(update_id) as conn:
        before = await groups.get(conn, chat_id)
        await groups.ensure(conn, chat_id, title)
        await groups.set_membership(conn, chat_id, member, can_delete and member)
        if member and (before is None or not before["member"]) and not (before and before["grid"]):
            loc = await common.group_locale(ctx, conn, chat_id)
            text = i18n.render(loc, "group_hello")
            if not can_delete:
                text += "\n\n" + i18n.render(loc, "group_no_delete", private_button=False, mention_id=None,
                                             mention_name="")
            await enqueue(conn, [Notice(chat_id, text)], now)
    ctx.kick()


async def user_blocked(ctx: Ctx, user_id: int, blocked: bool, now: datetime, update_id: int | None) -> None:
    """A user blocked the bot (their pending private notices go to their group instead) or came back."""
    async with ctx.db.write(update_id) as conn:
        if blocked:
            await people.mark_blocked(conn, user_id)
            await outbox.divert(conn, user_id, now.timestamp(), "blocked by the user")
        else:
            await people.touch_user(conn, user_id, None, None, started=True)
    ctx.kick()


async def migrate_group(ctx: Ctx, old_id: int, new_id: int, update_id: int | None) -> bool:
    """A group became a supergroup: its binding, tickets and pending posts follow the new id."""
    async with ctx.db.write(update_id) as conn:
        return await groups.migrate(conn, old_id, new_id)


async def set_language(ctx: Ctx, who: Who, chat_id: int, locale: str, now: datetime,
                       update_id: int | None) -> Outcome:
    """Choose the language of a user (private) or of a group (its leaders only)."""
    if locale not in i18n.LOCALES:
        raise Refused("bad_language")
    async with ctx.db.write(update_id) as conn:
        if chat_id > 0:
            await people.set_user_locale(conn, who.id, locale)
        else:
            group = await groups.get(conn, chat_id)
            actor = await people.actor_for(conn, who.id, group["grid"]) if group and group["grid"] else None
            if actor is None or not BINDERS & (actor.roles_here | actor.roles_above):
                raise Refused("not_binder")
            await groups.set_locale(conn, chat_id, locale)
        await enqueue(conn, [Notice(chat_id, i18n.render(locale, "language_set"))], now)
    ctx.kick()
    return Outcome()
