"""/summary: a supervisor's weekly summary of her own team, now. It is prepared by the clock's
next tick, so the chart is drawn off the reply's path."""

from __future__ import annotations

from flows.content import Content
from services.core.registry import Command, Feature, menu_line, roles
from services.core.turn import Turn
from services.schedules.timekeeper import ask_for_summary
from services.summaries.summaries import CHECKIN_SCORES


async def summary(turn: Turn) -> None:
    person = turn.me
    if await turn.uow.teams.supervised_by(person.id) is None:
        return await turn.say("weekly.no_team")
    await ask_for_summary(turn.uow, person, turn.now)
    turn.wake()
    await turn.say("weekly.preparing")


def feature(content: Content) -> Feature:
    return Feature(
        "summaries",
        commands=(Command("summary", roles("supervisor"), summary, menu_line("command.summary"), place=30),),
        disclosures=(CHECKIN_SCORES,),
    )
