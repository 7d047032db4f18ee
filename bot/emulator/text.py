"""Message text as Telegram stores it: parse modes, trimming, automatic entities."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.htmlcheck import parse_html, utf16_len
from bot.emulator.markdown import parse_markdown, parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND = re.compile(r"(?<![\w/@])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w/@])@[a-zA-Z0-9_]{4,32}")


def render(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) of a bot message, trimmed the way Telegram trims it."""
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        plain, found = parse_html(text)
    elif mode in ("", "none"):
        plain, found = text, [dict(e) for e in entities or []]
    elif mode == "markdownv2":
        plain, found = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = parse_markdown(text)
    else:
        raise bad_request(f"unsupported parse_mode: {parse_mode}")
    return _trim(plain, found)


def _trim(plain: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    stripped = plain.strip()
    if stripped == plain:
        return plain, entities
    lead = utf16_len(plain[: len(plain) - len(plain.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def check_length(plain: str, *, caption: bool = False) -> None:
    """Raise Telegram's 400 for empty or too long text (captions may be empty)."""
    if caption:
        if len(plain) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad_request("message is too long")


def auto_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's clients attach to a user's text: bot_command and mention."""
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (("bot_command", _COMMAND), ("mention", _MENTION)):
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append((match.start(), match.end()))
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group(0)),
                }
            )
    return sorted(found, key=lambda e: e["offset"])


def command_of(text: str | None) -> tuple[str, str | None] | None:
    """Return (command, addressed bot username or None) if `text` starts with a command."""
    match = _COMMAND.match(text or "")
    if not match:
        return None
    command, _, target = match.group(0).partition("@")
    return command, target or None


def mentions(text: str | None) -> list[str]:
    """Usernames (without @) mentioned in `text`."""
    return [m.group(0)[1:] for m in _MENTION.finditer(text or "")]
