"""The demo's scripted story: the real bot (in-process) and the local emulator, printed as people see it."""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import io
from dataclasses import replace
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TextIO

from bot import config as config_mod
from bot.app import build
from bot.domain.roster import load_roster
from bot.emulator import Emulator, EmulatorTimeout, serve
from bot.services.roster import apply
from bot.demo import time_bank, work_log
from bot.demo.words import WORDS

__all__ = ["WORDS", "Demo", "StepFailed"]

GROUP_TITLE = "幸福小区网格群"


class StepFailed(Exception):
    """A step did not produce the expected message in time."""


class Transcript:
    """Prints each step and every message that is new or changed since the last step."""

    def __init__(self, emu: Emulator, words: dict[str, Any], out: TextIO) -> None:
        self.emu, self.words, self.out = emu, words, out
        self.shown: dict[tuple[int, int], int] = {}

    def label(self, chat_id: int) -> str:
        chat = self.emu.chat_of(chat_id)
        if chat.is_group:
            return f"[{self.words['group']} {chat.title}]"
        return f"[{self.words['private']} {chat.user.first_name if chat.user else chat_id}]"

    def step(self, text: str) -> None:
        print(f"\n▶ {text}", file=self.out, flush=True)

    def flush(self) -> None:
        """Print the bot's messages that appeared, changed or vanished since the last flush."""
        for message in sorted(self.emu.timeline(), key=lambda m: m.seq):
            key = (message.chat_id, message.message_id)
            if self.shown.get(key) == message.seq or message.sender_id != self.emu.bot.id:
                continue
            seen_before = key in self.shown
            self.shown[key] = message.seq
            if message.deleted and not seen_before:
                continue
            note = (
                f" ({self.words['deleted']})"
                if message.deleted
                else f" ({self.words['edited']})"
                if seen_before
                else ""
            )
            view = message.view()
            text = (view.get("plain_text") or "").strip()
            if "photo" in view:
                text = f"[{self.words['photo']}] " + text
            print(f"  {self.label(message.chat_id)}{note}", file=self.out)
            for line in text.splitlines():
                print(f"    {line}", file=self.out)
            rows = (view.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = " ".join(f"[{b['text']}]" for row in rows for b in row)
            if buttons:
                print(f"    {buttons}", file=self.out)
        self.out.flush()

    def mark_user_messages(self) -> None:
        """Users' own messages are told by the step line; never print them."""
        for message in self.emu.timeline():
            if message.sender_id != self.emu.bot.id:
                self.shown[(message.chat_id, message.message_id)] = message.seq


def _roster(lang: str, tmp: Path) -> Path:
    """The demo roster with every person's language set to the demo's."""
    source = resources.files("bot.demo").joinpath("roster.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(source)))
    for row in rows:
        if row.get("kind") == "person":
            row["locale"] = lang
    path = tmp / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return path


class Demo:
    """Runs the story against an in-process bot; `run()` returns normally or raises StepFailed."""

    def __init__(self, lang: str, tmp: Path, out: TextIO, timeout: float = 10.0) -> None:
        self.lang, self.tmp, self.out, self.timeout = lang, tmp, out, timeout
        self.words = WORDS[lang]
        self.emu = Emulator(token="7001:DEMO-no-real-token", bot_username="grid_bot")
        self.t = Transcript(self.emu, self.words, out)
        self.app: Any = None
        self.step_name = ""

    # ---- running the bot ------------------------------------------------------------------------
    async def _start_bot(self, url: str) -> None:
        cfg = config_mod.from_dict(
            {
                "telegram": {
                    "token": self.emu.token,
                    "api_base_url": f"{url}/bot",
                    "file_base_url": f"{url}/file/bot",
                },
                "bot": {"locale": self.lang},
                "quiet_hours": {"enabled": False},
            },
            "<demo>",
            self.tmp,
        )
        cfg = replace(cfg, database=self.tmp / "demo.sqlite3")
        self.app = build(cfg)
        await self.app.initialize()
        await self.app.post_init(self.app)
        self.ctx = self.app.bot_data["ctx"]
        await apply(self.ctx.db, load_roster(_roster(self.lang, self.tmp)), datetime.now(timezone.utc))
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0, timeout=1)

    async def _stop_bot(self) -> None:
        app = self.app
        if app is None:
            return
        if app.updater and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.post_shutdown(app)
        await app.shutdown()

    # ---- acting and waiting ---------------------------------------------------------------------
    async def _idle(self) -> None:
        """Until the bot has fetched every update and delivered everything it had to say."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        quiet = 0
        while quiet < 3:  # three looks in a row with nothing queued either side
            pending = await self.ctx.db.fetchone(
                "SELECT 1 FROM outbox WHERE status = 'pending' AND not_before <= ? LIMIT 1",
                (datetime.now(timezone.utc).timestamp(),),
            )
            quiet = quiet + 1 if not pending and not self.emu.updates else 0
            if loop.time() > deadline:
                raise StepFailed("the bot did not finish within the timeout")
            await asyncio.sleep(0.02)

    async def step(
        self, key: str, act: Callable[[], Any], expect: Callable[[dict], bool] | None, **fmt: Any
    ) -> dict | None:
        """Print the step, act, wait for the expected message, let the bot finish, print what changed."""
        self.step_name = self.words["steps"][key].format(**fmt)
        self.t.step(self.step_name)
        since = self.emu.checkpoint()
        result = act()
        if asyncio.iscoroutine(result):
            result = await result
        self.t.mark_user_messages()
        found = None
        if expect is not None:
            try:
                found = await self.emu.wait_for(expect, timeout=self.timeout, since=since)
            except EmulatorTimeout as exc:
                raise StepFailed(str(exc)) from None
        await self._idle()
        self.t.flush()
        return found

    def _in(self, chat: Any, data: str | None = None) -> Callable[[dict], bool]:
        """A bot message in `chat` (optionally carrying a button whose data starts with `data`)."""
        chat_id, bot_id = self.emu.chat_of(chat).id, self.emu.bot.id

        def match(m: dict) -> bool:
            if m["chat"]["id"] != chat_id or m.get("from", {}).get("id") != bot_id:
                return False
            rows = (m.get("reply_markup") or {}).get("inline_keyboard", [])
            return data is None or any(b.get("callback_data", "").startswith(data) for r in rows for b in r)

        return match

    @staticmethod
    def _link(m: dict, part: str) -> str:
        """The first link button of `m` whose address contains `part` ("" if none)."""
        rows = (m.get("reply_markup") or {}).get("inline_keyboard", [])
        return next((b["url"] for r in rows for b in r if part in b.get("url", "")), "")

    def _link_in(self, chat: Any, part: str) -> Callable[[dict], bool]:
        """A bot message in `chat` carrying a link button whose address contains `part`."""
        in_chat = self._in(chat)
        return lambda m: in_chat(m) and bool(self._link(m, part))

    async def _prompt_recorded(self, prompt: dict) -> None:
        """A person reads the prompt before answering: wait until the bot has recorded it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while not await self.ctx.db.fetchone(
            "SELECT 1 FROM prompts WHERE chat_id = ? AND message_id = ?",
            (prompt["chat"]["id"], prompt["message_id"]),
        ):
            if loop.time() > deadline:
                raise StepFailed("the bot did not record its prompt")
            await asyncio.sleep(0.02)

    # ---- the story ------------------------------------------------------------------------------
    async def story(self) -> None:
        emu, w = self.emu, self.words
        staff = [
            emu.user(id=9001, first_name="张伟", language_code=self.lang),
            emu.user(id=9002, first_name="李娜", language_code=self.lang),
            emu.user(id=9003, first_name="王芳", language_code=self.lang),
            emu.user(id=9004, first_name="赵强", language_code=self.lang),
            emu.user(id=9005, first_name="刘洋", language_code=self.lang),
        ]
        admin, _, leader, worker, volunteer = staff
        resident = emu.user(id=5001, first_name="陈阿姨", language_code=self.lang)
        neighbour = emu.user(id=5002, first_name="周先生", language_code=self.lang)
        for person in staff:
            await self.step(
                "start", lambda p=person: emu.send(p, p, "/start"), self._in(person), who=person.first_name
            )
        group = emu.group(GROUP_TITLE, members=[admin, leader, worker, volunteer, resident, neighbour])
        await self.step(
            "add",
            lambda: emu.add_bot(group, by=admin),
            self._in(group),
            who=admin.first_name,
            group=GROUP_TITLE,
        )
        emu.promote_user(group, leader)  # only a group administrator may bind it
        await self.step(
            "bind",
            lambda: emu.send(leader, group, "/bind GN-1-1"),
            self._in(group, None),
            who=leader.first_name,
        )

        # a complaint: the card in the group, the text privately to the worker
        await self.step(
            "complain",
            lambda: emu.send(resident, group, w["complaint"]),
            self._in(worker, "t:1:acc"),
            who=resident.first_name,
            text=w["complaint"],
        )
        request = [m for m in emu.inbox(worker) if self._in(worker, "t:1:acc")(m)][-1]
        await self.step(
            "accept",
            lambda: emu.press(worker, request, "t:1:acc"),
            self._in(worker, "t:1:cls"),
            who=worker.first_name,
        )
        request = [m for m in emu.inbox(worker) if self._in(worker, "t:1:cls")(m)][-1]
        prompt = await self.step(
            "close",
            lambda: emu.press(worker, request, "t:1:cls"),
            lambda m: m["chat"]["id"] == worker.id and bool(m.get("force_reply")),
            who=worker.first_name,
        )
        await self._prompt_recorded(prompt)
        card = await self.step(
            "note",
            lambda: emu.send(worker, worker, w["note"], reply_to=prompt),
            self._link_in(group, "start=t_1"),
            who=worker.first_name,
            text=w["note"],
        )
        # the group learns nothing of who complained: the resident opens the card's link privately
        payload = self._link(card, "start=t_1").split("start=", 1)[1]
        ask = await self.step(
            "open",
            lambda: emu.send(resident, resident, f"/start {payload}"),
            self._in(resident, "t:1:yes"),
            who=resident.first_name,
        )
        rating = await self.step(
            "yes",
            lambda: emu.press(resident, ask, "t:1:yes"),
            self._in(resident, "t:1:r:5"),
            who=resident.first_name,
        )
        await self.step(
            "rate",
            lambda: emu.press(resident, rating, "t:1:r:5"),
            lambda m: (
                m["message_id"] == rating["message_id"]
                and m["chat"]["id"] == resident.id
                and not m.get("reply_markup")
            ),
            who=resident.first_name,
        )

        # a wish, claimed from the group card by the volunteer
        card = await self.step(
            "wish",
            lambda: emu.send(neighbour, group, w["wish"]),
            self._in(group, "t:2:clm"),
            who=neighbour.first_name,
            text=w["wish"],
        )
        await self.step(
            "claim",
            lambda: emu.press(volunteer, card, "t:2:clm"),
            self._in(volunteer, "t:2:cls"),
            who=volunteer.first_name,
        )
        await time_bank.story(self, volunteer, neighbour, group)  # done, an hour recorded and counted
        await work_log.story(self, worker, leader)  # a /log with a photo, in the leader's daily digest

        await self._casework(resident, neighbour, worker, leader, group)

        if importlib.util.find_spec("bot.services.posts") is not None:
            await self.step("tally", self._tally, lambda m: m["chat"]["id"] == group.id and "photo" in m)

    async def _casework(self, resident: Any, neighbour: Any, worker: Any, leader: Any, group: Any) -> None:
        """A public matter: a neighbour says "me too", the worker returns it, the leader says not ours."""
        emu, w = self.emu, self.words
        card = await self.step(
            "public",
            lambda: emu.send(neighbour, group, w["public"]),
            self._in(group, "c:3:me"),
            who=neighbour.first_name,
            text=w["public"],
        )
        await self.step(
            "me_too",
            lambda: emu.press(resident, card, "c:3:me"),
            lambda m: self._in(group, "c:3:me")(m) and "(1)" in str(m.get("reply_markup")),
            who=resident.first_name,
        )
        request = [m for m in emu.inbox(worker) if self._in(worker, "c:3:ret")(m)][-1]
        reasons = await self.step(
            "return",
            lambda: emu.press(worker, request, "c:3:ret"),
            self._in(worker, "c:3:rr:1"),
            who=worker.first_name,
        )
        returned = await self.step(
            "reason",
            lambda: emu.press(worker, reasons, "c:3:rr:1"),
            self._in(leader, "c:3:no"),
            who=worker.first_name,
        )
        prompt = await self.step(
            "not_ours",
            lambda: emu.press(leader, returned, "c:3:no"),
            lambda m: m["chat"]["id"] == leader.id and bool(m.get("force_reply")),
            who=leader.first_name,
        )
        await self._prompt_recorded(prompt)
        await self.step(
            "explain",
            lambda: emu.send(leader, leader, w["not_ours"], reply_to=prompt),
            lambda m: (
                m["chat"]["id"] == leader.id and "#3" in (m.get("text") or "") and not m.get("reply_markup")
            ),
            who=leader.first_name,
            text=w["not_ours"],
        )

    async def _tally(self) -> None:
        from bot.domain.periods import period_of
        from bot.services import posts

        now = datetime.now(timezone.utc)
        await posts.weekly_tally(self.ctx, now, period_of("week", now, self.ctx.config.timezone))

    async def run(self) -> None:
        """Serve the emulator, start the bot, tell the story, stop everything."""
        async with serve(self.emu) as url:
            try:
                await self._start_bot(url)
                await self.story()
            finally:
                await self._stop_bot()
