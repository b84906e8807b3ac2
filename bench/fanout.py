"""Fan-out: a bulletin to 1,000 people at Telegram's real limits, and to 10,000 with the limits
×10, sent by circlebot's outbox sender; and in the same run the same fan-out sent the textbook
way (PTB's AIORateLimiter, bench/baseline_fanout.py). The fake enforces the limits with sliding
windows and answers 429 past them.

fraction_of_limit = delivered / ((last delivery − first delivery) × the limit), the lower of
the two sizes. Each sender has 1.5 times the time the limit allows (plus 5 s) to deliver; what
has not arrived by then counts as lost. The last line printed is one JSON object.

    .venv/bin/python bench/fanout.py [--people 1000] [--scaled-people 10000] [--scale 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import TOKEN, bot_env, clean_env, peak_rss_mb, spawn  # noqa: E402
from services.bulletins import bulletins  # noqa: E402
from store.database import Database  # noqa: E402
from store.migrate import upgrade_to_head  # noqa: E402
from store.models import Person, PersonRole  # noqa: E402
from tests.fakebotapi import FakeBotApi, Limits  # noqa: E402

FIRST_CHAT = 100_000
LIMIT_PER_SECOND = 30


async def add_people(database_url: str, count: int) -> None:
    """People who joined and consented, written in two statements (setting up, not measured)."""
    await asyncio.to_thread(upgrade_to_head, database_url)
    db = Database(database_url)
    now = datetime.now(UTC)
    people = [
        {"id": n + 1, "telegram_id": FIRST_CHAT + n, "name": f"Person {n}", "language": "en"}
        | {"consented_at": now, "created_at": now, "deactivated": False, "unreachable": False}
        for n in range(count)
    ]
    async with db.unit_of_work() as uow:
        await uow.session.execute(insert(Person), people)
        await uow.session.execute(
            insert(PersonRole), [{"person_id": n + 1, "role": "home_visitor"} for n in range(count)]
        )
        await uow.commit()
    await db.dispose()


async def queue_bulletin(database_url: str) -> None:
    db = Database(database_url)
    async with db.unit_of_work() as uow:
        now = datetime.now(UTC)
        await bulletins.create(
            uow, bulletins.Audience("all"), "Key message of the week: visits resume on Monday.", now, now
        )
        await uow.commit()
    await db.dispose()


async def measure(
    name: str,
    people: int,
    scale: float,
    start: Callable[[FakeBotApi], Awaitable[asyncio.subprocess.Process]],
    patience: float,
) -> dict[str, float]:
    fake = FakeBotApi(TOKEN, limits=Limits(scale=scale))
    await fake.start()
    process = await start(fake)
    try:
        chats = range(FIRST_CHAT, FIRST_CHAT + people)

        def delivered() -> int:
            return sum(1 for chat in chats if fake.chats.get(chat))

        peak, deadline = 0.0, time.monotonic() + patience
        while delivered() < people and process.returncode is None and time.monotonic() < deadline:
            peak = max(peak, peak_rss_mb(process.pid))
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # anything sent twice arrives now
        times = sorted(t for chat in chats for t in fake.activity.get(chat, []))
        counts = [len(fake.chats.get(chat, [])) for chat in chats]
        span = times[-1] - times[0] if len(times) > 1 else float("inf")
        figures = {
            "people": people,
            "scale": scale,
            "fraction_of_limit": round(len(times) / (span * LIMIT_PER_SECOND * scale), 3),
            "seconds": round(span, 2),
            "http_429": fake.throttled,
            "duplicates": sum(count - 1 for count in counts if count > 1),
            "lost": sum(1 for count in counts if count == 0),
            "peak_rss_mb": max(peak, peak_rss_mb(process.pid)),
        }
        print(json.dumps({"bot": name, **figures}), flush=True)
        return figures
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()
        await fake.stop()


async def one_size(
    env: dict[str, str], people: int, scale: float
) -> tuple[dict[str, float], dict[str, float]]:
    """circlebot's figures and the baseline's, for one size at one scale of the limits."""
    folder = Path(tempfile.mkdtemp(prefix="circlebot-fanout-"))
    database_url = f"sqlite:///{folder / 'circlebot.db'}"
    await add_people(database_url, people)
    # Either sender gets half as long again as the limit allows; what has not arrived by then
    # counts as lost (the textbook way at ×10 can take minutes, and a default run must not).
    patience = 1.5 * people / (LIMIT_PER_SECOND * scale) + 5

    async def circlebot(fake: FakeBotApi) -> asyncio.subprocess.Process:
        run = ["-c", "import sys, bot; sys.exit(bot.main())", "run"]
        process = await spawn(run, bot_env(env, fake, database_url, scale), folder)
        await fake.wait_until(lambda: bool(fake.called("getUpdates")) or process.returncode is not None, 60)
        await queue_bulletin(database_url)
        return process

    def baseline(fake: FakeBotApi) -> Awaitable[asyncio.subprocess.Process]:
        script = str(ROOT / "bench" / "baseline_fanout.py")
        options = [
            "--api-url",
            fake.root,
            "--token",
            TOKEN,
            "--first",
            str(FIRST_CHAT),
            "--count",
            str(people),
        ]
        return spawn([script, *options, "--rate-scale", str(scale)], env, folder)

    ours = await measure("circlebot", people, scale, circlebot, patience)
    return ours, await measure("baseline", people, scale, baseline, patience)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--scaled-people", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=10)
    args = parser.parse_args()
    env = clean_env()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # the baseline cut off mid-request
    runs = [await one_size(env, args.people, 1.0), await one_size(env, args.scaled_people, args.scale)]
    ours, theirs = [run[0] for run in runs], [run[1] for run in runs]
    print(
        json.dumps(
            {
                "fraction_of_limit": min(f["fraction_of_limit"] for f in ours),
                "baseline_fraction_of_limit": min(f["fraction_of_limit"] for f in theirs),
                "http_429": sum(f["http_429"] for f in ours),
                "baseline_http_429": sum(f["http_429"] for f in theirs),
                "duplicates": sum(f["duplicates"] for f in ours),
                "lost": sum(f["lost"] for f in ours),
                "baseline_lost": sum(f["lost"] for f in theirs),
                "peak_rss_mb": max(f["peak_rss_mb"] for f in ours),
                "baseline_peak_rss_mb": max(f["peak_rss_mb"] for f in theirs),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
