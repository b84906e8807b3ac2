"""/forget: a clear confirmation (what is erased, what cannot be), then her data is erased
(services/privacy/erasure.py) and she is told, last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.content import Content
from services.core.buttons import Button
from services.core.registry import ANYONE, ButtonKind, Command, Feature, menu_line
from services.core.turn import Turn
from services.privacy.erasure import forget


@dataclass(frozen=True)
class Forget(Button):
    """Her answer to the confirmation: her own data only, so anyone who joined may press it."""

    prefix = "fg"
    choice: Literal["erase", "keep"]


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
        ),
        buttons=(ButtonKind(Forget, ANYONE, answer),),
    )
