"""Configuration from the environment and an optional `.env`, checked once at start-up so
that a missing or malformed setting stops the bot with one clear line."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from content import BUNDLED_CONTENT
from flows.spec import parse_duration
from flows.wallclock import zone_named
from store.urls import DEFAULT_DATABASE_URL, to_async_url

DEFAULT_API_URL = "https://api.telegram.org"
# How long a message waits through Telegram or the network failing before it is given up.
DEFAULT_GIVE_UP_AFTER = timedelta(hours=24)
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
HOW_TO_GET_A_TOKEN = (
    "In Telegram, talk to @BotFather, send /newbot, and put the token it gives you in .env "
    "as TELEGRAM_BOT_TOKEN=..."
)


class SettingsError(Exception):
    """A setting that is missing or malformed; the message is one line for a person."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str  # the Bot API server root; the bot calls {api_url}/bot{token}/{method}
    database_url: str
    content_dir: Path
    timezone: str
    rate_scale: float = 1.0  # Telegram's limits ×scale: only for benchmarks against the fake
    give_up_after: timedelta = DEFAULT_GIVE_UP_AFTER  # CIRCLEBOT_GIVE_UP_AFTER

    def require_token(self) -> str:
        if self.token is None:
            raise SettingsError(f"TELEGRAM_BOT_TOKEN is not set. {HOW_TO_GET_A_TOKEN}")
        return self.token


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path = Path(".env")) -> Settings:
    """Read settings; the process environment wins over `.env`."""
    get = _reader(environ, env_file)
    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and not TOKEN_PATTERN.match(token):
        raise SettingsError(
            f"TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters). {HOW_TO_GET_A_TOKEN}"
        )

    api_url = (get("TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/")
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"TELEGRAM_API_URL must be an http(s) address like {DEFAULT_API_URL}, not {api_url!r}"
        )

    database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        to_async_url(database_url)
    except ValueError as error:
        raise SettingsError(f"DATABASE_URL: {error}") from None

    content_dir = _content_dir(get)

    timezone = get("CIRCLEBOT_TIMEZONE") or "UTC"
    if zone_named(timezone) is None:
        raise SettingsError(
            f"CIRCLEBOT_TIMEZONE: {timezone!r} is not a timezone name like Africa/Nairobi or America/Lima"
        )
    raw_scale = get("CIRCLEBOT_RATE_SCALE") or "1"
    try:
        rate_scale = float(raw_scale)
    except ValueError:
        rate_scale = 0
    if not rate_scale > 0:
        raise SettingsError(f"CIRCLEBOT_RATE_SCALE must be a positive number, not {raw_scale!r}")
    raw_give_up = get("CIRCLEBOT_GIVE_UP_AFTER")
    try:
        give_up_after = parse_duration(raw_give_up) if raw_give_up else DEFAULT_GIVE_UP_AFTER
    except ValueError as error:
        raise SettingsError(f"CIRCLEBOT_GIVE_UP_AFTER: {error}") from None
    return Settings(token, api_url, database_url, content_dir, timezone, rate_scale, give_up_after)


def load_content_dir(environ: Mapping[str, str] | None = None, env_file: Path = Path(".env")) -> Path:
    """The content folder alone: `validate`, `simulate` and `preview-session` need nothing else,
    so a Telegram or database setting they never use (a token of the wrong shape) cannot stop
    them."""
    return _content_dir(_reader(environ, env_file))


def _reader(environ: Mapping[str, str] | None, env_file: Path) -> Callable[[str], str | None]:
    """A setting by name, blank as unset; the process environment wins over `.env`."""
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.is_file() else {}
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    return get


def _content_dir(get: Callable[[str], str | None]) -> Path:
    content_dir = Path(get("CIRCLEBOT_CONTENT") or BUNDLED_CONTENT)
    if not content_dir.is_dir():
        raise SettingsError(f"CIRCLEBOT_CONTENT: there is no folder {str(content_dir)!r}")
    return content_dir
