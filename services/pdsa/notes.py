"""/note: her notes on a project's current cycle, and a supervisor's comment on a project shared
with her, which reaches its owner."""

from __future__ import annotations

from dataclasses import dataclass

from services.core.disclosures import About
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.pdsa.buttons import OnProject, supervised
from services.pdsa.context import PdsaContext
from services.pdsa.disclosed import PDSA_COMMENT
from store.models import Person, Project


@prompt_kind
@dataclass(frozen=True)
class AskNote(Prompt):
    kind = "pdsa.note"
    project: int


@prompt_kind
@dataclass(frozen=True)
class AskComment(Prompt):
    """A supervisor's comment on a project shared with her."""

    kind = "pdsa.comment"
    project: int


@dataclass
class Notes(PdsaContext):
    async def note(self, argument: str) -> None:
        project = await self.current()
        if project is None:
            return await self.speaker.say("pdsa.none")
        if not argument.strip():
            open_prompt(self.person, AskNote(project.id), self.now)
            return await self.speaker.say("pdsa.ask_note", measure=project.measure)
        await self._add(project, argument.strip(), "note")

    async def receive_note(self, prompt: AskNote, text: str) -> None:
        close(self.person)
        project = await self.open_project(prompt.project)
        if project is None:
            return await self.speaker.say("button.expired")
        await self._add(project, text.strip(), "note")

    async def _add(self, project: Project, text: str, kind: str) -> None:
        cycle = await self.uow.projects.latest_cycle(project.id)
        await self.uow.projects.add_note(
            project_id=project.id,
            cycle_id=None if cycle is None else cycle.id,
            author_id=self.person.id,
            kind=kind,
            text=text[:4000],
            created_at=self.now,
        )
        if kind == "note":
            await self.speaker.say("pdsa.noted", number=0 if cycle is None else cycle.number)

    async def start_comment(self, project: Project, owner: Person) -> None:
        open_prompt(self.person, AskComment(project.id), self.now)
        await self.speaker.say("pdsa.ask_comment", name=owner.name, measure=project.measure)

    async def receive_comment(self, prompt: AskComment, text: str) -> None:
        close(self.person)
        found = await supervised(self.uow, self.person, prompt.project)
        if found is None:
            return await self.speaker.say("button.expired")
        project, owner = found
        await self._add(project, text.strip(), "comment")
        catalog = self.content.catalog
        lang = owner.language or self.content.languages.default
        words = catalog.say(
            lang, "pdsa.comment_received", name=self.person.name, measure=project.measure, text=text.strip()
        )
        button = [[(catalog.say(lang, "pdsa.button.chart"), OnProject("v", project.id).encode())]]
        about = About.of(PDSA_COMMENT, [self.person.id])
        await self.speaker.out.send(
            owner.telegram_id, catalog.lay_out(lang, words), button, owner.id, about=about
        )
        await self.speaker.say("pdsa.comment_sent", name=owner.name)
