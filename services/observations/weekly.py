"""The observations' lines in a supervisor's weekly summary (issue 25): how many observations
each member received this calendar month, and who has had none for more than five weeks. A
summary part (`Feature.summary`): the summaries read it through the registry and never name
observations.

Who is "not observed": a member who holds a role some checklist observes (a home visitor), who
joined more than `OVERDUE` ago (someone new is not late yet), and whose latest observation, by
anyone, is older than that or who was never observed. A team with no one a checklist observes
gets no lines."""

from __future__ import annotations

from datetime import time, timedelta

from flows.wallclock import wall_time
from services.core.registry import TeamWeek

OVERDUE = timedelta(days=35)  # five weeks: the programs observe about once a month


async def summary_lines(week: TeamWeek) -> list[str]:
    """This month's observations per person ("Ana 2, Caro 1"), then who waits for one; the
    month is the reader's, in her timezone."""
    catalog, lang = week.content.catalog, week.lang
    observed_roles = {
        role for checklist in week.content.checklists.values() for role in checklist.observed_roles
    }
    members = sorted(week.members, key=lambda person: person.name.casefold())
    observable = [person for person in members if person.role_names & observed_roles]
    if not observable:
        return []
    ids = [person.id for person in members]
    month = wall_time(week.now.astimezone(week.zone).date().replace(day=1), time(0), week.zone)
    counts = await week.uow.observations.counts_since(ids, month)
    counted = [f"{catalog.own_words(lang, p.name)} {counts[p.id]}" for p in members if counts.get(p.id)]
    if counted:
        lines = [catalog.say(lang, "weekly.observations", counts=", ".join(counted))]
    else:
        lines = [catalog.say(lang, "weekly.observations_none")]
    since = week.now - OVERDUE
    latest = await week.uow.observations.latest_sent(person.id for person in observable)
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
