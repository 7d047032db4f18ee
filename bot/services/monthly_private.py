"""The monthly post's private parts: the bottom two grids named to their leaders, the community's month
to its admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import i18n
from bot.domain import reports as rep
from bot.domain.periods import Period
from bot.services import locales
from bot.services.context import Ctx
from bot.services.publish import Post, Tree, rate_view, text_messages
from bot.store import reports as store
from bot.store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.services.monthly import Standing

LEADER_ROLES = ("small_leader", "big_leader")


def bottom_readers(
    tree: Tree, s: Standing, leaders: list[store.Staff]
) -> dict[int, tuple[int, list[rep.GridScore]]]:
    """Each leader of a bottom grid (below the community itself): their chat, person and bottom grids."""
    named: dict[int, tuple[int, list[rep.GridScore]]] = {}
    for grid in s.bottom:
        chain = set(tree.ancestry(grid.code))
        for st in leaders:
            if st.role in LEADER_ROLES and st.grid in chain and st.grid != s.community and st.tg_user_id:
                named.setdefault(st.tg_user_id, (st.person_id, []))[1].append(grid)
    return named


async def bottom_posts(
    ctx: Ctx,
    uow: UnitOfWork,
    named: dict[int, tuple[int, list[rep.GridScore]]],
    s: Standing,
    month: Period,
    params: dict,
) -> list[Post]:
    """Each bottom grid's leaders told privately where their grids stand."""
    rank_of = {r.grid.code: r.rank for r in s.ranking}
    posts = []
    for chat, (pid, grids) in named.items():
        loc = await locales.person_locale(ctx, uow, pid)
        view = [
            {"name": g.name, "rank": rank_of[g.code], "repeat": g in s.repeat, **rate_view(g.rates)}
            for g in dict.fromkeys(grids)
        ]
        posts.append(
            Post(
                "monthly_bottom",
                month.key,
                chat,
                text_messages(chat, i18n.render(loc, "monthly_bottom", grids=view, **params)),
            )
        )
    return posts


def admins(tree: Tree, s: Standing, leaders: list[store.Staff]) -> dict[int, int]:
    """The admins on the community, above it or within it: chat to person."""
    reach = set(tree.ancestry(s.community)) | set(tree.subtree(s.community))
    return {
        st.tg_user_id: st.person_id
        for st in leaders
        if st.role == "admin" and st.grid in reach and st.tg_user_id
    }


async def admin_posts(
    ctx: Ctx, uow: UnitOfWork, admins: dict[int, int], month: Period, params: dict
) -> list[Post]:
    """The community's month for its admins, repeat bottoms included."""
    posts = []
    for chat, pid in admins.items():
        loc = await locales.person_locale(ctx, uow, pid)
        text = i18n.render(loc, "monthly_admin", **params)
        posts.append(Post("monthly_admin", month.key, chat, text_messages(chat, text)))
    return posts
