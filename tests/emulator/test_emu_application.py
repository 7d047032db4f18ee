"""An unmodified PTB Application runs against the emulator via base_url."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import Emulator


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="answer:yes"),
                InlineKeyboardButton("No", callback_data="answer:no"),
            ]
        ]
    )
    await update.effective_message.reply_html("<b>Hello</b>, ready?", reply_markup=keyboard)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Noted")
    await query.edit_message_text(f"You said {query.data.split(':')[1]}")


async def test_application_start_and_callback(emu: Emulator, url: str) -> None:
    app = (
        ApplicationBuilder().token(emu.token).base_url(f"{url}/bot").base_file_url(f"{url}/file/bot").build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(answer))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        li = emu.user(first_name="Li")
        emu.send(li, li, "/start")
        hello = await emu.wait_for(li, contains="ready?")
        assert hello["raw_text"] == "<b>Hello</b>, ready?"
        assert hello["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
        query = emu.press(li, hello, "Yes")
        edited = await emu.wait_for(li, contains="You said yes")
        assert edited["message_id"] == hello["message_id"] and "reply_markup" not in edited
        assert await emu.wait_until(lambda: emu.callback_answer(query)) == {
            "text": "Noted",
            "show_alert": False,
            "url": None,
            "cache_time": 0,
        }
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert emu.calls["getMe"] >= 1 and emu.calls["deleteWebhook"] == 1
