"""Bot API faults: a press is answered from what was committed, and a recovered fault is one warning line."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from tests.test_story import GROUP, LEADER, RESIDENT, WORKER, _bound


def _tracebacks(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


async def test_press_answer_failing_once_is_retried_with_the_committed_outcome(bot, caplog):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    bot.transport.fail_next["answerCallbackQuery"] = (502, "Bad Gateway")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    assert bot.answers()[-2:] == ["已接单 #1", "已接单 #1"], "answered once more after the fault"
    assert (await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1"))[0] == "accepted"
    assert not any("出了点问题" in a for a in bot.answers())
    assert not _tracebacks(caplog)


async def test_press_answer_failing_twice_is_never_reported_as_a_failed_action(bot, caplog):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    bot.transport.fail_next["answerCallbackQuery"] = (500, "Internal Server Error", 5)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    answers = [p for n, p in bot.transport.calls if n == "answerCallbackQuery"]
    assert len(answers) == 2, "one retry, no more"
    assert all(p.get("text") == "已接单 #1" for p in answers)
    assert (await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1"))[0] == "accepted"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("answerCallbackQuery" in w for w in warnings) == 2
    assert not _tracebacks(caplog) and not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_refusal_toast_survives_a_failed_answer(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    bot.transport.fail_next["answerCallbackQuery"] = (502, "Bad Gateway")
    await bot.press(RESIDENT, RESIDENT, 1, "t:1:acc")
    assert "没有派给您" in bot.answers()[-1]


async def test_recovered_delivery_faults_are_one_warning_line_each(bot, caplog):
    caplog.set_level(logging.INFO)
    await _bound(bot)
    bot.transport.fail_next["sendMessage"] = (502, "Bad Gateway")
    await bot.say(RESIDENT, GROUP, "/wish 借个梯子")
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    bot.deliverer.clock = lambda: later
    bot.transport.fail_next["sendMessage"] = (429, "Too Many Requests: retry after 3")
    await bot.deliverer.deliver_due()
    bot.deliverer.clock = lambda: later + timedelta(minutes=2)
    await bot.deliverer.deliver_due()
    assert "借个梯子" in bot.last(GROUP)["text"], "delivered once the faults passed"
    faults = [r for r in caplog.records if r.name == "bot.delivery" and r.levelno == logging.WARNING]
    assert len(faults) == 2
    assert "sendMessage" in faults[0].getMessage() and "Bad Gateway" in faults[0].getMessage()
    assert "sendMessage" in faults[1].getMessage() and "retry after" in faults[1].getMessage()
    assert all("\n" not in r.getMessage() for r in faults)
    assert not _tracebacks(caplog)


async def test_get_chat_member_fault_at_bind_is_a_polite_refusal_and_one_warning(bot, caplog):
    bot.transport.fail_next["getChatMember"] = (504, "Gateway Timeout")
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    assert "请稍后再发送一次 /bind" in bot.last(GROUP)["text"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("getChatMember" in w and "Gateway Timeout" in w for w in warnings)
    assert not _tracebacks(caplog)
    await bot.say(LEADER, GROUP, "/bind GN-1-1")
    assert (await bot.ctx.db.fetchone("SELECT grid FROM groups WHERE chat_id = ?", (GROUP,)))[0] == "GN-1-1"


async def test_a_gateways_html_error_page_is_one_warning_not_a_traceback(bot, caplog):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    bot.transport.fail_next["answerCallbackQuery"] = (502, page)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    assert bot.answers()[-1] == "已接单 #1"
    assert not _tracebacks(caplog) and not [r for r in caplog.records if r.levelno >= logging.ERROR]
    warning = next(r.getMessage() for r in caplog.records if "answerCallbackQuery" in r.getMessage())
    assert warning.endswith("NetworkError: Bad Gateway (502)") and "<html>" not in warning
