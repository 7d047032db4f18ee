"""Reading the parsed TOML: typed values, errors naming file and key, and refusal of unknown keys.

Every key the configuration knows is looked up through `Reader.get` (present or not), so after a
full read the keys that were never looked up are exactly the unknown ones; the nearest known name at
the same level is offered with difflib.
"""

from __future__ import annotations

import difflib
from datetime import time, timedelta
from typing import Any

from bot import i18n
from bot.domain.sla import parse_duration

NUMBER = (int, float)
KIND_NAMES: dict[Any, str] = {
    str: "str",
    int: "int",
    bool: "bool",
    dict: "dict",
    NUMBER: "number",
    list: "list",
}


class ConfigError(Exception):
    """A configuration problem naming the file and the key; `text(locale)` says it in zh or en."""

    def __init__(self, path: str, key: str | None, problem: str, **params: Any) -> None:
        self.path, self.key, self.problem, self.params = path, key, problem, params
        super().__init__(self.text("en"))

    def text(self, locale: str) -> str:
        """The message in the operator's language: `file: [key] problem`."""
        found = i18n.labels(i18n.pick(locale)).get(f"ops_cfg_{self.problem}")
        params = dict(self.params)
        if "kind" in params:
            params["kind"] = i18n.label(locale, f"ops_kind_{params['kind']}")
        problem = found.format(**params) if isinstance(found, str) else self.problem
        return f"{self.path}: [{self.key}] {problem}" if self.key else f"{self.path}: {problem}"


class Reader:
    """Reads typed values from the parsed TOML and remembers every key it was asked for."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data, self.path = data, path
        self.seen: set[str] = set()

    def fail(self, key: str, problem: str, **params: Any) -> ConfigError:
        """An error naming the file and the dotted key (`problem`: an ops_cfg_* label, or plain text)."""
        return ConfigError(self.path, key, problem, **params)

    def get(self, key: str, kind: Any, default: Any) -> Any:
        """The value at a dotted key, checked against `kind`, or the default."""
        self.seen.add(key)
        node: Any = self.data
        walked: list[str] = []
        for part in key.split("."):
            if not isinstance(node, dict):
                raise self.fail(".".join(walked), "not_table", value=repr(node))
            if part not in node:
                return default
            node = node[part]
            walked.append(part)
        if not isinstance(node, kind) or (isinstance(node, bool) and kind is not bool):
            raise self.fail(key, "wrong_type", kind=KIND_NAMES.get(kind, "str"), value=repr(node))
        return node

    def duration(self, key: str, default: timedelta) -> timedelta:
        """A duration like `90s` or `3d`."""
        raw = self.get(key, str, None)
        if raw is None:
            return default
        try:
            return parse_duration(raw)
        except ValueError:
            raise self.fail(key, "bad_duration", value=repr(raw)) from None

    def clock(self, key: str, default: time) -> time:
        """A local time like `22:00`."""
        raw = self.get(key, str, None)
        if raw is None:
            return default
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise self.fail(key, "bad_time", value=repr(raw)) from None

    def refuse_unknown(self) -> None:
        """Raise for the first key or section in the file that nothing looked up."""
        _walk(self, self.data, "")


def _known(seen: set[str], full: str) -> bool:
    return full in seen or any(s.startswith(full + ".") for s in seen)


def _walk(r: Reader, node: dict[str, Any], prefix: str) -> None:
    for name, value in node.items():
        full = f"{prefix}{name}"
        if not _known(r.seen, full):
            siblings = {s[len(prefix) :].split(".")[0] for s in r.seen if s.startswith(prefix)}
            near = difflib.get_close_matches(name, sorted(siblings), n=1, cutoff=0.6)
            what = "section" if isinstance(value, dict) else "key"
            if near:
                raise r.fail(full, f"unknown_{what}_near", near=near[0])
            raise r.fail(full, f"unknown_{what}", known=", ".join(sorted(siblings)) or "—")
        if isinstance(value, dict):
            _walk(r, value, full + ".")
