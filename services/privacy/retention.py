"""Retention (issue 24): nothing personal outlives its limit (content/retention.yaml, read as
`flows.retention.Retention`). What each kind is and what happens at its limit is here:

- outbox payloads: a finished row (sent, failed, undeliverable, withheld) keeps only its method
  (`redacted_at` set); its state, times and counts stay, so reports and /mydata still read it.
- free-text answers (steps whose answer is text, voice or photo, or a step the content no
  longer has): removed once the run ended, and blanked in the run's saved state (answers and
  the prefill carried over).
- check-in scores (every other answer): each moves to `kept_records` (kind checkin) under her
  pseudonym; an ended run with no answer left goes.
- circles: from the circle's last session (ended, else its start), its contributions go, its
  sessions' votes and its seats' comments are emptied; attendance and ratings are counts.
- PDSA projects: from the last activity (created, a cycle made, started or finished, a point, a
  note), its points (pdsa_point) and its cycles' structured fields (pdsa_cycle) are kept under
  pseudonyms, and the project goes with its notes and texts.
- observations (issue 25): from when one was sent, its words (notes, strengths, growth area,
  next step, her reply and follow-up) are blanked; one never sent counts from when it was started
  and goes, with the observer's run still answering it. Later, from when it was sent, each item's
  score is kept (observation) under the observed person's pseudonym, and the observation goes.
- the disclosure log and processed update ids: removed.

The clock applies every kind within the hour, in one unit of work (a kind that fails is rolled
back, recorded, and the others run again without it), at most `BATCH` items of each per tick,
and comes back at once while a backlog is left. Nothing happens on the reply path. `report`
says what the next run will do.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flows.content import Content
from flows.faults import reason_of
from flows.retention import Kind
from services.core.clock import ClockEnv
from services.core.registry import Feature
from store.errors import is_store_error
from store.kept import CHECKIN, CHECKLIST, OBSERVATION, PDSA_CYCLE, PDSA_POINT
from store.models import Answer, FlowRun, Project
from store.observations import Observation
from store.repositories.retention import Due, Steps
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 500  # items of one kind per tick: a backlog (a first run, a shortened limit) is spread out
EVERY = timedelta(hours=1)  # limits are days and months: applied within the hour
FREE_TEXT = ("text", "voice", "photo")  # answer types whose values are her own words or media
MARK = "retention:free_text"  # the last run whose free text went: (finished at, id)
WHAT = {
    Kind.OUTBOX: "messages redacted",
    Kind.FREE_TEXT: "ended runs whose free text goes",
    Kind.SCORES: "scores pseudonymised",
    Kind.CIRCLES: "circles emptied",
    Kind.PDSA: "projects pseudonymised",
    Kind.OBSERVATION_TEXTS: "observations whose words go",
    Kind.OBSERVATION_SCORES: "observations pseudonymised",
    Kind.DISCLOSURES: "log entries removed",
    Kind.UPDATE_IDS: "update ids removed",
}


def score_steps(content: Content) -> Steps:
    """By flow: the steps whose answers are scores (numbers, scales, choices, yes/no, dates)."""
    return {
        flow.id: frozenset(
            step.id for step in flow.steps if step.answer is not None and step.answer.type not in FREE_TEXT
        )
        for flow in content.flows.values()
    }


@dataclass(frozen=True)
class Line:
    """One kind in the report."""

    kind: Kind
    limit: str
    what: str
    count: int
    oldest: datetime | None


class RetentionRun:
    """Each kind's pass and its report, over one unit of work."""

    def __init__(self, content: Content) -> None:
        self.rules = content.retention
        self.steps = score_steps(content)
        self.passes: dict[Kind, Callable[[UnitOfWork, datetime, datetime, int], Awaitable[int]]] = {
            Kind.OUTBOX: lambda uow, before, now, limit: uow.retention.redact_outbox(before, now, limit),
            Kind.FREE_TEXT: self._free_text,
            Kind.SCORES: self._scores,
            Kind.CIRCLES: self._circles,
            Kind.PDSA: self._projects,
            Kind.OBSERVATION_TEXTS: self._observation_texts,
            Kind.OBSERVATION_SCORES: self._observation_scores,
            Kind.DISCLOSURES: lambda uow, before, now, limit: uow.disclosure_log.prune(before),
            Kind.UPDATE_IDS: lambda uow, before, now, limit: uow.updates.prune(before),
        }

    def before(self, kind: Kind, now: datetime) -> datetime:
        return self.rules.limit(kind).before(now)

    async def apply(self, uow: UnitOfWork, kind: Kind, now: datetime) -> int:
        """One batch of one kind (at most `BATCH` items); how many items it treated."""
        return await self.passes[kind](uow, self.before(kind, now), now, BATCH)

    async def report(self, uow: UnitOfWork, now: datetime) -> list[Line]:
        """What the next run will do, kind by kind, read only."""
        lines = []
        for kind in Kind:
            count, oldest = await self._due(uow, kind, self.before(kind, now))
            lines.append(Line(kind, str(self.rules.limit(kind)), WHAT[kind], count, oldest))
        return lines

    async def _due(self, uow: UnitOfWork, kind: Kind, before: datetime) -> Due:
        store = uow.retention
        dues = {
            Kind.OUTBOX: lambda: store.outbox_due(before),
            Kind.FREE_TEXT: lambda: self._free_text_due(uow, before),
            Kind.SCORES: lambda: store.scores_due(before, self.steps),
            Kind.CIRCLES: lambda: store.circles_due(before),
            Kind.PDSA: lambda: store.projects_due(before),
            Kind.OBSERVATION_TEXTS: lambda: store.observation_texts_due(before),
            Kind.OBSERVATION_SCORES: lambda: store.observation_scores_due(before),
            Kind.DISCLOSURES: lambda: store.disclosures_due(before),
            Kind.UPDATE_IDS: lambda: store.updates_due(before),
        }
        return await dues[kind]()

    async def _free_text_due(self, uow: UnitOfWork, before: datetime) -> Due:
        return await uow.retention.ended_runs_due(before, await _mark(uow))

    async def _free_text(self, uow: UnitOfWork, before: datetime, now: datetime, limit: int) -> int:
        runs = await uow.retention.ended_runs(before, await _mark(uow), limit)
        for run in runs:
            run.state = self._blanked(run, self.steps.get(run.flow_id, frozenset()))
        if runs:
            await uow.retention.drop_free_text([run.id for run in runs], self.steps)
            last = runs[-1]
            assert last.finished_at is not None  # (an ended run's)
            await uow.settings.set(MARK, f"{last.finished_at.isoformat()}|{last.id}")
        return len(runs)

    @staticmethod
    def _blanked(run: FlowRun, kept: frozenset[str]) -> dict[str, Any]:
        """The run's state with only `kept` steps' values left in its answers and prefill."""
        state = dict(run.state)
        for part in ("answers", "prefill"):
            values = state.get(part) or {}
            state[part] = {step: value if step in kept else None for step, value in values.items()}
        return state

    async def _scores(self, uow: UnitOfWork, before: datetime, now: datetime, limit: int) -> int:
        answers = await uow.retention.old_scores(before, self.steps, limit)
        if not answers:
            return 0
        whose = await _pseudonyms(uow, {answer.person_id for answer in answers})
        await uow.retention.keep([_checkin(answer, whose, now) for answer in answers])
        await uow.retention.drop_answers([answer.id for answer in answers])
        runs = {answer.run_id for answer in answers}
        await uow.retention.drop_empty_runs(runs)
        moved: dict[int, set[str]] = {}
        for answer in answers:
            moved.setdefault(answer.run_id, set()).add(answer.step_id)
        for run in (await uow.runs.many(runs)).values():  # those with younger answers left
            answered = run.state.get("answers") or {}
            run.state = self._blanked(run, frozenset(answered) - moved[run.id])
        return len(answers)

    async def _circles(self, uow: UnitOfWork, before: datetime, now: datetime, limit: int) -> int:
        circles = await uow.retention.quiet_circles(before, limit)
        for circle_id in circles:
            await uow.retention.empty_circle(circle_id)
        return len(circles)

    async def _projects(self, uow: UnitOfWork, before: datetime, now: datetime, limit: int) -> int:
        projects = await uow.retention.quiet_projects(before, limit)
        for project in projects:
            await self._pseudonymise(uow, project, now)
        return len(projects)

    async def _pseudonymise(self, uow: UnitOfWork, project: Project, now: datetime) -> None:
        """Its numbers kept under pseudonyms; the project goes, with its notes and texts."""
        cycles, points = await uow.retention.project_numbers(project.id)
        people = {project.owner_id} | {point.person_id for point in points if point.person_id is not None}
        whose = await _pseudonyms(uow, people)
        source, team = f"project:{project.id}", project.team_id
        owner, _ = whose.get(project.owner_id, (None, team))
        kept = [
            _record(
                PDSA_POINT,
                whose.get(point.person_id or 0, (None, team))[0],
                team,
                source,
                project.measure,
                point.day,
                point.value,
                now,
            )
            for point in points
        ]
        kept += [
            _record(
                PDSA_CYCLE,
                owner,
                team,
                source,
                project.measure,
                (cycle.started_at or cycle.created_at).date(),
                {
                    "number": cycle.number,
                    "stage": cycle.stage,
                    "decision": cycle.act.get("decision"),
                    "carried_out": cycle.study.get("carried_out"),
                },
                now,
            )
            for cycle in cycles
        ]
        await uow.retention.keep(kept)
        await uow.retention.drop_project(project.id)

    async def _observation_texts(self, uow: UnitOfWork, before: datetime, now: datetime, limit: int) -> int:
        found = await uow.retention.observation_texts(before, limit)
        sent = [observation_id for observation_id, was_sent in found if was_sent]
        if sent:
            await uow.retention.blank_observations(sent, now)
        unfinished = [observation_id for observation_id, was_sent in found if not was_sent]
        if unfinished:
            await uow.observations.drop(Observation.id.in_(unfinished))
        return len(found)

    async def _observation_scores(self, uow: UnitOfWork, before: datetime, now: datetime, limit: int) -> int:
        """Each item's score kept under the observed person's pseudonym; the observation goes."""
        observations = await uow.retention.old_observations(before, limit)
        if not observations:
            return 0
        whose = await _pseudonyms(uow, {observation.person_id for observation in observations})
        kept = []
        for observation in observations:
            assert observation.sent_at is not None  # (an old one was sent)
            pseudonym, team = whose.get(observation.person_id, (None, None))
            source, day = CHECKLIST + observation.checklist_id, observation.sent_at.date()
            kept += [
                _record(OBSERVATION, pseudonym, observation.team_id or team, source, item, day, value, now)
                for item, value in observation.scores.items()
            ]
        await uow.retention.keep(kept)
        await uow.observations.drop(Observation.id.in_([observation.id for observation in observations]))
        return len(observations)


async def _mark(uow: UnitOfWork) -> tuple[datetime, int] | None:
    text = await uow.settings.get(MARK)
    if text is None:
        return None
    at, _, run_id = text.partition("|")
    return datetime.fromisoformat(at), int(run_id)


async def _pseudonyms(uow: UnitOfWork, person_ids: set[int]) -> dict[int, tuple[str | None, int | None]]:
    """(pseudonym, team) of each person; someone erased is no one (her pseudonym went with her)."""
    people = await uow.retention.people(person_ids)
    names = await uow.people.pseudonyms([pid for pid, (erased, _) in people.items() if not erased])
    return {pid: (names.get(pid), team) for pid, (_, team) in people.items()}


def _checkin(
    answer: Answer, whose: dict[int, tuple[str | None, int | None]], now: datetime
) -> dict[str, Any]:
    pseudonym, team = whose.get(answer.person_id, (None, None))
    day = answer.answered_at.date()
    return _record(CHECKIN, pseudonym, team, answer.flow_id, answer.step_id, day, answer.value, now)


def _record(
    kind: str,
    pseudonym: str | None,
    team: int | None,
    source: str,
    item: str,
    day: Any,
    value: Any,
    now: datetime,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "pseudonym": pseudonym,
        "team_id": team,
        "source": source,
        "item": item,
        "day": day,
        "value": value,
        "kept_at": now,
    }


class RetentionClock:
    """The clock's share: every kind once an hour, and again at once while a backlog is left."""

    def __init__(self, env: ClockEnv) -> None:
        self.env = env
        self.retention = RetentionRun(env.content)
        self.due: datetime | None = None  # None: at the first tick

    async def tick(self, now: datetime) -> dict[str, int]:
        if self.due is not None and now < self.due:
            return {}
        failed: set[Kind] = set()
        while (done := await self._kinds(now, failed)) is None:
            pass
        self.due = now if any(count >= BATCH for count in done.values()) else now + EVERY
        return done

    async def _kinds(self, now: datetime, failed: set[Kind]) -> dict[str, int] | None:
        """Every kind not failed yet, in one unit of work. A kind's own error rolls it all back,
        is logged (its type and our line) and recorded, and the others run again without it
        (None); a store error stops the tick, to be tried again."""
        done: dict[str, int] = {}
        async with self.env.db.unit_of_work() as uow:
            for kind in Kind:
                if kind in failed:
                    continue
                try:
                    done[f"retention {kind}"] = await self.retention.apply(uow, kind, now)
                except Exception as error:
                    if is_store_error(error):
                        raise
                    failed.add(kind)
                    await uow.session.rollback()
                    log.error("retention %s failed (%s)", kind, reason_of(error))
                    await uow.failures.add("retention", str(kind), reason_of(error), now)
                    await uow.commit()
                    return None
            await uow.commit()
        return done

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        return None if self.due is None or self.due > latest else self.due


def feature(content: Content) -> Feature:
    return Feature("retention", clock=RetentionClock)
