"""/mydata (issue 23): anyone who joined asks for everything circlebot holds about her, and
only about her (the command takes no one else). The reply only records the request and says it
is being prepared; the clock builds and sends the documents (`clock.py`). A second /mydata
while one is pending makes no second."""

from __future__ import annotations

from flows.content import Content
from services.core.registry import ANYONE, Command, Feature, menu_line
from services.core.turn import Turn
from services.privacy.clock import ExportClock


async def my_data(turn: Turn) -> None:
    if not await turn.uow.exports.ask(turn.me.id, turn.now):
        return await turn.say("mydata.already")
    turn.wake()
    await turn.say("mydata.preparing")


def feature(content: Content) -> Feature:
    return Feature(
        "privacy",
        commands=(Command("mydata", ANYONE, my_data, menu_line("command.mydata"), place=43),),
        clock=ExportClock,
    )
