"""Scheduled posts: the weekly red-flag tally, the monthly stars and grid ranking, the leaders'
digests and the collection-day call; each records the period it covered so nothing goes out twice.

Every builder reads committed data, computes with bot.domain.reports over bot.store.reports' SQL
aggregates, and returns Posts; `publish` writes them (a `posts` row and their outbox rows in one
transaction) unless it is a dry run.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable

import aiosqlite

from bot import i18n
from bot.domain import reports as rep
from bot.domain.periods import At, Period, last_complete, month_of, period_of
from bot.services import common
from bot.services.chart import Bar, cjk_font, tally_png
from bot.services.context import Ctx
from bot.services.notices import Notice, enqueue
from bot.store import reports as store

log = logging.getLogger(__name__)
HELPERS = ("worker", "volunteer", "liaison")
DIGEST_ROLE = {"day": "small_leader", "week": "big_leader", "month": "admin"}


@dataclass
class Post:
    """One recipient's share of a scheduled post: what to send, and the (kind, period, chat) it records."""

    kind: str
    period: str
    chat_id: int
    notices: list[Notice] = field(default_factory=list)


# --- the grid tree -----------------------------------------------------------------------------


class Tree:
    """The grid tree in memory (grids only: small), with subtree and community look-ups."""

    def __init__(self, grids: dict[str, store.Grid]) -> None:
        self.grids = grids
        self.children: dict[str, list[str]] = {}
        for g in grids.values():
            if g.parent:
                self.children.setdefault(g.parent, []).append(g.code)

    def name(self, code: str) -> str:
        """The grid's display name."""
        return self.grids[code].name if code in self.grids else code

    def subtree(self, code: str) -> list[str]:
        """The grid and every grid below it."""
        out, stack = [], [code]
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(sorted(self.children.get(c, []), reverse=True))
        return out

    def leaves(self, code: str) -> list[str]:
        """The grids without children at or below this one (the ones ranked and reported per grid)."""
        return [c for c in self.subtree(code) if not self.children.get(c)]

    def ancestry(self, code: str) -> list[str]:
        """The grid, then its ancestors nearest first."""
        out = []
        while code and code not in out:
            out.append(code)
            code = self.grids[code].parent if code in self.grids else None
        return out

    def community(self, code: str) -> str:
        """The top of the grid's tree (its community)."""
        return self.ancestry(code)[-1]

    def communities(self) -> list[str]:
        """Every root grid."""
        return sorted(c for c, g in self.grids.items() if not g.parent)


def accept_seconds(ctx: Ctx) -> dict[tuple[str, str], float]:
    """Each (kind, category)'s accept time in seconds for the response rate; `*` is the fallback."""
    cfg = ctx.config
    table = {("wish", "*"): cfg.tier_for("wish", "other").accept.total_seconds(),
             ("complaint", "*"): cfg.tier_for("complaint", "other").accept.total_seconds()}
    for c in cfg.categories:
        table[("complaint", c.key)] = cfg.tier_for("complaint", c.key).accept.total_seconds()
    return table


def _sum_over(data: dict, grids: set[str], person: int | None = None, default: object = None) -> object:
    items = [v for (g, p), v in data.items() if g in grids and (person is None or p == person)]
    return rep.total(items) or default


def _people_in(data: dict, grids: set[str]) -> set[int | None]:
    return {p for (g, p) in data if g in grids}


def _rate_view(r: rep.Rates) -> dict:
    return {"response": rep.percent(r.response), "resolution": rep.percent(r.resolution),
            "satisfaction": rep.percent(r.satisfaction), "r": r}


# --- publishing --------------------------------------------------------------------------------


async def publish(ctx: Ctx, posts: list[Post], now: datetime, dry_run: bool = False) -> list[Post]:
    """Write the posts (each recorded in `posts` with its outbox rows, one transaction); a post already
    recorded for its (kind, period, chat) is skipped. A dry run writes nothing and returns them all."""
    if dry_run or not posts:
        return posts
    written = []
    async with ctx.db.write() as conn:
        for p in posts:
            if await store.claim_post(conn, p.kind, p.period, p.chat_id, now):
                await enqueue(conn, p.notices, now)
                written.append(p)
    ctx.kick()
    return written


def _texts(chat_id: int, text: str, buttons=None) -> list[Notice]:
    parts = rep.split_message(text)
    return [Notice(chat_id, part, buttons if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


# --- weekly tally ------------------------------------------------------------------------------


async def weekly_tally(ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False) -> list[Post]:
    """Each grid group: its workers' accepted, completed and red flags for the week and the month so
    far, as a bar chart with the numbers in the text. Default period: the last complete week."""
    tz = ctx.config.timezone
    week = period or last_complete("week", now, tz)
    month = month_of(week.end - timedelta(seconds=1), tz).until(week.end)
    conn = ctx.db.reader
    done = await store.posted(conn, "weekly_tally", week.key)
    tree = Tree(await store.grids(conn))
    week_counts = await store.counts(conn, week.start, week.end)
    month_counts = await store.counts(conn, month.start, month.end)
    helpers = await store.staff(conn, HELPERS)
    font = cjk_font(ctx.config.reports.chart_font) if hasattr(ctx.config, "reports") else cjk_font()
    posts = []
    for group in await store.bound_groups(conn):
        if group["chat_id"] in done or group["grid"] not in tree.grids:
            continue
        area = set(tree.subtree(group["grid"]))
        people = {s.person_id for s in helpers if s.grid in area}
        people |= {p for p in _people_in(week_counts, area) | _people_in(month_counts, area) if p is not None}
        if not people:
            continue
        names = await store.names(conn, people)
        rows = []
        for pid in people:
            w = _sum_over(week_counts, area, pid, rep.Counts())
            m = _sum_over(month_counts, area, pid, rep.Counts())
            rows.append({"name": names.get(pid, "?"), "week": w, "month": m, "pid": pid})
        rows.sort(key=lambda r: (-r["week"].flags, -r["month"].flags, -r["week"].completed,
                                 -r["week"].accepted, r["pid"]))
        loc = await common.group_locale(ctx, conn, group["chat_id"])
        legend = tuple(i18n.label(loc, k) for k in ("rep_accepted", "rep_completed", "rep_flags"))
        title = i18n.label(loc, "rep_chart_title", grid=tree.name(group["grid"]), week=week.key)
        png, names_drawn = tally_png(title, [Bar(r["name"], r["week"].accepted, r["week"].completed,
                                                  r["week"].flags) for r in rows], font, legend,
                                     ascii_title=f"{group['grid']} {week.key}")
        params = dict(grid=tree.name(group["grid"]), week=week, month=month, rows=rows,
                      names_drawn=names_drawn, last_day=week.last_day,
                      week_total=rep.total(r["week"] for r in rows), month_total=rep.total(r["month"] for r in rows))
        text = i18n.render(loc, "tally", **params)
        photo = {"photo_b64": base64.b64encode(png).decode("ascii")}
        if rep.tg_len(text) <= rep.TELEGRAM_CAPTION_LIMIT:
            notices = [Notice(group["chat_id"], text, op="photo", extra=photo)]
        else:
            caption = i18n.render(loc, "tally_caption", **params)
            notices = [Notice(group["chat_id"], caption, op="photo", extra=photo)] + _texts(group["chat_id"], text)
        posts.append(Post("weekly_tally", week.key, group["chat_id"], notices))
    return await publish(ctx, posts, now, dry_run)


# --- monthly: stars, ranking, bottom two --------------------------------------------------------


@dataclass
class Standing:
    """A community's month: its stars, its grid ranking, best grid, bottom two, and repeat bottoms."""

    community: str
    stars: list[rep.Candidate]
    ranking: list[rep.Ranked]
    best: rep.GridScore | None
    bottom: list[rep.GridScore]
    repeat: list[rep.GridScore]


def _ranking(tree: Tree, community: str, rates: dict) -> list[rep.Ranked]:
    scores = [rep.GridScore(c, tree.name(c), _sum_over(rates, {c}, None, rep.Rates()))
              for c in tree.leaves(community) if c != community]
    return rep.rank_grids(scores)


async def standings(ctx: Ctx, conn: aiosqlite.Connection, month: Period, now: datetime) -> tuple[Tree, list[Standing]]:
    """Each community's stars and ranking for a month (and the previous month's bottom two)."""
    tree = Tree(await store.grids(conn))
    counts = await store.counts(conn, month.start, month.end)
    rates = await store.rates(conn, month.start, month.end, now, accept_seconds(ctx))
    last = await store.last_flags(conn, month.start, month.end)
    before = month.previous()
    rates_before = await store.rates(conn, before.start, before.end, now, accept_seconds(ctx))
    names = await store.names(conn, {p for (_, p) in counts})
    result = []
    for community in tree.communities():
        area = set(tree.subtree(community))
        candidates = []
        for pid in {p for p in _people_in(counts, area) if p is not None}:
            flags = _sum_over(counts, area, pid, rep.Counts()).flags
            times = [t for (g, p), t in last.items() if g in area and p == pid]
            candidates.append(rep.Candidate(pid, names.get(pid, "?"), flags,
                                            _sum_over(rates, area, pid, rep.Rates()), max(times, default=None)))
        ranking = _ranking(tree, community, rates)
        bottom = rep.bottom_two(ranking)
        previous = rep.bottom_two(_ranking(tree, community, rates_before))
        result.append(Standing(community, rep.service_stars(candidates), ranking, rep.best_grid(ranking),
                               bottom, rep.named_twice(bottom, previous)))
    return tree, result


def _ranking_view(ranking: list[rep.Ranked]) -> list[dict]:
    return [{"rank": r.rank, "name": r.grid.name, "code": r.grid.code, **_rate_view(r.grid.rates)} for r in ranking]


async def monthly(ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False) -> list[Post]:
    """Service stars and the grid ranking in every group of each community; the bottom two named to
    their leaders and the community admins; a grid bottom two months running reported to the admins."""
    tz = ctx.config.timezone
    month = period or last_complete("month", now, tz)
    conn = ctx.db.reader
    tree, all_standings = await standings(ctx, conn, month, now)
    groups = await store.bound_groups(conn)
    leaders = await store.staff(conn, ("small_leader", "big_leader", "admin"))
    posts: list[Post] = []
    for s in all_standings:
        area = set(tree.subtree(s.community))
        params = dict(community=tree.name(s.community), month=month, stars=s.stars,
                      stars_view=[{"name": c.name, "flags": c.flags, **_rate_view(c.rates)} for c in s.stars],
                      ranking=_ranking_view(s.ranking), best=s.best,
                      bottom=[{"name": g.name, "code": g.code, **_rate_view(g.rates)} for g in s.bottom],
                      repeat=[g.name for g in s.repeat], total=len([r for r in s.ranking if r.rank]))
        for g in groups:
            if g["grid"] in area:
                loc = await common.group_locale(ctx, conn, g["chat_id"])
                posts.append(Post("monthly", month.key, g["chat_id"],
                                  _texts(g["chat_id"], i18n.render(loc, "monthly_group", **params))))
        rank_of = {r.grid.code: r.rank for r in s.ranking}
        named: dict[int, tuple[int, list[rep.GridScore]]] = {}
        for grid in s.bottom:
            chain = set(tree.ancestry(grid.code))
            for st in leaders:
                if st.role in ("small_leader", "big_leader") and st.grid in chain and st.grid != s.community \
                        and st.tg_user_id:
                    named.setdefault(st.tg_user_id, (st.person_id, []))[1].append(grid)
        for chat, (pid, grids) in named.items():
            loc = await common.person_locale(ctx, conn, pid)
            view = [{"name": g.name, "rank": rank_of[g.code], "repeat": g in s.repeat, **_rate_view(g.rates)}
                    for g in dict.fromkeys(grids)]
            posts.append(Post("monthly_bottom", month.key, chat,
                              _texts(chat, i18n.render(loc, "monthly_bottom", grids=view, **params))))
        admins = {st.tg_user_id: st.person_id for st in leaders
                  if st.role == "admin" and st.grid in set(tree.ancestry(s.community)) | area and st.tg_user_id}
        for chat, pid in admins.items():
            loc = await common.person_locale(ctx, conn, pid)
            posts.append(Post("monthly_admin", month.key, chat,
                              _texts(chat, i18n.render(loc, "monthly_admin", **params))))
    done = {(k, c) for k in ("monthly", "monthly_bottom", "monthly_admin")
            for c in await store.posted(conn, k, month.key)}
    return await publish(ctx, [p for p in posts if (p.kind, p.chat_id) not in done], now, dry_run)


# --- digests -----------------------------------------------------------------------------------


async def digests(ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False) -> list[Post]:
    """Leaders' private digests: a day to small-group leaders, a week to big-grid leaders, a month to
    community admins: new, open, due within 24 h, overdue, reopened, per worker, with the three rates."""
    tz = ctx.config.timezone
    period = period or last_complete("day", now, tz)
    kind = f"digest_{period.kind}"
    rates_period = month_of(period.start, tz).until(period.end) if period.kind == "day" else period
    conn = ctx.db.reader
    done = await store.posted(conn, kind, period.key)
    tree = Tree(await store.grids(conn))
    readers = [s for s in await store.staff(conn, (DIGEST_ROLE[period.kind],))
               if s.tg_user_id and s.tg_user_id not in done and s.grid in tree.grids]
    if not readers:
        return []
    codes = list(tree.grids)
    backlog = await store.backlog(conn, codes, period.start, period.end, now)
    rates = await store.rates(conn, rates_period.start, rates_period.end, now, accept_seconds(ctx))
    overdue = await store.overdue_ids(conn, codes, now, limit=500)
    helpers = await store.staff(conn, HELPERS)
    by_reader: dict[int, tuple[int, list[str]]] = {}
    for st in readers:
        by_reader.setdefault(st.tg_user_id, (st.person_id, []))[1].append(st.grid)
    posts = []
    for chat, (pid, held) in by_reader.items():
        leaves = list(dict.fromkeys(c for g in held for c in tree.leaves(g)))
        names = await store.names(conn, {s.person_id for s in helpers if s.grid in leaves}
                                  | {p for (g, p) in list(backlog) + list(rates) if g in leaves})
        sections = []
        for code in leaves:
            area = {code}
            people = {s.person_id for s in helpers if s.grid == code} | _people_in(backlog, area) | _people_in(rates, area)
            rows = []
            for p in sorted(people, key=lambda x: (x is None, names.get(x, ""), x or 0)):
                b = _sum_over(backlog, area, p, store.Backlog()) if p is not None else \
                    rep.total(v for (g, q), v in backlog.items() if g == code and q is None) or store.Backlog()
                r = _sum_over(rates, area, p, rep.Rates()) if p is not None else \
                    rep.total(v for (g, q), v in rates.items() if g == code and q is None) or rep.Rates()
                if p is None and b == store.Backlog() and r.empty:
                    continue
                rows.append({"name": names.get(p, "?") if p is not None else None, "b": b, **_rate_view(r)})
            sections.append({"name": tree.name(code), "b": _sum_over(backlog, area, None, store.Backlog()),
                             "overdue_ids": overdue.get(code, [])[:30],
                             "more_overdue": max(0, len(overdue.get(code, [])) - 30),
                             "rows": rows, **_rate_view(_sum_over(rates, area, None, rep.Rates()))})
        everywhere = set(leaves)
        loc = await common.person_locale(ctx, conn, pid)
        text = i18n.render(loc, "digest", kind=period.kind, period=period, rates_period=rates_period,
                           now=now, tz=tz, sections=sections,
                           b=_sum_over(backlog, everywhere, None, store.Backlog()),
                           **_rate_view(_sum_over(rates, everywhere, None, rep.Rates())))
        posts.append(Post(kind, period.key, chat, _texts(chat, text)))
    return await publish(ctx, posts, now, dry_run)


# --- collection day ----------------------------------------------------------------------------


async def collection_day(ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False) -> list[Post]:
    """The monthly call for wishes in every grid group, with a button to submit one privately."""
    month = period or month_of(now, ctx.config.timezone)
    conn = ctx.db.reader
    done = await store.posted(conn, "collection_day", month.key)
    tree = Tree(await store.grids(conn))
    posts = []
    for g in await store.bound_groups(conn):
        if g["chat_id"] in done:
            continue
        loc = await common.group_locale(ctx, conn, g["chat_id"])
        text = i18n.render(loc, "collection_day", grid=tree.name(g["grid"]), month=month)
        button = [[(i18n.label(loc, "rep_btn_wish"), "url:" + ctx.deep_link(f"g_{g['link_code']}"))]]
        posts.append(Post("collection_day", month.key, g["chat_id"], [Notice(g["chat_id"], text, button)]))
    return await publish(ctx, posts, now, dry_run)


# --- scheduling --------------------------------------------------------------------------------

Builder = Callable[[Ctx, datetime], Awaitable[list[Post]]]


def _weekly_digest(ctx: Ctx, now: datetime) -> Awaitable[list[Post]]:
    return digests(ctx, now, last_complete("week", now, ctx.config.timezone))


def _monthly_digest(ctx: Ctx, now: datetime) -> Awaitable[list[Post]]:
    return digests(ctx, now, last_complete("month", now, ctx.config.timezone))


def jobs_of(settings) -> list[tuple[str, At, Builder]]:
    """Each scheduled post: its name, when it runs, and what it builds."""
    return [("weekly_tally", settings.weekly_tally, weekly_tally), ("monthly", settings.monthly, monthly),
            ("daily_digest", settings.daily_digest, digests),
            ("weekly_digest", settings.weekly_digest, _weekly_digest),
            ("monthly_digest", settings.monthly_digest, _monthly_digest),
            ("collection_day", settings.collection_day, collection_day)]


def _callback(name: str, build: Builder):
    async def run(context) -> None:
        ctx: Ctx | None = context.application.bot_data.get("ctx")
        if ctx is None:
            return
        try:
            written = await build(ctx, datetime.now(timezone.utc))
            log.info("scheduled post %s: %d recipients", name, len(written))
        except Exception:
            log.exception("scheduled post %s failed", name)
    run.__name__ = f"post_{name}"
    return run


def schedule(app) -> None:
    """Register every scheduled post on PTB's JobQueue in the configured time zone; with
    `reports.catch_up` set, a run at start makes a post whose moment passed that recently (the bot was
    down then); the posts table keeps it from repeating one already made."""
    config = app.bot_data["config"]
    settings = getattr(config, "reports", None)
    queue = app.job_queue
    if settings is None or not settings.enabled or queue is None:
        return
    tz = config.timezone
    for name, at, build in jobs_of(settings):
        when = at.clock.replace(tzinfo=tz)
        cb = _callback(name, build)
        if at.monthday is not None:
            queue.run_monthly(cb, when=when, day=at.monthday, name=f"post_{name}")
        else:
            queue.run_daily(cb, time=when, days=at.ptb_days(), name=f"post_{name}")
    if settings.catch_up <= timedelta(0):
        return

    async def catch_up(context) -> None:
        now = datetime.now(timezone.utc)
        for name, at, build in jobs_of(settings):
            if now - at.latest(now, tz) < settings.catch_up:
                await _callback(name, build)(context)
    queue.run_once(catch_up, when=15, name="post_catch_up")


RUNNERS: dict[str, Builder] = {"weekly-tally": weekly_tally, "monthly": monthly, "digests": digests,
                               "collection-day": collection_day}
PERIOD_KINDS = {"weekly-tally": "week", "monthly": "month", "collection-day": "month"}


def default_period(command: str, now: datetime, zone) -> Period:
    """The period a command covers by default."""
    if command == "collection-day":
        return period_of("month", now, zone)
    return last_complete({"weekly-tally": "week", "monthly": "month"}.get(command, "day"), now, zone)
