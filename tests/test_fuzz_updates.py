"""Bad input: thousands of seeded random updates through the real handlers.

Asserts: no unhandled exception (no ERROR log record), every message the bot sent is valid Telegram
HTML within Telegram's limits, user text that looks like HTML arrives escaped, and the store changed
only through valid actions — the tickets, their events and the drafts are exactly what a small model
of the rules predicts from the same updates. FUZZ_UPDATES raises the count, FUZZ_SEED changes the seed.
"""

from __future__ import annotations

import logging
import os
import random
import time

from bot.domain.inputs import is_blank, visible
from bot.emulator.htmlcheck import parse_html, utf16_len
from bot.handlers.buttons import DRAFT, FIELDS
from bot.services import intake
from tests.test_story import GROUP, _bound

DRAFT_VALUES = [
    "wish",
    "complaint",
    "other",
    "sanitation",
    "photo",
    "location",
    "text",
    "GN-1-1",
    "GN",
    "NOPE",
    "环境",
    "",
]

COUNT = int(os.environ.get("FUZZ_UPDATES", "10000"))  # ~26 s here (55 s on a loaded machine)
SEED = int(os.environ.get("FUZZ_SEED", "20240623"))
RESIDENTS = list(range(20_001, 20_121))
HTML_WISHES = [
    "<b>INJ-a</b> 帮忙",
    "<script>alert(1)</script> 修灯",
    "&amp; &lt;b&gt; 借梯子",
    '<a href="tg://user?id=1">点我</a>',
    "</b></i> 收尾",
    "<tg-spoiler>x</tg-spoiler>",
]
UNKNOWN_GROUPS = [-201, -202, -1001234567890]
GRIDS = {"GN", "GN-1", "GN-1-1", "GN-1-2"}
SUBMIT_COMMANDS = {"wish": "wish", "xinyuan": "wish", "complain": "complaint", "tousu": "complaint"}
MAX_OPEN = 5
NEXT = {
    "kind": "category",
    "category": "text",
    "text": "photo",
    "photo": "location",
    "location": "grid",
    "grid": "submit",
}


class Errors(logging.Handler):
    """Collects ERROR records from anywhere (the app's error handler logs on bot.app)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Gen:
    """Random updates of every odd kind, seeded."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0

    def token(self) -> str:
        self.serial += 1
        return f"INJ{self.serial}"

    def text(self) -> str:
        r = self.rng
        pieces = [
            "",
            " ",
            "\n\n",
            "帮忙修水龙头",
            "楼道灯不亮",
            "环境卫生",
            "环境卫生 垃圾没人收",
            "dispute 吵架",
            "x" * r.randint(4090, 5000),
            "字" * r.randint(1990, 2010),
            "\u202eevil\u202c",
            "שלום עולם",
            "مرحبا",
            "\u200b",
            "\u200b\u200c\u200d\ufeff",
            "a\u0301\u0302\u0303",
            "👨‍👩‍👧‍👦🚩⭐",
            "🏳️‍🌈" * 50,
            f"<b>{self.token()}</b>",
            "<script>alert(1)</script>",
            "&amp;",
            "&lt;b&gt;",
            "</b>",
            "<a href='x'>",
            "&#0;",
            "&#x110000;",
            "\x00\x01\x1f",
            "tg://user?id=1",
            "{{ 7*7 }}",
            "{n}",
            "%s%s",
            "\\",
            "\"'",
            "/status 1",
            "@grid_bot",
            "#1",
            "\r\n\t",
            "Ａ" * 30,
            "𝕏𝕐ℤ",
        ]
        return "".join(r.choice(pieces) for _ in range(r.choice([1, 1, 1, 2, 3])))

    def command(self, names: list[str]) -> str:
        r = self.rng
        name = r.choice(names)
        name = r.choice(
            [name, name, name.upper(), f"{name}@grid_bot", f"{name}@OtherBot", f"{name}@GRID_BOT"]
        )
        arg = r.choice(
            [
                self.text(),
                self.text(),
                "",
                "abc",
                "99999999999999999999",
                "-1",
                "#3",
                "0",
                "1",
                str(r.randint(1, 500)),
                " ".join(self.text() for _ in range(3)),
            ]
        )
        return f"/{name} {arg}" if arg or r.random() < 0.5 else f"/{name}"

    def callback_data(self) -> str:
        r = self.rng
        n = r.choice([0, 1, 2, 3, r.randint(1, 400), 10**12, 10**13, -1])
        return r.choice(
            [
                f"t:{n}:{r.choice(['acc', 'dec', 'clm', 'cls', 'yes', 'no', 'r', 'zzz'])}",
                f"t:{n}:r:{r.randint(-1, 9)}",
                f"d:{r.choice(['kind', 'cat', 'skip', 'grid', 'cancel', 'x'])}:{r.choice(DRAFT_VALUES)}",
                "d:cancel",
                "d:kind",
                "d:skip",
                "garbage",
                "",
                "t:",
                "d:",
                "t:1:acc" + "x" * 80,
                "x" * 300,
                "e:1:rsg:5",
                "t:1:acc\n",
                "t:１:acc",
                "d:kind:wish\u200b",
                "🚩" * 20,
                f"t:{n}:acc:{n}",
            ]
        )


def _command_of(text: str) -> tuple[str, bool] | None:
    """The command name and whether it is addressed to us, the way PTB's CommandHandler sees it."""
    if not text.startswith("/"):
        return None
    head = text.split()[0] if text.split() else text
    parts = head[1:].split("@") + ["grid_bot"]
    return parts[0].lower(), parts[1].lower() == "grid_bot"


class Model:
    """What the rules allow: tickets opened, drafts and their steps."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.tickets: list[tuple[int, str, str]] = []  # (resident, kind, text) in order
        self.open: dict[int, int] = {}
        self.drafts: dict[int, dict] = {}
        self.escaped_tokens: list[str] = []

    def _open(self, uid: int, kind: str, text: str, public: bool) -> bool:
        if self.open.get(uid, 0) >= MAX_OPEN:
            return False
        self.open[uid] = self.open.get(uid, 0) + 1
        self.tickets.append((uid, kind, text))
        if public and kind == "wish":
            self.escaped_tokens += [
                f"<b>{t.split('</b>')[0]}</b>"
                for t in text.split("<b>")[1:]
                if t.startswith("INJ") and "</b>" in t
            ]
        return True

    def group_text(self, uid: int, kind: str, text: str) -> None:
        category, body = intake.parse_category(self.ctx, text)
        if not is_blank(body) and len(body) <= intake.MAX_TEXT:
            self._open(uid, kind, visible(body), public=True)

    def begin(self, uid: int) -> None:
        self.drafts[uid] = {"step": "kind", "text": None}

    def answer(self, uid: int, field: str | None, value) -> None:
        d = self.drafts.get(uid)
        if d is None or field != d["step"]:
            return
        step = d["step"]
        cats = {c.key for c in self.ctx.config.categories}
        if step == "kind" and value not in {"wish", "complaint"}:
            return
        if step == "category" and value not in cats:
            return
        if step == "text":
            value = visible(str(value or ""))
            if not value or len(value) > intake.MAX_TEXT:
                return
            d["text"], d["kind_text"] = value, value
        if step == "grid" and not (value and str(value).strip() in GRIDS):
            return
        if step == "kind":
            d["kind"] = value
        nxt = NEXT[step]
        if nxt == "submit":
            if self._open(uid, d["kind"], d["text"], public=False):
                del self.drafts[uid]
            return
        d["step"] = nxt


async def test_fuzzed_updates_break_nothing(bot):
    await _bound(bot)
    errors = Errors()
    logging.getLogger().addHandler(errors)
    rng = random.Random(SEED)
    gen, model = Gen(rng), Model(bot.ctx)
    people_before = await bot.ctx.db.fetchall("SELECT * FROM people ORDER BY id")
    calls_before = len(bot.transport.calls)
    started = time.monotonic()
    kinds: dict[str, int] = {}
    try:
        for i, text in enumerate(HTML_WISHES):  # HTML-looking wishes: their cards must show them literally
            await bot.say(30_000 + i, GROUP, f"/wish {text}")
            model.group_text(30_000 + i, "wish", text)
            model.escaped_tokens.append(text)
        for _ in range(COUNT):
            kind = await _one(bot, rng, gen, model)
            kinds[kind] = kinds.get(kind, 0) + 1
    finally:
        logging.getLogger().removeHandler(errors)
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {COUNT} updates in {elapsed:.1f}s, {len(model.tickets)} tickets; {sorted(kinds.items())}")

    assert not errors.records, [
        f"{r.name}: {r.getMessage()} {r.exc_info and r.exc_info[1]!r}" for r in errors.records[:5]
    ]
    _check_output(bot.transport.calls[calls_before:], model)
    rows = await bot.ctx.db.fetchall("SELECT resident_id, kind, text FROM tickets ORDER BY id")
    assert [tuple(r) for r in rows] == model.tickets
    events = await bot.ctx.db.fetchall("SELECT ticket_id, action FROM ticket_events ORDER BY id")
    assert [tuple(e) for e in events] == [(i + 1, "submit") for i in range(len(model.tickets))]
    statuses = await bot.ctx.db.fetchall("SELECT DISTINCT status FROM tickets")
    assert {r[0] for r in statuses} <= {"open"}
    drafts = await bot.ctx.db.fetchall("SELECT user_id, step FROM drafts ORDER BY user_id")
    assert [tuple(r) for r in drafts] == sorted((u, d["step"]) for u, d in model.drafts.items())
    bound = await bot.ctx.db.fetchall("SELECT chat_id, grid FROM groups WHERE grid IS NOT NULL")
    assert [tuple(r) for r in bound] == [(GROUP, "GN-1-1")]
    assert [tuple(r) for r in await bot.ctx.db.fetchall("SELECT * FROM people ORDER BY id")] == [
        tuple(r) for r in people_before
    ]
    assert len(model.tickets) > min(50, COUNT // 100) and model.escaped_tokens, (
        "the fuzz should reach the valid paths too"
    )


def _check_output(calls, model: Model) -> None:
    plains: list[str] = []
    for name, p in calls:
        if name in {"sendMessage", "editMessageText"}:
            plain, _ = parse_html(p["text"])  # raises on invalid Telegram HTML
            assert plain.strip(), "empty message"
            assert utf16_len(plain) <= 4096, f"{name} too long: {utf16_len(plain)}"
            plains.append(plain)
        elif name == "sendPhoto":
            plain, _ = parse_html(p.get("caption") or "")
            assert utf16_len(plain) <= 1024
        elif name == "answerCallbackQuery":
            assert len(p.get("text") or "") <= 200
        for row in (
            (p.get("reply_markup") or {}).get("inline_keyboard", [])
            if isinstance(p.get("reply_markup"), dict)
            else []
        ):
            for b in row:
                assert len(b.get("callback_data", "").encode()) <= 64
    joined = "\n".join(plains)
    for token in model.escaped_tokens:  # shown literally, so it was escaped (unescaped it would be bold)
        assert token in joined, token
    assert "<script>" not in "".join(p.get("text", "") for n, p in calls if n == "sendMessage")


def _msg(bot, rng, uid: int, chat: int, **fields) -> dict:
    frm = (
        bot.user(uid)
        if rng.random() > 0.01
        else {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    )
    return {"message_id": rng.randint(1, 10**6), "date": 0, "chat": bot.chat(chat), "from": frm, **fields}


async def _one(bot, rng: random.Random, gen: Gen, model: Model) -> str:
    uid = rng.choice(RESIDENTS)
    roll = rng.random()
    if roll < 0.25:  # a command in a group
        chat = GROUP if rng.random() < 0.8 else rng.choice(UNKNOWN_GROUPS)
        text = gen.command(
            [
                "wish",
                "complain",
                "xinyuan",
                "tousu",
                "status",
                "my",
                "queue",
                "help",
                "lang",
                "bind",
                "new",
                "start",
                "import",
                "post",
                "export",
            ]
        )
        await bot.say(uid, chat, text)
        cmd = _command_of(text)
        if chat == GROUP and cmd and cmd[1] and cmd[0] in SUBMIT_COMMANDS:
            body = " ".join(text.split()[1:])
            if not is_blank(body):
                model.group_text(uid, SUBMIT_COMMANDS[cmd[0]], body)
        return "group-command"
    if roll < 0.35:  # a reply in the group: to a real prompt (someone's) or to anything
        prompts = await bot.ctx.db.fetchall(
            "SELECT message_id, user_id, purpose FROM prompts WHERE chat_id = ?", (GROUP,)
        )
        text = gen.text()
        if prompts and rng.random() < 0.6:
            mid, owner, purpose = rng.choice(prompts)
            uid = owner if rng.random() < 0.7 else uid
        else:
            mid, owner, purpose = rng.choice([rng.randint(1, 999), rng.randint(10**7, 10**9)]), None, None
        if rng.random() < 0.15:
            await bot.feed(
                {
                    "message": {
                        **_msg(
                            bot,
                            rng,
                            uid,
                            GROUP,
                            photo=[{"file_id": "F", "file_unique_id": "U", "width": 1, "height": 1}],
                        ),
                        "reply_to_message": {
                            "message_id": mid,
                            "date": 0,
                            "chat": bot.chat(GROUP),
                            "from": {"id": 777, "is_bot": True, "first_name": "G"},
                        },
                    }
                }
            )
            text = ""
        else:
            await bot.say(uid, GROUP, text, reply_to=mid)
        if owner == uid and not text.startswith("/") and purpose in {"wish", "complaint"}:
            model.group_text(uid, purpose, text)
        return "group-reply"
    if roll < 0.42:  # a plain text, sticker or photo in a group
        chat = rng.choice([GROUP, GROUP, *UNKNOWN_GROUPS])
        extra = rng.choice(
            [
                {"text": gen.text() or "."},
                {
                    "sticker": {
                        "file_id": "S",
                        "file_unique_id": "S",
                        "type": "regular",
                        "width": 1,
                        "height": 1,
                        "is_animated": False,
                        "is_video": False,
                    }
                },
                {"photo": [{"file_id": "P", "file_unique_id": "P", "width": 1, "height": 1}]},
            ]
        )
        await bot.feed({"message": _msg(bot, rng, uid, chat, **extra)})
        return "group-other"
    if roll < 0.62:  # a private chat: commands, draft answers, photos, locations, stickers
        r2 = rng.random()
        if r2 < 0.25:
            text = gen.command(["start", "new", "status", "my", "queue", "help", "lang", "wish", "bind"])
            await bot.say(uid, uid, text)
            cmd = _command_of(text)
            if cmd and cmd[1] and cmd[0] in {"start", "new"}:
                payload = (text.split()[1:] or [""])[0]
                if cmd[0] == "new" or not payload.startswith("inv_"):
                    model.begin(uid)
        elif r2 < 0.55:
            text = gen.text()
            await bot.say(uid, uid, text, reply_to=rng.choice([None, rng.randint(1, 10**6)]))
            if not text.startswith("/") and text:
                model.answer(uid, "text", text)
        elif r2 < 0.7:
            await bot.feed(
                {
                    "message": _msg(
                        bot,
                        rng,
                        uid,
                        uid,
                        photo=[
                            {
                                "file_id": f"ph{rng.randint(1, 9)}",
                                "file_unique_id": "u",
                                "width": 1,
                                "height": 1,
                            }
                        ],
                        **({"caption": gen.text()[:1024]} if rng.random() < 0.3 else {}),
                    )
                }
            )
            model.answer(uid, "photo", "ph")
        elif r2 < 0.85:
            await bot.feed(
                {
                    "message": _msg(
                        bot,
                        rng,
                        uid,
                        uid,
                        location={"latitude": rng.uniform(-90, 90), "longitude": rng.uniform(-180, 180)},
                    )
                }
            )
            model.answer(uid, "location", (0, 0))
        else:
            await bot.feed(
                {
                    "message": _msg(
                        bot,
                        rng,
                        uid,
                        uid,
                        sticker={
                            "file_id": "S",
                            "file_unique_id": "S",
                            "type": "regular",
                            "width": 1,
                            "height": 1,
                            "is_animated": False,
                            "is_video": False,
                        },
                    )
                }
            )
        return "private"
    if roll < 0.88:  # a button press with any data, in a group or a private chat
        data = gen.callback_data()
        if rng.random() < 0.5:  # steer towards valid draft steps so drafts get somewhere
            d = model.drafts.get(uid)
            step = d["step"] if d else "kind"
            data = {
                "kind": f"d:kind:{rng.choice(['wish', 'complaint'])}",
                "category": f"d:cat:{rng.choice(['other', 'sanitation', 'policy'])}",
                "photo": "d:skip:photo",
                "location": "d:skip:location",
                "grid": f"d:grid:{rng.choice(['GN-1-1', 'GN-1-2', 'GN'])}",
            }.get(step, data)
        chat = rng.choice([uid, GROUP, rng.choice(UNKNOWN_GROUPS)])
        await bot.press(uid, chat, rng.randint(1, 10**6), data)
        m = DRAFT.fullmatch(data)
        if m:  # draft buttons act on the presser's draft whatever the chat
            if m[1] == "cancel":
                model.drafts.pop(uid, None)
            else:
                field, value = (m[2], None) if m[1] == "skip" else (FIELDS[m[1]], m[2])
                model.answer(uid, field, value)
        return "button"
    if roll < 0.93:  # edited messages and channel posts
        key = rng.choice(["edited_message", "channel_post", "edited_channel_post"])
        if key.endswith("channel_post"):
            msg = {
                "message_id": rng.randint(1, 99),
                "date": 0,
                "text": rng.choice(["/wish 频道", gen.text() or "."]),
                "chat": {"id": -1009876543210, "type": "channel", "title": "C"},
            }
        else:
            msg = {
                **_msg(
                    bot,
                    rng,
                    uid,
                    rng.choice([GROUP, uid]),
                    text=rng.choice(["/wish 改过的", gen.text() or "."]),
                ),
                "edit_date": 1,
            }
        if msg["text"].startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(msg["text"].split()[0])}]
        await bot.feed({key: msg})
        return key
    # the bot added to or removed from an unknown group, or an unknown group migrating
    chat = rng.choice(UNKNOWN_GROUPS)
    if rng.random() < 0.7:
        bot_user = {"id": 777, "is_bot": True, "first_name": "G"}
        await bot.feed(
            {
                "my_chat_member": {
                    "chat": bot.chat(chat),
                    "from": bot.user(uid),
                    "date": 0,
                    "old_chat_member": {"status": rng.choice(["left", "member"]), "user": bot_user},
                    "new_chat_member": {
                        "status": rng.choice(["member", "left", "kicked"]),
                        "user": bot_user,
                        "until_date": 0,
                    },
                }
            }
        )
    else:
        await bot.feed({"message": _msg(bot, rng, uid, chat, migrate_to_chat_id=chat - 10**12)})
    return "membership"
