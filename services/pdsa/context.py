"""What the parts of the PDSA dialog share (the project card in services.pdsa.dialog, data points
in .points, notes and comments in .notes): one turn's store, speaker and person, her day, and
the projects open to her."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Self, TypeVar
from zoneinfo import ZoneInfo

from flows.content import Content
from flows.dates import day_label, month_names
from services.core.conversation import Conversation
from services.core.speaker import Speaker
from services.core.turn import Turn
from store.models import Person, Project
from store.uow import UnitOfWork

Part = TypeVar("Part", bound="PdsaContext")


@dataclass
class PdsaContext:
    uow: UnitOfWork
    content: Content
    speaker: Speaker
    person: Person
    now: datetime
    timezone: str  # the program's, hers until she sets one
    conversation: Callable[[], Conversation]
    wake: Callable[[], None]  # a chart was asked for: the clock's next tick draws it

    @classmethod
    def of(cls, turn: Turn) -> Self:
        return cls(
            turn.uow,
            turn.content,
            turn.speaker(),
            turn.me,
            turn.now,
            turn.timezone,
            turn.conversation,
            turn.wake,
        )

    def part(self, kind: type[Part]) -> Part:
        """Another part of the dialog, over the same turn (the card's "log" asks for a value)."""
        return kind(**{field.name: getattr(self, field.name) for field in fields(PdsaContext)})

    @property
    def today(self) -> date:
        return self.local(self.now)

    def local(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.person.timezone or self.timezone)).date()

    def day(self, day: date) -> str:
        return day_label(day, month_names(self.speaker.catalog, self.speaker.lang))

    async def projects(self) -> list[Project]:
        return await self.uow.projects.open_to(self.person.id, self.person.team_id)

    async def current(self) -> Project | None:
        projects = await self.projects()
        chosen = [project for project in projects if project.id == self.person.project_id]
        found = chosen or projects[-1:]
        return found[0] if found else None

    async def open_project(self, project_id: int) -> Project | None:
        """A project her prompt names, only if it is still open to her."""
        return next((p for p in await self.projects() if p.id == project_id), None)
