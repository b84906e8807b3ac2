"""What circlebot holds about her (issue 23, `/mydata`): every row the map (store/personal.py)
finds her in, by the kind of her export, in time order. Her own words and values; other people
are never named: the columns that name someone are left out, and a row she shares with others
(a vote, a team she supervises) says only what is hers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from services.privacy.audit import recipients
from store.personal import HOLDINGS, NAMING, By, Holding, Kind
from store.uow import UnitOfWork

JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]
Holdings = dict[Kind, list[dict[str, JSON]]]

# The people row, by kind: the columns each shows.
_PEOPLE: dict[Kind, tuple[str, ...]] = {
    Kind.PROFILE: ("name", "username", "language", "created_at"),
    Kind.SETTINGS: (
        "timezone",
        "quiet_start",
        "quiet_end",
        "away_until",
        "away_open",
        "summary_day",
        "summary_time",
    ),
    Kind.CONSENT: ("consented_at",),
}
_SEATS: dict[Kind, tuple[str, ...]] = {
    Kind.RSVPS: ("session_id", "rsvp"),
    Kind.RATINGS: ("session_id", "rating", "comment"),
}
# Read in their own way below (the people row, votes, cycles and the outbox), or hers to take
# from somewhere else: each kind is read once.
_NEVER = datetime.min.replace(tzinfo=UTC)
# Rows she shares with someone else, by the column that names her: the other person's words and
# values in them, left out (an observation she made: the observed person's reply and follow-up).
_THEIRS: dict[tuple[str, str], frozenset[str]] = {
    ("observations", "observer_id"): frozenset(
        {"reply", "replied_at", "tried", "follow_up", "follow_up_answered_at", "reflection_run_id"}
    ),
}
_OWN_WAY = {"people", "circle_sessions", "pdsa_cycles", "outbox", "circle_seats", "teams", "disclosure_log"}


def jsonable(value: Any) -> JSON:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value  # type: ignore[no-any-return]


def _hers(row: dict[str, Any]) -> dict[str, JSON]:
    """A row without the columns that name someone (her own id says nothing she does not know)."""
    return {name: jsonable(value) for name, value in row.items() if name not in NAMING}


def _when(row: dict[str, Any]) -> datetime:
    """The row's first moment, for time order (rows with none come first)."""
    return next((value for value in row.values() if isinstance(value, datetime)), _NEVER)


async def holdings_of(uow: UnitOfWork, person_id: int) -> Holdings:
    """Everything circlebot holds about her, by kind; empty when there is no such person."""
    found: Holdings = {}
    person = await uow.people.get(person_id)
    if person is None or person.erased_at is not None:
        return found
    every = {name: jsonable(getattr(person, name)) for columns in _PEOPLE.values() for name in columns}
    for kind, columns in _PEOPLE.items():
        found[kind] = [{name: every[name] for name in columns}]
    team = None if person.team_id is None else await uow.teams.get(person.team_id)
    supervised = await uow.teams.supervised_by(person_id)
    teams: list[dict[str, JSON]] = [{"name": team.name, "member": True} for team in (team,) if team]
    found[Kind.TEAM] = teams + [{"name": team.name, "supervisor": True} for team in (supervised,) if team]
    for holding in HOLDINGS:
        if holding.kinds and holding.by is By.PERSON and holding.table not in _OWN_WAY:
            await _rows(uow, holding, person_id, found)
    seats = await uow.personal.rows(next(h for h in HOLDINGS if h.table == "circle_seats"), person_id)
    for kind, columns in _SEATS.items():
        found[kind] = [
            {name: jsonable(seat[name]) for name in columns} for seat in seats if seat[columns[1]] is not None
        ]
    found[Kind.VOTES] = [
        {"session_id": session, "segment": segment, "option": jsonable(option)}
        for session, segment, option in await uow.personal.votes(person_id)
    ]
    await _projects(uow, found)
    await _messages(uow, person_id, found)
    await _disclosures(uow, person_id, found)
    return found


async def _rows(uow: UnitOfWork, holding: Holding, person_id: int, found: Holdings) -> None:
    theirs = _THEIRS.get((holding.table, holding.column), frozenset())
    rows = [
        {name: value for name, value in _hers(row).items() if name not in theirs}
        for row in sorted(await uow.personal.rows(holding, person_id), key=_when)
    ]
    for kind in holding.kinds:
        found.setdefault(kind, []).extend(rows)


async def _projects(uow: UnitOfWork, found: Holdings) -> None:
    """Her projects, each with its cycles."""
    projects = found.get(Kind.PROJECTS, [])
    ids = [project["id"] for project in projects if isinstance(project["id"], int)]
    cycles = [_hers(cycle) for cycle in await uow.personal.cycles(ids)]
    for project in projects:
        project["cycles"] = [cycle for cycle in cycles if cycle["project_id"] == project["id"]]


async def _messages(uow: UnitOfWork, person_id: int, found: Holdings) -> None:
    """What the bot queued to her: when, its state, and its words."""
    to_her = next(h for h in HOLDINGS if h.table == "outbox" and h.by is By.PERSON)
    found[Kind.REPLIES] = []
    for row in sorted(await uow.personal.rows(to_her, person_id), key=lambda row: row["id"]):
        params = row["payload"].get("params") or {}
        words = params.get("text") or params.get("caption")
        found[Kind.REPLIES].append(
            {
                "created_at": jsonable(row["created_at"]),
                "sent_at": jsonable(row["sent_at"]),
                "status": row["status"],
                "text": jsonable(words),
            }
        )


async def _disclosures(uow: UnitOfWork, person_id: int, found: Holdings) -> None:
    """What of hers went to whom (the disclosure log about her): her right to know the
    recipients, so each is named."""
    entries = [entry for entry in await uow.disclosure_log.entries(person_id) if entry.about_id == person_id]
    found[Kind.DISCLOSURES] = [
        {"logged_at": jsonable(entry.logged_at), "kind": entry.kind, "to": to, "detail": entry.detail}
        for entry, to in zip(entries, await recipients(uow, entries, with_ids=False), strict=True)
    ]
