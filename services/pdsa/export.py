"""PDSA projects as rows, built once for every writer: a person's own CSV (/pdsa export) and the
program's `circlebot export` (its "pdsa" sheet, XLSX or CSV). A row per cycle, per data point
and per note, under its project, in time order; typed (dates are dates, values numbers), with
people as ids a writer names. Written as every CSV is (`services.core.spreadsheet`): a
spreadsheet opens it as it is and runs none of it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from services.core.spreadsheet import csv_bytes
from services.exporting.columns import Column, Kind, Row, column, free, person
from store.models import Cycle, DataPoint, Note, Project
from store.uow import UnitOfWork

# A cycle's answers, by their `pdsa:` tags: its plan, its study (whether the change was carried
# out as planned and what got in the way, before what happened and what was learned) and its act.
# The words she wrote are free text; a number of days and her choices are not.
ANSWERS = (
    free("change"),
    free("objective"),
    free("prediction"),
    column("days", 6),
    column("carried_out"),
    free("obstacles"),
    free("observed"),
    free("learned"),
    column("decision"),
    free("next"),
)
FORMER_MEMBER = "a former member"  # who logged a team point, once she erased herself (/forget)
COLUMNS: tuple[Column, ...] = (
    column("project", 8),
    column("measure", 24),
    column("unit", 8),
    free("aim"),
    person("owner"),
    column("team_project"),
    column("record", 8),
    column("cycle", 8),
    column("stage", 8),
    column("date"),
    column("value"),
    person("logged_by"),
    *ANSWERS,
    free("text"),
)
PEOPLE = tuple(c.name for c in COLUMNS if c.kind is Kind.PERSON)


def rows(
    projects: Sequence[Project], cycles: Sequence[Cycle], points: Sequence[DataPoint], notes: Sequence[Note]
) -> Iterator[Row]:
    """Each project's cycles, points and notes (people as ids; a point of someone erased is a
    former member's)."""
    number = {cycle.id: cycle.number for cycle in cycles}
    by_project: dict[int, tuple[list[Cycle], list[DataPoint], list[Note]]] = {
        p.id: ([], [], []) for p in projects
    }
    for cycle in cycles:
        by_project[cycle.project_id][0].append(cycle)
    for point in points:
        by_project[point.project_id][1].append(point)
    for note in notes:
        by_project[note.project_id][2].append(note)
    for project in projects:
        its_cycles, its_points, its_notes = by_project[project.id]
        about = {
            "project": project.id,
            "measure": project.measure,
            "unit": project.unit,
            "aim": project.aim,
            "owner": project.owner_id,
            "team_project": project.team_id is not None,
        }
        for cycle in its_cycles:
            answers = {**cycle.plan, **cycle.study, **cycle.act}
            yield {
                **about,
                **{c.name: answers.get(c.name) for c in ANSWERS},
                "record": "cycle",
                "cycle": cycle.number,
                "stage": cycle.stage,
                "date": None if cycle.started_at is None else cycle.started_at.date(),
            }
        for point in its_points:
            yield {
                **about,
                "record": "point",
                "cycle": number.get(point.cycle_id or 0, "baseline"),
                "date": point.day,
                "value": point.value,
                "logged_by": FORMER_MEMBER if point.person_id is None else point.person_id,
            }
        for note in its_notes:
            yield {
                **about,
                "record": note.kind,
                "cycle": number.get(note.cycle_id or 0),
                "date": note.created_at.date(),
                "logged_by": note.author_id,
                "text": note.text,
            }


async def of_projects(uow: UnitOfWork, projects: Sequence[Project]) -> list[Row]:
    ids = [project.id for project in projects]
    found = await uow.projects.cycles(ids), await uow.projects.points(ids), await uow.projects.notes(ids)
    return list(rows(projects, *found))


@dataclass(frozen=True)
class Csv:
    data: bytes
    people: frozenset[int]  # everyone it names (the disclosure of a file sent to someone)


async def csv_of(uow: UnitOfWork, projects: Sequence[Project]) -> Csv:
    """Her projects (or every project) as one CSV, people by name."""
    found = await of_projects(uow, projects)
    ids = {row[key] for row in found for key in PEOPLE if isinstance(row.get(key), int)}
    people = await uow.people.many(ids)  # type: ignore[arg-type]

    def name(value: object) -> object:
        return people[value].name if isinstance(value, int) and value in people else value

    named = ({**row, **{key: name(row.get(key)) for key in PEOPLE}} for row in found)
    return Csv(csv_bytes([c.name for c in COLUMNS], named), frozenset(people))
