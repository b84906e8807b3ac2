"""At most one active flow run per person, kept by the store itself (issue 19, migration 0014):
a second active run for her is refused, on SQLite and on PostgreSQL; the migration ends the
duplicates a database already has; and two starts racing for her (another process, the clock)
end with one run and an apology, not two runs."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from flows.run import RunStatus
from services.core.dispatch import ChatService
from services.features import registry_for
from store.database import Database
from store.errors import is_store_error
from store.migrate import upgrade_to_head
from store.models import FlowRun
from store.urls import postgres_dsn
from tests.services.harness import CONTENT, Client, Clock, join, make_invite

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


async def add_run(db: Database, person_id: int, status: RunStatus) -> int:
    async with db.unit_of_work() as uow:
        run = await uow.runs.add(person_id, "reflection", {}, "visit_date", status, NOW, None)
        await uow.commit()
        return run.id


async def test_a_person_has_one_active_run_at_most_and_any_number_of_finished_ones(db: Database):
    async with db.unit_of_work() as uow:
        ana = await uow.people.add(1, "Ana", NOW)
        bea = await uow.people.add(2, "Bea", NOW)
        await uow.commit()
    for status in (RunStatus.COMPLETED, RunStatus.COMPLETED, RunStatus.CANCELLED, RunStatus.EXPIRED):
        await add_run(db, ana.id, status)
    await add_run(db, ana.id, RunStatus.ACTIVE)
    await add_run(db, bea.id, RunStatus.ACTIVE)  # one each
    with pytest.raises(IntegrityError) as raised:
        await add_run(db, ana.id, RunStatus.ACTIVE)
    assert not is_store_error(raised.value), "her item's own error, not the store's"
    async with db.unit_of_work() as uow:
        assert len(await uow.runs.busy_with([ana.id, bea.id])) == 2


async def test_the_migration_ends_all_but_her_newest_active_run(database_url: str):
    from alembic import command

    from store.migrate import alembic_config

    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "0013")
    naive = NOW.replace(tzinfo=None)
    runs = [  # id, person, status, updated_at
        (1, 1, "active", naive),
        (2, 1, "completed", naive),
        (3, 1, "active", naive + timedelta(hours=1)),
        (4, 1, "active", naive + timedelta(hours=2)),  # her newest: kept
        (5, 2, "active", naive),  # alone: kept
    ]
    db = Database(database_url)
    try:
        async with db.engine.begin() as connection:
            for person in (1, 2):
                await connection.execute(
                    text(
                        "INSERT INTO people (id, telegram_id, name, deactivated, unreachable, created_at)"
                        " VALUES (:id, :telegram, 'P', false, false, :now)"
                    ),
                    {"id": person, "telegram": person, "now": naive},
                )
            for run_id, person, status, updated in runs:
                await connection.execute(
                    text(
                        "INSERT INTO flow_runs (id, person_id, flow_id, step_id, status, state, started_at,"
                        " updated_at, expires_at) VALUES (:id, :person, 'reflection', 'describe', :status,"
                        " :state, :now, :updated, :expires)"
                    ),
                    {
                        "id": run_id,
                        "person": person,
                        "status": status,
                        "state": json.dumps({}),
                        "now": naive,
                        "updated": updated,
                        "expires": naive + timedelta(days=1),
                    },
                )
        await asyncio.to_thread(upgrade_to_head, database_url)
        async with db.unit_of_work() as uow:
            found = await uow.runs.many(range(1, 6))
    finally:
        await db.dispose()
    assert {run_id: found[run_id].status for run_id in found} == {
        1: RunStatus.EXPIRED,
        2: RunStatus.COMPLETED,
        3: RunStatus.EXPIRED,
        4: RunStatus.ACTIVE,
        5: RunStatus.ACTIVE,
    }
    for ended in (found[1], found[3]):  # as the clock sets a run aside: her step and answers kept
        assert ended.step_id == "describe" and ended.expires_at is None
        assert ended.finished_at == ended.updated_at
    assert found[4].expires_at is not None


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_start_that_races_another_for_her_is_her_error_not_a_second_run(
    db: Database, database_url: str
):
    """PostgreSQL only: SQLite has one writer, so no two starts overlap. Another transaction
    (another process, the clock) starts a run for her and has not committed when her /reflect
    starts one too: her start waits on the index, then is refused, and she gets an apology."""
    dsn = postgres_dsn(database_url)
    assert dsn is not None
    clock = Clock()
    ana = Client(
        ChatService(db, CONTENT, "America/Lima", clock, registry=registry_for(CONTENT)), db, 1, "Ana"
    )
    await join(ana, await make_invite(db, "home_visitor", "North"))
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None
    other = await asyncpg.connect(dsn)
    try:
        started = other.transaction()
        await started.start()
        await other.execute(
            "INSERT INTO flow_runs (person_id, flow_id, status, state, started_at, updated_at)"
            " VALUES ($1, 'selfcheck', 'active', '{}', now(), now())",
            person.id,
        )
        reflect = asyncio.create_task(ana.send("/reflect"))
        for _ in range(200):  # the server's state has no event to wait on: poll it, for 20 s at most
            waiting = await other.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if waiting or reflect.done():
                break
            await asyncio.sleep(0.1)
        await started.commit()
        await reflect
    finally:
        await other.close()
    async with db.unit_of_work() as uow:
        active = select(FlowRun.flow_id).where(
            FlowRun.person_id == person.id, FlowRun.status == RunStatus.ACTIVE
        )
        assert list(await uow.session.scalars(active)) == ["selfcheck"]
    assert await ana.new() == [
        "Sorry, something went wrong on our side. Your answers so far are kept; please try again."
    ]
