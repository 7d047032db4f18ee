"""The reminder and escalation policy from the configuration, and planning a ticket's reminders by it."""

from __future__ import annotations

from bot.domain import deadlines
from bot.domain.tickets import Ticket
from bot.services.context import Ctx


def policy(ctx: Ctx) -> deadlines.Policy:
    """The reminder and escalation policy from the configuration."""
    c = ctx.config
    return deadlines.Policy(c.remind_before, c.escalation_window, c.quiet_hours, c.timezone)


def planned(ctx: Ctx, t: Ticket) -> Ticket:
    """The ticket with its reminders planned for the deadline a transition just set (saves a sweep pass);
    a deadline in a year no calendar covers is left to the sweep, which also tells the admin."""
    tier = ctx.config.tier_for(t.kind.value, t.category)
    if deadlines.uncovered(t, tier, t.created_at) is not None:
        return t
    return deadlines.plan(t, policy(ctx), tier)
