"""Pure rules of the work log: what `/log …` means, who may log, who is idle, how albums are cut;
and its repository on a temporary SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.domain import worklog as wl
from bot.domain.tickets import Kind, Status, Ticket
from bot.store.uow import unit_of_work

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("走访3-2-401独居老人", wl.LogInput("走访3-2-401独居老人")),
        ("  \u200b ", wl.LogInput("")),
        (None, wl.LogInput("")),
        ("#12 清运后的楼道", wl.LogInput("清运后的楼道", 12)),
        ("#12", wl.LogInput("", 12)),
        ("# 12 复查", wl.LogInput("复查", 12)),
        ("＃7 全角井号", wl.LogInput("全角井号", 7)),
        ("12 户已走访", wl.LogInput("12 户已走访")),
        ("第二行\n也保留", wl.LogInput("第二行\n也保留")),
    ],
)
def test_parse_log(raw, expected):
    assert wl.parse_log(raw) == expected


@pytest.mark.parametrize("raw", ["#abc 修好了", "#１２ 全角", "#-3 x", "#"])
def test_parse_log_refuses_a_hash_without_a_number(raw):
    with pytest.raises(ValueError, match="bad_ticket"):
        wl.parse_log(raw)


def test_refusal():
    assert wl.refusal([], "走访") == "not_logger"
    assert wl.refusal([], None) == "not_logger"
    assert wl.refusal(["GN-1-1"], None) is None
    assert wl.refusal(["GN-1-1"], "") == "log_empty"
    assert wl.refusal(["GN-1-1"], "x" * 1001) == "log_too_long"
    assert wl.refusal(["GN-1-1"], "x" * 1000) is None


def _ticket(status: Status, closed_by: int | None) -> Ticket:
    return Ticket(1, Kind.COMPLAINT, "other", "GN-1-1", 5001, "x", T0, status, closed_by=closed_by)


def test_ticket_refusal():
    assert wl.ticket_refusal(None, 4) == "log_not_your_ticket"
    assert wl.ticket_refusal(_ticket(Status.DONE, 5), 4) == "log_not_your_ticket"
    assert wl.ticket_refusal(_ticket(Status.ACCEPTED, 4), 4) == "log_ticket_not_closed"
    assert wl.ticket_refusal(_ticket(Status.CLOSED, 4), 4) is None
    assert wl.ticket_refusal(_ticket(Status.DONE, 4), 4) is None


def test_idle_workers_are_those_with_no_entry_in_the_window():
    end = T0
    since = wl.idle_since(end, 3)
    assert since == end - timedelta(days=3)
    last = {1: end - timedelta(days=1), 2: end - timedelta(days=3, seconds=1), 3: since}
    workers = {1: "赵强", 2: "陈静", 3: "孙丽", 4: "钱进"}
    assert wl.idle_workers(workers, last, since) == sorted(["陈静", "钱进"])
    assert wl.idle_workers(workers, last, since, started=since) == sorted(["陈静", "钱进"])
    assert wl.idle_workers(workers, last, since, started=since + timedelta(seconds=1)) == [], (
        "nobody is idle before the work log has run for the whole window"
    )


@pytest.mark.parametrize(
    "count, sizes",
    [
        (0, []),
        (1, [1]),
        (2, [2]),
        (10, [10]),
        (11, [6, 5]),
        (20, [10, 10]),
        (21, [7, 7, 7]),
        (31, [8, 8, 8, 7]),
    ],
)
def test_albums_never_leave_a_single_photo_and_hold_at_most_ten(count, sizes):
    cut = wl.albums(count)
    assert [b - a for a, b in cut] == sizes
    assert [a for a, _ in cut] == [0, *(b for _, b in cut)][: len(cut)]
    assert not cut or cut[-1][1] == count


async def test_store_adds_reads_by_grid_and_day_and_finds_each_workers_latest(bot):
    db = bot.ctx.db
    zhao = (await db.fetchone("SELECT id FROM people WHERE code = 'p004'"))[0]
    chen = (await db.fetchone("SELECT id FROM people WHERE code = 'p006'"))[0]
    async with unit_of_work(db) as uow:
        assert await uow.work_logs.logger_grids(zhao, wl.LOGGERS) == ["GN-1-1"]
        await uow.work_logs.add(zhao, "GN-1-1", T0, "走访", "PH1", None)
        await uow.work_logs.add(zhao, "GN-1-1", T0 + timedelta(hours=1), "巡查", None, None)
        await uow.work_logs.add(chen, "GN-1-2", T0 - timedelta(days=2), "入户", None, None)
    read = bot.ctx.read().work_logs
    day = await read.between(["GN-1-1"], T0, T0 + timedelta(days=1))
    assert [(e.person_id, e.text, e.photo_file_id, e.at) for e in day] == [
        (zhao, "走访", "PH1", T0),
        (zhao, "巡查", None, T0 + timedelta(hours=1)),
    ]
    assert await read.between([], T0, T0 + timedelta(days=1)) == []
    assert await read.last_logged([zhao, chen, 999], T0 + timedelta(minutes=1)) == {
        zhao: T0,
        chen: T0 - timedelta(days=2),
    }
    assert await read.counts(T0 - timedelta(days=3), T0 + timedelta(days=1)) == {
        ("GN-1-1", zhao): 2,
        ("GN-1-2", chen): 1,
    }
