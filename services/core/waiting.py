"""Her queue (DESIGN.md rule 8): what another feature wants to ask her while she is in a
conversation waits here, she is told, and it is asked when she is free; a question whose moment
passes first lapses, and she is told that too. Scheduled flows wait as occurrences (the clock's
rows) and are started by `Conversation.start_waiting`, which asks what waits here first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.core import prompts
from services.core.prompts import Prompt
from services.core.speaker import Speaker
from store.models import Person
from store.uow import UnitOfWork


async def is_free(uow: UnitOfWork, person: Person, now: datetime) -> bool:
    """No flow run going and no prompt open: her next words belong to no one."""
    return prompts.current(person, now) is None and await uow.runs.active_for(person.id) is None


async def ask_or_queue(
    uow: UnitOfWork,
    speaker: Speaker,
    person: Person,
    prompt: Prompt,
    text: str,
    now: datetime,
    *,
    tag: str,
    waiting_key: str,
    **fields: object,
) -> bool:
    """Ask now if she is free (True), else queue it behind her conversation and tell her
    (`waiting_key`, with `fields`). It lapses with `tag` (see `lapse`)."""
    if await is_free(uow, person, now):
        prompts.open_prompt(person, prompt, now)
        await speaker.send(text)
        return True
    await uow.waiting.add(person.id, prompts.dump(prompt, now), text, tag, now)
    await speaker.say(waiting_key, (), **fields)
    return False


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
    tag: str,
    people: list[Person],
    speaker_for: Callable[[Person], Speaker],
    still_open: Callable[[Prompt], bool],
    lapsed_key: str,
    now: datetime,
) -> None:
    """The moment `tag` was for has passed: what waits for it is removed, and each of `people`
    whose open prompt `still_open` says is for it has it closed; each is told once."""
    told: set[int] = set()
    for row in await uow.waiting.lapse(tag):
        told.add(row.person_id)
    for person in people:
        prompt = prompts.current(person, now)
        if prompt is not None and still_open(prompt):
            prompts.close(person)
            told.add(person.id)
    for person in people:
        if person.id in told:
            await speaker_for(person).say(lapsed_key)
