"""Guided intake in a private chat: kind, category, description, optional photo and location, grid."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot import i18n
from bot.domain.inputs import visible
from bot.domain.tickets import Kind, Refused
from bot.services import common, intake, setup
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice, enqueue
from bot.store import groups, people, prompts
from bot.store.db import ts

MAX_GRID_BUTTONS = 24


async def _draft(conn: aiosqlite.Connection, user_id: int) -> aiosqlite.Row | None:
    rows = await conn.execute_fetchall("SELECT * FROM drafts WHERE user_id = ?", (user_id,))
    return rows[0] if rows else None


async def _set(conn: aiosqlite.Connection, user_id: int, now: datetime, **values: object) -> None:
    cols = ", ".join(f"{k} = ?" for k in values)
    await conn.execute(f"UPDATE drafts SET {cols}, updated_at = ? WHERE user_id = ?",
                       (*values.values(), ts(now), user_id))


def _cancel(loc: str) -> list[tuple[str, str]]:
    return [(i18n.label(loc, "btn_cancel"), "d:cancel")]


async def _grid_buttons(conn: aiosqlite.Connection, loc: str) -> list | None:
    rows = await conn.execute_fetchall(
        "SELECT code, name FROM grids g WHERE NOT EXISTS (SELECT 1 FROM grids c WHERE c.parent = g.code) "
        "ORDER BY code LIMIT ?", (MAX_GRID_BUTTONS + 1,))
    if len(rows) > MAX_GRID_BUTTONS:
        return [_cancel(loc)]
    return [[(r["name"], f"d:grid:{r['code']}")] for r in rows] + [_cancel(loc)]


async def _ask(ctx: Ctx, conn: aiosqlite.Connection, who: Who, step: str) -> Notice:
    """The question for a step, with its buttons."""
    loc = await common.user_locale(ctx, conn, who.id)
    buttons: list = [_cancel(loc)]
    if step == "kind":
        buttons = [[(i18n.label(loc, "kind_wish"), "d:kind:wish"),
                    (i18n.label(loc, "kind_complaint"), "d:kind:complaint")], _cancel(loc)]
    elif step == "category":
        cats = [(c.names.get(loc, c.key), f"d:cat:{c.key}") for c in ctx.config.categories]
        buttons = [cats[i:i + 2] for i in range(0, len(cats), 2)] + [_cancel(loc)]
    elif step in {"photo", "location"}:
        buttons = [[(i18n.label(loc, "btn_skip"), f"d:skip:{step}")], _cancel(loc)]
    elif step == "grid":
        buttons = await _grid_buttons(conn, loc)
    return Notice(who.id, i18n.render(loc, f"guide_{step}"), buttons)


async def begin(ctx: Ctx, who: Who, link: str | None, now: datetime, update_id: int | None,
                first_visit: bool = False) -> Outcome:
    """Start a draft (a group's deep link fixes the grid); staff opening the bot with a plain /start
    are greeted with their roles instead (they submit with /new)."""
    async with ctx.db.write(update_id) as conn:
        await people.touch_user(conn, who.id, who.first_name, who.language, started=True)
        await prompts.consume(conn, who.id, chat_id=who.id)
        staff = await people.person_by_user(conn, who.id)
        if staff is not None and link is None and first_visit:
            loc = await common.user_locale(ctx, conn, who.id)
            await enqueue(conn, [await setup.staff_welcome(conn, who.id, staff.id, staff.name, loc)], now)
            ctx.kick()
            return Outcome()
        group = await groups.by_link(conn, link) if link else None
        user = await people.user(conn, who.id)
        grid = group["grid"] if group and group["grid"] else (user["home_grid"] if user else None)
        if group and group["grid"]:
            await conn.execute("UPDATE users SET home_grid = ? WHERE tg_user_id = ?", (grid, who.id))
        await conn.execute("INSERT OR REPLACE INTO drafts (user_id, step, grid, updated_at) VALUES (?, 'kind', ?, ?)",
                           (who.id, grid, ts(now)))
        await enqueue(conn, [await _ask(ctx, conn, who, "kind")], now)
    ctx.kick()
    return Outcome()


async def _grid_code(conn: aiosqlite.Connection, typed: str) -> str | None:
    """The grid a resident typed, by its code or its exact name."""
    rows = await conn.execute_fetchall("SELECT code FROM grids WHERE code = ? OR name = ? LIMIT 2",
                                       (typed.strip(), typed.strip()))
    return rows[0][0] if len(rows) == 1 else None


NEXT = {"kind": "category", "category": "text", "text": "photo", "photo": "location", "location": "grid",
        "grid": "submit"}


async def _store_answer(ctx: Ctx, conn: aiosqlite.Connection, d: aiosqlite.Row, field: str,
                        value: object, now: datetime) -> str:
    """Check the answer fits the current step, store it, and return the next step."""
    uid, step = d["user_id"], d["step"]
    if field == "text" and step == "grid":  # a typed grid code or name
        field, value = "grid", await _grid_code(conn, str(value))
        if value is None:
            raise Refused("no_grid")
    if field != step:
        raise Refused("unexpected_answer")
    if step == "kind" and value in {k.value for k in Kind}:
        await _set(conn, uid, now, kind=value)
    elif step == "category" and value in {c.key for c in ctx.config.categories}:
        await _set(conn, uid, now, category=value)
    elif step == "text":
        text = visible(str(value or ""))
        if not text or len(text) > intake.MAX_TEXT:
            raise Refused("empty_text" if not text else "text_too_long")
        await _set(conn, uid, now, text=text)
    elif step == "photo":
        await _set(conn, uid, now, photo_file_id=value)
    elif step == "location":
        lat, lon = value if value else (None, None)
        await _set(conn, uid, now, latitude=lat, longitude=lon)
    elif step == "grid" and value and await people.grid(conn, str(value).strip()):
        await _set(conn, uid, now, grid=str(value).strip())
    else:
        raise Refused("unexpected_answer")
    nxt = NEXT[step]
    return "submit" if nxt == "grid" and d["grid"] else nxt


async def answer(ctx: Ctx, who: Who, field: str, value: object, now: datetime,
                 update_id: int | None) -> Outcome:
    """Record one answer for the current step (None skips photo or location) and go on or submit."""
    async with ctx.db.write(update_id) as conn:
        d = await _draft(conn, who.id)
        if d is None:
            raise Refused("no_draft")
        nxt = await _store_answer(ctx, conn, d, field, value, now)
        if nxt != "submit":
            await _set(conn, who.id, now, step=nxt)
            await enqueue(conn, [await _ask(ctx, conn, who, nxt)], now)
            outcome = Outcome()
        else:
            outcome = await _submit(ctx, conn, who, now, update_id)
    ctx.kick()
    return outcome


async def _submit(ctx: Ctx, conn: aiosqlite.Connection, who: Who, now: datetime,
                  update_id: int | None) -> Outcome:
    d = await _draft(conn, who.id)
    kind = Kind(d["kind"])
    card_chat = None
    if kind is Kind.WISH:  # a wish is public: its card goes to the grid's group so neighbours can help
        bound = await groups.of_grid(conn, d["grid"])
        card_chat = bound[0]["chat_id"] if bound else None
    s = intake.Submission(kind, d["category"], d["text"], d["grid"], card_chat, None,
                          d["photo_file_id"], d["latitude"], d["longitude"])
    await conn.execute("DELETE FROM drafts WHERE user_id = ?", (who.id,))
    return await intake.open_ticket(ctx, conn, who, s, now, update_id)


async def cancel(ctx: Ctx, who: Who, now: datetime, update_id: int | None) -> Outcome:
    """Drop the draft."""
    async with ctx.db.write(update_id) as conn:
        await conn.execute("DELETE FROM drafts WHERE user_id = ?", (who.id,))
        loc = await common.user_locale(ctx, conn, who.id)
        await enqueue(conn, [Notice(who.id, i18n.render(loc, "guide_cancelled"))], now)
    ctx.kick()
    return Outcome()
