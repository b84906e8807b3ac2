"""The webhook, served by the bot itself (issue 19), not by PTB's tornado server: that one
compares the secret with `!=`, reads bodies up to 100 MB, logs every body and cannot say 503.
Here a request is checked before its body is read (the secret, in constant time: 403; the
length: 413), refused with 503 while the store is down so that Telegram delivers it again
later, and otherwise put on PTB's update queue (PTB's custom-webhook example), which answers
200. Nothing of a request is logged but the fact of a refusal: no body, no header's value. The
same server will carry health and metrics later."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from handlers.app import ALLOWED_UPDATES, AnyApplication
from services.core.outage import Outage

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kB; Telegram's own limit on a message is 4,096 characters
STOP_WITHIN = 5.0  # seconds a request being answered gets to finish when the bot stops


class Webhook:
    """How updates come in with --webhook-url: this server, then Telegram told where it is."""

    def __init__(
        self, application: AnyApplication, outage: Outage, url: str, secret: str, listen: str, port: int
    ) -> None:
        self._application, self._outage = application, outage
        self._url, self._secret = url, secret.encode()
        self._listen, self._port = listen, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)  # a body sent without its length, cut off
        app.router.add_post("/" + urlsplit(self._url).path.lstrip("/"), self._receive)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=STOP_WITHIN)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        await self._application.bot.set_webhook(
            self._url, secret_token=self._secret.decode(), allowed_updates=ALLOWED_UPDATES
        )

    async def stop(self) -> None:
        """Stops taking requests; what was accepted is on the update queue, for the bot's stop."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook: a request without the right secret token refused")
            return web.Response(status=403)
        if (request.content_length or 0) > MAX_BODY:
            log.warning("webhook: a body over %d bytes refused", MAX_BODY)
            return web.Response(status=413)
        if self._outage.down:
            return web.Response(status=503)  # Telegram delivers it again later
        try:
            update = Update.de_json(await request.json(), self._application.bot)
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook: a body over %d bytes refused", MAX_BODY)
            return web.Response(status=413)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("webhook: a body that is not an update refused (%s)", type(error).__name__)
            return web.Response(status=400)
        await self._application.update_queue.put(update)
        return web.Response()
