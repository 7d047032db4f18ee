"""Webhooks as Telegram runs them: setWebhook, deleteWebhook, getWebhookInfo and delivery.

While a webhook is set, each pending update is POSTed (oldest first, one at a time) to its URL with
the header X-Telegram-Bot-Api-Secret-Token; only a 2xx answer removes it from the queue. Any other
status, a refused connection or a timeout is recorded as `last_error_*` and the update is sent
again after `webhook_retry` seconds, as Telegram redelivers. getUpdates is refused with 409 meanwhile.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import aiohttp

from bot.emulator.checks import Checks
from bot.emulator.errors import ApiError, bad_request
from bot.emulator.params import Params
from bot.emulator.registry import api_method
from bot.emulator.world import DEFAULT_UPDATES

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookMethods(Checks):
    """setWebhook / deleteWebhook / getWebhookInfo plus the delivery task."""

    webhook_url: str = ""
    webhook_secret: str | None = None
    webhook_retry: float = 0.2  # seconds before a failed delivery is tried again
    webhook_timeout: float = 10.0  # seconds the bot's server has to answer
    webhook_deliveries: list[dict[str, Any]]
    _webhook_task: asyncio.Task[None] | None = None
    _webhook_error: tuple[int, str] | None = None
    _poll_generation: int

    @api_method("setWebhook")
    def set_webhook(self, p: Params) -> bool:
        """Start delivering updates to `url` (an empty url removes the webhook)."""
        url = (p.str("url") or "").strip()
        if not url:
            return self.delete_webhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = p.str("secret_token")
        if secret is not None and not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = tuple(allowed) or DEFAULT_UPDATES
        if p.bool("drop_pending_updates"):
            self.updates.clear()
        self.webhook_url, self.webhook_secret, self._webhook_error = url, secret, None
        self._poll_generation += 1  # a waiting getUpdates ends with 409
        self.bump()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_loop())
        return True

    @api_method("deleteWebhook")
    def delete_webhook(self, p: Params) -> bool:
        """Stop webhook delivery (getUpdates works again); drop_pending_updates clears the queue."""
        if p.bool("drop_pending_updates"):
            self.updates.clear()
        self.webhook_url, self.webhook_secret = "", None
        self.bump()
        return True

    @api_method("getWebhookInfo")
    def get_webhook_info(self, p: Params) -> dict[str, Any]:
        """WebhookInfo: url, pending_update_count and the last delivery error, if any."""
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook_url:
            info.update(max_connections=40, allowed_updates=list(self.allowed_updates))
        if self.webhook_url and self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def refuse_polling(self) -> None:
        """getUpdates is a 409 while a webhook is set."""
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_ACTIVE)

    def stop_webhook_delivery(self) -> None:
        """Cancel the delivery task (the server is shutting down)."""
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None

    async def _deliver_loop(self) -> None:
        async with aiohttp.ClientSession() as session:
            while self.webhook_url:
                pending = self.drop_unwanted()
                if not pending:
                    await self.wait_change(5.0)
                    continue
                if not await self._webhook_post(session, pending[0]):
                    await asyncio.sleep(self.webhook_retry)

    async def _webhook_post(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> bool:
        """POST one update; True (and the update confirmed) on a 2xx answer."""
        url, headers = self.webhook_url, {}
        if self.webhook_secret:
            headers[SECRET_HEADER] = self.webhook_secret
        record: dict[str, Any] = {"update_id": update["update_id"], "url": url, "time": time.time()}
        self.webhook_deliveries.append(record)
        try:
            timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
            async with session.post(url, json=update, headers=headers, timeout=timeout) as answer:
                record["status"] = answer.status
                ok = 200 <= answer.status < 300
                error = f"Wrong response from the webhook: {answer.status} {answer.reason or ''}".strip()
        except asyncio.TimeoutError:
            ok, error, record["status"] = False, "Read timeout expired", None
        except aiohttp.ClientError:
            ok, error, record["status"] = False, "Connection refused", None
        if ok:
            self.updates = [u for u in self.updates if u["update_id"] != update["update_id"]]
        else:
            self._webhook_error = (self.now(), error)
        self.bump()
        return ok
