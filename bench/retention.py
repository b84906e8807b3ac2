"""What retention's hourly pass costs on a year of a program's data when it has nothing to do
(everything already treated or within its limit: the steady state), with the indexes of
migration 0023 and without them. Between passes a tick costs nothing (no query). Prints JSON:
milliseconds per pass, and the rows each table holds.

    .venv/bin/python bench/retention.py [--people 1000] [--passes 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from flows.run import RunStatus
from flows.validate import load_content
from services.core.clock import ClockEnv
from services.privacy.retention import RetentionClock
from store.database import Database
from store.migrate import upgrade_to_head
from store.models import Answer, FlowRun, OutboxMessage, Person
from store.statuses import OutboxStatus

CONTENT = load_content(Path(__file__).resolve().parents[1] / "content")
NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)
INDEXES = ("ix_outbox_unredacted", "ix_answers_answered_at", "ix_flow_runs_finished_at")


async def fill(db: Database, people: int) -> dict[str, int]:
    """A year: per person a weekly check-in (5 answers) and 4 messages a week, sent; those older
    than 30 days already redacted, and every ended run's free text already gone a year on."""
    async with db.unit_of_work() as uow:
        connection = await uow.session.connection()
        await connection.execute(
            Person.__table__.insert(),  # type: ignore[attr-defined]
            [
                {"id": n, "telegram_id": n, "name": f"p{n}", "created_at": NOW - timedelta(days=400)}
                for n in range(1, people + 1)
            ],
        )
        runs, answers, messages = [], [], []
        for week in range(52):
            at = NOW - timedelta(days=7 * week + 1)
            for person in range(1, people + 1):
                run_id = week * people + person
                runs.append(
                    {
                        "id": run_id,
                        "person_id": person,
                        "flow_id": "weekly_checkin",
                        "status": RunStatus.COMPLETED,
                        "state": {},
                        "started_at": at,
                        "updated_at": at,
                        "finished_at": at,
                    }
                )
                for step, value in (
                    ("wellbeing", 4),
                    ("workload", 3),
                    ("win", "w"),
                    ("challenge", "c"),
                    ("support", "no"),
                ):
                    answers.append(
                        {
                            "run_id": run_id,
                            "person_id": person,
                            "flow_id": "weekly_checkin",
                            "step_id": step,
                            "value": value,
                            "tags": {},
                            "answered_at": at,
                        }
                    )
                for n in range(4):
                    old = at < NOW - timedelta(days=30)
                    messages.append(
                        {
                            "idempotency_key": f"{run_id}:{n}",
                            "chat_id": person,
                            "person_id": person,
                            "payload": {"method": "sendMessage"}
                            if old
                            else {"method": "sendMessage", "params": {"text": "t"}},
                            "priority": 1,
                            "status": OutboxStatus.SENT,
                            "not_before": at,
                            "attempts": 1,
                            "created_at": at,
                            "sent_at": at,
                            "redacted_at": at + timedelta(days=30) if old else None,
                        }
                    )
        for table, rows in ((FlowRun, runs), (Answer, answers), (OutboxMessage, messages)):
            for start in range(0, len(rows), 20_000):
                await connection.execute(table.__table__.insert(), rows[start : start + 20_000])  # type: ignore[attr-defined]
        await uow.settings.set("retention:free_text", f"{(NOW - timedelta(days=366)).isoformat()}|0")
        await uow.commit()
    return {"runs": len(runs), "answers": len(answers), "outbox": len(messages)}


async def passes(db: Database, count: int) -> float:
    """Milliseconds per pass, the median of `count` (a fresh hook each time: always due)."""
    times = []
    for _ in range(count):
        hook = RetentionClock(ClockEnv(db, CONTENT, "UTC"))
        began = time.perf_counter()
        done = await hook.tick(NOW)
        times.append((time.perf_counter() - began) * 1000)
        assert not any(done.values()), done
    return sorted(times)[len(times) // 2]


async def main(url: str, people: int, count: int) -> None:
    db = Database(url)
    rows = await fill(db, people)
    indexed = await passes(db, count)
    async with db.unit_of_work() as uow:
        for index in INDEXES:
            await uow.session.execute(text(f"DROP INDEX {index}"))
        await uow.commit()
    bare = await passes(db, count)
    await db.dispose()
    print(
        json.dumps(
            {
                "rows": rows,
                "pass_ms_indexed": round(indexed, 1),
                "pass_ms_without_0023_indexes": round(bare, 1),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=5)
    arguments = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.chmod(folder, 0o700)
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    upgrade_to_head(url)
    asyncio.run(main(url, arguments.people, arguments.passes))
