"""`circlebot export` of a large program to XLSX, on SQLite and on PostgreSQL (started here).

The store is filled (not measured) through bulk Core inserts with 5,000 home visitors in 500
teams (and their 500 supervisors), 52 weekly check-ins each (a completed run with five answers),
one shared reflection a month each (four answers), one PDSA project each with a cycle, a note
and 52 weekly points, 400 circles of 12 members with 20 sessions each (a seat per member), and
three home-visit observations each by her supervisor (sent, replied to, followed up; a score
per item of the shipped checklist).
Then `circlebot export --out FILE` runs in a child process, the real command line, timed from
its start to its end; its peak resident memory is the child's `ru_maxrss` (so the filling does
not count). The last line is one JSON object: sqlite_s, postgres_s, peak_rss_mb (the larger of
the two), rows (written by each).

    .venv/bin/python bench/export.py [--teams 500] [--members 10] [--weeks 52] [--circles 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import TOKEN, clean_env  # noqa: E402
from bench.summaries import create_database  # noqa: E402
from content import BUNDLED_CONTENT  # noqa: E402
from flows.run import RunStatus  # noqa: E402
from flows.validate import load_content  # noqa: E402
from store.database import Database  # noqa: E402
from store.migrate import upgrade_to_head  # noqa: E402
from store.models import (  # noqa: E402
    Answer,
    Circle,
    CircleSession,
    Cycle,
    DataPoint,
    FlowRun,
    Note,
    Person,
    PersonRole,
    Project,
    Seat,
    Share,
    Team,
)
from store.observations import Observation  # noqa: E402
from store.statuses import CircleStatus, ProjectStatus, SessionStatus  # noqa: E402
from tests.pgserver import start_postgres  # noqa: E402

CHUNK = 20_000
START = datetime(2025, 12, 8, 14, tzinfo=UTC)  # a Monday
REFLECTION = ("describe", "respond", "explore_baby", "share")
MEMBERS = 12  # a circle's
OBSERVED = 3  # observations of each visitor


class Filler:
    """Rows made in memory one table at a time and inserted in chunks, each in its own unit of
    work."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, model: type[Any], rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                await self._insert(model, batch)
                batch = []
        if batch:
            await self._insert(model, batch)

    async def _insert(self, model: type[Any], batch: list[dict[str, Any]]) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.session.execute(insert(model), batch)
            await uow.commit()


def _run(run_id: int, person: int, flow: str, done: datetime) -> dict[str, Any]:
    return {
        "id": run_id,
        "person_id": person,
        "flow_id": flow,
        "status": RunStatus.COMPLETED,
        "state": {},
        "started_at": done - timedelta(minutes=5),
        "updated_at": done,
        "finished_at": done,
    }


class Program:
    """The program's shape, and each row made from its numbers (no randomness to store)."""

    def __init__(self, teams: int, members: int, weeks: int, circles: int) -> None:
        self.teams, self.weeks, self.circles = teams, weeks, circles
        self.months = weeks * 12 // 52
        self.visitors = list(range(teams + 1, teams + 1 + teams * members))
        self.members = members

    def team_of(self, person: int) -> int:
        return (person - self.teams - 1) // self.members + 1

    def run_id(self, index: int, number: int) -> int:
        """A visitor's `number`th run (check-ins first, then reflections)."""
        return index * (self.weeks + self.months) + number + 1

    def people(self) -> Iterator[dict[str, Any]]:
        named = [(t, f"Supervisor {t}", t) for t in range(1, self.teams + 1)]
        named += [(p, f"Visitor {p}", self.team_of(p)) for p in self.visitors]
        for person, name, team in named:
            yield {
                "id": person,
                "telegram_id": 1_000_000 + person,
                "name": name,
                "username": f"user{person}",
                "language": "en",
                "team_id": team,
                "consented_at": START,
                "created_at": START,
            }

    def runs(self) -> Iterator[dict[str, Any]]:
        for index, person in enumerate(self.visitors):
            for week in range(self.weeks):
                yield _run(self.run_id(index, week), person, "weekly_checkin", self.checked_in(person, week))
            for month in range(self.months):
                done = self.reflected(month)
                yield _run(self.run_id(index, self.weeks + month), person, "rios_reflection", done)

    def checked_in(self, person: int, week: int) -> datetime:
        return START + timedelta(weeks=week, minutes=person % 600)

    def reflected(self, month: int) -> datetime:
        return START + timedelta(days=30 * month + 3, hours=2)

    def answers(self) -> Iterator[dict[str, Any]]:
        for index, person in enumerate(self.visitors):
            for week in range(self.weeks):
                run, done = self.run_id(index, week), self.checked_in(person, week)
                values = {
                    "wellbeing": (person + week) % 5 + 1,
                    "workload": (person * 3 + week) % 5 + 1,
                    "win": f"A family came back, week {week}.",
                    "challenge": f"Too many visits ({person}, {week}).",
                    "support": (person + week) % 10 == 0,
                }
                for step, value in values.items():
                    yield _answer(run, person, "weekly_checkin", step, value, done)
            for month in range(self.months):
                run, done = self.run_id(index, self.weeks + month), self.reflected(month)
                for step in REFLECTION:
                    yield _answer(
                        run, person, "rios_reflection", step, f"Her words on visit {month}, {step}.", done
                    )

    def shares(self) -> Iterator[dict[str, Any]]:
        for index, person in enumerate(self.visitors):
            for month in range(self.months):
                done = self.reflected(month)
                yield {
                    "run_id": self.run_id(index, self.weeks + month),
                    "person_id": person,
                    "team_id": self.team_of(person),
                    "supervisor_id": self.team_of(person),
                    "created_at": done,
                    "delivered_at": done,
                }

    def projects(self) -> Iterator[dict[str, Any]]:
        for index, person in enumerate(self.visitors, 1):
            yield {
                "id": index,
                "owner_id": person,
                "status": ProjectStatus.ACTIVE,
                "aim": "Keep more visits",
                "measure": "Visits kept",
                "unit": "%",
                "frequency": "weekly",
                "change_ideas": [],
                "created_at": START,
            }

    def cycles(self) -> Iterator[dict[str, Any]]:
        for index in range(1, len(self.visitors) + 1):
            yield {
                "id": index,
                "project_id": index,
                "number": 1,
                "stage": "do",
                "plan": {"change": "A reminder the day before", "prediction": "More visits", "days": 14},
                "study": {},
                "act": {},
                "prefill": {},
                "started_at": START,
                "created_at": START,
            }

    def notes(self) -> Iterator[dict[str, Any]]:
        for index, person in enumerate(self.visitors, 1):
            yield {
                "project_id": index,
                "cycle_id": index,
                "author_id": person,
                "kind": "note",
                "text": "Families liked it.",
                "created_at": START,
            }

    def points(self) -> Iterator[dict[str, Any]]:
        for index, person in enumerate(self.visitors, 1):
            for week in range(self.weeks):
                day = (START + timedelta(weeks=week)).date()
                yield {
                    "project_id": index,
                    "person_id": person,
                    "cycle_id": index if week >= 4 else None,
                    "day": day,
                    "period": f"week {day}",
                    "value": 50 + (person + week) % 40,
                    "logged_at": START + timedelta(weeks=week),
                }

    def circle_rows(self) -> Iterator[dict[str, Any]]:
        for circle in range(1, self.circles + 1):
            team = (circle - 1) % self.teams + 1
            yield {
                "id": circle,
                "chat_id": -1_000_000_000 - circle,
                "facilitator_id": team,
                "team_id": team,
                "status": CircleStatus.ACTIVE,
                "name": f"Circle {circle}",
                "set_id": "foundations",
                "sessions_held": 20,
                "created_at": START,
            }

    def sessions(self) -> Iterator[dict[str, Any]]:
        for circle in range(1, self.circles + 1):
            for number in range(1, 21):
                starts = START + timedelta(weeks=2 * number)
                yield {
                    "id": (circle - 1) * 20 + number,
                    "circle_id": circle,
                    "number": number,
                    "template_id": f"session_{number}",
                    "status": SessionStatus.ENDED,
                    "starts_at": starts,
                    "ended_at": starts + timedelta(hours=1),
                    "created_at": START,
                }

    def seats(self) -> Iterator[dict[str, Any]]:
        for circle in range(1, self.circles + 1):
            members = [self.visitors[(circle * MEMBERS + k) % len(self.visitors)] for k in range(MEMBERS)]
            for number in range(1, 21):
                for k, person in enumerate(members):
                    yield {
                        "session_id": (circle - 1) * 20 + number,
                        "person_id": person,
                        "rsvp": "yes",
                        "took_part": (k + number) % 6 != 0,
                        "rating": (k + number) % 5 + 1,
                    }

    def observations(self, items: list[str]) -> Iterator[dict[str, Any]]:
        for person in self.visitors:
            team = self.team_of(person)  # supervisor `team` leads it
            for number in range(OBSERVED):
                sent = START + timedelta(days=91 * number + 10, minutes=person % 600)
                yield {
                    "person_id": person,
                    "observer_id": team,
                    "team_id": team,
                    "checklist_id": "home_visit",
                    "started_at": sent - timedelta(hours=1),
                    "sent_at": sent,
                    "scores": {item: (person + number + n) % 4 + 1 for n, item in enumerate(items)},
                    "notes": {items[0]: "She waited for the mother to finish."},
                    "strengths": ["A warm welcome", "A clear demonstration"],
                    "growth": "Let the caregiver lead the play",
                    "next_step": "Pause after each question",
                    "next_on": (sent + timedelta(days=14)).date(),
                    "reply": "Thank you, I will try it.",
                    "replied_at": sent + timedelta(hours=3),
                    "tried": "partly",
                    "follow_up": "It worked with two families.",
                }


def _answer(run: int, person: int, flow: str, step: str, value: Any, done: datetime) -> dict[str, Any]:
    return {
        "run_id": run,
        "person_id": person,
        "flow_id": flow,
        "step_id": step,
        "value": value,
        "tags": {},
        "answered_at": done,
    }


async def fill(url: str, program: Program) -> None:
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database(url)
    put = Filler(db).put
    try:
        await put(
            Team, [{"id": t, "name": f"Team {t}", "created_at": START} for t in range(1, program.teams + 1)]
        )
        await put(Person, program.people())
        roles = [{"person_id": t, "role": "supervisor"} for t in range(1, program.teams + 1)]
        await put(PersonRole, roles + [{"person_id": p, "role": "home_visitor"} for p in program.visitors])
        async with db.unit_of_work() as uow:
            await uow.session.execute(update(Team).values(supervisor_id=Team.id))  # supervisor i leads team i
            await uow.commit()
        await put(FlowRun, program.runs())
        await put(Answer, program.answers())
        await put(Share, program.shares())
        await put(Project, program.projects())
        await put(Cycle, program.cycles())
        await put(Note, program.notes())
        await put(DataPoint, program.points())
        await put(Circle, program.circle_rows())
        await put(CircleSession, program.sessions())
        await put(Seat, program.seats())
        checklist = load_content(BUNDLED_CONTENT).checklists["home_visit"]
        await put(Observation, program.observations([item.id for _, item in checklist.items()]))
        async with db.engine.begin() as connection:  # planner statistics, as autovacuum would gather
            await connection.execute(text("ANALYZE"))
    finally:
        await db.dispose()


def export(url: str, folder: Path) -> tuple[float, float, int]:
    """`circlebot export` in a child process: its seconds, its peak RSS in MB, the rows written."""
    env = {**clean_env(), "TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url}
    out = folder / "export.xlsx"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-c",
        "import sys, bot; sys.exit(bot.main(sys.argv[1:]))",
        "export",
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    said = (child.stdout.read() + child.stderr.read()).decode() if child.stdout and child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the export failed: {said}")
    rows = sum(
        int(n)
        for n in re.findall(
            r"(?:people|checkins|reflections|pdsa|circles|sessions|seats|bulletins|observations|"
            r"observation_scores) (\d+)",
            said,
        )
    )
    return elapsed, usage.ru_maxrss / 1024, rows


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--circles", type=int, default=400)
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="one database only")
    args = parser.parse_args()
    program = Program(args.teams, args.members, args.weeks, args.circles)
    folder = Path(tempfile.mkdtemp(prefix="circlebot-export-"))
    figures: dict[str, Any] = {}
    peaks = []
    if args.only != "postgres":
        url = f"sqlite:///{folder / 'bench.db'}"
        started = time.perf_counter()
        await fill(url, program)
        print(f"sqlite filled in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        seconds, peak, figures["rows"] = await asyncio.to_thread(export, url, folder)
        figures["sqlite_s"] = round(seconds, 1)
        peaks.append(peak)
        print(f"sqlite: {figures['rows']} rows in {seconds:.1f} s, peak {peak:.0f} MB", file=sys.stderr)
    if args.only != "sqlite":
        server = await asyncio.to_thread(start_postgres)
        try:
            url = await create_database(server.url)
            started = time.perf_counter()
            await fill(url, program)
            print(f"postgres filled in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            seconds, peak, figures["rows"] = await asyncio.to_thread(export, url, folder)
            figures["postgres_s"] = round(seconds, 1)
            peaks.append(peak)
            print(f"postgres: {figures['rows']} rows in {seconds:.1f} s, peak {peak:.0f} MB", file=sys.stderr)
        finally:
            await asyncio.to_thread(server.stop)
    figures["peak_rss_mb"] = round(max(peaks), 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
