"""The baseline bot: bare python-telegram-bot that answers every text message with its text.

`python bench/echo_bot.py --token T --base-url http://127.0.0.1:PORT/bot`. Same library, and
updates handled concurrently like the real bot (`concurrent_updates(32)`, as `bot.app.build`).
"""

from __future__ import annotations

import argparse
import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    msg = update.effective_message
    await context.bot.send_message(msg.chat_id, msg.text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="echo_bot")
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8081/bot")
    args = parser.parse_args(argv)
    app = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(args.base_url)
        .base_file_url(args.base_url.replace("/bot", "/file/bot"))
        .concurrent_updates(32)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, drop_pending_updates=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
