"""One bot per database (issue 19), with real processes against the Bot API fake: a second
`circlebot run` refuses with one line and exit code 2 while the first runs, the CLI still works
beside it, and after `kill -9` of the first a new one starts at once."""

import asyncio
import os
import socket
import sys
from pathlib import Path

from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.telegram.conftest import TOKEN
from tests.telegram.test_crash import ROOT, kill, start_bot

CIRCLEBOT = (sys.executable, "-c", "import sys, bot; sys.exit(bot.main())")


async def circlebot(fake: FakeBotApi, database_url: str, workdir: Path, *args: str) -> tuple[int, str]:
    """A command to its end: its exit code and what it said on stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CIRCLEBOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT), TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.root, DATABASE_URL=database_url
    )
    process = await asyncio.create_subprocess_exec(
        *CIRCLEBOT,
        *args,
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:  # a second bot that started: it is not left behind
            await kill(process)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_a_second_run_refuses_while_the_first_runs_and_starts_at_once_after_kill_9(
    fake: FakeBotApi, store: Database, database_url: str, tmp_path: Path
):
    first = await start_bot(fake, database_url, tmp_path)
    try:
        code, err = await circlebot(fake, database_url, tmp_path, "run")
        assert code == 2
        assert err == (
            f"circlebot: another circlebot run is already using this database "
            f"(pid {first.pid} on {socket.gethostname()}); stop it first\n"
        )
        assert first.returncode is None, "the first bot goes on"
        assert await circlebot(fake, database_url, tmp_path, "db", "upgrade") == (0, ""), (
            "the CLI takes no lock"
        )
    finally:
        await kill(first)
    again = await start_bot(fake, database_url, tmp_path)  # asserts it started and polls
    await kill(again)
