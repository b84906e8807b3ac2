"""The observations' lines in a supervisor's weekly summary (issue 25): how many observations
each member received this calendar month, and who has had none for more than five weeks. A
summary part (`Feature.summary`): the summaries read it through the registry and never name
observations.

Who is "not observed": a member who holds a role some checklist observes (a home visitor), who
joined more than `OVERDUE` ago (someone new is not late yet), and whose latest observation, by
anyone, is older than that or who was never observed. A team with no one a checklist observes
gets no lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from flows.wallclock import wall_time
from services.core.registry import TeamWeek

OVERDUE = timedelta(days=35)  # five weeks: the programs observe about once a month


async def summary_lines(weeks: Sequence[TeamWeek]) -> list[list[str]]:
    """Each team's lines: this month's observations per person ("Ana 2, Caro 1"), then who waits
    for one; the month is the reader's, in her timezone. Two queries for the whole batch."""
    if not weeks:
        return []
    content = weeks[0].content
    observed_roles = {role for checklist in content.checklists.values() for role in checklist.observed_roles}
    months = [
        wall_time(week.now.astimezone(week.zone).date().replace(day=1), time(0), week.zone) for week in weeks
    ]
    ids = [person.id for week in weeks for person in week.members]
    uow = weeks[0].uow
    sent = await uow.observations.sent_since(ids, min(months, default=weeks[0].now))
    latest = await uow.observations.latest_sent(
        person.id for week in weeks for person in week.members if person.role_names & observed_roles
    )
    return [
        _team(week, month, sent, latest, observed_roles) for week, month in zip(weeks, months, strict=True)
    ]


def _team(
    week: TeamWeek,
    month: datetime,
    sent: Sequence[tuple[int, datetime]],
    latest: dict[int, datetime],
    observed_roles: set[str],
) -> list[str]:
    catalog, lang = week.content.catalog, week.lang
    members = sorted(week.members, key=lambda person: person.name.casefold())
    observable = [person for person in members if person.role_names & observed_roles]
    if not observable:
        return []
    counts = Counter(person_id for person_id, moment in sent if moment >= month)
    counted = [f"{catalog.own_words(lang, p.name)} {counts[p.id]}" for p in members if counts.get(p.id)]
    if counted:
        lines = [catalog.say(lang, "weekly.observations", counts=", ".join(counted))]
    else:
        lines = [catalog.say(lang, "weekly.observations_none")]
    since = week.now - OVERDUE
    waiting = [
        catalog.own_words(lang, person.name)
        for person in observable
        if person.consented_at is not None
        and person.consented_at < since
        and (person.id not in latest or latest[person.id] < since)
    ]
    if waiting:
        lines.append(catalog.say(lang, "weekly.not_observed", names=", ".join(waiting)))
    return lines
