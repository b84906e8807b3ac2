"""Issue 23's /mydata through the Bot API fake, with the real PTB Application: after she answered
a reflection and a check-in, the bot sends her, as documents, a summary to read (her words
escaped), `mydata.json` holding exactly her answers and a CSV per kind whose rows match it;
nothing of anyone else, and nothing of hers in the log. A second /mydata while hers is being
prepared makes no second; a large one comes zipped, and one past Telegram's limit in several
zips each within it (the limits injected small)."""

import asyncio
import csv
import io
import json
import logging
import zipfile
from typing import Any

import pytest

from bot import Wired
from services.core.spreadsheet import cell
from services.privacy.clock import ExportClock
from services.privacy.export import Limits, Package, zipped
from store.database import Database
from store.exports import DataExport
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.reflection import UP_TO_SHARING
from tests.telegram.conftest import invite
from tests.telegram.test_alerts import WROTE, check_in
from tests.telegram.test_circles import say
from tests.telegram.test_end_to_end import join, tick

MARKER = "<script>alert('Ana')</script> The baby smiled at me."
DONE = say("mydata.done")


async def reflect_with_marker(user: FakeUser) -> None:
    """/reflect, answered along the usual path with the marker as her first written answer."""
    await user.send("/reflect")
    await user.replies(3)
    first_text = True
    for action, value in UP_TO_SHARING:
        if action == "tick":
            await tick(user, value)
            continue
        if action == "send" and first_text:
            value, first_text = MARKER, False
        await (user.send(value) if action == "send" else user.press(value))
        await user.replies()
    await user.press("No")
    await user.replies(3)


async def documents_until_done(fake: FakeBotApi, user: FakeUser) -> dict[str, bytes]:
    """Wait for the closing line; the documents sent since her last read message, by file name."""
    start = user._seen
    await fake.wait_until(lambda: any(m.get("text") == DONE for m in user.messages[start:]), 30)
    fresh = user.messages[start:]
    user._seen = len(user.messages)
    return {
        m["document"]["file_name"]: fake.uploads[m["document"]["file_id"]] for m in fresh if "document" in m
    }


async def test_mydata_sends_her_summary_json_and_csvs_with_only_her_answers(
    polling_bot: Wired, fake: FakeBotApi, store: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    marta, ana, bea = fake.user(10, "Marta"), fake.user(1, "Ana"), fake.user(2, "Bea")
    await join(marta, await invite(store, "supervisor", "North"))
    code = await invite(store, "home_visitor", "North", uses=2)
    await join(ana, code)
    await join(bea, code)
    await reflect_with_marker(ana)
    await check_in(ana, "4", "4", "No", said=2)
    await bea.send("/reflect")  # someone else's words, in the same team
    await bea.replies(3)
    await bea.press("Yesterday")
    await bea.replies()
    await bea.send("Bea's own visit, not Ana's.")
    await bea.replies()

    await ana.send("/mydata")
    assert await ana.replies() == [say("mydata.preparing")]
    files = await documents_until_done(fake, ana)

    assert list(files)[:2] == ["summary.html", "mydata.json"]
    assert {"answers.csv", "runs.csv", "settings.csv", "roles.csv", "team.csv"} <= set(files)
    data = json.loads(files["mydata.json"])
    typed = [value for action, value in UP_TO_SHARING if action == "send"][1:]
    answers = [row["value"] for row in data["answers"]]
    assert MARKER in answers and all(text in answers for text in (*typed, *WROTE))
    assert "Bea's own visit, not Ana's." not in answers
    assert data["roles"] == [{"role": "home_visitor"}] and data["team"] == [{"name": "North", "member": True}]

    rows = list(csv.DictReader(io.StringIO(files["answers.csv"].decode("utf-8-sig"))))
    assert len(rows) == len(data["answers"])
    for row, kept in zip(rows, data["answers"], strict=True):
        assert row == {
            field: cell(json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value)
            for field, value in kept.items()
        }

    page = files["summary.html"].decode()
    assert "&lt;script&gt;alert(&#x27;Ana&#x27;)&lt;/script&gt; The baby smiled at me." in page
    assert "<script>" not in page and say("mydata.kind.answers") in page
    for name, content in files.items():
        assert b"Marta" not in content and b"Bea" not in content, f"someone else in {name}"
    assert "baby smiled" not in caplog.text and "Ana" not in caplog.text


async def test_a_second_mydata_while_hers_is_prepared_makes_no_second(
    polling_bot: Wired, fake: FakeBotApi, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    building, release = asyncio.Event(), asyncio.Event()
    build = ExportClock._build

    async def held(clock: ExportClock, read: Any) -> Package:
        building.set()
        await release.wait()
        return await build(clock, read)

    monkeypatch.setattr(ExportClock, "_build", held)
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    await ana.send("/mydata")
    assert await ana.replies() == [say("mydata.preparing")]
    await asyncio.wait_for(building.wait(), 15)  # the clock has read it and is building
    await ana.send("/mydata")
    assert await ana.replies() == [say("mydata.already")]
    release.set()
    files = await documents_until_done(fake, ana)

    assert "summary.html" in files
    assert sum(m.get("document", {}).get("file_name") == "summary.html" for m in ana.messages) == 1
    assert [m.get("text") for m in ana.messages].count(DONE) == 1
    async with store.unit_of_work() as uow:
        assert len(list(await uow.session.scalars(DataExport.__table__.select()))) == 1


async def test_a_large_export_is_zipped_and_one_past_the_limit_comes_in_several_zips(
    polling_bot: Wired, fake: FakeBotApi, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    await reflect_with_marker(ana)

    monkeypatch.setattr(ExportClock, "limits", Limits(zip_over=100))
    await ana.send("/mydata")
    await ana.replies()
    files = await documents_until_done(fake, ana)
    assert list(files) == ["summary.html", "mydata.zip"]
    with zipfile.ZipFile(io.BytesIO(files["mydata.zip"])) as archive:
        inside = {name: archive.read(name) for name in archive.namelist()}
    assert {"mydata.json", "answers.csv", "runs.csv"} <= set(inside)
    assert MARKER in [row["value"] for row in json.loads(inside["mydata.json"])["answers"]]

    largest = max(len(zipped([(name, content)])) for name, content in [*inside.items(), *files.items()])
    limit = largest + 200  # every file fits alone, not all together
    monkeypatch.setattr(ExportClock, "limits", Limits(zip_over=100, document=limit))
    await ana.send("/mydata")
    await ana.replies()
    parts = await documents_until_done(fake, ana)
    zips = [name for name in parts if name.endswith(".zip")]
    assert len(zips) >= 2 and zips[0] == f"mydata-1-of-{len(zips)}.zip"
    assert all(len(content) <= limit for content in parts.values())
    names: set[str] = {name for name in parts if not name.endswith(".zip")}
    for name in zips:
        with zipfile.ZipFile(io.BytesIO(parts[name])) as archive:
            names |= set(archive.namelist())
    assert names == {"summary.html", *inside}, "nothing left out"
    left_out = say("mydata.left_out", files="").split(":")[0]
    assert not any(str(m.get("text")).startswith(left_out) for m in ana.messages)


async def test_an_export_that_fails_is_set_aside_she_is_told_and_may_ask_again(
    polling_bot: Wired, fake: FakeBotApi, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = ExportClock._build

    async def broken(clock: ExportClock, read: Any) -> Package:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(ExportClock, "_build", broken)
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    await ana.send("/mydata")
    assert await ana.replies(2) == [say("mydata.preparing"), say("mydata.failed")]
    async with store.unit_of_work() as uow:
        assert [f.kind for f in await uow.failures.recent(10)] == ["mydata"]

    monkeypatch.setattr(ExportClock, "_build", build)
    await ana.send("/mydata")
    assert await ana.replies() == [say("mydata.preparing")]
    assert "summary.html" in await documents_until_done(fake, ana)
