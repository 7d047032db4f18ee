"""Inline button data, the one module that writes and reads it (Telegram allows 64 bytes):

    t:<ticket>:<action>[:<stars>]        the ticket's buttons (accept, decline, claim, close, yes/no, rate)
    e:<ticket>:<action>[:<person>]       a leader's answer to an escalation (nudge, reassign, take)
    c:<ticket>:<action>[:<arg>]          casework (return, reroute, me too, extension, merge…)
    d:<step>[:<value>]                   a step of a private draft
    v:<ticket>:<answer>                  the big-grid leader's call-back answer (ok, no, na)
    w:<ticket>:log                       a worker adds a work-log photo to a ticket they closed
    h:<ticket>:<minutes|x|pay|no>        the time bank: a helper's hours (x: typed), paying for a wish

Services build data with the functions below; handlers match it with the patterns below.
"""

from __future__ import annotations

import re

TICKET = re.compile(r"t:([0-9]{1,12}):(acc|dec|clm|cls|yes|no|r)(?::([1-5]))?")
ESCALATION = re.compile(r"e:([0-9]{1,12}):(nud|tak|rsg)(?::([0-9]{1,12}))?")
CASEWORK = re.compile(
    r"c:([0-9]{1,12}):(ret|rr|rt|no|me|ext|ea|er|exp|ref|rf|rep|dup|new)(?::([0-9]{1,12}|x))?"
)
CALLBACK = re.compile(r"v:([0-9]{1,12}):(ok|no|na)")
CALLBACK_ANSWERS = {"ok": "satisfied", "no": "unsatisfied", "na": "unreachable"}
HOURS = re.compile(r"h:([0-9]{1,12}):([0-9]{1,4}|x|pay|no)")
DRAFT = re.compile(r"d:(kind|cat|skip|grid|cancel)(?::([\w\-]{1,40}))?", re.ASCII)
WORKLOG = re.compile(r"w:([0-9]{1,12}):log")


def _join(*parts: object) -> str:
    return ":".join(str(p) for p in parts if p is not None)


def ticket(ticket_id: int | None, action: str, arg: object = None) -> str:
    """A ticket's own button."""
    return _join("t", ticket_id, action, arg)


def escalation(ticket_id: int | None, action: str, arg: object = None) -> str:
    """A leader's button on an escalated ticket."""
    return _join("e", ticket_id, action, arg)


def casework(ticket_id: int | None, action: str, arg: object = None) -> str:
    """A casework button."""
    return _join("c", ticket_id, action, arg)


def draft(step: str, value: object = None) -> str:
    """A button of a private draft's step."""
    return _join("d", step, value)


def callback_review(ticket_id: int | None, result: str) -> str:
    """A call-back answer button: `result` is satisfied, unsatisfied or unreachable."""
    code = {v: k for k, v in CALLBACK_ANSWERS.items()}[result]
    return _join("v", ticket_id, code)


def worklog(ticket_id: int | None) -> str:
    """The "add a photo" button on a ticket the worker closed."""
    return _join("w", ticket_id, "log")


def hours(ticket_id: int | None, arg: object) -> str:
    """A time-bank button: minutes spent, "x" (type them), "pay" or "no" (paying for a wish)."""
    return _join("h", ticket_id, arg)
