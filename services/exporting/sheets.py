"""The people, their check-ins and their shared reflections as sheets. A check-in is a run of a
flow the schedules start, one row each with a column per step (scores as numbers, yes/no as
booleans, words as free text); scores kept past their limit under a pseudonym join it, marked
kept. A shared reflection is a row per answer, as her supervisor received it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

from flows.content import Content
from flows.spec import DateAnswer, NumberAnswer, ScaleAnswer, Step, YesNoAnswer
from services.exporting.columns import Column, Kind, Row, Sheet, column, free, person
from services.exporting.reading import Reader
from services.summaries.summaries import checkin_flows
from store.kept import CHECKIN
from store.repositories import dumps
from store.uow import UnitOfWork

PEOPLE = Sheet(
    "people",
    "people",
    (
        person("person"),
        Column("username", Kind.IDENTITY, 16),
        Column("telegram_id", Kind.IDENTITY, 14),
        column("team", 16),
        column("roles", 20),
        column("language", 8),
        column("timezone", 18),
        column("consented", 18),
        column("created", 18),
        column("deactivated"),
        column("unreachable"),
        column("away_until"),
    ),
    lambda reader: _people(reader),
    lambda reader: reader.count(dumps.people(reader.scope.team_id)),
)


async def _people(reader: Reader) -> AsyncIterator[list[Row]]:
    roles = await reader.read(lambda uow: uow.dump.roles())
    async for page in reader.pages(dumps.people(reader.scope.team_id)):
        yield [
            {
                "person": reader.who(row["id"]),
                "username": row["username"],
                "telegram_id": row["telegram_id"],
                "team": reader.team(row["team_id"]),
                "roles": ", ".join(roles.get(row["id"], ())),
                "language": row["language"],
                "timezone": row["timezone"],
                "consented": row["consented_at"],
                "created": row["created_at"],
                "deactivated": row["deactivated"],
                "unreachable": row["unreachable"],
                "away_until": row["away_until"],
            }
            for row in page
        ]


def flat(value: Any) -> Any:
    """An answer as one cell: a multiple choice's options joined, anything else as it is."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _step_column(step: Step) -> Column:
    """A score or a yes/no is a value; what she wrote (or sent) is free text."""
    typed = (NumberAnswer, ScaleAnswer, YesNoAnswer, DateAnswer)
    return column(step.id, 10) if isinstance(step.answer, typed) else free(step.id)


def checkins(content: Content) -> Sheet:
    flows = checkin_flows(content)
    steps = {
        step.id: _step_column(step)
        for flow_id in flows
        for step in content.flows[flow_id].steps
        if step.answer is not None
    }
    columns = (
        column("date"),
        column("finished", 18),
        person("person"),
        column("kept", 6),
        column("team", 16),
        column("flow", 18),
        *steps.values(),
    )

    async def pages(reader: Reader) -> AsyncIterator[list[Row]]:
        scope = reader.scope
        async for page in reader.pages(dumps.runs(flows, scope.team_id, scope.window), 2_000):
            ids = [row["id"] for row in page]
            answers: dict[int, dict[str, Any]] = {}

            async def read(uow: UnitOfWork, ids: list[int] = ids) -> list[tuple[int, str, Any]]:
                return await uow.dump.answers(ids)

            for run_id, step_id, value in await reader.read(read):
                if step_id in steps:
                    answers.setdefault(run_id, {})[step_id] = flat(value)
            yield [
                {
                    "date": row["finished_at"].date(),
                    "finished": row["finished_at"],
                    "person": reader.who(row["person_id"]),
                    "kept": False,
                    "team": reader.team(reader.team_of.get(row["person_id"])),
                    "flow": row["flow_id"],
                    **answers.get(row["id"], {}),
                }
                for row in page
            ]
        async for rows in kept_rows(reader, (CHECKIN,), _kept_checkin):
            yield rows

    async def count(reader: Reader) -> int:
        scope = reader.scope
        kept = await reader.count(dumps.kept_together((CHECKIN,), scope.team_id, scope.days))
        return kept + await reader.count(dumps.runs(flows, scope.team_id, scope.window))

    return Sheet("checkins", "checkins", columns, pages, count)


def _kept_checkin(reader: Reader, records: Sequence[Any]) -> Row:
    first = records[0]
    return {
        "date": first["day"],
        "person": first["pseudonym"],
        "kept": True,
        "team": reader.team(first["team_id"]),
        "flow": first["source"],
        **{record["item"]: flat(record["value"]) for record in records},
    }


async def kept_rows(
    reader: Reader, kinds: Iterable[str], row: Callable[[Reader, Sequence[Any]], Row], together: bool = True
) -> AsyncIterator[list[Row]]:
    """Records kept past their limit (store/kept.py): with `together`, one row per group of
    records of one kind, person, source and day, as they were kept together (a check-in's
    scores); else a row each."""
    scope = reader.scope
    held: list[Any] = []  # the last group of a page may go on in the next one
    async for page in reader.pages(dumps.kept(kinds, scope.team_id, scope.days)):
        rows: list[Row] = []
        for record in page:
            if held and (not together or _group(held[-1]) != _group(record)):
                rows.append(row(reader, held))
                held = []
            held.append(record)
        yield rows
    if held:
        yield [row(reader, held)]


def _group(record: Any) -> tuple[Any, ...]:
    return record["kind"], record["pseudonym"], record["source"], record["day"]


REFLECTIONS = Sheet(
    "reflections",
    "reflections",
    (
        column("share", 8),
        column("shared", 18),
        person("person"),
        column("team", 16),
        column("flow", 18),
        column("step", 16),
        free("answer", 60),
        person("supervisor"),
        column("delivered", 18),
    ),
    lambda reader: _reflections(reader),
    lambda reader: reader.count(dumps.shared_answers(reader.scope.team_id, reader.scope.window)),
)


async def _reflections(reader: Reader) -> AsyncIterator[list[Row]]:
    scope = reader.scope
    async for page in reader.pages(dumps.shares(scope.team_id, scope.window), 1_000):
        runs = [row["run_id"] for row in page]

        async def answers(uow: UnitOfWork, runs: list[int] = runs) -> list[tuple[int, str, Any]]:
            return await uow.dump.answers(runs)

        given: dict[int, dict[str, Any]] = {}
        for run_id, step_id, value in await reader.read(answers):
            given.setdefault(run_id, {})[step_id] = flat(value)  # the latest answer to a step
        yield [
            {
                "share": share["id"],
                "shared": share["created_at"],
                "person": reader.who(share["person_id"]),
                "team": reader.team(reader.team_of.get(share["person_id"])),
                "flow": share["flow_id"],
                "step": step_id,
                "answer": value,
                "supervisor": reader.who(share["supervisor_id"]),
                "delivered": share["delivered_at"],
            }
            for share in page
            for step_id, value in given.get(share["run_id"], {}).items()
        ]
