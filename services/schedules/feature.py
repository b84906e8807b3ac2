"""Scheduled flows (check-ins), their reminders and "Remind me later"; the clock's work for
them is services.schedules.timekeeper."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flows.content import Content
from services.core.registry import ANYONE, ButtonKind, Command, Feature
from services.core.turn import Turn
from services.schedules.timekeeper import ScheduleClock, Snooze, snooze


async def put_off(turn: Turn, data: Snooze | None = None) -> None:
    """/snooze, or a nudge's button: the nudge for her current scheduled conversation comes later."""
    person = turn.me
    when = await snooze(turn.uow, person, turn.now)
    if when is None:
        return await turn.say("snooze.nothing")
    local = when.astimezone(ZoneInfo(person.timezone or turn.timezone))
    await turn.say("snooze.set", time=f"{local:%H:%M}")


def feature(content: Content) -> Feature:
    return Feature(
        "schedules",
        commands=(Command("snooze", ANYONE, put_off),),
        buttons=(ButtonKind(Snooze, ANYONE, put_off),),
        clock=ScheduleClock,
    )
