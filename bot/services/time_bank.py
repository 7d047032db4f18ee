"""The volunteer time bank around a wish: the helper's hours question and answer, the hours counting
when the resident confirms, a balance for /my and for whoever claims an account holder's wish.

Rules: `bot.domain.time_bank`; the table: `bot.store.time_bank`; the story: docs/time_bank.md.
"""

from __future__ import annotations

from datetime import datetime

from bot import callback_data as cb
from bot import i18n
from bot.domain import time_bank as rules
from bot.domain.assessment import parse_hours
from bot.domain.model import Actor, Kind, Refused, Ticket
from bot.services import locales, recipients, views
from bot.services.act import Pressed, edit_pressed
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import ButtonsFor, Notice
from bot.store.uow import UnitOfWork


def _id(t: Ticket) -> int:
    """A stored ticket's id (services only see tickets read back from the store)."""
    if t.id is None:
        raise Refused("no_ticket")
    return t.id


def enabled(ctx: Ctx) -> bool:
    """The `[assessment.time_bank] enabled` switch."""
    return ctx.config.assessment.time_bank.enabled


def hours_buttons(t: Ticket) -> ButtonsFor:
    """[0.5h] [1h] [2h] [other…] for the helper."""
    return lambda loc: [
        [(i18n.label(loc, "btn_hours", h=rules.hours(m)), cb.hours(t.id, m)) for m in rules.CHOICES],
        [(i18n.label(loc, "btn_hours_other"), cb.hours(t.id, "x"))],
    ]


async def question(ctx: Ctx, uow: UnitOfWork, t: Ticket) -> list[Notice]:
    """After a wish is reported done: its helper is asked privately how long it took."""
    helper = await uow.people.person(t.closed_by) if t.closed_by else None
    if not enabled(ctx) or t.kind is not Kind.WISH or helper is None or helper.tg_user_id == t.resident_id:
        return []  # nobody earns hours on their own wish
    most = rules.hours(round(ctx.config.assessment.time_bank.max_hours_per_wish * 60))
    return await recipients.to_person(  # the helper has just closed it: not held by quiet hours
        ctx, uow, t.closed_by, "hours_question", t, hours_buttons(t), quiet=False, most=most
    )


async def _helper(uow: UnitOfWork, who: Who, ticket_id: int) -> tuple[Ticket, int]:
    """The wish and the presser's person id, refused unless they may record hours on it now."""
    t, person = await uow.tickets.get(ticket_id), await uow.people.person_by_user(who.id)
    if t is None:
        raise Refused("no_ticket")
    if person is None:
        raise Refused("hours_not_yours")
    earned = await uow.hours.earned_on(_id(t), person.id)
    rules.may_record(t, person.id, bool(earned and earned.confirmed), own=who.id == t.resident_id)
    return t, person.id


async def ask_other(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """The helper's [other…]: a reply prompt for the time typed ("1.5", "1小时30分", "90分钟")."""
    if not enabled(ctx):
        raise Refused("hours_off")
    async with ctx.uow(update_id) as uow:
        t, _ = await _helper(uow, who, ticket_id)
        loc = await locales.user_locale(ctx, uow, who.id)
        most = rules.hours(round(ctx.config.assessment.time_bank.max_hours_per_wish * 60))
        text = i18n.render(loc, "hours_ask_typed", most=most, **views.ticket_view(ctx, t, loc))
        prompt = {"user_id": who.id, "purpose": "hours", "ticket_id": t.id}
        await uow.outbox.add([Notice(who.id, text, force_reply=True, prompt=prompt, ticket_id=t.id)], now)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_hours_asked"), ticket_id=ticket_id)


async def typed(
    ctx: Ctx, who: Who, ticket_id: int, text: str, now: datetime, update_id: int | None
) -> Outcome:
    """The helper's typed answer to the prompt; unreadable or too many hours are refused politely
    (the prompt stays, so the next answer is read again)."""
    return await record(ctx, who, ticket_id, parse_hours(text), now, update_id)


async def record(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    minutes: int | None,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """Record the helper's hours on the wish, on its timeline, in one transaction; they count at once
    if the resident already confirmed, else when they do."""
    if not enabled(ctx):
        raise Refused("hours_off")
    minutes = rules.checked(minutes, ctx.config.assessment.time_bank.max_hours_per_wish)
    async with ctx.uow(update_id) as uow:
        t, pid = await _helper(uow, who, ticket_id)
        counted = rules.counts_now(t)
        await uow.prompts.consume(who.id, "hours", ticket_id)
        await uow.hours.earn(ticket_id, pid, minutes, now, counted)
        await uow.tickets.add_events(
            ticket_id, [rules.recorded(t, pid, minutes)], Actor(who.id, pid), now, update_id
        )
        loc = await locales.user_locale(ctx, uow, who.id)
        text = i18n.render(loc, "hours_recorded", h=rules.hours(minutes), counted=counted, t=t)
        out = edit_pressed(pressed, text) if pressed else [Notice(who.id, text, ticket_id=t.id)]
        out += await offer(ctx, uow, t) if counted else []  # the resident is not acting: quiet hours hold it
        await uow.outbox.add(out, now, ctx.config.quiet_hours, ctx.config.timezone)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_hours_recorded"), ticket_id=ticket_id)


async def counted(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, now: datetime, quiet: bool = True
) -> tuple[str | None, list[Notice]]:
    """The wish is confirmed (by its resident or the clock): its pending hours count now. Returns the
    closer's hours as text for their "confirmed" message (or None), and the resident's offer to pay."""
    if not enabled(ctx) or t.kind is not Kind.WISH:
        return None, []
    done = dict(await uow.hours.count(_id(t), now))
    h = rules.hours(done[t.closed_by]) if t.closed_by in done else None
    return h, await offer(ctx, uow, t, quiet)


async def account_of(ctx: Ctx, uow: UnitOfWork, user_id: int) -> rules.Account | None:
    """A Telegram user's time-bank account, if they are a roster person who has one (a volunteer,
    or anyone who ever recorded hours); None when the bank is off."""
    person = await uow.people.person_by_user(user_id) if enabled(ctx) else None
    return await account_of_person(ctx, uow, person.id) if person else None


async def account_of_person(ctx: Ctx, uow: UnitOfWork, person_id: int) -> rules.Account | None:
    """A roster person's account: a volunteer's, or anyone's who ever recorded hours; else None."""
    if not enabled(ctx):
        return None
    roles = {role for role, _ in await uow.people.roles_with_grids(person_id)}
    if "volunteer" not in roles and not await uow.hours.has_account(person_id):
        return None
    return rules.account(await uow.hours.entries(person_id))


def view(acc: rules.Account | None) -> dict | None:
    """Template parameters for an account: hours as text."""
    if acc is None:
        return None
    return {k: rules.hours(getattr(acc, k)) for k in ("balance", "earned", "spent", "pending")}


async def of_resident(ctx: Ctx, uow: UnitOfWork, t: Ticket) -> dict | None:
    """The submitter's balance for whoever takes their wish ("该居民时间银行余额 5 小时")."""
    if t.kind is not Kind.WISH:
        return None
    return view(await account_of(ctx, uow, t.resident_id))


# --- paying for one's own wish with hours --------------------------------------------------------


def pay_buttons(t: Ticket, h: str) -> ButtonsFor:
    """[⏳ pay N h] [no thanks] for an account holder whose wish was done."""
    return lambda loc: [
        [
            (i18n.label(loc, "btn_hours_pay", h=h), cb.hours(t.id, "pay")),
            (i18n.label(loc, "btn_hours_keep"), cb.hours(t.id, "no")),
        ]
    ]


async def offer(ctx: Ctx, uow: UnitOfWork, t: Ticket, quiet: bool = True) -> list[Notice]:
    """Once a wish is confirmed and its helper's hours recorded (whichever comes last): a resident
    with hours in the bank is asked privately whether to pay for it with them."""
    earned = await uow.hours.earned_on(_id(t), t.closed_by) if t.closed_by else None
    if not enabled(ctx) or earned is None or not earned.confirmed or await uow.hours.paid_for(_id(t)):
        return []
    acc = await account_of(ctx, uow, t.resident_id)
    if acc is None or acc.balance <= 0:
        return []
    loc = await locales.user_locale(ctx, uow, t.resident_id)
    helper = await views.staff_label(uow, t.closed_by, t.grid, loc)
    h = rules.hours(earned.minutes)
    return await recipients.to_resident(
        ctx,
        uow,
        t,
        "hours_offer",
        pay_buttons(t, h),
        in_group=False,
        quiet=quiet,
        h=h,
        helper=helper,
        balance=rules.hours(acc.balance),
    )


async def pay(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    yes: bool,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None,
) -> Outcome:
    """The resident pays for their wish with the helper's hours (a spend naming the helper, on the
    timeline), or declines; more than their balance is refused politely."""
    if not enabled(ctx):
        raise Refused("hours_off")
    async with ctx.uow(update_id) as uow:
        t, person = await uow.tickets.get(ticket_id), await uow.people.person_by_user(who.id)
        if t is None or person is None:
            raise Refused("no_ticket" if t is None else "not_resident")
        earned = await uow.hours.earned_on(ticket_id, t.closed_by) if t.closed_by else None
        minutes = earned.minutes if earned and earned.confirmed else None
        minutes = rules.may_pay(t, who.id, minutes, await uow.hours.paid_for(ticket_id))
        loc = await locales.user_locale(ctx, uow, who.id)
        out = edit_pressed(pressed, i18n.render(loc, "hours_kept", t=t))
        if yes:
            out = await _paid(ctx, uow, t, person.id, minutes, now, update_id, pressed, loc)
        await uow.outbox.add(out, now, ctx.config.quiet_hours, ctx.config.timezone)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_hours_paid" if yes else "ok_hours_kept"), ticket_id=ticket_id)


async def _paid(ctx, uow, t, payer: int, minutes: int, now, update_id, pressed, loc: str) -> list[Notice]:
    """Record the spend and its timeline line; the payer sees their new balance, the helper is told."""
    event = rules.pay(t, await uow.hours.entries(payer), minutes, t.closed_by)
    await uow.hours.pay(_id(t), payer, minutes, t.closed_by, now)
    await uow.tickets.add_events(_id(t), [event], Actor(t.resident_id, payer), now, update_id)
    left = rules.account(await uow.hours.entries(payer)).balance
    text = i18n.render(loc, "hours_paid", t=t, h=rules.hours(minutes), balance=rules.hours(left))
    out = edit_pressed(pressed, text) if pressed else [Notice(t.resident_id, text, ticket_id=t.id)]
    return out + await recipients.to_person(
        ctx, uow, t.closed_by, "hours_paid_helper", t, h=rules.hours(minutes)
    )
