"""/bind: who may bind or re-bind a group, and what the binder and the group are told."""

from __future__ import annotations

import pytest

from bot.domain.access import may_bind
from bot.domain.tickets import Actor
from tests.fakebot import BOT_ID
from tests.harness import ROSTER, Harness
from tests.test_story import ADMIN, GROUP, LEADER, RESIDENT, WORKER


async def _grid_of(bot, chat_id: int = GROUP) -> str | None:
    row = await bot.ctx.db.fetchone("SELECT grid FROM groups WHERE chat_id = ?", (chat_id,))
    return row[0] if row else None


async def test_grid_code_matches_whatever_its_letter_case(bot):
    await bot.say(LEADER, GROUP, "/bind gn-1-1")
    assert await _grid_of(bot) == "GN-1-1"
    assert "幸福小区网格" in bot.last(GROUP)["text"]


STRANGER_LEADER, STRANGER_WORKER = 9101, 9102
LEADS = Actor(1, 1, frozenset({"small_leader"}))
ABOVE = Actor(1, 1, frozenset(), frozenset({"admin"}))
WORKS = Actor(1, 1, frozenset({"worker"}))
NOBODY = Actor(1)


@pytest.mark.parametrize(
    "status, target, current, expected",
    [
        ("administrator", LEADS, None, None),
        ("creator", ABOVE, None, None),
        ("member", LEADS, None, "not_chat_admin"),
        (None, LEADS, None, "not_chat_admin"),
        ("administrator", WORKS, None, "not_binder"),
        ("administrator", NOBODY, None, "not_binder"),
        ("member", NOBODY, None, "not_binder"),
        ("administrator", LEADS, LEADS, None),
        ("administrator", LEADS, ABOVE, None),
        ("administrator", LEADS, NOBODY, "not_current_leader"),
        ("administrator", LEADS, WORKS, "not_current_leader"),
        ("creator", ABOVE, NOBODY, "not_current_leader"),
        ("member", LEADS, LEADS, "not_chat_admin"),
    ],
)
def test_may_bind(status, target, current, expected):
    assert may_bind(status, target, current) == expected


@pytest.fixture
async def two(tmp_path):
    """The demo roster plus a second community, GX, with its own leader and worker."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        ROSTER.read_text(encoding="utf-8").rstrip("\n") + "\n"
        "grid,GX,西城社区,,community,,,,\ngrid,GX-1,西一大网格,GX,big_grid,,,,\n"
        "grid,GX-1-1,西一小网格,GX-1,small_grid,,,,\n"
        f"person,p101,孙强,,,small_leader@GX-1-1,{STRANGER_LEADER},,zh\n"
        f"person,p102,钱多,,,worker@GX-1-1,{STRANGER_WORKER},,zh\n",
        encoding="utf-8",
    )
    h = await Harness(tmp_path).start(roster)
    yield h
    await h.stop()


async def test_leader_of_another_community_cannot_take_over_a_bound_group(two):
    bot = two
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    await bot.say(STRANGER_LEADER, GROUP, "/bind GX-1-1")
    assert "只有该网格或其上级的负责人才能改绑" in bot.last(GROUP)["text"]
    assert await _grid_of(bot) == "GN-1-1"
    await bot.say(RESIDENT, GROUP, "/complain 楼道堆满杂物")
    assert any("楼道堆满杂物" in m["text"] for m in bot.sent(WORKER))
    assert not any("楼道堆满杂物" in m["text"] for m in bot.sent(STRANGER_WORKER))


async def test_leader_who_is_a_plain_member_cannot_bind_a_strangers_group(two):
    bot = two
    bot.transport.member_status[(GROUP, STRANGER_LEADER)] = "member"
    await bot.say(STRANGER_LEADER, GROUP, "/bind GX-1-1")
    assert "只有本群的管理员" in bot.last(GROUP)["text"]
    assert await _grid_of(bot) is None
    checked = [p for n, p in bot.transport.calls if n == "getChatMember"]
    assert {"chat_id": GROUP, "user_id": STRANGER_LEADER} in [
        {"chat_id": int(p["chat_id"]), "user_id": int(p["user_id"])} for p in checked
    ]


async def test_rebind_by_a_leader_of_both_grids_is_recorded_and_admins_are_told(two):
    bot = two
    await bot.say(ADMIN, ADMIN, "/lang en")
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    told = bot.last(ADMIN)["text"]
    assert "bound to the grid <b>幸福小区网格</b>" in told and "王芳" in told
    await bot.say(ADMIN, GROUP, "/bind GN-1-2")
    assert await _grid_of(bot) == "GN-1-2"
    rows = await bot.ctx.db.fetchall("SELECT grid, previous_grid, by_user FROM group_bindings ORDER BY id")
    assert [tuple(r) for r in rows] == [("GN-1-1", None, LEADER), ("GN-1-2", "GN-1-1", ADMIN)]


async def test_rebind_in_another_community_tells_both_communities_admins(two):
    bot = two
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    sent_before = len(bot.sent(ADMIN))
    async with bot.ctx.db.write() as conn:  # a GX admin who also leads GN's grid: allowed to move it
        gx_admin = (await conn.execute_fetchall("SELECT id FROM people WHERE code = 'p003'"))[0][0]
        await conn.execute("INSERT INTO roles (person_id, grid, role) VALUES (?, 'GX', 'admin')", (gx_admin,))
    await bot.say(LEADER, GROUP, "/bind GX-1-1")
    assert await _grid_of(bot) == "GX-1-1"
    told = bot.sent(ADMIN)[sent_before:]
    assert told and "从网格 幸福小区网格 改绑到网格 <b>西一小网格</b>" in told[-1]["text"]


async def test_bind_warns_when_the_bot_cannot_delete_and_says_how_to_fix(bot):
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    text = bot.last(GROUP)["text"]
    assert "一直留在群里" in text and "私下提交" in text and "删除消息" in text
    assert f"tg://user?id={LEADER}" in text, "the binding leader is told how to fix it"
    assert bot.last(GROUP)["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/")


async def test_bind_checks_the_bots_own_rights_and_then_does_not_warn(bot):
    bot.transport.member_status[(GROUP, BOT_ID)] = "administrator"
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    assert "一直留在群里" not in bot.last(GROUP)["text"]
    row = await bot.ctx.db.fetchone("SELECT can_delete FROM groups WHERE chat_id = ?", (GROUP,))
    assert row[0] == 1
    update = await bot.say(RESIDENT, GROUP, "/complain 楼上漏水")
    deleted = [p for n, p in bot.transport.calls if n == "deleteMessage"]
    assert deleted and int(deleted[0]["message_id"]) == update["message"]["message_id"]


async def test_welcome_warns_when_the_bot_joins_without_delete_rights(bot):
    await bot.feed(
        {
            "my_chat_member": {
                "chat": bot.chat(GROUP),
                "from": bot.user(ADMIN),
                "date": 0,
                "old_chat_member": {
                    "status": "left",
                    "user": {"id": BOT_ID, "is_bot": True, "first_name": "G"},
                },
                "new_chat_member": {
                    "status": "member",
                    "user": {"id": BOT_ID, "is_bot": True, "first_name": "G"},
                },
            }
        }
    )
    text = bot.last(GROUP)["text"]
    assert "/bind" in text and "一直留在群里" in text and "私聊机器人" in text


async def test_english_group_gets_the_warning_in_english(bot):
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    await bot.say(LEADER, GROUP, "/lang en")
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    assert "stays visible to every member" in bot.last(GROUP)["text"]
