"""Intake: a resident's wish or complaint becomes a routed ticket, a group card and a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import i18n
from bot.domain import routing
from bot.domain.inputs import is_blank, visible
from bot.domain import tickets as domain
from bot.domain.tickets import Kind, Refused, Ticket
from bot.services import cards, locales, recipients, reminders, support, views
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork

MAX_TEXT = 2000


@dataclass
class Submission:
    """What the resident gave us."""

    kind: Kind
    category: str
    text: str
    grid: str
    origin_chat_id: int | None = None
    origin_message_id: int | None = None
    photo_file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    also_delete: int | None = None  # the photo message a bare captioned command came in


def parse_category(ctx: Ctx, text: str) -> tuple[str, str]:
    """Split a leading category word (key or name in any locale) off the text."""
    first, _, rest = visible(text).partition(" ")
    for c in ctx.config.categories:
        if first.lower() in {c.key, *(n.lower() for n in c.names.values())} and not is_blank(rest):
            return c.key, visible(rest)
    return "other", visible(text)


async def _limits(ctx: Ctx, uow: UnitOfWork, user_id: int, now: datetime) -> None:
    open_count, hour_count, oldest = await uow.tickets.recent_count(user_id, now - timedelta(hours=1))
    if open_count >= ctx.config.max_open_per_resident:
        raise Refused("limit_open", n=ctx.config.max_open_per_resident)
    if hour_count >= ctx.config.max_submissions_per_hour and oldest is not None:
        again = datetime.fromtimestamp(oldest, ctx.config.timezone) + timedelta(hours=1)
        raise Refused("limit_hourly", at=again.strftime("%H:%M"))


async def _route(ctx: Ctx, uow: UnitOfWork, s: Submission) -> routing.Routing:
    cat = ctx.config.category(s.category)
    liaison = await uow.people.person_by_code(cat.liaison) if cat.liaison else None
    workers = await uow.people.holders(s.grid, "worker")
    counts = await uow.tickets.open_counts(workers)
    ladder = await uow.people.ladder(s.grid)
    leaders = [p for role in routing.LADDER for p in ladder[role]]
    volunteers = await uow.people.holders(s.grid, "volunteer")
    away = await uow.people.unreachable(workers + leaders + ([liaison.id] if liaison else []))
    return routing.choose(
        cat.track,
        liaison.id if liaison and liaison.active else None,
        [routing.Candidate(p, counts[p], p not in away) for p in workers],
        leaders,
        volunteers,
        away,
    )


async def _notices(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, s: Submission, copied: tuple[int, ...], deleted: bool
) -> list[Notice]:
    out: list[Notice] = []
    chat = s.origin_chat_id
    if deleted and chat is not None:
        out.append(Notice(chat, op="delete", message_id=s.origin_message_id, ticket_id=t.id))
        if s.also_delete:
            out.append(Notice(chat, op="delete", message_id=s.also_delete, ticket_id=t.id))
    out += await cards.card(ctx, uow, t, removed=deleted)
    rloc = await locales.user_locale(ctx, uow, t.resident_id)
    out += await recipients.to_resident(
        ctx,
        uow,
        t,
        "received",
        quiet=False,
        in_group=False,
        assignee=await views.staff_label(uow, t.assignee_id, t.grid, rloc),
    )
    out += await recipients.assignment_request(ctx, uow, t)
    for volunteer in copied:
        out += await recipients.to_person(ctx, uow, volunteer, "copied", t)
    return out


def _check_text(text: str) -> None:
    if is_blank(text):
        raise Refused("empty_text")
    if len(text) > MAX_TEXT:
        raise Refused("text_too_long")


async def open_ticket(
    ctx: Ctx, uow: UnitOfWork, who: Who, s: Submission, now: datetime, update_id: int | None
) -> Outcome:
    """Inside a unit of work: route, store, log and enqueue the card, acknowledgement and request."""
    _check_text(s.text)
    if not (await uow.people.near(s.grid, who.id)).exists:  # the grid's staff, read once for all below
        raise Refused("no_grid")
    await uow.people.touch(who.id, who.first_name, who.language)
    if s.origin_chat_id is not None:
        await uow.prompts.consume(who.id, s.kind.value, chat_id=s.origin_chat_id)
    await _limits(ctx, uow, who.id, now)
    route = await _route(ctx, uow, s)
    actor = await uow.people.actor(who.id, s.grid)
    draft = Ticket(
        None,
        s.kind,
        ctx.config.category(s.category).key,
        s.grid,
        who.id,
        visible(s.text),
        now,
        self_submitted=actor.is_staff,
        origin_chat_id=s.origin_chat_id,
        photo_file_id=s.photo_file_id,
        latitude=s.latitude,
        longitude=s.longitude,
    )
    opened, events = domain.submit(
        draft, ctx.config.tier_for(s.kind.value, s.category), route.assignee_id, now, route.copied
    )
    t = await uow.tickets.insert(reminders.planned(ctx, opened))
    await uow.tickets.add_events(t.number, events, actor, now, update_id)
    group = await uow.groups.get(s.origin_chat_id) if s.origin_chat_id else None
    deleted = bool(s.kind is Kind.COMPLAINT and group and group.can_delete and s.origin_message_id)
    notices = await _notices(ctx, uow, t, s, route.copied, deleted)
    notices += await support.duplicate_question(ctx, uow, t, now)
    await uow.outbox.add(notices, now, ctx.config.quiet_hours, ctx.config.timezone)
    loc = await locales.user_locale(ctx, uow, who.id)
    return Outcome(i18n.label(loc, "ok_submitted", n=t.id), ticket_id=t.id)


async def submit_in_group(
    ctx: Ctx,
    who: Who,
    chat_id: int,
    message_id: int | None,
    kind: Kind,
    text: str,
    photo: str | None,
    now: datetime,
    update_id: int | None,
    also_delete: int | None = None,
) -> Outcome:
    """`/wish` or `/complain` in a group: the group's grid gets the ticket (a group not bound is refused)."""
    async with ctx.uow(update_id) as uow:
        group = await uow.groups.get(chat_id)
        if group is None or not group.grid:
            raise Refused("group_not_bound")
        category, body = parse_category(ctx, text)
        s = Submission(kind, category, body, group.grid, chat_id, message_id, photo, also_delete=also_delete)
        outcome = await open_ticket(ctx, uow, who, s, now, update_id)
    ctx.kick()
    return outcome


async def submit(ctx: Ctx, who: Who, s: Submission, now: datetime, update_id: int | None) -> Outcome:
    """Open a ticket in one transaction, with its card, acknowledgement and assignment request."""
    _check_text(s.text)
    async with ctx.uow(update_id) as uow:
        outcome = await open_ticket(ctx, uow, who, s, now, update_id)
    ctx.kick()
    return outcome
