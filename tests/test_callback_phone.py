"""A resident's own phone number for the call-back review: /phone or their shared contact, privately;
it reaches only the big-grid leader's call-back message, the privacy export holds it, erasure drops it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import privacy
from bot.services.callback_week import weekly_callbacks
from bot.store import privacy as store_privacy
from tests.test_callbacks import G1, LEADER, MONDAY, RESIDENT, _done_tickets, _reviews

SH = ZoneInfo("Asia/Shanghai")
OWN = "139 1234 5678"


def _contact(bot, uid: int, owner: int, number: str) -> dict:
    return {
        "message": {
            "message_id": 77,
            "date": 0,
            "chat": bot.chat(uid),
            "from": bot.user(uid),
            "contact": {"phone_number": number, "first_name": "R", "user_id": owner},
        }
    }


async def test_phone_given_by_the_resident_reaches_only_the_call_back(bot):
    await bot.say(RESIDENT, RESIDENT, f"/phone {OWN}")
    kept = bot.last(RESIDENT)["text"]
    assert f"已记下电话：{OWN}" in kept and "只发给网格长本人" in kept
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    assert all(f"☎️ {OWN}" in m["text"] for m in _reviews(bot))  # the resident's own number first
    for chat in (G1, LEADER):
        assert not [m for m in bot.sent(chat) if OWN in str(m)]


async def test_phone_alone_shows_it_and_delete_forgets_it(bot):
    await bot.say(RESIDENT, RESIDENT, "/phone")
    assert "您还没有留电话" in bot.last(RESIDENT)["text"]
    await bot.say(RESIDENT, RESIDENT, "/phone １３９１２３４５６７８")
    await bot.say(RESIDENT, RESIDENT, "/phone")
    assert "您留的电话：13912345678" in bot.last(RESIDENT)["text"]
    await bot.say(RESIDENT, RESIDENT, "/phone 删除")
    assert "已删除您留的电话" in bot.last(RESIDENT)["text"]
    row = await bot.ctx.db.fetchone("SELECT phone FROM users WHERE tg_user_id = ?", (RESIDENT,))
    assert row[0] is None


async def test_a_bad_number_is_refused_politely_and_nothing_is_kept(bot):
    await bot.say(RESIDENT, RESIDENT, "/phone 请打我电话")
    assert "这不像电话号码" in bot.last(RESIDENT)["text"]
    row = await bot.ctx.db.fetchone("SELECT phone FROM users WHERE tg_user_id = ?", (RESIDENT,))
    assert row is None or row[0] is None


async def test_a_shared_contact_is_kept_only_when_it_is_their_own(bot):
    await bot.feed(_contact(bot, RESIDENT, 4242, "+8613700001111"))
    assert "请分享您自己的联系方式" in bot.last(RESIDENT)["text"]
    await bot.feed(_contact(bot, RESIDENT, RESIDENT, "+8613700001111"))
    assert "已记下电话：+8613700001111" in bot.last(RESIDENT)["text"]


async def test_phone_in_the_privacy_export_and_gone_after_erasure(bot):
    await bot.say(RESIDENT, RESIDENT, f"/phone {OWN}")
    exported = await store_privacy.export(bot.ctx.db, RESIDENT)
    assert OWN in str(exported)
    await privacy.erase(bot.ctx, RESIDENT, datetime.now(SH))
    row = await bot.ctx.db.fetchone("SELECT COUNT(*) FROM users WHERE phone IS NOT NULL")
    assert row[0] == 0
