"""aiosqlite's connection, with the statements of an open write transaction run on the caller's thread.

aiosqlite hands every statement to its own thread and wakes the event loop with the answer: about
30-250 µs of CPU per trip (a queue, a thread wake-up, the GIL passed twice, a self-pipe write), far
more than a short indexed statement costs SQLite itself. Inside a write transaction the writer
already holds SQLite's write lock, so its statements cannot wait on another connection's lock: they
are run directly. The statement that opens a transaction is tried directly without waiting
(busy_timeout 0); if another process holds the write lock it goes to the thread, which waits up to
`BUSY_MS`. What can take long stays on the thread: COMMIT (fsync with synchronous=FULL, and a WAL
checkpoint now and then), ROLLBACK, scripts, reads outside a transaction, and every statement of the
reader connection (reports over a large store take long enough to be felt by other updates).
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any, Callable

import aiosqlite

BUSY_MS = 5000  # how long a statement waits for another process's write lock
_ENDS = ("COMMIT", "ROLLBACK", "END")
_OPENS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN")


def _sql(args: tuple[Any, ...]) -> str:
    return args[0] if args and isinstance(args[0], str) else ""


def _ends_transaction(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """COMMIT, ROLLBACK or a script: statements that may block or that end the transaction."""
    if getattr(fn, "__name__", "") == "executescript":
        return True
    return _sql(args).lstrip()[:8].upper().startswith(_ENDS)


def _opens_transaction(conn: sqlite3.Connection, args: tuple[Any, ...]) -> bool:
    """BEGIN, or a write that begins the transaction implicitly (`isolation_level` set)."""
    verb = _sql(args).lstrip()[:7].upper()
    return verb.startswith("BEGIN") or (conn.isolation_level is not None and verb.startswith(_OPENS))


def _now_or_busy(
    conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple, kwargs: dict
) -> tuple[bool, Any]:
    """Run an opening statement without waiting for a lock: (True, result), or (False, None) if busy."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        return True, fn(*args, **kwargs)
    except sqlite3.OperationalError as exc:
        if conn.in_transaction or "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return False, None
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")


class Connection(aiosqlite.Connection):
    """An aiosqlite connection; with `inline`, a write transaction's statements skip the thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], inline: bool) -> None:
        super().__init__(connector, 64)
        self.inline = inline

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn` at once when the transaction is open and `fn` does not end it, or when `fn` opens
        it and no other process holds the write lock; otherwise on aiosqlite's thread."""
        conn = self._connection
        if self.inline and conn is not None:
            if conn.in_transaction:
                if not _ends_transaction(fn, args):
                    return fn(*args, **kwargs)
            elif _opens_transaction(conn, args):
                done, result = _now_or_busy(conn, fn, args, kwargs)
                if done:
                    return result
        return await super()._execute(fn, *args, **kwargs)


def connect(path: Path, inline: bool) -> Connection:
    """A connection usable from both threads (the store serialises its use: one writer at a time)."""
    return Connection(
        partial(sqlite3.connect, str(path), isolation_level=None, check_same_thread=False), inline
    )
