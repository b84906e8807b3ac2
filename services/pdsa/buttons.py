"""The PDSA buttons, each a typed kind naming what it acts on, and the relations their rules
check before the dialog runs: a project open to her (her own or her team's), her own project,
cycle or point, or a shared project of someone she supervises now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from services.core.buttons import Button
from store.statuses import ProjectStatus

if TYPE_CHECKING:
    from services.core.turn import Turn
    from store.models import Cycle, DataPoint, Person, Project
    from store.uow import UnitOfWork


@dataclass(frozen=True)
class NewProject(Button):
    prefix = "pn"


@dataclass(frozen=True)
class FromTemplate(Button):
    prefix = "pt"
    template: str


@dataclass(frozen=True)
class OwnProject(Button):
    prefix = "pown"


@dataclass(frozen=True)
class TeamProject(Button):
    prefix = "pteam"


@dataclass(frozen=True)
class OnProject(Button):
    """What anyone the project is open to may do: make it current, log a value, see its chart."""

    prefix = "pp"
    action: Literal["cur", "log", "v"]
    project: int


@dataclass(frozen=True)
class OnOwnProject(Button):
    """What only its owner may do: go on, plan, study, share or stop sharing."""

    prefix = "po"
    action: Literal["go", "plan", "study", "share"]
    project: int


@dataclass(frozen=True)
class Idea(Button):
    prefix = "pi"
    cycle: int
    index: int  # one of her change ideas


@dataclass(frozen=True)
class OwnIdea(Button):
    prefix = "pio"
    cycle: int


@dataclass(frozen=True)
class Replace(Button):
    """Replace an earlier point with the value she just gave (checked again like typed input)."""

    prefix = "pr"
    point: int
    value: str


@dataclass(frozen=True)
class KeepFirst(Button):
    prefix = "pk"


@dataclass(frozen=True)
class AnotherVisit(Button):
    prefix = "pm"
    project: int
    day: date
    value: str


@dataclass(frozen=True)
class PromptedValue(Button):
    """A data prompt's value, one press (a small whole-number range)."""

    prefix = "pa"
    project: int
    day: date
    value: int


@dataclass(frozen=True)
class AskValue(Button):
    prefix = "paq"
    project: int
    day: date


@dataclass(frozen=True)
class Comment(Button):
    prefix = "pc"
    project: int


@dataclass(frozen=True)
class SupervisorChart(Button):
    prefix = "ps"
    project: int


async def open_project(turn: Turn, project_id: int) -> Project | None:
    """A project open to her: her own, or her team's."""
    found = await turn.uow.projects.get(project_id)
    person = turn.me
    if found is None or found.status != ProjectStatus.ACTIVE:
        return None
    mine = found.owner_id == person.id
    return found if mine or (found.team_id is not None and found.team_id == person.team_id) else None


async def supervised(uow: UnitOfWork, supervisor: Person, project_id: int) -> tuple[Project, Person] | None:
    """A shared project of someone whose team she supervises now, and its owner."""
    project = await uow.projects.get(project_id)
    owner = None if project is None else await uow.people.get(project.owner_id)
    if project is None or owner is None or not project.shared or owner.team_id is None:
        return None
    team = await uow.teams.get(owner.team_id)
    return (project, owner) if team is not None and team.supervisor_id == supervisor.id else None


async def is_open(turn: Turn, data: Any) -> Project | None:
    return await open_project(turn, data.project)


async def is_own(turn: Turn, data: Any) -> Project | None:
    project = await open_project(turn, data.project)
    return project if project is not None and project.owner_id == turn.me.id else None


async def own_cycle(turn: Turn, data: Any) -> Cycle | None:
    cycle = await turn.uow.projects.cycle(data.cycle)
    project = None if cycle is None else await turn.uow.projects.get(cycle.project_id)
    return cycle if project is not None and project.owner_id == turn.me.id else None


async def own_point(turn: Turn, data: Any) -> DataPoint | None:
    point = await turn.uow.projects.point(data.point)
    if point is None or point.person_id != turn.me.id:
        return None
    return point if await open_project(turn, point.project_id) is not None else None


async def supervises(turn: Turn, data: Any) -> tuple[Project, Person] | None:
    return await supervised(turn.uow, turn.me, data.project)
