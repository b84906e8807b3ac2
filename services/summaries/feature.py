"""/summary: a supervisor's weekly summary of her own team, now. It is prepared by the clock's
next tick, so the chart is drawn off the reply's path. /mytrend: her own check-ins, given back
(`own_trend.py`), with a button for the chart the clock draws the same way."""

from __future__ import annotations

from flows.content import Content
from flows.weekly import WEEKS, own_trend
from services.core.registry import ButtonKind, Command, Feature, menu_line, roles
from services.core.turn import Turn
from services.schedules.timekeeper import ON_DEMAND_SUMMARY, ON_DEMAND_TREND, ask_for
from services.summaries.own_trend import TrendChart, mine
from services.summaries.summaries import CHECKIN_SCORES, checkin_steps


async def summary(turn: Turn) -> None:
    person = turn.me
    if await turn.uow.teams.supervised_by(person.id) is None:
        return await turn.say("weekly.no_team")
    await ask_for(turn.uow, ON_DEMAND_SUMMARY, person, turn.now)
    turn.wake()
    await turn.say("weekly.preparing")


async def my_trend(turn: Turn) -> None:
    """Her own last weeks, as sparklines, and the chart's button; or that she has none yet."""
    text = own_trend(await mine(turn.uow, turn.content, turn.me, turn.now), turn.now, turn.catalog, turn.lang)
    if text is None:
        return await turn.say("mytrend.none", weeks=WEEKS)
    await turn.speaker().send(text, [[(turn.label("mytrend.button.chart"), TrendChart().encode())]])


async def chart(turn: Turn, data: TrendChart) -> None:
    await ask_for(turn.uow, ON_DEMAND_TREND, turn.me, turn.now)
    turn.wake()
    await turn.say("mytrend.preparing")


def feature(content: Content) -> Feature:
    tagged = checkin_steps(content)  # /mytrend is for whoever a check-in is for
    checking_in = roles(*sorted({role for flow_id in tagged for role in content.flows[flow_id].for_roles}))
    return Feature(
        "summaries",
        commands=(
            Command("summary", roles("supervisor"), summary, menu_line("command.summary"), place=30),
            Command("mytrend", checking_in, my_trend, menu_line("command.mytrend"), place=11),
        ),
        buttons=(ButtonKind(TrendChart, checking_in, chart),),
        disclosures=(CHECKIN_SCORES,),
    )
