"""The command menus Telegram shows, by scope: residents in private chats, each bound staff member's
private chat, group members and group administrators — each in every locale (language_code)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from telegram import (BotCommand, BotCommandScope, BotCommandScopeAllChatAdministrators,
                      BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat,
                      BotCommandScopeDefault)
from telegram.ext import Application, ContextTypes

from bot import i18n, startup
from bot.store import bot_facts
from bot.store.people import People
from bot.store.db import Database

RESIDENT = ("new", "status", "my", "lang", "help")
STAFF = ("new", "queue", "status", "my", "lang", "help")
GROUP = ("wish", "complain", "help")
GROUP_ADMIN = ("wish", "complain", "bind", "lang", "help")
REFRESH_SECONDS = 3600  # a newly bound staff member gets the staff menu within the hour (or at /start)


def menu(locale: str, names: tuple[str, ...]) -> list[BotCommand]:
    """BotCommands with their descriptions in `locale`."""
    return [BotCommand(name, i18n.label(locale, f"cmd_{name}")) for name in names]


def scopes() -> list[tuple[str, BotCommandScope, tuple[str, ...]]]:
    """The fixed scopes: (name for the log, scope, commands)."""
    return [("default", BotCommandScopeDefault(), RESIDENT),
            ("private", BotCommandScopeAllPrivateChats(), RESIDENT),
            ("groups", BotCommandScopeAllGroupChats(), GROUP),
            ("group_admins", BotCommandScopeAllChatAdministrators(), GROUP_ADMIN)]


async def _set(app: Application, label: str, scope: BotCommandScope, names: tuple[str, ...]) -> None:
    for loc in i18n.LOCALES:
        code = None if loc == i18n.DEFAULT else loc

        async def call(loc: str = loc, code: str | None = code) -> None:
            await app.bot.set_my_commands(menu(loc, names), scope=scope, language_code=code)
        await startup.optional(app, f"setMyCommands[{label},{loc}]", call)


async def _staff_chats(db: Database) -> tuple[set[int], set[int]]:
    """Private chats of active bound staff, and of those who are no longer staff but had a menu."""
    staff = await People(db.reader).bound_staff_users()
    before = set(json.loads(await bot_facts.recall(db, "staff_menus") or "[]"))
    return staff, before - staff


async def set_staff_menus(app: Application, db: Database) -> None:
    """Give each bound staff member's private chat the staff menu; take it from those who left."""
    staff, gone = await _staff_chats(db)
    for chat in sorted(staff):
        await _set(app, f"staff:{chat}", BotCommandScopeChat(chat), STAFF)
    for chat in sorted(gone):
        await startup.optional(app, f"deleteMyCommands[staff:{chat}]",
                               lambda c=chat: app.bot.delete_my_commands(scope=BotCommandScopeChat(c)))
    await bot_facts.remember(db, "staff_menus", json.dumps(sorted(staff)), datetime.now(timezone.utc))


async def install(app: Application, db: Database) -> None:
    """Set every menu (failures are logged and retried later) and refresh staff menus hourly."""
    for label, scope, names in scopes():
        await _set(app, label, scope, names)
    await set_staff_menus(app, db)

    async def refresh(_: ContextTypes.DEFAULT_TYPE) -> None:
        await set_staff_menus(app, db)
    if app.job_queue is not None:
        app.job_queue.run_repeating(refresh, REFRESH_SECONDS, first=REFRESH_SECONDS, name="staff_menus")
