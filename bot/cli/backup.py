"""`python -m bot backup FILE [--config FILE] [--force]`: copy the database while the bot runs."""

from __future__ import annotations

import argparse
import sys

from bot import config as config_mod
from bot.cli import lang
from bot.store.backup import BackupError, backup


def main(argv: list[str]) -> int:
    """Make a consistent, checked copy of the configured database at FILE."""
    parser = argparse.ArgumentParser(prog="python -m bot backup", description=lang.say("cli_backup"))
    parser.add_argument("file", help=lang.say("opt_backup_file"))
    parser.add_argument("--config", default=None, help=lang.say("opt_config_db"))
    parser.add_argument("--force", action="store_true", help=lang.say("opt_force"))
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(args.config, need_token=False)
        result = backup(cfg.database, args.file, overwrite=args.force)
    except config_mod.ConfigError as exc:
        print(lang.config_error(exc), file=sys.stderr)
        return 2
    except BackupError as exc:
        print(lang.say("backup_failed", error=exc), file=sys.stderr)
        return 1
    tickets = "" if result.tickets is None else lang.say("backup_tickets", count=result.tickets)
    print(
        lang.say(
            "backup_done", path=result.path, size=result.bytes, tickets=tickets, integrity=result.integrity
        )
    )
    return 0
