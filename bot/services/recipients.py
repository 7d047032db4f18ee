"""Notices to the people on a ticket: the resident (privately, else in their group) and staff members."""

from __future__ import annotations

from bot import i18n
from bot.domain.records import User
from bot.domain.tickets import Kind, Ticket
from bot.services.cards import accept_buttons
from bot.services.context import Ctx
from bot.services.locales import group_locale, locale_of, person_locale
from bot.services.notices import Buttons, ButtonsFor, Notice
from bot.services.views import staff_label, ticket_view
from bot.store.uow import UnitOfWork


def mention(user_id: int, name: str) -> dict:
    """Parameters for a template's mention of a user (the template escapes the name)."""
    return {"mention_id": user_id, "mention_name": name or str(user_id)}


async def to_resident(
    ctx: Ctx,
    uow: UnitOfWork,
    t: Ticket,
    template: str,
    buttons_for: ButtonsFor | None = None,
    quiet: bool = True,
    in_group: bool = True,
    **params: object,
) -> list[Notice]:
    """Tell the resident privately; if they never started the bot (or blocked it), in their group."""
    user = await uow.people.user(t.resident_id)
    private_ok = bool(user and user.reachable)
    if not in_group and not private_ok:
        return []
    make = buttons_for or _no_buttons
    group = await _for_group(ctx, uow, t, template, make, user, params) if in_group else None
    if private_ok or t.origin_chat_id is None:
        loc = locale_of(ctx, user)
        text = i18n.render(loc, template, **ticket_view(ctx, t, loc), **params)
        chat, fallback, buttons = (t.origin_chat_id, *group) if group else (None, None, None)
        return [
            Notice(
                t.resident_id,
                text,
                make(loc),
                quiet=quiet,
                ticket_id=t.id,
                fallback_chat_id=chat,
                fallback_text=fallback,
                fallback_buttons=buttons,
            )
        ]
    if group is None:
        return []
    return [Notice(t.origin_chat_id, group[0], group[1], quiet=quiet, ticket_id=t.id)]


def _no_buttons(locale: str) -> None:
    return None


async def _for_group(
    ctx: Ctx,
    uow: UnitOfWork,
    t: Ticket,
    template: str,
    make: ButtonsFor,
    user: User | None,
    params: dict[str, object],
) -> tuple[str, Buttons | None]:
    """What the resident's group reads instead (a complaint: news naming nobody), and its buttons."""
    gloc = await group_locale(ctx, uow, t.origin_chat_id)
    if t.kind is Kind.COMPLAINT:  # the group learns nothing of who complained or what about
        return neutral_news(ctx, t, gloc)
    named = mention(t.resident_id, user.first_name if user else "")
    text = i18n.render(gloc, f"{template}_group", **ticket_view(ctx, t, gloc), **named, **params)
    return text, make(gloc)


def neutral_news(ctx: Ctx, t: Ticket, gloc: str) -> tuple[str, Buttons]:
    """For a complaint's resident who cannot be written to privately: a group message naming nobody,
    with a button opening the private chat, where the bot shows them their ticket (/start t_N)."""
    button = [[(i18n.label(gloc, "btn_read_privately"), "url:" + ctx.deep_link(f"t_{t.id}"))]]
    return i18n.render(gloc, "news_private", t=t), button


async def to_person(
    ctx: Ctx,
    uow: UnitOfWork,
    person_id: int | None,
    template: str,
    t: Ticket,
    buttons_for: ButtonsFor | None = None,
    quiet: bool = True,
    **params: object,
) -> list[Notice]:
    """A private message to a staff member who has bound their Telegram account."""
    who = await uow.people.person(person_id) if person_id else None
    if who is None or who.tg_user_id is None:
        return []
    loc = await person_locale(ctx, uow, who.id)
    make = buttons_for if callable(buttons_for) else (lambda _loc: None)
    text = i18n.render(loc, template, **ticket_view(ctx, t, loc), **params)
    return [Notice(who.tg_user_id, text, make(loc), quiet=quiet, ticket_id=t.id)]


async def assignment_request(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, declined_by: int | None = None, reason: str = ""
) -> list[Notice]:
    """The private request to the assignee: the resident's photo if any, full text, Accept and Decline;
    for a declined ticket, who declined it and why."""
    by = (
        await staff_label(uow, declined_by, t.grid, await person_locale(ctx, uow, t.assignee_id))
        if declined_by
        else None
    )
    request = await to_person(
        ctx, uow, t.assignee_id, "assigned", t, accept_buttons(t), declined_by=by, reason=reason
    )
    for n in request:
        n.extra["tag"] = "request"  # edited when someone else takes the ticket (bot.services.retire)
    if request and t.photo_file_id:
        loc = await person_locale(ctx, uow, t.assignee_id)
        caption = i18n.render(loc, "ticket_photo", **ticket_view(ctx, t, loc))
        request.insert(
            0,
            Notice(
                request[0].chat_id, caption, op="photo", photo=t.photo_file_id, ticket_id=t.id, quiet=True
            ),
        )
    return request
