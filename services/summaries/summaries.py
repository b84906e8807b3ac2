"""A supervisor's weekly summary of her own team, scheduled or on demand: the store is read in a
few queries for a whole batch of supervisors, the words come from `flows.weekly`, and the chart
is drawn apart (it takes tens of milliseconds, so the caller renders it off the event loop and
outside any transaction)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows.availability import away_on
from flows.content import Content
from flows.dates import day_label, month_names
from flows.i18n import PDSA_STAGES
from flows.measures import shown_number
from flows.schedules import StartFlow
from flows.weekly import WEEKS, CheckIn, Member, summary_pages, weeks, wellbeing_by_week
from services.circles.attendance import Attendance, attendance
from services.circles.disclosed import ATTENDANCE as CIRCLE_ATTENDANCE
from services.core.disclosures import kind
from services.core.registry import SummaryPart, TeamWeek
from services.core.speaker import Speaker
from services.pdsa.buttons import SupervisorChart
from services.pdsa.charts import run_chart, signal_sentences
from services.pdsa.disclosed import SHARED_PROJECT
from store.models import Cycle, DataPoint, Occurrence, Person, Project
from store.statuses import OccurrenceReason
from store.uow import UnitOfWork

CHECKIN_TAG = "checkin"  # steps tagged checkin: wellbeing | workload | support
CHECKIN_SCORES = kind("checkin_scores", team_only=True)  # the pages and the chart: scores, not words


@dataclass(frozen=True)
class TeamSummary:
    team: str
    pages: list[str]
    weeks: list[datetime]  # each week's start, oldest first
    wellbeing: list[list[int]]  # each week's answers, for the chart
    lang: str
    # shared: project id, owner id, owner's name, where it stands
    projects: list[tuple[int, int, str, str]] = field(default_factory=list)
    # this week: member id, name, sessions attended, excused
    circles: list[tuple[int, str, int, int]] = field(default_factory=list)
    members: tuple[int, ...] = ()  # whose check-ins the pages and the chart carry

    def chart(self, content: Content) -> bytes:
        """Drawn by the painter, imported here: only the clock draws, so only its render path
        loads matplotlib."""
        from services.summaries.charts import ChartTexts, wellbeing_png

        catalog, lang = content.catalog, self.lang
        texts = ChartTexts(
            title=catalog.say(lang, "chart.title", team=self.team, weeks=WEEKS),
            y_label=catalog.say(lang, "chart.y_label"),
            average=catalog.say(lang, "chart.average"),
            spread=catalog.say(lang, "chart.spread"),
            no_answers=catalog.say(lang, "chart.no_answers"),
            months=month_names(catalog, lang),
        )
        return wellbeing_png([start.date() for start in self.weeks], self.wellbeing, texts)


def checkin_steps(content: Content) -> dict[str, dict[str, str]]:
    """Flow id -> {wellbeing|workload|support: step id}, from the steps' tags."""
    found: dict[str, dict[str, str]] = {}
    for flow in content.flows.values():
        for step in flow.steps:
            tag = step.tags.get(CHECKIN_TAG)
            if tag is not None:
                found.setdefault(flow.id, {})[tag] = step.id
    return found


def checkin_flows(content: Content) -> list[str]:
    """The check-in flows: those the schedules start (a reflection is chosen, not scheduled),
    in the schedules' order."""
    started = (s.what.flow for s in content.schedules.schedules if isinstance(s.what, StartFlow))
    return [flow_id for flow_id in dict.fromkeys(started) if flow_id in content.flows]


async def checkins_of(
    uow: UnitOfWork, content: Content, ids: Sequence[int], since: datetime
) -> dict[int, tuple[CheckIn, ...]]:
    """Each person's check-ins completed since `since`, by her id: her answers to the steps
    tagged `checkin` (wellbeing, workload, support), whichever flow asked them."""
    tagged = checkin_steps(content)
    steps = {step for by_tag in tagged.values() for step in by_tag.values()}
    answers: dict[int, dict[int, dict[str, Any]]] = {}  # person -> run -> tag -> value
    finished: dict[int, datetime] = {}
    for person_id, run_id, flow_id, finished_at, step_id, value in await uow.answers.of_completed_runs(
        list(ids), tagged, steps, since
    ):
        tags = {step: tag for tag, step in tagged[flow_id].items()}
        if step_id in tags:
            answers.setdefault(person_id, {}).setdefault(run_id, {})[tags[step_id]] = value
        finished[run_id] = finished_at

    def read(run_id: int, given: dict[str, Any]) -> CheckIn:
        wellbeing, workload, support = (given.get(tag) for tag in ("wellbeing", "workload", "support"))
        return CheckIn(
            finished[run_id],
            wellbeing if isinstance(wellbeing, int) else None,
            workload if isinstance(workload, int) else None,
            support if isinstance(support, bool) else None,
        )

    return {
        person_id: tuple(read(run_id, given) for run_id, given in runs.items())
        for person_id, runs in answers.items()
    }


async def build_many(
    uow: UnitOfWork,
    content: Content,
    supervisors: Sequence[Person],
    now: datetime,
    timezone: str,
    parts: Sequence[SummaryPart] = (),
) -> dict[int, TeamSummary]:
    """Each supervisor's summary of her own team, by her id (none for one with no team): the
    same few queries for a batch as for one, since Friday's summaries fall due together. `parts`
    are the features' own lines (the registry's `summary_parts`), each read for its team."""
    teams = await uow.teams.supervised_by_many([supervisor.id for supervisor in supervisors])
    everyone = await uow.people.of_teams([team.id for team in teams.values()])
    members: dict[int, list[Person]] = {team.id: [] for team in teams.values()}
    for person in everyone:
        if person.consented_at is not None and not person.deactivated and person.team_id in members:
            members[person.team_id].append(person)
    ids = [person.id for group in members.values() for person in group]
    span = weeks(now)
    this_week = span[-1]
    checkins = await checkins_of(uow, content, ids, span[0].start)
    shared = await uow.shares.counts_since(ids, this_week.start)
    busy = await uow.runs.busy_with(ids, checkin_steps(content))
    occurrences: dict[int, list[Occurrence]] = {}
    for occurrence in await uow.occurrences.since(ids, this_week.start):
        # a content schedule's (not a /summary or a chart someone asked for)
        if this_week.holds(occurrence.due_at) and content.schedules.get(occurrence.schedule_id) is not None:
            occurrences.setdefault(occurrence.person_id, []).append(occurrence)

    members_of = {team_id: {p.id for p in group} for team_id, group in members.items()}
    projects = await _shared_projects(uow, ids, everyone)
    # person -> (sessions attended, excused) this week; never how much she said, and never
    # "missed": someone with neither is not named (services.circles.attendance)
    sessions: dict[int, Counter[Attendance | None]] = {}
    for person_id, took_part, presence, rsvp in await uow.circles.attendance_since(ids, this_week.start):
        sessions.setdefault(person_id, Counter())[attendance(took_part, presence, rsvp)] += 1
    circle_lines = {
        person_id: (said[Attendance.ATTENDED], said[Attendance.EXCUSED])
        for person_id, said in sessions.items()
        if said[Attendance.ATTENDED] or said[Attendance.EXCUSED]
    }

    def member(person: Person, local_today: date) -> Member:
        mine = occurrences.get(person.id, [])
        return Member(
            name=person.name,
            checkins=checkins.get(person.id, ()),
            shared=shared.get(person.id, 0),
            blocked=person.unreachable,
            away=away_on(local_today, person.away_until, person.away_open)
            or any(o.reason == OccurrenceReason.AWAY for o in mine),
            in_progress=person.id in busy,
            not_due=bool(mine) and all(o.reason == OccurrenceReason.HOLIDAY for o in mine),
        )

    chosen = [supervisor for supervisor in supervisors if supervisor.id in teams]  # with a team
    readings = [
        TeamWeek(
            uow,
            content,
            [person for person in members[teams[supervisor.id].id] if person.id != supervisor.id],
            now,
            ZoneInfo(supervisor.timezone or timezone),
            supervisor.language or content.languages.default,
        )
        for supervisor in chosen
    ]
    told = [await part(readings) for part in parts]  # each part: one call for the whole batch
    found = {}
    for position, (supervisor, reading) in enumerate(zip(chosen, readings, strict=True)):
        team = teams[supervisor.id]
        lang, zone, others = reading.lang, reading.zone, reading.members
        local_today = now.astimezone(zone).date()
        people = [member(person, local_today) for person in others]
        extra = ["\n".join(lines) for said in told if others and (lines := said[position])]
        pages = summary_pages(team.name, people, now, local_today, content.catalog, lang, extra)
        starts = [week.start for week in span]
        theirs = [shared for shared in projects if shared.owner.id in members_of[team.id]]
        found[supervisor.id] = TeamSummary(
            team.name,
            pages,
            starts,
            wellbeing_by_week(people, span),
            lang,
            [
                (p.project.id, p.owner.id, p.owner.name, p.standing(content, supervisor, timezone))
                for p in theirs
            ],
            [
                (person.id, person.name, *circle_lines[person.id])
                for person in others
                if person.id in circle_lines
            ],
            tuple(person.id for person in others),
        )
    return found


@dataclass(frozen=True)
class SharedProject:
    """An improvement project a member shared with her supervisor, with its cycles and data."""

    owner: Person
    project: Project
    cycles: list[Cycle]
    points: list[DataPoint]

    def standing(self, content: Content, supervisor: Person, timezone: str) -> str:
        """Where it stands, in the supervisor's words: stage, last data point, first signal."""
        catalog = content.catalog
        lang = supervisor.language or content.languages.default
        zone = ZoneInfo(supervisor.timezone or timezone)
        chart = run_chart(self.project, self.cycles, self.points, supervisor.id, zone, lang, content)
        stage = "baseline" if not self.cycles else self.cycles[-1].stage
        words = [catalog.say(lang, PDSA_STAGES.key(stage), number=len(self.cycles), change="").strip()]
        if self.points:
            day = day_label(self.points[-1].day, month_names(catalog, lang))
            words.append(
                catalog.say(lang, "pdsa.summary_last", value=shown_number(self.points[-1].value), day=day)
            )
        if chart.signals.enough:
            words += signal_sentences(chart, catalog)[:1] or [catalog.say(lang, "pdsa.caption.none")]
        return " ".join(words)


async def _shared_projects(uow: UnitOfWork, ids: list[int], people: Sequence[Person]) -> list[SharedProject]:
    projects = await uow.projects.shared_by(ids)
    if not projects:
        return []
    cycles = await uow.projects.cycles([p.id for p in projects])
    points = await uow.projects.points([p.id for p in projects])
    owners = {person.id: person for person in people}
    return [
        SharedProject(
            owners[project.owner_id],
            project,
            [c for c in cycles if c.project_id == project.id],
            [p for p in points if p.project_id == project.id],
        )
        for project in projects
    ]


async def queue(speaker: Speaker, summary: TeamSummary, chart_photo_id: int) -> None:
    """The pages, then the chart (a stored photo, uploaded by the sender), then the projects
    shared with her, each with a button for its chart, then her team's learning circles."""
    scores = speaker.disclosing(CHECKIN_SCORES, *summary.members)
    for page in summary.pages:
        await scores.send(page)
    caption = speaker.catalog.say(summary.lang, "chart.caption", team=summary.team, weeks=WEEKS)
    await speaker.out.stored_photo(
        speaker.chat_id, chart_photo_id, caption, speaker.person_id, about=scores.about
    )
    if summary.projects:
        speaker = speaker.disclosing(SHARED_PROJECT, *(owner for _, owner, _, _ in summary.projects))
        lines = [speaker.label("pdsa.summary_header")]
        lines += [f"• {name}: {where}" for _, _, name, where in summary.projects]
        buttons = [
            [(speaker.label("pdsa.button.chart_of", name=name)[:60], SupervisorChart(project_id).encode())]
            for project_id, _, name, _ in summary.projects
        ]
        await speaker.send(speaker.catalog.lay_out(summary.lang, "\n".join(lines)), buttons)
    if summary.circles:
        speaker = speaker.disclosing(CIRCLE_ATTENDANCE, *(member for member, *_ in summary.circles))
        lines = [speaker.label("circle.summary_header")]
        lines += [
            speaker.label("circle.summary_line", name=name, attended=attended, excused=excused)
            for _, name, attended, excused in summary.circles
        ]
        await speaker.send(speaker.catalog.lay_out(summary.lang, "\n".join(lines)))
