"""Logging for the bot process: a level, and plain lines or one JSON object per line."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# aiosqlite logs SQL parameters (personal data) at DEBUG; httpx every request and apscheduler every
# run of every job (the 30 s deadline sweep) at INFO
QUIET = ("httpx", "httpcore", "aiosqlite", "apscheduler")


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message"[, "exc"]}` per line, for journald or a log shipper."""

    def format(self, record: logging.LogRecord) -> str:
        """One record as one JSON line."""
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup(level: str, as_json: bool) -> None:
    """Configure the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(PLAIN))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
