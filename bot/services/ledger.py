"""Export the ledger (台账): every ticket submitted in a period as one row, streamed to a sink, then
each grid's counts, the three rates (the monthly ranking's arithmetic) and the call-back results as a
summary.

Residents' names and complaint texts are read only when the query asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol

from bot import i18n
from bot.domain import ledger as dom
from bot.domain import reports as rep
from bot.domain.callbacks import Results
from bot.domain.cells import neutralise_row
from bot.services.context import Ctx
from bot.services.publish import Tree, accept_seconds

SUMMARY_COLUMNS = (
    dom.Column("grid_code", 12),
    dom.Column("grid", 14),
    dom.Column("grid_path", 30),
    dom.Column("submitted", 8, "int"),
    dom.Column("done", 8, "int"),
    dom.Column("unfinished", 8, "int"),
    dom.Column("accept_late", 9, "int"),
    dom.Column("resolve_late", 9, "int"),
    dom.Column("flags", 8, "int"),
    dom.Column("work_logs", 9, "int"),
    dom.Column("response", 9, "rate"),
    dom.Column("resolution", 9, "rate"),
    dom.Column("satisfaction", 9, "rate"),
    dom.Column("callback", 9, "rate"),
    dom.Column("callback_reached", 8, "int"),
    dom.Column("callback_unreachable", 8, "int"),
    dom.Column("colour", 12),
)
MARKS = {"blue": "🔵", "yellow": "🟡", "red": "🔴"}


class Sink(Protocol):
    """Where the ledger goes: a spreadsheet or a delimited file."""

    def start(self, title: str, headers: list[str], cols: list[dom.Column]) -> None:
        """Begin the ledger table with its header row."""

    def row(self, values: list[object]) -> None:
        """Write one ticket's row."""

    def summary(
        self, title: str, headers: list[str], cols: list[dom.Column], rows: list[list[object]]
    ) -> None:
        """Write the per-grid summary and finish."""


@dataclass(frozen=True)
class Query:
    """What to export: submitted in [start, end), in a grid's subtree (all if None), in a language."""

    start: datetime
    end: datetime
    grid: str | None = None
    lang: str = "zh"
    with_text: bool = False
    with_names: bool = False


@dataclass
class _Lookup:
    """What each row needs besides the ticket: the tree, the roster, accept times, the language."""

    tree: Tree
    names: dict[int, str]
    roles: dict[int, list[tuple[str, str]]]
    accept: dict[tuple[str, str], float]
    lang: str
    now: float


def headers(
    lang: str, cols: list[dom.Column] | tuple[dom.Column, ...], prefix: str = "ledger_col_"
) -> list[str]:
    """The column headers in a language."""
    return [i18n.label(lang, f"{prefix}{c.key}") for c in cols]


async def export(ctx: Ctx, query: Query, sink: Sink, now: datetime) -> int:
    """Write the ledger rows and the summary to the sink; returns how many tickets were written."""
    uow = ctx.read()
    tree = Tree(await uow.reports.grids())
    if query.grid is not None and query.grid not in tree.grids:
        raise KeyError(query.grid)
    area = tree.subtree(query.grid) if query.grid else None
    names, roles = await uow.reports.staff_roles()
    look = _Lookup(tree, names, roles, accept_seconds(ctx), i18n.pick(query.lang), now.timestamp())
    cols = dom.columns(query.with_text, query.with_names, ctx.config.assessment.time_bank.enabled)
    sink.start(i18n.label(look.lang, "ledger_sheet"), headers(look.lang, cols), cols)
    summary = dom.Summary()
    async for chunk in uow.reports.records(query.start, query.end, area, query.with_text, query.with_names):
        for r in chunk:
            sink.row(neutralise_row(_row(ctx, look, r, cols, summary)))
    rows = await _summary_rows(ctx, query, look, area or list(tree.grids), summary, now)
    sink.summary(
        i18n.label(look.lang, "ledger_summary_sheet"),
        headers(look.lang, SUMMARY_COLUMNS, "ledger_sum_"),
        list(SUMMARY_COLUMNS),
        rows,
    )
    return summary.rows


def _row(
    ctx: Ctx, look: _Lookup, r: dom.Record, cols: list[dom.Column], summary: dom.Summary
) -> list[object]:
    """One ticket's cells, in column order (and counted in the summary)."""
    late_accept = dom.accept_late(r, _accept_secs(look.accept, r), look.now)
    late_resolve = dom.resolve_late(r, look.now)
    summary.add(r, late_accept, late_resolve)
    values = {
        **_what_and_where(ctx, look, r),
        **_when(ctx, r),
        **_handling(look, r),
        **_result(look.lang, r, late_accept, late_resolve),
        **_hours(look.lang, r),
        "text": r.text,
        "resident_name": r.resident_name,
        "resident_id": r.resident_id,
    }
    return [values[c.key] for c in cols]


def _what_and_where(ctx: Ctx, look: _Lookup, r: dom.Record) -> dict[str, object]:
    """The ticket's number, kind, category, track, grid and status cells."""
    cat, lang = ctx.config.category(r.category), look.lang
    return {
        "number": r.id,
        "kind": i18n.label(lang, f"kind_{r.kind}"),
        "category": cat.names.get(lang, r.category),
        "track": i18n.label(lang, f"track_{cat.track.value}"),
        "grid_code": r.grid,
        "grid": look.tree.name(r.grid),
        "grid_path": _path(look.tree, r.grid),
        "status": i18n.label(lang, f"status_{r.status}"),
    }


def _when(ctx: Ctx, r: dom.Record) -> dict[str, object]:
    """When the ticket was submitted, accepted, closed and confirmed, in local time."""
    zone = ctx.config.timezone
    return {
        "submitted": dom.local(r.created_at, zone),
        "accepted": dom.local(r.first_accept, zone),
        "closed": dom.local(r.closed_at, zone),
        "confirmed": dom.local(r.done_at, zone),
    }


def _handling(look: _Lookup, r: dom.Record) -> dict[str, object]:
    """Who handled the ticket, in what role, and how often it was declined, moved, pushed or checked."""
    lang = look.lang
    role = dom.handler_role(look.roles.get(r.handler_id or 0, []), look.tree.ancestry(r.grid))
    return {
        "handler_role": i18n.label(lang, f"role_{role}") if role else None,
        "handler": look.names.get(r.handler_id) if r.handler_id else None,
        "declines": r.declines,
        "reassigns": r.reassigns,
        "extensions": r.extensions,
        "escalations": r.escalations,
        "nudges": r.nudges,
        "supervisions": r.supervisions,
        "supervision": i18n.label(lang, f"mark_{r.supervision}") if r.supervision else None,
        "reopens": r.reopens,
    }


def _result(lang: str, r: dom.Record, late_accept: bool, late_resolve: bool) -> dict[str, object]:
    """Whether the ticket was late, how it ended, the resident's rating and the call-back."""
    return {
        "accept_late": _yes(lang, late_accept),
        "resolve_late": _yes(lang, late_resolve),
        "outcome": i18n.label(lang, f"outcome_{r.outcome}") if r.outcome else None,
        "rating": r.rating,
        "callback": i18n.label(lang, f"ledger_callback_{r.callback}") if r.callback else None,
        "close_note": r.close_note,
        "supporters": r.supporters,
        "merged_into": r.merged_into,
    }


def _hours(lang: str, r: dom.Record) -> dict[str, object]:
    """The time bank's cells: the helper's hours, whether they count yet, hours paid for the wish."""
    state = dom.hours_state(r)
    return {
        "volunteer_hours": dom.hours_cell(r.earned_minutes),
        "hours_state": i18n.label(lang, f"ledger_hours_{state}") if state else None,
        "hours_paid": dom.hours_cell(r.paid_minutes),
    }


def _accept_secs(table: dict[tuple[str, str], float], r: dom.Record) -> float:
    return table.get((r.kind, r.category), table.get((r.kind, "*"), 0.0))


def _yes(lang: str, flag: bool) -> str:
    return i18n.label(lang, "ledger_yes" if flag else "ledger_no")


def _path(tree: Tree, code: str) -> str:
    """The grid's path from its community down: 工农社区 / 第一大网格 / 第一小网格."""
    return " / ".join(tree.name(c) for c in reversed(tree.ancestry(code)))


async def _summary_rows(
    ctx: Ctx, query: Query, look: _Lookup, codes: list[str], summary: dom.Summary, now: datetime
) -> list[list[object]]:
    """Each grid's tickets in the period, red flags, work-log entries and the three rates (as the monthly
    ranking counts)."""
    uow = ctx.read()
    rates = await uow.reports.rates(query.start, query.end, now, look.accept)
    counts = await uow.reports.counts(query.start, query.end)
    flags, grid_rates = _by_grid(counts), _by_grid(rates)
    calls = _by_grid(await uow.reports.callback_results(query.start, query.end))
    logs = _by_grid(await uow.work_logs.counts(query.start, query.end))  # 工作日志 entries in the period
    colours = await _colours(ctx, query)
    rows = []
    for code in codes:
        t = summary.grids.get(code, dom.GridTally())
        r, c = grid_rates.get(code, rep.Rates()), calls.get(code, Results())
        rows.append(
            [
                code,
                look.tree.name(code),
                _path(look.tree, code),
                t.submitted,
                t.done,
                t.unfinished,
                t.accept_late,
                t.resolve_late,
                flags.get(code, rep.Counts()).flags,
                logs.get(code, 0),
                r.response,
                r.resolution,
                r.satisfaction,
                c.rate,
                c.reached,
                c.unreachable,
                colours(code),
            ]
        )
    return [neutralise_row(row) for row in rows]


async def _colours(ctx: Ctx, query: Query) -> Callable[[str], str | None]:
    """A grid's stored monthly colours (蓝黄红) over the period: `🔵 蓝` for one month, `2025-03 🔵 · …`
    for several; nothing for a month not yet assessed (or with colours switched off)."""
    zone = ctx.config.timezone
    months = dom.months_covered(query.start.astimezone(zone), query.end.astimezone(zone))
    stored = {m: await ctx.read().assessment.colours(m) for m in months}

    def cell(code: str) -> str | None:
        found = [(m, stored[m][code].colour.value) for m in months if code in stored[m]]
        if len(months) == 1 and found:
            return f"{MARKS[found[0][1]]} {i18n.label(query.lang, 'ledger_colour_' + found[0][1])}"
        return " · ".join(f"{m} {MARKS[c]}" for m, c in found) or None

    return cell


def _by_grid(data: dict) -> dict:
    """Per-(grid, person) values summed per grid, in one pass."""
    out: dict = {}
    for (grid, _), value in data.items():
        out[grid] = out[grid] + value if grid in out else value
    return out
