"""Inbound handling: N people answer the reflection over HTTP, against circlebot and against a
bot written the textbook way (PTB ConversationHandler + PicklePersistence, bench/baseline_bot.py).

Each bot runs as its own process against the project's Bot API fake, with Telegram's limits
scaled ×100 (in the fake, and in the baseline's AIORateLimiter), so that this measures handling,
not Telegram's limits. Throughput: every person answers as soon as the reply arrives
(saturation). Latency: updates offered at 50/s, from the fake handing an update out to the fake
receiving the bot's complete reply. The last line printed is one JSON object.

    .venv/bin/python bench/inbound.py [--people 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import TOKEN, bot_env, clean_env, peak_rss_mb, spawn  # noqa: E402
from store.database import Database  # noqa: E402
from store.migrate import upgrade_to_head  # noqa: E402
from tests.fakebotapi import FakeBotApi, FakeUser, Limits  # noqa: E402
from tests.reflection import UP_TO_SHARING  # noqa: E402

RATE_SCALE = 100
OFFERED_PER_SECOND = 50
LATENCY_UPDATES = 300
# (how, what, how many messages or edits the bot answers with): the tests' walk (tests/reflection.py)
ACTIONS = [
    ("send", "/reflect", 3),  # who sees the answers, the welcome, the first question
    *(("send" if how == "send" else "press", what, 1) for how, what in UP_TO_SHARING),
    ("press", "No", 3),
]


async def act(fake: FakeBotApi, user: FakeUser, step: int) -> float:
    """One action; the seconds from the bot getting the update to its complete reply."""
    how, what, replies = ACTIONS[step]
    done_before = len(fake.activity.get(user.id, []))
    update_id = await (user.send(what) if how == "send" else user.press(what))
    target = done_before + replies
    try:
        await fake.wait_for_activity(user.id, target, 20)
    except TimeoutError:
        print(
            step,
            update_id,
            update_id in fake.handed_out,
            len(fake._updates),
            fake.throttled,
            [m["text"][:30] for m in user.messages],
            file=sys.stderr,
        )
        raise
    return fake.activity[user.id][target - 1] - fake.handed_out[update_id]


async def saturate(fake: FakeBotApi, users: list[FakeUser]) -> float:
    async def walk(user: FakeUser) -> None:
        for step in range(len(ACTIONS)):
            await act(fake, user, step)

    began = time.perf_counter()
    await asyncio.gather(*(walk(user) for user in users))
    return len(users) * len(ACTIONS) / (time.perf_counter() - began)


async def offered_load(fake: FakeBotApi, users: list[FakeUser]) -> list[float]:
    """Updates at a steady 50/s, each from a person not already waiting for a reply."""
    latencies: list[float] = []
    idle: asyncio.Queue[FakeUser] = asyncio.Queue()
    for user in users:
        idle.put_nowait(user)
    progress = dict.fromkeys((user.id for user in users), 0)
    tasks = set()

    async def one(user: FakeUser) -> None:
        latencies.append(await act(fake, user, progress[user.id]))
        progress[user.id] += 1
        if progress[user.id] < len(ACTIONS):
            idle.put_nowait(user)

    for _ in range(LATENCY_UPDATES):
        task = asyncio.create_task(one(await idle.get()))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        await asyncio.sleep(1 / OFFERED_PER_SECOND)
    await asyncio.gather(*tasks)
    return latencies


async def measure(
    name: str, people: int, start_bot: Callable[[FakeBotApi], Awaitable[asyncio.subprocess.Process]]
) -> dict[str, float]:
    fake = FakeBotApi(TOKEN, limits=Limits(scale=RATE_SCALE))
    await fake.start()
    process = await start_bot(fake)
    try:  # whatever happens, the bot process ends with the benchmark
        await fake.wait_until(lambda: bool(fake.called("getUpdates")) or process.returncode is not None, 60)
        if process.returncode is not None:
            raise SystemExit(f"{name}: the bot did not start")
        crowd = [fake.user(100_000 + n, f"Person {n}") for n in range(people)]
        throughput = await saturate(fake, crowd)
        paced = [fake.user(200_000 + n, f"Paced {n}") for n in range(60)]
        latencies = sorted(await offered_load(fake, paced))
        figures = {
            "updates_per_s": round(throughput, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
            "peak_rss_mb": peak_rss_mb(process.pid),
            "throttled_429": fake.throttled,
        }
        exceeded = dict(fake.limits.exceeded) if fake.limits else {}
        print(json.dumps({"bot": name, **figures, "throttled_by": exceeded}), flush=True)
        return figures
    finally:
        process.terminate()
        await process.wait()
        await fake.stop()


async def prepare_people(database_url: str, people: int) -> None:
    """circlebot's people have joined already (the baseline has no onboarding to compare)."""
    await asyncio.to_thread(upgrade_to_head, database_url)
    db = Database(database_url)
    now = datetime.now(UTC)
    async with db.unit_of_work() as uow:
        team, _ = await uow.teams.get_or_create("Bench", now)
        ids = [100_000 + n for n in range(people)] + [200_000 + n for n in range(60)]
        for telegram_id in ids:
            person = await uow.people.add(
                telegram_id,
                f"Person {telegram_id}",
                now,
                language="en",
                roles=["home_visitor"],
                team_id=team.id,
            )
            person.consented_at = now
        await uow.commit()
    await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="circlebot-bench-"))
    env = clean_env()

    database_url = f"sqlite:///{folder / 'circlebot.db'}"
    await prepare_people(database_url, args.people)

    def circlebot(fake: FakeBotApi) -> Awaitable[asyncio.subprocess.Process]:
        return spawn(
            ["-c", "import sys, bot; sys.exit(bot.main())", "run"],
            bot_env(env, fake, database_url, RATE_SCALE),
            folder,
        )

    def baseline(fake: FakeBotApi) -> Awaitable[asyncio.subprocess.Process]:
        script = str(ROOT / "bench" / "baseline_bot.py")
        options = ["--api-url", fake.root, "--token", TOKEN, "--pickle", str(folder / "baseline.pickle")]
        return spawn([script, *options, "--rate-scale", str(RATE_SCALE)], env, folder)

    ours = await measure("circlebot", args.people, circlebot)
    theirs = await measure("baseline", args.people, baseline)
    print(
        json.dumps(
            {
                "people": args.people,
                "updates_per_s": ours["updates_per_s"],
                "baseline_updates_per_s": theirs["updates_per_s"],
                "ratio": round(ours["updates_per_s"] / theirs["updates_per_s"], 2),
                "p50_ms": ours["p50_ms"],
                "p99_ms": ours["p99_ms"],
                "baseline_p50_ms": theirs["p50_ms"],
                "baseline_p99_ms": theirs["p99_ms"],
                "peak_rss_mb": ours["peak_rss_mb"],
                "baseline_peak_rss_mb": theirs["peak_rss_mb"],
                "throttled_429": ours["throttled_429"],
                "baseline_throttled_429": theirs["throttled_429"],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
