"""Honest closure: "explained / cannot be solved" and "referred" to an agency liaison who must report
back (报到); the notices every closure sends (resident, supporters, closer)."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import casework as domain
from bot.domain.authorisation import may_close
from bot.domain.inputs import visible
from bot.domain.tickets import Actor, Refused, Ticket
from bot.services import cards, locales, recipients, views
from bot.services.act import act, ask, pure
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import ButtonsFor, Notice
from bot.store.uow import UnitOfWork
from bot import callback_data as cb


async def to_supporters(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, template: str, **params: object
) -> list[Notice]:
    """Tell every supporter who started the bot (and did not block it), each in their language."""
    out: list[Notice] = []
    if not t.support_count:  # nobody said "me too": no query
        return out
    for uid in await uow.casework.supporters(t.number):
        user = await uow.people.user(uid)
        if user is None or not user.started or user.blocked:
            continue
        loc = await locales.user_locale(ctx, uow, uid)
        out.append(
            Notice(
                uid,
                i18n.render(loc, template, **views.ticket_view(ctx, t, loc), **params),
                quiet=True,
                ticket_id=t.id,
            )
        )
    return out


async def closed_notices(ctx: Ctx, uow: UnitOfWork, t: Ticket) -> list[Notice]:
    """After any closure: the card, the resident asked "Resolved?", supporters, the closer."""
    out = await cards.card(ctx, uow, t)
    loc = await locales.user_locale(ctx, uow, t.resident_id)
    worker = await views.staff_label(uow, t.closed_by, t.grid, loc)
    liaison = await views.staff_label(uow, t.referred_to, t.grid, loc) if t.referred_to else ""
    out += await recipients.to_resident(
        ctx,
        uow,
        t,
        "closed_outcome",
        cards.confirm_buttons(t),
        worker=worker,
        liaison=liaison,
        window=ctx.config.auto_confirm,
    )
    out += await to_supporters(ctx, uow, t, "supporter_closed")
    out += await recipients.to_person(ctx, uow, t.closed_by, "closed_worker", t, quiet=False)
    return out


async def ask_explanation(
    ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None
) -> Outcome:
    """Check the presser may close, then ask for the explanation the resident will read."""

    check = pure(may_close)
    return await ask(
        ctx, who, ticket_id, now, update_id, check, "ask_explanation", "explain", "ok_note_asked"
    )


async def choose_liaison(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Offer the agency liaisons (people holding the liaison role) to refer the ticket to."""
    async with ctx.uow(update_id) as uow:
        t = await uow.tickets.get(ticket_id)
        if t is None:
            raise Refused("no_ticket")
        actor = await uow.people.actor(who.id, t.grid)
        may_close(t, actor)
        liaisons = await uow.casework.liaisons()
        if not liaisons:
            raise Refused("no_liaison")
        loc = await locales.user_locale(ctx, uow, who.id)
        rows = [[(name, cb.casework(t.id, "rf", pid))] for pid, name in liaisons]
        text = i18n.render(loc, "refer_choose", **views.ticket_view(ctx, t, loc))
        await uow.outbox.add([Notice(who.id, text, rows, ticket_id=t.id)], now)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_choose_liaison"), ticket_id=ticket_id)


async def ask_referral(
    ctx: Ctx, who: Who, ticket_id: int, liaison: int, now: datetime, update_id: int | None
) -> Outcome:
    """The liaison is chosen: ask what the resident should be told."""

    async def check(uow: UnitOfWork, t: Ticket, actor: Actor) -> None:
        if liaison not in {pid for pid, _ in await uow.casework.liaisons()}:
            raise Refused("no_liaison")
        may_close(t, actor)

    return await ask(
        ctx, who, ticket_id, now, update_id, check, "ask_referral", f"refer:{liaison}", "ok_note_asked"
    )


async def close_as(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    outcome: str,
    note: str,
    now: datetime,
    update_id: int | None,
    liaison: int | None = None,
) -> Outcome:
    """Close as explained or referred; a referral's liaison is asked to report back in time."""
    note = visible(note)[:1000]
    if not note:
        raise Refused("empty_note")
    purpose = "explain" if outcome == "explained" else f"refer:{liaison}"

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, purpose, ticket_id)
        if outcome == "referred" and liaison not in {pid for pid, _ in await uow.casework.liaisons()}:
            raise Refused("no_liaison")
        return domain.close_as(
            t, actor, now, outcome, note, ctx.config.auto_confirm, liaison, ctx.config.casework.report_within
        )

    async def notify(uow, before, t, actor):
        out = await closed_notices(ctx, uow, t)
        if t.referred_to:
            out += await _ask_liaison_to_report(ctx, uow, t, t.referred_to)
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_closed")


async def _ask_liaison_to_report(ctx: Ctx, uow: UnitOfWork, t: Ticket, liaison: int) -> list[Notice]:
    """The agency liaison hears who referred the ticket to them and by when to report back."""
    lloc = await locales.person_locale(ctx, uow, liaison)
    by = await views.staff_label(uow, t.closed_by, t.grid, lloc)
    return await recipients.to_person(
        ctx,
        uow,
        liaison,
        "referred_liaison",
        t,
        report_buttons(t),
        quiet=False,
        by=by,
        due=t.report_due,
    )


def report_buttons(t: Ticket) -> ButtonsFor:
    """The liaison's "Report: I have it" (报到) button."""
    return lambda loc: [[(i18n.label(loc, "btn_report"), cb.casework(t.id, "rep"))]]


async def report(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """The liaison reports back; the one who referred it is told."""

    async def decide(uow, t, actor):
        return domain.report_back(t, actor, now)

    async def notify(uow, before, t, actor):
        loc = await locales.person_locale(ctx, uow, t.closed_by)
        who_label = await views.staff_label(uow, t.referred_to, t.grid, loc)
        return await recipients.to_person(ctx, uow, t.closed_by, "reported_worker", t, liaison=who_label)

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_reported")
