"""The monthly post: each community's service stars and grid ranking in its groups, the bottom two
named to their leaders and the community admins, and a grid bottom two months running reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot import i18n
from bot.domain import reports as rep
from bot.domain.assessment import GridMonth
from bot.domain.periods import Period, last_complete
from bot.services import chart, colours, locales, time_bank_posts, views
from bot.services import monthly_private as private
from bot.services.monthly_private import LEADER_ROLES
from bot.domain.records import Group
from bot.services.context import Ctx
from bot.store.uow import UnitOfWork
from bot.services.publish import (
    Post,
    Tree,
    accept_seconds,
    people_in,
    publish,
    rate_view,
    sum_over,
    with_chart,
)

MONTHLY_KINDS = ("monthly", "monthly_bottom", "monthly_admin", colours.KIND)


@dataclass
class Standing:
    """A community's month: its stars, its grid ranking, best grid, bottom two, and repeat bottoms."""

    community: str
    stars: list[rep.Candidate]
    ranking: list[rep.Ranked]
    best: rep.GridScore | None
    bottom: list[rep.GridScore]
    repeat: list[rep.GridScore]
    colours: dict[str, str] = field(default_factory=dict)  # grid -> blue / yellow / red (none when off)
    graded: list[GridMonth] = field(default_factory=list)  # the same with their figures, to store


@dataclass
class _Month:
    """The month's figures per (grid, person), the previous month's rates, and the people's names."""

    counts: dict
    rates: dict
    rates_before: dict
    last: dict
    names: dict[int, str]
    penalties: dict[str, float] = field(default_factory=dict)  # grid -> supervision penalty
    marks: dict[str, int] = field(default_factory=dict)  # grid -> supervision marks of the month
    overdue: dict[str, int] = field(default_factory=dict)  # grid -> overdue unfinished tickets now


# --- standings ---------------------------------------------------------------------------------


async def standings(ctx: Ctx, uow: UnitOfWork, month: Period, now: datetime) -> tuple[Tree, list[Standing]]:
    """Each community's stars and ranking for a month (and the previous month's bottom two)."""
    tree = Tree(await uow.reports.grids())
    data = await _read_month(ctx, uow, month, now)
    late = await uow.reports.overdue_ids(
        [c for com in tree.communities() for c in tree.subtree(com)], now, 100_000
    )
    data.overdue = {g: len(ids) for g, ids in late.items()}
    found = [_standing(tree, community, data) for community in tree.communities()]
    if ctx.config.assessment.colours.enabled:
        for s in found:
            s.graded = colours.grade(ctx, s.ranking, month, data.overdue, data.marks)
            s.colours = {g.grid: g.colour.value for g in s.graded}
    return tree, found


async def _read_month(ctx: Ctx, uow: UnitOfWork, month: Period, now: datetime) -> _Month:
    counts = await uow.reports.counts(month.start, month.end)
    rates = await uow.reports.rates(month.start, month.end, now, accept_seconds(ctx))
    last = await uow.reports.last_flags(month.start, month.end)
    before = month.previous()
    rates_before = await uow.reports.rates(before.start, before.end, now, accept_seconds(ctx))
    names = await uow.reports.names({p for (_, p) in counts if p is not None})
    cases, cw = uow.casework, ctx.config.casework
    marks = await cases.supervision_counts(month.start, month.end)
    penalties = {g: n * cw.supervise_penalty + red * cw.red_penalty for g, (n, red) in marks.items()}
    return _Month(
        counts, rates, rates_before, last, names, penalties, {g: n + red for g, (n, red) in marks.items()}
    )


def _standing(tree: Tree, community: str, data: _Month) -> Standing:
    candidates = _candidates(data, set(tree.subtree(community)))
    ranking = _ranking(tree, community, data.rates, data.penalties)
    bottom = rep.bottom_two(ranking)
    previous = rep.bottom_two(_ranking(tree, community, data.rates_before))
    return Standing(
        community,
        rep.service_stars(candidates),
        ranking,
        rep.best_grid(ranking),
        bottom,
        rep.named_twice(bottom, previous),
    )


def _candidates(data: _Month, area: set[str]) -> list[rep.Candidate]:
    """Everyone who worked in the area: their red flags, rates and last flag (the stars' tie-break)."""
    candidates = []
    for pid in {p for p in people_in(data.counts, area) if p is not None}:
        flags = sum_over(data.counts, area, pid, rep.Counts()).flags
        times = [t for (g, p), t in data.last.items() if g in area and p == pid]
        candidates.append(
            rep.Candidate(
                pid,
                data.names.get(pid, "?"),
                flags,
                sum_over(data.rates, area, pid, rep.Rates()),
                max(times, default=None),
            )
        )
    return candidates


def _ranking(
    tree: Tree, community: str, rates: dict, penalties: dict[str, float] | None = None
) -> list[rep.Ranked]:
    scores = [
        rep.GridScore(c, tree.name(c), sum_over(rates, {c}, None, rep.Rates()), (penalties or {}).get(c, 0.0))
        for c in tree.leaves(community)
        if c != community
    ]
    return rep.rank_grids(scores)


# --- the monthly post --------------------------------------------------------------------------


async def monthly(ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False) -> list[Post]:
    """Service stars and the grid ranking in every group of each community; the bottom two named to
    their leaders and the community admins; a grid bottom two months running reported to the admins."""
    month = period or last_complete("month", now, ctx.config.timezone)
    uow = ctx.read()
    tree, all_standings = await standings(ctx, uow, month, now)
    groups = await uow.reports.bound_groups()
    leaders = await uow.reports.staff(LEADER_ROLES + ("admin",))
    posts: list[Post] = []
    for s in all_standings:
        params = _params(tree, s, month)
        hot = [
            {"id": h.ticket_id, "n": h.supporters, "grid": tree.name(h.grid), "cat": h.category}
            for h in await uow.casework.hot(list(tree.subtree(s.community)), month.start, limit=5)
        ]
        area = list(tree.subtree(s.community))
        volunteers = await time_bank_posts.thanks(ctx, uow, area, month.start, month.end)
        posts += await _group_posts(
            ctx, uow, groups, set(area), month, {**params, "hot": hot, "volunteers": volunteers}
        )
        named = private.bottom_readers(tree, s, leaders)
        posts += await private.bottom_posts(ctx, uow, named, s, month, params)
        admins = private.admins(tree, s, leaders)
        posts += await private.admin_posts(ctx, uow, admins, month, params)
        names = {g.code: g.name for g in tree.grids.values()}
        posts += await colours.red_alerts(ctx, uow, s.graded, month, admins, names, params["community"])
    done = {(k, c) for k in MONTHLY_KINDS for c in await uow.reports.posted(k, month.key)}
    graded = [g for s in all_standings for g in s.graded]
    fresh = [p for p in posts if (p.kind, p.chat_id) not in done]
    return await publish(ctx, fresh, now, dry_run, colours.saver(graded, now) if graded else None)


def _params(tree: Tree, s: Standing, month: Period) -> dict:
    """What the monthly templates show of a community's standing."""
    return dict(
        community=tree.name(s.community),
        month=month,
        stars=s.stars,
        stars_view=[{"name": c.name, "flags": c.flags, **rate_view(c.rates)} for c in s.stars],
        ranking=[
            {
                "rank": r.rank,
                "name": r.grid.name,
                "code": r.grid.code,
                "penalty": r.grid.penalty,
                "colour": s.colours.get(r.grid.code),
                **rate_view(r.grid.rates),
            }
            for r in s.ranking
        ],
        best=s.best,
        bottom=[{"name": g.name, "code": g.code, **rate_view(g.rates)} for g in s.bottom],
        repeat=[g.name for g in s.repeat],
        total=len([r for r in s.ranking if r.rank]),
        dash=_has_dash(s),
        colours=bool(s.colours),
    )


def _has_dash(s: Standing) -> bool:
    """True if a rate the posts show has nothing to measure (shown as `—`, explained in a footnote)."""
    shown = [r.grid.rates for r in s.ranking if r.rank] + [g.rates for g in s.bottom]
    return any(None in (r.response, r.resolution, r.satisfaction) for r in shown) or any(
        c.rates.satisfaction is None for c in s.stars
    )


async def _group_posts(
    ctx: Ctx, uow: UnitOfWork, groups: list[Group], area: set[str], month: Period, params: dict
) -> list[Post]:
    """The stars and ranking in every group bound to a grid of the community."""
    posts, charts = [], {}
    for g in groups:
        if g.grid in area:
            loc = await locales.group_locale(ctx, uow, g.chat_id)
            if loc not in charts:
                charts[loc] = _ranking_chart(ctx, loc, params)
            hot = [{**h, "category": views.category_name(ctx, h["cat"], loc)} for h in params.get("hot", [])]
            text = i18n.render(loc, "monthly_group", **{**params, "hot": hot})
            caption = i18n.label(
                loc, "rep_ranking_title", community=params["community"], month=i18n.period_name(loc, month)
            )
            posts.append(
                Post("monthly", month.key, g.chat_id, with_chart(g.chat_id, charts[loc], text, caption))
            )
    return posts


def _ranking_chart(ctx: Ctx, loc: str, params: dict) -> bytes | None:
    """The ranked grids' three rates as a chart (None when no grid was measured)."""
    ranked = [r for r in params["ranking"] if r["rank"]]
    if not ranked:
        return None
    rows = [chart.RateRow(r["name"], r["r"].response, r["r"].resolution, r["r"].satisfaction) for r in ranked]
    legend = tuple(i18n.label(loc, f"rep_rate_{k}") for k in ("response", "resolution", "satisfaction"))
    title = i18n.label(
        loc, "rep_ranking_title", community=params["community"], month=i18n.period_name(loc, params["month"])
    )
    png, _ = chart.ranking_png(
        title,
        rows,
        legend,
        chart.cjk_font(ctx.config.reports.chart_font),
        i18n.period_name("en", params["month"]),
    )
    return png
