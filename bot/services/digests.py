"""Leaders' private digests: a day to small-group leaders, a week to big-grid leaders, a month to
community admins; per grid and per worker: new, open, due within 24 h, overdue, reopened, and the rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot import i18n
from bot.domain import reports as rep
from bot.domain.callbacks import Results
from bot.domain.periods import Period, last_complete, month_of
from bot.services import digest_worklog, locales, time_bank_posts, views
from bot.services.context import Ctx
from bot.store.uow import UnitOfWork
from bot.services.publish import (
    HELPERS,
    Post,
    Tree,
    accept_seconds,
    callback_view,
    people_in,
    publish,
    rate_view,
    sum_over,
    text_messages,
)
from bot.store import reports as store
from bot.store.casework import Hot

DIGEST_ROLE = {"day": "small_leader", "week": "big_leader", "month": "admin"}
OVERDUE_SHOWN = 30


@dataclass
class _Digest:
    """What every reader's digest reads: the periods, the tree, the backlog, rates, overdue, helpers."""

    period: Period
    rates_period: Period
    tree: Tree
    backlog: dict
    rates: dict
    overdue: dict[str, list[int]]
    helpers: list[store.Staff]
    unreachable: frozenset[int] = frozenset()  # helpers who blocked the bot: no new tickets reach them
    supervised: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # 督办 marks by grid
    hot: dict[str, list[Hot]] = field(default_factory=dict)  # 热点诉求 by grid
    extended: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # closed, extended, on time
    callbacks: dict = field(default_factory=dict)  # call-back answers per (grid, worker): Results


async def digests(ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False) -> list[Post]:
    """Leaders' private digests: a day to small-group leaders, a week to big-grid leaders, a month to
    community admins: new, open, due within 24 h, overdue, reopened, per worker, with the three rates."""
    period = period or last_complete("day", now, ctx.config.timezone)
    kind = f"digest_{period.kind}"
    uow = ctx.read()
    done = await uow.reports.posted(kind, period.key)
    tree = Tree(await uow.reports.grids())
    readers = await _readers(uow, tree, period.kind, done)
    if not readers:
        return []
    data = await _read_digest(ctx, uow, tree, period, now)
    logs = await digest_worklog.read(ctx, uow, tree, period)
    posts = []
    for chat, (pid, held) in _by_reader(readers).items():
        loc = await locales.person_locale(ctx, uow, pid)
        text = await _digest_text(ctx, uow, data, loc, held, now)
        log_text, albums = digest_worklog.part(ctx, logs, tree, held, loc, chat)
        text = f"{text}\n\n{log_text}" if log_text else text
        hours = await time_bank_posts.digest_part(ctx, uow, tree, held, period, loc)
        text = f"{text}\n\n{hours}" if hours else text
        more = i18n.render(loc, "digest_continued", kind=period.kind, period=period)
        posts.append(Post(kind, period.key, chat, text_messages(chat, text, continued=more) + albums))
    return await publish(ctx, posts, now, dry_run)


async def _readers(uow: UnitOfWork, tree: Tree, kind: str, done: set[int]) -> list[store.Staff]:
    """Who gets this kind of digest and has not had it for the period yet."""
    return [
        s
        for s in await uow.reports.staff((DIGEST_ROLE[kind],))
        if s.tg_user_id and s.tg_user_id not in done and s.grid in tree.grids
    ]


async def _read_digest(ctx: Ctx, uow: UnitOfWork, tree: Tree, period: Period, now: datetime) -> _Digest:
    """The figures; a daily digest's rates cover the month so far."""
    tz = ctx.config.timezone
    rates_period = month_of(period.start, tz).until(period.end) if period.kind == "day" else period
    codes = list(tree.grids)
    backlog = await uow.reports.backlog(codes, period.start, period.end, now)
    rates = await uow.reports.rates(rates_period.start, rates_period.end, now, accept_seconds(ctx))
    overdue = await uow.reports.overdue_ids(codes, now, limit=500)
    helpers = await uow.reports.staff(HELPERS)
    away = await uow.people.unreachable(list({s.person_id for s in helpers}))
    cases = uow.casework
    supervised: dict[str, list[tuple[int, str]]] = {}
    for t in await cases.supervised():
        supervised.setdefault(t.grid, []).append((t.number, t.supervision or ""))
    hot: dict[str, list[Hot]] = {}
    for h in await cases.hot(codes, rates_period.start, limit=50):
        hot.setdefault(h.grid, []).append(h)
    extended = await cases.extended(rates_period.start, rates_period.end)
    callbacks = await uow.reports.callback_results(rates_period.start, rates_period.end)
    return _Digest(
        period,
        rates_period,
        tree,
        backlog,
        rates,
        overdue,
        helpers,
        away,
        supervised,
        hot,
        extended,
        callbacks,
    )


def _by_reader(readers: list[store.Staff]) -> dict[int, tuple[int, list[str]]]:
    """Each reader's chat: their person id and the grids they hold the role on."""
    by_reader: dict[int, tuple[int, list[str]]] = {}
    for st in readers:
        if st.tg_user_id is not None:  # a reader is someone the bot can write to
            by_reader.setdefault(st.tg_user_id, (st.person_id, []))[1].append(st.grid)
    return by_reader


async def _digest_text(
    ctx: Ctx, uow: UnitOfWork, data: _Digest, loc: str, held: list[str], now: datetime
) -> str:
    """One reader's digest over the leaf grids below the grids they hold."""
    leaves = list(dict.fromkeys(c for g in held for c in data.tree.leaves(g)))
    names = await uow.reports.names(
        {s.person_id for s in data.helpers if s.grid in leaves}
        | {p for (g, p) in list(data.backlog) + list(data.rates) + list(data.callbacks) if g in leaves}
    )
    sections = [
        {
            **_section(data, code, names),
            "supervised": data.supervised.get(code, []),
            "closed": data.extended.get(code, (0, 0, 0)),
            "hot": [
                {"id": h.ticket_id, "n": h.supporters, "category": views.category_name(ctx, h.category, loc)}
                for h in data.hot.get(code, [])[:5]
            ],
        }
        for code in leaves
    ]
    everywhere = set(leaves)
    relative = data.period == last_complete(data.period.kind, now, ctx.config.timezone)
    return i18n.render(
        loc,
        "digest",
        kind=data.period.kind,
        period=data.period,
        rates_period=data.rates_period,
        now=now,
        tz=ctx.config.timezone,
        sections=sections,
        relative=relative,
        b=sum_over(data.backlog, everywhere, None, store.Backlog()),
        cb=callback_view(sum_over(data.callbacks, everywhere, None, Results())),
        **rate_view(sum_over(data.rates, everywhere, None, rep.Rates())),
    )


def _section(data: _Digest, code: str, names: dict[int, str]) -> dict:
    """A grid's part of the digest: its totals, overdue numbers, and a row per worker."""
    area = {code}
    rows, idle = _worker_rows(data, code, names)
    overdue = data.overdue.get(code, [])
    return {
        "name": data.tree.name(code),
        "b": sum_over(data.backlog, area, None, store.Backlog()),
        "overdue_ids": overdue[:OVERDUE_SHOWN],
        "more_overdue": max(0, len(overdue) - OVERDUE_SHOWN),
        "rows": rows,
        "idle": idle,
        "cb": callback_view(sum_over(data.callbacks, area, None, Results())),
        **rate_view(sum_over(data.rates, area, None, rep.Rates())),
    }


def _worker_rows(data: _Digest, code: str, names: dict[int, str]) -> tuple[list[dict], int]:
    """Each helper's backlog and rates in the grid by name, then the unassigned (if any); helpers
    with nothing new, open or measured are only counted (one line instead of a row each)."""
    area = {code}
    people = (
        {s.person_id for s in data.helpers if s.grid == code}
        | people_in(data.backlog, area)
        | people_in(data.rates, area)
        | people_in(data.callbacks, area)
    )
    rows, idle = [], 0
    for p in sorted(people, key=lambda x: (x is None, names.get(x or 0, ""), x or 0)):
        b, r = _person_totals(data, code, p)
        blocked = p in data.unreachable
        cb = sum_over(data.callbacks, area, p, Results()) if p is not None else Results()
        if b == store.Backlog() and r.empty and cb.empty and not blocked:
            idle += p is not None
            continue
        name = names.get(p, "?") if p is not None else None
        rows.append({"name": name, "b": b, "blocked": blocked, "cb": callback_view(cb), **rate_view(r)})
    return rows, idle


def _person_totals(data: _Digest, code: str, p: int | None) -> tuple[store.Backlog, rep.Rates]:
    """A person's backlog and rates in the grid; None means the unassigned only, not everyone."""
    if p is None:
        return (
            rep.total(v for (g, q), v in data.backlog.items() if g == code and q is None) or store.Backlog(),
            rep.total(v for (g, q), v in data.rates.items() if g == code and q is None) or rep.Rates(),
        )
    return sum_over(data.backlog, {code}, p, store.Backlog()), sum_over(data.rates, {code}, p, rep.Rates())
