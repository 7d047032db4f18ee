"""Helpers shared by the ticket services: locales, people's names, the card, resident notices."""

from __future__ import annotations

from bot import i18n
from bot.domain import deadlines
from bot.domain.records import User
from bot.domain.routing import Track
from bot.domain.tickets import Kind, Status, Ticket
from bot.services.context import Ctx
from bot.services.notices import Buttons, Notice
from bot.store.uow import UnitOfWork, as_uow
from bot import callback_data as cb

ROLE_ORDER = ["worker", "liaison", "small_leader", "big_leader", "admin", "volunteer"]


async def user_locale(ctx: Ctx, uow: UnitOfWork, user_id: int | None, language: str | None = None) -> str:
    """A Telegram user's language: their /lang choice, else their roster entry's, else their Telegram
    language (`language`, the update's language_code, if not yet recorded), else the bot's default."""
    uow = as_uow(uow)
    user = await uow.people.user(user_id) if user_id else None
    if user is None and user_id:  # not seen yet: a roster person bound by the import, or nobody
        person = await uow.people.person_by_user(user_id)
        return i18n.first_choice(
            person.locale if person else None, i18n.from_telegram(language), default=ctx.config.locale
        )
    return i18n.first_choice(
        user.locale if user else None,
        user.roster_locale if user else None,
        user.tg_language if user else None,
        i18n.from_telegram(language),
        default=ctx.config.locale,
    )


def _locale_of(ctx: Ctx, user: User | None) -> str:
    """A user's language: their choice, else the roster's, else Telegram's, else the default."""
    return i18n.first_choice(
        user.locale if user else None,
        user.roster_locale if user else None,
        user.tg_language if user else None,
        default=ctx.config.locale,
    )


async def person_locale(ctx: Ctx, uow: UnitOfWork, person_id: int | None) -> str:
    """A staff member's language: their /lang choice, else the roster's, else Telegram's, else the default."""
    uow = as_uow(uow)
    who = await uow.people.person(person_id)
    user = await uow.people.user(who.tg_user_id) if who and who.tg_user_id else None
    return i18n.first_choice(
        user.locale if user else None,
        who.locale if who else None,
        user.tg_language if user else None,
        default=ctx.config.locale,
    )


async def group_locale(ctx: Ctx, uow: UnitOfWork, chat_id: int | None) -> str:
    """A group's language."""
    group = await as_uow(uow).groups.get(chat_id) if chat_id else None
    return i18n.pick(group.locale if group and group.locale else ctx.config.locale)


async def staff_label(uow: UnitOfWork, person_id: int | None, grid: str, locale: str) -> str:
    """`网格员 赵强`: the person's role near the grid and their name."""
    found = await as_uow(uow).people.label(person_id)
    if found is None:
        return i18n.label(locale, "nobody")
    held = sorted(found.roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else 99)
    role = i18n.label(locale, f"role_{held[0]}") if held else ""
    return f"{role} {found.name}".strip()


def policy(ctx: Ctx) -> deadlines.Policy:
    """The reminder and escalation policy from the configuration."""
    c = ctx.config
    return deadlines.Policy(c.remind_before, c.escalation_window, c.quiet_hours, c.timezone)


def planned(ctx: Ctx, t: Ticket) -> Ticket:
    """The ticket with its reminders planned for the deadline a transition just set (saves a sweep pass)."""
    return deadlines.plan(t, policy(ctx), ctx.config.tier_for(t.kind.value, t.category))


def category_name(ctx: Ctx, key: str, locale: str) -> str:
    """The category's display name in a locale."""
    return ctx.config.category(key).names.get(locale, key)


def ticket_view(ctx: Ctx, t: Ticket, locale: str) -> dict:
    """Template parameters describing a ticket."""
    return {
        "t": t,
        "kind": i18n.label(locale, f"kind_{t.kind.value}"),
        "category": category_name(ctx, t.category, locale),
        "status": i18n.label(locale, f"status_{t.status.value}"),
        "tz": ctx.config.timezone,
    }


def is_public(ctx: Ctx, t: Ticket) -> bool:
    """A public matter (公家事 track): its group card invites neighbours to say "me too"."""
    return ctx.config.category(t.category).track is Track.PUBLIC and t.kind is Kind.COMPLAINT


def card_buttons(t: Ticket, locale: str, public: bool = False) -> Buttons | None:
    """Group card buttons: an open wish can be claimed; a public matter gets "me too" (with its count)."""
    if t.kind is Kind.WISH and t.status is Status.OPEN:
        return [[(i18n.label(locale, "btn_claim"), cb.ticket(t.id, "clm"))]]
    if public and t.status in (Status.OPEN, Status.ACCEPTED, Status.CLOSED):
        count = f" ({t.support_count})" if t.support_count else ""
        return [[(i18n.label(locale, "btn_me_too") + count, cb.casework(t.id, "me"))]]
    return None


async def card(ctx: Ctx, uow: UnitOfWork, t: Ticket, **extra: object) -> list[Notice]:
    """The group card (sent the first time, edited afterwards); complaints never show their text."""
    if t.origin_chat_id is None or t.origin_chat_id > 0:
        return []
    loc = await group_locale(ctx, uow, t.origin_chat_id)
    who = await staff_label(uow, t.assignee_id, t.grid, loc) if t.assignee_id else None
    public = is_public(ctx, t)
    text = i18n.render(loc, "card", assignee=who, public=public, **ticket_view(ctx, t, loc), **extra)
    return [Notice(t.origin_chat_id, text, card_buttons(t, loc, public), op="card", ticket_id=t.id)]


def mention(user_id: int, name: str) -> dict:
    """Parameters for a template's mention of a user (the template escapes the name)."""
    return {"mention_id": user_id, "mention_name": name or str(user_id)}


async def to_resident(
    ctx: Ctx,
    uow: UnitOfWork,
    t: Ticket,
    template: str,
    buttons_for: object = None,
    quiet: bool = True,
    in_group: bool = True,
    **params: object,
) -> list[Notice]:
    """Tell the resident privately; if they never started the bot (or blocked it), in their group."""
    user = await as_uow(uow).people.user(t.resident_id)
    private_ok = bool(user and user.reachable)
    if not in_group and not private_ok:
        return []
    loc = _locale_of(ctx, user)
    gloc = await group_locale(ctx, uow, t.origin_chat_id)
    name = user.first_name if user else ""
    make = buttons_for if callable(buttons_for) else (lambda _loc: None)
    group_text = (
        i18n.render(
            gloc, f"{template}_group", **ticket_view(ctx, t, gloc), **mention(t.resident_id, name), **params
        )
        if in_group
        else None
    )
    group_buttons = make(gloc)
    if in_group and t.kind is Kind.COMPLAINT:  # the group learns nothing of who complained or what about
        group_text, group_buttons = neutral_news(ctx, t, gloc)
    if private_ok or t.origin_chat_id is None:
        text = i18n.render(loc, template, **ticket_view(ctx, t, loc), **params)
        return [
            Notice(
                t.resident_id,
                text,
                make(loc),
                quiet=quiet,
                ticket_id=t.id,
                fallback_chat_id=t.origin_chat_id if in_group else None,
                fallback_text=group_text,
                fallback_buttons=group_buttons,
            )
        ]
    return [Notice(t.origin_chat_id, group_text, group_buttons, quiet=quiet, ticket_id=t.id)]


def neutral_news(ctx: Ctx, t: Ticket, gloc: str) -> tuple[str, Buttons]:
    """For a complaint's resident who cannot be written to privately: a group message naming nobody,
    with a button opening the private chat, where the bot shows them their ticket (/start t_N)."""
    button = [[(i18n.label(gloc, "btn_read_privately"), "url:" + ctx.deep_link(f"t_{t.id}"))]]
    return i18n.render(gloc, "news_private", t=t), button


async def to_person(
    ctx: Ctx,
    uow: UnitOfWork,
    person_id: int | None,
    template: str,
    t: Ticket,
    buttons_for: object = None,
    quiet: bool = True,
    **params: object,
) -> list[Notice]:
    """A private message to a staff member who has bound their Telegram account."""
    who = await as_uow(uow).people.person(person_id) if person_id else None
    if who is None or who.tg_user_id is None:
        return []
    loc = await person_locale(ctx, uow, who.id)
    make = buttons_for if callable(buttons_for) else (lambda _loc: None)
    text = i18n.render(loc, template, **ticket_view(ctx, t, loc), **params)
    return [Notice(who.tg_user_id, text, make(loc), quiet=quiet, ticket_id=t.id)]


def accept_buttons(t: Ticket) -> object:
    """Accept and Return (退单, with a reason for the dispatcher), for the assignee's private request."""
    return lambda loc: [
        [
            (i18n.label(loc, "btn_accept"), cb.ticket(t.id, "acc")),
            (i18n.label(loc, "btn_return"), cb.casework(t.id, "ret")),
        ]
    ]


def close_buttons(t: Ticket) -> object:
    """Close (resolved), the honest other closures, more time and return, for the worker's accepted ticket."""
    return lambda loc: [
        [(i18n.label(loc, "btn_close"), cb.ticket(t.id, "cls"))],
        [
            (i18n.label(loc, "btn_explain"), cb.casework(t.id, "exp")),
            (i18n.label(loc, "btn_refer"), cb.casework(t.id, "ref")),
        ],
        [
            (i18n.label(loc, "btn_extend"), cb.casework(t.id, "ext")),
            (i18n.label(loc, "btn_return"), cb.casework(t.id, "ret")),
        ],
    ]


def confirm_buttons(t: Ticket) -> object:
    """Resolved? Yes / No, for the resident."""
    return lambda loc: [
        [
            (i18n.label(loc, "btn_yes"), cb.ticket(t.id, "yes")),
            (i18n.label(loc, "btn_no"), cb.ticket(t.id, "no")),
        ]
    ]


def rating_buttons(t: Ticket) -> object:
    """One to five stars, for the resident."""
    return lambda loc: [[(f"{n}⭐", cb.ticket(t.id, "r", n)) for n in range(1, 6)]]


async def assignment_request(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, declined_by: int | None = None, reason: str = ""
) -> list[Notice]:
    """The private request to the assignee: the resident's photo if any, full text, Accept and Decline;
    for a declined ticket, who declined it and why."""
    by = (
        await staff_label(uow, declined_by, t.grid, await person_locale(ctx, uow, t.assignee_id))
        if declined_by
        else None
    )
    request = await to_person(
        ctx, uow, t.assignee_id, "assigned", t, accept_buttons(t), declined_by=by, reason=reason
    )
    for n in request:
        n.extra["tag"] = "request"  # edited when someone else takes the ticket (bot.services.retire)
    if request and t.photo_file_id:
        loc = await person_locale(ctx, uow, t.assignee_id)
        caption = i18n.render(loc, "ticket_photo", **ticket_view(ctx, t, loc))
        request.insert(
            0,
            Notice(
                request[0].chat_id, caption, op="photo", photo=t.photo_file_id, ticket_id=t.id, quiet=True
            ),
        )
    return request
