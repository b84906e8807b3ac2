"""A supervisor's /bulletin in private chat: she writes it (text, or a photo with a caption),
sees it as her team will, then sends it now or at a time she gives in her own timezone. The
draft is her open prompt (a `Draft`), so it survives a restart; the bulletin itself is written by
the same service the command line uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.bounds import too_far_ahead
from flows.run import MediaInput
from flows.wallclock import wall_time
from services.bulletins import bulletins
from services.core.buttons import Button
from services.core.errors import Refused
from services.core.prompts import Prompt, close, current, open_prompt, prompt_kind
from services.core.speaker import Speaker
from store.models import Person, Team
from store.uow import UnitOfWork

_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s+(\d{1,2}):(\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def read_when(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    """25/11 09:00, 25/11/2026 09:00, 2026-11-25 09:00, or 09:00 (the next one), in her
    timezone; None when it is none of those or no such day exists. The caller holds it within
    a year ahead (flows.bounds)."""
    local_now = now.astimezone(zone)
    text = " ".join(text.split())
    try:
        if match := _DAY_MONTH.match(text):
            day, month, year, hour, minute = match.groups()
            on, at = date(int(year or local_now.year), int(month), int(day)), time(int(hour), int(minute))
            when = wall_time(on, at, zone)
            if year is None and when < now - timedelta(days=1):  # 05/01 said in December: next January
                when = wall_time(on.replace(year=on.year + 1), at, zone)
        elif match := _ISO.match(text):
            year, month, day, hour, minute = match.groups()
            when = wall_time(date(int(year), int(month), int(day)), time(int(hour), int(minute)), zone)
        elif match := _CLOCK.match(text):
            at = time(int(match[1]), int(match[2]))
            when = wall_time(local_now.date(), at, zone)
            if when <= now:
                when = wall_time(local_now.date() + timedelta(days=1), at, zone)
        else:
            return None
    except ValueError:  # 31/02, 25:00
        return None
    return when


@prompt_kind
@dataclass(frozen=True)
class Draft(Prompt):
    """Her bulletin: being written, ready to send, or waiting for when to send it. It holds her
    next words for a day (a one-line prompt lapses in two hours)."""

    kind = "bulletin.draft"
    lapse = timedelta(days=1)
    takes_media = True
    stage: str  # write, ready or when
    text: str | None = None
    photo: str | None = None  # a photo's Telegram file id


@dataclass(frozen=True)
class Decide(Button):
    prefix = "bl"
    action: Literal["now", "later", "cancel"]


@dataclass
class BulletinDialog:
    uow: UnitOfWork
    speaker: Speaker
    person: Person
    now: datetime
    timezone: str

    async def start(self) -> None:
        team = await self._team()
        if team is None:
            return await self.speaker.say("bulletin.no_team")
        count = len(await bulletins.recipients(self.uow, bulletins.Audience("team", team.name), self.person))
        open_prompt(self.person, Draft("write"), self.now)
        await self.speaker.say("bulletin.compose", team=team.name, count=count)

    async def receive(self, draft: Draft, text: str | None, media: MediaInput | None) -> None:
        """Her next message: the bulletin itself, or when to send it."""
        if draft.stage == "when" and text is not None:
            return await self._schedule(draft, text)
        if media is not None and media.kind != "photo":
            return await self.speaker.say("bulletin.not_a_photo")
        photo = media.file_id if media is not None else None
        words = (media.meta.get("caption") or "") if media is not None else (text or "")
        if not words.strip() and photo is None:
            return await self.speaker.say("bulletin.empty")
        over = bulletins.overflow(words, self.person.name, photo is not None)
        if over is not None:
            return await self.speaker.say("bulletin.too_long", over=over[0] - over[1], limit=over[1])
        team = await self._team()
        if team is None:
            return await self.speaker.say("bulletin.no_team")
        open_prompt(self.person, Draft("ready", words, photo), self.now)
        await self.speaker.say("bulletin.preview")
        shown = bulletins.message_text(words, self.person.name)
        if photo is None:
            await self.speaker.send(shown)
        else:
            await self.speaker.out.photo(self.speaker.chat_id, photo, shown, self.person.id)
        count = len(await bulletins.recipients(self.uow, bulletins.Audience("team", team.name), self.person))
        buttons = [
            [
                (self.speaker.label("button.send_now"), Decide("now").encode()),
                (self.speaker.label("button.send_later"), Decide("later").encode()),
            ],
            [(self.speaker.label("button.cancel"), Decide("cancel").encode())],
        ]
        await self.speaker.say("bulletin.confirm", buttons, team=team.name, count=count)

    async def press(self, action: str) -> None:
        """Her draft's buttons: they act only on the draft she has open, ready to send."""
        draft = current(self.person, self.now)
        if not isinstance(draft, Draft) or draft.stage not in ("ready", "when"):
            return await self.speaker.say("button.expired")
        if action == "now":
            return await self._send(draft, self.now)
        if action == "later":
            open_prompt(self.person, replace(draft, stage="when"), self.now)
            return await self.speaker.say("bulletin.ask_when")
        close(self.person)
        await self.speaker.say("bulletin.cancelled")

    async def _schedule(self, draft: Draft, text: str) -> None:
        when = read_when(text, ZoneInfo(self.person.timezone or self.timezone), self.now)
        if when is None:
            return await self.speaker.say("bulletin.bad_time")
        if when <= self.now:
            return await self.speaker.say("bulletin.past")
        if too_far_ahead(when, self.now):
            return await self.speaker.say("bulletin.too_far")
        await self._send(draft, when)

    async def _send(self, draft: Draft, when: datetime) -> None:
        team = await self._team()
        if team is None:
            return await self.speaker.say("bulletin.no_team")
        audience = bulletins.Audience("team", team.name)
        try:
            _, count = await bulletins.create(
                self.uow,
                audience,
                draft.text or "",
                when,
                self.now,
                author=self.person,
                photo_file_id=draft.photo,
            )
        except Refused:  # the team has no one to send to any more
            close(self.person)
            return await self.speaker.say("bulletin.nobody")
        close(self.person)
        if when <= self.now:
            return await self.speaker.say("bulletin.queued", count=count)
        local = when.astimezone(ZoneInfo(self.person.timezone or self.timezone))
        await self.speaker.say("bulletin.scheduled", count=count, when=f"{local:%d/%m/%Y %H:%M}")

    async def _team(self) -> Team | None:
        """Only the team she supervises: a supervisor cannot send outside it."""
        return await self.uow.teams.supervised_by(self.person.id)
