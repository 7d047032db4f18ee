"""A resident's own phone number for the call-back review: `/phone NUMBER` or their shared contact in
the private chat. It goes only into the big-grid leader's private call-back message; `/phone 删除`
forgets it, and the privacy export and erasure include it."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain.callbacks import parse_phone
from bot.domain.model import Refused
from bot.services import locales
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice

FORGET = frozenset({"删除", "清除", "delete", "remove", "clear", "-"})


async def give(ctx: Ctx, who: Who, text: str, now: datetime, update_id: int | None) -> Outcome:
    """Keep, forget or show the user's phone number (`text`: the number, a forget word, or nothing)."""
    arg = (text or "").strip()
    phone = parse_phone(arg) if arg and arg.lower() not in FORGET else None
    if arg and arg.lower() not in FORGET and phone is None:
        raise Refused("bad_phone")
    async with ctx.uow(update_id) as uow:
        await uow.people.touch(who.id, who.first_name, who.language, started=True)
        if arg:
            await uow.callbacks.set_phone(who.id, phone)
        shown = phone if arg else await uow.callbacks.phone(who.id)
        loc = await locales.user_locale(ctx, uow, who.id)
        text = i18n.render(loc, "phone", phone=shown, changed=bool(arg))
        await uow.outbox.add([Notice(who.id, text)], now)
    ctx.kick()
    return Outcome()
