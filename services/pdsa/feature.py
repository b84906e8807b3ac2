"""/pdsa, /log and /note: improvement projects (Plan-Do-Study-Act), their buttons and prompts,
and (services.pdsa.clock) their data prompts, study times and run charts."""

from __future__ import annotations

from flows.bounds import read_number
from flows.content import Content
from flows.run import RunState
from flows.spec import Flow
from services.core.conversation import Conversation
from services.core.prompts import Prompt
from services.core.registry import Answers, ButtonKind, Command, Feature, Rule, menu_line, roles
from services.core.turn import Turn
from services.pdsa import buttons as b
from services.pdsa.clock import PdsaClock
from services.pdsa.dialog import LEADS, PDSA_ROLES, PdsaDialog
from services.pdsa.disclosed import PDSA_COMMENT, SHARED_PROJECT, TEAM_POINTS
from services.pdsa.notes import AskComment, AskNote, Notes
from services.pdsa.points import AskValue, DataPoints
from services.pdsa.projects import FollowUp, Projects
from store.models import FlowRun, Project

IMPROVER = roles(*PDSA_ROLES)
LEAD = roles(*LEADS)
OPEN_TO_HER = Rule("a project open to her (hers or her team's)", IMPROVER.roles, b.is_open)
HER_PROJECT = Rule("her own project", IMPROVER.roles, b.is_own)
HER_CYCLE = Rule("a cycle of her own project", IMPROVER.roles, b.own_cycle)
HER_POINT = Rule("a point she logged, of a project open to her", IMPROVER.roles, b.own_point)
SUPERVISES_OWNER = Rule("the supervisor of a shared project's owner", roles("supervisor").roles, b.supervises)


async def _project(turn: Turn, project_id: int) -> Project:
    project = await b.open_project(turn, project_id)
    assert project is not None  # the rule found it
    return project


def _command(name: str, about: str, place: int) -> Command:
    async def run(turn: Turn) -> None:
        argument = turn.incoming.argument
        if name == "pdsa":
            return await PdsaDialog.of(turn).command(argument)
        if name == "log":
            return await DataPoints.of(turn).log(argument)
        await Notes.of(turn).note(argument)

    return Command(name, IMPROVER, run, menu_line(about), place=place)


async def run_ended(
    conversation: Conversation, run: FlowRun, flow: Flow, state: RunState, before: RunState | None
) -> bool:
    """A PDSA flow's answers become its project or cycle; whether the change was carried out
    asks for the chart (the clock then starts Study), Study goes on to Act, Act to the next plan
    at once (True: her next conversation is PDSA's)."""
    c = conversation
    follow = await Projects(c.uow, c.content, c.speaker, c.person, c.now, c.timezone, c.wake).finished(
        run, flow, state, before
    )
    if not isinstance(follow, FollowUp):
        return follow
    follow.cycle.run_id = (await c.start(follow.flow, follow.prefill)).id
    return True


async def receive_value(turn: Turn, prompt: AskValue) -> None:
    await DataPoints.of(turn).receive(prompt, turn.incoming.text or "")


async def receive_note(turn: Turn, prompt: AskNote) -> None:
    await Notes.of(turn).receive_note(prompt, turn.incoming.text or "")


async def receive_comment(turn: Turn, prompt: AskComment) -> None:
    await Notes.of(turn).receive_comment(prompt, turn.incoming.text or "")


async def cancelled(turn: Turn, prompt: Prompt) -> None:
    await turn.say("pdsa.cancelled")


async def new(turn: Turn, data: b.NewProject) -> None:
    await PdsaDialog.of(turn).new()


async def from_template(turn: Turn, data: b.FromTemplate) -> None:
    await PdsaDialog.of(turn).from_template(data.template)


async def own(turn: Turn, data: b.OwnProject) -> None:
    await PdsaDialog.of(turn).set_up(team=False)


async def team(turn: Turn, data: b.TeamProject) -> None:
    await PdsaDialog.of(turn).set_up(team=True)


async def on_project(turn: Turn, data: b.OnProject | b.OnOwnProject) -> None:
    await PdsaDialog.of(turn).on_project(data.action, await _project(turn, data.project))


async def idea(turn: Turn, data: b.Idea) -> None:
    await PdsaDialog.of(turn).idea(data.cycle, data.index)


async def own_idea(turn: Turn, data: b.OwnIdea) -> None:
    await PdsaDialog.of(turn).idea(data.cycle, None)


async def replace(turn: Turn, data: b.Replace) -> None:
    await DataPoints.of(turn).replace(data.point, _carried(data.value))


def _carried(written: str) -> float | None:
    """The value a button carries, read like a typed one; None when it is not a number within
    bounds (the bot never writes one: the button was forged)."""
    value = read_number(written)
    return value if isinstance(value, float) else None


async def keep_first(turn: Turn, data: b.KeepFirst) -> None:
    await DataPoints.of(turn).keep_first()


async def another_visit(turn: Turn, data: b.AnotherVisit) -> None:
    await DataPoints.of(turn).another_visit(
        await _project(turn, data.project), data.day, _carried(data.value)
    )


async def prompted(turn: Turn, data: b.PromptedValue | b.AskValue) -> None:
    value = data.value if isinstance(data, b.PromptedValue) else None
    await DataPoints.of(turn).prompted(await _project(turn, data.project), data.day, value)


async def comment(turn: Turn, data: b.Comment) -> None:
    found = await b.supervised(turn.uow, turn.me, data.project)
    assert found is not None  # the rule found it
    await Notes.of(turn).start_comment(*found)


async def supervisor_chart(turn: Turn, data: b.SupervisorChart) -> None:
    found = await b.supervised(turn.uow, turn.me, data.project)
    assert found is not None  # the rule found it
    await PdsaDialog.of(turn).supervisor_chart(found[0])


def feature(content: Content) -> Feature:
    if content.pdsa is None:
        return Feature("pdsa")
    return Feature(
        "pdsa",
        commands=(
            _command("pdsa", "command.pdsa", 20),
            _command("log", "command.log", 21),
            _command("note", "command.note", 22),
        ),
        buttons=(
            ButtonKind(b.NewProject, IMPROVER, new),
            ButtonKind(b.FromTemplate, IMPROVER, from_template),
            ButtonKind(b.OwnProject, IMPROVER, own),
            ButtonKind(b.TeamProject, LEAD, team),
            ButtonKind(b.OnProject, OPEN_TO_HER, on_project),
            ButtonKind(b.OnOwnProject, HER_PROJECT, on_project),
            ButtonKind(b.Idea, HER_CYCLE, idea),
            ButtonKind(b.OwnIdea, HER_CYCLE, own_idea),
            ButtonKind(b.Replace, HER_POINT, replace),
            ButtonKind(b.KeepFirst, IMPROVER, keep_first),
            ButtonKind(b.AnotherVisit, OPEN_TO_HER, another_visit),
            ButtonKind(b.PromptedValue, OPEN_TO_HER, prompted),
            ButtonKind(b.AskValue, OPEN_TO_HER, prompted),
            ButtonKind(b.Comment, SUPERVISES_OWNER, comment),
            ButtonKind(b.SupervisorChart, SUPERVISES_OWNER, supervisor_chart),
        ),
        clock=PdsaClock,
        disclosures=(SHARED_PROJECT, PDSA_COMMENT, TEAM_POINTS),
        run_ended=run_ended,
        answers=(
            Answers(AskValue, receive_value, cancel=cancelled),
            Answers(AskNote, receive_note, cancel=cancelled),
            Answers(AskComment, receive_comment, cancel=cancelled),
        ),
    )
