"""What the benchmarks share: the token, a clean environment, starting a bot process, its
peak memory."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable
from pathlib import Path

from tests.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token-for-the-fake-bot-api-000"


def clean_env() -> dict[str, str]:
    """This environment without any bot settings, so that a benchmark sets its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CIRCLEBOT_", "DATABASE_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def bot_env(env: dict[str, str], fake: FakeBotApi, database_url: str, rate_scale: float) -> dict[str, str]:
    """Settings for `circlebot run` against the fake, with its limiter scaled like the fake's."""
    return {
        **env,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.root,
        "DATABASE_URL": database_url,
        "CIRCLEBOT_RATE_SCALE": str(rate_scale),
    }


def spawn(args: list[str], env: dict[str, str], folder: Path) -> Awaitable[asyncio.subprocess.Process]:
    return asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(folder / "bot.log").open("w"),
    )


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (0 once it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0
