"""What every learning-circle use case needs inside one unit of work: the store, the content,
the replies of this update (sent at once) and the messages it queues (sent behind them), and
ways to speak to the group and to one member in her own language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.availability import away_at, outside_quiet_hours
from flows.circles import CirclesContent, Rhythm, SessionTemplate
from flows.content import Content
from flows.dates import month_names
from flows.i18n import DAY_NAMES
from flows.schedules import DAYS
from services.core.disclosures import About
from services.core.outgoing import ButtonRows, Outbox
from services.core.speaker import Speaker
from store.models import Circle, CircleSession, Person
from store.uow import UnitOfWork

FACILITATOR = "facilitator"
DAY_BEFORE = timedelta(days=1)  # the first reminder


@dataclass
class CircleContext:
    uow: UnitOfWork
    content: Content
    out: Outbox  # replies to this update
    bulk: Outbox  # messages queued behind replies: to every member, reminders
    now: datetime
    timezone: str  # the program's default

    @property
    def circles(self) -> CirclesContent:
        assert self.content.circles is not None
        return self.content.circles

    def lang_of(self, circle: Circle) -> str:
        return circle.language or self.content.languages.default

    def words(self, circle: Circle, key: str, **fields: object) -> str:
        """The bot's words in the circle's language."""
        return self.content.catalog.say(self.lang_of(circle), key, **fields)

    async def post(
        self,
        circle: Circle,
        text: str,
        buttons: ButtonRows = (),
        queued: bool = False,
        *,
        about: About | None = None,
    ) -> None:
        """A message to the group, in its language: one that carries a member's data (her answer,
        shared as she chose) says so (`about`)."""
        lang = self.lang_of(circle)
        await (self.bulk if queued else self.out).send(
            circle.chat_id, self.content.catalog.lay_out(lang, text), buttons, about=about
        )

    def speaker(self, person: Person, queued: bool = False, out: Outbox | None = None) -> Speaker:
        """To one member in her private chat, in her language."""
        return Speaker.to(out or (self.bulk if queued else self.out), self.content.catalog, person)

    def quiet_outbox(self, person: Person, key: str) -> Outbox | None:
        """A queue that holds her private message past her quiet hours; None when she is away."""
        zone = person.timezone or self.timezone
        if away_at(self.now, person.away_until, person.away_open, zone):
            return None
        local = self.now.astimezone(ZoneInfo(zone))
        quiet = self.content.schedules.quiet_hours
        later = outside_quiet_hours(local, person.quiet_start, person.quiet_end, quiet)
        return Outbox(self.uow, self.now, key, interactive=False, not_before=later if later > local else None)

    async def facilitator(self, circle: Circle) -> Person | None:
        """Who gets the circle's rosters and reports: its facilitator, unless she was deactivated
        (then the admins get a notice instead, services.circles.notices)."""
        found = None if circle.facilitator_id is None else await self.uow.people.get(circle.facilitator_id)
        return None if found is None or found.deactivated else found

    def template(self, session: CircleSession) -> SessionTemplate | None:
        return self.circles.sessions.get(session.template_id)

    def title(self, circle: Circle, session: CircleSession) -> str:
        template = self.template(session)
        return (
            session.template_id
            if template is None
            else self.content.catalog.pick(template.title, self.lang_of(circle))
        )

    def rhythm(self, circle: Circle) -> Rhythm | None:
        if circle.meets_on is None or circle.meets_at is None:
            return None
        return Rhythm(day=circle.meets_on, at=circle.meets_at, timezone=circle.timezone or self.timezone)

    def when(self, circle: Circle, moment: datetime, lang: str | None = None) -> str:
        """A meeting time as the circle reads it: "Tuesday 1 Dec, 15:00"."""
        zone = ZoneInfo(circle.timezone or self.timezone)
        local = moment.astimezone(zone)
        lang = lang or self.lang_of(circle)
        catalog = self.content.catalog
        day = catalog.say(lang, DAY_NAMES.key(DAYS[local.weekday()]))
        month = month_names(catalog, lang)[local.month - 1]
        return catalog.say(lang, "circle.when", day=day, date=local.day, month=month, time=f"{local:%H:%M}")

    async def schedule_next(self, circle: Circle, after: datetime) -> CircleSession | None:
        """The circle's next meeting by its rhythm, with the next template of its set."""
        rhythm = self.rhythm(circle)
        if rhythm is None or circle.set_id is None:
            return None
        template = self.circles.session_for(circle.set_id, circle.sessions_held + 1)
        if template is None:
            return None
        starts_at = rhythm.next_meeting(after)
        return await self.uow.circles.add_session(
            circle, template.id, starts_at, starts_at - DAY_BEFORE, self.now
        )
