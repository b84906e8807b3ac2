"""Weekly summaries: every supervisor's summary built from a year of check-ins, on SQLite and on
PostgreSQL, each started here for the run.

The store is filled with 500 teams of one supervisor and 10 home visitors (5,500 people) and 52
weeks of weekly check-ins for every home visitor (a completed run with its five answers, about
5% of weeks missed, a few people who blocked the bot). Then every supervisor's summary is built
as the timekeeper builds them on a Friday (`services.summaries.build_many`, batches of 100, one
unit of work each): the store's reads, the arithmetic and the words, no chart. Charts are
timed apart: `chart_ms` is the median of ten renders of one team's chart. Filling is setup
and is not measured.

    .venv/bin/python bench/summaries.py [--teams 500] [--members 10] [--weeks 52]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert, text, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from content import BUNDLED_CONTENT  # noqa: E402
from flows.content import Content  # noqa: E402
from flows.run import RunStatus  # noqa: E402
from flows.validate import load_content  # noqa: E402
from services.features import registry_for  # noqa: E402
from services.schedules.timekeeper import BATCH  # noqa: E402
from services.summaries import summaries  # noqa: E402
from store.database import Database  # noqa: E402
from store.migrate import upgrade_to_head  # noqa: E402
from store.models import Answer, FlowRun, Observation, Person, PersonRole, Team  # noqa: E402
from tests.pgserver import start_postgres  # noqa: E402

CHUNK = 20_000
FIRST_MONDAY = datetime(2025, 12, 8, 14, tzinfo=UTC)  # Mondays from here, 09:00 in Lima


def chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def people_rows(teams: int, members: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    """Supervisors first (ids 1..teams), then each team's home visitors; the visitors' ids."""
    now = FIRST_MONDAY
    people, roles, visitors = [], [], []
    rng = random.Random(7)
    for team in range(1, teams + 1):
        people.append(_person(team, f"Supervisor {team}", team, now, False))
        roles.append({"person_id": team, "role": "supervisor"})
    next_id = teams + 1
    for team in range(1, teams + 1):
        for member in range(members):
            people.append(_person(next_id, f"Visitor {team}-{member}", team, now, rng.random() < 0.02))
            roles.append({"person_id": next_id, "role": "home_visitor"})
            visitors.append(next_id)
            next_id += 1
    return people, roles, visitors


def _person(person_id: int, name: str, team: int, now: datetime, blocked: bool) -> dict[str, Any]:
    return {
        "id": person_id,
        "telegram_id": 1_000_000 + person_id,
        "name": name,
        "language": "en",
        "team_id": team,
        "consented_at": now,
        "created_at": now,
        "deactivated": False,
        "unreachable": blocked,
    }


def checkin_rows(visitors: list[int], weeks: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One completed check-in a week per visitor (about 5% missed), with its five answers."""
    rng = random.Random(11)
    runs: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for week in range(weeks):
        finished = FIRST_MONDAY + timedelta(weeks=week, minutes=30)
        for person in visitors:
            if rng.random() < 0.05:
                continue
            run_id = len(runs) + 1
            runs.append(
                {
                    "id": run_id,
                    "person_id": person,
                    "flow_id": "weekly_checkin",
                    "step_id": None,
                    "status": RunStatus.COMPLETED,
                    "state": {},
                    "started_at": finished - timedelta(minutes=5),
                    "updated_at": finished,
                    "expires_at": finished + timedelta(hours=72),
                    "finished_at": finished,
                }
            )
            values = {
                "wellbeing": rng.randint(1, 5),
                "workload": rng.randint(1, 5),
                "win": "A family came back.",
                "challenge": "Too many visits.",
                "support": rng.random() < 0.1,
            }
            for step, value in values.items():
                answers.append(
                    {
                        "run_id": run_id,
                        "person_id": person,
                        "flow_id": "weekly_checkin",
                        "step_id": step,
                        "value": value,
                        "tags": {"checkin": step} if step in ("wellbeing", "workload", "support") else {},
                        "answered_at": finished,
                    }
                )
    return runs, answers


def observation_rows(visitors: list[int], teams: int, members: int, weeks: int) -> list[dict[str, Any]]:
    """An observation about every four weeks for most visitors (issue 25: the summary counts this
    month's and names who has had none for five weeks), by their team's supervisor."""
    rng = random.Random(12)
    rows = []
    for person in visitors:
        for week in range(rng.randint(0, 3), weeks, 4):
            if rng.random() < 0.15:
                continue
            sent = FIRST_MONDAY + timedelta(weeks=week, days=2)
            team = (person - teams - 1) // members + 1  # people_rows: team by team, after the supervisors
            rows.append(
                {
                    "person_id": person,
                    "observer_id": team,
                    "team_id": team,
                    "checklist_id": "home_visit",
                    "started_at": sent,
                    "sent_at": sent,
                    "scores": {"warm_welcome": rng.randint(1, 4)},
                    "notes": {},
                    "strengths": ["A warm welcome."],
                }
            )
    return rows


async def fill(url: str, teams: int, members: int, weeks: int) -> tuple[float, int]:
    started = time.perf_counter()
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database(url)
    people, roles, visitors = people_rows(teams, members)
    runs, answers = checkin_rows(visitors, weeks)
    try:
        async with db.unit_of_work() as uow:
            session = uow.session
            await session.execute(
                insert(Team),
                [{"id": t, "name": f"Team {t}", "created_at": FIRST_MONDAY} for t in range(1, teams + 1)],
            )
            await session.execute(insert(Person), people)
            await session.execute(insert(PersonRole), roles)
            await session.execute(update(Team).values(supervisor_id=Team.id))  # supervisor i leads team i
            await uow.commit()
        observations = observation_rows(visitors, teams, members, weeks)
        for model, rows in ((FlowRun, runs), (Answer, answers), (Observation, observations)):
            for part in chunks(rows):
                async with db.unit_of_work() as uow:
                    await uow.session.execute(insert(model), part)
                    await uow.commit()
        async with db.engine.begin() as connection:  # planner statistics, as autovacuum would gather
            await connection.execute(text("ANALYZE"))
    finally:
        await db.dispose()
    return time.perf_counter() - started, len(answers)


async def build_all(
    url: str, content: Content, teams: int, now: datetime
) -> tuple[float, summaries.TeamSummary]:
    """Every supervisor's summary, in the timekeeper's batches (one unit of work each); the
    seconds, and one summary."""
    db = Database(url)
    try:
        async with db.unit_of_work() as uow:
            found = await uow.people.many(range(1, teams + 1))
        supervisors = [found[person_id] for person_id in range(1, teams + 1)]
        built: dict[int, summaries.TeamSummary] = {}
        parts = registry_for(content).summary_parts  # the features' lines, as the clock builds them
        for batch in (supervisors[:1], supervisors):  # a warm-up, then the measured run
            started = time.perf_counter()
            for first in range(0, len(batch), BATCH):
                async with db.unit_of_work() as uow:
                    part = batch[first : first + BATCH]
                    built.update(await summaries.build_many(uow, content, part, now, "America/Lima", parts))
            elapsed = time.perf_counter() - started
        assert len(built) == teams
        for summary in built.values():
            assert summary.team in summary.pages[0] and "Check-ins done: " in summary.pages[0]
        return elapsed, built[supervisors[0].id]
    finally:
        await db.dispose()


async def create_database(base_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(base_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return base_url.rsplit("/", 1)[0] + f"/{name}"


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()
    content = load_content(BUNDLED_CONTENT)
    friday = FIRST_MONDAY + timedelta(weeks=args.weeks - 1, days=4, hours=6)  # the last Friday, 15:00 Lima
    figures: dict[str, Any] = {
        "supervisors": args.teams,
        "people": args.teams * (args.members + 1),
        "weeks": args.weeks,
    }
    folder = Path(tempfile.mkdtemp(prefix="circlebot-summaries-"))
    sqlite_url = f"sqlite:///{folder / 'bench.db'}"
    figures["fill_s_sqlite"], figures["answers"] = await fill(
        sqlite_url, args.teams, args.members, args.weeks
    )
    print(f"sqlite filled in {figures['fill_s_sqlite']:.1f} s", file=sys.stderr)
    sqlite_s, one = await build_all(sqlite_url, content, args.teams, friday)
    figures["sqlite_s"] = round(sqlite_s, 3)
    print(f"sqlite: {args.teams} summaries in {sqlite_s:.3f} s", file=sys.stderr)

    server = await asyncio.to_thread(start_postgres)
    try:
        postgres_url = await create_database(server.url)
        figures["fill_s_postgres"], _ = await fill(postgres_url, args.teams, args.members, args.weeks)
        print(f"postgres filled in {figures['fill_s_postgres']:.1f} s", file=sys.stderr)
        postgres_s, _ = await build_all(postgres_url, content, args.teams, friday)
        figures["postgres_s"] = round(postgres_s, 3)
        print(f"postgres: {args.teams} summaries in {postgres_s:.3f} s", file=sys.stderr)
    finally:
        await asyncio.to_thread(server.stop)

    one.chart(content)  # warm up: matplotlib's first figure loads its fonts
    renders = []
    for _ in range(10):
        started = time.perf_counter()
        one.chart(content)
        renders.append(time.perf_counter() - started)
    figures["chart_ms"] = round(statistics.median(renders) * 1000, 1)
    figures["fill_s_sqlite"] = round(figures["fill_s_sqlite"], 1)
    figures["fill_s_postgres"] = round(figures["fill_s_postgres"], 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
