"""/forget (issue 23): a home visitor who did a bit of everything erases herself through the real
bot and the Bot API fake. Afterwards none of her words and not her name is in the store (SQLite:
as raw bytes in the database, -wal and -shm files; PostgreSQL: in any text or JSON column), her
team's project keeps her points as a former member's, her supervisor's past summary still reads
as numbers, and she is a stranger: /start asks for an invite."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select, text

from services.pdsa.export import csv_of
from store.database import Database
from store.models import DataPoint, OutboxMessage, Person, Project
from store.statuses import ProjectStatus
from store.urls import sqlite_path
from tests.fakebotapi import FakeBotApi
from tests.reflection import UP_TO_SHARING
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_end_to_end import join, reflect

NAME = "Zuleika"
CHECKIN_WORDS = ("Marker-checkin-toy-library", "Marker-checkin-family-moved")
# What she wrote that the bot keeps in other places (a project, a circle): her marker texts.
STORED_WORDS = {
    "aim": "Marker-aim-more-visits-kept",
    "idea": "Marker-idea-call-the-day-before",
    "plan": "Marker-plan-prediction",
    "note": "Marker-note-rain-cancelled",
    "team_note": "Marker-note-in-team-project",
    "contribution": "Marker-contribution-the-baby-smiled",
    "commitment": "Marker-commitment-name-the-feeling",
    "outcome": "Marker-outcome-it-helped",
    "comment": "Marker-seat-comment-good-circle",
}
REFLECTION_WORDS = tuple(value for action, value in UP_TO_SHARING if action == "send")


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


async def her_everything(store: Database, her_id: int, bea_id: int, now: datetime) -> tuple[int, int]:
    """Her project, her points in Bea's team project, a note in each, a circle contribution, a
    commitment and its outcome, an RSVP, a rating with a comment, a vote: what she did elsewhere.
    Returns the team project's and the circle session's ids."""
    async with store.unit_of_work() as uow:
        her = await uow.people.get(her_id)
        assert her is not None and her.team_id is not None
        own = await uow.projects.add(
            her_id, now, aim=STORED_WORDS["aim"], measure="Visits kept", change_ideas=[STORED_WORDS["idea"]]
        )
        own.status = ProjectStatus.ACTIVE
        cycle = await uow.projects.add_cycle(own, now, {})
        cycle.plan = {"prediction": STORED_WORDS["plan"]}
        await uow.projects.add_point(
            project_id=own.id, person_id=her_id, day=date.today(), period="d1", value=3, logged_at=now
        )
        await uow.projects.add_note(
            project_id=own.id, author_id=her_id, kind="note", text=STORED_WORDS["note"], created_at=now
        )
        team = await uow.projects.add(bea_id, now, team_id=her.team_id, aim="Bea's aim", measure="Calls")
        for who, period in ((her_id, "d1"), (her_id, "d2"), (bea_id, "d1")):
            await uow.projects.add_point(
                project_id=team.id, person_id=who, day=date.today(), period=period, value=5, logged_at=now
            )
        await uow.projects.add_note(
            project_id=team.id, author_id=her_id, kind="note", text=STORED_WORDS["team_note"], created_at=now
        )
        circle = await uow.circles.add(-1001, bea_id, her.team_id, now)
        await uow.circles.join(circle.id, her_id, now)
        session = await uow.circles.add_session(circle, "case_consultation", now, now, now)
        await uow.circles.add_contribution(
            session_id=session.id,
            person_id=her_id,
            segment=1,
            kind="text",
            chat_id=-1001,
            message_id=7,
            text=STORED_WORDS["contribution"],
            created_at=now,
        )
        await uow.circles.add_contribution(
            session_id=session.id,
            person_id=her_id,
            segment=3,
            kind="commitment",
            text=STORED_WORDS["commitment"],
            shared="name",
            outcome=STORED_WORDS["outcome"],
            tried=True,
            created_at=now,
        )
        for who, rating in ((her_id, 5), (bea_id, 4)):
            seat = await uow.circles.seat(session.id, who)
            seat.rsvp, seat.took_part, seat.rating = "yes", True, rating
        seat = await uow.circles.seat(session.id, her_id)
        seat.comment = STORED_WORDS["comment"]
        session.votes = {f"2:{her_id}": "0", f"2:{bea_id}": "1"}
        await uow.commit()
        return team.id, session.id


async def ids(store: Database) -> dict[str, int]:
    async with store.unit_of_work() as uow:
        return {name: pid for name, pid in await uow.session.execute(select(Person.name, Person.id))}


async def found_anywhere(store: Database, database_url: str, words: list[str]) -> list[str]:
    """Which of `words` the store still holds: SQLite's files as raw bytes, every text and JSON
    column of PostgreSQL."""
    path = sqlite_path(database_url)
    if path is not None:
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
        raw = b"".join(file.read_bytes() for file in files if file.exists())
        return [word for word in words if word.encode() in raw]
    found = []
    async with store.unit_of_work() as uow:
        columns = await uow.session.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
                "'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
            )
        )
        for table, column in list(columns):
            for word in words:
                query = f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE :word'
                if await uow.session.scalar(text(query), {"word": f"%{word}%"}):
                    found.append(word)
    return sorted(set(found))


async def test_she_erases_herself_and_nothing_of_her_is_left(
    fake: FakeBotApi, store: Database, database_url: str
):
    async with running(fake, store, database_url):
        marta, her, bea = fake.user(10, "Marta"), fake.user(1, NAME), fake.user(2, "Bea")
        await join(marta, await invite(store, "supervisor", "North"))
        code = await invite(store, "home_visitor", "North", uses=2)
        await join(her, code)
        await join(bea, code)
        await reflect(her, share=True)
        await marta.replies()  # her reflection, shared
        await her.send("/checkin")
        await her.replies(2)
        for label in ("2", "3 – Just about"):
            await her.press(label)
            await her.replies()
        for said in CHECKIN_WORDS:
            await her.send(said)
            await her.replies()
        await her.press("No")
        people = await ids(store)
        now = datetime.now(UTC)
        team_project, _ = await her_everything(store, people[NAME], people["Bea"], now)
        await marta.send("/summary")
        summaries = lambda: [m["text"] for m in marta.messages if "Weekly summary" in m.get("text", "")]  # noqa: E731
        await fake.wait_until(lambda: bool(summaries()))
        [page] = summaries()
        assert f"• {NAME} —" in page and "wellbeing 2" in page
        words = [NAME, *REFLECTION_WORDS, *CHECKIN_WORDS, *STORED_WORDS.values()]
        assert set(await found_anywhere(store, database_url, words)) >= {NAME, CHECKIN_WORDS[0]}

        await her.send("/forget")
        await fake.wait_until(lambda: her.messages[-1]["text"] == say("forget.confirm"))
        confirm = her.messages[-1]["text"]
        await her.replies(0)  # (what came before it is seen)
        assert "other people's Telegram chats" in confirm and "backups" in confirm
        await her.press(say("forget.button.erase"))
        [done] = await her.replies()
        assert done == say("forget.done")
        told = len(her.messages)

        await her.send("/start")
        [stranger] = await her.replies()
        assert stranger == say("invite.none")
        assert len(her.messages) == told + 1, "nothing but the answer to her own /start"
        assert await found_anywhere(store, database_url, words) == [], "while the bot runs"

    async with store.unit_of_work() as uow:
        points = list(
            await uow.session.scalars(select(DataPoint).where(DataPoint.project_id == team_project))
        )
        assert sorted((point.person_id or 0, point.period) for point in points) == [
            (0, "d1"),
            (0, "d2"),
            (people["Bea"], "d1"),
        ], "her points in the team project stay, as a former member's"
        team = await uow.projects.get(team_project)
        assert team is not None
        logged = [
            row["logged_by"]
            for row in csv.DictReader(io.StringIO((await csv_of(uow, [team])).data.decode("utf-8-sig")))
            if row["record"] == "point"
        ]
        assert sorted(logged) == ["Bea", "a former member", "a former member"], "the team's export says so"
        assert await uow.session.scalar(select(Project.id).where(Project.owner_id == people[NAME])) is None
        to_marta = await uow.session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == 10))
        [summary] = [
            row.payload["params"]["text"] for row in to_marta if "Weekly summary" in str(row.payload)
        ]
        assert "• — — ✓ checked in" in summary and "wellbeing 2" in summary, "her counts stay, without her"
        erased = await uow.people.get(people[NAME])
        assert erased is not None and erased.erased_at is not None and erased.telegram_id != 1
        assert await uow.runs.active_for(people[NAME]) is None
        log = await uow.disclosure_log.entries(people[NAME])
        assert [(e.kind, e.detail) for e in log if e.kind == "erasure"] == [
            ("erasure", "by herself (/forget)")
        ]
        assert "shared_reflection" in {e.kind for e in log}, "what went where stays: ids, no words"
