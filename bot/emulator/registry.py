"""Registry of Bot API method implementations (names are case-insensitive, as in Telegram)."""

from __future__ import annotations

from typing import Any, Callable

API_METHODS: dict[str, tuple[str, Callable[..., Any]]] = {}


def api_method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated `fn(self, params)` as Bot API method `name`."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        API_METHODS[name.lower()] = (name, fn)
        return fn

    return register


def lookup(name: str) -> tuple[str, Callable[..., Any]] | None:
    """The (canonical name, implementation) of a method, or None if unknown."""
    return API_METHODS.get(name.lower())
