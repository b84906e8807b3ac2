"""Content flows in her private chat (the reflection, the self-check, the check-ins and any flow
content authors add with a command): starting one, /back, /skip and /cancel, the answer buttons,
and "go back or close it" when another flow's command comes mid-flow. Flows for different roles
may share a command (/checkin: a home visitor's check-in, a supervisor's own): it starts the one
for her most senior role (`flows.spec.ROLES` order: supervisor before facilitator before home
visitor)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from flows.content import Content
from flows.run import ButtonInput, CommandInput
from flows.spec import ROLES, Flow
from services.core.buttons import Button
from services.core.conversation import FlowAnswer, own_active_run
from services.core.registry import ANYONE, ButtonKind, Command, Feature, Rule, menu_line, roles
from services.core.turn import Turn
from store.models import FlowRun

HER_RUN = Rule("her own run", relation=own_active_run)


@dataclass(frozen=True)
class GoBack(Button):
    prefix = "bk"
    run: int


@dataclass(frozen=True)
class CloseAndStart(Button):
    prefix = "sw"
    run: int
    command: str  # the flow she asked for


def for_her(flows: Sequence[Flow], roles: frozenset[str]) -> Flow | None:
    """Of the flows a command starts, the one for her most senior role; None: none is hers."""
    for role in ROLES:
        if role in roles:
            found = next((flow for flow in flows if role in flow.for_roles), None)
            if found is not None:
                return found
    return None


def _title(flows: Sequence[Flow], turn: Turn) -> str:
    """A command's line in her menu: the title of the flow it starts for her."""
    flow = for_her(flows, turn.person.role_names if turn.person else frozenset()) or flows[0]
    return turn.catalog.pick(flow.title, turn.lang)


async def start_flow(flows: Sequence[Flow], turn: Turn) -> None:
    """Her flow's command: it starts, unless she is in another (then she chooses)."""
    flow = for_her(flows, turn.me.role_names)
    assert flow is not None, "the command's rule admits only the roles of its flows"
    run = await turn.uow.runs.active_for(turn.me.id)
    if run is None:
        await turn.conversation().start(flow)
        return
    current = turn.content.flows.get(run.flow_id)
    title = turn.catalog.pick(current.title, turn.lang) if current else run.flow_id
    assert flow.command is not None
    buttons = [
        [(turn.label("button.go_back"), GoBack(run.id).encode())],
        [(turn.label("button.close_and_start"), CloseAndStart(run.id, flow.command).encode())],
    ]
    await turn.say("switch.ask", buttons, current=title, next=turn.catalog.pick(flow.title, turn.lang))


async def flow_command(name: str, turn: Turn) -> None:
    """/back, /skip and /cancel move the flow she is in."""
    run = await turn.uow.runs.active_for(turn.me.id)
    if run is None:
        return await turn.say("chat.nothing_active")
    await turn.conversation().advance(run, CommandInput(name))  # type: ignore[arg-type]


async def answer(turn: Turn, data: FlowAnswer) -> None:
    run = await turn.uow.runs.get(data.run)
    flow = None if run is None else turn.content.flows.get(run.flow_id)
    if run is None or flow is None or data.step >= len(flow.steps):
        return await turn.say("button.expired")
    await turn.conversation().advance(run, ButtonInput(flow.steps[data.step].id, data.value))


async def go_back(turn: Turn, data: GoBack) -> None:
    await turn.conversation().repeat_question(await turn.uow.runs.get(data.run))


async def close_and_start(turn: Turn, data: CloseAndStart) -> None:
    run: FlowRun | None = await turn.uow.runs.get(data.run)
    flows = [f for f in turn.content.flows.values() if f.command == data.command]
    flow = for_her(flows, turn.me.role_names)
    if run is None or flow is None:
        return await turn.say("button.expired")
    conversation = turn.conversation(then_waiting=False)  # she chose what comes next; what waits waits
    await conversation.advance(run, CommandInput("cancel"))
    await conversation.start(flow)


def feature(content: Content) -> Feature:
    by_command: dict[str, list[Flow]] = {}
    for flow in content.flows.values():
        if flow.command:
            by_command.setdefault(flow.command, []).append(flow)
    starts = tuple(
        Command(
            command,
            roles(*sorted({role for flow in flows for role in flow.for_roles})),
            partial(start_flow, flows),
            partial(_title, flows),
            place=10,
            repeats_question=False,
        )
        for command, flows in by_command.items()
    )
    moves = tuple(
        Command(
            name,
            ANYONE,
            partial(flow_command, name),
            menu_line("command.cancel") if name == "cancel" else None,
            place=43,
            repeats_question=False,
        )
        for name in ("cancel", "back", "skip")
    )
    return Feature(
        "content flows",
        commands=starts + moves,
        buttons=(
            ButtonKind(FlowAnswer, HER_RUN, answer),
            ButtonKind(GoBack, HER_RUN, go_back),
            ButtonKind(CloseAndStart, HER_RUN, close_and_start),
        ),
    )
