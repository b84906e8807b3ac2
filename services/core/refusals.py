"""Refusals in a group, kept few: a group takes 20 posts a minute, and a refusal is a command
anyone there can send, so every "that is not for you" goes through here, and only from here
may a refusal reach the group.

- A pressed button is always answered over the button: that posts nothing.
- Someone in circlebot whom the bot can reach is answered privately, at most once per
  `PERSON_QUIET` per group.
- Anyone else (a stranger, an anonymous admin, someone who blocked the bot) is answered in the
  group, at most once per `PERSON_QUIET` for her and once per `GROUP_QUIET` for the group,
  whoever asks: a flood of strangers gets one answer.

The hushes are in the store (`hushes`), so they hold across restarts and processes."""

from __future__ import annotations

from datetime import timedelta

from services.core.speaker import Speaker
from services.core.turn import Turn

PERSON_QUIET = timedelta(minutes=5)  # one refusal per person per group in this time
GROUP_QUIET = timedelta(minutes=1)  # one refusal posted in a group in this time, whoever asked


async def refuse(turn: Turn, group_lang: str, key: str, **fields: object) -> None:
    """Say `key` to whoever sent this group update, as little as that costs the group: over
    the button, else privately, else in the group (in `group_lang`), each within its hushes."""
    incoming, catalog, now = turn.incoming, turn.catalog, turn.now
    if incoming.callback_id is not None:
        text = catalog.say(group_lang, key, **fields)
        return await turn.out.answer_button(incoming.chat_id, incoming.callback_id, text)
    hushes, person = turn.uow.hushes, turn.person
    her = f"person:{incoming.chat_id}:{incoming.sender.telegram_id}"
    if person is not None and not person.unreachable:
        if await hushes.claim(her, now, now + PERSON_QUIET):
            await Speaker.to(turn.out, catalog, person).say(key, (), **fields)
        return
    if await hushes.hushed(her, now):
        return
    if not await hushes.claim(f"group:{incoming.chat_id}", now, now + GROUP_QUIET):
        return
    await hushes.claim(her, now, now + PERSON_QUIET)
    text = catalog.lay_out(group_lang, catalog.say(group_lang, key, **fields))
    await turn.out.send(incoming.chat_id, text)
