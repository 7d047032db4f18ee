"""One bot per database: an exclusive OS lock on `<database>.lock`, released when the process dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class DatabaseLocked(Exception):
    """Another live process holds the database's lock; `pid` is what it wrote there."""

    def __init__(self, path: Path, pid: str) -> None:
        super().__init__(f"{path} is locked by pid {pid}")
        self.path, self.pid = path, pid


def lock_path(database: Path) -> Path:
    """The lock file beside the database."""
    return database.with_name(database.name + ".lock")


def hold(database: Path) -> IO[str]:
    """Take the lock (keep the returned file open while running); raise DatabaseLocked if taken.

    flock is tied to the open file: the kernel drops it when the process ends in any way (kill -9
    included), so a stale lock file never blocks a restart.
    """
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise DatabaseLocked(database, pid) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def holder(database: Path) -> str | None:
    """The pid a live process wrote into the held lock, or None if nobody holds it (without taking it
    for longer than a moment)."""
    path = lock_path(database)
    if not path.exists():
        return None
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            return handle.read().strip() or "?"
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return None
