"""The weekly red-flag tally: in each grid group, its workers' accepted, completed and red flags for
the week and the month so far, as a bar chart with the numbers in the text (or the caption)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from bot import telegram_text as tt
from bot import i18n
from bot.domain import reports as rep
from bot.domain.periods import Period, bound_during, is_whole_month, last_complete, month_columns
from bot.services import locales
from bot.services.chart import Bar, Panel, cjk_font, tally_png
from bot.domain.records import Group
from bot.services.context import Ctx
from bot.store.uow import UnitOfWork
from bot.services.notices import Notice
from bot.services.publish import HELPERS, Post, Tree, people_in, publish, sum_over, text_messages
from bot.store import reports as store


@dataclass
class _Week:
    """What every group's tally reads: the week, the month so far, the tree, the counts, the helpers."""

    week: Period
    months: list[Period]
    tree: Tree
    week_counts: dict
    month_counts: list[dict]
    helpers: list[store.Staff]
    font: str | None


async def weekly_tally(
    ctx: Ctx, now: datetime, period: Period | None = None, dry_run: bool = False
) -> list[Post]:
    """Each grid group: its workers' accepted, completed and red flags for the week and the month so
    far, as a bar chart with the numbers in the text. Default period: the last complete week."""
    week = period or last_complete("week", now, ctx.config.timezone)
    uow = ctx.read()
    done = await uow.reports.posted("weekly_tally", week.key)
    data = await _read_week(ctx, uow, week)
    posts = []
    for group in await uow.reports.bound_groups():
        if (
            group.chat_id in done
            or group.grid not in data.tree.grids
            or not bound_during(group.bound_at, week)
        ):
            continue
        post = await _group_tally(ctx, uow, data, group)
        if post is not None:
            posts.append(post)
    return await publish(ctx, posts, now, dry_run)


async def _read_week(ctx: Ctx, uow: UnitOfWork, week: Period) -> _Week:
    months = month_columns(week, ctx.config.timezone)
    tree = Tree(await uow.reports.grids())
    week_counts = await uow.reports.counts(week.start, week.end)
    month_counts = [await uow.reports.counts(m.start, m.end) for m in months]
    helpers = await uow.reports.staff(HELPERS)
    font = cjk_font(ctx.config.reports.chart_font) if hasattr(ctx.config, "reports") else cjk_font()
    return _Week(week, months, tree, week_counts, month_counts, helpers, font)


async def _group_tally(ctx: Ctx, uow: UnitOfWork, data: _Week, group: Group) -> Post | None:
    """The group's tally post, or None when nobody worked in its grids (or it is bound to none)."""
    if group.grid is None:
        return None
    rows = await _worker_rows(uow, data, set(data.tree.subtree(group.grid)))
    if not rows:
        return None
    loc = await locales.group_locale(ctx, uow, group.chat_id)
    png, names_drawn = _chart(loc, data, group.grid, rows)
    months = [
        {"month": m.start.month, "whole": is_whole_month(m), "total": rep.total(r["months"][i] for r in rows)}
        for i, m in enumerate(data.months)
    ]
    params = dict(
        grid=data.tree.name(group.grid),
        week=data.week,
        months=months,
        rows=rows,
        names_drawn=names_drawn,
        week_total=rep.total(r["week"] for r in rows),
    )
    return Post("weekly_tally", data.week.key, group.chat_id, _notices(loc, group.chat_id, png, params))


async def _worker_rows(uow: UnitOfWork, data: _Week, area: set[str]) -> list[dict]:
    """Each helper's week and month counts in the area, most red flags first."""
    people = {s.person_id for s in data.helpers if s.grid in area}
    seen = people_in(data.week_counts, area).union(*(people_in(m, area) for m in data.month_counts))
    people |= {p for p in seen if p is not None}
    if not people:
        return []
    names = await uow.reports.names(people)
    rows = []
    for pid in people:
        w = sum_over(data.week_counts, area, pid, rep.Counts())
        m = [sum_over(counts, area, pid, rep.Counts()) for counts in data.month_counts]
        rows.append({"name": names.get(pid, "?"), "week": w, "months": m, "pid": pid})
    rows.sort(
        key=lambda r: (
            -r["week"].flags,
            -r["months"][-1].flags,
            -r["week"].completed,
            -r["week"].accepted,
            r["pid"],
        )
    )
    return rows


def _panels(loc: str, data: _Week, rows: list[dict]) -> list[Panel]:
    """This week, then the month(s) so far; workers with nothing in any of them are left out (each
    row keeps its number in the text's list)."""
    empty = rep.Counts()
    busy = [
        (i + 1, r) for i, r in enumerate(rows) if r["week"] != empty or any(m != empty for m in r["months"])
    ]
    if not busy:
        return []

    def bars(pick) -> list[Bar]:
        return [Bar(r["name"], pick(r).accepted, pick(r).completed, pick(r).flags, n) for n, r in busy]

    panels = [Panel(i18n.label(loc, "rep_panel_week"), bars(lambda r: r["week"]), "this week")]
    for i, m in enumerate(data.months):
        whole = is_whole_month(m)
        heading = i18n.label(
            loc, "rep_panel_month" if whole else "rep_panel_month_so_far", month=i18n.period_name(loc, m)
        )
        fallback = f"{i18n.period_name('en', m)}{'' if whole else ' so far'}"
        panels.append(Panel(heading, bars(lambda r, i=i: r["months"][i]), fallback))
    return panels


def _chart(loc: str, data: _Week, grid: str, rows: list[dict]) -> tuple[bytes | None, bool]:
    """The chart as PNG (None if nobody did anything), and whether it drew the names (else the rows
    carry their numbers in the text)."""
    panels = _panels(loc, data, rows)
    if not panels:
        return None, True
    legend = tuple(i18n.label(loc, k) for k in ("rep_accepted", "rep_completed", "rep_flags"))
    title = i18n.label(
        loc, "rep_chart_title", grid=data.tree.name(grid), week=i18n.period_name(loc, data.week)
    )
    return tally_png(title, panels, legend, data.font, f"{grid} · {i18n.period_name('en', data.week)}")


def _notices(loc: str, chat_id: int, png: bytes | None, params: dict) -> list[Notice]:
    """The chart with the tally as its caption, or a short caption and the tally as messages after it."""
    text = i18n.render(loc, "tally", **params)
    if png is None:
        return text_messages(chat_id, text)
    photo = {"photo_b64": base64.b64encode(png).decode("ascii")}
    if tt.tg_len(text) <= tt.TELEGRAM_CAPTION_LIMIT:
        return [Notice(chat_id, text, op="photo", extra=photo)]
    caption = i18n.render(loc, "tally_caption", **params)
    return [Notice(chat_id, caption, op="photo", extra=photo)] + text_messages(chat_id, text)
