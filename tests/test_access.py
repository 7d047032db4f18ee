"""Who may read a ticket: one rule in the domain, applied on every read path (role × kind × path)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.domain.access import Reader, may_read
from bot.domain.tickets import Actor, Kind, Ticket
from tests.test_story import ADMIN, GROUP, LEADER, RESIDENT, VOLUNTEER, WORKER, _bound

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
RES, NEIGHBOUR, BIG, OTHER_WORKER = RESIDENT, 5002, 9002, 9006

ROLES = {  # role -> the Actor the store builds for the ticket's grid (assignee is person 4)
    "resident": Actor(RES),
    "neighbour": Actor(NEIGHBOUR),
    "assignee": Actor(WORKER, 4, frozenset({"worker"})),
    "other_worker": Actor(OTHER_WORKER, 6),
    "volunteer": Actor(VOLUNTEER, 5, frozenset({"volunteer"})),
    "small_leader": Actor(LEADER, 3, frozenset({"small_leader"})),
    "big_leader": Actor(BIG, 2, frozenset(), frozenset({"big_leader"})),
    "admin": Actor(ADMIN, 1, frozenset(), frozenset({"admin"})),
    "leader_elsewhere": Actor(9101, 101),
}
MAY_READ_COMPLAINT = {"resident", "assignee", "small_leader", "big_leader", "admin"}


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("role", list(ROLES))
def test_may_read_table(role, kind):
    t = Ticket(1, kind, "other", "GN-1-1", RES, "text", NOW, assignee_id=4)
    expected = kind is Kind.WISH or role in MAY_READ_COMPLAINT
    assert may_read(Reader(ROLES[role]), t) is expected


def test_a_volunteer_copied_in_may_read_the_complaint():
    t = Ticket(1, Kind.COMPLAINT, "errand", "GN-1-1", RES, "text", NOW, assignee_id=4)
    assert may_read(Reader(ROLES["volunteer"], frozenset({5})), t)
    assert not may_read(Reader(ROLES["volunteer"], frozenset({7})), t)


UIDS = {
    "resident": RES,
    "neighbour": NEIGHBOUR,
    "assignee": WORKER,
    "other_worker": OTHER_WORKER,
    "volunteer": VOLUNTEER,
    "small_leader": LEADER,
    "big_leader": BIG,
    "admin": ADMIN,
}
SECRET = {"complaint": "隔壁深夜敲墙", "wish": "想借一把梯子"}


async def _two_tickets(bot) -> None:
    async with bot.ctx.db.write() as conn:  # the other grid's worker starts using Telegram
        await conn.execute("UPDATE people SET tg_user_id = ? WHERE code = 'p006'", (OTHER_WORKER,))
    await _bound(bot)
    await bot.say(RES, GROUP, f"/complain {SECRET['complaint']}")
    await bot.say(RES, GROUP, f"/wish {SECRET['wish']}")


@pytest.mark.parametrize("path", ["status", "my", "queue"])
@pytest.mark.parametrize("role", list(UIDS))
async def test_read_paths_follow_the_rule(bot, role, path):
    await _two_tickets(bot)
    uid = UIDS[role]
    for number, kind in ((1, "complaint"), (2, "wish")):
        await bot.say(uid, uid, f"/status {number}" if path == "status" else f"/{path}")
        shown = SECRET[kind] in bot.last(uid)["text"]
        allowed = kind == "wish" or role in MAY_READ_COMPLAINT
        listed = {"status": True, "my": role == "resident", "queue": role == "assignee"}[path]
        assert shown is (allowed and listed), (role, path, kind, bot.last(uid)["text"])


async def test_volunteer_reads_a_complaint_only_once_copied_in(bot):
    await _bound(bot)
    await bot.say(RES, GROUP, "/complain 环境卫生 楼道堆满杂物")
    await bot.say(RES, GROUP, "/complain 代办服务 帮我交一下水费")  # household: volunteers are copied in
    await bot.say(VOLUNTEER, VOLUNTEER, "/status 1")
    assert "楼道堆满杂物" not in bot.last(VOLUNTEER)["text"] and "无权查看" in bot.last(VOLUNTEER)["text"]
    await bot.say(VOLUNTEER, VOLUNTEER, "/status 2")
    assert "帮我交一下水费" in bot.last(VOLUNTEER)["text"]
