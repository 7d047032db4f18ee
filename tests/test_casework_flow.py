"""Casework through the handlers: return and reroute, me too, extension, honest closure, supervision,
duplicates (demo roster: GN > GN-1 (big leader 9002) > GN-1-1 (small leader 9003, worker 9004) and GN-1-2)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.services import supervision, sweep
from tests.harness import ROSTER, Harness
from tests.test_story import ADMIN, GROUP, LEADER, RESIDENT, WORKER, _bound

BIG_LEADER, NEIGHBOUR = 9002, 5002


async def _status(bot, tid: int = 1) -> tuple:
    row = await bot.ctx.db.fetchone(
        "SELECT status, assignee_id, returned_by, outcome, support_count, "
        "supervision, resolve_due FROM tickets WHERE id = ?",
        (tid,),
    )
    return tuple(row)


async def _person(bot, code: str) -> int:
    return (await bot.ctx.db.fetchone("SELECT id FROM people WHERE code = ?", (code,)))[0]


async def _start(bot, uid: int) -> None:
    await bot.say(uid, uid, "/start")


@pytest.fixture
async def bot2(tmp_path):
    """The demo roster plus a second worker in GN-1-1 (p007, 9007) and the GN-1-2 worker bound (9006)."""
    roster = tmp_path / "roster.csv"
    text = ROSTER.read_text(encoding="utf-8").replace("worker@GN-1-2,,", "worker@GN-1-2,9006,")
    roster.write_text(text + "person,p007,孙丽,,,worker@GN-1-1,9007,,zh\n", encoding="utf-8")
    h = await Harness(tmp_path).start(roster)
    yield h
    await h.stop()


async def test_a_returned_ticket_reaches_the_leader_with_its_reason_and_is_rerouted(bot2):
    bot = bot2
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾三天没人清运")
    request = bot.last(WORKER)
    await bot.press(WORKER, WORKER, 1, bot.button(request, "c:1:ret"))
    reasons = bot.last(WORKER)
    assert "原因" in reasons["text"]
    await bot.press(WORKER, WORKER, 1, bot.button(reasons, "c:1:rr:0"))
    leader_msg = bot.last(LEADER)
    assert (
        "被退单" in leader_msg["text"] and "不属本网格" in leader_msg["text"] and "赵强" in leader_msg["text"]
    )
    assert "楼道垃圾" in leader_msg["text"]
    status, assignee, returned_by, *_ = await _status(bot)
    assert (status, assignee, returned_by) == ("open", await _person(bot, "p003"), await _person(bot, "p004"))
    same_grid = await _person(bot, "p007")
    await bot.press(LEADER, LEADER, 2, bot.button(leader_msg, f"c:1:rt:{same_grid}"))
    assert (await _status(bot))[:3] == ("open", same_grid, None)
    assert "新任务" in bot.last(9007)["text"]
    # returned a second time: it goes one level up, to the big-grid leader, who sees the grid next door
    await bot.press(9007, 9007, 1, "c:1:ret")
    await bot.press(9007, 9007, 1, "c:1:rr:1")
    big = bot.last(BIG_LEADER)
    assert "第 2 次退回" in big["text"] and "属职能部门职责" in big["text"]
    other = await _person(bot, "p006")
    await bot.press(BIG_LEADER, BIG_LEADER, 3, bot.button(big, f"c:1:rt:{other}"))
    row = await bot.ctx.db.fetchone("SELECT status, assignee_id, grid FROM tickets WHERE id = 1")
    assert tuple(row) == ("open", other, "GN-1-2")
    assert "新任务" in bot.last(9006)["text"]
    actions = [
        r[0]
        for r in await bot.ctx.db.fetchall("SELECT action FROM ticket_events WHERE ticket_id = 1 ORDER BY id")
    ]
    assert actions == ["submit", "return", "reroute", "return", "reroute"]


async def test_a_typed_reason_and_a_not_ours_closure_the_resident_reads(bot):
    await _bound(bot)
    await _start(bot, RESIDENT)
    await bot.say(RESIDENT, GROUP, "/complain 邻居家装修太吵")
    await bot.press(WORKER, WORKER, 1, "c:1:ret")
    await bot.press(WORKER, WORKER, 1, "c:1:rr:x")
    assert bot.last(WORKER)["reply_markup"]["force_reply"] is True
    await bot.say(WORKER, WORKER, "这是物业管理范围")
    assert "这是物业管理范围" in bot.last(LEADER)["text"]
    await bot.press(LEADER, LEADER, 2, "c:1:no")
    await bot.say(LEADER, LEADER, "装修噪音请联系物业公司，电话在公告栏")
    told = bot.last(RESIDENT)
    assert "不属于本网格" in told["text"] and "物业公司" in told["text"]
    assert bot.button(told, "t:1:yes")
    assert (await _status(bot))[3] == "not_ours"


async def test_me_too_counts_each_neighbour_once_and_supporters_hear_of_acceptance(bot):
    await _bound(bot)
    await _start(bot, NEIGHBOUR)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    card = bot.last(GROUP)
    assert bot.button(card, "c:1:me")
    await bot.press(NEIGHBOUR, GROUP, 50, "c:1:me")
    await bot.press(NEIGHBOUR, GROUP, 50, "c:1:me")
    assert "已经点过" in bot.answers()[-1]
    await bot.press(RESIDENT, GROUP, 50, "c:1:me")
    assert "自己提交" in bot.answers()[-1]
    assert (await _status(bot))[4] == 1
    edited = bot.last(GROUP)
    assert "🙋 1" in edited["text"] and "(1)" in edited["reply_markup"]["inline_keyboard"][0][0]["text"]
    assignee_tg = (
        await bot.ctx.db.fetchone(
            "SELECT p.tg_user_id FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE t.id = 1"
        )
    )[0]
    if assignee_tg:
        await bot.press(assignee_tg, assignee_tg, 1, "t:1:acc")
        assert "已有人接单" in bot.last(NEIGHBOUR)["text"]


async def test_an_extension_approved_moves_the_deadline_and_tells_the_resident(bot):
    await _bound(bot)
    await _start(bot, RESIDENT)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    before = (await _status(bot))[6]
    new_day = (datetime.fromtimestamp(before, timezone.utc) + timedelta(days=5)).astimezone(
        bot.ctx.config.timezone
    )
    await bot.press(WORKER, WORKER, 1, "c:1:ext")
    await bot.say(WORKER, WORKER, f"{new_day:%Y-%m-%d} 17:00 等待配件到货")
    ask = bot.last(LEADER)
    assert "延期申请" in ask["text"] and "等待配件到货" in ask["text"]
    await bot.press(RESIDENT, RESIDENT, 3, "c:1:ea")
    assert (await _status(bot))[6] == before
    await bot.press(LEADER, LEADER, 3, bot.button(ask, "c:1:ea"))
    after = (await _status(bot))[6]
    assert (
        datetime.fromtimestamp(after, bot.ctx.config.timezone).strftime("%Y-%m-%d %H:%M")
        == f"{new_day:%Y-%m-%d} 17:00"
    )
    assert "需要更多时间" in bot.last(RESIDENT)["text"] and "延期已批准" in bot.last(WORKER)["text"]
    # a second request needs the big-grid leader
    await bot.press(WORKER, WORKER, 1, "c:1:ext")
    later = new_day + timedelta(days=2)
    await bot.say(WORKER, WORKER, f"{later:%Y-%m-%d} 等审批")
    assert "大网格长" in bot.last(BIG_LEADER)["text"]
    await bot.press(LEADER, LEADER, 4, "c:1:er")
    assert "大网格长" in bot.answers()[-1]
    await bot.press(BIG_LEADER, BIG_LEADER, 4, "c:1:er")
    assert (await _status(bot))[6] == after and "未获批准" in bot.last(WORKER)["text"]


async def test_an_extension_not_decided_before_the_deadline_cannot_be_approved_but_can_be_refused(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    due = (await _status(bot))[6]
    new_day = datetime.fromtimestamp(due + 5 * 86400, bot.ctx.config.timezone)
    await bot.press(WORKER, WORKER, 1, "c:1:ext")
    await bot.say(WORKER, WORKER, f"{new_day:%Y-%m-%d} 17:00 等待配件到货")
    ask = bot.last(LEADER)
    past = datetime.now(timezone.utc).timestamp() - 60
    async with bot.ctx.db.write() as conn:  # the leader did not decide before the deadline
        await conn.execute("UPDATE tickets SET resolve_due = ? WHERE id = 1", (past,))
    await bot.press(LEADER, LEADER, 3, bot.button(ask, "c:1:ea"))
    assert "已失效" in bot.answers()[-1] and (await _status(bot))[6] == past
    await bot.press(LEADER, LEADER, 3, bot.button(ask, "c:1:er"))
    row = await bot.ctx.db.fetchone("SELECT extension_due, extension_count, resolve_due FROM tickets")
    assert tuple(row) == (None, 0, past) and "延期未获批准" in bot.last(WORKER)["text"]


async def test_supervision_is_marked_on_the_card_and_reminded_daily(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.say(WORKER, WORKER, "/redcard 1")
    assert (await _status(bot))[5] is None
    await bot.say(LEADER, LEADER, "/redcard 1")  # 挂牌督办 is the big-grid leader's (or admin's)
    assert (await _status(bot))[5] is None and "大网格长" in bot.last(LEADER)["text"]
    await bot.say(BIG_LEADER, BIG_LEADER, "/redcard 1")
    assert (await _status(bot))[5] == "red" and bot.last(BIG_LEADER)["text"] == "#1 已列为挂牌督办"
    assert "挂牌督办" in bot.last(GROUP)["text"] and "挂牌督办" in bot.last(WORKER)["text"]
    n = len(bot.sent(WORKER))
    assert await supervision.remind_daily(bot.ctx, datetime.now(timezone.utc)) == 1
    await bot.deliverer.deliver_due()
    assert "挂牌督办提醒" in bot.last(WORKER)["text"]
    await bot.say(LEADER, LEADER, "/lift 1")
    assert (await _status(bot))[5] == "red"
    await bot.say(BIG_LEADER, BIG_LEADER, "/lift 1")
    assert (await _status(bot))[5] is None
    assert len(bot.sent(WORKER)) > n


async def test_a_referral_the_liaison_does_not_report_is_escalated_by_the_sweep(bot):
    await _bound(bot)
    async with bot.ctx.db.write() as conn:  # make the community admin an agency liaison too
        await conn.execute(
            "INSERT INTO roles (person_id, grid, role) SELECT id, 'GN', 'liaison' FROM people "
            "WHERE code = 'p001'"
        )
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.press(WORKER, WORKER, 1, "c:1:ref")
    liaison = await _person(bot, "p001")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), f"c:1:rf:{liaison}"))
    await bot.say(WORKER, WORKER, "已转供电所处理")
    assert "转交给您" in bot.last(ADMIN)["text"]
    due = (await bot.ctx.db.fetchone("SELECT report_due FROM tickets WHERE id = 1"))[0]
    await _sweep_at(bot, datetime.fromtimestamp(due - 1, timezone.utc))
    assert not any("未在" in m.get("text", "") for m in bot.sent(LEADER) + bot.sent(WORKER))
    await _sweep_at(bot, datetime.fromtimestamp(due + 1, timezone.utc))
    overdue = [m["text"] for m in bot.sent(LEADER) + bot.sent(WORKER) if "未在" in m.get("text", "")]
    assert len(overdue) == 2 and all("张伟" in t for t in overdue)  # the referrer and the small-group leader
    await _sweep_at(bot, datetime.fromtimestamp(due + 3600, timezone.utc))
    assert len([m for m in bot.sent(LEADER) + bot.sent(WORKER) if "未在" in m.get("text", "")]) == 2  # once


async def _sweep_at(bot, when: datetime) -> None:
    bot.deliverer.clock = lambda: when
    await sweep.sweep(bot.ctx, when)
    await bot.deliverer.deliver_due()


async def test_explained_closure_reaches_the_resident_and_earns_no_flag(bot):
    await _bound(bot)
    await _start(bot, RESIDENT)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 小区想加装电梯")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.press(WORKER, WORKER, 1, "c:1:exp")
    await bot.say(WORKER, WORKER, "楼体结构不允许加装，已向街道反映")
    told = bot.last(RESIDENT)
    assert "暂时无法解决" in told["text"] and "楼体结构" in told["text"]
    buttons = [b["text"] for row in told["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["👍 认可", "👎 不认可"]  # the answer, not "resolved": nothing was solved
    await bot.press(RESIDENT, RESIDENT, 9, "t:1:yes")
    assert (await _status(bot))[:1] == ("done",)
    detail = (await bot.ctx.db.fetchone("SELECT detail FROM ticket_events WHERE action = 'confirm'"))[0]
    assert '"outcome": "explained"' in detail
    assert not any("🚩" in m.get("text", "") for m in bot.sent(WORKER))


async def test_the_duplicate_question_adds_the_resident_to_the_open_ticket(bot):
    await _bound(bot)
    await _start(bot, NEIGHBOUR)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.say(NEIGHBOUR, GROUP, "/complain 设施维修 3号楼前路灯不亮")
    question = bot.last(NEIGHBOUR)
    assert "#1" in question["text"] and "#2" in question["text"]
    await bot.press(RESIDENT, NEIGHBOUR, 7, bot.button(question, "c:2:dup:1"))
    assert (await _status(bot, 2))[0] == "open"  # only the submitter may answer
    await bot.press(NEIGHBOUR, NEIGHBOUR, 7, bot.button(question, "c:2:dup:1"))
    assert (await _status(bot, 2))[0] == "merged" and (await _status(bot, 1))[4] == 1
    assert "已合并" in bot.last(NEIGHBOUR)["text"]
    supporters = await bot.ctx.db.fetchall("SELECT user_id FROM ticket_supporters WHERE ticket_id = 1")
    assert [r[0] for r in supporters] == [NEIGHBOUR]


async def test_no_it_is_new_keeps_the_ticket(bot):
    await _bound(bot)
    await _start(bot, NEIGHBOUR)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.say(NEIGHBOUR, GROUP, "/complain 设施维修 井盖松动")
    await bot.press(NEIGHBOUR, NEIGHBOUR, 7, bot.button(bot.last(NEIGHBOUR), "c:2:new"))
    assert (await _status(bot, 2))[0] == "open" and "新事项" in bot.last(NEIGHBOUR)["text"]


async def test_a_leader_merges_a_duplicate_by_command(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 垃圾没清")
    await bot.say(NEIGHBOUR, GROUP, "/complain 矛盾调解 垃圾桶满了")
    await bot.say(WORKER, WORKER, "/merge 2 1")
    assert (await _status(bot, 2))[0] == "open"
    await bot.say(LEADER, LEADER, "/merge 2 1")
    assert (await _status(bot, 2))[0] == "merged" and "已合并" in bot.last(LEADER)["text"]


async def test_the_daily_digest_shows_supervision_marks_and_hot_issues(bot):
    from bot.domain.periods import period_of
    from bot.services import posts

    await _bound(bot)
    await _start(bot, NEIGHBOUR)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.press(NEIGHBOUR, GROUP, 50, "c:1:me")
    await bot.say(LEADER, LEADER, "/supervise 1")
    now = datetime.now(timezone.utc)
    written = await posts.digests(bot.ctx, now, period_of("day", now, bot.ctx.config.timezone), dry_run=True)
    text = "\n".join(n.text for p in written for n in p.notices)
    assert "📌 督办：#1" in text and "🔥 热点诉求：#1 设施维修（🙋1）" in text, text


async def test_the_monthly_post_lists_hot_issues_and_supervision_costs_ranking(bot2):
    from bot.domain.periods import period_of
    from bot.services import posts

    bot = bot2
    await _bound(bot)
    await _start(bot, NEIGHBOUR)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.press(NEIGHBOUR, GROUP, 50, "c:1:me")
    await bot.say(LEADER, LEADER, "/redcard 1")
    now = datetime.now(timezone.utc)
    written = await posts.monthly(
        bot.ctx, now, period_of("month", now, bot.ctx.config.timezone), dry_run=True
    )
    text = "\n".join(n.text for p in written if p.chat_id == GROUP for n in p.notices)
    assert "🔥 <b>热点诉求</b>" in text and "#1 幸福小区网格 · 设施维修 · 🙋1" in text, text


def test_a_supervision_penalty_can_drop_a_grid_below_an_equal_one():
    from bot.domain.reports import GridScore, Rates, rank_grids

    same = Rates(on_time=1, due=1, resolved=1, evaluated=1)
    ranked = rank_grids([GridScore("A", "A", same, penalty=0.1), GridScore("B", "B", same)])
    assert [r.grid.code for r in ranked] == ["B", "A"]


async def test_the_timeline_names_every_casework_step_in_both_languages(bot):
    from bot import i18n

    for loc in ("zh", "en"):
        for action in (
            "return",
            "reroute",
            "extension_request",
            "extension_approve",
            "extension_refuse",
            "support",
            "merge",
            "merge_in",
            "supervise",
            "lift",
            "report",
        ):
            assert i18n.label(loc, f"event_{action}") != f"event_{action}"
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.say(LEADER, LEADER, "/supervise 1")
    await bot.say(LEADER, LEADER, "/status 1")
    assert "列为督办" in bot.last(LEADER)["text"]


async def test_the_digest_reports_the_share_extended_and_counts_extended_work_on_time(bot):
    from bot.domain.periods import period_of
    from bot.services import posts

    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    due = datetime.fromtimestamp((await _status(bot))[6], bot.ctx.config.timezone) + timedelta(days=3)
    await bot.press(WORKER, WORKER, 1, "c:1:ext")
    await bot.say(WORKER, WORKER, f"{due:%Y-%m-%d} 等配件")
    await bot.press(LEADER, LEADER, 3, "c:1:ea")
    now = datetime.now(timezone.utc)
    async with bot.ctx.db.write() as conn:  # closed now, within the approved deadline
        await conn.execute(
            "UPDATE tickets SET status = 'closed', closed_at = ? WHERE id = 1", (now.timestamp() - 1,)
        )
    written = await posts.digests(bot.ctx, now, period_of("day", now, bot.ctx.config.timezone), dry_run=True)
    text = "\n".join(n.text for p in written for n in p.notices)
    assert "⏳ 办结 1 件：按时 1 件（含获批延期），延期 1 件（100%）" in text, text


async def test_erasing_a_supporter_keeps_the_count_but_not_who_pressed(bot):
    from bot.services import privacy

    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 设施维修 路灯坏了")
    await bot.press(NEIGHBOUR, GROUP, 50, "c:1:me")
    await privacy.erase(bot.ctx, NEIGHBOUR, datetime.now(timezone.utc))
    assert await bot.ctx.db.fetchall("SELECT * FROM ticket_supporters") == []
    assert (await _status(bot))[4] == 1


async def test_in_english_the_returned_request_says_returned_and_an_answer_is_accepted_not_resolved(bot):
    """Everyone but the group chose English: the resident's answer is in English, not the group's zh."""
    await _bound(bot)
    for uid in (RESIDENT, WORKER, LEADER):
        await _start(bot, uid)
        await bot.say(uid, uid, "/lang en")
    await bot.say(RESIDENT, GROUP, "/complain 邻居家装修太吵")
    await bot.press(WORKER, WORKER, 1, "c:1:ret")
    await bot.press(WORKER, WORKER, 1, "c:1:rr:2")
    await bot.deliverer.deliver_due()
    calls = bot.transport.calls
    edits = [p["text"] for n, p in calls if n == "editMessageText" and int(p["chat_id"]) == WORKER]
    assert any(t.startswith("↩️ You returned <b>#1</b>") for t in edits), edits
    await bot.press(LEADER, LEADER, 2, "c:1:no")
    await bot.say(LEADER, LEADER, "Noise from building work: please call the property company")
    told = bot.last(RESIDENT)
    assert "is not for this grid" in told["text"]
    buttons = [b["text"] for row in told["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["👍 I accept it", "👎 I do not"]
