"""Telegram's parse_mode=HTML: validate markup, strip tags, build message entities."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import ApiError, bad_request

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*)?)>", re.S)
_END = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR = re.compile(r"""([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _attrs(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _ATTR.findall(raw):
        value = value[1:-1] if value[:1] in "\"'" and len(value) >= 2 else value
        found[name.lower()] = decode_entities(value)
    return found


def decode_entities(text: str) -> str:
    """Unescape the HTML entities Telegram supports; leave anything else untouched."""

    def repl(match: re.Match[str]) -> str:
        body = match.group(1)
        if body.startswith("#"):
            code = int(body[2:], 16) if body[1:2] in "xX" else int(body[1:])
            return chr(code) if 0 < code < 0x110000 else match.group(0)
        return NAMED_ENTITIES[body]

    return _ENTITY.sub(repl, text)


def _entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> dict[str, Any] | None:
    kind = SIMPLE_TAGS[tag]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        if not attrs.get("href"):
            return None
        entity["url"] = attrs["href"]
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    return entity


def _open_tag(text: str, index: int, match: re.Match[str]) -> tuple[str, dict[str, str]]:
    tag = match.group(1).lower()
    attrs = _attrs(match.group(2) or "")
    if tag not in SIMPLE_TAGS:
        raise _error(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, index)}')
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _error(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, index)}')
    if tag == "tg-emoji" and "emoji-id" not in attrs:
        raise _error(
            f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {_byte_offset(text, index)}'
        )
    return tag, attrs


def _end_tag(
    text: str,
    i: int,
    end: re.Match[str],
    stack: list[tuple[str, dict[str, str], int]],
    entities: list[dict[str, Any]],
    offset: int,
) -> None:
    """Check the end tag at `i` against the innermost open tag, pop it and record its entity."""
    tag = end.group(1).lower()
    if not stack:
        raise _error(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
    if stack[-1][0] != tag:
        raise _error(
            f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
            f'expected "</{stack[-1][0]}>", found "</{tag}>"'
        )
    open_tag, attrs, begin = stack.pop()
    _close(entities, stack, open_tag, attrs, begin, offset)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities) or raise a 400 ApiError."""
    out: list[str] = []
    offset = 0  # UTF-16 offset of the plain text built so far
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            end = _END.match(text, i)
            start = None if end else _START.match(text, i)
            if end:
                _end_tag(text, i, end, stack, entities, offset)
                i = end.end()
            elif start:
                tag, attrs = _open_tag(text, i, start)
                stack.append((tag, attrs, offset))
                i = start.end()
            else:
                raise _error(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            continue
        if char == "&":
            match = _ENTITY.match(text, i)
            if match:
                piece = decode_entities(match.group(0))
                out.append(piece)
                offset += utf16_len(piece)
                i = match.end()
                continue
        out.append(char)
        offset += utf16_len(char)
        i += 1
    if stack:
        raise _error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _close(
    entities: list[dict[str, Any]],
    stack: list[tuple[str, dict[str, str], int]],
    tag: str,
    attrs: dict[str, str],
    begin: int,
    offset: int,
) -> None:
    """Turn a closed tag into an entity (`<pre><code class="language-x">` sets pre's language)."""
    if tag == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][1]["language"] = language[len("language-") :]
        return
    if offset > begin:
        entity = _entity(tag, attrs, begin, offset - begin)
        if entity:
            entities.append(entity)
