"""The walk that keeps the disclosure promise (issue 21): after a test has run the real bot
through the fake, every message it queued is read back, and one that carries a person's name or
her words (an answer, a circle contribution, a note) to anyone but herself must say so: its
disclosure kind, and her among the people it is about. Every test through `running` or
`webhooked` walks its feature this way, so a new message about someone that forgets its kind
fails the test that first sends it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from store.database import Database
from store.models import Answer, Contribution, Note, OutboxMessage, Person

LONG_ENOUGH = 12  # shorter answers ("yes", "4", a date) say nothing of her by themselves


def _texts(payload: dict[str, Any]) -> str:
    """What a message shows: its text or caption, and its buttons' labels."""
    params = payload.get("params", {})
    shown = [str(params.get("text", "")), str(params.get("caption", ""))]
    for row in params.get("reply_markup", {}).get("inline_keyboard", []):
        shown += [str(button.get("text", "")) for button in row]
    return "\n".join(shown)


async def undisclosed(store: Database) -> list[str]:
    """Each message that carries someone's name or words to someone else without saying so."""
    async with store.unit_of_work() as uow:
        people = list((await uow.session.execute(select(Person.id, Person.name, Person.telegram_id))).all())
        said: dict[int, set[str]] = {person_id: set() for person_id, _, _ in people}
        for person_id, value in await uow.session.execute(select(Answer.person_id, Answer.value)):
            if isinstance(value, str) and len(value) >= LONG_ENOUGH:
                said[person_id].add(value)
        for query in (select(Contribution.person_id, Contribution.text), select(Note.author_id, Note.text)):
            for person_id, text in await uow.session.execute(query):
                if person_id is not None and text and len(text) >= LONG_ENOUGH:
                    said[person_id].add(text)
        rows = list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    found = []
    by_chat = {telegram_id: person_id for person_id, _, telegram_id in people}
    for row in rows:
        shown = _texts(row.payload)
        own = said.get(by_chat.get(row.chat_id, 0), set())  # the same words typed by her are hers
        for person_id, name, telegram_id in people:
            if row.chat_id == telegram_id or not name:
                continue  # to herself, or someone erased (issue 23: no name, no words left)
            theirs = set().union(*(said.get(about, set()) for about in row.about_people or ()))
            carried = bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", shown)) or any(
                words in shown
                for words in said[person_id] - own - theirs  # (tests reuse words)
            )
            if carried and (row.disclosure is None or person_id not in (row.about_people or [])):
                found.append(f"{name}'s data to chat {row.chat_id} without its kind: {shown[:120]!r}")
    return found
