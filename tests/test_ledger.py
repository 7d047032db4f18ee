"""The ledger export (python -m bot export ledger): rows, headers, real dates, the summary sheet,
the privacy switches and formula neutralising, read back with openpyxl and csv."""

from __future__ import annotations

import csv
import os
from datetime import datetime

import openpyxl
import pytest

from bot.cli import export, lang
from bot.domain.cells import neutralise
from tests.test_posts import G1, RESIDENT, SECRET, SH as SH_ZONE, WORKER, _shift, _story

MARCH = ["ledger", "--from", "2025-03-01", "--to", "2025-03-31"]
NOW = datetime.fromisoformat("2025-04-01T09:00:00+08:00")


async def _export(bot, tmp_path, *extra, name="ledger.xlsx"):
    out = tmp_path / name
    lang.use("zh")  # what `python -m bot export` does without --lang (another test may have left en)
    args = export.parse([*MARCH, "--out", str(out), *extra])
    assert await export.run(bot.config, args, now=NOW) == 0
    return out


def _cells(book) -> str:
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)


async def test_xlsx_rows_headers_dates_and_no_personal_data_by_default(bot, tmp_path, capsys):
    await _story(bot)
    out = await _export(bot, tmp_path)
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    book = openpyxl.load_workbook(out)
    ledger, summary = book.worksheets
    assert (ledger.title, summary.title) == ("台账", "网格汇总")
    assert ledger.freeze_panes == "A2"
    rows = list(ledger.iter_rows(values_only=True))
    head = rows[0]
    assert head[:4] == ("编号", "类型", "类别", "分流") and "诉求内容" not in head and "居民姓名" not in head
    by_id = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    assert sorted(by_id) == [1, 2, 3, 4, 5]  # 6 and 7 were submitted in February
    one = by_id[1]
    assert one["提交时间"] == datetime(2025, 3, 4, 10, 0)  # a real date, in the office's time zone
    assert ledger.cell(row=2, column=head.index("提交时间") + 1).is_date
    assert (one["类型"], one["类别"], one["状态"], one["经办人"], one["经办人角色"]) == (
        "诉求",
        "环境卫生",
        "已办结",
        "赵强",
        "网格员",
    )
    assert one["所属网格路径"] == "工农社区 / 第一大网格 / 幸福小区网格" and one["评价星级"] == 5
    assert one["签收时间"] >= one["提交时间"] and one["确认时间"] >= one["办结时间"]
    assert (
        by_id[2]["类型"] == "微心愿" and by_id[2]["经办人"] == "刘洋" and by_id[2]["经办人角色"] == "志愿者"
    )
    assert by_id[3]["重办次数"] == 1 and by_id[3]["办结说明"] == "再次劝导"
    assert by_id[5]["签收超时"] == "是" and by_id[5]["签收时间"] is None and by_id[1]["签收超时"] == "否"
    assert ledger.column_dimensions["G"].width >= 30  # the grid path is wide
    text = _cells(book)
    assert SECRET not in text and "Resident" not in text and str(RESIDENT) not in text
    assert "已导出 5 条工单" in capsys.readouterr().err


async def test_summary_sheet_has_each_grid_and_the_monthly_rates(bot, tmp_path):
    await _story(bot)
    book = openpyxl.load_workbook(await _export(bot, tmp_path))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    head = rows[0]
    assert head[:3] == ("网格编码", "网格", "所属网格路径") and head[-7:-4] == ("响应率", "解决率", "满意率")
    grids = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    assert set(grids) == {"GN", "GN-1", "GN-1-1", "GN-1-2"}
    happy, peace = grids["GN-1-1"], grids["GN-1-2"]
    # the same figures the monthly ranking posts: 幸福小区网格 100% · 80% · 67%, 和平里网格 0% · — · —
    assert (happy["受理数"], happy["已办结"], happy["红旗"]) == (4, 4, 3)
    assert (
        happy["响应率"] == 1
        and happy["解决率"] == pytest.approx(0.8)
        and happy["满意率"] == pytest.approx(2 / 3)
    )
    assert (peace["受理数"], peace["未办结"], peace["签收超时"], peace["响应率"], peace["解决率"]) == (
        1,
        1,
        1,
        0,
        None,
    )
    cell = book.worksheets[1].cell(row=1 + list(grids).index("GN-1-1") + 1, column=head.index("满意率") + 1)
    assert cell.number_format == "0%"


async def test_english_headers_and_grid_filter(bot, tmp_path):
    await _story(bot)
    book = openpyxl.load_workbook(await _export(bot, tmp_path, "--lang", "en", "--grid", "GN-1-2"))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("No.", "Kind", "Category", "Track") and book.worksheets[0].title == "Ledger"
    assert [r[0] for r in rows[1:]] == [5]
    five = dict(zip(rows[0], rows[1]))
    assert (five["Kind"], five["Status"], five["Accepted late"], five["Grid"]) == (
        "complaint",
        "waiting to be accepted",
        "yes",
        "和平里网格",
    )
    assert [r[0] for r in book.worksheets[1].iter_rows(values_only=True)][1:] == ["GN-1-2"]


async def test_text_and_names_only_when_asked_and_formulas_neutralised(bot, tmp_path, capsys):
    await _story(bot)
    await bot.say(RESIDENT, G1, '/complain =HYPERLINK("http://evil.example","点我")')
    await bot.press(WORKER, WORKER, 1, "t:8:dec")
    await bot.say(WORKER, WORKER, "+出差 @同事")
    await _shift(bot, 8, datetime(2025, 3, 20, 10))
    capsys.readouterr()
    out = await _export(bot, tmp_path, "--with-text", "--with-names")
    err = capsys.readouterr().err
    assert "居民姓名" in err and "个人信息" in err
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    eight = dict(zip(head, next(r for r in rows if r[0] == 8)))
    assert eight["诉求内容"].startswith("'=HYPERLINK(") and eight["退回次数"] == 1
    assert eight["居民姓名"] == "Resident" and eight["居民Telegram ID"] == RESIDENT
    formula_cells = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []
    assert dict(zip(head, next(r for r in rows if r[0] == 1)))["诉求内容"] == SECRET


async def test_csv_streams_the_same_rows_with_iso_dates(bot, tmp_path):
    await _story(bot)
    out = await _export(bot, tmp_path, "--with-text", name="ledger.csv")
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    assert head[0] == "编号" and [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    one = dict(zip(head, rows[1]))
    assert one["提交时间"] == "2025-03-04 10:00:00" and one["签收时间"] >= one["提交时间"]
    assert dict(zip(head, rows[5]))["签收时间"] == ""


async def test_bad_input_is_refused_with_a_message_and_no_file(bot, tmp_path, capsys):
    await _story(bot)
    lang.use("zh")
    out = tmp_path / "x.xlsx"
    args = export.parse(["ledger", "--from", "2025-03-31", "--to", "2025-03-01", "--out", str(out)])
    assert await export.run(bot.config, args, now=NOW) == 2
    assert "早于开始日期" in capsys.readouterr().err and not out.exists()
    args = export.parse([*MARCH, "--grid", "NOPE", "--out", str(out)])
    assert await export.run(bot.config, args, now=NOW) == 2
    assert "没有网格 'NOPE'" in capsys.readouterr().err and not out.exists()
    with pytest.raises(SystemExit):
        export.parse(["ledger", "--from", "March", "--to", "2025-03-31"])


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 123", "'+86 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (" =1", "' =1"),
        ("＝1", "'＝1"),
        ("a\nb", "a\nb"),
        ("楼道灯", "楼道灯"),
        ("a=b", "a=b"),
        (5, 5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


async def test_casework_columns_supporters_extensions_supervision(bot, tmp_path):
    from datetime import timedelta, timezone

    from tests.test_casework_flow import BIG_LEADER, NEIGHBOUR, _start
    from tests.test_story import GROUP, LEADER as SMALL_LEADER, _bound

    await _bound(bot)
    await _start(bot, NEIGHBOUR)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.press(NEIGHBOUR, GROUP, 50, "c:1:me")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    later = (datetime.now(timezone.utc) + timedelta(days=9)).astimezone(bot.config.timezone)
    await bot.press(WORKER, WORKER, 1, "c:1:ext")
    await bot.say(WORKER, WORKER, f"{later:%Y-%m-%d} 17:00 等待配件")
    await bot.press(SMALL_LEADER, SMALL_LEADER, 3, bot.button(bot.last(SMALL_LEADER), "c:1:ea"))
    await bot.say(BIG_LEADER, BIG_LEADER, "/redcard 1")  # 挂牌督办: the big-grid leader
    today = datetime.now(timezone.utc).astimezone(bot.config.timezone).date().isoformat()
    lang.use("zh")
    out = tmp_path / "c.xlsx"
    args = export.parse(["ledger", "--from", today, "--to", today, "--out", str(out)])
    assert await export.run(bot.config, args) == 0
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    one = dict(zip(rows[0], rows[1]))
    assert (one["附议人数"], one["延期次数"], one["督办次数（标记）"], one["当前督办标记"]) == (
        1,
        1,
        1,
        "🟥 挂牌督办",
    )
    assert one["状态"] == "办理中" and one["签收超时"] == "否" and BIG_LEADER


async def test_summary_sheet_shows_each_grids_colour_once_the_month_is_assessed(bot, tmp_path):
    """The grid colour (蓝黄红) stored with the monthly post reaches the ledger; before it, it is empty."""
    from bot.services import posts
    from tests.test_grid_colours import APRIL

    await _story(bot)

    def colours(path) -> dict:
        rows = list(openpyxl.load_workbook(path).worksheets[1].iter_rows(values_only=True))
        return {r[0]: dict(zip(rows[0], r))["网格考评"] for r in rows[1:]}

    assert colours(await _export(bot, tmp_path, name="before.xlsx"))["GN-1-1"] is None
    await posts.monthly(bot.ctx, APRIL)  # March's ranking: 幸福 yellow, 和平里 red
    after = colours(await _export(bot, tmp_path, name="after.xlsx"))
    assert (after["GN-1-1"], after["GN-1-2"], after["GN"]) == ("🟡 黄", "🔴 红", None)


def test_months_covered_by_a_period():
    """A month, a quarter and a period across the new year, in local time."""
    from bot.domain.ledger import months_covered

    sh = SH_ZONE
    assert months_covered(datetime(2025, 3, 1, tzinfo=sh), datetime(2025, 4, 1, tzinfo=sh)) == ["2025-03"]
    assert months_covered(datetime(2025, 1, 1, tzinfo=sh), datetime(2025, 4, 1, tzinfo=sh)) == [
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    assert months_covered(datetime(2025, 12, 20, tzinfo=sh), datetime(2026, 1, 5, tzinfo=sh)) == [
        "2025-12",
        "2026-01",
    ]
