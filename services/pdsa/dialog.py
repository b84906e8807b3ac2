"""/pdsa, /log and /note: a person's improvement projects in her private chat. The project and
its cycles are asked in content flows (services.projects turns their answers into the project);
this is the rest: the project card and its buttons, data points with their rules (a number in
range, no day in the future, one point per measurement period unless she says to replace it),
notes, sharing with her supervisor, and the supervisor's comment. A chart is never drawn here:
it is asked for, and the clock's next tick draws and sends it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows.bounds import NOT_A_DAY, NOT_A_NUMBER, Problem, outside_window
from flows.content import Content
from flows.dates import day_label, month_names
from flows.i18n import PDSA_GO_ON, PDSA_PERIOD, PDSA_STAGES
from flows.measures import period, read_log, shown_number
from services.core.conversation import Conversation
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.core.speaker import Speaker
from services.core.teams import supervisor_of
from services.pdsa import export as pdsa_export
from services.pdsa.buttons import (
    AnotherVisit,
    FromTemplate,
    KeepFirst,
    NewProject,
    OnOwnProject,
    OnProject,
    OwnProject,
    Replace,
    TeamProject,
    supervised,
)
from services.pdsa.projects import Projects, as_prefill, flow_for
from store.models import Cycle, Person, Project
from store.uow import UnitOfWork

LEADS = ("supervisor", "facilitator")  # who may start a team project
PDSA_ROLES = ("home_visitor", "facilitator", "supervisor")


@prompt_kind
@dataclass(frozen=True)
class AskValue(Prompt):
    """A value for her project's measure, for one day."""

    kind = "pdsa.value"
    project: int
    day: str | None  # ISO; None: today


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
class PdsaDialog:
    uow: UnitOfWork
    content: Content
    speaker: Speaker
    person: Person
    now: datetime
    timezone: str  # the program's, hers until she sets one
    conversation: Callable[[], Conversation]
    wake: Callable[[], None]  # a chart was asked for: the clock's next tick draws it

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.person.timezone or self.timezone)).date()

    def _day(self, day: date) -> str:
        return day_label(day, month_names(self.speaker.catalog, self.speaker.lang))

    async def _projects(self) -> list[Project]:
        return await self.uow.projects.open_to(self.person.id, self.person.team_id)

    async def _current(self) -> Project | None:
        projects = await self._projects()
        chosen = [project for project in projects if project.id == self.person.project_id]
        found = chosen or projects[-1:]
        return found[0] if found else None

    async def _open(self, project_id: int) -> Project | None:
        """A project her prompt names, only if it is still open to her."""
        return next((p for p in await self._projects() if p.id == project_id), None)

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
        project = await self._current()
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
                    day=self._day(last.day),
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
        others = [p for p in await self._projects() if p.id != project.id][-4:]
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
            return await self._ask_value(project, self.today)
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
        project.status = "active"
        await self.speaker.say(
            "pdsa.from_template", aim=project.aim, measure=project.measure, unit=project.unit
        )
        await self._projects_service().ready(project)

    def _projects_service(self) -> Projects:
        return Projects(self.uow, self.content, self.speaker, self.person, self.now, self.timezone)

    async def set_up(self, team: bool) -> None:
        team_id = None
        if team:
            if self.person.team_id is None:
                return await self.speaker.say("chat.not_allowed")
            team_id = self.person.team_id
        if await self._busy():
            return
        project = await self.uow.projects.add(self.person.id, self.now, team_id=team_id)
        self.person.project_id = project.id
        project.run_id = (await self.conversation().start(flow_for(self.content, "project"))).id

    async def _go_on(self, project: Project) -> None:
        """Continue: the stage she is at, where she stopped."""
        cycle = await self.uow.projects.latest_cycle(project.id)
        if cycle is None or cycle.stage == "plan":
            return await self._plan(project)
        if cycle.stage == "do":
            days = "?" if cycle.study_at is None else self._day(self._local(cycle.study_at))
            button = [[(self.speaker.label("pdsa.button.study"), OnOwnProject("study", project.id).encode())]]
            return await self.speaker.say("pdsa.still_doing", button, number=cycle.number, day=days)
        if cycle.stage in ("study", "act"):
            return await self._stage_flow(cycle, cycle.stage)
        await self._plan(project)

    def _local(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.person.timezone or self.timezone)).date()

    async def _stage_flow(self, cycle: Cycle, part: str, prefill: dict[str, Any] | None = None) -> None:
        """A cycle's flow: resumed where it stopped when paused, else from its start."""
        if await self._busy():
            return
        flow = flow_for(self.content, part)
        conversation = self.conversation()
        if cycle.paused is not None and cycle.paused.get("flow_id") == flow.id:
            run = await conversation.resume(flow, cycle.paused)
        else:
            run = await conversation.start(flow, prefill)
        cycle.run_id, cycle.paused = run.id, None

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
        cycle.stage, cycle.study_at, cycle.next_prompt_at = "study", None, None
        await self._ask_chart(project, "study")

    async def _ask_chart(self, project: Project, purpose: str) -> None:
        await self.uow.projects.ask_for_chart(project.id, self.person.id, purpose, self.now)
        self.wake()
        await self.speaker.say("pdsa.drawing")

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

    # --- data points ---------------------------------------------------------------------------

    async def log(self, argument: str) -> None:
        project = await self._current()
        if project is None:
            return await self.speaker.say("pdsa.none")
        if not argument.strip():
            return await self._ask_value(project, self.today)
        logged = read_log(argument, self.today)
        if isinstance(logged.day, Problem):
            return await self._refuse(logged.day, argument)
        if isinstance(logged.value, Problem):
            await self._refuse(logged.value, argument)
            return await self._ask_value(project, logged.day)
        await self.record(project, logged.value, logged.day)

    async def _refuse(self, problem: Problem, words: str) -> None:
        """A value or a day she typed that cannot be taken: her words back when they are not a
        number or a day, else the bound they are beyond (flows.bounds)."""
        if problem.key == NOT_A_NUMBER:
            return await self.speaker.say("pdsa.not_a_number", words=words[:40])
        if problem.key == NOT_A_DAY:
            return await self.speaker.say("pdsa.bad_day", example=self.today.strftime("%d/%m"))
        await self.speaker.say(problem.key, (), **problem.fields)

    async def _ask_value(self, project: Project, day: date) -> None:
        """The question for one value: her next words answer it (a command leaves it)."""
        open_prompt(self.person, AskValue(project.id, day.isoformat()), self.now)
        await self.speaker.say(
            "pdsa.ask_value",
            measure=project.measure,
            unit=project.unit,
            day=self._day(day),
            range=self._range(project),
        )

    def _range(self, project: Project) -> str:
        if project.lowest is None and project.highest is None:
            return ""
        low = "…" if project.lowest is None else shown_number(project.lowest)
        high = "…" if project.highest is None else shown_number(project.highest)
        return self.speaker.label("pdsa.range", low=low, high=high)

    async def prompted(self, project: Project, day: date, value: float | None) -> None:
        """A data prompt's button: a value for the day it asked about, or the question."""
        if value is None:
            return await self._ask_value(project, day)
        await self.record(project, value, day)

    async def _refused(self, project: Project, value: float, day: date) -> bool:
        """The checks every value meets, typed or pressed: no day in the future nor before the
        window of flows.bounds, within the measure's range. A refused value is explained and asked
        again."""
        if day > self.today:
            await self.speaker.say("pdsa.future")
            await self._ask_value(project, self.today)
            return True
        too_old = outside_window(day, self.today)  # a day a button carries is held to it too
        if too_old is not None:
            await self.speaker.say(too_old.key, (), **too_old.fields)
            await self._ask_value(project, self.today)
            return True
        if not _in_range(project, value):
            await self.speaker.say("pdsa.out_of_range", value=shown_number(value), range=self._range(project))
            await self._ask_value(project, day)
            return True
        return False

    async def record(self, project: Project, value: float, day: date) -> None:
        """One data point, after the checks; a second for the same period asks first."""
        if await self._refused(project, value, day):
            return
        close(self.person)
        if project.frequency == "visit":
            return await self._visit(project, value, day)
        key = period(project.frequency, day)
        earlier = await self.uow.projects.point_for(project.id, self.person.id, key)
        if earlier is not None:
            if earlier.value == value:
                return await self.speaker.say(
                    "pdsa.same_again", value=shown_number(value), day=self._day(earlier.day)
                )
            rows = [
                [
                    (
                        self.speaker.label(
                            "pdsa.button.replace", old=shown_number(earlier.value), new=shown_number(value)
                        ),
                        Replace(earlier.id, shown_number(value)).encode(),
                    )
                ],
                [
                    (
                        self.speaker.label("pdsa.button.keep_first", old=shown_number(earlier.value)),
                        KeepFirst().encode(),
                    )
                ],
            ]
            word = self.speaker.label(PDSA_PERIOD.key(project.frequency))
            return await self.speaker.say(
                "pdsa.double", rows, period=word, day=self._day(earlier.day), old=shown_number(earlier.value)
            )
        await self._add(project, value, day, key)

    async def _visit(self, project: Project, value: float, day: date) -> None:
        """A visit is its own period, and two visits may fall on one day: when she logged one
        that day already, she says whether this is another visit or a correction."""
        same_day = [
            p
            for p in await self.uow.projects.points([project.id])
            if p.person_id == self.person.id and p.day == day
        ]
        if not same_day:
            return await self._add_visit(project, value, day)
        earlier = same_day[-1]
        rows = [
            [
                (
                    self.speaker.label("pdsa.button.another_visit"),
                    AnotherVisit(project.id, day, shown_number(value)).encode(),
                )
            ],
            [
                (
                    self.speaker.label(
                        "pdsa.button.replace", old=shown_number(earlier.value), new=shown_number(value)
                    ),
                    Replace(earlier.id, shown_number(value)).encode(),
                )
            ],
        ]
        await self.speaker.say("pdsa.visit_again", rows, day=self._day(day), old=shown_number(earlier.value))

    async def _add_visit(self, project: Project, value: float, day: date) -> None:
        number = await self.uow.projects.count_points(project.id, self.person.id) + 1
        await self._add(project, value, day, period("visit", day, number))

    async def another_visit(self, project: Project, day: date, value: float | None) -> None:
        """ "Another visit": the value she gave, checked again as if typed, as a visit of its own."""
        if value is None:
            return await self.speaker.say("button.expired")
        if not await self._refused(project, value, day):
            await self._add_visit(project, value, day)

    async def _add(self, project: Project, value: float, day: date, key: str) -> None:
        cycle = await self.uow.projects.latest_cycle(project.id)
        during = (
            cycle
            if cycle is not None and cycle.started_at is not None and self._local(cycle.started_at) <= day
            else None
        )
        await self.uow.projects.add_point(
            project_id=project.id,
            person_id=self.person.id,
            cycle_id=None if during is None else during.id,
            day=day,
            period=key,
            value=value,
            logged_at=self.now,
        )
        count = await self.uow.projects.count_points(project.id)
        await self.speaker.say(
            "pdsa.logged", value=shown_number(value), unit=project.unit, day=self._day(day), count=count
        )

    async def replace(self, point_id: int, value: float | None) -> None:
        """Replace her earlier point with the value she gave, checked again as if typed."""
        point = await self.uow.projects.point(point_id)
        project = None if point is None else await self._open(point.project_id)
        if point is None or project is None or value is None:
            return await self.speaker.say("button.expired")
        if await self._refused(project, value, point.day):
            return
        close(self.person)
        point.replaced, point.value, point.logged_at = point.value, value, self.now
        await self.speaker.say(
            "pdsa.replaced",
            old=shown_number(point.replaced),
            new=shown_number(value),
            day=self._day(point.day),
        )

    # --- notes and comments --------------------------------------------------------------------

    async def note(self, argument: str) -> None:
        project = await self._current()
        if project is None:
            return await self.speaker.say("pdsa.none")
        if not argument.strip():
            open_prompt(self.person, AskNote(project.id), self.now)
            return await self.speaker.say("pdsa.ask_note", measure=project.measure)
        await self._add_note(project, argument.strip(), "note")

    async def _add_note(self, project: Project, text: str, kind: str) -> None:
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

    async def receive(self, prompt: Prompt, text: str) -> None:
        """Her words after a question of this dialog (a value, a note, a comment)."""
        if isinstance(prompt, AskComment):
            return await self._comment(prompt.project, text)
        assert isinstance(prompt, AskValue | AskNote)
        project = await self._open(prompt.project)
        if project is None:
            close(self.person)
            return await self.speaker.say("button.expired")
        if isinstance(prompt, AskNote):
            close(self.person)
            return await self._add_note(project, text.strip(), "note")
        day = date.fromisoformat(prompt.day) if prompt.day else self.today
        logged = read_log(text, day)
        if isinstance(logged.day, Problem):
            await self._refuse(logged.day, text)
        elif isinstance(logged.value, Problem):
            await self._refuse(logged.value, text)
        else:
            return await self.record(project, logged.value, logged.day)
        await self._ask_value(project, day)

    async def supervisor_chart(self, project: Project) -> None:
        await self._ask_chart(project, "supervisor")

    async def start_comment(self, project: Project, owner: Person) -> None:
        open_prompt(self.person, AskComment(project.id), self.now)
        await self.speaker.say("pdsa.ask_comment", name=owner.name, measure=project.measure)

    async def _comment(self, project_id: int, text: str) -> None:
        close(self.person)
        found = await supervised(self.uow, self.person, project_id)
        if found is None:
            return await self.speaker.say("button.expired")
        project, owner = found
        await self._add_note(project, text.strip(), "comment")
        catalog = self.content.catalog
        lang = owner.language or self.content.languages.default
        words = catalog.say(
            lang, "pdsa.comment_received", name=self.person.name, measure=project.measure, text=text.strip()
        )
        button = [[(catalog.say(lang, "pdsa.button.chart"), OnProject("v", project.id).encode())]]
        await self.speaker.out.send(owner.telegram_id, catalog.lay_out(lang, words), button, owner.id)
        await self.speaker.say("pdsa.comment_sent", name=owner.name)

    # --- export --------------------------------------------------------------------------------

    async def export(self) -> None:
        projects = await self.uow.projects.all(owner_id=self.person.id)
        if not projects:
            return await self.speaker.say("pdsa.none")
        data = await pdsa_export.csv_of(self.uow, projects)
        stored = await self.uow.photos.add(self.now, data=data)
        caption = self.speaker.label("pdsa.export_caption", count=len(projects))
        await self.speaker.out.stored_file(
            self.speaker.chat_id, stored.id, caption, self.speaker.person_id, filename="pdsa.csv"
        )


def _in_range(project: Project, value: float) -> bool:
    return (project.lowest is None or value >= project.lowest) and (
        project.highest is None or value <= project.highest
    )


def _change(cycle: Cycle | None) -> str:
    return "" if cycle is None else str(cycle.plan.get("change") or cycle.prefill.get("change") or "")
