"""The daily work log (工作日志): a worker's line and photo of the day's work, stored in one
transaction, or asked for when `/log` came without its line; confirmed in the worker's language."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from bot import callback_data as cb
from bot import i18n
from bot.domain import worklog as domain
from bot.domain.records import Person, Prompt
from bot.domain.tickets import Refused, Ticket
from bot.services import locales
from bot.services.context import Ctx, Who
from bot.services.notices import Buttons, Notice
from bot.store.uow import UnitOfWork


async def log(
    ctx: Ctx,
    who: Who,
    raw: str | None,
    photo: str | None,
    now: datetime,
    update_id: int | None,
    album: str | None = None,
) -> None:
    """`/log …` in a private chat: store the entry, or ask for its line when there is none yet
    (`album`: the media group the photo came in; its other photos will join the entry)."""
    wanted = _parse(ctx, raw)
    if wanted.text:
        return await _record(ctx, who, wanted, photo, now, update_id, album)
    await _ask(ctx, who, wanted.ticket_id, photo, now, update_id)


async def answer(
    ctx: Ctx, who: Who, prompt: Prompt, raw: str, photo: str | None, now: datetime, update_id: int | None
) -> None:
    """The answer to the bot's "what did you do?" question: a line (with the photo sent before, if
    any) is stored; a photo alone is kept and the line asked for again."""
    wanted = _parse(ctx, raw)
    wanted = domain.LogInput(wanted.text, prompt.ticket_id or wanted.ticket_id)
    photo = photo or prompt.photo_file_id
    if wanted.text:
        return await _record(ctx, who, wanted, photo, now, update_id)
    if photo is None:
        raise Refused("log_empty")
    await _ask(ctx, who, wanted.ticket_id, photo, now, update_id)


async def ask_for_ticket(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> str:
    """The "add a photo" button on a ticket the worker closed: ask for the photo and its line; the
    toast to answer the press with."""
    _parse(ctx, None)
    await _ask(ctx, who, ticket_id, None, now, update_id)
    async with ctx.uow() as uow:
        return i18n.label(await locales.user_locale(ctx, uow, who.id, who.language), "ok_log_asked")


def photo_button(ctx: Ctx, t: Ticket) -> Callable[[str], Buttons | None]:
    """Buttons for a worker's "closed" message: add a work-log photo to it (while the log is on)."""
    on = ctx.config.assessment.work_log.enabled
    return lambda loc: [[(i18n.label(loc, "btn_log_photo"), cb.worklog(t.id))]] if on else None


def _parse(ctx: Ctx, raw: str | None) -> domain.LogInput:
    if not ctx.config.assessment.work_log.enabled:
        raise Refused("log_off")
    try:
        return domain.parse_log(raw)
    except ValueError:
        raise Refused("log_bad_ticket") from None


PURPOSE = "log"  # the prompts' purpose of a work-log question (its ticket, if any, in ticket_id)


async def _author(
    uow: UnitOfWork, who: Who, wanted: domain.LogInput | None, ticket: int | None
) -> tuple[Person, str]:
    """The worker writing, and the grid the entry belongs to (the ticket's, else their own first);
    Refused for anyone else, an empty or overlong line, or a ticket they did not close."""
    person = await uow.people.person_by_user(who.id)
    grids = await uow.work_logs.logger_grids(person.id, domain.LOGGERS) if person else []
    reason = domain.refusal(grids, wanted.text if wanted else None)
    if reason or person is None:
        raise Refused(reason or "not_logger")
    if ticket is None:
        return person, grids[0]
    t = await uow.tickets.get(ticket)
    reason = domain.ticket_refusal(t, person.id)
    if reason or t is None:
        raise Refused(reason or "log_not_your_ticket", n=ticket)
    return person, t.grid


async def album_photo(
    ctx: Ctx, who: Who, album: str, photo: str, now: datetime, update_id: int | None
) -> bool:
    """Another photo of the album whose captioned photo began a work-log entry: it joins that entry
    (and the worker is told); False when no entry of theirs came with this album."""
    if not ctx.config.assessment.work_log.enabled:
        return False
    entry = await ctx.read().work_logs.of_album(who.id, album)
    if entry is None:
        return False
    async with ctx.uow(update_id) as uow:
        count = await uow.work_logs.add_photo(entry, photo)
        loc = await locales.user_locale(ctx, uow, who.id, who.language)
        await uow.outbox.add([Notice(who.id, i18n.label(loc, "ok_log_photo_added", n=count))], now)
    ctx.kick()
    return True


async def _record(
    ctx: Ctx,
    who: Who,
    wanted: domain.LogInput,
    photo: str | None,
    now: datetime,
    update_id: int | None,
    album: str | None = None,
) -> None:
    async with ctx.uow(update_id) as uow:
        person, grid = await _author(uow, who, wanted, wanted.ticket_id)
        await uow.work_logs.add(person.id, grid, now, wanted.text, photo, wanted.ticket_id, album)
        await uow.prompts.consume(who.id, PURPOSE)
        loc = await locales.user_locale(ctx, uow, who.id, who.language)
        text = i18n.render(loc, "log_saved", text=wanted.text, ticket=wanted.ticket_id, photo=bool(photo))
        await uow.outbox.add([Notice(who.id, text)], now)
    ctx.kick()


async def _ask(
    ctx: Ctx, who: Who, ticket: int | None, photo: str | None, now: datetime, update_id: int | None
) -> None:
    async with ctx.uow(update_id) as uow:
        await _author(uow, who, None, ticket)
        loc = await locales.user_locale(ctx, uow, who.id, who.language)
        text = i18n.render(loc, "log_ask", ticket=ticket, photo=bool(photo))
        ask = {"user_id": who.id, "purpose": PURPOSE, "ticket_id": ticket, "photo_file_id": photo}
        await uow.outbox.add([Notice(who.id, text, force_reply=True, prompt=ask)], now)
    ctx.kick()
