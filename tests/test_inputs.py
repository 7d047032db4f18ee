"""Strict input: numbers in ASCII digits only, and text that is empty once invisible characters go."""

from __future__ import annotations

import logging

import pytest

from bot.domain.inputs import is_blank, parse_number, visible
from tests.test_story import GROUP, RESIDENT, WORKER, _bound

INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060\u00a0\u3000\u200e\u3164"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12", 12),
        ("#12", 12),
        (" 7 ", 7),
        ("0", None),
        ("²", None),
        ("１２", None),
        ("١٢", None),
        ("-3", None),
        ("+3", None),
        ("1 2", None),
        ("12a", None),
        ("", None),
        (None, None),
        ("9" * 13, None),
        ("1e3", None),
        ("#", None),
    ],
)
def test_parse_number_reads_ascii_digits_only(text, expected):
    assert parse_number(text, prefix="#") == expected


def test_parse_number_bounds():
    assert parse_number("5", low=1, high=5) == 5
    assert parse_number("6", low=1, high=5) is None
    assert parse_number("123456789012345", high=2**53) == 123456789012345


@pytest.mark.parametrize("text", ["", "   ", INVISIBLE, "\u200b" * 50, "\t\r\n\u200b"])
def test_invisible_only_text_is_blank(text):
    assert is_blank(text) and visible(text) == ""


def test_visible_keeps_inner_text_and_emoji():
    assert visible("\u200b 井盖松动 \ufeff") == "井盖松动"
    assert visible("❤️") == "❤️" and visible("a\u200bb") == "a\u200bb"


async def test_status_with_superscript_digit_answers_politely(bot, caplog):
    caplog.set_level(logging.DEBUG)
    await bot.say(RESIDENT, RESIDENT, "/status ²")
    assert "/status" in bot.last(RESIDENT)["text"]
    assert "²" not in caplog.text and "Traceback" not in caplog.text


@pytest.mark.parametrize("number", ["１", "١", "1\u200b"])
async def test_status_refuses_non_ascii_numbers(bot, number):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/wish 借个梯子")
    await bot.say(RESIDENT, RESIDENT, f"/status {number}")
    assert "借个梯子" not in bot.last(RESIDENT)["text"] and "/status" in bot.last(RESIDENT)["text"]


async def test_forged_button_with_non_ascii_ticket_number_is_refused(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    await bot.press(WORKER, WORKER, 1, "t:١:acc")
    row = await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1")
    assert row[0] == "open" and bot.answers()[-1]


async def test_complaint_of_zero_width_spaces_is_asked_for_again(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain \u200b\u200b\u200d")
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets"))[0] == 0
    assert bot.last(GROUP)["reply_markup"]["force_reply"] is True


async def test_prompt_answer_of_invisible_characters_is_refused(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/wish")
    prompt = bot.last(GROUP)
    await bot.say(RESIDENT, GROUP, "\u200b\ufeff", reply_to=bot.transport.next_id[GROUP])
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets"))[0] == 0
    assert bot.last(GROUP)["text"] != prompt["text"] and "内容不能为空" in bot.last(GROUP)["text"]


async def test_guided_intake_refuses_invisible_text(bot):
    await bot.say(RESIDENT, RESIDENT, "/new")
    await bot.press(RESIDENT, RESIDENT, 1, "d:kind:wish")
    await bot.press(RESIDENT, RESIDENT, 2, "d:cat:errand")
    await bot.say(RESIDENT, RESIDENT, "\u2060\u200b")
    draft = await bot.ctx.db.fetchone("SELECT step, text FROM drafts WHERE user_id = ?", (RESIDENT,))
    assert draft["step"] == "text" and not draft["text"]


async def test_close_note_and_decline_reason_of_invisible_characters_are_refused(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    await bot.press(WORKER, WORKER, 1, "t:1:dec")
    await bot.say(WORKER, WORKER, "\u200b\u200c")
    assert "请写下退回的原因" in bot.last(WORKER)["text"]
    assert (await bot.ctx.db.fetchone("SELECT status, assignee_id FROM tickets WHERE id = 1"))[0] == "open"
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM ticket_events WHERE action = 'declined'"))[0] == 0
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "\ufeff \u200d")
    assert (await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1"))[0] == "accepted"
    assert "请写下办理结果" in bot.last(WORKER)["text"]


@pytest.mark.parametrize("telegram_id", ["１２３", "١٢٣", "²"])
def test_roster_telegram_id_in_non_ascii_digits_is_an_error(tmp_path, telegram_id):
    from bot.domain.roster import RosterInvalid, load_roster

    roster = tmp_path / "r.csv"
    roster.write_text(
        "kind,code,name,parent,level,roles,telegram_id,phone,locale\n"
        "grid,GN,工农社区,,community,,,,\n"
        f"person,p001,张伟,,,admin@GN,{telegram_id},,zh\n",
        encoding="utf-8",
    )
    with pytest.raises(RosterInvalid) as caught:
        load_roster(roster)
    assert any("telegram_id" in e.message and e.line == 3 for e in caught.value.errors)


@pytest.mark.parametrize("text", ["１２３", "²", "-5", "0", "12 3"])
def test_privacy_cli_refuses_a_user_id_that_is_not_ascii_digits(text):
    import argparse

    from bot.cli.privacy import _user_id

    with pytest.raises(argparse.ArgumentTypeError):
        _user_id(text)
    assert _user_id("123456789") == 123456789


def test_casework_reasons_and_notes_of_invisible_characters_are_empty():
    from bot.domain import casework as C
    from bot.domain.tickets import Status
    from tests.test_domain_casework import CONFIRM_WINDOW, NEW_DUE, NOW, WORKER, in_status, refused, returned
    from tests.test_domain_tickets import LEADER, SMALL_LEADER

    zw = "\u200b\u2060\ufeff"
    assert refused(C.return_ticket, in_status(Status.OPEN), WORKER, NOW, zw, SMALL_LEADER) == "empty_reason"
    assert (
        refused(C.request_extension, in_status(Status.ACCEPTED), WORKER, NOW, zw, NEW_DUE) == "empty_reason"
    )
    assert refused(C.close_not_ours, returned(), LEADER, NOW, zw, CONFIRM_WINDOW) == "empty_note"
