"""Who a person's words reach: her team and its supervisor while one is active (sharing,
alerts and PDSA projects all ask this)."""

from __future__ import annotations

from store.models import Person, Team
from store.uow import UnitOfWork


async def supervisor_of(uow: UnitOfWork, person: Person) -> tuple[Team | None, Person | None]:
    """Her team, and its supervisor when there is one still active."""
    team = None if person.team_id is None else await uow.teams.get(person.team_id)
    supervisor = None
    if team is not None and team.supervisor_id is not None:
        supervisor = await uow.people.get(team.supervisor_id)
    return team, None if supervisor is None or supervisor.deactivated else supervisor
