"""Guided intake in a private chat: kind, category, description, optional photo and location, grid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import i18n
from bot.domain.inputs import visible
from bot.domain.tickets import Kind, Refused
from bot.services import intake, locales, setup
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork
from bot import callback_data as cb

MAX_GRID_BUTTONS = 24


def _cancel(loc: str) -> list[tuple[str, str]]:
    return [(i18n.label(loc, "btn_cancel"), cb.draft("cancel"))]


async def _grid_buttons(uow: UnitOfWork, loc: str) -> list:
    grids = await uow.people.leaf_grids(MAX_GRID_BUTTONS + 1)
    if len(grids) > MAX_GRID_BUTTONS:
        return [_cancel(loc)]
    return [[(g.name, cb.draft("grid", g.code))] for g in grids] + [_cancel(loc)]


async def _ask(ctx: Ctx, uow: UnitOfWork, who: Who, step: str, **params: object) -> Notice:
    """The question for a step, with its buttons."""
    loc = await locales.user_locale(ctx, uow, who.id)
    buttons: list = [_cancel(loc)]
    if step == "kind":
        buttons = [
            [
                (i18n.label(loc, "kind_wish"), cb.draft("kind", "wish")),
                (i18n.label(loc, "kind_complaint"), cb.draft("kind", "complaint")),
            ],
            _cancel(loc),
        ]
    elif step == "category":
        cats = [(c.names.get(loc, c.key), cb.draft("cat", c.key)) for c in ctx.config.categories]
        buttons = [cats[i : i + 2] for i in range(0, len(cats), 2)] + [_cancel(loc)]
    elif step in {"photo", "location"}:
        buttons = [[(i18n.label(loc, "btn_skip"), cb.draft("skip", step))], _cancel(loc)]
    elif step == "grid":
        buttons = await _grid_buttons(uow, loc)
    return Notice(who.id, i18n.render(loc, f"guide_{step}", **params), buttons)


async def begin(
    ctx: Ctx, who: Who, link: str | None, now: datetime, update_id: int | None, first_visit: bool = False
) -> Outcome:
    """Start a draft (a group's deep link fixes the grid); staff opening the bot with a plain /start
    are greeted with their roles instead (they submit with /new)."""
    async with ctx.uow(update_id) as uow:
        user = await uow.people.touch(who.id, who.first_name, who.language, started=True)
        await uow.prompts.consume(who.id, chat_id=who.id)
        staff = await uow.people.person_by_user(who.id)
        if staff is not None and link is None and first_visit:
            loc = await locales.user_locale(ctx, uow, who.id)
            await uow.outbox.add([await setup.staff_welcome(uow, who.id, staff.id, staff.name, loc)], now)
            ctx.kick()
            return Outcome()
        group = await uow.groups.by_link(link) if link else None
        grid = group.grid if group and group.grid else user.home_grid
        if group and group.grid:
            await uow.people.set_home_grid(who.id, group.grid)
        await uow.drafts.start(who.id, grid, now)
        await uow.outbox.add([await _ask(ctx, uow, who, "kind", first_visit=first_visit)], now)
    ctx.kick()
    return Outcome()


NEXT = {
    "kind": "category",
    "category": "text",
    "text": "photo",
    "photo": "location",
    "location": "grid",
    "grid": "submit",
}


async def _store_answer(
    ctx: Ctx, uow: UnitOfWork, d: dict[str, Any], field: str, value: object, now: datetime
) -> str:
    """Check the answer fits the current step, store it, and return the next step."""
    uid, step = d["user_id"], d["step"]
    if field == "text" and step == "grid":  # a typed grid code or name
        field, value = "grid", await uow.people.grid_by_name_or_code(visible(str(value)))
        if value is None:
            raise Refused("no_grid")
    if field != step:
        raise Refused("unexpected_answer")
    if step == "kind" and value in {k.value for k in Kind}:
        await uow.drafts.set(uid, now, kind=value)
    elif step == "category" and value in {c.key for c in ctx.config.categories}:
        await uow.drafts.set(uid, now, category=value)
    elif step == "text":
        text = visible(str(value or ""))
        if not text or len(text) > intake.MAX_TEXT:
            raise Refused("empty_text" if not text else "text_too_long")
        await uow.drafts.set(uid, now, text=text)
    elif step == "photo":
        await uow.drafts.set(uid, now, photo_file_id=value)
    elif step == "location":
        lat, lon = value if isinstance(value, tuple) else (None, None)
        await uow.drafts.set(uid, now, latitude=lat, longitude=lon)
    elif step == "grid" and value and await uow.people.grid(visible(str(value))):
        await uow.drafts.set(uid, now, grid=visible(str(value)))
    else:
        raise Refused("unexpected_answer")
    nxt = NEXT[step]
    return "submit" if nxt == "grid" and d["grid"] else nxt


async def answer(
    ctx: Ctx,
    who: Who,
    field: str,
    value: object,
    now: datetime,
    update_id: int | None,
    help_if_none: bool = False,
) -> Outcome:
    """Record one answer for the current step (None skips photo or location) and go on or submit.
    Without a draft: refused, or (`help_if_none`, a message typed in the private chat) the help."""
    async with ctx.uow(update_id) as uow:
        d = await uow.drafts.get(who.id)
        if d is None and not help_if_none:
            raise Refused("no_draft")
        if d is None:
            outcome = await _help(ctx, uow, who, now)
        else:
            outcome = await _step(ctx, uow, who, d, field, value, now, update_id)
    ctx.kick()
    return outcome


async def _step(
    ctx: Ctx,
    uow: UnitOfWork,
    who: Who,
    d: Any,
    field: str,
    value: object,
    now: datetime,
    update_id: int | None,
) -> Outcome:
    nxt = await _store_answer(ctx, uow, d, field, value, now)
    if nxt == "submit":
        return await _submit(ctx, uow, who, now, update_id)
    await uow.drafts.set(who.id, now, step=nxt)
    await uow.outbox.add([await _ask(ctx, uow, who, nxt)], now)
    return Outcome()


async def _help(ctx: Ctx, uow: UnitOfWork, who: Who, now: datetime) -> Outcome:
    """The commands explained, for a private message that answers nothing."""
    loc = await locales.user_locale(ctx, uow, who.id, who.language)
    work_log = ctx.config.assessment.work_log.enabled
    text = i18n.render(loc, "help", group=False, work_log=work_log)
    await uow.outbox.add([Notice(who.id, text)], now)
    return Outcome()


async def _submit(ctx: Ctx, uow: UnitOfWork, who: Who, now: datetime, update_id: int | None) -> Outcome:
    d = await uow.drafts.get(who.id)
    assert d is not None
    kind = Kind(d["kind"])
    card_chat = None
    if kind is Kind.WISH:  # a wish is public: its card goes to the grid's group so neighbours can help
        bound = await uow.groups.of_grid(d["grid"])
        card_chat = bound[0].chat_id if bound else None
    s = intake.Submission(
        kind,
        d["category"],
        d["text"],
        d["grid"],
        card_chat,
        None,
        d["photo_file_id"],
        d["latitude"],
        d["longitude"],
    )
    await uow.drafts.drop(who.id)
    return await intake.open_ticket(ctx, uow, who, s, now, update_id)


async def cancel(ctx: Ctx, who: Who, now: datetime, update_id: int | None) -> Outcome:
    """Drop the draft."""
    async with ctx.uow(update_id) as uow:
        await uow.drafts.drop(who.id)
        loc = await locales.user_locale(ctx, uow, who.id)
        await uow.outbox.add([Notice(who.id, i18n.render(loc, "guide_cancelled"))], now)
    ctx.kick()
    return Outcome()
