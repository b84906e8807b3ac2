"""A checklist as the flow its observer answers (issue 25): each item a step, a note after the
items that ask for one, then the feedback in the order she will read it: strengths first, one
area to grow, the next step and its date.

Being a flow, an observation gets what every flow has, with no code of its own: one question at
a time with buttons, /back and /skip, bounded answers, every answer committed before the next
question, a summary to check before it goes, stopping and going on later, the terminal
simulator and golden transcripts replayed by `circlebot validate`. Pure: the words come from
the checklist and the catalogue, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from flows.checklist import SEEN, Checklist, CountAnswer, Item, ScaleItemAnswer
from flows.i18n import OBSERVE_SEEN, Catalog
from flows.spec import (
    Answer,
    Choice,
    ChoiceAnswer,
    DateAnswer,
    Flow,
    NumberAnswer,
    Rule,
    ScaleAnswer,
    Step,
    Text,
    TextAnswer,
)

PREFIX = "observe_"  # an observation's flow is `observe_<checklist id>`
STRENGTHS, GROWTH, NEXT_STEP, NEXT_ON = "strengths", "growth", "next_step", "next_on"
FEEDBACK = (STRENGTHS, GROWTH, NEXT_STEP, NEXT_ON)
STOPS_AFTER = timedelta(days=7)  # left this long, it is kept where it stopped, for /observe
NOTE_LENGTH = 1000  # a note or a feedback text: read in a chat, kept short


def flow_id(checklist_id: str) -> str:
    return PREFIX + checklist_id


def note_id(item: Item) -> str:
    return f"{item.id}_note"


def as_flow(checklist: Checklist, catalog: Catalog) -> Flow:
    """The flow of `checklist`; every text in each enabled language (the checklist's words, else
    the default language's, and the catalogue's)."""
    langs = catalog.languages.enabled
    items = list(checklist.items())

    def words(key: str, **fields: Any) -> Text:
        return {lang: catalog.say(lang, key, **fields) for lang in langs}

    def each(make: Any) -> Text:
        return {lang: make(lang) for lang in langs}

    steps: list[Step] = []
    for number, (section, item) in enumerate(items, 1):
        following = note_id(item) if item.note == "required" else _after(items, number)

        def ask(lang: str, section: Any = section, item: Item = item, number: int = number) -> str:
            return catalog.say(
                lang,
                "observe.item",
                section=catalog.pick(section.title, lang),
                number=number,
                total=len(items),
                text=catalog.pick(item.text, lang),
                guidance=catalog.pick(item.guidance, lang),
            )

        rules = []
        if item.note_below is not None:  # a level at or above it goes on; below, the note
            rules = [Rule(when=f"{item.id} >= {item.note_below}", goto=_after(items, number))]
        elif item.note is None:
            rules = [Rule(goto=following)]
        steps.append(
            Step(id=item.id, ask=each(ask), label=item.text, answer=_answer(item, words), next=rules)
        )
        if item.note is not None or item.note_below is not None:
            steps.append(
                Step(
                    id=note_id(item),
                    ask=words("observe.note"),
                    label=words("observe.note_label"),
                    answer=TextAnswer(type="text", min_length=2, max_length=NOTE_LENGTH),
                    optional=item.note == "optional",
                )
            )
    text = TextAnswer(type="text", min_length=3, max_length=NOTE_LENGTH)
    steps += [
        Step(
            id=STRENGTHS, ask=words("observe.strengths"), label=words("observe.strengths_label"), answer=text
        ),
        Step(id=GROWTH, ask=words("observe.growth"), label=words("observe.growth_label"), answer=text),
        Step(
            id=NEXT_STEP, ask=words("observe.next_step"), label=words("observe.next_step_label"), answer=text
        ),
        Step(
            id=NEXT_ON,
            ask=words("observe.next_on"),
            label=words("observe.next_on_label"),
            answer=DateAnswer(type="date", allow_future=True, max_days_ago=0),
        ),
    ]
    return Flow(
        id=flow_id(checklist.id),
        title=checklist.title,
        description=words("observe.description"),
        for_roles=checklist.observer_roles,
        expires_after=STOPS_AFTER,
        steps=steps,
    )


def _after(items: list[tuple[Any, Item]], number: int) -> str:
    """The step after item `number` (counted from 1) and its note: the next item, or strengths."""
    return items[number][1].id if number < len(items) else STRENGTHS


def _answer(item: Item, words: Any) -> Answer:
    answer = item.answer
    if isinstance(answer, ScaleItemAnswer):
        return ScaleAnswer(type="scale", min=answer.min, max=answer.max, labels=answer.levels)
    if isinstance(answer, CountAnswer):
        return NumberAnswer(type="number", min=answer.min, max=answer.max, integer=True)
    return ChoiceAnswer(
        type="choice", choices=[Choice(id=seen, label=words(OBSERVE_SEEN.key(seen))) for seen in SEEN]
    )


def scores(checklist: Checklist, answers: dict[str, Any]) -> dict[str, Any]:
    """Each item's answer, by item id (a level, yes / no / not_seen, a count)."""
    return {item.id: answers[item.id] for _, item in checklist.items() if answers.get(item.id) is not None}


def notes(checklist: Checklist, answers: dict[str, Any]) -> dict[str, str]:
    return {
        item.id: str(answers[note_id(item)])
        for _, item in checklist.items()
        if answers.get(note_id(item)) is not None
    }


def strengths(answers: dict[str, Any]) -> list[str]:
    """The strengths, one per line as she wrote them."""
    return [line.strip() for line in str(answers.get(STRENGTHS) or "").splitlines() if line.strip()]


def next_on(answers: dict[str, Any]) -> date | None:
    given = answers.get(NEXT_ON)
    return None if given is None else date.fromisoformat(str(given))


def observed_flows(checklists: Iterable[Checklist], catalog: Catalog) -> Iterator[Flow]:
    for checklist in checklists:
        yield as_flow(checklist, catalog)
