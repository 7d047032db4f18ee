"""Periodic work on PTB's JobQueue: each area adds its `schedule(app)` to SCHEDULERS."""

from __future__ import annotations

from typing import Callable

from telegram.ext import Application

from bot.services import posts, supervision, sweep

SCHEDULERS: list[Callable[[Application], None]] = [posts.schedule, sweep.schedule, supervision.schedule]


def schedule(app: Application) -> None:
    """Register every periodic job (the deadline sweep, scheduled posts) on the app's JobQueue."""
    for register in SCHEDULERS:
        register(app)
