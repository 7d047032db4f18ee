"""The response rate counts each ticket against the accept deadline it really had (issue 11, point 6).

A working-time tier's accept deadline skips nights, weekends and holidays; the ticket stores it
(`response_due`, kept after acceptance), and bot/store/reports.py reads it instead of submission +
the tier's nominal length. A complaint submitted on Friday 16:00 with one working day (`8wh`) to
accept is due on Monday 16:00: accepted on Monday at 10:00 it is on time; on Monday at 17:00 it is late.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from bot.domain import tickets as T
from bot.domain.model import Actor, Kind, Ticket
from bot.domain.roster import load_roster
from bot.services.roster import apply
from bot.domain.sla import Tier
from bot.domain.workdays import WorkCalendar
from bot.store import reports
from bot.store import tickets as ticket_store
from bot.store.db import Database
from tests.harness import ROSTER

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar(SH, official=chinese_calendar.is_workday)
ONE_DAY = Tier("normal", CAL.day_length, timedelta(days=3), frozenset({"accept"}), CAL)
FRIDAY = datetime(2026, 11, 27, 16, tzinfo=SH)
WORKER = Actor(user_id=9004, person_id=4)
NOMINAL = {("complaint", "*"): ONE_DAY.accept.total_seconds()}


@pytest.fixture
async def db(tmp_path):
    d = await Database(tmp_path / "r.sqlite3").open()
    await apply(d, load_roster(ROSTER), FRIDAY)  # the demo roster: worker 赵强 (9004) is person 4
    yield d
    await d.close()


async def _ticket(db: Database, submitted: datetime, accepted: datetime | None) -> Ticket:
    new = Ticket(None, Kind.COMPLAINT, "sanitation", "GN-1-1", 5001, "x", submitted)
    t, events = T.submit(new, ONE_DAY, 4, submitted)
    async with db.write() as conn:
        t = await ticket_store.insert(conn, t)
        await ticket_store.add_events(conn, t.id, events, Actor(user_id=5001), submitted)
        if accepted is not None:
            after, more = T.accept(t, WORKER, accepted)
            await ticket_store.save(conn, after)
            await ticket_store.add_events(conn, t.id, more, WORKER, accepted)
    return t


async def _response(db: Database, start: datetime, end: datetime, now: datetime) -> tuple[int, int]:
    rates = await reports.rates(db.reader, start, end, now, NOMINAL)
    r = rates[("GN-1-1", 4)]
    return r.on_time, r.due


async def test_a_weekend_spanning_ticket_accepted_on_the_next_working_day_is_on_time(db):
    t = await _ticket(db, FRIDAY, datetime(2026, 11, 30, 10, tzinfo=SH))
    assert t.response_due == datetime(2026, 11, 30, 16, tzinfo=SH)
    month = (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))
    assert await _response(db, *month, datetime(2026, 12, 1, tzinfo=SH)) == (1, 1)


async def test_accepted_after_its_working_deadline_is_late_and_unaccepted_counts_once_passed(db):
    await _ticket(db, FRIDAY, datetime(2026, 11, 30, 17, tzinfo=SH))
    await _ticket(db, FRIDAY, None)
    month = (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))
    assert await _response(db, *month, datetime(2026, 11, 30, 15, tzinfo=SH)) == (0, 1)  # #2 not due yet
    assert await _response(db, *month, datetime(2026, 11, 30, 18, tzinfo=SH)) == (0, 2)


async def test_the_period_is_that_of_the_stored_deadline_not_of_submission_plus_the_nominal_length(db):
    await _ticket(db, FRIDAY.replace(day=30, hour=16), datetime(2026, 12, 1, 9, 30, tzinfo=SH))  # Mon -> Tue
    nov = (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))
    dec = (datetime(2026, 12, 1, tzinfo=SH), datetime(2027, 1, 1, tzinfo=SH))
    later = datetime(2026, 12, 5, tzinfo=SH)
    assert ("GN-1-1", 4) not in await reports.rates(db.reader, *nov, later, NOMINAL)
    assert await _response(db, *dec, later) == (1, 1)


async def test_a_ticket_from_before_the_deadline_was_stored_counts_the_nominal_length(db):
    t = await _ticket(db, FRIDAY, datetime(2026, 11, 30, 10, tzinfo=SH))
    async with db.write() as conn:
        await conn.execute("UPDATE tickets SET response_due = NULL WHERE id = ?", (t.id,))
    month = (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))
    assert await _response(db, *month, datetime(2026, 12, 1, tzinfo=SH)) == (0, 1)  # as before: 8 h


async def test_the_ledger_marks_accepted_late_by_the_same_stored_deadline(db):
    from bot.domain import ledger as dom
    from bot.store import ledger as ledger_store

    await _ticket(db, FRIDAY, datetime(2026, 11, 30, 10, tzinfo=SH))  # on time by the working clock
    await _ticket(db, FRIDAY, datetime(2026, 11, 30, 17, tzinfo=SH))  # late
    month = (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))
    rows = [r async for chunk in ledger_store.records(db.reader, *month, None) for r in chunk]
    now = datetime(2026, 12, 1, tzinfo=SH).timestamp()
    assert [dom.accept_late(r, ONE_DAY.accept.total_seconds(), now) for r in rows] == [False, True]
