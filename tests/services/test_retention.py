"""Retention (issue 24): an injected clock stepped day by day through two years, the store filled
along the way with every kind of personal data, and after each step nothing personal older than
its limit (content/retention.yaml's defaults) is left in personal form; what is kept past its
limit is numbers under a pseudonym, with no name, Telegram id or free text."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import case, func, or_, select, union_all, update

from content import BUNDLED_CONTENT
from flows.loader import ContentError
from flows.retention import Kind, Period
from flows.run import RunStatus
from flows.validate import load_content
from services.core.clock import ClockEnv
from services.privacy import retention
from services.privacy.retention import RetentionClock, RetentionRun
from store.bookkeeping import ClockFailure, ProcessedUpdate
from store.database import Database
from store.disclosure_log import EXPORT, DisclosureEntry
from store.kept import KeptRecord
from store.models import (
    Answer,
    Bulletin,
    Circle,
    CircleSession,
    Contribution,
    Cycle,
    DataPoint,
    FlowRun,
    Note,
    OutboxMessage,
    Project,
    Seat,
)
from store.observations import Observation
from store.statuses import ON_ITS_WAY, CircleStatus, OutboxStatus, ProjectStatus, SessionStatus
from store.uow import UnitOfWork
from tests.services.harness import CONTENT

START = datetime(2026, 1, 1, 15, tzinfo=UTC)
DAY = timedelta(days=1)
RULES = CONTENT.retention
FREE = ("win", "challenge")  # weekly_checkin's text steps; the others are scores
WORDS = ("WIN-", "HARD-", "PREFILL-", "SAID-", "COMMENT-", "NOTE-", "TEXT-", "OBS-", "Ana", "Bea")
OBSERVE = "observe_home_visit"


def before(kind: Kind, now: datetime) -> datetime:
    return RULES.limit(kind).before(now)


async def setup(db: Database) -> dict[str, int]:
    """Ana and Bea of team North, a circle, and a PDSA project quiet for 23 months already."""
    async with db.unit_of_work() as uow:
        team, _ = await uow.teams.get_or_create("North", START - 900 * DAY)
        ana = await uow.people.add(101, "Ana", START - 900 * DAY, language="en", team_id=team.id)
        bea = await uow.people.add(102, "Bea", START - 900 * DAY, language="en", team_id=team.id)
        circle = Circle(
            chat_id=-500, facilitator_id=bea.id, team_id=team.id, status=CircleStatus.ACTIVE, created_at=START
        )
        uow.session.add(circle)
        await uow.session.flush()
        ids = {"ana": ana.id, "bea": bea.id, "team": team.id, "circle": circle.id}
        old = START - 700 * DAY  # its last activity: 23 months before the walk
        ids["quiet"] = await project(uow, ana.id, team.id, old - 60 * DAY, old, bea.id)
        ids["busy"] = await project(uow, bea.id, team.id, START - 10 * DAY, START - 10 * DAY, ana.id)
        for week in range(60):  # history from before the walk: it starts with a backlog
            at = START - (420 - 7 * week) * DAY
            await checkin(uow, ana.id, at)
            await uow.disclosure_log.record(EXPORT, [ana.id], START - (760 - 7 * week) * DAY, "all")
        for month in range(6):  # observations sent before the walk, every other month
            await observation(uow, ids, START - (720 - 60 * month) * DAY, sent=True)
        await uow.commit()
    return ids


async def project(
    uow: UnitOfWork, owner: int, team: int, created: datetime, last: datetime, other: int
) -> int:
    """A project with a cycle, points by its owner and another member, and a note."""
    made = Project(
        owner_id=owner,
        team_id=team,
        status=ProjectStatus.ACTIVE,
        aim="NOTE-aim",
        measure="visits on time",
        created_at=created,
    )
    uow.session.add(made)
    await uow.session.flush()
    cycle = Cycle(
        project_id=made.id,
        number=1,
        stage="act",
        plan={"change": "NOTE-change"},
        study={"carried_out": "yes", "observed": "NOTE-observed"},
        act={"decision": "adapt", "next": "NOTE-next"},
        created_at=created,
        started_at=created,
    )
    uow.session.add(cycle)
    await uow.session.flush()
    await points(uow, made.id, owner, other, last)
    return made.id


async def points(uow: UnitOfWork, project: int, owner: int, other: int, at: datetime) -> None:
    for who, value in ((owner, 3.0), (other, 5.0)):
        uow.session.add(
            DataPoint(
                project_id=project,
                person_id=who,
                day=at.date(),
                period=f"{at.date()}",
                value=value,
                logged_at=at,
            )
        )
    uow.session.add(
        Note(project_id=project, author_id=owner, kind="note", text=f"NOTE-{at:%F}", created_at=at)
    )


async def checkin(uow: UnitOfWork, person: int, at: datetime) -> None:
    """A weekly check-in ended at `at`: two scales and a yes/no (scores), two free texts, and a
    free text carried over in the prefill."""
    day = f"{at:%F}"
    answers = {
        "wellbeing": 4,
        "workload": 2,
        "win": f"WIN-{day}",
        "challenge": f"HARD-{day}",
        "support": "no",
    }
    state = {"flow_id": "weekly_checkin", "answers": answers, "prefill": {"win": f"PREFILL-{day}"}}
    run = FlowRun(
        person_id=person,
        flow_id="weekly_checkin",
        status=RunStatus.COMPLETED,
        state=state,
        started_at=at - timedelta(hours=1),
        updated_at=at,
        finished_at=at,
    )
    uow.session.add(run)
    await uow.session.flush()
    for step, value in answers.items():
        await uow.answers.add(run, step, value, {}, at - timedelta(minutes=30))


async def observation(uow: UnitOfWork, ids: dict[str, int], at: datetime, sent: bool) -> None:
    """Bea's observation of Ana, started at `at`: sent then, with its scores and every kind of
    words (hers and Ana's); else left unfinished, Bea's run on it going with a note answered."""
    made = await uow.observations.add(ids["ana"], ids["bea"], ids["team"], "home_visit", at)
    made.scores, made.notes = {"warm_welcome": 3, "listens": "yes"}, {"warm_welcome": f"OBS-note-{at:%F}"}
    if not sent:
        run = await uow.runs.add(ids["bea"], OBSERVE, {}, "listens", RunStatus.ACTIVE, at, None)
        await uow.answers.add(run, "warm_welcome_note", f"OBS-draft-{at:%F}", {}, at)
        made.run_id, made.paused = run.id, {"answers": {"warm_welcome_note": f"OBS-draft-{at:%F}"}}
        return
    made.sent_at, made.strengths, made.growth = at, [f"OBS-strength-{at:%F}"], f"OBS-growth-{at:%F}"
    made.next_step, made.next_on, made.tried = f"OBS-step-{at:%F}", (at + 14 * DAY).date(), "partly"
    made.reply, made.follow_up = f"OBS-reply-{at:%F}", f"OBS-follow-up-{at:%F}"


async def messages(uow: UnitOfWork, person: int, at: datetime) -> None:
    """Messages with words and a button: one sent an hour after it was queued, one given up, one
    blocked, one withheld, and one still waiting for its time (never redacted)."""
    for status in (*OutboxStatus, "later"):
        payload = {
            "method": "sendMessage",
            "params": {
                "chat_id": 101,
                "text": f"TEXT-{at:%F}",
                "reply_markup": {"inline_keyboard": [["Ana"]]},
            },
        }
        key = f"{at:%F}:{status}"
        await uow.outbox.enqueue(key, 101, payload, at, person_id=person, not_before=at + 400 * DAY)
        values: dict[str, Any] = {"status": OutboxStatus.PENDING if status == "later" else status}
        if status == OutboxStatus.SENT:
            values["sent_at"] = at + timedelta(hours=1)
        await uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.idempotency_key == key).values(values)
        )


async def bulletin(uow: UnitOfWork, author: int, reader: int, at: datetime) -> None:
    """A bulletin with its text, sent to one reader."""
    sent = Bulletin(author_id=author, audience="all", text=f"TEXT-{at:%F}", send_at=at, created_at=at)
    uow.session.add(sent)
    await uow.session.flush()
    payload = {"method": "sendMessage", "params": {"chat_id": 101, "text": f"TEXT-{at:%F}"}}
    await uow.outbox.enqueue(f"bulletin:{sent.id}", 101, payload, at, person_id=reader, bulletin_id=sent.id)
    await uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.bulletin_id == sent.id)
        .values(status=OutboxStatus.SENT, sent_at=at)
    )


async def meeting(uow: UnitOfWork, ids: dict[str, int], at: datetime, number: int) -> None:
    """A session of the circle with Ana's contribution, her vote and her comment."""
    session = CircleSession(
        circle_id=ids["circle"],
        number=number,
        template_id="t",
        status=SessionStatus.ENDED,
        starts_at=at,
        ended_at=at + timedelta(hours=1),
        votes={f"1:{ids['ana']}": "a"},
        created_at=at,
    )
    uow.session.add(session)
    await uow.session.flush()
    uow.session.add(
        Contribution(
            session_id=session.id,
            person_id=ids["ana"],
            segment=1,
            kind="text",
            text=f"SAID-{at:%F}",
            created_at=at,
        )
    )
    uow.session.add(
        Seat(
            session_id=session.id, person_id=ids["ana"], took_part=True, rating=5, comment=f"COMMENT-{at:%F}"
        )
    )


async def fill(db: Database, ids: dict[str, int], day: int, now: datetime) -> None:
    """What one day of the walk adds."""
    async with db.unit_of_work() as uow:
        await uow.updates.mark_processed(10_000 + day, now)
        if day % 7 == 0 and day < 700:
            await checkin(uow, ids["ana"], now)
            await uow.disclosure_log.record(EXPORT, [ids["ana"]], now, "all")
        if day % 10 == 0:
            await messages(uow, ids["ana"], now)
        if day % 7 == 3 and (day < 120 or 400 <= day < 450):  # the circle meets, pauses, meets again
            await meeting(uow, ids, now, day)
        if day % 50 == 5:
            await bulletin(uow, ids["bea"], ids["ana"], now)
        if day % 30 == 0:
            await points(uow, ids["busy"], ids["bea"], ids["ana"], now)
        if day % 21 == 0 or day == 10:  # an observation every three weeks; one left unfinished
            await observation(uow, ids, now, sent=day != 10)
        await uow.commit()


def _utc(moment: datetime | str) -> datetime:
    """A moment read through a subquery (SQLite gives its text back, naive)."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def count(query: Any) -> Any:
    return select(func.count()).select_from(query.subquery()).scalar_subquery()


def least(column: Any) -> Any:
    return select(func.min(column)).scalar_subquery()


async def check(db: Database, now: datetime) -> Counter[str]:
    """The invariant, kind by kind (what crossed its limit since yesterday read in full, the rest
    counted in one query); what is still held, counted."""
    held: Counter[str] = Counter()
    async with db.unit_of_work() as uow:
        s = uow.session
        started = case(
            (OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at), else_=OutboxMessage.created_at
        )
        old = select(OutboxMessage.payload).where(
            OutboxMessage.status.not_in(ON_ITS_WAY), started < before(Kind.OUTBOX, now)
        )
        for payload in await s.scalars(old.where(started >= before(Kind.OUTBOX, now - DAY))):
            assert payload == {"method": "sendMessage"}, (now, payload)
        cut = before(Kind.FREE_TEXT, now)
        for run in await s.scalars(
            select(FlowRun).where(
                FlowRun.finished_at < cut, FlowRun.finished_at >= before(Kind.FREE_TEXT, now - DAY)
            )
        ):
            for part in ("answers", "prefill"):
                assert all(run.state[part].get(step) is None for step in FREE), (now, run.state)
        words = before(Kind.OBSERVATION_TEXTS, now)
        crossed = (Observation.sent_at < words) & (
            Observation.sent_at >= before(Kind.OBSERVATION_TEXTS, now - DAY)
        )
        for seen in await s.scalars(select(Observation).where(crossed)):
            texts = (seen.notes, seen.strengths, seen.growth, seen.next_step, seen.reply, seen.follow_up)
            assert texts == ({}, [], None, None, None, None) and seen.scores, (now, texts)
        moments = union_all(
            select(Project.id.label("project"), Project.created_at.label("at")),
            select(DataPoint.project_id, DataPoint.logged_at),
            select(Note.project_id, Note.created_at),
        ).subquery()
        last_activity = func.max(moments.c.at)
        figures = {
            "old messages unredacted": count(old.where(OutboxMessage.redacted_at.is_(None))),
            "messages": count(select(OutboxMessage.id).where(OutboxMessage.redacted_at.is_(None))),
            "old free text": count(
                select(Answer.id)
                .join(FlowRun, FlowRun.id == Answer.run_id)
                .where(FlowRun.finished_at < cut, Answer.step_id.in_(FREE))
            ),
            "oldest answer": least(Answer.answered_at),
            "answers": count(select(Answer.id)),
            "last session": select(
                func.max(func.coalesce(CircleSession.ended_at, CircleSession.starts_at))
            ).scalar_subquery(),
            "said": count(select(Contribution.id)),
            "comments": count(select(Seat.session_id).where(Seat.comment.is_not(None))),
            "quiet projects": count(
                select(moments.c.project)
                .group_by(moments.c.project)
                .having(last_activity < before(Kind.PDSA, now))
            ),
            "projects": count(select(Project.id)),
            "old bulletin texts": count(
                select(Bulletin.id).where(Bulletin.send_at < before(Kind.OUTBOX, now), Bulletin.text != "")
            ),
            "old observation words": count(
                select(Observation.id).where(
                    func.coalesce(Observation.sent_at, Observation.started_at) < words,
                    or_(Observation.sent_at.is_(None), Observation.texts_redacted_at.is_(None)),
                )
            ),
            "observations": count(select(Observation.id)),
            "oldest observation": least(Observation.sent_at),
            "observing runs": count(select(FlowRun.id).where(FlowRun.flow_id == OBSERVE)),
            "oldest logged": least(DisclosureEntry.logged_at),
            "oldest update": least(ProcessedUpdate.processed_at),
        }
        row = (
            await s.execute(select(*(query.label(name.replace(" ", "_")) for name, query in figures.items())))
        ).one()
        got = dict(zip(figures, row, strict=True))
        unredacted = (
            "old messages unredacted",
            "old free text",
            "quiet projects",
            "old bulletin texts",
            "old observation words",
        )
        assert [got[name] for name in unredacted] == [0, 0, 0, 0, 0], (now, got)
        for name, kind in (
            ("oldest answer", Kind.SCORES),
            ("oldest observation", Kind.OBSERVATION_SCORES),
            ("oldest logged", Kind.DISCLOSURES),
            ("oldest update", Kind.UPDATE_IDS),
        ):
            oldest = got[name]
            assert oldest is None or _utc(oldest) >= before(kind, now), (now, name)
        if got["last session"] is not None and _utc(got["last session"]) < before(Kind.CIRCLES, now):
            assert (got["said"], got["comments"]) == (0, 0), now
            assert all(votes == {} for votes in await s.scalars(select(CircleSession.votes)))
        held.update(
            {
                name: got[name]
                for name in ("messages", "answers", "said", "projects", "observations", "observing runs")
            }
        )
        for record in await s.scalars(select(KeptRecord).where(KeptRecord.kept_at == now)):
            shown = f"{record.pseudonym} {record.source} {record.item} {record.value}"
            assert not any(word in shown for word in WORDS), shown
            assert "101" not in f"{record.source} {record.item} {record.value}", shown
            assert record.pseudonym is not None and record.pseudonym.startswith("p"), shown
        for record_kind, number in await s.execute(
            select(KeptRecord.kind, func.count()).group_by(KeptRecord.kind)
        ):
            held[f"kept {record_kind}"] = number
    return held


async def test_nothing_personal_outlives_its_limit_through_two_years(db: Database) -> None:
    ids = await setup(db)
    hook = RetentionClock(ClockEnv(db, CONTENT, "UTC"))
    seen: Counter[str] = Counter()
    step = 1 if db.dialect_name == "sqlite" else 7  # PostgreSQL's walk goes by weeks: a few seconds
    for day in range(731):
        now = START + day * DAY
        await fill(db, ids, day, now)
        if day % step:
            continue
        await hook.tick(now)
        held = await check(db, now)
        for name, count in held.items():
            seen[name] = max(seen[name], count)
        if day == 400:
            assert held["said"] == 0, "the circle was quiet for 90 days: its words went"
        if day == 500:
            assert held["said"] > 0, "the circle met again: its last sessions are not 90 days old"
            assert held["observing runs"] == 0, "the unfinished observation went with its run"
    # Every kind was there along the way, and its numbers were kept once past their limit.
    assert seen["messages"] and seen["answers"] and seen["said"], seen
    assert seen["kept checkin"] and seen["kept pdsa_point"] == 2 and seen["kept pdsa_cycle"] == 1, seen
    assert seen["observing runs"] == 1 and seen["observations"] and seen["kept observation"] == 2 * 6, seen
    assert held["projects"] == 1, "the quiet project went, the busy one stays"
    async with db.unit_of_work() as uow:
        kept = {(r.kind, r.item) for r in await uow.session.scalars(select(KeptRecord))}
        pseudonyms = await uow.people.pseudonyms([ids["ana"], ids["bea"]])
        owners = set(await uow.session.scalars(select(KeptRecord.pseudonym)))
    assert ("checkin", "wellbeing") in kept and ("checkin", "win") not in kept, kept
    assert ("pdsa_point", "visits on time") in kept
    assert {item for kind, item in kept if kind == "observation"} == {"warm_welcome", "listens"}
    assert owners == set(pseudonyms.values()), "each under her own pseudonym"


async def test_the_report_says_what_the_next_run_will_do_and_changes_nothing(db: Database) -> None:
    ids = await setup(db)
    now = START + 40 * DAY
    async with db.unit_of_work() as uow:
        await messages(uow, ids["ana"], START)  # a sent, a failed, an undeliverable, a withheld one
        await meeting(uow, ids, START - 100 * DAY, 1)
        await bulletin(uow, ids["bea"], ids["ana"], START - 50 * DAY)  # its message and its own text
        await observation(uow, ids, START - 380 * DAY, sent=False)  # never sent: 12 months on, it goes
        for number, day in enumerate((31, 32, 35)):  # 40 days on, the first two are over 7 days old
            await uow.updates.mark_processed(number, START + day * DAY)
        await uow.commit()
    async with db.unit_of_work() as uow:
        lines = {line.kind: line for line in await RetentionRun(CONTENT).report(uow, now)}
    figures = {kind: (line.count, line.oldest) for kind, line in lines.items()}
    first_run = START - 420 * DAY  # the check-ins from before the walk, weekly
    assert figures == {
        Kind.OUTBOX: (6, START - 50 * DAY),
        Kind.FREE_TEXT: (
            sum(first_run + 7 * week * DAY < before(Kind.FREE_TEXT, now) for week in range(60)),
            first_run,
        ),
        Kind.SCORES: (0, None),
        Kind.CIRCLES: (1, START - 100 * DAY + timedelta(hours=1)),
        Kind.PDSA: (1, START - 700 * DAY),
        Kind.OBSERVATION_TEXTS: (7, START - 720 * DAY),  # the six sent before the walk, the unfinished one
        Kind.OBSERVATION_SCORES: (
            sum(
                START - (720 - 60 * month) * DAY < before(Kind.OBSERVATION_SCORES, now) for month in range(6)
            ),
            START - 720 * DAY,
        ),
        Kind.DISCLOSURES: (
            sum(START - (760 - 7 * week) * DAY < before(Kind.DISCLOSURES, now) for week in range(60)),
            START - 760 * DAY,
        ),
        Kind.UPDATE_IDS: (2, START + 31 * DAY),
    }
    assert (lines[Kind.OUTBOX].limit, lines[Kind.SCORES].limit) == ("30 days", "24 months")
    async with db.unit_of_work() as uow:
        again = {
            line.kind: (line.count, line.oldest) for line in await RetentionRun(CONTENT).report(uow, now)
        }
    assert again == figures, "read only"
    done = await RetentionClock(ClockEnv(db, CONTENT, "UTC")).tick(now)
    assert {kind: done[f"retention {kind}"] for kind in Kind} == {
        kind: count for kind, (count, _) in figures.items()
    }, "the next run did what the report said"
    async with db.unit_of_work() as uow:
        left = {line.kind: line.count for line in await RetentionRun(CONTENT).report(uow, now)}
    assert left == dict.fromkeys(Kind, 0), "and left nothing for the one after"


def test_a_bad_retention_file_fails_at_load_time_with_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, folder)
    (folder / "retention.yaml").write_text(
        "# ours\noutbox_payloads: 30 days\nfree_text_answers: 12 moons\ncheckin_score: 24 months\n"
    )
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    problems = [str(problem) for problem in raised.value.problems]
    assert (
        "retention.yaml:3: free_text_answers: '12 moons' is not a period like 30 days or 12 months"
        in problems
    )
    assert "retention.yaml:4: checkin_score: unknown key (a typo?)" in problems
    (folder / "retention.yaml").unlink()
    assert load_content(folder).retention.limit(Kind.OUTBOX) == Period(30, "day"), "no file: the defaults"


async def test_a_backlog_is_cleared_over_several_ticks_and_the_clock_comes_back_for_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 10)
    ids = await setup(db)
    async with db.unit_of_work() as uow:
        for day in range(6):  # 6 days of 4 finished messages each: 24 to redact
            await messages(uow, ids["ana"], START + day * DAY)
        await uow.commit()
    hook = RetentionClock(ClockEnv(db, CONTENT, "UTC"))
    now = START + 60 * DAY
    redacted = []
    for _ in range(3):
        redacted.append((await hook.tick(now))[f"retention {Kind.OUTBOX}"])
        if redacted[-1] == 10:
            assert await hook.next_due(now, now + timedelta(minutes=1)) == now, "back at once"
    assert redacted == [10, 10, 4]
    assert await hook.next_due(now, now + timedelta(minutes=1)) is None, "nothing left: not before the hour"
    assert await hook.tick(now + timedelta(minutes=59)) == {}, "a tick within the hour reads nothing"


async def test_one_kind_failing_does_not_stop_the_others(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    ids = await setup(db)
    async with db.unit_of_work() as uow:
        await messages(uow, ids["ana"], START)
        broken = await uow.session.scalar(select(FlowRun).order_by(FlowRun.id).limit(1))
        assert broken is not None
        broken.state = {**broken.state, "answers": ["not", "what", "the", "engine", "writes"]}
        await uow.commit()
    now = START + 60 * DAY
    done = await RetentionClock(ClockEnv(db, CONTENT, "UTC")).tick(now)
    assert f"retention {Kind.FREE_TEXT}" not in done, "the free-text pass failed"
    assert done[f"retention {Kind.OUTBOX}"] == 4 and done[f"retention {Kind.PDSA}"] == 1, done
    assert done[f"retention {Kind.DISCLOSURES}"] > 0, done
    async with db.unit_of_work() as uow:
        failures = [(f.kind, f.item) for f in await uow.session.scalars(select(ClockFailure))]
        payloads = list(await uow.session.scalars(select(OutboxMessage.payload)))
    assert failures == [("retention", Kind.FREE_TEXT)]
    assert sum(payload == {"method": "sendMessage"} for payload in payloads) == 4
    assert "WIN-" not in caplog.text and "retention free_text_answers failed (AttributeError" in caplog.text
