"""Importing a roster: the grid tree and its people, applied whole in one transaction or not at all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.domain.roster import Roster
from bot.services.context import Ctx
from bot.services.handover import hand_over
from bot.store.db import Database
from bot.store.people import ROSTER_LOCALE


@dataclass
class ImportSummary:
    """What an import changed, and the invite codes of people not yet bound to Telegram."""

    grids_added: int = 0
    grids_updated: int = 0
    people_added: int = 0
    people_updated: int = 0
    people_deactivated: int = 0
    tickets_handed_over: int = 0
    invites: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, invite code)


async def _grids(conn: aiosqlite.Connection, roster: Roster, s: ImportSummary) -> None:
    known = {r[0] for r in await conn.execute_fetchall("SELECT code FROM grids")}
    for g in roster.grids:
        if g.code in known:
            s.grids_updated += 1
        else:
            s.grids_added += 1
        await conn.execute(
            "INSERT INTO grids (code, name, parent, level) VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE "
            "SET name = excluded.name, parent = excluded.parent, level = excluded.level",
            (g.code, g.name, g.parent, g.level))


async def _people(conn: aiosqlite.Connection, roster: Roster, s: ImportSummary) -> None:
    known = {r[0] for r in await conn.execute_fetchall("SELECT code FROM people")}
    ids = [p.telegram_id for p in roster.people if p.telegram_id]
    if ids:  # a Telegram account moves to the person the file now names
        marks = ", ".join("?" * len(ids))
        await conn.execute(f"UPDATE people SET tg_user_id = NULL WHERE tg_user_id IN ({marks}) AND code NOT IN "
                           f"({', '.join('?' * len(roster.people))})", (*ids, *(p.code for p in roster.people)))
    for p in roster.people:
        s.people_updated += p.code in known
        s.people_added += p.code not in known
        await conn.execute(
            "INSERT INTO people (code, name, phone, tg_user_id, locale, invite_code) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(code) DO UPDATE SET name = excluded.name, phone = excluded.phone, "
            "tg_user_id = COALESCE(excluded.tg_user_id, tg_user_id), locale = excluded.locale, active = 1",
            (p.code, p.name, p.phone, p.telegram_id, p.locale, secrets.token_urlsafe(9)))
        pid = (await conn.execute_fetchall("SELECT id FROM people WHERE code = ?", (p.code,)))[0][0]
        await conn.execute("DELETE FROM roles WHERE person_id = ?", (pid,))
        await conn.executemany("INSERT OR IGNORE INTO roles (person_id, grid, role) VALUES (?, ?, ?)",
                               [(pid, r.grid, r.role) for r in p.roles])


async def _deactivate_missing(conn: aiosqlite.Connection, roster: Roster, s: ImportSummary) -> None:
    codes = [p.code for p in roster.people]
    marks = ", ".join("?" * len(codes)) or "''"
    gone = await conn.execute_fetchall(
        f"SELECT id FROM people WHERE active = 1 AND code NOT IN ({marks})", codes)
    for (pid,) in gone:
        await conn.execute("UPDATE people SET active = 0 WHERE id = ?", (pid,))
        await conn.execute("DELETE FROM roles WHERE person_id = ?", (pid,))
    s.people_deactivated = len(gone)


async def apply(db: Database, roster: Roster, now: datetime, ctx: Ctx | None = None) -> ImportSummary:
    """Upsert grids and people by code, replace their roles, deactivate people left out of the file;
    with a service context, tickets of people who left their grid go to the leader above."""
    summary = ImportSummary()
    async with db.write() as conn:
        await conn.execute("PRAGMA defer_foreign_keys = ON")
        await _grids(conn, roster, summary)
        await _people(conn, roster, summary)
        await _deactivate_missing(conn, roster, summary)
        await conn.execute(f"UPDATE users SET roster_locale = {ROSTER_LOCALE}")
        rows = await conn.execute_fetchall(
            "SELECT code, name, invite_code FROM people WHERE active = 1 AND tg_user_id IS NULL ORDER BY code")
        summary.invites = [(r[0], r[1], r[2]) for r in rows]
        if ctx is not None:
            summary.tickets_handed_over = await hand_over(ctx, conn, now)
    return summary
