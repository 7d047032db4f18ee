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
from bot.demo import casework_story, complaint_story, opening_story, time_bank, wish_story, work_log
from bot.demo.transcript import Transcript
from bot.demo.words import WORDS

__all__ = ["WORDS", "Demo", "StepFailed"]


class StepFailed(Exception):
    """A step did not produce the expected message in time."""


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
        """The opening, a complaint, a wish done for the time bank, a work log, casework, the tally."""
        cast = await opening_story.story(self)
        await complaint_story.story(self, cast)
        await wish_story.story(self, cast)
        await time_bank.story(self, cast.volunteer, cast.neighbour, cast.group)  # an hour recorded, counted
        await work_log.story(self, cast.worker, cast.leader)  # a /log with a photo, in the leader's digest
        await casework_story.story(self, cast)
        if importlib.util.find_spec("bot.services.posts") is not None:
            await self.step("tally", self._tally, lambda m: m["chat"]["id"] == cast.group.id and "photo" in m)

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
