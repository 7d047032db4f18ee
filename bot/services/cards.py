"""A ticket's group card and the buttons each person gets on a ticket."""

from __future__ import annotations

from bot import callback_data as cb
from bot import i18n
from bot.domain.routing import Track
from bot.domain.tickets import Kind, Status, Ticket
from bot.services.context import Ctx
from bot.services.locales import group_locale
from bot.services.notices import Buttons, ButtonsFor, Notice
from bot.services.views import staff_label, ticket_view
from bot.store.uow import UnitOfWork


def is_public(ctx: Ctx, t: Ticket) -> bool:
    """A public matter (公家事 track): its group card invites neighbours to say "me too"."""
    return ctx.config.category(t.category).track is Track.PUBLIC and t.kind is Kind.COMPLAINT


def card_buttons(t: Ticket, locale: str, public: bool = False) -> Buttons | None:
    """Group card buttons: an open wish can be claimed; a public matter gets "me too" (with its count)."""
    if t.kind is Kind.WISH and t.status is Status.OPEN:
        return [[(i18n.label(locale, "btn_claim"), cb.ticket(t.id, "clm"))]]
    if public and t.status in (Status.OPEN, Status.ACCEPTED, Status.CLOSED):
        count = f" ({t.support_count})" if t.support_count else ""
        return [[(i18n.label(locale, "btn_me_too") + count, cb.casework(t.id, "me"))]]
    return None


async def card(ctx: Ctx, uow: UnitOfWork, t: Ticket, **extra: object) -> list[Notice]:
    """The group card (sent the first time, edited afterwards); complaints never show their text."""
    if t.origin_chat_id is None or t.origin_chat_id > 0:
        return []
    loc = await group_locale(ctx, uow, t.origin_chat_id)
    who = await staff_label(uow, t.assignee_id, t.grid, loc) if t.assignee_id else None
    public = is_public(ctx, t)
    text = i18n.render(loc, "card", assignee=who, public=public, **ticket_view(ctx, t, loc), **extra)
    return [Notice(t.origin_chat_id, text, card_buttons(t, loc, public), op="card", ticket_id=t.id)]


def accept_buttons(t: Ticket) -> ButtonsFor:
    """Accept and Return (退单, with a reason for the dispatcher), for the assignee's private request."""
    return lambda loc: [
        [
            (i18n.label(loc, "btn_accept"), cb.ticket(t.id, "acc")),
            (i18n.label(loc, "btn_return"), cb.casework(t.id, "ret")),
        ]
    ]


def close_buttons(t: Ticket) -> ButtonsFor:
    """Close (resolved), the honest other closures, more time and return, for the worker's accepted ticket."""
    return lambda loc: [
        [(i18n.label(loc, "btn_close"), cb.ticket(t.id, "cls"))],
        [
            (i18n.label(loc, "btn_explain"), cb.casework(t.id, "exp")),
            (i18n.label(loc, "btn_refer"), cb.casework(t.id, "ref")),
        ],
        [
            (i18n.label(loc, "btn_extend"), cb.casework(t.id, "ext")),
            (i18n.label(loc, "btn_return"), cb.casework(t.id, "ret")),
        ],
    ]


def confirm_buttons(t: Ticket) -> ButtonsFor:
    """Resolved? Yes / No, for the resident; for an explanation, a referral or "not ours": do they accept
    the answer (the same moves: confirm, or back to whoever closed it)?"""
    answer = t.outcome in ("explained", "referred", "not_ours")
    yes, no = ("btn_accept_answer", "btn_dispute_answer") if answer else ("btn_yes", "btn_no")
    return lambda loc: [
        [
            (i18n.label(loc, yes), cb.ticket(t.id, "yes")),
            (i18n.label(loc, no), cb.ticket(t.id, "no")),
        ]
    ]


def rating_buttons(t: Ticket) -> ButtonsFor:
    """One to five stars, for the resident."""
    return lambda loc: [[(f"{n}⭐", cb.ticket(t.id, "r", n)) for n in range(1, 6)]]
