"""Deadlines: what is due for a ticket at `now` — reminders, escalation up the tree, auto-confirm.

Pure. The sweep service loads a due ticket, calls `step`, then saves the new ticket, appends the
events and turns the alerts into notices in one transaction, so every step happens exactly once
(the plan's progress is stored on the ticket itself: `alert_for`, `alert_step`, `alert_at`).

The plan for the watched deadline D (acceptance of an open ticket, resolution of an accepted one):

    step 0  at D - remind_before        remind the assignee (left out when the deadline's window
                                        is not longer than that, or when quiet hours would hold
                                        the reminder until D anyway)
    step 1  at D                        tell the assignee it passed; escalate to level 1
    step k  at release(step k-1) + window   escalate to level k (k = 2, 3 …)

`- remind_before` and `+ window` run on the deadline's own clock: working time when its SLA tier
counts that deadline in working hours or days (`3wd`, `16wh`: nights, weekends and holidays do not
count), else wall-clock time. Quiet hours hold notices on the wall clock either way.

Levels are the reachable rungs of the ladder: small-group leader, big-grid leader, community
admin. Each level's window starts when its notice can actually go out (after quiet hours).
A transition that changes the watched deadline (accept, reassign, take, reopen…) makes the plan
stale; `plan` starts a fresh one. A closed ticket is auto-confirmed at `confirm_due`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone, tzinfo

from bot.domain import casework, tickets
from bot.domain.sla import QuietHours, Tier
from bot.domain.tickets import Event, Status, Ticket


@dataclass(frozen=True)
class Policy:
    """How early to remind, how long each escalation level gets, and when nobody is disturbed."""

    remind_before: timedelta
    escalation_window: timedelta
    quiet: QuietHours | None = None
    zone: tzinfo = timezone.utc


@dataclass(frozen=True)
class Alert:
    """Something to tell people: `remind` (before D), `overdue`, `escalate` (to `level`), `auto_confirm`,
    `calendar_gap` (D was counted Monday to Friday: no calendar covers `year`)."""

    kind: str
    deadline: str  # accept, resolve or confirm
    due: datetime  # the deadline it is about
    level: int = 0
    release: datetime | None = None  # when quiet hours let it out
    year: int | None = None  # calendar_gap: the year no working-day calendar covers


@dataclass(frozen=True)
class Step:
    """The outcome of one look at a ticket: its new state, timeline events and alerts to send."""

    ticket: Ticket
    events: list[Event] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def release(moment: datetime, policy: Policy) -> datetime:
    """When a notice written at `moment` may go out: held through quiet hours (local time)."""
    if policy.quiet is None:
        return moment
    return policy.quiet.release_time(moment.astimezone(policy.zone)).astimezone(moment.tzinfo)


def _ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def plan(t: Ticket, policy: Policy, tier: Tier) -> Ticket:
    """The ticket with a fresh alert plan for its watched deadline, if its plan is missing or stale."""
    key, watched = t.alert_key, t.watched
    if key is None or watched is None or t.alert_for == key:
        return t
    name, due = watched
    window = tier.accept if name == "accept" else tier.resolve
    if policy.remind_before < window:
        remind = tier.earlier(name, due, policy.remind_before)
        return replace(t, alert_for=key, alert_step=0, alert_at=_ts(remind), escalation_level=0)
    return replace(t, alert_for=key, alert_step=1, alert_at=_ts(due), escalation_level=0)


def _advance(t: Ticket, now: datetime, policy: Policy, tier: Tier, levels: int) -> Step:
    """Do the plan's next step (it is due)."""
    watched = t.watched
    assert watched is not None, "a due plan watches a deadline"
    name, due = watched
    status = t.status.value
    out = release(now, policy)
    after_window = _ts(tier.later(name, out, policy.escalation_window))
    if t.alert_step == 0:
        nxt = replace(t, alert_step=1, alert_at=_ts(due))
        if out >= due:  # it could only arrive with (or after) the overdue notice: leave it out
            return Step(nxt)
        return Step(
            nxt,
            [Event("remind", status, status, {"deadline": name, "when": "before"})],
            [Alert("remind", name, due, 0, out)],
        )
    if t.alert_step == 1:
        events = [Event("remind", status, status, {"deadline": name, "when": "overdue"})]
        alerts = [Alert("overdue", name, due, 0, out)]
        if levels >= 1:
            events.append(Event("escalate", status, status, {"deadline": name, "level": 1}))
            alerts.append(Alert("escalate", name, due, 1, out))
        nxt = replace(
            t, alert_step=2, escalation_level=min(levels, 1), alert_at=after_window if levels >= 2 else None
        )
        return Step(nxt, events, alerts)
    level = t.alert_step
    if level > levels:  # the ladder got shorter since the plan was made: nobody left to tell
        return Step(replace(t, alert_at=None))
    nxt = replace(
        t, alert_step=level + 1, escalation_level=level, alert_at=after_window if level < levels else None
    )
    return Step(
        nxt,
        [Event("escalate", status, status, {"deadline": name, "level": level})],
        [Alert("escalate", name, due, level, out)],
    )


def step(t: Ticket, now: datetime, policy: Policy, tier: Tier, levels: int) -> Step:
    """Everything due for this ticket at `now`: the new ticket (with its next_due), events, alerts.

    `levels` is how many rungs of the ladder above the assignee can be reached (0 to 3).
    Calling it again at the same `now` with the returned ticket finds nothing more to do.
    """
    if t.status is Status.CLOSED:
        if t.report_due is not None and now >= t.report_due:  # the liaison did not report back (报到)
            late, overdue = casework.report_overdue(t, now)
            more = step(late, now, policy, tier, levels)
            alert = Alert("escalate", "report", t.report_due, 1, release(now, policy))
            return Step(more.ticket, overdue + more.events, [alert, *more.alerts])
        if t.confirm_due is not None and now >= t.confirm_due:
            confirmed, auto = tickets.auto_confirm(t, now)
            return Step(
                confirmed, auto, [Alert("auto_confirm", "confirm", t.confirm_due, 0, release(now, policy))]
            )
        return Step(t)
    current = plan(t, policy, tier)
    events, alerts = _gap(t, current, now, policy, tier)
    while (
        current.alert_for is not None
        and current.alert_for == current.alert_key
        and current.alert_due is not None
        and current.alert_due <= now
    ):
        done = _advance(current, now, policy, tier, levels)
        current = done.ticket
        events += done.events
        alerts += done.alerts
    return Step(current, events, alerts)


def uncovered(t: Ticket, tier: Tier, since: datetime) -> int | None:
    """The year no calendar covers that the ticket's watched working-time deadline runs into (it was
    counted Monday to Friday), else None; an approved extension's date is the leader's, not counted."""
    watched = t.watched
    if watched is None or (watched[0] == "resolve" and t.extension_count):
        return None
    return tier.uncovered(watched[0], since, watched[1])


def _gap(t: Ticket, planned: Ticket, now: datetime, policy: Policy, tier: Tier) -> tuple[list, list]:
    """A fresh plan for a working-time deadline that runs into a year no calendar covers: the event
    and the alert that tell the admin (once per deadline; the service tells each admin once a year)."""
    year = None if planned is t else uncovered(planned, tier, now)
    if year is None or planned.watched is None:
        return [], []
    name, due = planned.watched
    status = t.status.value
    event = Event("calendar_gap", status, status, {"deadline": name, "year": year})
    return [event], [Alert("calendar_gap", name, due, 0, release(now, policy), year)]


DUE_SOON = timedelta(hours=24)


def urgency(t: Ticket, now: datetime, soon: timedelta = DUE_SOON) -> str | None:
    """How an unfinished ticket stands against its deadline (to accept, else to resolve), never
    against the next reminder or escalation step: `overdue` once it has passed, however far the
    escalation has gone; `due_soon` within `soon`; else None. bot/store/reports.py mirrors it in SQL."""
    watched = t.watched
    if watched is None:
        return None
    if watched[1] < now:
        return "overdue"
    return "due_soon" if watched[1] < now + soon else None


def is_due(t: Ticket, now: datetime) -> bool:
    """True if something is due for this ticket at `now` (what the sweep's index query selects)."""
    return t.next_due is not None and t.next_due <= now
