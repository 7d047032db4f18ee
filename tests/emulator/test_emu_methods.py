"""Every Bot API method answers in shapes python-telegram-bot's classes parse."""

from __future__ import annotations

import json

import aiohttp
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    File,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MenuButtonCommands,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from bot.emulator import Emulator

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Go", callback_data="go"),
            InlineKeyboardButton("Site", url="https://example.org"),
        ]
    ]
)


def started(emu: Emulator, **kwargs: object):
    user = emu.user(**kwargs)  # type: ignore[arg-type]
    emu.send(user, user, "/start")
    return user


async def test_get_me_and_no_op_methods(emu: Emulator, tg) -> None:
    me = await tg.get_me()
    assert isinstance(me, User) and me.is_bot and me.username == "grid_bot" and me.id == 123
    assert me.can_join_groups and me.can_read_all_group_messages is False
    assert await tg.delete_webhook() is True
    assert await tg.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    li = started(emu)
    assert await tg.send_chat_action(li.id, ChatAction.TYPING) is True
    assert await tg.close() is True and await tg.log_out() is True


async def test_send_message_full_options(emu: Emulator, tg) -> None:
    li = started(emu, first_name="Li")
    first = await tg.send_message(
        li.id,
        "<b>a &lt; b</b> &#128512; <i>x</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert isinstance(first, Message) and first.text == "a < b 😀 x"
    assert first.from_user.id == 123 and first.chat.id == li.id
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bold", 0, 5), ("italic", 9, 1)]
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "go"
    assert first.link_preview_options.is_disabled
    second = await tg.send_message(
        li.id,
        "why?",
        reply_markup=ForceReply(input_field_placeholder="because"),
        reply_parameters=ReplyParameters(first.message_id),
    )
    assert (
        second.message_id == first.message_id + 1 and second.reply_to_message.message_id == first.message_id
    )
    third = await tg.send_message(li.id, "old style", reply_to_message_id=second.message_id)
    assert third.reply_to_message.text == "why?"
    views = emu.inbox(li)
    assert (
        views[1]["raw_text"] == "<b>a &lt; b</b> &#128512; <i>x</i>"
        and views[1]["plain_text"] == "a < b 😀 x"
    )
    assert views[1]["disable_notification"] is True
    assert views[2]["force_reply"] == {"force_reply": True, "input_field_placeholder": "because"}
    assert "reply_markup" not in views[2]
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await tg.send_message(li.id, "x", reply_parameters=ReplyParameters(999))
    sent = await tg.send_message(
        li.id, "x", reply_parameters=ReplyParameters(999, allow_sending_without_reply=True)
    )
    assert sent.reply_to_message is None


async def test_edits_and_callback_answer(emu: Emulator, tg) -> None:
    li = started(emu)
    message = await tg.send_message(li.id, "pick", reply_markup=KEYBOARD)
    edited = await tg.edit_message_text("picked", li.id, message.message_id, reply_markup=KEYBOARD)
    assert isinstance(edited, Message) and edited.text == "picked" and edited.edit_date is not None
    bare = await tg.edit_message_reply_markup(li.id, message.message_id, reply_markup=None)
    assert isinstance(bare, Message) and bare.reply_markup is None
    again = await tg.edit_message_reply_markup(li.id, message.message_id, reply_markup=KEYBOARD)
    query_id = emu.press(li, emu.stored(li, message.message_id).data, "Go")
    assert again.reply_markup == KEYBOARD
    assert await tg.answer_callback_query(query_id, text="ok", show_alert=True) is True
    assert emu.callback_answer(query_id)["show_alert"] is True
    assert emu.last(li)["text"] == "picked"


async def test_photo_upload_file_id_get_file_and_download(emu: Emulator, tg) -> None:
    li = started(emu)
    user_photo = emu.send_photo(li, li, caption="broken lamp")
    photo_bytes = emu.files[user_photo["photo"][-1]["file_id"]].data
    uploaded = await tg.send_photo(
        li.id, InputFile(photo_bytes, filename="p.jpg"), caption="<b>got</b> it", parse_mode="HTML"
    )
    assert isinstance(uploaded, Message) and uploaded.caption == "got it"
    assert uploaded.caption_entities[0].type == "bold" and uploaded.photo[-1].width == 320
    by_id = await tg.send_photo(li.id, user_photo["photo"][-1]["file_id"])
    assert by_id.photo[-1].file_size == len(photo_bytes)
    remote = await tg.send_photo(li.id, "https://example.org/cat.jpg")
    assert remote.photo
    file = await tg.get_file(uploaded.photo[-1].file_id)
    assert isinstance(file, File) and file.file_path.startswith("http")
    assert bytes(await file.download_as_bytearray()) == photo_bytes
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await tg.send_photo(li.id, "nonsense")
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await tg.get_file("nonsense")


async def test_delete_message_and_commands(emu: Emulator, tg) -> None:
    li = started(emu)
    message = await tg.send_message(li.id, "bye")
    assert await tg.delete_message(li.id, message.message_id) is True
    assert [m["text"] for m in emu.inbox(li)] == ["/start"]
    commands = [BotCommand("start", "Start"), BotCommand("wish", "Make a wish")]
    assert await tg.set_my_commands(commands) is True
    assert await tg.set_my_commands([BotCommand("start", "开始")], language_code="zh") is True
    assert await tg.set_my_commands(commands[:1], scope=BotCommandScopeChat(li.id)) is True
    assert tuple(await tg.get_my_commands()) == tuple(commands)
    assert (await tg.get_my_commands(language_code="zh"))[0].description == "开始"
    assert len(await tg.get_my_commands(scope=BotCommandScopeChat(li.id))) == 1
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await tg.set_my_commands([BotCommand("Bad Command", "x")])


async def test_get_chat_and_chat_member(emu: Emulator, tg) -> None:
    li, wu, zoe = (
        emu.user(first_name="Li", username="li"),
        emu.user(first_name="Wu"),
        emu.user(first_name="Zoe"),
    )
    group = emu.group("Block 7", members=[li, wu])
    emu.add_bot(group, by=li)
    private = await tg.get_chat(li.id)
    assert isinstance(private, ChatFullInfo) and private.type == "private" and private.username == "li"
    info = await tg.get_chat(group.id)
    assert info.title == "Block 7" and info.type == "group"
    assert isinstance(await tg.get_chat_member(group.id, li.id), ChatMemberOwner)
    assert isinstance(await tg.get_chat_member(group.id, wu.id), ChatMemberMember)
    assert isinstance(await tg.get_chat_member(group.id, zoe.id), ChatMemberLeft)
    assert isinstance(await tg.get_chat_member(group.id, 123), ChatMemberMember)
    emu.promote_bot(group, can_delete_messages=True)
    admin = await tg.get_chat_member(group.id, 123)
    assert isinstance(admin, ChatMemberAdministrator) and admin.can_delete_messages
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await tg.get_chat(-42)


async def test_get_updates_parse_as_ptb_updates(emu: Emulator, tg) -> None:
    li = emu.user(first_name="Li")
    group = emu.group("G", members=[li])
    emu.add_bot(group, by=li)
    emu.send(li, li, "/start hello")
    emu.send_location(li, li, 31.2, 121.5)
    emu.send_photo(li, li, caption="pic")
    question = await tg.send_message(li.id, "q", reply_markup=KEYBOARD)
    emu.edit(li, emu.inbox(li)[0], "/start edited")
    emu.press(li, emu.stored(li, question.message_id).data, "go")
    updates = await tg.get_updates()
    assert all(isinstance(u, Update) for u in updates)
    kinds = [next(k for k in u.to_dict() if k != "update_id") for u in updates]
    assert kinds == [
        "my_chat_member",
        "message",
        "message",
        "message",
        "message",
        "edited_message",
        "callback_query",
    ]
    assert updates[0].my_chat_member.new_chat_member.status == "member"
    assert updates[1].message.new_chat_members[0].id == 123
    assert updates[2].message.text == "/start hello" and updates[2].message.entities[0].type == "bot_command"
    assert updates[3].message.location.latitude == pytest.approx(31.2)
    assert updates[4].message.photo[-1].file_id in emu.files
    assert updates[6].callback_query.data == "go" and updates[6].callback_query.message.text == "q"


async def test_raw_http_encodings_and_errors(emu: Emulator, url: str) -> None:
    li = started(emu)
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with aiohttp.ClientSession() as session:
        base = f"{url}/bot{emu.token}"
        async with session.post(
            f"{base}/sendMessage", json={"chat_id": li.id, "text": "json", "reply_markup": markup}
        ) as r:
            body = await r.json()
            assert r.status == 200 and Message.de_json(body["result"], None).reply_markup
        async with session.post(
            f"{base}/sendMessage",
            data={"chat_id": str(li.id), "text": "form", "reply_markup": json.dumps(markup)},
        ) as r:
            assert Message.de_json((await r.json())["result"], None).text == "form"
        form = aiohttp.FormData()
        form.add_field("chat_id", str(li.id))
        form.add_field("text", "multipart")
        async with session.post(f"{base}/SENDMESSAGE", data=form) as r:
            assert (await r.json())["result"]["text"] == "multipart"
        async with session.get(f"{base}/getMe") as r:
            assert User.de_json((await r.json())["result"], None).username == "grid_bot"
        async with session.post(f"{base}/noSuchMethod") as r:
            assert r.status == 404 and await r.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with session.post(f"{url}/bot999:WRONG/getMe") as r:
            assert r.status == 401 and (await r.json())["description"] == "Unauthorized"
    assert emu.calls["sendMessage"] == 3
    assert [e["status"] for e in emu.log[-2:]] == [404, 200] or emu.log[-1]["method"] == "noSuchMethod"
