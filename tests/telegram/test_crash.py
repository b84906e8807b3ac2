"""kill -9 of a real bot process mid-conversation, then a restart: she continues at the same
step with her earlier answers intact, and what was committed but not sent is sent."""

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.telegram.conftest import TOKEN, invite

ROOT = Path(__file__).resolve().parents[2]


async def start_bot(fake: FakeBotApi, database_url: str, workdir: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CIRCLEBOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.root,
        DATABASE_URL=database_url,
        CIRCLEBOT_RATE_SCALE="100",
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


async def settled(store: Database) -> None:
    """Wait until the bot has recorded every reply as sent (so the kill below lands between
    updates, not in the instant between Telegram accepting a message and its record)."""
    far = datetime(2100, 1, 1, tzinfo=UTC)
    for _ in range(200):
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
        await ana.replies(2)
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
        assert (await ana.replies())[0].startswith("What did this moment touch?")
    finally:
        await kill(bot)

    async with store.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None
        run = await uow.runs.active_for(person.id)
        assert run is not None and run.step_id == "elements"
        answers = [(a.step_id, a.value) for a in await uow.answers.for_run(run.id)]
    assert answers[0][0] == "visit_date"
    assert answers[1:] == [
        ("describe", "The mother cried when I arrived and the baby watched her."),
        ("respond", "I felt helpless and sat down beside them."),
    ]
    texts = [m["text"] for m in ana.messages]
    assert texts.count("Stranded reply") == 1
