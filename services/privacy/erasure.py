"""Erasure (issue 23, /forget and `circlebot people erase`): her personal data goes wherever it
hides, by the map (store/personal.py); what others need stays without her (a team project's
points as "a former member", counts in past summaries as numbers). She can join again only with
a new invite: her Telegram id is no longer on any row."""

from __future__ import annotations

from datetime import datetime

from flows.i18n import Catalog
from services.circles.disclosed import ATTENDANCE, RATING
from services.core.errors import Refused
from services.core.outgoing import Outbox
from services.core.speaker import Speaker
from services.summaries.summaries import CHECKIN_SCORES
from store.database import Database
from store.disclosure_log import ERASURE
from store.uow import UnitOfWork

# What takes her name's place in a message about others too (a team's summary): no one's name,
# in any language.
FORMER = "—"
# Messages to others that count her (scores, attendance, ratings), not her words: they stay, so
# past summaries and recaps still read as numbers.
COUNTS = frozenset(kind.id for kind in (CHECKIN_SCORES, ATTENDANCE, RATING))
# Who asked, as the disclosure log says it.
BY_HERSELF = "by herself (/forget)"
BY_ADMIN = "by an admin (circlebot people erase)"


async def erase(uow: UnitOfWork, person_id: int, now: datetime, by: str = BY_HERSELF) -> bool:
    """Erase her in this unit of work, and log it (`by`: who asked); False when there is no such
    person or she is erased already. The caller commits, then runs `Database.checkpoint`
    (SQLite's WAL)."""
    person = await uow.people.get(person_id)
    if person is None or person.erased_at is not None:
        return False
    await uow.personal.erase(person, now, FORMER, COUNTS)
    await uow.disclosure_log.record(ERASURE, (person_id,), now, by)
    return True


async def forget(
    uow: UnitOfWork, out: Outbox, catalog: Catalog, person_id: int, now: datetime, by: str = BY_HERSELF
) -> bool:
    """Erase her and tell her it is done, in her private chat: her last message (it names no
    one's row, so nothing after it reaches her)."""
    person = await uow.people.get(person_id)
    if person is None:
        return False
    chat, lang = person.telegram_id, person.language or catalog.default
    if not await erase(uow, person_id, now, by):
        return False
    await Speaker(out, catalog, lang, chat, None).say("forget.done")
    return True


async def to_erase(db: Database, person_id: int) -> str:
    """Her name, for the admin's confirmation; refused when there is no one left to erase."""
    async with db.unit_of_work() as uow:
        person = await uow.people.get(person_id)
    if person is None:
        raise Refused(f"no person with id {person_id}")
    if person.erased_at is not None:
        raise Refused(f"person {person_id} was erased on {person.erased_at:%Y-%m-%d}")
    return person.name


async def erase_for_admin(db: Database, catalog: Catalog, person_id: int, now: datetime) -> None:
    """`circlebot people erase`: as /forget, her last message queued for the running bot; then
    the store's files settle."""
    async with db.unit_of_work() as uow:
        if not await forget(
            uow, Outbox(uow, now, f"erase:{person_id}", interactive=False), catalog, person_id, now, BY_ADMIN
        ):
            raise Refused(f"no person with id {person_id} to erase")
        await uow.commit()
    await db.checkpoint()
