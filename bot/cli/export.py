"""`python -m bot export ledger --from DATE --to DATE [--grid CODE] [--format xlsx|csv] [--out FILE]
[--lang zh|en] [--with-text] [--with-names] [--config FILE]`: the office's ledger (台账).

One row per ticket submitted between the two dates (local, inclusive); XLSX also has a sheet with
each grid's counts and rates. Complaint texts only with --with-text, residents' names only with
--with-names (and the command says so). The file is created readable by its owner only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date, datetime, timezone

from bot import config as config_mod
from bot.cli import lang
from bot.cli.sheets import CsvSink, XlsxSink
from bot.domain.ledger import day_range
from bot.services import ledger
from bot.services.context import Ctx
from bot.store.db import Database


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(lang.say("export_bad_date", text=text)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot export", description=lang.say("cli_export"))
    parser.add_argument("what", choices=["ledger"])
    parser.add_argument("--from", dest="first", type=_day, required=True, help=lang.say("opt_from"))
    parser.add_argument("--to", dest="last", type=_day, required=True, help=lang.say("opt_to"))
    parser.add_argument("--grid", default=None, help=lang.say("opt_grid"))
    parser.add_argument("--format", choices=["xlsx", "csv"], default=None, help=lang.say("opt_format"))
    parser.add_argument("--out", default=None, help=lang.say("opt_out"))
    parser.add_argument("--lang", choices=["zh", "en"], default=None, help=lang.say("opt_export_lang"))
    parser.add_argument("--with-text", action="store_true", help=lang.say("opt_with_text"))
    parser.add_argument("--with-names", action="store_true", help=lang.say("opt_with_names"))
    parser.add_argument("--config", default=None, help=lang.say("opt_config"))
    return parser


def _open_private(path: str, binary: bool = False):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(
        fd, "wb" if binary else "w", encoding=None if binary else "utf-8-sig", newline=None if binary else ""
    )


async def _export(cfg: config_mod.Config, args: argparse.Namespace, fmt: str, out: str, now: datetime) -> int:
    start, end = day_range(args.first, args.last, cfg.timezone)
    query = ledger.Query(start, end, args.grid, args.lang, args.with_text, args.with_names)
    db = await Database(cfg.database).open()
    try:
        ctx = Ctx(db, cfg)
        if fmt == "xlsx":
            _open_private(out, binary=True).close()
            return await ledger.export(ctx, query, XlsxSink(out), now)
        if out == "-":
            return await ledger.export(ctx, query, CsvSink(sys.stdout), now)
        with _open_private(out) as stream:
            return await ledger.export(ctx, query, CsvSink(stream), now)
    finally:
        await db.close()


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line, with the format and output file filled in."""
    args = _parser().parse_args(argv)
    args.lang = args.lang or lang.current()
    args.format = args.format or (
        "csv" if args.out == "-" or (args.out or "").lower().endswith(".csv") else "xlsx"
    )
    args.out = args.out or f"ledger-{args.first}-{args.last}.{args.format}"
    return args


async def run(cfg: config_mod.Config, args: argparse.Namespace, now: datetime | None = None) -> int:
    """Export; the exit status (2 with a bilingual message on standard error for bad input)."""
    if args.out == "-" and args.format != "csv":
        print(lang.say("export_xlsx_stdout"), file=sys.stderr)
        return 2
    if not cfg.database.is_file():
        print(lang.say("export_no_database", path=cfg.database), file=sys.stderr)
        return 2
    try:
        count = await _export(cfg, args, args.format, args.out, now or datetime.now(timezone.utc))
    except (KeyError, ValueError) as exc:
        if args.out != "-" and os.path.exists(args.out):
            os.unlink(args.out)  # nothing half-written
        if isinstance(exc, ValueError):
            print(lang.say("export_reversed"), file=sys.stderr)
            return 2
        print(lang.say("export_no_grid", grid=exc.args[0]), file=sys.stderr)
        return 2
    if args.with_names:
        print(lang.say("export_names_warning"), file=sys.stderr)
    if args.with_text:
        print(lang.say("export_text_warning"), file=sys.stderr)
    print(lang.say("export_done", count=count, path=args.out), file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    """Export the ledger for a period to an XLSX or CSV file."""
    args = parse(argv)
    cfg = lang.load_config(args.config)
    if cfg is None:
        return 2
    return asyncio.run(run(cfg, args))
