"""The field's own assessments: quarterly stars, grid colours, call-back sampling, the time bank.

Pure: no Telegram, no SQLite, no clock (nothing here needs the time; callers pass a period's
figures in). The rules' numbers come from the configuration ([assessment.*]); the defaults below
are the documented ones in config.example.toml.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Sequence

from bot.domain.reports import Rates

# --- quarterly stars (一季一评星) ----------------------------------------------------------------


@dataclass(frozen=True)
class StarRule:
    """How a quarter's figures become 1-5 stars.

    score = weighted mean of the parts that were measured: flags (flags / flag_target, at most 1),
    the mean of the three rates, and call-back satisfaction. A part with no denominator (no rate
    measured, nobody called back) is left out and the other weights share its place. The stars are
    1 plus the number of `thresholds` the score reaches.
    """

    enabled: bool = True
    flag_target: int = 15
    flag_weight: float = 0.4
    rate_weight: float = 0.4
    callback_weight: float = 0.2
    thresholds: tuple[float, float, float, float] = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class Quarter:
    """One worker's quarter: red flags, the three rates, and call-back results (satisfied / reached)."""

    flags: int = 0
    rates: Rates = Rates()
    callback_satisfied: int = 0
    callback_reached: int = 0


def star_score(q: Quarter, rule: StarRule) -> float:
    """The 0-1 score behind the stars (see StarRule)."""
    parts = [(min(1.0, q.flags / rule.flag_target), rule.flag_weight)]
    if q.rates.score is not None:
        parts.append((q.rates.score, rule.rate_weight))
    if q.callback_reached:
        parts.append((q.callback_satisfied / q.callback_reached, rule.callback_weight))
    weight = sum(w for _, w in parts)
    return sum(v * w for v, w in parts) / weight if weight else 0.0


def stars(q: Quarter, rule: StarRule) -> int:
    """One to five stars for the quarter."""
    score = star_score(q, rule)
    return 1 + sum(1 for t in rule.thresholds if score >= t - 1e-9)


@dataclass(frozen=True)
class Rating:
    """One worker's quarter rated: their figures, the score behind the stars, and the stars."""

    person_id: int
    quarter: Quarter
    score: float
    stars: int


def rate_all(quarters: dict[int, Quarter], rule: StarRule) -> list[Rating]:
    """Every worker's rating, most stars first, then the higher score, then the person id."""
    found = [Rating(pid, q, star_score(q, rule), stars(q, rule)) for pid, q in quarters.items()]
    return sorted(found, key=lambda r: (-r.stars, -r.score, r.person_id))


# --- grid colours (蓝黄红) ------------------------------------------------------------------------


class Colour(str, Enum):
    """A grid's monthly assessment colour."""

    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class ColourRule:
    """Thresholds: red if the rates' mean is below `red_below`, or overdue tickets reach `red_overdue`,
    or supervision marks reach `red_marks`; blue if the mean reaches `blue_from` with at most
    `blue_max_overdue` overdue and `blue_max_marks` marks; yellow otherwise."""

    enabled: bool = True
    blue_from: float = 0.9
    blue_max_overdue: int = 0
    blue_max_marks: int = 0
    red_below: float = 0.6
    red_overdue: int = 5
    red_marks: int = 2


def grid_colour(rates: Rates, overdue: int, marks: int, rule: ColourRule) -> Colour | None:
    """The grid's colour for the month; None when nothing was measured and nothing went wrong."""
    score = rates.score
    if overdue >= rule.red_overdue or marks >= rule.red_marks:
        return Colour.RED
    if score is None:
        return None
    if score < rule.red_below - 1e-9:
        return Colour.RED
    if score >= rule.blue_from - 1e-9 and overdue <= rule.blue_max_overdue and marks <= rule.blue_max_marks:
        return Colour.BLUE
    return Colour.YELLOW


def red_twice(previous: Colour | None, current: Colour | None) -> bool:
    """True when a grid is red this month and was red the month before (reported to the admin)."""
    return previous is Colour.RED and current is Colour.RED


@dataclass(frozen=True)
class GridMonth:
    """A grid's colour for one month (`2025-03`) and the figures behind it, as stored with the post."""

    grid: str
    month: str
    colour: Colour
    rates: Rates = Rates()
    overdue: int = 0
    marks: int = 0


def graded(
    grid: str, month: str, rates: Rates, overdue: int, marks: int, rule: ColourRule
) -> GridMonth | None:
    """The grid's month with its colour, or None when it gets none (see grid_colour)."""
    colour = grid_colour(rates, overdue, marks, rule)
    return None if colour is None else GridMonth(grid, month, colour, rates, overdue, marks)


def reds_twice(
    current: Iterable[GridMonth], before: dict[str, GridMonth]
) -> list[tuple[GridMonth, GridMonth]]:
    """Each grid red this month and the month before: (this month, the month before), in grid order."""
    return [
        (now, before[now.grid])
        for now in sorted(current, key=lambda g: g.grid)
        if now.grid in before and red_twice(before[now.grid].colour, now.colour)
    ]


# --- call-back sampling (回访审核) ----------------------------------------------------------------


@dataclass(frozen=True)
class Confirmed:
    """A ticket confirmed in the week, and the worker who handled it."""

    ticket_id: int
    worker_id: int | None


def sample_size(available: int, share: float, minimum: int) -> int:
    """How many to call back: `share` of the week's tickets rounded up, at least `minimum`, at most all."""
    return min(available, max(minimum, math.ceil(share * available - 1e-9)))


def callback_sample(
    tickets: Iterable[Confirmed], share: float, minimum: int, seed: str, exclude: Iterable[int] = ()
) -> list[Confirmed]:
    """A reproducible sample for the seed: each ticket at most once (never one in `exclude`), taken
    round-robin over the workers in a shuffled order so no worker gets a second call before every
    worker with tickets has had one."""
    skip = set(exclude)
    unique: dict[int, Confirmed] = {}
    for t in tickets:
        if t.ticket_id not in skip:
            unique.setdefault(t.ticket_id, t)
    rng = random.Random(seed)
    by_worker: dict[int | None, list[Confirmed]] = {}
    for t in sorted(unique.values(), key=lambda t: t.ticket_id):
        by_worker.setdefault(t.worker_id, []).append(t)
    queues = [by_worker[w] for w in sorted(by_worker, key=lambda w: (w is None, w or 0))]
    for q in queues:
        rng.shuffle(q)
    rng.shuffle(queues)
    return _round_robin(queues, sample_size(len(unique), share, minimum))


def _round_robin(queues: Sequence[list[Confirmed]], n: int) -> list[Confirmed]:
    picked: list[Confirmed] = []
    depth = 0
    while len(picked) < n:
        picked += [q[depth] for q in queues if depth < len(q)][: n - len(picked)]
        depth += 1
    return picked


# --- the time bank (时间银行) ---------------------------------------------------------------------


class NotEnoughHours(ValueError):
    """A spend larger than the volunteer's balance."""


@dataclass(frozen=True)
class HoursEntry:
    """One line in a volunteer's account, in minutes: earned on a wish (counts once the resident
    confirmed) or spent on their own request (negative)."""

    minutes: int
    confirmed: bool = True


def balance(entries: Iterable[HoursEntry]) -> int:
    """The balance in minutes: confirmed earnings less spending (never below zero)."""
    return max(0, sum(e.minutes for e in entries if e.confirmed or e.minutes < 0))


def earn(minutes: int, confirmed: bool) -> HoursEntry:
    """An earning entry; refuses nothing-or-less."""
    if minutes <= 0:
        raise ValueError("hours must be positive")
    return HoursEntry(minutes, confirmed)


def spend(entries: Sequence[HoursEntry], minutes: int) -> HoursEntry:
    """A spending entry, refused (NotEnoughHours) if it would take the balance below zero."""
    if minutes <= 0:
        raise ValueError("hours must be positive")
    if minutes > balance(entries):
        raise NotEnoughHours(f"balance {balance(entries)} < {minutes}")
    return HoursEntry(-minutes)


def parse_hours(text: str) -> int | None:
    """`1.5`, `2`, `1h30m`, `90m` → minutes; None for anything else (the caller asks again)."""
    raw = text.strip().lower().replace("小时", "h").replace("分钟", "m").replace("分", "m")
    minutes: int | None
    try:
        minutes = round(float(raw.removesuffix("h")) * 60)
    except (ValueError, OverflowError):
        minutes = _hm(raw)
    return minutes if minutes is not None and 0 < minutes <= 24 * 60 else None


def _hm(raw: str) -> int | None:
    hours, _, rest = raw.partition("h") if "h" in raw else ("0", "", raw)
    mins = rest.removesuffix("m") or "0"
    if not (hours.isdigit() and mins.isdigit()) or (not rest.endswith("m") and rest):
        return None
    return int(hours) * 60 + int(mins)
