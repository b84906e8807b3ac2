"""An observation's buttons and who may press them: a supervisor acts only on people of the team
she supervises now, and on her own observations of them; the person observed acts only on the
observations she received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from flows.checklist import Checklist
from services.core.buttons import Button
from services.core.teams import supervisor_of
from store.models import Person
from store.observations import Observation

if TYPE_CHECKING:
    from services.core.turn import Turn

Tried = Literal["yes", "partly", "not_yet"]  # flows.checklist.TRIED
OnIt = Literal["reply", "reflect", "project"]


@dataclass(frozen=True)
class PickPerson(Button):
    prefix = "obp"
    person: int


@dataclass(frozen=True)
class StartObservation(Button):
    prefix = "obc"
    person: int
    checklist: str


@dataclass(frozen=True)
class ScoresOf(Button):
    prefix = "obs"
    person: int


@dataclass(frozen=True)
class GoOn(Button):
    prefix = "obg"
    observation: int


@dataclass(frozen=True)
class OnFeedback(Button):
    prefix = "obr"
    observation: int
    action: OnIt


@dataclass(frozen=True)
class TriedIt(Button):
    prefix = "obt"
    observation: int
    tried: Tried


def observable(checklists: dict[str, Checklist], observer: Person, person: Person) -> list[Checklist]:
    """The checklists `observer` may observe `person` with, by their roles."""
    return [
        checklist
        for checklist in checklists.values()
        if observer.role_names & set(checklist.observer_roles)
        and person.role_names & set(checklist.observed_roles)
    ]


def observable_member(checklists: dict[str, Checklist], observer: Person, person: Person) -> bool:
    """Of the team `observer` supervises, someone she may observe: not herself, joined, active,
    and holding a role a checklist lets her observe."""
    return (
        person.id != observer.id
        and not person.deactivated
        and person.consented_at is not None
        and bool(observable(checklists, observer, person))
    )


async def supervised(turn: Turn, person_id: int) -> Person | None:
    """`person_id`, when she is in the team `turn.me` supervises now and someone she may observe."""
    person = await turn.uow.people.get(person_id)
    if person is None or not observable_member(turn.content.checklists, turn.me, person):
        return None
    _, supervisor = await supervisor_of(turn.uow, person)
    return person if supervisor is not None and supervisor.id == turn.me.id else None


async def in_her_team(turn: Turn, data: PickPerson | StartObservation | ScoresOf) -> Person | None:
    return await supervised(turn, data.person)


async def her_unfinished(turn: Turn, data: GoOn) -> Observation | None:
    """An observation she started and has not sent, of someone still in her team."""
    observation = await turn.uow.observations.get(data.observation)
    if observation is None or observation.observer_id != turn.me.id or observation.sent_at is not None:
        return None
    return observation if await supervised(turn, observation.person_id) else None


async def received(turn: Turn, data: OnFeedback | TriedIt) -> Observation | None:
    """An observation sent to her (only hers: never a peer's)."""
    observation = await turn.uow.observations.get(data.observation)
    if observation is None or observation.person_id != turn.me.id or observation.sent_at is None:
        return None
    return observation


async def asked_about(turn: Turn, data: TriedIt) -> Observation | None:
    """Hers, its next step asked about by the clock and not answered yet."""
    observation = await received(turn, data)
    if observation is None or observation.followed_up_at is None or observation.follow_up_answered_at:
        return None
    return observation
