"""A resident's personal data in the store: everything held about them, and its anonymisation.

Erasure anonymises in one transaction and keeps the shape the reports need: every ticket stays with
its kind, category, grid, status, assignee, closer, rating, reopen count and deadlines, and every
event stays with its action, statuses, time and staff actor, so tallies, red flags, service stars and
rates come out the same. What goes: the texts (replaced by a marker), photos, locations, close notes,
the Telegram user id (replaced by ERASED_RESIDENT), the users row, drafts, prompts, and messages
still waiting to be sent to the person. Nothing here logs personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import aiosqlite
from markupsafe import escape

from bot.store.db import Database
from bot.store.scrub import ERASED, scrub_detail, scrub_payload

ERASED_RESIDENT = 0  # no Telegram user or chat has id 0: nothing can be sent to or matched with it
_TIME_COLUMNS = {
    "at",
    "created_at",
    "accepted_at",
    "closed_at",
    "done_at",
    "accept_due",
    "resolve_due",
    "confirm_due",
    "next_due",
    "updated_at",
    "bound_at",
    "not_before",
    "alert_at",
    "recorded_at",
    "counted_at",
}


def _value(name: str, value: Any) -> Any:
    if name in _TIME_COLUMNS and isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).isoformat()
    if name in {"detail", "payload", "fallback_payload"} and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _rows(rows: list[aiosqlite.Row]) -> list[dict[str, Any]]:
    return [{k: _value(k, r[k]) for k in r.keys()} for r in rows]


async def _all(conn: aiosqlite.Connection, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
    return list(await conn.execute_fetchall(sql, params))


async def _staff(conn: aiosqlite.Connection, user_id: int) -> dict[str, Any] | None:
    """The roster person behind the user, if any: their entry, roles, work log and time-bank account."""
    person = await _all(
        conn, "SELECT id, code, name, phone, locale, active FROM people WHERE tg_user_id = ?", (user_id,)
    )
    if not person:
        return None
    pid = (person[0]["id"],)
    roles = await _all(conn, "SELECT grid, role FROM roles WHERE person_id = ?", pid)
    hours = await _all(
        conn,
        "SELECT ticket_id, kind, minutes, counterpart, recorded_at, counted_at FROM time_bank "
        "WHERE person_id = ? ORDER BY id",
        pid,
    )
    work_log = await _work_log(conn, person)
    return {**_rows(person)[0], "roles": _rows(roles), "work_log": work_log, "time_bank": _rows(hours)}


async def export(db: Database, user_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about a Telegram user, as a JSON-ready document."""
    conn = db.reader
    tickets = await _all(conn, "SELECT * FROM tickets WHERE resident_id = ? ORDER BY id", (user_id,))
    ids = [t["id"] for t in tickets]
    marks = ", ".join("?" * len(ids)) or "NULL"
    events = await _all(
        conn, f"SELECT * FROM ticket_events WHERE ticket_id IN ({marks}) ORDER BY id", tuple(ids)
    )
    by_ticket: dict[int, list] = {}
    for e in _rows(events):
        by_ticket.setdefault(e["ticket_id"], []).append(e)
    elsewhere = await _all(
        conn,
        f"SELECT * FROM ticket_events WHERE actor_user_id = ? AND ticket_id NOT IN ({marks}) ORDER BY id",
        (user_id, *ids),
    )
    user = await _all(conn, "SELECT * FROM users WHERE tg_user_id = ?", (user_id,))
    return {
        "format": "gridbot-personal-data/1",
        "telegram_user_id": user_id,
        "exported_at": (now or datetime.now(timezone.utc)).isoformat(),
        "user": _rows(user)[0] if user else None,
        "staff": await _staff(conn, user_id),
        "tickets": [{**t, "events": by_ticket.get(t["id"], [])} for t in _rows(tickets)],
        "events_on_other_tickets": _rows(elsewhere),
        "drafts": _rows(await _all(conn, "SELECT * FROM drafts WHERE user_id = ?", (user_id,))),
        "prompts": _rows(await _all(conn, "SELECT * FROM prompts WHERE user_id = ?", (user_id,))),
        "messages_to_user": _rows(
            await _all(
                conn,
                "SELECT id, created_at, op, payload, ticket_id, status, not_before FROM outbox "
                "WHERE chat_id = ? ORDER BY id",
                (user_id,),
            )
        ),
    }


async def _work_log(conn: aiosqlite.Connection, person: list[aiosqlite.Row]) -> list[dict[str, Any]]:
    """A staff member's own work-log entries (工作日志), their album photos with them."""
    rows = await _all(
        conn,
        "SELECT w.id, w.grid, w.at, w.text, w.photo_file_id, w.ticket_id, "
        "(SELECT group_concat(file_id, ' ') FROM work_log_photos p WHERE p.log_id = w.id) AS more_photos "
        "FROM work_logs w WHERE w.person_id = ? ORDER BY w.id",
        (person[0]["id"],),
    )
    return _rows(rows)


@dataclass
class ErasureSummary:
    """What an erasure changed (counts only: safe to print and log)."""

    tickets: int = 0
    events: int = 0
    user_row: int = 0
    drafts: int = 0
    prompts: int = 0
    outbox_deleted: int = 0
    outbox_scrubbed: int = 0
    cards_updated: int = 0
    staff_code: str | None = (
        None  # the user is also a roster person: the roster file is the place to change that
    )


async def preview(db: Database, user_id: int) -> ErasureSummary:
    """What an erasure would touch, without changing anything."""
    conn, s = db.reader, ErasureSummary()
    one = lambda rows: rows[0][0]  # noqa: E731
    s.tickets = one(await _all(conn, "SELECT COUNT(*) FROM tickets WHERE resident_id = ?", (user_id,)))
    s.user_row = one(await _all(conn, "SELECT COUNT(*) FROM users WHERE tg_user_id = ?", (user_id,)))
    s.drafts = one(await _all(conn, "SELECT COUNT(*) FROM drafts WHERE user_id = ?", (user_id,)))
    s.prompts = one(await _all(conn, "SELECT COUNT(*) FROM prompts WHERE user_id = ?", (user_id,)))
    s.outbox_deleted = one(
        await _all(conn, "SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status = 'pending'", (user_id,))
    )
    staff = await _all(conn, "SELECT code FROM people WHERE tg_user_id = ?", (user_id,))
    s.staff_code = staff[0][0] if staff else None
    return s


async def _scrub_outbox(
    conn: aiosqlite.Connection, user_id: int, ids: list[int], secrets: list[str], s: ErasureSummary
) -> None:
    """Drop what waits for them; cut their texts and mention out of every stored message about them."""
    marks = ", ".join("?" * len(ids)) or "NULL"
    cur = await conn.execute("DELETE FROM outbox WHERE chat_id = ? AND status = 'pending'", (user_id,))
    s.outbox_deleted = cur.rowcount
    # Every stored message about them: linked to their tickets or chat, or quoting one of their texts
    # (a /status or /queue answer, a card). Unsent ones keep working with the texts cut out.
    quoted = (
        " OR ".join("instr(payload, ?) > 0 OR instr(COALESCE(fallback_payload, ''), ?) > 0" for _ in secrets)
        or "0"
    )
    needles = [json.dumps(x, ensure_ascii=False)[1:-1] for x in secrets for _ in (0, 1)]
    touched = await _all(
        conn,
        f"SELECT id, status, payload, fallback_payload FROM outbox WHERE chat_id = ? "
        f"OR fallback_chat_id = ? OR ticket_id IN ({marks}) OR {quoted} "
        f"OR (status = 'pending' AND instr(payload, ?) > 0)",
        (user_id, user_id, *ids, *needles, f'"user_id": {user_id}'),
    )
    for row in touched:
        s.outbox_deleted += await _scrub_message(conn, row, user_id, secrets)
    s.outbox_scrubbed = len(touched)
    await conn.execute(
        "UPDATE outbox SET fallback_chat_id = NULL, fallback_payload = NULL WHERE fallback_chat_id = ?",
        (user_id,),
    )


async def _scrub_message(
    conn: aiosqlite.Connection, row: aiosqlite.Row, user_id: int, secrets: list[str]
) -> int:
    """Delete a pending prompt to them, scrub a pending message, blank a sent one; 1 if deleted."""
    if (
        row["status"] == "pending"
        and (json.loads(row["payload"]).get("prompt") or {}).get("user_id") == user_id
    ):
        await conn.execute(
            "DELETE FROM outbox WHERE id = ?", (row["id"],)
        )  # a prompt that would re-link them
        return 1
    if row["status"] == "pending":
        await conn.execute(
            "UPDATE outbox SET payload = ?, fallback_payload = ? WHERE id = ?",
            (
                scrub_payload(row["payload"], secrets, user_id),
                scrub_payload(row["fallback_payload"], secrets, user_id),
                row["id"],
            ),
        )
    else:
        await conn.execute(
            "UPDATE outbox SET payload = ?, fallback_payload = NULL WHERE id = ?",
            (json.dumps({"text": ERASED}), row["id"]),
        )
    return 0


async def _scrub_events(conn: aiosqlite.Connection, user_id: int, ids: list[int], s: ErasureSummary) -> None:
    """Texts inside their tickets' event details become the marker; they no longer appear as actor."""
    marks = ", ".join("?" * len(ids)) or "NULL"
    events = await _all(
        conn, f"SELECT id, detail FROM ticket_events WHERE ticket_id IN ({marks})", tuple(ids)
    )
    for e in events:
        await conn.execute(
            "UPDATE ticket_events SET detail = ? WHERE id = ?", (scrub_detail(e["detail"]), e["id"])
        )
    await conn.execute(
        "UPDATE ticket_events SET actor_user_id = ? WHERE actor_user_id = ?", (ERASED_RESIDENT, user_id)
    )
    s.events = len(events)


async def _scrub_records(conn: aiosqlite.Connection, user_id: int, s: ErasureSummary) -> None:
    """Their tickets keep status, category and rating but lose text, photos, place and owner."""
    cur = await conn.execute(
        "UPDATE tickets SET text = ?, photo_file_id = NULL, latitude = NULL, longitude = NULL, "
        "close_note = CASE WHEN close_note IS NULL THEN NULL ELSE ? END, close_photo = NULL, "
        "resident_id = ? WHERE resident_id = ?",
        (ERASED, ERASED, ERASED_RESIDENT, user_id),
    )
    s.tickets = cur.rowcount
    s.user_row = (await conn.execute("DELETE FROM users WHERE tg_user_id = ?", (user_id,))).rowcount
    s.drafts = (await conn.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))).rowcount
    s.prompts = (await conn.execute("DELETE FROM prompts WHERE user_id = ?", (user_id,))).rowcount
    # their "me too" presses: the tickets keep the count (support_count), not who pressed
    await conn.execute("DELETE FROM ticket_supporters WHERE user_id = ?", (user_id,))


async def erase(conn: aiosqlite.Connection, user_id: int) -> tuple[ErasureSummary, list[int]]:
    """In a transaction: anonymise all about a resident; returns the counts and their tickets' ids."""
    s = ErasureSummary()
    staff = await _all(conn, "SELECT code FROM people WHERE tg_user_id = ?", (user_id,))
    s.staff_code = staff[0][0] if staff else None
    tickets = await _all(conn, "SELECT id, text, close_note FROM tickets WHERE resident_id = ?", (user_id,))
    ids = [t["id"] for t in tickets]
    # Texts as the templates escaped them, to cut out of messages not yet sent to others.
    secrets = sorted(
        {str(escape(v)) for t in tickets for v in (t["text"], t["close_note"]) if v}, key=len, reverse=True
    )
    await _scrub_outbox(conn, user_id, ids, secrets, s)
    await _scrub_events(conn, user_id, ids, s)
    await _scrub_records(conn, user_id, s)
    return s, ids


class PersonalData:
    """The personal-data repository of a unit of work."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def erase(self, user_id: int) -> tuple[ErasureSummary, list[int]]:
        """Anonymise everything about a resident; returns the counts and their tickets' ids."""
        return await erase(self._conn, user_id)
