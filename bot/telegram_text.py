"""Telegram's text limits, on the presentation side: length as Telegram counts it (UTF-16 units) and
long HTML split into messages that each fit, tags closed at a cut and reopened after it."""

from __future__ import annotations

import re

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _open_tags(text: str, stack: list[tuple[str, str]]) -> list[tuple[str, str]]:
    stack = list(stack)
    for closing, name, attrs in _TAG.findall(text):
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((name, f"<{name}{attrs}>"))
    return stack


def _hard_cut(line: str, room: int) -> int:
    """Where to cut an over-long line: at most `room` units, never inside a tag or an entity."""
    cut, units = 0, 0
    safe = 0
    i = 0
    while i < len(line):
        ch = line[i]
        if ch in "<&":
            end = line.find(">" if ch == "<" else ";", i)
            end = len(line) - 1 if end < 0 else end
            piece = line[i : end + 1]
        else:
            piece = ch
        units += tg_len(piece)
        if units > room:
            break
        i += len(piece)
        safe = i
    cut = safe
    return max(cut, 1)


def _closing(stack: list[tuple[str, str]]) -> str:
    """The end tags that close every tag left open in `stack`, innermost first."""
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split HTML text into messages of at most `limit` UTF-16 units, on line boundaries; a tag left
    open at a cut is closed there and reopened in the next part; an over-long line is cut between
    tags and entities."""
    if tg_len(text) <= limit:
        return [text]
    parts: list[str] = []
    stack: list[tuple[str, str]] = []
    current = ""
    prefix = ""
    lines = text.split("\n")
    queue = list(lines)
    while queue:
        line = queue.pop(0)
        candidate = (current + "\n" + line) if current else prefix + line
        after = _open_tags(line, stack)
        if tg_len(candidate) + tg_len(_closing(after)) <= limit:
            current, stack = candidate, after
            continue
        if current:
            parts.append(current + _closing(stack))
            prefix = "".join(opening for _, opening in stack)
            current = ""
            queue.insert(0, line)
            continue
        # the line alone does not fit: cut it
        room = limit - tg_len(prefix) - 64  # leave room for closing tags
        cut = _hard_cut(line, max(room, 1))
        head, tail = line[:cut], line[cut:]
        head_stack = _open_tags(head, stack)
        parts.append(prefix + head + _closing(head_stack))
        stack = head_stack
        prefix = "".join(opening for _, opening in stack)
        queue.insert(0, tail)
    if current:
        parts.append(current + _closing(stack))
    return [p for p in parts if p.strip()]
