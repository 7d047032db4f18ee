"""`python -m bot roster import FILE [--config FILE] [--dry-run] [--yes]`: load the grid tree and its
people; --dry-run shows what would change; deactivating more than roster.max_deactivate_share of
the active people needs --yes."""

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
from bot.services.roster import ImportSummary, TooManyDeactivated, apply
from bot.store import bot_facts
from bot.store.db import Database


def _row(prefix: str, *cells: str) -> str:
    return f"{lang.say(prefix)} " + delimited_row(list(cells))


def _preview(s: ImportSummary) -> None:
    d = s.changes
    print(lang.say("roster_dry_header"))
    lines = [_row("roster_dry_grid_added", c, n) for c, n in d.grids_added]
    lines += [_row("roster_dry_grid_changed", c, n) for c, n in d.grids_changed]
    lines += [_row("roster_dry_added", c, n, roles) for c, n, roles in d.added]
    lines += [
        _row("roster_dry_changed", c, n, ", ".join(lang.say(f"field_{f}") for f in fields))
        for c, n, fields in d.changed
    ]
    lines += [_row("roster_dry_deactivated", c, n) for c, n in d.deactivated]
    lines += [lang.say("roster_dry_moves", name=a, count=n, to=b) for a, n, b in s.moves]
    print("\n".join(lines) or lang.say("roster_dry_nothing"))


def _share(s: ImportSummary, limit: float) -> dict[str, object]:
    return {
        "count": s.people_deactivated,
        "total": s.changes.active_before,
        "share": round(100 * s.changes.deactivated_share()),
        "limit": round(100 * limit),
    }


def _print_summary(s: ImportSummary, user: str) -> None:
    print(
        lang.say(
            "roster_summary",
            grids_added=s.grids_added,
            grids_updated=s.grids_updated,
            people_added=s.people_added,
            people_updated=s.people_updated,
            people_deactivated=s.people_deactivated,
            tickets_handed_over=s.tickets_handed_over,
        )
    )
    if not s.invites:
        return
    if not user:
        print("\n" + lang.say("no_username"))
        return
    print("\n" + lang.say("roster_invites"))
    for code, name, invite in s.invites:
        print("  " + delimited_row([code, name, f"https://t.me/{user}?start=inv_{invite}"]))


async def _import(cfg: config_mod.Config, path: str, dry_run: bool, force: bool) -> int:
    roster = load_roster(path)
    db = await Database(cfg.database).open()
    limit = cfg.max_deactivate_share
    try:
        s = await apply(
            db,
            roster,
            datetime.now(timezone.utc),
            Ctx(db, cfg),
            dry_run=dry_run,
            max_share=None if (force or dry_run) else limit,
        )
        user = await bot_facts.username(db, cfg.bot_username)
    except TooManyDeactivated as exc:
        print(lang.say("roster_too_many", **_share(exc.summary, limit)), file=sys.stderr)
        return 3
    finally:
        await db.close()
    if dry_run:
        _preview(s)
        if s.changes.deactivated_share() > limit:
            print(lang.say("roster_needs_yes", **_share(s, limit)))
        return 0
    _print_summary(s, user)
    return 0


def main(argv: list[str]) -> int:
    """Validate the whole file first; apply it in one transaction or report every bad row."""
    parser = argparse.ArgumentParser(prog="python -m bot roster", description=lang.say("cli_roster"))
    parser.add_argument("action", choices=["import"])
    parser.add_argument("file", help=lang.say("opt_roster_file"))
    parser.add_argument("--config", default=None, help=lang.say("opt_config"))
    parser.add_argument("--dry-run", action="store_true", help=lang.say("opt_dry_run"))
    parser.add_argument("--yes", action="store_true", help=lang.say("opt_yes"))
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(args.config, need_token=False)
        return asyncio.run(_import(cfg, args.file, args.dry_run, args.yes))
    except config_mod.ConfigError as exc:
        print(lang.config_error(exc), file=sys.stderr)
    except RosterInvalid as exc:
        print(lang.say("roster_invalid", file=args.file), file=sys.stderr)
        for err in exc.errors:
            message = err.message_zh if lang.current() == "zh" else err.message
            print(lang.say("roster_line", line=err.line, message=message), file=sys.stderr)
    return 2
