"""Bookkeeping for the reliability tests: which messages the bot created in the emulator, and how they
line up with the rows of the bot's outbox (its record of what Telegram confirmed).

The `Ledger` wraps the in-process emulator's `store` (test instrumentation, not a change to the bot)
so every message the bot creates is remembered with the text it had when created — edits change a
message's text later — the wall-clock moment and which run of the bot process created it.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

NO_LIMITS = {
    "reports.enabled": False,  # no scheduled post wanders into the group mid-test
    "telegram.rate_limiter": False,  # throughput is not the subject here (the emulator's is off too)
    "limits.max_open_per_resident": 100_000,
    "limits.max_submissions_per_hour": 100_000,
}


# A request the bot wrote just before SIGKILL is still performed by the emulator (it runs in the
# test's event loop, which gets to it once the test yields after the kill): allow this much after.
# Only an upper bound on a loaded machine's event loop, never a claim about the bot's speed.
LATE = 10.0


@dataclass
class Created:
    chat_id: int
    message_id: int
    text: str | None
    at: float
    run: int


@dataclass
class Ledger:
    """Every message the bot created after `install`, keyed by (chat id, message id)."""

    world: Any
    created: dict[tuple[int, int], Created] = field(default_factory=dict)

    def install(self) -> "Ledger":
        emu, bot_id = self.world.emu, self.world.emu.bot.id
        original = emu.store

        def store(chat, sender, fields, **meta):
            message = original(chat, sender, fields, **meta)
            if sender.id == bot_id:
                self.created[(message.chat_id, message.message_id)] = Created(
                    message.chat_id,
                    message.message_id,
                    meta.get("raw_text"),
                    time.time(),
                    self.world.bot.runs,
                )
            return message

        emu.store = store  # instance attribute: the emulator calls self.store(...)
        return self


def outbox(w: Any) -> list[dict[str, Any]]:
    """The bot's outbox rows, oldest first, payload decoded."""
    rows = w.db(
        "SELECT id, chat_id, op, payload, ticket_id, status, message_id, attempts, error "
        "FROM outbox ORDER BY id"
    )
    keys = ("id", "chat_id", "op", "payload", "ticket_id", "status", "message_id", "attempts", "error")
    out = []
    for row in rows:
        item = dict(zip(keys, row))
        item["payload"] = json.loads(item["payload"])
        item["text"] = item["payload"].get("text")
        out.append(item)
    return out


@dataclass
class DeliveryAudit:
    """Outbox rows against the emulator's messages.

    `unexplained` lists problems (must be empty); `orphans` are bot-created messages no sent row
    refers to (duplicates of a send the bot did not know had succeeded); `killed_orphans` those of
    them the kill explains: the last message its run created in that chat, that run SIGKILLed
    afterwards (or its request, written just before the kill, performed up to LATE s after it).
    A later message of the same run in the same chat proves the bot had recorded the earlier
    one: the deliverer sends a chat's rows one after another, each recorded before the next.
    """

    problems: list[str] = field(default_factory=list)
    orphans: list[Created] = field(default_factory=list)
    killed_orphans: list[Created] = field(default_factory=list)


def audit(
    w: Any, ledger: Ledger, kills: dict[int, float], blocked: frozenset[int] = frozenset()
) -> DeliveryAudit:
    """Check that what the outbox calls sent exists exactly once, and explain every extra copy.

    `kills` maps a bot run number to the moment it was SIGKILLed; rows to the users in `blocked`
    may have failed with 403 (their group fallback is a row of its own).
    """
    result = DeliveryAudit()
    rows = outbox(w)
    referenced: Counter[tuple[int, int]] = Counter()
    texts_by_chat: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        if row["text"]:
            texts_by_chat[row["chat_id"]].add(row["text"])
        if row["status"] == "pending":
            result.problems.append(f"outbox {row['id']} still pending")
            continue
        if row["status"] == "failed" and row["chat_id"] in blocked and "Forbidden" in (row["error"] or ""):
            continue
        if row["status"] != "sent":
            result.problems.append(f"outbox {row['id']} {row['status']}: {row['error']}")
            continue
        if row["message_id"] is None:
            continue  # a superseded card or a "not modified" edit: nothing to find
        key = (row["chat_id"], row["message_id"])
        try:
            message = w.emu.stored(row["chat_id"], row["message_id"])
        except Exception:
            result.problems.append(f"outbox {row['id']} sent as {key}, which the emulator does not hold")
            continue
        if message.sender_id != w.emu.bot.id:
            result.problems.append(f"outbox {row['id']} points at {key}, not a message of the bot")
        if row["op"] == "send":
            referenced[key] += 1
            made = ledger.created.get(key)
            if made is not None and made.text != row["text"]:
                result.problems.append(f"outbox {row['id']} sent as {key}, created with other text")
        elif row["op"] == "card":
            referenced[key] += 0  # a card's rows share its one message
            made = ledger.created.get(key)
            if made is not None and f"#{row['ticket_id']}" not in (made.text or ""):
                result.problems.append(
                    f"card row {row['id']} points at {key}, not ticket {row['ticket_id']}'s card"
                )
        else:
            referenced[key] += 0
    for key, n in referenced.items():
        if n > 1:
            result.problems.append(f"{n} outbox sends claim the same message {key}")
    last_of_run: dict[tuple[int, int], int] = {}  # (run, chat) -> its last message id there
    for made in ledger.created.values():
        last = last_of_run.get((made.run, made.chat_id), 0)
        last_of_run[(made.run, made.chat_id)] = max(last, made.message_id)
    for key, made in ledger.created.items():
        if key in referenced:
            continue
        result.orphans.append(made)
        killed = kills.get(made.run)
        if made.text not in texts_by_chat[made.chat_id]:
            result.problems.append(f"message {key} is no notice of the outbox: {made.text!r:.80}")
        elif (
            killed is not None
            and made.at <= killed + LATE
            and last_of_run[(made.run, made.chat_id)] == made.message_id
        ):
            result.killed_orphans.append(made)
        else:
            after = "never killed" if killed is None else "a later message of its run followed"
            result.problems.append(
                f"message {key} (run {made.run}, {after}) is an extra copy of a notice "
                f"the bot had time to record as sent: {made.text!r:.80}"
            )
    return result


def calls_in_order(w: Any) -> list[str]:
    """Per chat, map each successful send/edit call to its outbox row; rows must come in id order.

    For runs without kills or client-side timeouts: every call that Telegram performed belongs to
    exactly one sent row, and every sent row that needed a call got exactly one.
    """
    problems: list[str] = []
    rows = [r for r in outbox(w) if r["status"] == "sent"]
    by_chat: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_chat[row["chat_id"]].append(row)
    used: set[int] = set()
    last: dict[int, int] = {}
    for entry in w.emu.log:
        if entry["method"] not in ("sendMessage", "editMessageText") or entry["status"] != 200:
            continue
        chat = int(entry["params"].get("chat_id"))
        text = entry["params"].get("text")
        match = next(
            (
                r
                for r in by_chat.get(chat, [])
                if r["id"] not in used and r["text"] == text and r["id"] > last.get(chat, 0)
            ),
            None,
        )
        if match is None:
            earlier = [r["id"] for r in by_chat.get(chat, []) if r["text"] == text]
            problems.append(
                f"{entry['method']} to {chat} matches no outbox row in order "
                f"(rows with this text: {earlier}, last delivered: {last.get(chat)}): {text!r:.60}"
            )
            continue
        used.add(match["id"])
        last[chat] = match["id"]
    # superseded cards and edits Telegram answered "message is not modified" need no call
    unchanged = {
        (int(e["params"].get("chat_id")), e["params"].get("text"))
        for e in w.emu.log
        if e["method"] == "editMessageText"
        and e["status"] == 400
        and "not modified" in (e.get("description") or "")
    }
    for row in rows:
        if row["id"] in used or row["message_id"] is None or (row["chat_id"], row["text"]) in unchanged:
            continue
        if row["op"] in ("send", "card", "edit"):
            problems.append(
                f"outbox {row['id']} ({row['op']} to {row['chat_id']}) is sent but no call did it"
            )
    return problems
