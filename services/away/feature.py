"""/away: every scheduled message pauses until the day she is back, or until she says so."""

from __future__ import annotations

from flows.content import Content
from services.away.dialog import AskBack, AwayChoice, AwayDialog
from services.core.prompts import Prompt
from services.core.registry import ANYONE, Answers, ButtonKind, Command, Feature, menu_line
from services.core.turn import Turn


def dialog(turn: Turn) -> AwayDialog:
    return AwayDialog(turn.speaker(), turn.me, turn.now, turn.timezone)


async def start(turn: Turn) -> None:
    await dialog(turn).start(turn.incoming.argument)


async def receive(turn: Turn, prompt: Prompt) -> None:
    await dialog(turn).receive(turn.incoming.text or "")


async def choose(turn: Turn, data: AwayChoice) -> None:
    await dialog(turn).choose(data.choice)


async def kept(turn: Turn, prompt: Prompt) -> None:
    await turn.say("away.kept")


def feature(content: Content) -> Feature:
    return Feature(
        "away",
        commands=(Command("away", ANYONE, start, menu_line("command.away"), place=40),),
        buttons=(ButtonKind(AwayChoice, ANYONE, choose),),
        answers=(Answers(AskBack, receive, cancel=kept),),
    )
