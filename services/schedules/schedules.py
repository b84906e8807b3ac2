"""What only the store can tell about the content's schedules (when a rule falls is pure:
flows.recurrence)."""

from __future__ import annotations

from flows.content import Content
from flows.loader import Problem
from store.uow import UnitOfWork


async def unknown_teams(uow: UnitOfWork, content: Content) -> list[Problem]:
    """Schedules sent to a team the store does not have: content can only name teams, the store
    knows them, so `run` checks this at start (with the file and line, like any content error)."""
    source = content.sources.get("schedules")
    if source is None:
        return []
    teams = sorted(team.name for team in await uow.teams.all())
    return [
        source.problem(("schedules", i, "to"), f"no team {name!r} (teams: {', '.join(teams) or 'none yet'})")
        for i, schedule in enumerate(content.schedules.schedules)
        if schedule.to.startswith("team:") and (name := schedule.to.removeprefix("team:")) not in teams
    ]
