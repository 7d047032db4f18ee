"""The command menus Telegram shows, by scope: residents in private chats, each bound staff member's
private chat, group members and group administrators — each in every locale (language_code)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.ext import Application, ContextTypes

from bot import i18n, startup
from bot.store import bot_facts
from bot.store.people import People
from bot.store.db import Database

RESIDENT = ("new", "status", "my", "phone", "lang", "help")
STAFF = ("new", "queue", "log", "stats", "status", "my", "lang", "help")
GROUP = ("wish", "complain", "help")
GROUP_ADMIN = ("wish", "complain", "bind", "lang", "help")
REFRESH_SECONDS = 3600  # a newly bound staff member gets the staff menu within the hour (or at /start)


def menu(locale: str, names: tuple[str, ...]) -> list[BotCommand]:
    """BotCommands with their descriptions in `locale`."""
    return [BotCommand(name, i18n.label(locale, f"cmd_{name}")) for name in names]


def scopes() -> list[tuple[str, BotCommandScope, tuple[str, ...]]]:
    """The fixed scopes: (name for the log, scope, commands)."""
    return [
        ("default", BotCommandScopeDefault(), RESIDENT),
        ("private", BotCommandScopeAllPrivateChats(), RESIDENT),
        ("groups", BotCommandScopeAllGroupChats(), GROUP),
        ("group_admins", BotCommandScopeAllChatAdministrators(), GROUP_ADMIN),
    ]


async def _set(app: Application, label: str, scope: BotCommandScope, names: tuple[str, ...]) -> None:
    for loc in i18n.LOCALES:
        code = None if loc == i18n.DEFAULT else loc

        async def call(loc: str = loc, code: str | None = code) -> None:
            await app.bot.set_my_commands(menu(loc, names), scope=scope, language_code=code)

        await startup.optional(app, f"setMyCommands[{label},{loc}]", call)


def staff_menu(work_log: bool) -> tuple[str, ...]:
    """The staff commands; /log only while the work log is switched on."""
    return STAFF if work_log else tuple(c for c in STAFF if c != "log")


def _menu_key(names: tuple[str, ...]) -> str:
    """Changes when the staff menu or its texts change, so every staff chat is set again."""
    return "|".join(f"{c.command}={c.description}" for loc in i18n.LOCALES for c in menu(loc, names))


async def set_staff_menus(app: Application, db: Database) -> None:
    """Give each newly bound staff member's private chat the staff menu; take it from those who left.

    Chats already given this very menu are skipped, so a restart costs no calls for them."""
    names = staff_menu(app.bot_data["config"].assessment.work_log.enabled)
    staff = await People(db.reader).bound_staff_users()
    before = json.loads(await bot_facts.recall(db, "staff_menus") or "{}")
    done = set(before.get("chats", [])) if before.get("menu") == _menu_key(names) else set()
    for chat in sorted(staff - done):
        await _set(app, f"staff:{chat}", BotCommandScopeChat(chat), names)
    for chat in sorted(set(before.get("chats", [])) - staff):
        await startup.optional(
            app,
            f"deleteMyCommands[staff:{chat}]",
            lambda c=chat: app.bot.delete_my_commands(scope=BotCommandScopeChat(c)),
        )
    await bot_facts.remember(
        db,
        "staff_menus",
        json.dumps({"menu": _menu_key(names), "chats": sorted(staff)}),
        datetime.now(timezone.utc),
    )


async def install(app: Application, db: Database) -> None:
    """Set the menus for everyone (failures are logged and retried later); staff menus are set in
    the background right after start and then refreshed hourly (start-up does not wait for them)."""
    for label, scope, names in scopes():
        await _set(app, label, scope, names)

    async def refresh(_: ContextTypes.DEFAULT_TYPE) -> None:
        await set_staff_menus(app, db)

    if app.job_queue is not None:
        app.job_queue.run_repeating(refresh, REFRESH_SECONDS, first=1, name="staff_menus")
