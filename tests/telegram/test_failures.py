"""The real PTB Application when something fails: she is answered, and what is logged names the
update or the job and the error's type, with no traceback (its text could hold her words)."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import ContextTypes

from bot import Wired
from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.refusals import refuse_answers_containing
from tests.telegram.conftest import CONTENT, invite
from tests.telegram.test_end_to_end import join


async def test_an_update_that_fails_is_answered_and_logged_without_a_traceback(
    polling_bot: Wired, fake: FakeBotApi, store: Database, caplog: pytest.LogCaptureFixture
):
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.replies(3)
    await ana.press("Yesterday")
    await ana.replies()
    await refuse_answers_containing(store, "zebra")
    caplog.set_level(logging.DEBUG)

    update_id = await ana.send("The zebra in the picture book made the baby laugh.")

    assert await ana.replies() == [CONTENT.catalog.say("en", "error.something_went_wrong")]
    assert f"update {update_id} failed (IntegrityError)" in [record.getMessage() for record in caplog.records]
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []


async def test_a_failing_job_is_logged_by_its_name_and_the_errors_type(
    polling_bot: Wired, caplog: pytest.LogCaptureFixture
):
    async def fail(_context: ContextTypes.DEFAULT_TYPE) -> None:
        raise ValueError("the zebra's words")

    caplog.set_level(logging.DEBUG)
    app = polling_bot.application
    assert app.job_queue is not None
    job = app.job_queue.run_once(fail, 3600, name="probe")
    await job.run(app)  # as the JobQueue would, its error handled before it returns
    job.schedule_removal()

    assert "job probe failed (ValueError)" in [record.getMessage() for record in caplog.records]
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []
    assert not [record for record in caplog.records if "zebra" in record.getMessage()]
