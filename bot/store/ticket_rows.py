"""A ticket as a `tickets` row and back, and the resident and group read in the same query."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import aiosqlite

from bot.domain.records import Group, User
from bot.domain.tickets import Kind, Status, Ticket
from bot.store.db import dt, ts
from bot.store.seen import Seen

TIME_FIELDS = {
    "created_at",
    "accepted_at",
    "closed_at",
    "done_at",
    "accept_due",
    "resolve_due",
    "confirm_due",
    "extension_due",
    "report_due",
    "response_due",
}
COLUMNS = [f.name for f in fields(Ticket) if f.name != "id"]


def to_row(t: Ticket) -> dict[str, Any]:
    """A `tickets` row (epoch seconds, plain values, next_due) from a domain ticket."""
    row = {name: getattr(t, name) for name in COLUMNS}
    for name in TIME_FIELDS:
        row[name] = ts(row[name])
    row["kind"], row["status"] = t.kind.value, t.status.value
    row["self_submitted"] = int(t.self_submitted)
    row["next_due"] = ts(t.next_due)
    return row


def from_row(row: aiosqlite.Row) -> Ticket:
    """A domain ticket from a `tickets` row."""
    values = {name: row[name] for name in COLUMNS}
    for name in TIME_FIELDS:
        values[name] = dt(values[name])
    values["kind"], values["status"] = Kind(row["kind"]), Status(row["status"])
    values["self_submitted"] = bool(row["self_submitted"])
    return Ticket(id=row["id"], **values)


WITH_RESIDENT_AND_GROUP = (
    "SELECT t.*, u.tg_user_id AS u_tg_user_id, u.first_name AS u_first_name, u.locale AS u_locale, "
    "u.started AS u_started, u.blocked AS u_blocked, u.home_grid AS u_home_grid, "
    "u.tg_language AS u_tg_language, u.roster_locale AS u_roster_locale, g.chat_id AS g_chat_id, "
    "g.link_code AS g_link_code, g.grid AS g_grid, g.title AS g_title, g.locale AS g_locale, "
    "g.member AS g_member, g.can_delete AS g_can_delete, g.bound_by AS g_bound_by, "
    "(SELECT json_group_array(user_id) FROM (SELECT user_id FROM ticket_supporters s WHERE s.ticket_id = "
    "t.id "
    "ORDER BY at, user_id)) AS supporters "
    "FROM tickets t LEFT JOIN users u ON u.tg_user_id = t.resident_id "
    "LEFT JOIN groups g ON g.chat_id = t.origin_chat_id WHERE t.id = ?"
)


def remember(seen: Seen, row: Any) -> None:
    """Keep the resident's user, the origin group and the supporters read with the ticket."""
    seen.supporters[row["id"]] = json.loads(row["supporters"])
    seen.users[row["resident_id"]] = (  # u_ columns only: the group's locale is g_locale
        User(
            row["resident_id"],
            row["u_first_name"] or "",
            row["u_locale"],
            bool(row["u_started"]),
            bool(row["u_blocked"]),
            row["u_home_grid"],
            row["u_tg_language"],
            row["u_roster_locale"],
        )
        if row["u_tg_user_id"] is not None
        else None
    )
    if row["origin_chat_id"] is not None:
        seen.groups[row["origin_chat_id"]] = (
            Group(
                row["g_chat_id"],
                row["g_link_code"],
                row["g_grid"],
                row["g_title"],
                row["g_locale"],
                bool(row["g_member"]),
                bool(row["g_can_delete"]),
                row["g_bound_by"],
            )
            if row["g_chat_id"] is not None
            else None
        )
