"""/pdsa: a person's improvement projects in her private chat. The project and its cycles are
asked in content flows (services.pdsa.projects turns their answers into the project); this is
the project card and its buttons: starting a project, going on to the stage she is at, a
cycle's change idea, sharing with her supervisor, charts, and her CSV. Data points are
services.pdsa.points, notes and comments services.pdsa.notes. A chart is never drawn here: it
is asked for, and the clock's next tick draws and sends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows.i18n import PDSA_GO_ON, PDSA_STAGES
from flows.measures import shown_number
from services.core.disclosures import disclosed
from services.core.teams import supervisor_of
from services.pdsa import export as pdsa_export
from services.pdsa.buttons import FromTemplate, NewProject, OnOwnProject, OnProject, OwnProject, TeamProject
from services.pdsa.context import PdsaContext
from services.pdsa.disclosed import TEAM_POINTS
from services.pdsa.points import DataPoints
from services.pdsa.projects import Projects, as_prefill, flow_for, open_stage
from store.models import Cycle, Project
from store.statuses import ProjectStatus

LEADS = ("supervisor", "facilitator")  # who may start a team project
PDSA_ROLES = ("home_visitor", "facilitator", "supervisor")


@dataclass
class PdsaDialog(PdsaContext):
    async def _busy(self) -> bool:
        """She is in another conversation: a PDSA flow would take her next words from it."""
        run = await self.uow.runs.active_for(self.person.id)
        if run is None:
            return False
        await self.speaker.say("pdsa.busy")
        await self.conversation().repeat_question(run)
        return True

    # --- /pdsa ---------------------------------------------------------------------------------

    async def command(self, argument: str) -> None:
        if argument.strip().lower() in ("export", "exportar"):
            return await self.export()
        project = await self.current()
        if project is None:
            return await self.new()
        await self.card(project)

    async def new(self) -> None:
        """Start a project: from a template, her own, or (a supervisor or facilitator) her team's."""
        assert self.content.pdsa is not None
        lang = self.speaker.lang
        rows = [
            [(self.content.catalog.pick(template.title, lang)[:60], FromTemplate(template.id).encode())]
            for template in self.content.pdsa.templates
        ]
        rows.append([(self.speaker.label("pdsa.button.own"), OwnProject().encode())])
        if self.person.role_names & set(LEADS) and self.person.team_id is not None:
            rows.append([(self.speaker.label("pdsa.button.team"), TeamProject().encode())])
        await self.speaker.say("pdsa.new", rows)

    async def card(self, project: Project) -> None:
        """Where the project stands, with what she can do next."""
        self.person.project_id = project.id
        cycle = await self.uow.projects.latest_cycle(project.id)
        points = await self.uow.projects.points([project.id])
        last = points[-1] if points else None
        stage = "baseline" if cycle is None else cycle.stage
        lines = [
            self.speaker.label("pdsa.card", measure=project.measure, aim=project.aim),
            self.speaker.label(
                PDSA_STAGES.key(stage), number=0 if cycle is None else cycle.number, change=_change(cycle)
            ),
        ]
        if last is not None:
            lines.append(
                self.speaker.label(
                    "pdsa.card_points",
                    count=len(points),
                    value=shown_number(last.value),
                    day=self.day(last.day),
                )
            )
        own = project.owner_id == self.person.id
        rows: list[list[tuple[str, str]]] = []
        if own:
            rows.append(
                [(self.speaker.label(PDSA_GO_ON.key(stage)), OnOwnProject("go", project.id).encode())]
            )
        rows.append(
            [
                (self.speaker.label("pdsa.button.log"), OnProject("log", project.id).encode()),
                (self.speaker.label("pdsa.button.chart"), OnProject("v", project.id).encode()),
            ]
        )
        if own:
            shared = "pdsa.button.unshare" if project.shared else "pdsa.button.share"
            rows.append([(self.speaker.label(shared), OnOwnProject("share", project.id).encode())])
        others = [p for p in await self.projects() if p.id != project.id][-4:]
        rows += [
            [
                (
                    self.speaker.label("pdsa.button.switch", measure=p.measure[:40]),
                    OnProject("cur", p.id).encode(),
                )
            ]
            for p in others
        ]
        rows.append([(self.speaker.label("pdsa.button.new"), NewProject().encode())])
        await self.speaker.send(self.speaker.catalog.lay_out(self.speaker.lang, "\n".join(lines)), rows)

    # --- buttons -------------------------------------------------------------------------------

    async def on_project(self, action: str, project: Project) -> None:
        """A project's own buttons (the rule has checked who may press which)."""
        if action == "cur":
            return await self.card(project)
        if action == "log":
            return await self.part(DataPoints).ask_value(project, self.today)
        if action == "v":
            return await self._ask_chart(project, "view")
        if action == "go":
            return await self._go_on(project)
        if action == "plan":
            return await self._plan(project)
        if action == "study":
            return await self._study(project)
        await self._share(project)

    async def keep_first(self) -> None:
        await self.speaker.say("pdsa.kept_first")

    async def from_template(self, template_id: str) -> None:
        assert self.content.pdsa is not None
        found = [t for t in self.content.pdsa.templates if t.id == template_id]
        if not found:
            return await self.speaker.say("button.expired")
        template, pick = found[0], self.content.catalog.pick
        lang = self.speaker.lang
        project = await self.uow.projects.add(
            self.person.id,
            self.now,
            template_id=template.id,
            aim=pick(template.aim, lang),
            measure=pick(template.measure, lang),
            unit=pick(template.unit, lang),
            frequency=template.frequency,
            higher_is_better=template.higher_is_better,
            lowest=template.min,
            highest=template.max,
            goal=template.goal,
            change_ideas=[pick(idea, lang) for idea in template.change_ideas],
        )
        project.status = ProjectStatus.ACTIVE
        await self.speaker.say(
            "pdsa.from_template", aim=project.aim, measure=project.measure, unit=project.unit
        )
        await self._projects_service().ready(project)

    def _projects_service(self) -> Projects:
        return Projects(self.uow, self.content, self.speaker, self.person, self.now, self.timezone, self.wake)

    async def set_up(self, team: bool, change: str | None = None) -> None:
        """A new project's questions; `change`, a change idea she brings (an observation's next
        step), offered at its question to keep."""
        team_id = None
        if team:
            if self.person.team_id is None:
                return await self.speaker.say("chat.not_allowed")
            team_id = self.person.team_id
        if await self._busy():
            return
        project = await self.uow.projects.add(self.person.id, self.now, team_id=team_id)
        self.person.project_id = project.id
        flow = flow_for(self.content, "project")
        prefill = as_prefill(flow, {"change_ideas": change})
        project.run_id = (await self.conversation().start(flow, prefill)).id

    async def _go_on(self, project: Project) -> None:
        """Continue: the stage she is at, where she stopped."""
        cycle = await self.uow.projects.latest_cycle(project.id)
        if cycle is None or cycle.stage == "plan":
            return await self._plan(project)
        if cycle.stage == "do":
            days = "?" if cycle.study_at is None else self.day(self.local(cycle.study_at))
            button = [[(self.speaker.label("pdsa.button.study"), OnOwnProject("study", project.id).encode())]]
            return await self.speaker.say("pdsa.still_doing", button, number=cycle.number, day=days)
        if cycle.stage == "study":
            return await self._studying(project, cycle)
        if cycle.stage == "act":
            return await self._stage_flow(cycle, "act")
        await self._plan(project)

    async def _studying(self, project: Project, cycle: Cycle) -> None:
        """Study, where she stopped: whether the change was carried out, until she has said so;
        then the chart and her prediction again, and the clock resumes or starts the questions
        that look at them (pdsa_study), so she never answers them without the chart before her."""
        if "carried_out" not in cycle.study:
            return await self._stage_flow(cycle, "carried_out")
        if not await self._busy():
            await self._ask_chart(project, "study")

    async def _stage_flow(self, cycle: Cycle, part: str, prefill: dict[str, Any] | None = None) -> None:
        """A cycle's flow: resumed where it stopped when paused, else from its start."""
        if not await self._busy():
            await open_stage(self.conversation(), cycle, flow_for(self.content, part), prefill)

    async def _plan(self, project: Project) -> None:
        cycle = await self.uow.projects.latest_cycle(project.id)
        if cycle is None or cycle.stage == "done":
            cycle = await self.uow.projects.add_cycle(project, self.now, {})
        if cycle.stage != "plan":
            return await self._go_on(project)
        plan = flow_for(self.content, "plan")
        await self._stage_flow(cycle, "plan", as_prefill(plan, cycle.prefill))

    async def _study(self, project: Project) -> None:
        cycle = await self.uow.projects.latest_cycle(project.id)
        if cycle is None or cycle.stage not in ("do", "study"):
            return await self._go_on(project)
        if cycle.stage == "do":
            cycle.stage, cycle.study_at, cycle.next_prompt_at = "study", None, None
        await self._studying(project, cycle)

    async def _ask_chart(self, project: Project, purpose: str) -> None:
        await self._projects_service().ask_for_chart(project, purpose)

    async def idea(self, cycle_id: int, index: int | None) -> None:
        """A change idea for the next cycle's plan (None: her own, asked in the plan)."""
        cycle = await self.uow.projects.cycle(cycle_id)
        project = None if cycle is None else await self.uow.projects.get(cycle.project_id)
        if cycle is None or project is None or cycle.stage != "plan":
            return await self.speaker.say("button.expired")
        if index is not None and index < len(project.change_ideas):
            cycle.prefill = {**cycle.prefill, "change": project.change_ideas[index]}
        plan = flow_for(self.content, "plan")
        await self._stage_flow(cycle, "plan", as_prefill(plan, cycle.prefill))

    async def _share(self, project: Project) -> None:
        if project.shared:
            project.shared = False
            return await self.speaker.say("pdsa.unshared")
        _, supervisor = await supervisor_of(self.uow, self.person)
        project.shared = True
        await self.speaker.say("pdsa.shared" if supervisor is not None else "pdsa.shared_no_supervisor")

    async def supervisor_chart(self, project: Project) -> None:
        await self._ask_chart(project, "supervisor")

    # --- export --------------------------------------------------------------------------------

    async def export(self) -> None:
        projects = await self.uow.projects.all(owner_id=self.person.id)
        if not projects:
            return await self.speaker.say("pdsa.none")
        written = await pdsa_export.csv_of(self.uow, projects)
        stored = await self.uow.photos.add(self.now, data=written.data)
        caption = self.speaker.label("pdsa.export_caption", count=len(projects))
        others = sorted(written.people - {self.person.id})
        await self.speaker.out.stored_file(
            self.speaker.chat_id,
            stored.id,
            caption,
            self.speaker.person_id,
            filename="pdsa.csv",
            about=disclosed(TEAM_POINTS, others),  # her team's members, by name, in her file
        )


def _change(cycle: Cycle | None) -> str:
    return "" if cycle is None else str(cycle.plan.get("change") or cycle.prefill.get("change") or "")
