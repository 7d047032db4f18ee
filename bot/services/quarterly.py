"""The quarterly star rating (一季一评星): at the end of each quarter every gridworker gets one to five
stars from the quarter's red flags, the three rates and the call-back results ([assessment.stars]).
Each worker is told privately with their figures, the admins get their community's whole table, and
each grid group hears the five-star workers of its grids (staff names only; nothing of residents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import i18n
from bot.domain import reports as rep
from bot.domain.assessment import Quarter, Rating, rate_all
from bot.domain.callbacks import Results
from bot.domain.periods import Period, bound_during, is_quarter_start, last_complete
from bot.services import locales
from bot.services.context import Ctx
from bot.services.publish import Post, Tree, accept_seconds, callback_view, publish, rate_view, text_messages
from bot.store.reports import Staff
from bot.store.uow import UnitOfWork

WORKER, ADMIN, GROUP = "stars_worker", "stars_admin", "stars_group"


@dataclass(frozen=True)
class Worker:
    """A gridworker of the roster: who, where (their grids), and how to reach them."""

    person_id: int
    name: str
    chat: int | None
    grids: tuple[str, ...]


async def quarterly_stars(
    ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False
) -> list[Post]:
    """The last complete quarter's stars (or `period`'s): each worker, the admins, the groups; a chat
    that already had this quarter's post gets nothing again. Nothing when [assessment.stars] is off."""
    if not ctx.config.assessment.stars.enabled:
        return []
    quarter = period or last_complete("quarter", now, ctx.config.timezone)
    uow = ctx.read()
    tree = Tree(await uow.reports.grids())
    workers = _workers(await uow.reports.staff(("worker",)))
    ratings = rate_all(await _quarters(ctx, uow, quarter, now, workers), ctx.config.assessment.stars)
    posts = await _worker_posts(ctx, uow, quarter, tree, workers, ratings)
    posts += await _admin_posts(ctx, uow, quarter, tree, workers, ratings)
    posts += await _group_posts(ctx, uow, quarter, tree, workers, ratings)
    done = {(k, c) for k in (WORKER, ADMIN, GROUP) for c in await uow.reports.posted(k, quarter.key)}
    return await publish(ctx, [p for p in posts if (p.kind, p.chat_id) not in done], now, dry_run)


async def scheduled(ctx: Ctx, now: datetime) -> list[Post]:
    """The scheduled run (monthly on its day): only in a quarter's first month does it post."""
    return await quarterly_stars(ctx, now) if is_quarter_start(now, ctx.config.timezone) else []


def _workers(staff: list[Staff]) -> dict[int, Worker]:
    """Each active gridworker once, with every grid they work on."""
    found: dict[int, Worker] = {}
    for st in staff:
        w = found.get(st.person_id)
        grids = (w.grids if w else ()) + (st.grid,)
        found[st.person_id] = Worker(st.person_id, st.name, st.tg_user_id, grids)
    return found


async def _quarters(
    ctx: Ctx, uow: UnitOfWork, q: Period, now: datetime, workers: dict[int, Worker]
) -> dict[int, Quarter]:
    """Each worker's quarter, over every grid they were credited on: flags, the three rates, call-backs."""
    counts = await uow.reports.counts(q.start, q.end)
    rates = await uow.reports.rates(q.start, q.end, now, accept_seconds(ctx))
    calls = await uow.callbacks.results(q.start, q.end)
    found = {}
    for pid in workers:
        flags = sum(c.flags for (_, p), c in counts.items() if p == pid)
        r = sum((v for (_, p), v in rates.items() if p == pid), rep.Rates())
        cb = sum((v for (_, p), v in calls.items() if p == pid), Results())
        found[pid] = Quarter(flags, r, cb.satisfied, cb.reached)
    return found


def _view(tree: Tree, w: Worker, r: Rating) -> dict:
    """What the star templates show of one worker's rating."""
    q = r.quarter
    return {
        "name": w.name,
        "grids": [tree.name(g) for g in w.grids],
        "stars": r.stars,
        "score": round(r.score * 100),
        "flags": q.flags,
        "calls": callback_view(Results(q.callback_satisfied, q.callback_reached - q.callback_satisfied)),
        **rate_view(q.rates),
    }


def _rule_view(ctx: Ctx) -> dict:
    """The configured formula, for the worker to see how the stars came about."""
    rule = ctx.config.assessment.stars
    weights = (rule.flag_weight, rule.rate_weight, rule.callback_weight)
    share = [round(100 * w / sum(weights)) for w in weights]
    return {"target": rule.flag_target, "share": share, "lines": [round(t * 100) for t in rule.thresholds]}


async def _worker_posts(
    ctx: Ctx, uow: UnitOfWork, q: Period, tree: Tree, workers: dict[int, Worker], ratings: list[Rating]
) -> list[Post]:
    """Each worker on Telegram told their stars and figures privately, in their language."""
    posts = []
    for r in ratings:
        w = workers[r.person_id]
        if w.chat is None:
            continue
        loc = await locales.person_locale(ctx, uow, w.person_id)
        text = i18n.render(loc, "stars_worker", quarter=q, w=_view(tree, w, r), rule=_rule_view(ctx))
        posts.append(Post(WORKER, q.key, w.chat, text_messages(w.chat, text)))
    return posts


async def _admin_posts(
    ctx: Ctx, uow: UnitOfWork, q: Period, tree: Tree, workers: dict[int, Worker], ratings: list[Rating]
) -> list[Post]:
    """Each admin gets the whole table of their community's workers, most stars first."""
    reach: dict[int, tuple[int, set[str]]] = {}
    for st in await uow.reports.staff(("admin",)):
        if st.tg_user_id:
            area = set(tree.subtree(tree.community(st.grid)))
            reach.setdefault(st.tg_user_id, (st.person_id, set()))[1].update(area)
    posts = []
    for chat, (pid, area) in reach.items():
        rows = [(workers[r.person_id], r) for r in ratings if set(workers[r.person_id].grids) & area]
        if not rows:
            continue
        loc = await locales.person_locale(ctx, uow, pid)
        view = [_view(tree, w, r) for w, r in rows]
        text = i18n.render(loc, "stars_admin", quarter=q, rows=view, rule=_rule_view(ctx))
        more = i18n.render(loc, "stars_admin_continued", quarter=q)
        posts.append(Post(ADMIN, q.key, chat, text_messages(chat, text, continued=more)))
    return posts


async def _group_posts(
    ctx: Ctx, uow: UnitOfWork, q: Period, tree: Tree, workers: dict[int, Worker], ratings: list[Rating]
) -> list[Post]:
    """Each grid group bound before the quarter ended hears the five-star workers of its grids (if any)."""
    five = [workers[r.person_id] for r in ratings if r.stars == 5]
    posts = []
    for g in await uow.reports.bound_groups():
        area = set(tree.subtree(g.grid)) if g.grid else set()
        names = [w.name for w in five if set(w.grids) & area]
        if names and bound_during(g.bound_at, q):
            loc = await locales.group_locale(ctx, uow, g.chat_id)
            text = i18n.render(loc, "stars_group", quarter=q, names=names)
            posts.append(Post(GROUP, q.key, g.chat_id, text_messages(g.chat_id, text)))
    return posts
