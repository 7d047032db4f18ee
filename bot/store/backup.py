"""A consistent copy of the live database with SQLite's online backup API (safe while the bot runs)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """The backup could not be made; nothing was left at the destination."""


@dataclass(frozen=True)
class BackupResult:
    """What was copied: the destination, its size, and its integrity check."""

    path: Path
    bytes: int
    pages: int
    integrity: str
    tickets: int | None


def _check(path: Path) -> tuple[str, int, int | None]:
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        try:
            tickets = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        except sqlite3.DatabaseError:
            tickets = None
        return integrity, pages, tickets
    finally:
        conn.close()


def backup(source: Path | str, dest: Path | str, *, overwrite: bool = False) -> BackupResult:
    """Copy `source` to `dest` in one read transaction (a snapshot of committed data).

    The source is opened on its own connection; in WAL mode the bot's writer keeps writing while
    the copy is made, and the copy holds exactly what was committed when it started. The copy is
    written to a temporary file next to `dest`, checked with `PRAGMA integrity_check`, switched out
    of WAL mode (a single self-contained file) and then renamed into place.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise BackupError(f"{source}: database file not found")
    if dest.resolve() == source.resolve():
        raise BackupError("the backup file must not be the database itself")
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest}: already exists (use --force to replace it)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)  # read-write open: read-only WAL opens are fragile
    try:
        src.execute("PRAGMA busy_timeout=30000")
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)  # pages=-1: everything in one step, so one consistent snapshot
            out.execute("PRAGMA journal_mode=DELETE")  # a single file, no -wal/-shm to carry along
        finally:
            out.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from None
    finally:
        src.close()
    integrity, pages, tickets = _check(tmp)
    if integrity != "ok":
        tmp.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {integrity}")
    os.replace(tmp, dest)
    return BackupResult(dest, dest.stat().st_size, pages, integrity, tickets)
