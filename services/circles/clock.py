"""The clock's work for learning circles, called from `tick(now)`: reminders the day before and
the hour before (to the group, and privately with RSVP buttons outside each member's quiet
hours), opening a session at its time, a private word to the facilitator when a segment runs
past its time, the ratings report a day after, commitments' follow-ups, and (once per circle
from before issue 18) the list of members its old shared link made home visitors.

Each session row carries `due_at`, the next moment it needs the clock, moved on in the same
transaction as the messages it caused: a tick that runs twice sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.i18n import CIRCLE_REMINDERS, CIRCLE_RSVP_ASKS
from services.circles.buttons import Rsvp
from services.circles.context import DAY_BEFORE, CircleContext
from services.circles.disclosed import ATTENDANCE
from services.circles.membership import list_old_links
from services.circles.notices import keep_notices
from services.circles.private import follow_up
from services.circles.sessions import SessionDesk
from services.core.clock import ClockEnv
from services.core.failures import SetAside, each_alone
from services.core.outgoing import Outbox
from store.models import Circle, CircleSession, Contribution
from store.statuses import CircleStatus, SessionStatus
from store.uow import UnitOfWork

BATCH = 50
HOUR_BEFORE = timedelta(hours=1)
RETRY = timedelta(minutes=5)  # a session whose circle is still running another, or is paused
SESSION_ASIDE = SetAside("circle-session", {"due_at": None})
FOLLOW_UP_ASIDE = SetAside("circle-follow-up", {"follow_up_at": None})


async def _listed(uow: UnitOfWork, circle_id: object, now: datetime) -> None:
    await uow.circles.mark_listed(int(str(circle_id)), now)


OLD_LINKS_ASIDE = SetAside("circle-old-links", then=_listed)  # a list that failed is not tried again


class CircleClock:
    def __init__(self, env: ClockEnv) -> None:
        self.env = env
        self.db = env.db
        self.content = env.content
        self.timezone = env.timezone

    def _ctx(self, uow: UnitOfWork, now: datetime, key: str) -> CircleContext:
        out = Outbox(uow, now, key, interactive=False)
        return CircleContext(uow, self.content, out, out, now, self.timezone)

    async def tick(self, now: datetime) -> dict[str, int]:
        """Does what is due; how many sessions, follow-ups and old-link lists it acted on, and how
        many notices it told."""
        told = await keep_notices(self.env, now)
        done = await self._old_links(now)
        while True:
            async with self.db.unit_of_work() as uow:
                due = await uow.circles.due(now, BATCH)
                follow_ups = await uow.circles.follow_ups_due(now, BATCH)
                if not due and not follow_ups:
                    return {"circles": done, "notices": told}
                sessions = await each_alone(
                    uow, due, lambda session: self._session(uow, session, now), SESSION_ASIDE, now
                )
                if sessions.complete:
                    await each_alone(
                        uow,
                        follow_ups,
                        lambda commitment: self._follow_up(uow, commitment, now),
                        FOLLOW_UP_ASIDE,
                        now,
                    )
                done += len(due) + len(follow_ups)
                await uow.commit()

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        async with self.db.unit_of_work() as uow:
            return now if await uow.circles.unlisted(1) else await uow.circles.next_due()

    async def _old_links(self, now: datetime) -> int:
        """Each circle from before issue 18 lists its old-link members to its facilitator, once."""
        listed = 0
        while True:
            async with self.db.unit_of_work() as uow:
                circles = await uow.circles.unlisted(BATCH)
                if not circles:
                    return listed
                ran = await each_alone(
                    uow,
                    circles,
                    lambda circle: list_old_links(
                        self._ctx(uow, now, f"circle-old-links:{circle.id}"), circle
                    ),
                    OLD_LINKS_ASIDE,
                    now,
                )
                listed += sum(ran.results)
                await uow.commit()

    async def _follow_up(self, uow: UnitOfWork, commitment: Contribution, now: datetime) -> None:
        ctx = self._ctx(uow, now, f"circle-follow-up:{commitment.id}")
        if not await follow_up(ctx, commitment):
            commitment.follow_up_at = now + DAY_BEFORE

    async def _session(self, uow: UnitOfWork, session: CircleSession, now: datetime) -> None:
        """What is due for one session; never twice in a tick."""
        await self._step(uow, session, now)
        if session.due_at is not None and session.due_at <= now:
            session.due_at = now + RETRY

    async def _step(self, uow: UnitOfWork, session: CircleSession, now: datetime) -> None:
        circle = await uow.circles.get(session.circle_id)
        ctx = self._ctx(
            uow, now, f"circle-session:{session.id}:{session.status}:{session.reminded}:{session.segment}"
        )
        desk = SessionDesk(ctx)
        if circle is None:
            session.status, session.due_at = SessionStatus.CANCELLED, None
        elif session.status == SessionStatus.ENDED:
            await desk.report_ratings(circle, session)
        elif session.status == SessionStatus.OPEN:
            await self._overrun(ctx, circle, session)
        elif circle.status != CircleStatus.ACTIVE:
            session.due_at = now + RETRY
        elif now >= session.starts_at:
            await self._start(ctx, desk, circle, session)
        else:
            await self._reminders(ctx, circle, session)

    async def _reminders(self, ctx: CircleContext, circle: Circle, session: CircleSession) -> None:
        """The reminder due now, if any (only the hour's, when the bot was down for both), and
        when the next is due."""
        if session.reminded < 2 and ctx.now >= session.starts_at - HOUR_BEFORE:
            await self._remind(ctx, circle, session, "hour")
            session.reminded = 2
        elif session.reminded < 1 and ctx.now >= session.starts_at - DAY_BEFORE:
            await self._remind(ctx, circle, session, "day")
            session.reminded = 1
        session.due_at = session.starts_at - {0: DAY_BEFORE, 1: HOUR_BEFORE}.get(
            session.reminded, timedelta()
        )

    async def _start(
        self, ctx: CircleContext, desk: SessionDesk, circle: Circle, session: CircleSession
    ) -> None:
        """At its time; not while another session of the circle runs, and not once the time it
        would have taken has passed (the bot was down): then the next meeting is scheduled."""
        template = ctx.template(session)
        minutes = 60 if template is None else template.minutes
        if ctx.now >= session.starts_at + timedelta(minutes=minutes):
            session.status, session.due_at = SessionStatus.CANCELLED, None
            await ctx.schedule_next(circle, ctx.now)
            return
        if await desk.running(circle) is not None:
            session.due_at = ctx.now + RETRY
            return
        await desk.open(circle, session, queued=True)

    async def _remind(self, ctx: CircleContext, circle: Circle, session: CircleSession, which: str) -> None:
        when = ctx.when(circle, session.starts_at)
        title = ctx.title(circle, session)
        await ctx.post(
            circle,
            ctx.words(circle, CIRCLE_REMINDERS.key(which), name=circle.name, when=when, title=title),
            queued=True,
        )
        members = await ctx.uow.circles.members(circle.id)
        seats = {seat.person_id: seat for seat in await ctx.uow.circles.seats(session.id)}
        for member in members:
            out = ctx.quiet_outbox(member, f"circle-reminder:{session.id}:{which}:{member.id}")
            if out is None or (out.not_before is not None and out.not_before >= session.starts_at):
                continue  # away, or quiet until the session has begun
            speaker = ctx.speaker(member, out=out)
            buttons = [
                [(speaker.label("circle.button.attending"), Rsvp(session.id, "yes").encode())],
                [(speaker.label("circle.button.cant"), Rsvp(session.id, "no").encode())],
            ]
            await speaker.say(
                CIRCLE_RSVP_ASKS.key(which),
                buttons,
                name=circle.name,
                when=ctx.when(circle, session.starts_at, speaker.lang),
            )
        facilitator = await ctx.facilitator(circle)
        if which == "hour" and facilitator is not None:
            speaker = ctx.speaker(facilitator).disclosing(ATTENDANCE, *(m.id for m in members))
            answered = {
                value: [m.name for m in members if (s := seats.get(m.id)) and s.rsvp == value]
                for value in ("yes", "no")
            }
            silent = [m.name for m in members if not (seats.get(m.id) and seats[m.id].rsvp)]
            await speaker.say(
                "circle.rsvp_roundup",
                name=circle.name,
                yes=", ".join(answered["yes"]) or "—",
                no=", ".join(answered["no"]) or "—",
                silent=", ".join(silent) or "—",
            )

    async def _overrun(self, ctx: CircleContext, circle: Circle, session: CircleSession) -> None:
        session.due_at = None
        template = ctx.template(session)
        facilitator = await ctx.facilitator(circle)
        if template is None or facilitator is None or session.overrun_told:
            return
        segment = template.segments[session.segment]
        session.overrun_told = True
        speaker = ctx.speaker(facilitator)
        title = ctx.content.catalog.pick(segment.title, speaker.lang)
        await speaker.say("circle.overrun", title=title, minutes=segment.minutes, name=circle.name)
