"""PDSA, learning circles and bulletins as sheets. PDSA's rows are the ones /pdsa export writes
(services/pdsa/export.py), with the numbers kept past their limit marked kept. A circle is a
row; each session a row with its attendance and average rating; each seat (a member's part in a
session) a row. A bulletin is one row with its delivery counted, not a row per recipient."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import time
from typing import Any

from services.bulletins import bulletins
from services.exporting.columns import Kind, Row, Sheet, column, free, person
from services.exporting.reading import Reader
from services.exporting.sheets import kept_rows
from services.pdsa import export as pdsa
from store.kept import PDSA_CYCLE, PDSA_POINT
from store.repositories import dumps
from store.uow import UnitOfWork

ADMIN = "admin"  # a bulletin's author when an admin sent it from the command line


async def _pdsa(reader: Reader) -> AsyncIterator[list[Row]]:
    scope = reader.scope
    async for page in reader.pages(dumps.projects(scope.team_id), 100):
        ids = [row["id"] for row in page]

        async def rows(uow: UnitOfWork, ids: list[int] = ids) -> list[Row]:
            return await pdsa.of_projects(uow, await uow.dump.projects(ids))

        yield [
            {**row, "kept": False, **{key: reader.who(row.get(key)) for key in pdsa.PEOPLE}}
            for row in await reader.read(rows)
            if scope.holds(row["date"])
        ]
    async for kept in kept_rows(reader, (PDSA_POINT, PDSA_CYCLE), _kept_pdsa, together=False):
        yield kept


def _kept_pdsa(reader: Reader, records: Sequence[Any]) -> Row:
    record = records[0]
    about = {
        "project": int(record["source"].rpartition(":")[2] or 0) or None,
        "kept": True,
        "date": record["day"],
    }
    if record["kind"] == PDSA_POINT:
        return {
            **about,
            "measure": record["item"],
            "record": "point",
            "value": record["value"],
            "logged_by": record["pseudonym"],
        }
    fields = record["value"] if isinstance(record["value"], dict) else {}
    values = {c.name: fields.get(c.name) for c in pdsa.ANSWERS if c.kind is Kind.VALUE}
    return {
        **about,
        **values,
        "measure": record["item"],
        "owner": record["pseudonym"],
        "record": "cycle",
        "cycle": fields.get("number"),
        "stage": fields.get("stage"),
    }


async def _pdsa_count(reader: Reader) -> int:
    scope = reader.scope
    kept = dumps.kept((PDSA_POINT, PDSA_CYCLE), scope.team_id, scope.days)
    return sum([await reader.count(query) for query in (*dumps.project_rows(scope.team_id), kept)])


PDSA = Sheet("pdsa", "pdsa", (*pdsa.COLUMNS, column("kept", 6)), _pdsa, _pdsa_count)

CIRCLES = Sheet(
    "circles",
    "circles",
    (
        column("circle", 8),
        column("name", 24),
        column("team", 16),
        person("facilitator"),
        column("status", 10),
        column("language", 8),
        column("set", 16),
        column("meets_on", 10),
        column("meets_at", 8),
        column("sessions_held", 8),
        column("created", 18),
    ),
    lambda reader: _circles(reader),
    lambda reader: reader.count(dumps.circles(reader.scope.team_id)),
)


def _clock(at: time | None) -> str | None:
    return None if at is None else at.strftime("%H:%M")


async def _circles(reader: Reader) -> AsyncIterator[list[Row]]:
    async for page in reader.pages(dumps.circles(reader.scope.team_id)):
        yield [
            {
                "circle": row["id"],
                "name": row["name"],
                "team": reader.team(row["team_id"]),
                "facilitator": reader.who(row["facilitator_id"]),
                "status": row["status"],
                "language": row["language"],
                "set": row["set_id"],
                "meets_on": row["meets_on"],
                "meets_at": _clock(row["meets_at"]),
                "sessions_held": row["sessions_held"],
                "created": row["created_at"],
            }
            for row in page
        ]


async def _sessions_with_seats(reader: Reader) -> AsyncIterator[tuple[Sequence[Any], dict[int, list[Any]]]]:
    scope = reader.scope
    async for page in reader.pages(dumps.sessions(scope.team_id, scope.window), 1_000):
        ids = [row["id"] for row in page]

        async def seats(uow: UnitOfWork, ids: list[int] = ids) -> list[Any]:
            return await uow.dump.seats(ids)

        by_session: dict[int, list[Any]] = {}
        for seat in await reader.read(seats):
            by_session.setdefault(seat["session_id"], []).append(seat)
        yield page, by_session


async def _sessions(reader: Reader) -> AsyncIterator[list[Row]]:
    async for page, seats in _sessions_with_seats(reader):
        rows: list[Row] = []
        for session in page:
            its = seats.get(session["id"], [])
            ratings = [seat["rating"] for seat in its if seat["rating"] is not None]
            rows.append(
                {
                    "session": session["id"],
                    "circle": session["circle_id"],
                    "number": session["number"],
                    "date": session["starts_at"].date(),
                    "starts": session["starts_at"],
                    "template": session["template_id"],
                    "status": session["status"],
                    "attendance": sum(1 for seat in its if seat["took_part"]),
                    "ratings": len(ratings),
                    "rating_average": round(sum(ratings) / len(ratings), 2) if ratings else None,
                    "ended": session["ended_at"],
                }
            )
        yield rows


SESSIONS = Sheet(
    "sessions",
    "circles",
    (
        column("session", 8),
        column("circle", 8),
        column("number", 8),
        column("date"),
        column("starts", 18),
        column("template", 18),
        column("status", 10),
        column("attendance", 10),
        column("ratings", 8),
        column("rating_average", 10),
        column("ended", 18),
    ),
    _sessions,
    lambda reader: reader.count(dumps.sessions(reader.scope.team_id, reader.scope.window)),
)


async def _seats(reader: Reader) -> AsyncIterator[list[Row]]:
    async for page, seats in _sessions_with_seats(reader):
        yield [
            {
                "session": session["id"],
                "circle": session["circle_id"],
                "date": session["starts_at"].date(),
                "person": reader.who(seat["person_id"]),
                "rsvp": seat["rsvp"],
                "took_part": seat["took_part"],
                "rating": seat["rating"],
                "comment": seat["comment"],
            }
            for session in page
            for seat in seats.get(session["id"], [])
        ]


SEATS = Sheet(
    "seats",
    "circles",
    (
        column("session", 8),
        column("circle", 8),
        column("date"),
        person("person"),
        column("rsvp", 6),
        column("took_part", 8),
        column("rating", 6),
        free("comment"),
    ),
    _seats,
    lambda reader: reader.count(dumps.seats_of(reader.scope.team_id, reader.scope.window)),
)


async def _bulletins(reader: Reader) -> AsyncIterator[list[Row]]:
    scope = reader.scope
    audience = None if scope.team is None else f"team:{scope.team}"
    async for page in reader.pages(dumps.bulletins(audience, scope.window), 500):
        ids = [row["id"] for row in page]

        async def reports(uow: UnitOfWork, ids: list[int] = ids) -> list[bulletins.Report]:
            return [await bulletins.report(uow, bulletin_id) for bulletin_id in ids]

        yield [
            {
                "bulletin": row["id"],
                "author": ADMIN if row["author_id"] is None else reader.who(row["author_id"]),
                "audience": row["audience"],
                "send_at": row["send_at"],
                "text": row["text"],
                "sent": report.delivered,
                "blocked": report.blocked,
                "failed": report.failed,
                "pending": report.waiting,
            }
            for row, report in zip(page, await reader.read(reports), strict=True)
        ]


BULLETINS = Sheet(
    "bulletins",
    "bulletins",
    (
        column("bulletin", 8),
        person("author"),
        column("audience", 18),
        column("send_at", 18),
        free("text", 60),
        column("sent", 8),
        column("blocked", 8),
        column("failed", 8),
        column("pending", 8),
    ),
    _bulletins,
    lambda reader: reader.count(
        dumps.bulletins(
            None if reader.scope.team is None else f"team:{reader.scope.team}", reader.scope.window
        )
    ),
)
