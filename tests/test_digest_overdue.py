"""Digest overdue counts: from the ticket's deadline (to accept, else to resolve), never from the next
reminder or escalation step (next_due), which is empty once the ladder has run out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.domain.deadlines import urgency
from bot.domain.tickets import Kind, Status, Ticket
from bot.services import posts
from bot.store import reports
from bot.store import tickets as ticket_store
from tests.test_story import GROUP, LEADER, RESIDENT, WORKER, _bound

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
BASE = Ticket(1, Kind.COMPLAINT, "other", "G", 1, "x", NOW - timedelta(days=2))


def test_urgency_reads_the_deadline_not_the_next_step():
    ladder_done = replace(BASE, status=Status.ACCEPTED, resolve_due=NOW - timedelta(minutes=8), alert_at=None)
    escalating = replace(
        BASE,
        accept_due=NOW - timedelta(hours=1),
        resolve_due=NOW + timedelta(days=2),
        alert_at=(NOW + timedelta(minutes=30)).timestamp(),
    )
    soon = replace(BASE, accept_due=NOW + timedelta(hours=2), resolve_due=NOW + timedelta(days=3))
    accepted_later = replace(soon, status=Status.ACCEPTED, accept_due=None)
    closed = replace(ladder_done, status=Status.CLOSED)
    assert urgency(ladder_done, NOW) == "overdue"
    assert urgency(escalating, NOW) == "overdue"
    assert urgency(soon, NOW) == "due_soon"
    assert urgency(accepted_later, NOW) is None
    assert urgency(closed, NOW) is None


async def _three_tickets(bot, now: datetime) -> None:
    """#1 accepted, 8 minutes past its resolve deadline, ladder run out; #2 an hour past its accept
    deadline and being escalated (next step in 30 minutes); #3 to be accepted within 2 hours."""
    await _bound(bot)
    for text in ("楼道垃圾", "路灯坏了", "井盖松动"):
        await bot.say(RESIDENT, GROUP, f"/complain {text}")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    n = now.timestamp()
    async with bot.ctx.db.write() as conn:
        await conn.execute(
            "UPDATE tickets SET resolve_due = ?, next_due = NULL, alert_at = NULL WHERE id = 1", (n - 480,)
        )
        await conn.execute(
            "UPDATE tickets SET accept_due = ?, next_due = ?, alert_at = ? WHERE id = 2",
            (n - 3600, n + 1800, n + 1800),
        )
        await conn.execute("UPDATE tickets SET accept_due = ? WHERE id = 3", (n + 7200,))


async def test_daily_digest_counts_past_deadlines_as_overdue(bot):
    await _three_tickets(bot, now := datetime.now(SH))
    await posts.digests(bot.ctx, now)
    await bot.deliverer.deliver_due()
    text = bot.last(LEADER)["text"]
    assert "未办结 3 · 24小时内到期 1 · 已超期 2" in text, text
    assert "⏰ 超期事项：#2 #1" in text, text


async def test_backlog_sql_agrees_with_the_domain_rule(bot):
    now = datetime.now(SH) + timedelta(days=1)
    await _three_tickets(bot, now)
    conn = bot.ctx.db.reader
    loaded = [await ticket_store.get(conn, i) for i in (1, 2, 3)]
    expected = [urgency(t, now) for t in loaded]
    backlog = reports.Backlog()
    for value in (await reports.backlog(conn, ["GN-1-1"], now - timedelta(days=1), now, now)).values():
        backlog += value
    assert (backlog.overdue, backlog.due_soon) == (expected.count("overdue"), expected.count("due_soon"))
