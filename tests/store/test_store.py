"""The store on SQLite and on a real PostgreSQL: migrations, repositories, unit of work."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from flows.run import RunStatus
from store.database import Database
from store.migrate import MIGRATIONS, current_revision, upgrade_to_head
from store.models import Answer, Base
from tests.refusals import refuse_answers_containing

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()  # the newest migration file


async def test_migrations_reach_head_and_match_the_models(db: Database, database_url: str):
    assert HEAD is not None and await current_revision(database_url) == HEAD

    def differences(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_upgrading_twice_changes_nothing(db: Database, database_url: str):
    await asyncio.to_thread(upgrade_to_head, database_url)
    assert await current_revision(database_url) == HEAD


async def test_sqlite_runs_in_wal_mode_in_a_folder_it_creates(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'c.db'}"
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await db.dispose()


async def test_people_hold_several_roles_and_their_flags(db: Database):
    async with db.unit_of_work() as uow:
        team, created = await uow.teams.get_or_create("North", NOW)
        assert created
        person = await uow.people.add(9_000_000_001, "Ana", NOW, roles=["home_visitor"], team_id=team.id)
        assert await uow.people.add_role(person, "facilitator")
        assert not await uow.people.add_role(person, "facilitator")
        await uow.commit()
    async with db.unit_of_work() as uow:
        found = await uow.people.get_by_telegram_id(9_000_000_001)  # beyond 32 bits
        assert found is not None
        assert found.role_names == {"home_visitor", "facilitator"}
        assert not found.deactivated and not found.unreachable
        assert found.created_at == NOW and found.created_at.tzinfo is not None
        team, created = await uow.teams.get_or_create("North", NOW)
        assert not created
        assert [member.name for member in await uow.people.of_teams([team.id])] == ["Ana"]


async def test_uncommitted_work_and_failed_work_leave_nothing(db: Database):
    async with db.unit_of_work() as uow:
        await uow.teams.get_or_create("Forgotten", NOW)
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            await uow.teams.get_or_create("Failed", NOW)
            raise RuntimeError("boom")
    async with db.unit_of_work() as uow:
        await uow.teams.get_or_create("Kept", NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert [team.name for team in await uow.teams.all()] == ["Kept"]


async def test_invites_redeem_until_used_up_expired_or_revoked(db: Database):
    async with db.unit_of_work() as uow:
        await uow.invites.add("two-uses", "home_visitor", None, 2, NOW + timedelta(days=7), NOW)
        await uow.invites.add("old", "home_visitor", None, 1, NOW - timedelta(seconds=1), NOW)
        await uow.invites.add("revoked", "home_visitor", None, 1, NOW + timedelta(days=7), NOW)
        assert await uow.invites.revoke("revoked", NOW)
        assert not await uow.invites.revoke("revoked", NOW)
        assert not await uow.invites.revoke("unknown", NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        first = await uow.invites.redeem("two-uses", NOW, 1)
        assert first is not None and first.uses == 1
        second = await uow.invites.redeem("two-uses", NOW, 1)
        assert second is not None and second.uses == 2
        assert await uow.invites.redeem("two-uses", NOW, 1) is None
        assert await uow.invites.redeem("old", NOW, 1) is None
        assert await uow.invites.redeem("revoked", NOW, 1) is None
        assert await uow.invites.redeem("nope", NOW, 1) is None
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.invites.all(NOW) == []
        assert len(await uow.invites.all(NOW, include_inactive=True)) == 3


async def test_two_people_racing_for_a_single_use_code_one_wins(db: Database):
    async with db.unit_of_work() as uow:
        await uow.invites.add("once", "supervisor", None, 1, NOW + timedelta(days=7), NOW)
        await uow.commit()

    async def redeem() -> bool:
        async with db.unit_of_work() as uow:
            won = await uow.invites.redeem("once", NOW, 1)
            await asyncio.sleep(0.05)  # hold the transaction open while the other tries
            await uow.commit()
            return won is not None

    results = await asyncio.gather(*(redeem() for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_a_pending_supervisor_invite_is_found(db: Database):
    async with db.unit_of_work() as uow:
        team, _ = await uow.teams.get_or_create("North", NOW)
        assert await uow.invites.pending_supervisor_invite(team.id, NOW) is None
        await uow.invites.add("sup", "supervisor", team.id, 1, NOW + timedelta(days=7), NOW)
        pending = await uow.invites.pending_supervisor_invite(team.id, NOW)
        assert pending is not None and pending.code == "sup"
        assert await uow.invites.pending_supervisor_invite(team.id, NOW + timedelta(days=8)) is None


async def test_runs_and_answers_keep_every_answer(db: Database):
    async with db.unit_of_work() as uow:
        person = await uow.people.add(1, "Ana", NOW)
        run = await uow.runs.add(
            person.id, "rios_reflection", {"step": "a"}, "a", RunStatus.ACTIVE, NOW, NOW + timedelta(hours=48)
        )
        await uow.answers.add(run, "a", "first", {"rios_task": "describing"}, NOW)
        await uow.answers.add(run, "a", "second", {"rios_task": "describing"}, NOW + timedelta(minutes=1))
        await uow.answers.add(run, "b", None, {}, NOW + timedelta(minutes=2))
        await uow.answers.add(run, "c", ["x", "y"], {}, NOW + timedelta(minutes=3))
        await uow.commit()
    async with db.unit_of_work() as uow:
        active = await uow.runs.active_for(person.id)
        assert active is not None and active.state == {"step": "a"}
        answers = await uow.answers.for_run(active.id)
        assert [(a.step_id, a.value) for a in answers] == [
            ("a", "first"),
            ("a", "second"),
            ("b", None),
            ("c", ["x", "y"]),
        ]
        assert answers[0].tags == {"rios_task": "describing"}
        await uow.runs.save(
            active,
            state={"done": True},
            step_id=None,
            status=RunStatus.COMPLETED,
            now=NOW,
            expires_at=None,
            finished_at=NOW,
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.runs.active_for(person.id) is None
        finished = await uow.runs.get(active.id)
        assert finished is not None and finished.finished_at == NOW


async def test_a_processed_update_is_processed_once(db: Database):
    async with db.unit_of_work() as uow:
        assert await uow.updates.mark_processed(500_000_000_001, NOW)
        assert not await uow.updates.mark_processed(500_000_000_001, NOW)
        assert await uow.updates.mark_processed(17, NOW - timedelta(days=10))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.updates.prune(NOW - timedelta(days=7)) == 1
        assert await uow.updates.mark_processed(17, NOW)  # ids restart at random after a quiet week
        await uow.commit()


async def test_enqueuing_the_same_message_twice_changes_nothing(db: Database):
    async with db.unit_of_work() as uow:
        first = await uow.outbox.enqueue("bulletin:1:person:7", 7007, {"text": "Hello"}, NOW)
        assert first is not None
        assert await uow.outbox.enqueue("bulletin:1:person:7", 7007, {"text": "Changed"}, NOW) is None
        assert await uow.outbox.enqueue("reply:9", 7007, {"text": "Now"}, NOW, priority=0) is not None
        await uow.commit()
    async with db.unit_of_work() as uow:
        pending = await uow.outbox.due(NOW, 10)
        assert [(m.idempotency_key, m.payload["text"]) for m in pending] == [
            ("reply:9", "Now"),  # interactive first
            ("bulletin:1:person:7", "Hello"),
        ]


async def test_settings_remember_a_value(db: Database):
    async with db.unit_of_work() as uow:
        assert await uow.settings.get("bot_username") is None
        await uow.settings.set("bot_username", "a_bot")
        await uow.settings.set("bot_username", "b_bot")
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.settings.get("bot_username") == "b_bot"


async def test_naive_datetimes_are_refused(db: Database):
    with pytest.raises(Exception, match="naive datetime"):
        async with db.unit_of_work() as uow:
            await uow.teams.get_or_create("North", datetime(2026, 1, 1))


def test_alembics_own_command_line_takes_plain_urls_too(database_url: str):
    plain = database_url.replace("postgresql://", "postgres://")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=root,
        env={**os.environ, "DATABASE_URL": plain},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert asyncio.run(current_revision(database_url)) == HEAD


async def test_a_row_is_claimed_by_one_sender_and_a_lapsed_claim_is_taken_again(db: Database):
    async with db.unit_of_work() as uow:
        row = await uow.outbox.enqueue("k", 1, {"text": "x"}, NOW)
        assert row is not None
        await uow.commit()
    lease = NOW + timedelta(seconds=15)
    async with db.unit_of_work() as uow:
        assert await uow.outbox.claim([row], NOW, lease) == [row]
        assert await uow.outbox.claim([row], NOW, lease) == []  # the second sender gets nothing
        assert await uow.outbox.due(NOW, 10) == []
        later = NOW + timedelta(seconds=16)
        assert [m.id for m in await uow.outbox.due(later, 10)] == [row]  # its sender died
        assert await uow.outbox.claim([row], later, later + timedelta(seconds=15)) == [row]
        await uow.commit()


async def test_a_bulletin_photo_queued_before_photos_had_their_own_table_still_goes_up(database_url: str):
    """Migration 0004 moves bulletin photos to `photos`, keeping the id queued rows name."""
    from alembic import command

    from store.migrate import alembic_config

    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "0003")
    db = Database(database_url)
    try:
        async with db.engine.begin() as connection:
            for number in (1, 2):
                photo = b"\x89PNG" if number == 2 else None
                await connection.execute(
                    text(
                        "INSERT INTO bulletins (id, audience, text, photo, send_at, created_at)"
                        " VALUES (:id, 'all', 'Toys', :photo, :now, :now)"
                    ),
                    {"id": number, "photo": photo, "now": NOW.replace(tzinfo=None)},
                )
        await asyncio.to_thread(upgrade_to_head, database_url)
        async with db.unit_of_work() as uow:
            plain, pictured = await uow.bulletins.get(1), await uow.bulletins.get(2)
            assert plain is not None and plain.photo_id is None
            assert pictured is not None and pictured.photo_id == 2
            assert await uow.photos.data(2) == b"\x89PNG"
            added = await uow.photos.add(NOW, data=b"next")
            assert added.id == 3, "new photos do not collide with the moved ones"
    finally:
        await db.dispose()


async def test_the_typed_prompts_migration_converts_what_was_awaited_and_clears_the_rest(database_url: str):
    """0008: the `awaiting` dicts stored before it become typed, versioned prompts that lapse;
    what no kind means is cleared (she is then simply asked again)."""
    from alembic import command

    from services.core import prompts
    from services.pdsa.points import AskValue
    from services.sharing.sharing import ReplyTo
    from store.migrate import alembic_config

    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "0007")
    old = {
        1: {"pdsa": "log", "project": 7, "day": "2026-11-24"},
        2: {"reply_to_share": 12},
        3: {"something": "unknown"},
    }
    db = Database(database_url)
    try:
        async with db.engine.begin() as connection:
            for number, awaiting in old.items():
                await connection.execute(
                    text(
                        "INSERT INTO people (telegram_id, name, deactivated, unreachable, created_at, awaiting) "
                        "VALUES (:id, 'P', false, false, :now, :awaiting)"
                    ),
                    {"id": number, "now": NOW.replace(tzinfo=None), "awaiting": json.dumps(awaiting)},
                )
        await asyncio.to_thread(upgrade_to_head, database_url)
        async with db.unit_of_work() as uow:
            people = [await uow.people.get_by_telegram_id(number) for number in old]
        now = datetime.now(UTC)
        found = [None if p is None else prompts.current(p, now) for p in people]
        assert found == [AskValue(project=7, day="2026-11-24"), ReplyTo(share=12), None]
        assert people[2] is not None and people[2].awaiting is None
        assert all(p is not None and p.prompt_lapses_at is not None for p in people[:2])
    finally:
        await db.dispose()


async def test_the_circle_members_migration_revokes_every_circles_shared_link(database_url: str):
    """0010: a circle's 50-use link, forwarded, made anyone a home visitor of its team; it is
    revoked (a supervisor's invite stays), circles made before it are left to be listed, and
    nothing of a circle is lost (SQLite must not copy the table: its children would cascade)."""
    from alembic import command

    from services.joining import invites
    from store.migrate import alembic_config

    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "0009")
    db = Database(database_url)
    later = NOW.replace(tzinfo=None) + timedelta(days=90)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO circles (id, chat_id, status, name, sessions_held, created_at, invite_code)"
                    " VALUES (1, -100, 'active', 'C', 0, :now, 'shared')"
                ),
                {"now": NOW.replace(tzinfo=None)},
            )
            await connection.execute(
                text(
                    "INSERT INTO people (id, telegram_id, name, deactivated, unreachable, created_at)"
                    " VALUES (1, 1, 'P', false, false, :now)"
                ),
                {"now": NOW.replace(tzinfo=None)},
            )
            await connection.execute(
                text("INSERT INTO circle_members (circle_id, person_id, joined_at) VALUES (1, 1, :now)"),
                {"now": NOW.replace(tzinfo=None)},
            )
            for code, circle in (("shared", 1), ("team", None)):
                await connection.execute(
                    text(
                        "INSERT INTO invites (code, role, max_uses, uses, expires_at, created_at, circle_id)"
                        " VALUES (:code, 'home_visitor', 50, 3, :later, :now, :circle)"
                    ),
                    {"code": code, "later": later, "now": NOW.replace(tzinfo=None), "circle": circle},
                )
        await asyncio.to_thread(upgrade_to_head, database_url)
        async with db.unit_of_work() as uow:
            shared, team = await uow.invites.get("shared"), await uow.invites.get("team")
            assert invites.why_unusable(shared, NOW, 1) == "invite.revoked"
            assert invites.why_unusable(team, NOW, 1) is None
            assert [circle.id for circle in await uow.circles.unlisted(10)] == []  # no facilitator yet
            found = await uow.circles.get(1)
            assert found is not None and found.old_links_listed_at is None
            assert await uow.circles.membership(1, 1) is not None, "the circle's members are kept"
    finally:
        await db.dispose()


async def test_a_failing_statement_shows_its_sql_but_not_the_answer_it_carried(db: Database):
    await refuse_answers_containing(db, "zebra")
    values = {"run_id": 1, "person_id": 1, "flow_id": "f", "step_id": "s", "tags": {}, "answered_at": NOW}
    with pytest.raises(IntegrityError) as raised:
        async with db.unit_of_work() as uow:
            await uow.session.execute(insert(Answer).values(value="We read about a zebra.", **values))
    assert "INSERT INTO answers" in str(raised.value)
    assert "zebra" not in str(raised.value)
