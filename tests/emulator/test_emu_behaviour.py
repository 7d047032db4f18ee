"""Telegram-like refusals and rules: 403s, 429s, not modified, limits, HTML, deletes, privacy, migrate."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from bot.emulator import Emulator, RateLimits

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])


# PTB itself warns about RetryAfter.retry_after becoming a timedelta in v23.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def retry_afters(emu: Emulator) -> list[int]:
    return [e["parameters"]["retry_after"] for e in emu.log if e["status"] == 429]


def started(emu: Emulator, **kwargs: object):
    user = emu.user(**kwargs)  # type: ignore[arg-type]
    emu.send(user, user, "/start")
    return user


async def test_forbidden_private_chats(emu: Emulator, tg) -> None:
    li = emu.user()
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await tg.send_message(li.id, "hi")
    emu.send(li, li, "/start")
    await tg.send_message(li.id, "hi")
    emu.block(li)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await tg.send_message(li.id, "hi")
    emu.send(li, li, "/start")  # restarting unblocks
    await tg.send_message(li.id, "welcome back")
    statuses = [
        u["my_chat_member"]["new_chat_member"]["status"] for u in emu.updates if "my_chat_member" in u
    ]
    assert statuses == ["kicked", "member"]


async def test_forbidden_groups(emu: Emulator, tg) -> None:
    li = emu.user()
    group = emu.group("G", members=[li])
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await tg.send_message(group.id, "hi")
    emu.add_bot(group, by=li)
    await tg.send_message(group.id, "hi")
    emu.remove_bot(group, by=li)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await tg.send_message(group.id, "hi")
    sg = emu.group("S", members=[li], supergroup=True)
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await tg.send_message(sg.id, "hi")


def frozen(emu: Emulator) -> Emulator:
    """Stop the flood-control clock: how fast this machine sends cannot change what is counted."""
    emu.limiter.clock = lambda: 1000.0
    return emu


async def test_rate_limit_overall_per_second(emu: Emulator, tg) -> None:
    frozen(emu)
    users = [started(emu) for _ in range(31)]
    results = await asyncio.gather(*(tg.send_message(u.id, "x") for u in users), return_exceptions=True)
    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert len(refused) == 1
    assert retry_afters(emu) == [1]
    assert emu.counters["too_many_requests"] == 1 and emu.counters["rate_limited"] == 1


async def test_rate_limit_per_group_per_minute_counts_edits(emu: Emulator, tg) -> None:
    frozen(emu)
    li = emu.user()
    group = emu.group("G", members=[li])
    emu.add_bot(group, by=li)
    first = await tg.send_message(group.id, "0")
    for n in range(1, 19):
        await tg.send_message(group.id, str(n))
    await tg.edit_message_text("edited", group.id, first.message_id)  # the 20th
    with pytest.raises(RetryAfter) as caught:
        await tg.send_message(group.id, "21st")
    assert "Flood control exceeded" in caught.value.message
    assert retry_afters(emu)[0] == 60
    other = emu.group("H", members=[li])
    emu.add_bot(other, by=li)
    await tg.send_message(other.id, "other group is fine")
    assert emu.log[-2]["status"] == 429


async def test_rate_limits_configurable(url: str, bot_factory) -> None:
    emu = Emulator(rate_limits=RateLimits(per_second=2, per_group_per_minute=3))
    off = Emulator(rate_limits=False)
    li, lo = started(frozen(emu)), started(off)
    assert off.rate_limits.enabled is False and off.limiter.check(li.id) is None
    emu.rate_limits.per_second = 2
    assert emu.limiter.check(li.id) is None and emu.limiter.check(li.id) is None
    assert emu.limiter.check(li.id) == 1
    emu.rate_limits.enabled = False
    assert emu.limiter.check(lo.id) is None


async def test_edit_not_modified_and_edit_rules(emu: Emulator, tg) -> None:
    li = started(emu)
    message = await tg.send_message(li.id, "<b>same</b>", parse_mode="HTML", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await tg.edit_message_text(
            "<b>same</b>", li.id, message.message_id, parse_mode="HTML", reply_markup=KEYBOARD
        )
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await tg.edit_message_reply_markup(li.id, message.message_id, reply_markup=KEYBOARD)
    await tg.edit_message_text("<b>same</b>", li.id, message.message_id, parse_mode="HTML")  # drops keyboard
    with pytest.raises(BadRequest, match="(?i)message can't be edited"):
        await tg.edit_message_text("x", li.id, 1)  # li's /start
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await tg.edit_message_text("x", li.id, 999)


async def test_double_callback_answer(emu: Emulator, tg) -> None:
    li = started(emu)
    message = await tg.send_message(li.id, "pick", reply_markup=KEYBOARD)
    query = emu.press(li, emu.last(li), "Go")
    await tg.answer_callback_query(query)
    with pytest.raises(
        BadRequest, match="(?i)query is too old and response timeout expired or query id is invalid"
    ):
        await tg.answer_callback_query(query)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await tg.answer_callback_query("12345")
    assert message.message_id == emu.last(li)["message_id"]


async def test_text_limits_and_button_data(emu: Emulator, tg) -> None:
    li = started(emu)
    await tg.send_message(li.id, "x" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await tg.send_message(li.id, "x" * 4097)
    await tg.send_message(li.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # length after parsing
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await tg.send_message(li.id, "   ")
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await tg.send_message(li.id, "<b></b>", parse_mode="HTML")
    too_big = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await tg.send_message(li.id, "x", reply_markup=too_big)
    assert emu.log[-1]["description"] == "Bad Request: BUTTON_DATA_INVALID"
    photo = emu.send_photo(li, li)["photo"][-1]["file_id"]
    await tg.send_photo(li.id, photo, caption="c" * 1024)
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await tg.send_photo(li.id, photo, caption="c" * 1025)


@pytest.mark.parametrize(
    "html", ["<b>open", "<b>x</i>", "a < b", "<div>x</div>", "</b>", "<span>x</span>", "<i><b>x</i></b>"]
)
async def test_bad_html_is_refused(emu: Emulator, tg, html: str) -> None:
    li = started(emu)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await tg.send_message(li.id, html, parse_mode="HTML")


async def test_good_html_tags_and_utf16_offsets(emu: Emulator, tg) -> None:
    li = started(emu)
    html = (
        "😀 <b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><a href="https://x.org/?a=1&amp;b=2">l</a><code>c</code>'
        '<pre><code class="language-py">p</code></pre><tg-spoiler>t</tg-spoiler>'
        '<span class="tg-spoiler">p</span><blockquote>q</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &quot;&amp;&#x41;'
    )
    message = await tg.send_message(li.id, html, parse_mode="HTML")
    assert message.text == '😀 bsieunskdlcptpq👍 "&A'
    types = [(e.type, e.offset) for e in message.entities]
    assert types[0] == ("bold", 3)  # the emoji is two UTF-16 code units
    assert ("pre", 14) in types and message.entities[11].language == "py"
    assert message.entities[9].url == "https://x.org/?a=1&b=2"
    assert emu.last(li)["raw_text"] == html


async def test_delete_rules(emu: Emulator, tg) -> None:
    li = emu.user()
    group = emu.group("G", members=[li])
    emu.add_bot(group, by=li)
    said = emu.send(li, group, "/wish lamp")
    with pytest.raises(BadRequest, match="(?i)message can't be deleted"):
        await tg.delete_message(group.id, said["message_id"])
    emu.promote_bot(group, can_delete_messages=False)
    with pytest.raises(BadRequest, match="(?i)message can't be deleted"):
        await tg.delete_message(group.id, said["message_id"])
    emu.promote_bot(group, can_delete_messages=True)
    assert await tg.delete_message(group.id, said["message_id"])
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await tg.delete_message(group.id, said["message_id"])
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await tg.delete_message(group.id, 999)
    own = await tg.send_message(group.id, "mine")
    emu.demote_bot(group)
    assert await tg.delete_message(group.id, own.message_id)


async def test_privacy_mode_filters_group_messages(emu: Emulator, tg) -> None:
    li, wu = emu.user(first_name="Li"), emu.user(first_name="Wu")
    group = emu.group("G", members=[li, wu])
    emu.send(li, group, "/help before the bot joined")
    emu.add_bot(group, by=li)
    emu.send(li, group, "just chatting")
    emu.send(li, group, "/wish a bench")
    emu.send(li, group, "/wish@grid_bot addressed")
    emu.send(li, group, "/wish@other_bot not for us")
    emu.send(li, group, "hey @grid_bot look")
    bot_message = await tg.send_message(group.id, "question?")
    emu.send(wu, group, "a reply to the bot", reply_to=emu.stored(group, bot_message.message_id).data)
    emu.send(wu, group, "a reply to Li", reply_to=emu.messages(group)[2])
    emu.leave(group, wu)
    texts = [u["message"].get("text", "service") for u in emu.updates if "message" in u]
    assert texts == [
        "service",
        "/wish a bench",
        "/wish@grid_bot addressed",
        "hey @grid_bot look",
        "a reply to the bot",
        "service",
    ]
    mention = next(u for u in emu.updates if u.get("message", {}).get("text") == "hey @grid_bot look")
    assert mention["message"]["entities"] == [{"type": "mention", "offset": 4, "length": 9}]
    emu.updates.clear()
    emu.promote_bot(group)
    emu.send(li, group, "admins see everything")
    assert emu.updates[-1]["message"]["text"] == "admins see everything"
    assert len(emu.messages(group, as_user=li)) == 12 and emu.messages(group, as_user=wu) == []


async def test_privacy_off_and_private_chats_see_everything() -> None:
    emu = Emulator(privacy=False)
    li = emu.user()
    group = emu.group("G", members=[li], with_bot=True)
    emu.send(li, group, "plain chat")
    emu.send(li, li, "hello")
    texts = [u["message"].get("text") for u in emu.updates if "message" in u]
    assert texts == [None, "plain chat", "hello"]
    assert "group_chat_created" in emu.updates[1]["message"]


async def test_migrate_to_supergroup(emu: Emulator, tg) -> None:
    li = emu.user()
    group = emu.group("G", members=[li])
    emu.add_bot(group, by=li)
    new = emu.migrate(group)
    assert new.id < -1_000_000_000_000 and new.type == "supergroup" and str(new.id).startswith("-100")
    with pytest.raises(ChatMigrated) as caught:
        await tg.send_message(group.id, "hi")
    assert caught.value.new_chat_id == new.id
    assert emu.log[-1]["description"] == "Bad Request: group chat was upgraded to a supergroup chat"
    await tg.send_message(new.id, "hi")
    updates = await tg.get_updates()
    migrations = [
        u.message
        for u in updates
        if u.message and (u.message.migrate_to_chat_id or u.message.migrate_from_chat_id)
    ]
    assert [(m.chat.id, m.migrate_to_chat_id, m.migrate_from_chat_id) for m in migrations] == [
        (group.id, new.id, None),
        (new.id, None, group.id),
    ]


async def test_get_updates_offset_limit_long_poll_allowed(emu: Emulator, tg) -> None:
    li = emu.user()
    for n in range(3):
        emu.send(li, li, f"m{n}")
    updates = await tg.get_updates(limit=2)
    assert [u.message.text for u in updates] == ["m0", "m1"]
    rest = await tg.get_updates(offset=updates[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["m2"] and rest[0].update_id == updates[-1].update_id + 1
    assert len(emu.updates) == 1  # m0 and m1 were confirmed
    started_at = time.monotonic()
    assert await tg.get_updates(offset=rest[0].update_id + 1, timeout=0.3) == ()
    assert time.monotonic() - started_at >= 0.25

    async def later() -> None:
        await asyncio.sleep(0.2)
        emu.send(li, li, "late")

    task = asyncio.create_task(later())
    started_at = time.monotonic()
    arrived = await tg.get_updates(timeout=30, read_timeout=40)
    # woken by the message, not by the end of its 30 s poll (20 s leaves a loaded machine room)
    assert [u.message.text for u in arrived] == ["late"] and time.monotonic() - started_at < 20
    await task
    emu.send(li, li, "/start")
    only = await tg.get_updates(offset=arrived[0].update_id + 1, allowed_updates=["callback_query"])
    assert only == ()
    everything = await tg.get_updates(allowed_updates=[])
    assert everything == ()  # the message was dropped while only callback queries were allowed
