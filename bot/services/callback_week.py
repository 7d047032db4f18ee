"""The weekly call-back review (回访审核): each big-grid leader gets, in their private chat only, a seeded
sample of the tickets confirmed last week in their grids: one message per ticket with the resident's
first name, the phone the roster holds for them, the ticket and who handled it, and the buttons
Satisfied / Not satisfied / Could not reach (answered in bot.services.callback_review)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from bot import callback_data as cb
from bot import i18n
from bot.domain.assessment import Confirmed
from bot.domain.callbacks import RESULTS, Review, plan_week
from bot.domain.periods import Period, last_complete
from bot.domain.model import Ticket
from bot.services import locales, recipients, views
from bot.services.context import Ctx
from bot.services.notices import Buttons, Notice
from bot.services.publish import Post, Tree
from bot.store.reports import Staff
from bot.store.uow import UnitOfWork

KIND = "callback"
MASK = ("•••", "•••")
TAG = "callback"  # the sent message's tag: edited once answered (bot.services.callback_review)


def answer_buttons(t: Ticket) -> Callable[[str], Buttons]:
    """Satisfied / Not satisfied / Could not reach, for the reviewing leader."""
    return lambda loc: [
        [(i18n.label(loc, f"btn_callback_{r}"), cb.callback_review(t.id, r)) for r in RESULTS]
    ]


async def review_text(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, loc: str, result: str | None = None, masked: bool = False
) -> str:
    """The leader's message about one ticket: who to call and what about (and the answer, once given);
    `masked`: the name and phone left out (an operator's dry run prints it)."""
    name, phone = MASK if masked else await uow.callbacks.contact(t.resident_id)
    handler = await views.staff_label(uow, t.closed_by or t.assignee_id, t.grid, loc)
    grid = (await uow.people.grid_names([t.grid])).get(t.grid, t.grid)
    return i18n.render(
        loc,
        "callback_review",
        name=name,
        phone=phone,
        handler=handler,
        grid=grid,
        result=result,
        **recipients.mention(0 if masked else t.resident_id, name),
        **views.ticket_view(ctx, t, loc),
    )


async def _post(
    ctx: Ctx,
    uow: UnitOfWork,
    week: Period,
    leader: Staff,
    reviews: list[Review],
    pool: int,
    masked: bool = False,
) -> Post:
    """One leader's intro and a message per sampled ticket (the contact `masked` for a dry run)."""
    loc = await locales.person_locale(ctx, uow, leader.person_id)
    chat = leader.tg_user_id or 0
    rule = ctx.config.assessment.callbacks
    intro = i18n.render(loc, "callback_intro", period=week, n=len(reviews), pool=pool, rule=rule)
    notices = [Notice(chat, intro)]
    for r in sorted(reviews, key=lambda r: r.ticket_id):
        t = await uow.tickets.get(r.ticket_id)
        if t is not None:
            text = await review_text(ctx, uow, t, loc, masked=masked)
            notices.append(Notice(chat, text, answer_buttons(t)(loc), ticket_id=t.id, extra={"tag": TAG}))
    return Post(KIND, week.key, chat, notices)


async def _plan(ctx: Ctx, uow: UnitOfWork, week: Period) -> list[tuple[Staff, list[Review], int]]:
    """Each big-grid leader on Telegram, their reviews, and how many tickets they were drawn from."""
    tree = Tree(await uow.reports.grids())
    by_grid: dict[str, Staff] = {}
    for s in await uow.reports.staff(("big_leader",)):
        if s.tg_user_id:
            by_grid.setdefault(s.grid, s)
    leaders = {s.person_id: s for s in by_grid.values()}

    def leader_of(grid: str) -> int | None:
        return next((by_grid[g].person_id for g in tree.ancestry(grid) if g in by_grid), None)

    found = [
        (Confirmed(tid, worker), grid)
        for tid, worker, grid in await uow.callbacks.candidates(week.start, week.end)
    ]
    rule = ctx.config.assessment.callbacks
    plan = plan_week(found, leader_of, rule.share, rule.minimum, week.key)
    return [(leaders[pid], reviews, pool) for pid, (reviews, pool) in plan.items()]


async def weekly_callbacks(
    ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False
) -> list[Post]:
    """Send last week's (or `period`'s) call-back samples; each leader gets a week once, each ticket is
    sampled once ever; the reviews and their messages are written in one transaction."""
    if not ctx.config.assessment.callbacks.enabled:
        return []
    week = period or last_complete("week", now, ctx.config.timezone)
    plan = await _plan(ctx, ctx.read(), week)
    if dry_run:
        return [await _post(ctx, ctx.read(), week, *planned, masked=True) for planned in plan]
    written = []
    async with ctx.uow() as uow:
        for leader, reviews, pool in plan:
            if not await uow.reports.claim_post(KIND, week.key, leader.tg_user_id or 0, now):
                continue
            post = await _post(ctx, uow, week, leader, await uow.callbacks.add(reviews, now), pool)
            await uow.outbox.add(post.notices, now, ctx.config.quiet_hours, ctx.config.timezone)
            written.append(post)
    ctx.kick()
    return written
