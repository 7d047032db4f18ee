"""`python -m bot roster import FILE [--config FILE]`: load the grid tree and its people."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone

from bot import config as config_mod
from bot.cli import lang
from bot.domain.cells import delimited_row
from bot.domain.roster import RosterInvalid, load_roster
from bot.services.context import Ctx
from bot.services.roster import apply
from bot.store import bot_facts
from bot.store.db import Database


async def _import(cfg: config_mod.Config, path: str) -> int:
    roster = load_roster(path)
    db = await Database(cfg.database).open()
    try:
        s = await apply(db, roster, datetime.now(timezone.utc), Ctx(db, cfg))
        user = await bot_facts.username(db, cfg.bot_username)
    finally:
        await db.close()
    print(lang.say("roster_summary", grids_added=s.grids_added, grids_updated=s.grids_updated,
                   people_added=s.people_added, people_updated=s.people_updated,
                   people_deactivated=s.people_deactivated, tickets_handed_over=s.tickets_handed_over))
    if s.invites:
        if not user:
            print("\n" + lang.say("no_username"))
            return 0
        print("\n" + lang.say("roster_invites"))
        for code, name, invite in s.invites:
            print("  " + delimited_row([code, name, f"https://t.me/{user}?start=inv_{invite}"]))
    return 0


def main(argv: list[str]) -> int:
    """Validate the whole file first; apply it in one transaction or report every bad row."""
    parser = argparse.ArgumentParser(prog="python -m bot roster")
    parser.add_argument("action", choices=["import"])
    parser.add_argument("file")
    parser.add_argument("--config", default=None, help="TOML configuration file (for the database path)")
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(args.config, need_token=False)
        return asyncio.run(_import(cfg, args.file))
    except config_mod.ConfigError as exc:
        print(lang.config_error(exc), file=sys.stderr)
    except RosterInvalid as exc:
        print(lang.say("roster_invalid", file=args.file), file=sys.stderr)
        for err in exc.errors:
            message = err.message_zh if lang.current() == "zh" else err.message
            print(lang.say("roster_line", line=err.line, message=message), file=sys.stderr)
    return 2
