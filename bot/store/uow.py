"""The unit of work: one write transaction per use case, the update recorded as processed, and typed
repositories that return domain records, never rows. Services see only this, never a connection."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, AsyncIterator

import aiosqlite

from bot.store.callbacks import Callbacks
from bot.store.assessment import Assessments
from bot.store.casework import Casework
from bot.store.drafts import Drafts
from bot.store.groups import Groups
from bot.store.open311 import Open311
from bot.store.outbox import Outbox
from bot.store.people import People
from bot.store.privacy import PersonalData
from bot.store.prompts import Prompts
from bot.store.reporting import Reports
from bot.store.roster_import import Rosters
from bot.store.seen import Seen
from bot.store.stats import Stats
from bot.store.tickets import Tickets
from bot.store.worklog import WorkLogs
from bot.store.time_bank import TimeBank

if TYPE_CHECKING:
    from bot.store.db import Database


class UnitOfWork:
    """The repositories of one transaction (or of one read over committed data)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        seen = Seen()
        self.tickets = Tickets(conn, seen)
        self.people = People(conn, seen)
        self.groups = Groups(conn, seen)
        self.outbox = Outbox(conn)
        self.prompts = Prompts(conn)
        self.drafts = Drafts(conn)
        self.casework = Casework(conn, seen)
        self.personal = PersonalData(conn)
        self.reports = Reports(conn)
        self.work_logs = WorkLogs(conn)
        self.callbacks = Callbacks(conn)
        self.hours = TimeBank(conn)
        self.assessment = Assessments(conn)
        self.roster = Rosters(conn)
        self.stats = Stats(conn)
        self.open311 = Open311(conn)


@asynccontextmanager
async def unit_of_work(
    db: "Database", update_id: int | None = None, lazy: bool = False
) -> AsyncIterator[UnitOfWork]:
    """One serialised write transaction; with an update id, a second delivery raises AlreadyProcessed
    (`lazy`: it begins with the first write, for bookkeeping that reads nothing first)."""
    async with db.write(update_id, lazy) as conn:
        yield UnitOfWork(conn)


def reading(db: "Database") -> UnitOfWork:
    """Repositories over committed data, outside any transaction (for answers that change nothing)."""
    return UnitOfWork(db.reader)
