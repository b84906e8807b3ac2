"""What a finished PDSA flow means for its project: the answers, read by their `pdsa:` tags,
become the project's aim and measure or a cycle's plan, study and act, and the cycle moves on.
Study is two flows with the run chart between them: whether the change was carried out, then
(once the clock has sent the chart and her prediction) what happened and what she learned.
A flow stopped half way (/cancel, or left until it expired) is paused: its state is kept, and
/pdsa resumes it at the step where it stopped, weeks later if need be."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flows.availability import outside_quiet_hours
from flows.content import Content
from flows.measures import next_prompt
from flows.pdsa import PARTS, Prompts
from flows.run import RunState, RunStatus
from flows.spec import Flow
from services.core.conversation import Conversation
from services.core.speaker import Speaker
from services.pdsa.buttons import Idea, OnOwnProject, OwnIdea
from store.models import Cycle, FlowRun, Person, Project
from store.statuses import ProjectStatus
from store.uow import UnitOfWork

TAG = "pdsa"
# What the next cycle's plan carries over, by the decision that closed this one (Act): adapt
# keeps the whole plan to edit; adopt keeps how it is measured (what to spread or test next
# becomes the change); abandon keeps only the measuring, and another change idea is picked.
CARRIED = {
    "adapt": ("change", "objective", "questions", "prediction", "plan", "data_plan", "days"),
    "adopt": ("data_plan", "days"),
    "abandon": ("data_plan", "days"),
}


@dataclass(frozen=True)
class FollowUp:
    """A flow to start at once for a cycle (the next cycle's plan, or Act after Study)."""

    flow: Flow
    cycle: Cycle
    prefill: dict[str, Any]


def part_of(content: Content, flow_id: str) -> str | None:
    """The part (`flows.pdsa.PARTS`) a flow plays, for the flows that play one."""
    if content.pdsa is None:
        return None
    return {getattr(content.pdsa.flows, part): part for part in PARTS}.get(flow_id)


def flow_for(content: Content, part: str) -> Flow:
    assert content.pdsa is not None
    return content.flows[getattr(content.pdsa.flows, part)]


def by_tag(flow: Flow, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers under their `pdsa:` tags (a skipped step's answer is None)."""
    return {
        step.tags[TAG]: answers.get(step.id) for step in flow.steps if TAG in step.tags and step.id in answers
    }


async def open_stage(
    conversation: Conversation, cycle: Cycle, flow: Flow, prefill: dict[str, Any] | None = None
) -> None:
    """A cycle's flow: resumed where it stopped when it was paused, else from its start."""
    if cycle.paused is not None and cycle.paused.get("flow_id") == flow.id:
        run = await conversation.resume(flow, cycle.paused)
    else:
        run = await conversation.start(flow, prefill)
    cycle.run_id, cycle.paused = run.id, None


def as_prefill(flow: Flow, tagged: dict[str, Any]) -> dict[str, Any]:
    """Tagged values back to the step ids of `flow` (the first step with each tag)."""
    found: dict[str, Any] = {}
    for step in flow.steps:
        tag = step.tags.get(TAG)
        if tag in tagged and tagged[tag] is not None and tag not in found.values():
            found.setdefault(step.id, tagged[tag])
    return found


def prompt_time(
    content: Content, project: Project, person: Person, after: datetime, timezone: str
) -> datetime:
    """When to ask her next for a data point: at the measure's rhythm in her timezone, moved past
    her quiet hours."""
    zone = ZoneInfo(person.timezone or timezone)
    prompts = Prompts() if content.pdsa is None else content.pdsa.prompts
    local = next_prompt(project.frequency, after, zone, prompts)
    return outside_quiet_hours(local, person.quiet_start, person.quiet_end, content.schedules.quiet_hours)


@dataclass
class Projects:
    uow: UnitOfWork
    content: Content
    speaker: Speaker  # to the project's owner
    person: Person
    now: datetime
    timezone: str  # the program's, hers until she sets one
    wake: Callable[[], None]  # a chart was asked for: the clock's next tick draws it

    async def finished(
        self, run: FlowRun, flow: Flow, state: RunState, before: RunState | None
    ) -> FollowUp | bool:
        """`state` is how the run ended; `before`, how it stood before its last input. A flow to
        start at once, or True when the clock brings what follows (the chart, then Study's
        questions), so that no flow waiting in her queue starts in between."""
        part = part_of(self.content, flow.id)
        if part is None:
            return False
        project, cycle = await self.uow.projects.of_run(run.id)
        if project is None:
            return False
        answers = by_tag(flow, state.answers)
        if state.status != RunStatus.COMPLETED:
            await self._pause(project, cycle, before)
        elif part == "project":
            await self._set_up(project, answers)
        elif cycle is None:
            return False
        elif part == "plan":
            cycle.run_id, cycle.paused = None, None
            await self._doing(project, cycle, answers)
        elif part == "carried_out":
            cycle.run_id, cycle.paused, cycle.study = None, None, answers
            await self.ask_for_chart(project, "study")  # the clock sends it, her prediction, then Study
            return True
        elif part == "study":
            cycle.run_id, cycle.paused = None, None
            cycle.study, cycle.stage = {**cycle.study, **answers}, "act"
            return FollowUp(flow_for(self.content, "act"), cycle, {})
        else:
            cycle.run_id, cycle.paused = None, None
            return await self._act(project, cycle, answers) or False
        return False

    async def ask_for_chart(self, project: Project, purpose: str) -> None:
        """The clock's next tick draws the chart and sends it (never drawn in her turn)."""
        await self.uow.projects.ask_for_chart(project.id, self.person.id, purpose, self.now)
        self.wake()
        await self.speaker.say("pdsa.drawing")

    async def _pause(self, project: Project, cycle: Cycle | None, before: RunState | None) -> None:
        holder: Project | Cycle = project if cycle is None else cycle
        holder.run_id = None
        if before is not None and before.status == RunStatus.ACTIVE:
            holder.paused = before.to_json()
            await self.speaker.say("pdsa.paused")

    async def _set_up(self, project: Project, answers: dict[str, Any]) -> None:
        project.aim = str(answers.get("aim") or "")
        project.measure = str(answers.get("measure") or "")[:200]
        project.unit = str(answers.get("unit") or "")[:40]
        project.frequency = str(answers.get("frequency") or "daily")
        project.higher_is_better = answers.get("higher_is_better") is not False
        lowest, highest = answers.get("min"), answers.get("max")
        if lowest is not None and highest is not None and lowest > highest:
            lowest, highest = highest, lowest  # meant the other way round: a range, either way
        project.lowest, project.highest, project.goal = lowest, highest, answers.get("goal")
        ideas = str(answers.get("change_ideas") or "").splitlines()
        project.change_ideas = [idea.strip(" -•*\t") for idea in ideas if idea.strip(" -•*\t")]
        project.status, project.run_id, project.paused = ProjectStatus.ACTIVE, None, None
        await self.ready(project)

    async def ready(self, project: Project) -> None:
        """A project set up: a baseline first, then the first cycle's plan."""
        self.person.project_id = project.id
        button = [
            [(self.speaker.label("pdsa.button.plan", number=1), OnOwnProject("plan", project.id).encode())]
        ]
        await self.speaker.say("pdsa.ready", button, measure=project.measure)

    async def _doing(self, project: Project, cycle: Cycle, answers: dict[str, Any]) -> None:
        days = answers.get("days")
        cycle.plan, cycle.stage, cycle.started_at = answers, "do", self.now
        cycle.study_at = None
        if isinstance(days, int | float):
            zone = ZoneInfo(self.person.timezone or self.timezone)
            due = (self.now + timedelta(days=int(days))).astimezone(zone)
            quiet = self.content.schedules.quiet_hours
            cycle.study_at = outside_quiet_hours(due, self.person.quiet_start, self.person.quiet_end, quiet)
        cycle.next_prompt_at = prompt_time(self.content, project, self.person, self.now, self.timezone)
        await self.speaker.say("pdsa.doing", number=cycle.number, measure=project.measure, days=days or "?")

    async def _act(self, project: Project, cycle: Cycle, answers: dict[str, Any]) -> FollowUp | None:
        cycle.act, cycle.stage, cycle.finished_at = answers, "done", self.now
        decision = str(answers.get("decision") or "adapt")
        carried = {tag: cycle.plan.get(tag) for tag in CARRIED.get(decision, ())}
        if decision == "adopt":
            carried["change"] = answers.get("next")
        following = await self.uow.projects.add_cycle(project, self.now, carried)
        if decision == "abandon":
            await self.offer_ideas(project, following)
            return None
        plan = flow_for(self.content, "plan")
        return FollowUp(plan, following, as_prefill(plan, carried))

    async def offer_ideas(self, project: Project, cycle: Cycle) -> None:
        """After abandoning a change: her other change ideas as buttons, or one of her own."""
        tried = {str(earlier.plan.get("change")) for earlier in await self.uow.projects.cycles([project.id])}
        rows = [
            [(idea[:60], Idea(cycle.id, index).encode())]
            for index, idea in enumerate(project.change_ideas)
            if idea not in tried
        ][:8]
        rows.append([(self.speaker.label("pdsa.button.own_idea"), OwnIdea(cycle.id).encode())])
        await self.speaker.say("pdsa.pick_idea", rows, number=cycle.number)
