"""Saying things to one person in her chat, in her language, through this unit of work's outbox:
what every conversation in the private chat needs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flows.i18n import Catalog
from services.core.disclosures import About, Kind, check, disclosed
from services.core.outgoing import ButtonRows, Outbox

if TYPE_CHECKING:
    from store.models import Person


@dataclass(frozen=True)
class Speaker:
    out: Outbox
    catalog: Catalog
    lang: str
    chat_id: int
    person_id: int | None  # so that a 403 on her messages marks her unreachable
    about: About | None = None  # what this speaker's messages carry of someone else (disclosures)

    @classmethod
    def to(cls, out: Outbox, catalog: Catalog, person: Person) -> Speaker:
        """To her private chat, in her language (the program's until she has chosen one)."""
        return cls(out, catalog, person.language or catalog.default, person.telegram_id, person.id)

    def disclosing(self, kind: Kind, *people: int) -> Speaker:
        """This speaker, for messages that carry these people's data as `kind` (itself when there
        is no one: nothing of anyone is carried)."""
        return replace(self, about=disclosed(kind, people) or self.about)

    def label(self, key: str, **fields: object) -> str:
        check(key, self.about)
        return self.catalog.say(self.lang, key, **fields)

    async def say(self, key: str, buttons: ButtonRows = (), **fields: object) -> None:
        await self.send(self.catalog.lay_out(self.lang, self.label(key, **fields)), buttons)

    async def send(self, text: str, buttons: ButtonRows = ()) -> None:
        await self.out.send(self.chat_id, text, buttons, self.person_id, about=self.about)
