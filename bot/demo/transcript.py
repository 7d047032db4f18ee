"""The demo's transcript: each step, then the bot's messages that are new or changed since the last one."""

from __future__ import annotations

from typing import Any, TextIO

from bot.emulator import Emulator


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
