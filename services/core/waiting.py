"""Her queue (DESIGN.md rule 8): what another feature wants to ask her while she is in a
conversation waits here, she is told, and it is asked when she is free; a question whose moment
passes first lapses, and she is told that too. Scheduled flows wait as occurrences (the clock's
rows) and are started by `Conversation.start_waiting`, which asks what waits here first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.core import prompts
from services.core.prompts import Prompt
from services.core.speaker import Speaker
from store.models import Person
from store.uow import UnitOfWork


async def is_free(uow: UnitOfWork, person: Person, now: datetime) -> bool:
    """No flow run going and no prompt open: her next words belong to no one."""
    return prompts.current(person, now) is None and await uow.runs.active_for(person.id) is None


@dataclass(frozen=True)
class Ask:
    """One person's question: the prompt her answer will fill, and its words in her language."""

    person: Person
    speaker: Speaker
    prompt: Prompt
    text: str


async def ask_or_queue(
    uow: UnitOfWork, asks: Sequence[Ask], now: datetime, *, tag: str, waiting_key: str, **fields: object
) -> None:
    """Each is asked now if she is free, else it is queued behind her conversation and she is
    told (`waiting_key`, with `fields`); what waits lapses with `tag` (see `lapse`). One query
    finds who of them is in a flow run."""
    if not asks:
        return
    running = await uow.runs.busy_with(ask.person.id for ask in asks)
    for ask in asks:
        if ask.person.id not in running and prompts.current(ask.person, now) is None:
            prompts.open_prompt(ask.person, ask.prompt, now)
            await ask.speaker.send(ask.text)
        else:
            await uow.waiting.add(ask.person.id, prompts.dump(ask.prompt, now), ask.text, tag, now)
            await ask.speaker.say(waiting_key, (), **fields)


async def ask_next(uow: UnitOfWork, speaker: Speaker, person: Person, now: datetime) -> bool:
    """She is free: the question that waited longest is asked now (True), if there is one."""
    row = await uow.waiting.first_for(person.id)
    if row is None:
        return False
    await uow.waiting.remove(row)
    prompt = prompts.load(row.prompt)
    if prompt is None:  # a kind this version no longer has
        return await ask_next(uow, speaker, person, now)
    prompts.open_prompt(person, prompt, now)
    await speaker.send(row.text)
    return True


async def lapse(
    uow: UnitOfWork,
    prompt: Prompt,
    tag: str,
    people: list[Person],
    speaker_for: Callable[[Person], Speaker],
    lapsed_key: str,
    now: datetime,
) -> None:
    """The moment `prompt` was for has passed: where it waits (under `tag`) it is removed, and
    each of `people` who has it open has it closed; each is told once."""
    told: set[int] = set()
    for row in await uow.waiting.lapse(tag):
        told.add(row.person_id)
    for person in people:
        if prompts.current(person, now) == prompt:
            prompts.close(person)
            told.add(person.id)
    for person in people:
        if person.id in told:
            await speaker_for(person).say(lapsed_key)
