"""/myfeedback: her observations, hers alone: her scores over time, and the latest feedback as it
reached her (with its buttons: reply, reflect, a project from the next step)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from services.core.turn import Turn
from services.observations.feedback import deliver
from services.observations.scores import scores_over_time


async def my_feedback(turn: Turn) -> None:
    observations = await turn.uow.observations.sent_to(turn.me.id)
    zone = ZoneInfo(turn.me.timezone or turn.timezone)
    for text in scores_over_time(turn.content, observations, turn.lang, zone):
        await turn.speaker().send(text)
    if not observations:
        return
    latest = observations[-1]
    observer = None if latest.observer_id is None else await turn.uow.people.get(latest.observer_id)
    if observer is not None:
        await turn.say("observe.my_latest")
        await deliver(turn.content, turn.out, latest, turn.me, observer, turn.timezone)
