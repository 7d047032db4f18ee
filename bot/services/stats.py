"""/stats in a private chat: a leader's grids this month so far (or last month) with a chart, a
worker's own figures; residents are pointed to /my. Figures use the reports' queries and arithmetic
(bot/store/reports.py, bot/domain/reports.py), so they agree with the digests and monthly posts."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import reports as rep
from bot.domain import stats as dom
from bot.domain.callbacks import Results
from bot.domain.periods import Period, is_whole_month
from bot.domain.tickets import Refused
from bot.services import chart, locales, time_bank_posts
from bot.services.context import Ctx, Outcome, Who
from bot.store.reports import Backlog
from bot.services.publish import Tree, accept_seconds, callback_view, rate_view, sum_over, with_chart


async def stats(ctx: Ctx, who: Who, chat_id: int, arg: str, now: datetime, update_id: int | None) -> Outcome:
    """Answer /stats [last] for the user behind the update."""
    if chat_id < 0:
        raise Refused("stats_private")
    zone = ctx.config.timezone
    try:
        period = dom.month(arg, now, zone)
    except dom.BadArgument:
        raise Refused("stats_usage") from None
    person = await ctx.read().people.person_by_user(who.id)
    if person is None:
        raise Refused("stats_staff_only")
    roles = await ctx.read().stats.roles(person.id)
    loc = await locales.user_locale(ctx, ctx.read(), who.id)
    if led := dom.led_grids(roles):
        text, png = await _leader(ctx, loc, period, led, now)
    else:
        text, png = await _worker(ctx, loc, period, person.id, now), None
    caption = i18n.label(loc, "stats_caption", period=_period_name(loc, period))
    async with ctx.uow(update_id) as uow:
        await uow.outbox.add(with_chart(chat_id, png, text, caption), now)
    ctx.kick()
    return Outcome()


def _period_name(loc: str, period: Period) -> str:
    name = i18n.period_name(loc, period)
    return name if is_whole_month(period) else i18n.label(loc, "rep_panel_month_so_far", month=name)


async def _leader(
    ctx: Ctx, loc: str, period: Period, led: list[str], now: datetime
) -> tuple[str, bytes | None]:
    """The leader's grids: new, open, overdue, the three rates, each worker's red flags, and a chart."""
    data = ctx.read()
    tree = Tree(await data.reports.grids())
    codes = dom.area_of([g for g in led if g in tree.grids], tree.subtree)
    area = set(codes)
    backlog = await data.reports.backlog(codes, period.start, period.end, now)
    rates = await data.reports.rates(period.start, period.end, now, accept_seconds(ctx))
    rows = dom.worker_rows(await data.reports.counts(period.start, period.end), area)
    cbs = await data.reports.callback_results(period.start, period.end)
    called = sorted({p for (g, p) in cbs if g in area and p is not None} - {r.person_id for r in rows})
    rows += [dom.WorkerRow(p, rep.Counts()) for p in called]  # called back, nothing else this month
    names = await data.reports.names([w.person_id for w in rows])
    workers = [
        {"name": names.get(r.person_id, "?"), "c": r.counts, **_callbacks(cbs, area, r.person_id)}
        for r in rows
    ]
    grids = [{"name": tree.name(g), **_callbacks(cbs, {g})} for g in codes]
    place = "、".join(tree.name(g) for g in led) if loc == "zh" else ", ".join(tree.name(g) for g in led)
    png, drawn = _chart(ctx, loc, place, period, workers)
    text = i18n.render(
        loc,
        "stats_leader",
        place=place,
        period=_period_name(loc, period),
        now=now,
        tz=ctx.config.timezone,
        b=sum_over(backlog, area, None, Backlog()),
        workers=workers,
        names_drawn=drawn,
        total=rep.total(w["c"] for w in workers),
        whole=is_whole_month(period),
        grids=[g for g in grids if not g["cb"]["r"].empty] if len(grids) > 1 else [],
        **_callbacks(cbs, area),
        **rate_view(sum_over(rates, area, None, rep.Rates())),
    )
    return text, png


def _callbacks(results: dict, area: set[str], person: int | None = None) -> dict:
    """Call-back satisfaction in the area (of one person, if given), as `cb` for a template."""
    return {"cb": callback_view(sum_over(results, area, person, Results()))}


def _chart(ctx: Ctx, loc: str, place: str, period: Period, workers: list[dict]) -> tuple[bytes | None, bool]:
    """Each worker's accepted, completed and red flags for the month (None when nobody did anything)."""
    if not workers:
        return None, True
    bars = [
        chart.Bar(w["name"], w["c"].accepted, w["c"].completed, w["c"].flags, i + 1)
        for i, w in enumerate(workers)
    ]
    legend = tuple(i18n.label(loc, k) for k in ("rep_accepted", "rep_completed", "rep_flags"))
    title = f"{place} · {_period_name(loc, period)}"
    return chart.tally_png(
        title,
        [chart.Panel("", bars)],
        legend,
        chart.cjk_font(ctx.config.reports.chart_font),
        _period_name("en", period),
    )


async def _worker(ctx: Ctx, loc: str, period: Period, person_id: int, now: datetime) -> str:
    """A worker's own month: accepted, completed, red flags, what they hold, and their three rates."""
    data = ctx.read()
    counts = await data.reports.counts(period.start, period.end)
    rates = await data.reports.rates(period.start, period.end, now, accept_seconds(ctx))
    mine = rep.total(c for (_, p), c in counts.items() if p == person_id) or rep.Counts()
    held = await data.stats.held(person_id, period.start, period.end, now)
    cbs = await data.reports.callback_results(period.start, period.end)
    return i18n.render(
        loc,
        "stats_worker",
        period=_period_name(loc, period),
        now=now,
        tz=ctx.config.timezone,
        whole=is_whole_month(period),
        c=mine,
        b=held,
        cb=callback_view(rep.total(r for (_, p), r in cbs.items() if p == person_id) or Results()),
        bank=await time_bank_posts.stats_view(ctx, ctx.read(), person_id, period),
        **rate_view(rep.total(r for (_, p), r in rates.items() if p == person_id) or rep.Rates()),
    )
