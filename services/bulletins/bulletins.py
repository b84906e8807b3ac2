"""Bulletins: short key messages to a team, a role or everyone. One transaction writes the
bulletin and one outbox row per recipient, keyed (bulletin, person) so that nothing is queued
twice; the running bot's sender delivers them at Telegram's pace, and the delivery report is a
count of those rows' states."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from flows.bounds import AHEAD, CAPTION_LIMIT, MESSAGE_LIMIT, too_far_ahead
from flows.i18n import Catalog
from flows.spec import CIRCLE_MEMBER, ROLES, circle_only
from services.bulletins.disclosed import BULLETIN_AUTHOR
from services.core.disclosures import disclosed
from services.core.errors import Refused
from services.core.failures import SetAside, each_alone
from store.database import Database
from store.models import Bulletin, Person
from store.statuses import OutboxStatus
from store.uow import UnitOfWork

MARK = "📣"
NOW_LEEWAY = timedelta(minutes=1)


@dataclass(frozen=True)
class Audience:
    """all, role:ROLE or team:NAME."""

    kind: str
    value: str = ""

    @classmethod
    def parse(cls, text: str) -> Audience:
        kind, _, value = text.partition(":")
        if text == "all":
            return cls("all")
        if kind == "role" and value == CIRCLE_MEMBER:
            raise Refused("circle members get no bulletins: they joined a learning circle, not a team")
        if kind == "role" and value in ROLES:
            return cls("role", value)
        if kind == "role":
            raise Refused(f"unknown role {value!r}: choose one of {', '.join(ROLES)}")
        if kind == "team" and value.strip():
            return cls("team", value.strip())
        raise Refused(f"--to must be all, role:ROLE or team:NAME, not {text!r}")

    def __str__(self) -> str:
        return self.kind if self.kind == "all" else f"{self.kind}:{self.value}"


def message_text(text: str, author: str | None) -> str:
    """What each recipient reads: the mark, who sent it (a supervisor's name), then the text."""
    return f"{MARK} {author}\n\n{text}" if author else f"{MARK} {text}"


def overflow(text: str, author: str | None, with_photo: bool) -> tuple[int, int] | None:
    """(length, Telegram's limit) when the message as sent would be longer than a message or a
    photo's caption may be; None when it fits."""
    limit = CAPTION_LIMIT if with_photo else MESSAGE_LIMIT
    length = len(message_text(text, author))
    return (length, limit) if length > limit else None


def check_message(text: str, author: str | None, with_photo: bool) -> None:
    """Refuse what Telegram would: nothing to send, or more than a message or caption holds."""
    if not text.strip() and not with_photo:
        raise Refused("the bulletin is empty: give it some text")
    if over := overflow(text, author, with_photo):
        what = "a photo's caption" if with_photo else "a message"
        raise Refused(
            f"the bulletin is {over[0] - over[1]} characters over Telegram's limit of {over[1]:,} for {what}"
        )


def check_time(send_at: datetime, now: datetime) -> None:
    """A time in the past is refused ("now" taken a moment ago is not the past), and so is one
    more than a year ahead (flows.bounds)."""
    if send_at < now - NOW_LEEWAY:
        raise Refused(f"{send_at:%Y-%m-%d %H:%M %Z} is in the past")
    if too_far_ahead(send_at, now):
        raise Refused(
            f"{send_at:%Y-%m-%d %H:%M %Z} is more than a year ahead: give one within {AHEAD.days} days"
        )


async def recipients(uow: UnitOfWork, audience: Audience, author: Person | None = None) -> list[Person]:
    """Everyone the audience names who has joined and not been deactivated, but its author; never
    someone who is only a circle's member (she joined a circle, not the program), nor someone away
    "until I say so" (/away: she asked for no message she did not ask for, a bulletin sent now too)."""
    team_id = None
    if audience.kind == "team":
        team = await uow.teams.get_by_name(audience.value)
        if team is None:
            raise Refused(f"no team called {audience.value!r}")
        team_id = team.id
    people = await uow.people.all(team_id, audience.value if audience.kind == "role" else None)
    return [
        person
        for person in people
        if not person.deactivated
        and person.consented_at is not None
        and not circle_only(person.role_names)
        and not person.away_open
        and (author is None or person.id != author.id)
    ]


def _payload(bulletin: Bulletin, chat_id: int, author: str | None, file_id: str | None) -> dict[str, Any]:
    text = message_text(bulletin.text, author)
    if bulletin.photo_id is None:
        return {"method": "sendMessage", "params": {"chat_id": chat_id, "text": text}}
    params: dict[str, Any] = {"chat_id": chat_id, "caption": text}
    if file_id is not None:
        params["photo"] = file_id
    return {"method": "sendPhoto", "params": params, "photo_of": bulletin.photo_id}


async def create(
    uow: UnitOfWork,
    audience: Audience,
    text: str,
    send_at: datetime,
    now: datetime,
    *,
    author: Person | None = None,
    photo: bytes | None = None,
    photo_file_id: str | None = None,
) -> tuple[Bulletin, int]:
    """Write the bulletin and its messages (not committed: the caller's unit of work does);
    returns it and how many people it goes to."""
    name = author.name if author else None
    check_message(text, name, photo is not None or photo_file_id is not None)
    check_time(send_at, now)
    people = await recipients(uow, audience, author)
    if not people:
        raise Refused(f"{audience} has no one to send to yet")
    stored = None
    if photo is not None or photo_file_id is not None:
        stored = await uow.photos.add(now, data=photo, file_id=photo_file_id)
    bulletin = await uow.bulletins.add(
        Bulletin(
            author_id=author.id if author else None,
            audience=str(audience),
            text=text,
            photo_id=None if stored is None else stored.id,
            send_at=send_at,
            created_at=now,
        )
    )
    messages = (
        (
            f"bulletin:{bulletin.id}:{person.id}",
            person.telegram_id,
            person.id,
            _payload(bulletin, person.telegram_id, name, photo_file_id),
        )
        for person in people
    )
    about = disclosed(BULLETIN_AUTHOR, [author.id] if author else [])  # her name, in each message
    await uow.outbox.enqueue_bulk(
        bulletin.id,
        messages,
        send_at,
        now,
        None if about is None else about.kind.id,
        None if about is None else list(about.people),
    )
    return bulletin, len(people)


@dataclass(frozen=True)
class Report:
    """Where a bulletin's messages are: delivered, blocked the bot, failed (with why), or still
    on their way."""

    bulletin_id: int
    delivered: int = 0
    blocked: int = 0
    waiting: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def total(self) -> int:
        return self.delivered + self.blocked + self.waiting + self.failed

    @property
    def settled(self) -> bool:
        return self.waiting == 0

    def describe(self, catalog: Catalog, lang: str) -> str:
        why = "; ".join(f"{reason} ({count})" for reason, count in self.failures.most_common())
        lines = [
            catalog.say(
                lang,
                "bulletin.report",
                id=self.bulletin_id,
                total=self.total,
                delivered=self.delivered,
                blocked=self.blocked,
                failed=self.failed,
                waiting=self.waiting,
            )
        ]
        if why:
            lines.append(catalog.say(lang, "bulletin.report_why", why=why))
        return "\n".join(lines)


async def report(uow: UnitOfWork, bulletin_id: int) -> Report:
    delivered = blocked = waiting = 0
    failures: Counter[str] = Counter()
    for status, error, count in await uow.outbox.bulletin_tally(bulletin_id):
        if status == OutboxStatus.SENT:
            delivered += count
        elif status == OutboxStatus.UNDELIVERABLE:
            blocked += count
        elif status in (OutboxStatus.FAILED, OutboxStatus.WITHHELD):  # withheld: "deactivated"
            failures[error or "unknown"] += count
        else:
            waiting += count
    return Report(bulletin_id, delivered, blocked, waiting, failures)


async def report_to_authors(db: Database, catalog: Catalog, now: datetime) -> int:
    """Each supervisor whose bulletin has settled gets its delivery report, once."""
    async with db.unit_of_work() as uow:
        settled = await uow.bulletins.settled_unreported(now)
        ran = await each_alone(uow, settled, partial(_report_to_author, uow, catalog, now), REPORT_ASIDE, now)
        await uow.commit()
    return len(ran.results)


async def _report_to_author(uow: UnitOfWork, catalog: Catalog, now: datetime, bulletin: Bulletin) -> None:
    bulletin.reported_at = now
    author = await uow.people.get(bulletin.author_id) if bulletin.author_id else None
    if author is None or author.deactivated:
        return
    text = (await report(uow, bulletin.id)).describe(catalog, author.language or catalog.default)
    payload = {"method": "sendMessage", "params": {"chat_id": author.telegram_id, "text": text}}
    await uow.outbox.enqueue(
        f"bulletin-report:{bulletin.id}", author.telegram_id, payload, now, person_id=author.id
    )


REPORT_ASIDE = SetAside(  # a report that cannot be written is not tried again
    "bulletin-report",
    then=lambda uow, bulletin_id, now: uow.failures.set_aside(Bulletin, bulletin_id, {"reported_at": now}),
)
