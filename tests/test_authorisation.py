"""Who may do what: every role × every action through the handlers; refusals are polite and change nothing.

Roster: GN (admin 9001) > GN-1 (big leader 9002) > GN-1-1 (small leader 9003, workers 9004 and 9007,
volunteer 9005) and GN-1-2 (worker 9006). Residents 5001 (submits) and 5002 (a neighbour).
Import a roster, post and export are command-line operations for whoever runs `python -m bot` on the
server (docs/operations.md): no chat command exists for them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest

from tests.harness import ROSTER, Harness
from tests.test_story import GROUP, _bound

ROLES = {
    "resident_submitter": 5001,
    "other_resident": 5002,
    "assignee_worker": None,
    "other_worker_same_grid": None,
    "volunteer": 9005,
    "worker_other_grid": 9006,
    "small_leader": 9003,
    "big_leader": 9002,
    "admin": 9001,
}
WORKERS = (9004, 9007)
LEADERS = {"small_leader", "big_leader", "admin"}
ALLOWED = {
    "submit": set(ROLES),  # anyone in the bound group (staff's own tickets earn no flag)
    "claim": {"assignee_worker", "other_worker_same_grid", "volunteer"} | LEADERS,
    "accept": {"assignee_worker"},
    "decline": {"assignee_worker"},
    "close": {"assignee_worker"},
    "confirm": {"resident_submitter"},
    "reassign": LEADERS,
    "bind": LEADERS,
    # casework (issue 11; every status and role in tests/test_domain_casework.py)
    "return": {"assignee_worker"},
    "extend": {"assignee_worker"},
    "explain": {"assignee_worker"},
    "supervise": LEADERS,
    "redcard": {"big_leader", "admin"},  # 挂牌督办: the big-grid leader or the admin
    "reroute": LEADERS,
    "not_ours": LEADERS,
    "approve_ext": LEADERS,
    "refuse_ext": LEADERS,
    "merge": LEADERS,
    "lift": LEADERS,
    "me_too": set(ROLES) - {"resident_submitter"},
}
NEW_GROUP = -300


@pytest.fixture
async def h(tmp_path):
    roster = tmp_path / "roster.csv"
    text = ROSTER.read_text(encoding="utf-8").replace("worker@GN-1-2,,", "worker@GN-1-2,9006,")
    roster.write_text(text + "person,p007,孙丽,,,worker@GN-1-1,9007,,zh\n", encoding="utf-8")
    bot = await Harness(tmp_path).start(Path(roster))
    errors: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = errors.append
    logging.getLogger().addHandler(handler)
    await _bound(bot)
    bot.errors = errors
    yield bot
    logging.getLogger().removeHandler(handler)
    await bot.stop()
    assert not errors, [r.getMessage() for r in errors]


async def _tg_of(bot, person_id: int) -> int:
    return (await bot.ctx.db.fetchone("SELECT tg_user_id FROM people WHERE id = ?", (person_id,)))[0]


async def _person(bot, tg: int) -> int:
    return (await bot.ctx.db.fetchone("SELECT id FROM people WHERE tg_user_id = ?", (tg,)))[0]


async def _uids(bot) -> dict[str, int]:
    """Role -> Telegram id, with the assignee of ticket 1 (if any) resolved from the store."""
    row = await bot.ctx.db.fetchone("SELECT assignee_id FROM tickets WHERE id = 1")
    assignee = await _tg_of(bot, row[0]) if row and row[0] else WORKERS[0]
    if assignee not in WORKERS:
        assignee = WORKERS[0]
    return {
        **ROLES,
        "assignee_worker": assignee,
        "other_worker_same_grid": next(w for w in WORKERS if w != assignee),
    }


async def state(bot) -> list:
    """Everything an action could change."""
    out = []
    for sql in (
        "SELECT * FROM tickets ORDER BY id",
        "SELECT ticket_id, action, from_status, to_status, actor_person_id FROM ticket_events ORDER BY id",
        "SELECT chat_id, grid, bound_by FROM groups",
        "SELECT * FROM people ORDER BY id",
        "SELECT * FROM roles ORDER BY person_id, grid, role",
    ):
        out.append([tuple(r) for r in await bot.ctx.db.fetchall(sql)])
    return out


async def _complaint(bot, upto: str = "open") -> None:
    await bot.say(5001, GROUP, "/complain 路灯坏了")
    assignee = (await _uids(bot))["assignee_worker"]
    if upto in {"accepted", "closed"}:
        await bot.press(assignee, assignee, 1, "t:1:acc")
    if upto == "closed":
        await bot.press(assignee, assignee, 1, "t:1:cls")
        await bot.say(assignee, assignee, "修好了")
    status = (await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1"))[0]
    assert status == upto


def _polite(text: str) -> None:
    assert text and not text.startswith("refused_") and "出了点问题" not in text, text


SETUP = {
    "submit": None,
    "bind": None,
    "claim": "wish",
    "accept": "open",
    "decline": "open",
    "close": "accepted",
    "confirm": "closed",
    "reassign": "accepted",
    "return": "open",
    "extend": "accepted",
    "explain": "accepted",
    "supervise": "open",
    "redcard": "open",
    "reroute": "returned",
    "not_ours": "returned",
    "approve_ext": "extension",
    "refuse_ext": "extension",
    "merge": "two",
    "lift": "supervised",
    "me_too": "public",
}
EVENT = {
    "claim": "claim",
    "accept": "accept",
    "decline": "decline",
    "close": "close",
    "confirm": "confirm",
    "reassign": "reassign",
    "return": "return",
    "extend": "extension_request",
    "explain": "close",
    "supervise": "supervise",
    "redcard": "supervise",
    "reroute": "reroute",
    "not_ours": "close",
    "approve_ext": "extension_approve",
    "refuse_ext": "extension_refuse",
    "merge": "merge",
    "lift": "lift",
    "me_too": "support",
}


async def _casework_setup(bot, upto: str) -> None:
    """Ticket 1 returned by its worker, waiting for an extension decision, supervised; or two open."""
    await _complaint(bot, "accepted" if upto == "extension" else "open")
    assignee = (await _uids(bot))["assignee_worker"]
    if upto == "returned":
        await bot.press(assignee, assignee, 1, "c:1:rr:0")
    elif upto == "extension":
        await _act(bot, "extend", assignee)
    elif upto == "supervised":
        await bot.say(9003, 9003, "/supervise 1")
    elif upto == "two":
        await bot.say(5002, GROUP, "/complain 井盖松动")
    column = {"returned": "returned_by", "extension": "extension_due", "supervised": "supervision"}.get(
        upto, "id"
    )
    rows = await bot.ctx.db.fetchall(f"SELECT {column} FROM tickets ORDER BY id")
    assert rows[0][0] is not None and len(rows) == (2 if upto == "two" else 1)


async def _setup(bot, action: str) -> None:
    """Bring ticket 1 to where the action applies (done by the people whose job it is)."""
    if SETUP[action] in {"returned", "extension", "supervised", "two"}:
        await _casework_setup(bot, SETUP[action])
    elif SETUP[action] == "wish":
        await bot.say(5001, GROUP, "/wish 帮老人买菜")
    elif SETUP[action] == "public":
        await bot.say(5001, GROUP, "/complain 设施维修 路灯坏了")
    elif SETUP[action]:
        await _complaint(bot, SETUP[action])


async def _act(bot, action: str, uid: int) -> str:
    """Perform the action as uid through the handlers; return the answer or reply the user saw."""
    if action == "submit":
        await bot.say(uid, GROUP, "/wish 帮忙搬个柜子")
        return bot.last(GROUP)["text"]
    if action == "bind":
        await bot.say(uid, NEW_GROUP, "/bind GN-1-1")
        return bot.last(NEW_GROUP)["text"]
    if action in {"supervise", "redcard", "lift"}:
        await bot.say(uid, uid, f"/{action} 1")
        return bot.last(uid)["text"]
    if action == "merge":
        await bot.say(uid, uid, "/merge 2 1")
        return bot.last(uid)["text"]
    data = {
        "claim": "t:1:clm",
        "accept": "t:1:acc",
        "decline": "t:1:dec",
        "close": "t:1:cls",
        "confirm": "t:1:yes",
        "return": "c:1:rr:0",
        "extend": "c:1:ext",
        "explain": "c:1:exp",
        "me_too": "c:1:me",
        "not_ours": "c:1:no",
        "approve_ext": "c:1:ea",
        "refuse_ext": "c:1:er",
    }.get(action)
    if action == "reroute":
        data = f"c:1:rt:{await _person(bot, (await _uids(bot))['other_worker_same_grid'])}"
    if action == "reassign":
        other = (await _uids(bot))["other_worker_same_grid"]
        data = f"e:1:rsg:{await _person(bot, other)}"
    chat = GROUP if action in {"claim", "confirm", "me_too"} else uid
    await bot.press(uid, chat, 1, data)
    answer = bot.answers()[-1]
    if action in {"decline", "close", "explain", "not_ours"}:  # the reason or note, answering the prompt
        await bot.say(uid, uid, "我这周出差" if action == "decline" else "已处理")
    if action == "extend":
        due = (await bot.ctx.db.fetchone("SELECT resolve_due FROM tickets WHERE id = 1"))[0]
        later = datetime.fromtimestamp(due + 2 * 86400, bot.ctx.config.timezone)
        await bot.say(uid, uid, f"{later:%Y-%m-%d} 等配件")
    return answer


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(ALLOWED))
async def test_role_action(h, action, role):
    bot = h
    await _setup(bot, action)
    uid = (await _uids(bot))[role]
    before = await state(bot)
    answer = await _act(bot, action, uid)
    after = await state(bot)
    if role in ALLOWED[action]:
        assert after != before, f"{role} should be able to {action}"
        if action not in {"submit", "bind"}:
            row = await bot.ctx.db.fetchone("SELECT action FROM ticket_events ORDER BY id DESC LIMIT 1")
            assert row[0] == EVENT[action]
    else:
        assert after == before, f"{role} must not be able to {action}"
        _polite(answer)


@pytest.mark.parametrize(
    "command",
    [
        "/import roster.csv",
        "/roster import x.csv",
        "/post weekly",
        "/export",
        "/backup x",
        "/privacy erase 5001",
        "/erase 5001",
    ],
)
@pytest.mark.parametrize("chat", [GROUP, 9001])
async def test_operator_actions_have_no_chat_command(h, command, chat):
    bot = h
    before = await state(bot)
    calls = len(bot.transport.calls)
    await bot.say(9001, chat, command)  # the community admin, in the group and in private
    assert await state(bot) == before
    assert all(n != "sendMessage" or "导入" not in p["text"] for n, p in bot.transport.calls[calls:])


async def test_assignee_of_setup_is_the_first_worker(h):
    """The table above assumes routing gives ticket 1 to worker 9004 (least loaded, lowest id)."""
    await h.say(5001, GROUP, "/complain 路灯坏了")
    assert (await _uids(h))["assignee_worker"] == 9004


async def test_forged_and_replayed_presses_change_nothing(h):
    bot = h
    await bot.say(5001, GROUP, "/complain 路灯坏了")  # ticket 1 -> 9004
    await bot.say(5002, GROUP, "/complain 井盖松动")  # ticket 2 -> 9007 (least loaded)
    t2 = await _tg_of(bot, (await bot.ctx.db.fetchone("SELECT assignee_id FROM tickets WHERE id = 2"))[0])
    assert t2 == 9007
    await bot.press(9004, 9004, 1, "t:1:acc")
    cases = [
        (9004, 9004, "t:2:acc"),  # another ticket's button (not theirs)
        (9004, 9004, "t:2:dec"),
        (9004, 9004, "t:2:cls"),
        (9007, 9004, "t:1:cls"),  # another user pressing in someone else's chat
        (5002, 5002, "t:1:yes"),  # a neighbour confirming
        (5001, 5001, "t:1:r:5"),  # rating before done
        (9004, 9004, "t:1:acc"),  # replay of an accepted press
        (9004, 9004, "t:99999:acc"),  # no such ticket
        (9004, 9004, "t:1:acc:5"),  # garbage suffix
        (9004, 9004, "t:1:acc" + "x" * 80),  # too long (> 64 bytes)
        (9004, 9004, "x" * 200),
        (9004, 9004, ""),
        (9004, 9004, "e:1:rsg:5"),  # a worker trying a leader's button
        (9003, 9003, "e:1:rsg:999"),  # a leader reassigning to someone not in the grid
        (9003, 9003, "e:1:nud:7"),
        (5001, 5001, "d:grid:GN-1-1"),  # a draft step without a draft
        (5001, 5001, "t:-1:acc"),
        (5001, 5001, "t:1:clm"),  # claiming a complaint
    ]
    for uid, chat, data in cases:
        before = await state(bot)
        n = len(bot.answers())
        await bot.press(uid, chat, 1, data)
        assert await state(bot) == before, data
        assert len(bot.answers()) == n + 1, f"exactly one answer for {data!r}"
        _polite(bot.answers()[-1])
    await bot.press(9004, 9004, 1, "t:1:cls")
    await bot.say(9004, 9004, "修好了")
    await bot.press(5001, GROUP, 50, "t:1:yes")
    before = await state(bot)
    await bot.press(5001, GROUP, 50, "t:1:yes")  # replayed confirm
    await bot.press(5001, GROUP, 50, "t:1:no")  # and a late "not resolved"
    assert await state(bot) == before
    _polite(bot.answers()[-1])
    update = await bot.press(5001, GROUP, 50, "t:1:r:4")
    before = await state(bot)
    await bot.feed(update)  # the same update redelivered
    await bot.press(5001, GROUP, 50, "t:1:r:1")  # a second rating
    assert await state(bot) == before
    _polite(bot.answers()[-1])
