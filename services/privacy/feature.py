"""Her data is hers (issue 23). /mydata: anyone who joined asks for everything circlebot holds
about her, and only about her (the command takes no one else); the reply only records the
request and says it is being prepared, and the clock builds and sends the documents
(`clock.py`); a second /mydata while one is pending makes no second. /forget: a clear
confirmation (what is erased, what cannot be), then her data is erased
(services/privacy/erasure.py) and she is told, last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.content import Content
from services.core.buttons import Button
from services.core.registry import ANYONE, ButtonKind, Command, Feature, menu_line
from services.core.turn import Turn
from services.privacy.clock import ExportClock
from services.privacy.erasure import forget


@dataclass(frozen=True)
class Forget(Button):
    """Her answer to the confirmation: her own data only, so anyone who joined may press it."""

    prefix = "fg"
    choice: Literal["erase", "keep"]


async def my_data(turn: Turn) -> None:
    if not await turn.uow.exports.ask(turn.me.id, turn.now):
        return await turn.say("mydata.already")
    turn.wake()
    await turn.say("mydata.preparing")


async def ask(turn: Turn) -> None:
    buttons = [
        [
            (turn.label("forget.button.erase"), Forget("erase").encode()),
            (turn.label("forget.button.keep"), Forget("keep").encode()),
        ]
    ]
    await turn.say("forget.confirm", buttons)


async def answer(turn: Turn, data: Forget) -> None:
    if data.choice == "keep":
        return await turn.say("forget.kept")
    await forget(turn.uow, turn.out, turn.catalog, turn.me.id, turn.now)
    turn.erased = True  # the door settles the store's files after the commit


def feature(content: Content) -> Feature:
    return Feature(
        "privacy",
        commands=(
            Command("forget", ANYONE, ask, menu_line("command.forget"), place=42, repeats_question=False),
            Command("mydata", ANYONE, my_data, menu_line("command.mydata"), place=43),
        ),
        buttons=(ButtonKind(Forget, ANYONE, answer),),
        clock=ExportClock,
    )
