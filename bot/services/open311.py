"""Open311 use cases: the discovery document, the services (categories), a page of requests, one request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import i18n
from bot.domain import open311 as dom
from bot.services.context import Ctx
from bot.services.publish import Tree


def services(ctx: Ctx) -> list[dict[str, Any]]:
    """Every category as a service, named in the office's language."""
    loc, public = ctx.config.locale, set(ctx.config.open311.public_categories)
    return [
        dom.service_json(
            c.key, c.names.get(loc, c.key), i18n.label(loc, f"track_{c.track.value}"), c.key in public
        )
        for c in ctx.config.categories
    ]


async def _names(ctx: Ctx, grids: set[str]) -> dom.Names:
    """Names for the grids on this page (their paths up the tree), categories and statuses."""
    loc = ctx.config.locale
    tree = Tree(await ctx.read().reports.grids())
    paths = {code: " ".join(tree.name(c) for c in reversed(tree.ancestry(code))) for code in grids}
    return dom.Names(
        {c.key: c.names.get(loc, c.key) for c in ctx.config.categories},
        {code: tree.name(code) for code in grids},
        paths,
        {s: i18n.label(loc, f"status_{s}") for s in dom.OPEN + dom.CLOSED},
        frozenset(ctx.config.open311.public_categories),
    )


async def requests(ctx: Ctx, query: dict[str, str], now: datetime) -> list[dict[str, Any]]:
    """The page of requests the query asks for; raises dom.BadQuery."""
    f = dom.parse_filters(query, {c.key for c in ctx.config.categories}, now)
    found = await ctx.read().open311.requests(f, ctx.config.open311.public_categories)
    names = await _names(ctx, {p.grid for p in found})
    return [dom.request_json(p, names, ctx.config.timezone) for p in found]


async def request(ctx: Ctx, ticket_id: int) -> list[dict[str, Any]] | None:
    """One request (as the spec's one-element list), or None if there is no such number."""
    found = await ctx.read().open311.request(ticket_id, ctx.config.open311.public_categories)
    if found is None:
        return None
    return [dom.request_json(found, await _names(ctx, {found.grid}), ctx.config.timezone)]
