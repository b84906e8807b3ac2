"""Walking a person through the PDSA flows by their steps' `pdsa:` tags, so the tests say what
she answers (an aim, a measure, a plan) and not the content's wording, which authors change."""

from __future__ import annotations

from typing import Any

from flows.spec import ChoiceAnswer
from store.database import Database
from tests.services.harness import CONTENT, Client

KEEP = object()  # press "Keep this answer" (an answer carried over, or given before /back)


async def active_step(db: Database, client: Client) -> tuple[str, str] | None:
    """(flow id, step id) of the conversation she is in, or None."""
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(client.telegram_id)
        assert person is not None
        run = await uow.runs.active_for(person.id)
    return None if run is None or run.step_id is None else (run.flow_id, run.step_id)


async def walk(db: Database, client: Client, answers: dict[str, Any], stop_at: str | None = None) -> None:
    """Answer every question of the flow she is in (and of the flows that follow it) from
    `answers` by tag; a tag missing from `answers` fails the test. Stops before `stop_at`."""
    seen: list[tuple[str, str]] = []
    while (where := await active_step(db, client)) is not None:
        flow = CONTENT.flows[where[0]]
        step = flow.step(where[1])
        tag = step.tags.get("pdsa", "")
        if tag == stop_at:
            return
        assert seen.count(where) < 2, f"stuck at {where}: {(await client.new())[-2:]}"
        seen.append(where)
        assert tag in answers, f"no answer for {where} (tag {tag!r})"
        value = answers[tag]
        if value is KEEP:
            await client.press(CONTENT.catalog.say("en", "button.keep"))
        elif value is None:
            await client.send("/skip")
        elif isinstance(step.answer, ChoiceAnswer):
            ids = [choice.id for choice in step.answer.choices]
            await client.send(str(ids.index(value) + 1))
        elif isinstance(value, bool):
            await client.send("yes" if value else "no")
        else:
            await client.send(str(value))


PROJECT: dict[str, Any] = {
    "aim": "By March, 9 in 10 of my families keep their weekly visit.",
    "measure": "Visits kept",
    "unit": "%",
    "frequency": "daily",
    "higher_is_better": True,
    "min": 0,
    "max": 100,
    "goal": 90,
    "change_ideas": "Reminder the day before\nAgree the next time at the end of each visit",
}
PLAN: dict[str, Any] = {
    "change": "Reminder the day before",
    "objective": "See whether a reminder helps families keep the visit.",
    "questions": "Do families read the reminder? Do more visits happen?",
    "prediction": "Most families will keep the visit after a reminder.",
    "plan": "I send a message at 17:00 the day before each visit, this week.",
    "data_plan": "Each evening I log the share of planned visits that happened.",
    "days": 7,
}
STUDY: dict[str, Any] = {
    "observed": "More visits happened than I expected.",
    "learned": "Families like the reminder.",
}
AS_PLANNED: dict[str, Any] = {"carried_out": "as_planned"}  # Study's first question, before the chart
NOT_TRIED: dict[str, Any] = {
    "carried_out": "not_at_all",
    "obstacles": "I was ill that week and did no visits.",
}
