"""kill -9 of a real bot process, then a restart: mid-conversation, she continues at the same
step with her earlier answers intact, and what was committed but not sent is sent; half-way
through a bulletin, everyone gets it, and only what was in flight at the kill can come twice."""

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.services.harness import description
from tests.telegram.conftest import TOKEN, invite

ROOT = Path(__file__).resolve().parents[2]
REFLECTION_TOLD = description("rios_reflection")


async def start_bot(
    fake: FakeBotApi, database_url: str, workdir: Path, rate_scale: int = 100
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CIRCLEBOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.root,
        DATABASE_URL=database_url,
        CIRCLEBOT_RATE_SCALE=str(rate_scale),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys, bot; sys.exit(bot.main())",
        "run",
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    polls = len(fake.called("getUpdates"))
    await fake.wait_until(
        lambda: len(fake.called("getUpdates")) > polls or process.returncode is not None, 60
    )
    assert process.returncode is None, "the bot did not start"
    return process


async def settled(store: Database, seconds: float = 10) -> None:
    """Wait until the bot has recorded every message as sent (and so has nothing left to send)."""
    far = datetime(2100, 1, 1, tzinfo=UTC)
    for _ in range(int(seconds / 0.05)):
        async with store.unit_of_work() as uow:
            if not await uow.outbox.due(far, 1):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("replies were never recorded as sent")


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def test_kill_9_mid_flow_then_restart_resumes_at_the_same_step(
    fake: FakeBotApi, store: Database, database_url: str, tmp_path: Path
):
    code = await invite(store, "home_visitor", "North")
    bot = await start_bot(fake, database_url, tmp_path)
    ana = fake.user(1, "Ana")
    try:
        await ana.send(f"/start {code}")
        await ana.replies()
        await ana.press("I agree")
        await ana.replies()
        await ana.press("English")
        await ana.replies(3)
        await ana.send("/reflect")
        told, _, _ = await ana.replies(3)
        assert told == REFLECTION_TOLD, "who sees her answers, as the flow starts"
        await ana.press("Yesterday")
        await ana.replies()
        await ana.send("The mother cried when I arrived and the baby watched her.")
        assert await ana.replies() == [
            "How did you feel in that moment, and what did you do or say? It is fine to name feelings that were hard."
        ]
        await settled(store)
    finally:
        await kill(bot)

    # A reply committed but never sent (as if the bot died between commit and send).
    async with store.unit_of_work() as uow:
        await uow.outbox.enqueue(
            "stranded",
            1,
            {"method": "sendMessage", "params": {"chat_id": 1, "text": "Stranded reply"}},
            datetime.now(UTC),
            priority=0,
        )
        await uow.commit()

    bot = await start_bot(fake, database_url, tmp_path)
    try:
        assert await ana.replies() == ["Stranded reply"]
        await ana.send("I felt helpless and sat down beside them.")
        assert (await ana.replies())[0].startswith(
            "Now picture the moment through the baby's or child's eyes"
        )
        assert [m["text"] for m in ana.messages].count(REFLECTION_TOLD) == 1, "not again after the restart"
    finally:
        await kill(bot)

    async with store.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None
        run = await uow.runs.active_for(person.id)
        assert run is not None and run.step_id == "explore_baby"
        answers = [(a.step_id, a.value) for a in await uow.answers.for_run(run.id)]
    assert answers[0][0] == "visit_date"
    assert answers[1:] == [
        ("describe", "The mother cried when I arrived and the baby watched her."),
        ("respond", "I felt helpless and sat down beside them."),
    ]
    texts = [m["text"] for m in ana.messages]
    assert texts.count("Stranded reply") == 1


async def test_kill_9_half_way_through_a_2000_person_bulletin_loses_nothing(
    fake: FakeBotApi, store: Database, database_url: str, tmp_path: Path
):
    from services.bulletins import bulletins
    from tests.fakebotapi import Limits

    people = range(500_000, 502_000)
    now = datetime.now(UTC)
    async with store.unit_of_work() as uow:
        for telegram_id in people:
            person = await uow.people.add(
                telegram_id, f"P{telegram_id}", now, language="en", roles=["home_visitor"]
            )
            person.consented_at = now
        await uow.commit()
    fake.limits = Limits(scale=10)  # Telegram's limits ×10: 300 messages a second
    bot = await start_bot(fake, database_url, tmp_path, rate_scale=10)
    try:
        async with store.unit_of_work() as uow:
            await bulletins.create(uow, bulletins.Audience("all"), "Visits resume on Monday.", now, now)
            await uow.commit()
        await fake.wait_until(lambda: len(fake.chats) >= 1050, 30)  # mid-batch
    finally:
        await kill(bot)
    await asyncio.sleep(0.2)  # a request already on its way is still answered
    delivered_at_kill = set(fake.chats)
    async with store.unit_of_work() as uow:
        rows = await uow.outbox.get_many(range(1, 2001))
    in_flight = [row.chat_id for row in rows if row.status == "sending"]
    accepted_unrecorded = [chat for chat in in_flight if chat in delivered_at_kill]
    assert 1000 <= len(delivered_at_kill) < 2000, "the kill came half-way"

    bot = await start_bot(fake, database_url, tmp_path, rate_scale=10)
    try:  # claims run out after 15 s: the new process then takes the stranded rows too
        await fake.wait_until(lambda: all(chat in fake.chats for chat in people), 60)
        await settled(store, seconds=30)
    finally:
        await kill(bot)
    counts = [len(fake.chats[chat]) for chat in people]
    duplicates = sum(count - 1 for count in counts)
    print(
        f"in flight at the kill: {len(in_flight)} ({len(accepted_unrecorded)} already accepted); duplicates: {duplicates}"
    )
    assert min(counts) == 1, "nobody lost it"
    assert duplicates <= len(in_flight), "only what was in flight at the kill can come twice"
    assert duplicates == len(accepted_unrecorded), "exactly those Telegram took but the bot had not recorded"
