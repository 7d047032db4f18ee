"""A group's 20 messages a minute: a ticket costs its group the card and one edit per step, with the
resident's group notice folded into that edit (`bot.domain.notices.fold_into_cards`)."""

from __future__ import annotations

from bot.domain.notices import Notice, fold_into_cards
from tests.test_story import GROUP, RESIDENT, WORKER, _bound


async def test_submit_and_accept_cost_the_group_two_messages(bot):
    await _bound(bot)
    before = len(bot.sent(GROUP))
    await bot.say(RESIDENT, GROUP, "/wish 帮老人买菜")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), "t:1:acc"))
    group = bot.sent(GROUP)[before:]
    assert [m["method"] for m in group] == ["sendMessage", "editMessageText"], group  # the card, one edit
    edited = group[-1]["text"]
    assert "#1" in edited and "赵强" in edited and "预计" in edited  # the resident is told who and by when


async def test_close_asks_the_resident_on_the_card_itself(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/wish 帮老人买菜")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), "t:1:acc"))
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    before = len(bot.sent(GROUP))
    await bot.say(WORKER, WORKER, "已联系保洁清运完毕")
    group = bot.sent(GROUP)[before:]
    assert [m["method"] for m in group] == ["editMessageText"]
    assert "仅提交人" in group[0]["text"] and bot.button(group[0], "t:1:yes")


def _card(ticket: int = 1, chat: int = -5, buttons=None) -> Notice:
    return Notice(chat, "📋 #1 card\n", buttons, op="card", ticket_id=ticket)


def test_a_group_notice_joins_its_cards_text_and_buttons():
    notices = [
        _card(buttons=[[("Claim", "t:1:clm")]]),
        Notice(7, "private", ticket_id=1),
        Notice(-5, "👍 told", [[("Yes", "t:1:yes")]], ticket_id=1, quiet=True),
    ]
    folded = fold_into_cards(notices)
    assert [n.chat_id for n in folded] == [-5, 7]
    assert folded[0].op == "card" and folded[0].text == "📋 #1 card\n\n👍 told"
    assert folded[0].buttons == [[("Claim", "t:1:clm")], [("Yes", "t:1:yes")]]
    assert notices[0].text == "📋 #1 card\n", "the notices given are not changed"


def test_what_cannot_join_a_card_stays_a_message_of_its_own():
    prompt = Notice(-5, "reply here", ticket_id=1, force_reply=True, prompt={"user_id": 1, "purpose": "x"})
    other_ticket = Notice(-5, "about #2", ticket_id=2)
    other_chat = Notice(-6, "elsewhere", ticket_id=1)
    too_long = Notice(-5, "x" * 4090, ticket_id=1)
    before_card = Notice(-5, "first", ticket_id=1)
    notices = [before_card, _card(), prompt, other_ticket, other_chat, too_long]
    assert fold_into_cards(notices) == notices


async def _closed_on_card(bot) -> int:
    """A complaint submitted, accepted and closed; returns the card's message id."""
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾三天没人清运")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), "t:1:acc"))
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "已联系保洁清运完毕")
    return int(bot.last(GROUP)["message_id"])


async def test_answers_pressed_on_the_card_keep_the_card(bot):
    card = await _closed_on_card(bot)
    await bot.press(RESIDENT, GROUP, card, "t:1:yes")
    confirmed = bot.last(GROUP)
    assert int(confirmed["message_id"]) == card and confirmed["text"].startswith("📋 <b>#1")
    assert "已办结" in confirmed["text"] and bot.button(confirmed, "t:1:r:5")
    await bot.press(RESIDENT, GROUP, card, "t:1:r:5")
    rated = bot.last(GROUP)
    assert int(rated["message_id"]) == card and rated["text"].startswith("📋 <b>#1")
    assert "5 星" in rated["text"] and not (rated.get("reply_markup") or {}).get("inline_keyboard")


async def test_not_resolved_pressed_on_the_card_keeps_the_card(bot):
    card = await _closed_on_card(bot)
    await bot.press(RESIDENT, GROUP, card, "t:1:no")
    reopened = bot.last(GROUP)
    assert int(reopened["message_id"]) == card and reopened["text"].startswith("📋 <b>#1")
    assert "办理中" in reopened["text"] and "已重新打开" in reopened["text"]
