"""Whose language a message is written in: a user's, a staff member's, a group's."""

from __future__ import annotations

from bot import i18n
from bot.domain.records import User
from bot.services.context import Ctx
from bot.store.uow import UnitOfWork


async def user_locale(ctx: Ctx, uow: UnitOfWork, user_id: int | None, language: str | None = None) -> str:
    """A Telegram user's language: their /lang choice, else their roster entry's, else their Telegram
    language (`language`, the update's language_code, if not yet recorded), else the bot's default."""
    user = await uow.people.user(user_id) if user_id else None
    if user is None and user_id:  # not seen yet: a roster person bound by the import, or nobody
        person = await uow.people.person_by_user(user_id)
        return i18n.first_choice(
            person.locale if person else None, i18n.from_telegram(language), default=ctx.config.locale
        )
    return i18n.first_choice(
        user.locale if user else None,
        user.roster_locale if user else None,
        user.tg_language if user else None,
        i18n.from_telegram(language),
        default=ctx.config.locale,
    )


def locale_of(ctx: Ctx, user: User | None) -> str:
    """A user's language: their choice, else the roster's, else Telegram's, else the default."""
    return i18n.first_choice(
        user.locale if user else None,
        user.roster_locale if user else None,
        user.tg_language if user else None,
        default=ctx.config.locale,
    )


async def person_locale(ctx: Ctx, uow: UnitOfWork, person_id: int | None) -> str:
    """A staff member's language: their /lang choice, else the roster's, else Telegram's, else the default."""
    who = await uow.people.person(person_id)
    user = await uow.people.user(who.tg_user_id) if who and who.tg_user_id else None
    return i18n.first_choice(
        user.locale if user else None,
        who.locale if who else None,
        user.tg_language if user else None,
        default=ctx.config.locale,
    )


async def group_locale(ctx: Ctx, uow: UnitOfWork, chat_id: int | None) -> str:
    """A group's language."""
    group = await uow.groups.get(chat_id) if chat_id else None
    return i18n.pick(group.locale if group and group.locale else ctx.config.locale)
