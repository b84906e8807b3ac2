"""PDSA projects as one CSV, for a person's own export (/pdsa export) and an admin's
(`circlebot export pdsa`): a row per cycle and per data point, under its project, in time order.
Written as every CSV is (`services.core.spreadsheet`): a spreadsheet opens it as it is and runs
none of it."""

from __future__ import annotations

from collections.abc import Sequence

from services.core.spreadsheet import csv_bytes
from store.models import Project
from store.uow import UnitOfWork

# A cycle's answers, by their `pdsa:` tags: its plan, its study (whether the change was carried
# out as planned and what got in the way, before what happened and what was learned) and its act.
ANSWERS = (
    "change",
    "objective",
    "prediction",
    "days",
    "carried_out",
    "obstacles",
    "observed",
    "learned",
    "decision",
    "next",
)
FORMER_MEMBER = "a former member"  # who logged a team point, once she erased herself (/forget)
COLUMNS = (
    "project",
    "measure",
    "unit",
    "aim",
    "owner",
    "team_project",
    "record",
    "cycle",
    "stage",
    "date",
    "value",
    "logged_by",
    *ANSWERS,
    "text",
)


async def csv_of(uow: UnitOfWork, projects: Sequence[Project]) -> bytes:
    ids = [project.id for project in projects]
    cycles = await uow.projects.cycles(ids)
    points = await uow.projects.points(ids)
    notes = await uow.projects.notes(ids)
    people_ids = {p.owner_id for p in projects} | {p.person_id for p in points if p.person_id is not None}
    people_ids |= {n.author_id for n in notes if n.author_id is not None}
    people = await uow.people.many(people_ids)
    number = {cycle.id: cycle.number for cycle in cycles}

    def name(person_id: int | None) -> str:
        person = None if person_id is None else people.get(person_id)
        return "" if person is None else person.name

    rows: list[dict[str, object]] = []
    for project in projects:
        about = {
            "project": project.id,
            "measure": project.measure,
            "unit": project.unit,
            "aim": project.aim,
            "owner": name(project.owner_id),
            "team_project": "yes" if project.team_id is not None else "no",
        }
        for cycle in (c for c in cycles if c.project_id == project.id):
            answers = {**cycle.plan, **cycle.study, **cycle.act}
            started = "" if cycle.started_at is None else cycle.started_at.date().isoformat()
            row = {key: answers.get(key, "") for key in ANSWERS}
            rows.append(
                {
                    **about,
                    **row,
                    "record": "cycle",
                    "cycle": cycle.number,
                    "stage": cycle.stage,
                    "date": started,
                }
            )
        for point in (p for p in points if p.project_id == project.id):
            rows.append(
                {
                    **about,
                    "record": "point",
                    "cycle": number.get(point.cycle_id or 0, "baseline"),
                    "date": point.day.isoformat(),
                    "value": point.value,
                    "logged_by": FORMER_MEMBER if point.person_id is None else name(point.person_id),
                }
            )
        for note in (n for n in notes if n.project_id == project.id):
            rows.append(
                {
                    **about,
                    "record": note.kind,
                    "cycle": number.get(note.cycle_id or 0, ""),
                    "date": note.created_at.date().isoformat(),
                    "logged_by": name(note.author_id),
                    "text": note.text,
                }
            )
    return csv_bytes(COLUMNS, rows)
