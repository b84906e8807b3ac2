"""/bulletin: a supervisor writes a short bulletin to her own team, sees it as they will, and
sends it now or later."""

from __future__ import annotations

from flows.content import Content
from services.bulletins.dialog import BulletinDialog, Decide, Draft
from services.bulletins.disclosed import BULLETIN_AUTHOR
from services.core.registry import Answers, ButtonKind, Command, Feature, menu_line, roles
from services.core.turn import Turn

SUPERVISOR = "supervisor"


def dialog(turn: Turn) -> BulletinDialog:
    return BulletinDialog(turn.uow, turn.speaker(), turn.me, turn.now, turn.timezone)


async def start(turn: Turn) -> None:
    await dialog(turn).start()


async def receive(turn: Turn, draft: Draft) -> None:
    await dialog(turn).receive(draft, turn.incoming.text, turn.incoming.media)


async def cancelled(turn: Turn, draft: Draft) -> None:
    await turn.say("bulletin.cancelled")


async def decide(turn: Turn, data: Decide) -> None:
    await dialog(turn).press(data.action)


def feature(content: Content) -> Feature:
    return Feature(
        "bulletins",
        commands=(
            Command(
                "bulletin",
                roles(SUPERVISOR),
                start,
                menu_line("command.bulletin"),
                place=32,
                repeats_question=False,
            ),
        ),
        buttons=(ButtonKind(Decide, roles(SUPERVISOR), decide),),
        answers=(Answers(Draft, receive, cancel=cancelled),),
        disclosures=(BULLETIN_AUTHOR,),
    )
