"""Where the emulator's Bot API must answer as Telegram does, so a bot's bug cannot hide."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.emulator import Emulator, EmulatorClient

RESERVED_DOT = "Can't parse entities: character '.' is reserved and must be escaped with the preceding '\\'"


def started(emu: Emulator):
    user = emu.user()
    emu.send(user, user, "/start")
    return user


async def test_markdown_v2_entities_are_parsed(emu: Emulator, tg) -> None:
    li = started(emu)
    sent = await tg.send_message(
        li.id,
        "*粗体* _斜体_ __下划线__ ~删除~ ||剧透|| `code` [链接](https://example.org) 1\\.0 \\(ok\\)",
        parse_mode=ParseMode.MARKDOWN_V2,
    )
    assert sent.text == "粗体 斜体 下划线 删除 剧透 code 链接 1.0 (ok)"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("italic", 3, 2),
        ("underline", 6, 3),
        ("strikethrough", 10, 2),
        ("spoiler", 13, 2),
        ("code", 16, 4),
        ("text_link", 21, 2),
    ]
    assert sent.entities[-1].url == "https://example.org"


@pytest.mark.parametrize(
    "text, error",
    [
        ("Version 1.0", "character '.' is reserved and must be escaped with the preceding '\\'"),
        ("see (this)", "character '(' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "character '-' is reserved and must be escaped with the preceding '\\'"),
        ("🏟 🏟_abacaba", "can't find end of italic entity at byte offset 9"),
        ("*bold never closed", "can't find end of bold entity at byte offset 0"),
        ("x `code", "can't find end of code entity at byte offset 2"),
        ("[site](https://example.org", "can't find end of a url at byte offset 7"),
    ],
)
async def test_markdown_v2_rejects_what_telegram_rejects(emu: Emulator, tg, text: str, error: str) -> None:
    li = started(emu)
    with pytest.raises(BadRequest) as caught:
        await tg.send_message(li.id, text, parse_mode=ParseMode.MARKDOWN_V2)
    assert caught.value.message.lower() == f"can't parse entities: {error}"
    assert emu.calls_to("sendMessage")[-1]["description"].startswith("Bad Request: can't parse entities: ")
    assert [m["text"] for m in emu.inbox(li)] == ["/start"]


async def test_markdown_v2_in_captions_and_edits(emu: Emulator, tg) -> None:
    li = started(emu)
    message = await tg.send_message(li.id, "plain")
    with pytest.raises(BadRequest, match="(?i)character '!' is reserved"):
        await tg.edit_message_text("done!", li.id, message.message_id, parse_mode=ParseMode.MARKDOWN_V2)
    photo = emu.send_photo(li, li)["photo"][-1]["file_id"]
    with pytest.raises(BadRequest, match="(?i)character '.' is reserved"):
        await tg.send_photo(li.id, photo, caption="1.5 m", parse_mode=ParseMode.MARKDOWN_V2)


async def test_legacy_markdown(emu: Emulator, tg) -> None:
    li = started(emu)
    sent = await tg.send_message(
        li.id,
        "*bold* _it_ `x` [l](https://example.org) 1.0 (ok)! snake\\_case",
        parse_mode=ParseMode.MARKDOWN,
    )
    assert sent.text == "bold it x l 1.0 (ok)! snake_case"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 4),
        ("italic", 5, 2),
        ("code", 8, 1),
        ("text_link", 10, 1),
    ]
    with pytest.raises(BadRequest) as caught:
        await tg.send_message(li.id, "price 5 * 3", parse_mode=ParseMode.MARKDOWN)
    assert (
        caught.value.message.lower()
        == "can't parse entities: can't find end of the entity starting at byte offset 8"
    )


async def test_delete_after_the_bot_was_removed_from_the_group(emu: Emulator, tg) -> None:
    li = emu.user()
    group = emu.group("G", members=[li])
    emu.add_bot(group, by=li)
    own = await tg.send_message(group.id, "notice")
    theirs = emu.send(li, group, "/complain 3号楼漏水")
    emu.remove_bot(group, by=li)
    for message_id in (own.message_id, theirs["message_id"]):
        with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
            await tg.delete_message(group.id, message_id)
    assert [m["message_id"] for m in emu.messages(group)][-3:-1] == [own.message_id, theirs["message_id"]]
    supergroup = emu.group("S", members=[li], supergroup=True, with_bot=True)
    sent = await tg.send_message(supergroup.id, "hi")
    emu.remove_bot(supergroup, by=li)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await tg.delete_message(supergroup.id, sent.message_id)


async def test_photo_sent_again_by_file_id_is_the_same_file(emu: Emulator, url: str, tg) -> None:
    li = started(emu)
    user_photo = emu.send_photo(li, li, caption="lamp")["photo"]
    again = await tg.send_photo(li.id, user_photo[-1].get("file_id"))
    assert [(p.file_id, p.file_unique_id) for p in again.photo] == [
        (p["file_id"], p["file_unique_id"]) for p in user_photo
    ]
    third = await tg.send_photo(li.id, again.photo[-1].file_id)
    assert third.photo[-1].file_unique_id == user_photo[-1]["file_unique_id"]
    files_before = len(emu.files)
    await tg.send_photo(li.id, user_photo[0]["file_id"])
    assert len(emu.files) == files_before  # no new file is made
    async with aiohttp.ClientSession() as session:  # the web page shows it as an image
        async with session.get(f"{url}/_emu/files/{user_photo[-1]['file_id']}") as response:
            assert response.status == 200 and response.content_type == "image/jpeg"
            assert await response.read() == emu.files[user_photo[-1]["file_id"]].data
        async with session.get(f"{url}/_emu/files/nope") as response:
            assert response.status == 404


@pytest.mark.parametrize("name", ["投诉", "Status", "my-cmd", "a" * 33, "", "help me"])
async def test_set_my_commands_rejects_names_outside_a_z_0_9_underscore(emu: Emulator, tg, name: str) -> None:
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await tg.set_my_commands([BotCommand("start", "开始"), BotCommand(name, "说明")])
    assert await tg.get_my_commands() == ()


async def test_set_my_commands_accepts_valid_names(emu: Emulator, tg) -> None:
    names = ["start", "my_status2", "a", "b" * 32]
    assert await tg.set_my_commands([BotCommand(n, "说明") for n in names]) is True
    assert [c.command for c in await tg.get_my_commands()] == names


async def test_late_callback_answer_fails_as_too_old(emu: Emulator, url: str, tg) -> None:
    li = started(emu)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    message = await tg.send_message(li.id, "press", reply_markup=markup)
    view = emu.inbox(li)[-1]
    in_time = emu.press(li, view, "OK")
    emu.advance(14)
    assert await tg.answer_callback_query(in_time, text="收到") is True
    late = emu.press(li, view, "OK")
    async with EmulatorClient(url) as client:
        await client.advance(15.5)  # the clock moves; the test does not sleep
    with pytest.raises(
        BadRequest, match="(?i)query is too old and response timeout expired or query id is invalid"
    ):
        await tg.answer_callback_query(late, text="太晚了")
    assert emu.callback_answer(late) is None and emu.callback_answer(in_time)["text"] == "收到"
    assert message.message_id == view["message_id"]
