"""The clock's work for content schedules (a hook of services.core.clock's tick).

The database is the source of truth (DESIGN.md, rule 4). Each schedule keeps a mark of how far
its rule has been looked at; a tick writes one occurrence row per person for every time the rule
fell since (in her timezone, at most `grace` back, so a restart after downtime catches up what is
still worth sending and the unique key keeps it from doubling). Rows are then delivered: a flow
starts (or waits behind her current conversation), a bulletin or a summary is queued in the
outbox. A tick also nudges whoever has not finished a scheduled flow, and expires runs whose
time is up. The scheduler only decides when to call it; tests call it with any clock.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flows.availability import away_at, away_on, outside_quiet_hours
from flows.recurrence import occurrences
from flows.run import RunStatus, TimeoutInput
from flows.schedules import Schedule, SendBulletin, SendSummary, StartFlow
from flows.weekly import summary_rule
from services.bulletins.bulletins import MARK, Audience, recipients
from services.core.buttons import Button
from services.core.clock import ClockEnv, conversation_for, speaker_for
from services.core.conversation import Conversation
from services.core.errors import Refused
from services.core.failures import SetAside, attempt, each_alone
from services.core.speaker import Speaker
from services.summaries import own_trend, summaries
from services.summaries.own_trend import OwnTrend
from services.summaries.summaries import TeamSummary
from store.models import FlowRun, Occurrence, Person
from store.statuses import OccurrenceReason, OccurrenceStatus
from store.uow import UnitOfWork

BATCH = 100  # rows per transaction: replies from people in between never wait long
SNOOZE = timedelta(hours=3)
ON_DEMAND_SUMMARY = "/summary"  # the occurrence a supervisor's /summary asks for
ON_DEMAND_TREND = "/mytrend"  # the chart of her own check-ins she asked for (/mytrend's button)
ON_DEMAND = (ON_DEMAND_SUMMARY, ON_DEMAND_TREND)  # drawn by the next tick, like a summary
ON_DEMAND_GRACE = timedelta(hours=1)
# How each kind of item is moved out of the clock's way when its own work fails (services.core.failures).
OCCURRENCE_ASIDE = SetAside(
    "occurrence", {"status": OccurrenceStatus.FAILED, "reason": OccurrenceReason.ERROR}
)
REMINDER_ASIDE = SetAside("reminder", {"remind_at": None})
SCHEDULE_ASIDE = SetAside(  # a rule that fails is passed over until it next falls
    "schedule", then=lambda uow, schedule_id, now: uow.occurrences.set_checked_until(schedule_id, now)
)
RUN_ASIDE = SetAside("run-expiry", {"status": RunStatus.EXPIRED, "expires_at": None})  # her answers are kept


@dataclass(frozen=True)
class Snooze(Button):
    """A nudge's "Remind me later": it acts on her own current scheduled conversation."""

    prefix = "snooze"


class ScheduleClock:
    """The clock's share for content schedules: occurrences written from each schedule's mark,
    delivered (a flow started or waiting, a bulletin, a summary), reminders and time-outs."""

    def __init__(self, env: ClockEnv) -> None:
        self.env = env
        self.db = env.db
        self.content = env.content
        self.timezone = env.timezone  # the program's, for whoever has not set her own
        self.schedules = env.content.schedules
        self._render = env.render_summary or (lambda summary: summary.chart(env.content))

    async def tick(self, now: datetime) -> dict[str, int]:
        tally: Counter[str] = Counter()
        for schedule in self.schedules.schedules:
            tally["created"] += await self._look_at(schedule, now)
        await self._expire(now, tally)
        await self._deliver(now, tally)
        await self._remind(now, tally)
        return tally

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        """The next time a rule falls in any timezone in use, a row falls due, or a run times out."""
        async with self.db.unit_of_work() as uow:
            zones = {zone or self.timezone for zone in await uow.people.timezones()}
            stored = [await uow.occurrences.next_due(), await uow.runs.next_expiry()]
            slots = await uow.people.summary_slots()
        moments = [moment for moment in stored if moment is not None]
        for schedule in self.schedules.schedules:
            for zone in zones:
                moments += occurrences(schedule.when, ZoneInfo(zone), now, latest)[:1]
            if isinstance(schedule.what, SendSummary):
                for own_zone, day, at in slots:
                    own = summary_rule(day, at, self.schedules) or schedule.when
                    moments += occurrences(own, ZoneInfo(own_zone or self.timezone), now, latest)[:1]
        return min(moments, default=None)

    # --- occurrences -----------------------------------------------------------------------

    async def _look_at(self, schedule: Schedule, now: datetime) -> int:
        """Write the rows of every time `schedule` fell since its mark (at most its grace back)."""
        async with self.db.unit_of_work() as uow:
            ran = await each_alone(
                uow, [schedule.id], partial(self._rows, uow, schedule, now), SCHEDULE_ASIDE, now
            )
            await uow.commit()
        return sum(ran.results)

    async def _rows(self, uow: UnitOfWork, schedule: Schedule, now: datetime, _id: str) -> int:
        """The rows of one schedule (a rule that fails is set aside until its next time)."""
        mark = await uow.occurrences.checked_until(schedule.id)
        since = now - schedule.grace if mark is None else max(mark, now - schedule.grace)
        zones = {zone or self.timezone for zone in await uow.people.timezones()}
        rule = schedule.when
        falls = {(zone, rule): occurrences(rule, ZoneInfo(zone), since, now) for zone in zones}
        rows = []
        personal = isinstance(schedule.what, SendSummary)  # a supervisor may choose her own time
        if personal or any(falls.values()):
            for person in await self._audience(uow, schedule):
                zone = person.timezone or self.timezone
                rule = schedule.when
                if personal:
                    rule = summary_rule(person.summary_day, person.summary_time, self.schedules) or rule
                if (zone, rule) not in falls:
                    falls[zone, rule] = occurrences(rule, ZoneInfo(zone), since, now)
                rows += [self._row(schedule, person, due, zone, now) for due in falls[zone, rule]]
        await uow.occurrences.add_many(rows)
        await uow.occurrences.set_checked_until(schedule.id, now)
        return len(rows)

    async def _audience(self, uow: UnitOfWork, schedule: Schedule) -> list[Person]:
        """Whom `to` names; a flow goes only to those with a role it is for (`to: all` names
        supervisors and admins too, and a check-in is not theirs)."""
        try:
            people = await recipients(uow, Audience.parse(schedule.to))
        except Refused:  # a team that is gone: no one to send to
            return []
        flow = self.content.flows.get(schedule.what.flow) if isinstance(schedule.what, StartFlow) else None
        return people if flow is None else [one for one in people if one.role_names & set(flow.for_roles)]

    def _row(
        self, schedule: Schedule, person: Person, due: datetime, zone: str, now: datetime
    ) -> dict[str, Any]:
        local = due.astimezone(ZoneInfo(zone))
        status, reason = OccurrenceStatus.PENDING, None
        if local.date() in self.schedules.holidays:
            status, reason = OccurrenceStatus.SKIPPED, OccurrenceReason.HOLIDAY
        elif away_on(local.date(), person.away_until, person.away_open):
            status, reason = OccurrenceStatus.SKIPPED, OccurrenceReason.AWAY
        send_at = outside_quiet_hours(local, person.quiet_start, person.quiet_end, self.schedules.quiet_hours)
        return occurrence_row(schedule.id, person, due, send_at, now, status, reason)

    # --- delivering ------------------------------------------------------------------------

    def _speaker(self, uow: UnitOfWork, person: Person, now: datetime, key: str) -> Speaker:
        return speaker_for(self.env, uow, person, now, key)

    def _conversation(self, uow: UnitOfWork, person: Person, now: datetime, key: str) -> Conversation:
        return conversation_for(self.env, uow, person, now, key)

    def _away(self, person: Person, now: datetime) -> bool:
        return away_at(now, person.away_until, person.away_open, person.timezone or self.timezone)

    async def _deliver(self, now: datetime, tally: Counter[str]) -> None:
        while True:
            async with self.db.unit_of_work() as uow:
                due = await uow.occurrences.due(now, BATCH)
                if not due:
                    return
                people = await uow.people.many(occurrence.person_id for occurrence in due)
                deliver = partial(self._deliver_one, uow, people, now)
                ran = await each_alone(uow, due, deliver, OCCURRENCE_ASIDE, now)
                await uow.commit()
            tally.update(status for status in ran.results if isinstance(status, str))
            later = [pair for pair in ran.results if not isinstance(pair, str)]
            tally.update(await self._summaries(later, now))

    async def _deliver_one(
        self, uow: UnitOfWork, people: dict[int, Person], now: datetime, occurrence: Occurrence
    ) -> str | tuple[Occurrence, Person]:
        """Its status once delivered (or why not); a summary is left for `_summaries`."""
        person = self._sendable(occurrence, people.get(occurrence.person_id), now)
        if person is not None and isinstance(self._what(occurrence), SendSummary):
            return occurrence, person
        if person is not None:
            await self._send(uow, occurrence, person, now)
        return occurrence.status

    def _what(self, occurrence: Occurrence) -> StartFlow | SendBulletin | SendSummary | None:
        if occurrence.schedule_id in ON_DEMAND:
            return SendSummary(summary="weekly")
        schedule = self.schedules.get(occurrence.schedule_id)
        return None if schedule is None else schedule.what

    def _sendable(self, occurrence: Occurrence, person: Person | None, now: datetime) -> Person | None:
        """The person, when the occurrence may go out to her; else it is marked with why not."""
        schedule = self.schedules.get(occurrence.schedule_id)
        grace = ON_DEMAND_GRACE if occurrence.schedule_id in ON_DEMAND else None
        grace = grace or (schedule.grace if schedule is not None else None)
        if self._what(occurrence) is None or grace is None:
            occurrence.status, occurrence.reason = OccurrenceStatus.MISSED, OccurrenceReason.GONE
        elif person is None or person.deactivated:
            occurrence.status, occurrence.reason = OccurrenceStatus.SKIPPED, OccurrenceReason.INACTIVE
        elif now - occurrence.send_at > grace:
            occurrence.status, occurrence.reason = OccurrenceStatus.MISSED, OccurrenceReason.LATE
        elif occurrence.schedule_id not in ON_DEMAND and self._away(person, now):  # what she asks for comes
            occurrence.status, occurrence.reason = OccurrenceStatus.SKIPPED, OccurrenceReason.AWAY
        elif person.unreachable:
            occurrence.status, occurrence.reason = OccurrenceStatus.SKIPPED, OccurrenceReason.BLOCKED
        else:
            return person
        return None

    async def _send(self, uow: UnitOfWork, occurrence: Occurrence, person: Person, now: datetime) -> None:
        what = self._what(occurrence)
        key = f"occurrence:{occurrence.id}"
        if isinstance(what, StartFlow):
            schedule = self.schedules.get(occurrence.schedule_id)
            flow = self.content.flows.get(what.flow)
            if schedule is None or flow is None:
                occurrence.status, occurrence.reason = OccurrenceStatus.MISSED, OccurrenceReason.GONE
                return
            return await self._conversation(uow, person, now, key).offer(occurrence, schedule, flow)
        assert isinstance(what, SendBulletin)
        speaker = self._speaker(uow, person, now, key)
        words = self.content.catalog.pick(what.bulletin, speaker.lang)
        await speaker.send(self.content.catalog.lay_out(speaker.lang, f"{MARK} {words}"))
        occurrence.status = OccurrenceStatus.SENT

    async def _summaries(self, due: list[tuple[Occurrence, Person]], now: datetime) -> list[str]:
        """Read a batch in one transaction, draw the charts off the event loop with none open,
        write in another; each occurrence is marked sent with its messages, so none goes twice.
        A supervisor with no team yet is skipped (`/summary` tells her before asking). One
        supervisor's summary (or one person's own chart) that cannot be read or drawn fails alone."""
        if not due:
            return []
        teams = await self._build([person for o, person in due if o.schedule_id != ON_DEMAND_TREND], now)
        built: dict[int, TeamSummary | OwnTrend | Exception] = {}  # by occurrence
        for occurrence, person in due:
            if occurrence.schedule_id == ON_DEMAND_TREND:
                async with self.db.unit_of_work() as uow:
                    built[occurrence.id] = await attempt(own_trend.build(uow, self.content, person, now))
            elif person.id in teams:
                built[occurrence.id] = teams[person.id]
        charts = {
            occurrence_id: await attempt(asyncio.to_thread(self._render, summary))
            for occurrence_id, summary in built.items()
            if not isinstance(summary, Exception)
        }
        async with self.db.unit_of_work() as uow:
            write = partial(self._write_summary, uow, built, charts, now)
            ran = await each_alone(uow, [occurrence for occurrence, _ in due], write, OCCURRENCE_ASIDE, now)
            await uow.commit()
        return [status for status in ran.results if status is not None]

    async def _build(self, supervisors: list[Person], now: datetime) -> dict[int, TeamSummary | Exception]:
        """Every supervisor's summary in one read; when that fails, each on her own, so the one
        that fails is known (and fails alone)."""

        def build(uow: UnitOfWork, these: list[Person]) -> Awaitable[dict[int, TeamSummary]]:
            parts = self.env.summary_parts  # the features' own lines (the registry's)
            return summaries.build_many(uow, self.content, these, now, self.timezone, parts)

        async with self.db.unit_of_work() as uow:
            built = await attempt(build(uow, supervisors))
        if not isinstance(built, Exception):
            return dict(built)
        alone: dict[int, TeamSummary | Exception] = {}
        for supervisor in supervisors:
            async with self.db.unit_of_work() as uow:
                one = await attempt(build(uow, [supervisor]))
            if isinstance(one, Exception) or supervisor.id in one:
                alone[supervisor.id] = one if isinstance(one, Exception) else one[supervisor.id]
        return alone

    async def _write_summary(
        self,
        uow: UnitOfWork,
        built: dict[int, TeamSummary | OwnTrend | Exception],
        charts: dict[int, bytes | Exception],
        now: datetime,
        pending: Occurrence,
    ) -> str | None:
        occurrence = await uow.occurrences.get(pending.id)
        if occurrence is None or occurrence.status != OccurrenceStatus.PENDING:
            return None
        supervisor = await uow.people.get(occurrence.person_id)
        summary, chart = built.get(occurrence.id), charts.get(occurrence.id)
        if isinstance(summary, Exception):
            raise summary
        if isinstance(chart, Exception):
            raise chart
        if summary is None or chart is None or supervisor is None:
            occurrence.status, occurrence.reason = OccurrenceStatus.SKIPPED, OccurrenceReason.NO_TEAM
        else:
            speaker = self._speaker(uow, supervisor, now, f"occurrence:{occurrence.id}")
            photo = await uow.photos.add(now, data=chart)
            if isinstance(summary, OwnTrend):
                await own_trend.queue(speaker, summary, photo.id)
            else:
                await summaries.queue(speaker, summary, photo.id)
            occurrence.status = OccurrenceStatus.SENT
        return occurrence.status

    # --- runs: reminders and time-outs -------------------------------------------------------

    async def _remind(self, now: datetime, tally: Counter[str]) -> None:
        """One nudge to whoever has not finished a scheduled flow: never after it expired, never
        in her quiet hours (it waits for their end), never while she is away."""
        while True:
            async with self.db.unit_of_work() as uow:
                due = await uow.occurrences.reminders_due(now, BATCH)
                if not due:
                    return
                people = await uow.people.many(occurrence.person_id for occurrence in due)
                runs = await uow.runs.many(o.run_id for o in due if o.run_id is not None)
                remind = partial(self._remind_one, uow, people, runs, now)
                ran = await each_alone(uow, due, remind, REMINDER_ASIDE, now)
                await uow.commit()
            tally["reminded"] += sum(ran.results)

    async def _remind_one(
        self,
        uow: UnitOfWork,
        people: dict[int, Person],
        runs: dict[int, FlowRun],
        now: datetime,
        occurrence: Occurrence,
    ) -> int:
        person = people.get(occurrence.person_id)
        run = None if occurrence.run_id is None else runs.get(occurrence.run_id)
        local = now.astimezone(ZoneInfo((person and person.timezone) or self.timezone))
        quiet, later = self.schedules.quiet_hours, local
        if person is not None:
            later = outside_quiet_hours(local, person.quiet_start, person.quiet_end, quiet)
        going = run is not None and run.status == RunStatus.ACTIVE and not _timed_out(run, now)
        if person is None or run is None or not going or self._away(person, now):
            occurrence.remind_at = None
        elif later > local:
            occurrence.remind_at = later
        else:
            await self._nudge(uow, occurrence, person, run, now)
            return 1
        return 0

    async def _nudge(
        self, uow: UnitOfWork, occurrence: Occurrence, person: Person, run: FlowRun, now: datetime
    ) -> None:
        conversation = self._conversation(uow, person, now, f"nudge:{occurrence.id}:{now.timestamp()}")
        flow = self.content.flows.get(run.flow_id)
        title = (
            run.flow_id if flow is None else self.content.catalog.pick(flow.title, conversation.speaker.lang)
        )
        later = [[(conversation.speaker.label("button.snooze"), Snooze().encode())]]
        await conversation.speaker.say("schedule.nudge", later, flow=title)
        await conversation.repeat_question(run)
        occurrence.remind_at, occurrence.reminded_at = None, now

    async def _expire(self, now: datetime, tally: Counter[str]) -> None:
        """Runs past their time end (what was answered is kept), and what waited behind starts."""
        while True:
            async with self.db.unit_of_work() as uow:
                runs = await uow.runs.timed_out(now, BATCH)
                if not runs:
                    return
                people = await uow.people.many(run.person_id for run in runs)
                ran = await each_alone(uow, runs, partial(self._expire_one, uow, people, now), RUN_ASIDE, now)
                await uow.commit()
            tally[RunStatus.EXPIRED] += len(ran.results)

    async def _expire_one(
        self, uow: UnitOfWork, people: dict[int, Person], now: datetime, run: FlowRun
    ) -> None:
        conversation = self._conversation(uow, people[run.person_id], now, f"expired:{run.id}")
        await conversation.advance(run, TimeoutInput())


def _timed_out(run: FlowRun, now: datetime) -> bool:
    return run.expires_at is not None and run.expires_at <= now


async def snooze(uow: UnitOfWork, person: Person, now: datetime) -> datetime | None:
    """Put off the nudge for her current scheduled conversation; when it will come, or None when
    nothing scheduled is going."""
    run = await uow.runs.active_for(person.id)
    occurrence = None if run is None else await uow.occurrences.for_run(run.id)
    if run is None or occurrence is None or occurrence.status != OccurrenceStatus.STARTED:
        return None
    occurrence.remind_at, occurrence.reminded_at = now + SNOOZE, None
    return occurrence.remind_at


async def ask_for(uow: UnitOfWork, what: str, person: Person, now: datetime) -> None:
    """A supervisor's /summary, or her own chart (one of ON_DEMAND): an occurrence due now,
    delivered by the next tick like a scheduled one (the chart is drawn off the reply's path)."""
    await uow.occurrences.add_many([occurrence_row(what, person, now, now, now)])


def occurrence_row(
    schedule_id: str,
    person: Person,
    due: datetime,
    send_at: datetime,
    now: datetime,
    status: OccurrenceStatus = OccurrenceStatus.PENDING,
    reason: OccurrenceReason | None = None,
) -> dict[str, Any]:
    return {
        "schedule_id": schedule_id,
        "person_id": person.id,
        "due_at": due,
        "send_at": send_at,
        "status": status,
        "reason": reason,
        "created_at": now,
    }
