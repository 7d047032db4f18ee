"""parse_mode MarkdownV2 and Markdown (legacy) as Telegram parses them, with its error texts.

MarkdownV2: every character of `_*[]()~`>#+-=|{}.!` outside an entity must be escaped with `\\`
("Character '.' is reserved and must be escaped with the preceding '\\'"); entities must be closed
("Can't find end of Bold entity at byte offset 5", the offset in UTF-8 bytes of the opening mark).
Markdown (legacy): `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`, no nesting;
an unclosed one is "Can't find end of the entity starting at byte offset N". Entity offsets and
lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import ApiError, bad_request

RESERVED = set("_*[]()~`>#+-=|{}.!")
MARKS = {
    "*": ("bold", "Bold"),
    "_": ("italic", "Italic"),
    "__": ("underline", "Underline"),
    "~": ("strikethrough", "Strikethrough"),
    "||": ("spoiler", "Spoiler"),
    "[": ("text_link", "TextUrl"),
}


def _unparsable(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


class _Out:
    """The plain text being built, with its length in UTF-16 units and the entities found."""

    def __init__(self, source: str) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.entities: list[dict[str, Any]] = []
        self.bytes = [0]
        for char in source:
            self.bytes.append(self.bytes[-1] + len(char.encode("utf-8")))

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text.encode("utf-16-le")) // 2

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.size > start:
            self.entities.append({"type": kind, "offset": start, "length": self.size - start, **extra})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


def _closing(text: str, start: int, mark: str) -> int:
    """Index of the next unescaped `mark` at or after `start`, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(mark, i):
            return i
        i += 1
    return -1


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and ord(text[i + 1]) < 127:
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def _link_url(url: str) -> str | None:
    """The URL of a text link, or None when Telegram would drop the link (it keeps the text)."""
    if url.lower().startswith(("http://", "https://", "tg://")):
        return url
    return f"http://{url}/" if "." in url and " " not in url else None


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) of a MarkdownV2 text, or 400 "can't parse entities: …"."""
    out, stack, i = _Out(text), [], 0
    quote: int | None = None
    while i < len(text):
        char = text[i]
        line_start = i == 0 or text[i - 1] in "\r\n"
        if line_start and char == ">":
            quote = out.size if quote is None else quote
            i += 1
        elif line_start and quote is not None:
            out.entity("blockquote", quote)
            quote = None
            continue
        elif char == "\\":
            escaped = i + 1 < len(text) and ord(text[i + 1]) < 127
            out.add(text[i + 1] if escaped else "\\")
            i += 2 if escaped else 1
        elif char == "`":
            i = _code(text, i, out)
        elif char == "]" and stack and stack[-1][0] == "[":
            i = _link(text, i, out, stack.pop())
        elif char in "*_~|[":
            i = _mark(text, i, out, stack)
        elif char in RESERVED:
            raise _unparsable(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        else:
            out.add(char)
            i += 1
    if stack:
        mark, _, at = stack[-1]
        raise _unparsable(f"Can't find end of {MARKS[mark][1]} entity at byte offset {at}")
    if quote is not None:
        out.entity("blockquote", quote)
    return out.result()


def _mark(text: str, i: int, out: _Out, stack: list[tuple[str, int, int]]) -> int:
    """Open or close *bold*, _italic_, __underline__, ~strike~, ||spoiler|| or a [link."""
    mark = text[i : i + 2] if text[i : i + 2] in ("__", "||") else text[i]
    if mark == "|":
        raise _unparsable("Character '|' is reserved and must be escaped with the preceding '\\'")
    if mark != "[" and stack and stack[-1][0] == mark:
        _, start, _ = stack.pop()
        out.entity(MARKS[mark][0], start)
    else:  # a mark open further down does not close here: it opens anew, as in Telegram
        stack.append((mark, out.size, out.bytes[i]))
    return i + len(mark)


def _code(text: str, i: int, out: _Out) -> int:
    """`code` or ```pre``` (with an optional language on the first line)."""
    fence = "```" if text.startswith("```", i) else "`"
    end = _closing(text, i + len(fence), fence)
    if end < 0:
        name = "Code" if fence == "`" else "PreCode" if " " in text[i + 3 :] else "Pre"
        raise _unparsable(f"Can't find end of {name} entity at byte offset {out.bytes[i]}")
    body, extra = text[i + len(fence) : end], {}
    if fence == "```" and "\n" in body and body.split("\n", 1)[0].strip():
        language, body = body.split("\n", 1)
        extra["language"] = language.strip()
    start = out.size
    out.add(_unescape(body))
    out.entity("code" if fence == "`" else "pre", start, **extra)
    return end + len(fence)


def _link(text: str, i: int, out: _Out, opened: tuple[str, int, int]) -> int:
    """The `](url)` closing a text link opened by `[`."""
    _, start, _ = opened
    if not text.startswith("(", i + 1):
        return i + 1
    end = _closing(text, i + 2, ")")
    if end < 0:
        raise _unparsable(f"Can't find end of a URL at byte offset {out.bytes[i + 2]}")
    url = _link_url(_unescape(text[i + 2 : end]))
    if url is not None:
        out.entity("text_link", start, url=url)
    return end + 1


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) of a legacy Markdown text, or 400 "can't parse entities: …"."""
    out, i = _Out(text), 0
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        fence = "```" if text.startswith("```", i) else "]" if char == "[" else char
        end = text.find(fence, i + (3 if fence == "```" else 1))
        if end < 0:
            raise _unparsable(f"Can't find end of the entity starting at byte offset {out.bytes[i]}")
        start = out.size
        body = text[i + (3 if fence == "```" else 1) : end]
        out.add(body)
        if fence == "]":
            i = _legacy_link(text, end, out, start, body)
            continue
        out.entity("pre" if fence == "```" else kinds[char], start)
        i = end + len(fence)
    return out.result()


def _legacy_link(text: str, end: int, out: _Out, start: int, body: str) -> int:
    if not text.startswith("(", end + 1):
        return end + 1
    close = text.find(")", end + 2)
    if close < 0:
        raise _unparsable(f"Can't find end of the entity starting at byte offset {out.bytes[end + 1]}")
    url = _link_url(text[end + 2 : close])
    if url is not None:
        out.entity("text_link", start, url=url)
    return close + 1
