"""Reading the disclosure log (store/disclosure_log.py): `circlebot audit` for the program, and
the part of /mydata that tells her what of hers went to whom. The log records sending, never
reading: Telegram tells a bot nothing about reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.core.errors import Refused
from store.database import Database
from store.disclosure_log import DisclosureEntry
from store.uow import UnitOfWork

TO_GROUP = "a group chat"
TO_PROGRAM = "the program's admins (command line)"
ERASED = "someone whose data was erased"


@dataclass(frozen=True)
class AuditLine:
    when: datetime
    kind: str
    about: str
    to: str
    detail: str


async def recipients(uow: UnitOfWork, entries: Sequence[DisclosureEntry], with_ids: bool) -> list[str]:
    """Whom each entry reached, in words: a person by name, a learning circle by its name, else a
    group chat or the program's admins (an export, an erasure)."""
    people = await uow.people.many({e.recipient_id for e in entries if e.recipient_id is not None})
    circles = {
        chat_id: await uow.circles.by_chat(chat_id)
        for chat_id in {e.chat_id for e in entries if e.recipient_id is None and e.chat_id is not None}
    }

    def to(entry: DisclosureEntry) -> str:
        person = None if entry.recipient_id is None else people.get(entry.recipient_id)
        if person is not None and person.erased_at is not None:
            return f"erased ({person.id})" if with_ids else ERASED
        if person is not None:
            return f"{person.name} ({person.id})" if with_ids else person.name
        circle = None if entry.chat_id is None else circles.get(entry.chat_id)
        if circle is not None:
            return f"the circle {circle.name}" if circle.name else TO_GROUP
        return TO_GROUP if entry.chat_id is not None else TO_PROGRAM

    return [to(entry) for entry in entries]


async def audit(db: Database, person_id: int | None, since: datetime | None) -> list[AuditLine]:
    """The log, oldest first: about or to `person_id` when given, from `since` when given."""
    async with db.unit_of_work() as uow:
        if person_id is not None and await uow.people.get(person_id) is None:
            raise Refused(f"no person with id {person_id}")
        entries = await uow.disclosure_log.entries(person_id, since)
        about = await uow.people.many({e.about_id for e in entries if e.about_id is not None})
        to = await recipients(uow, entries, with_ids=True)

    def whose(entry: DisclosureEntry) -> str:
        person = None if entry.about_id is None else about.get(entry.about_id)
        if person is None or person.erased_at is not None:
            return f"erased ({entry.about_id})" if person else f"({entry.about_id})"
        return f"{person.name} ({person.id})"

    return [
        AuditLine(entry.logged_at, entry.kind, whose(entry), whom, entry.detail or "")
        for entry, whom in zip(entries, to, strict=True)
    ]
