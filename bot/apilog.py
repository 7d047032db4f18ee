"""Bot API faults in the log: one warning line each (method and error), never a traceback.

python-telegram-bot logs an ERROR with a traceback when a gateway answers a 5xx with an HTML page
("Can not load invalid JSON data") before raising NetworkError; the caller that retries logs the
fault once itself, so that record is dropped here.
"""

from __future__ import annotations

import logging

_PTB_REQUEST = "telegram.request.BaseRequest"
_HTML_BODY = ". Parsing the server response"


class _DropUnparsedBody(logging.Filter):
    """Drop PTB's traceback for an unparseable (HTML) error page; the retrying caller logs the fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Can not load invalid JSON data")


def quiet_recovered_faults() -> None:
    """Install the filter once on PTB's request logger."""
    logger = logging.getLogger(_PTB_REQUEST)
    if not any(isinstance(f, _DropUnparsedBody) for f in logger.filters):
        logger.addFilter(_DropUnparsedBody())


def describe(exc: BaseException) -> str:
    """`NetworkError: Bad Gateway (502)`: the error's type and first sentence, without a server's page."""
    return f"{type(exc).__name__}: {str(exc).split(_HTML_BODY)[0]}"
