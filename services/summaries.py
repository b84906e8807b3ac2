"""A supervisor's weekly summary of her own team, scheduled or on demand: the store is read in a
few queries per team, the words come from `flows.weekly`, and the chart is drawn apart (it takes
tens of milliseconds, so the caller renders it off the event loop and outside any transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows.content import Content
from flows.weekly import WEEKS, CheckIn, Member, summary_pages, weeks, wellbeing_by_week
from services.charts import ChartTexts, wellbeing_png
from services.speaker import Speaker
from store.models import Person
from store.uow import UnitOfWork

CHECKIN_TAG = "checkin"  # steps tagged checkin: wellbeing | workload | support


@dataclass(frozen=True)
class TeamSummary:
    team: str
    pages: list[str]
    weeks: list[datetime]  # each week's start, oldest first
    wellbeing: list[list[int]]  # each week's answers, for the chart
    lang: str

    def chart(self, content: Content) -> bytes:
        catalog, lang = content.catalog, self.lang
        texts = ChartTexts(
            title=catalog.say(lang, "chart.title", team=self.team, weeks=WEEKS),
            y_label=catalog.say(lang, "chart.y_label"),
            average=catalog.say(lang, "chart.average"),
            spread=catalog.say(lang, "chart.spread"),
            no_answers=catalog.say(lang, "chart.no_answers"),
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


async def build(
    uow: UnitOfWork, content: Content, supervisor: Person, now: datetime, timezone: str
) -> TeamSummary | None:
    """Her team's week, in her language; None when she supervises no team."""
    team = await uow.teams.supervised_by(supervisor.id)
    if team is None:
        return None
    lang = supervisor.language or content.languages.default
    members = [
        person
        for person in await uow.teams.members(team)
        if person.id != supervisor.id and not person.deactivated and person.consented_at is not None
    ]
    ids = [person.id for person in members]
    span = weeks(now)
    since, this_week = span[0].start, span[-1]
    tagged = checkin_steps(content)
    checkins: dict[int, dict[int, dict[str, Any]]] = {}  # person -> run -> tag -> value
    finished: dict[int, datetime] = {}
    steps = {step for by_tag in tagged.values() for step in by_tag.values()}
    for person_id, run_id, flow_id, finished_at, step_id, value in await uow.answers.of_completed_runs(
        ids, tagged, steps, since
    ):
        tags = {step: tag for tag, step in tagged[flow_id].items()}
        if step_id in tags:
            checkins.setdefault(person_id, {}).setdefault(run_id, {})[tags[step_id]] = value
        finished[run_id] = finished_at
    shared = await uow.shares.counts_since(ids, this_week.start)
    busy = await uow.runs.busy_with(ids, tagged)
    occurrences = [o for o in await uow.occurrences.since(ids, this_week.start) if this_week.holds(o.due_at)]
    local_today = now.astimezone(ZoneInfo(supervisor.timezone or timezone)).date()

    def read(run_id: int, answers: dict[str, Any]) -> CheckIn:
        wellbeing, workload, support = (answers.get(tag) for tag in ("wellbeing", "workload", "support"))
        return CheckIn(
            finished[run_id],
            wellbeing if isinstance(wellbeing, int) else None,
            workload if isinstance(workload, int) else None,
            support if isinstance(support, bool) else None,
        )

    people = []
    for person in members:
        mine = [o for o in occurrences if o.person_id == person.id]
        people.append(
            Member(
                name=person.name,
                checkins=tuple(
                    read(run_id, answers) for run_id, answers in checkins.get(person.id, {}).items()
                ),
                shared=shared.get(person.id, 0),
                blocked=person.unreachable,
                away=(person.away_until is not None and person.away_until > local_today)
                or any(o.reason == "away" for o in mine),
                in_progress=person.id in busy,
                not_due=bool(mine) and all(o.reason == "holiday" for o in mine),
            )
        )
    pages = summary_pages(team.name, people, now, local_today, content.catalog, lang)
    return TeamSummary(team.name, pages, [week.start for week in span], wellbeing_by_week(people, span), lang)


async def queue(speaker: Speaker, summary: TeamSummary, chart_photo_id: int) -> None:
    """The pages, then the chart (a stored photo, uploaded by the sender)."""
    for page in summary.pages:
        await speaker.send(page)
    caption = speaker.catalog.say(summary.lang, "chart.caption", team=summary.team, weeks=WEEKS)
    await speaker.out.stored_photo(speaker.chat_id, chart_photo_id, caption, speaker.person_id)
