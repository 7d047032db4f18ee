"""Errors raised by the emulator: Bot API errors and control-API misuse."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error answered to the bot in Telegram's JSON shape."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """Return the Telegram-shaped error body."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


class EmulatorError(Exception):
    """A test or the web page asked the emulator for something impossible."""


class EmulatorTimeout(EmulatorError, TimeoutError):
    """`wait_for` / `wait_until` gave up."""


def bad_request(text: str, **parameters: Any) -> ApiError:
    """Build a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}", parameters or None)


def forbidden(text: str) -> ApiError:
    """Build a 403 error with Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {text}")


def too_many_requests(retry_after: int) -> ApiError:
    """Build a 429 flood-control error carrying parameters.retry_after."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
