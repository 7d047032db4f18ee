"""What every scheduled post shares: the Post a recipient gets, `publish` (a `posts` row and its outbox
rows in one transaction, unless a dry run), long texts split into messages, the grid tree, and the
per-(grid, person) sums and rate views the posts show."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Awaitable, Callable, TypeVar, overload

from bot import telegram_text as tt
from bot.domain import reports as rep
from bot.domain.callbacks import Results
from bot.services.context import Ctx
from bot.services.notices import Buttons, Notice
from bot.store import reports as store
from bot.store.uow import UnitOfWork

HELPERS = ("worker", "volunteer", "liaison")
Also = Callable[[UnitOfWork], Awaitable[None]]  # more to write in a post's transaction


@dataclass
class Post:
    """One recipient's share of a scheduled post: what to send, and the (kind, period, chat) it records."""

    kind: str
    period: str
    chat_id: int
    notices: list[Notice] = field(default_factory=list)


async def publish(
    ctx: Ctx, posts: list[Post], now: datetime, dry_run: bool = False, also: Also | None = None
) -> list[Post]:
    """Write the posts (each recorded in `posts` with its outbox rows, one transaction, together with what
    `also` writes); a post already recorded for its (kind, period, chat) is skipped. A dry run writes
    nothing and returns them all."""
    if dry_run or not (posts or also):
        return posts
    written = []
    async with ctx.uow() as uow:
        if also is not None:
            await also(uow)
        for p in posts:
            if await uow.reports.claim_post(p.kind, p.period, p.chat_id, now):
                await uow.outbox.add(p.notices, now)
                written.append(p)
    if written:
        ctx.kick()
    return written


def text_messages(
    chat_id: int, text: str, buttons: Buttons | None = None, continued: str | None = None
) -> list[Notice]:
    """The text as one or more messages within Telegram's limit; the buttons go on the last; each
    part after the first starts with the `continued` heading, if given."""
    room = tt.TELEGRAM_TEXT_LIMIT - (tt.tg_len(continued) + 1 if continued else 0)
    parts = tt.split_message(text, room)
    parts = [parts[0]] + [f"{continued}\n{p}" if continued else p for p in parts[1:]]
    return [Notice(chat_id, part, buttons if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def with_chart(chat_id: int, png: bytes | None, text: str, caption: str) -> list[Notice]:
    """A chart with the text as its caption when it fits (else `caption`, then the text as messages);
    just the text when there is no chart."""
    if png is None:
        return text_messages(chat_id, text)
    photo = {"photo_b64": base64.b64encode(png).decode("ascii")}
    if tt.tg_len(text) <= tt.TELEGRAM_CAPTION_LIMIT:
        return [Notice(chat_id, text, op="photo", extra=photo)]
    return [Notice(chat_id, caption, op="photo", extra=photo)] + text_messages(chat_id, text)


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
        out: list[str] = []
        current: str | None = code
        while current and current not in out:
            out.append(current)
            current = self.grids[current].parent if current in self.grids else None
        return out

    def community(self, code: str) -> str:
        """The top of the grid's tree (its community)."""
        return self.ancestry(code)[-1]

    def communities(self) -> list[str]:
        """Every root grid."""
        return sorted(c for c, g in self.grids.items() if not g.parent)


# --- sums and rates over (grid, person) --------------------------------------------------------


def accept_seconds(ctx: Ctx) -> dict[tuple[str, str], float]:
    """Each (kind, category)'s accept time in seconds for the response rate; `*` is the fallback."""
    cfg = ctx.config
    table = {
        ("wish", "*"): cfg.tier_for("wish", "other").accept.total_seconds(),
        ("complaint", "*"): cfg.tier_for("complaint", "other").accept.total_seconds(),
    }
    for c in cfg.categories:
        table[("complaint", c.key)] = cfg.tier_for("complaint", c.key).accept.total_seconds()
    return table


T = TypeVar("T", bound=rep.Summable)


@overload
def sum_over(data: Mapping[tuple[str, Any], T], grids: set[str], person: int | None, default: T) -> T: ...


@overload
def sum_over(data: Mapping[tuple[str, Any], T], grids: set[str], person: int | None = None) -> T | None: ...


def sum_over(
    data: Mapping[tuple[str, Any], T], grids: set[str], person: int | None = None, default: T | None = None
) -> T | None:
    """The total of the values in these grids (for one person, if given), or `default` when none."""
    items = [v for (g, p), v in data.items() if g in grids and (person is None or p == person)]
    return rep.total(items) or default


def people_in(data: dict, grids: set[str]) -> set[int | None]:
    """Everyone with a value in these grids (None: nobody's, e.g. unassigned)."""
    return {p for (g, p) in data if g in grids}


def callback_view(r: Results) -> dict:
    """Call-back satisfaction as a percentage for a template, with the Results themselves as `r`."""
    return {"rate": rep.percent(r.rate), "r": r}


def rate_view(r: rep.Rates) -> dict:
    """The three rates as percentages for a template, with the Rates themselves as `r`."""
    return {
        "response": rep.percent(r.response),
        "resolution": rep.percent(r.resolution),
        "satisfaction": rep.percent(r.satisfaction),
        "r": r,
    }
