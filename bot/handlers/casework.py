"""Casework buttons `c:<ticket>:<action>[:<arg>]` and leaders' commands /supervise, /redcard, /lift, /merge.

Buttons: ret (return: reasons), rr:<i|x> (a listed reason, or type one), rt:<person> (reroute), no (not
ours), me (me too), ext (ask for more time), ea / er (approve / refuse it), exp (explain), ref (refer:
liaisons), rf:<person> (refer to them), rep (the liaison reports back), dup:<target> / new (the
duplicate question).
"""

from __future__ import annotations


from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.callback_data import CASEWORK
from bot.domain import casework as domain
from bot.domain.inputs import parse_number
from bot.domain.tickets import Refused
from bot.handlers.base import answer_press, ctx_of, guarded, now, who_of
from bot.services import extension, outcomes, reply, returns, supervision, support
from bot.services.act import Pressed

WITH_ARG = {"rr", "rt", "rf", "dup"}


def _call(ctx, who, tid: int, action: str, arg: str | None, uid: int, where: Pressed | None):
    t = now()
    if action == "rr":
        if arg == "x":
            return returns.ask_reason(ctx, who, tid, t, uid)
        if not arg.isdigit() or int(arg) >= len(domain.RETURN_REASONS):
            raise Refused("bad_button")
        return returns.give_back(ctx, who, tid, domain.RETURN_REASONS[int(arg)], t, uid, where)
    calls = {
        "ret": lambda: returns.choose_reason(ctx, who, tid, t, uid),
        "rt": lambda: returns.reroute(ctx, who, tid, int(arg), t, uid, where),
        "no": lambda: returns.ask_not_ours(ctx, who, tid, t, uid),
        "me": lambda: support.me_too(ctx, who, tid, t, uid),
        "ext": lambda: extension.ask_request(ctx, who, tid, t, uid),
        "ea": lambda: extension.decide(ctx, who, tid, True, t, uid, where),
        "er": lambda: extension.decide(ctx, who, tid, False, t, uid, where),
        "exp": lambda: outcomes.ask_explanation(ctx, who, tid, t, uid),
        "ref": lambda: outcomes.choose_liaison(ctx, who, tid, t, uid),
        "rf": lambda: outcomes.ask_referral(ctx, who, tid, int(arg), t, uid),
        "rep": lambda: outcomes.report(ctx, who, tid, t, uid),
        "dup": lambda: support.merge(ctx, who, tid, int(arg), t, uid, by_resident=True),
        "new": lambda: support.keep_new(ctx, who, tid, t, uid, where),
    }
    return calls[action]()


@guarded
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a casework press to its service; forged or stale data is refused politely."""
    q = update.callback_query
    m = CASEWORK.fullmatch(q.data or "")
    if m is None or (m[3] is None) == (m[2] in WITH_ARG) or (m[3] == "x" and m[2] != "rr"):
        raise Refused("bad_button")
    where = Pressed(q.message.chat.id, q.message.message_id) if q.message else None
    outcome = await _call(ctx_of(context), who_of(update), int(m[1]), m[2], m[3], update.update_id, where)
    await answer_press(update, outcome.answer)


def _mark(kind: str | None):
    @guarded
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/supervise N`, `/redcard N`, `/lift N` (leaders)."""
        number = parse_number(" ".join(context.args or []), prefix="#")
        if number is None:
            raise Refused("supervise_usage")
        ctx = ctx_of(context)
        outcome = await supervision.mark(ctx, who_of(update), number, kind, now(), update.update_id)
        await reply.tell_text(ctx, update.effective_chat.id, outcome.answer, now())

    return handler


@guarded
async def merge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/merge N M`: a leader folds ticket N into ticket M as a duplicate."""
    args = context.args or []
    numbers = [parse_number(a, prefix="#") for a in args]
    if len(numbers) != 2 or None in numbers:
        raise Refused("merge_usage")
    ctx = ctx_of(context)
    outcome = await support.merge(ctx, who_of(update), numbers[0], numbers[1], now(), update.update_id)
    await reply.tell_text(ctx, update.effective_chat.id, outcome.answer, now())


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^c:"))
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("supervise", _mark("supervise"), private))
    app.add_handler(CommandHandler("redcard", _mark("red"), private))
    app.add_handler(CommandHandler("lift", _mark(None), private))
    app.add_handler(CommandHandler("merge", merge, private))
