"""One person's conversations with the bot, whoever moves them: her own messages (the chat), or
the clock (a scheduled check-in falling due, a run timing out). One conversation at a time
(DESIGN.md, rule 8): a scheduled flow that falls due while another is going waits in her queue,
she is told, and it starts when the current one ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flows import engine
from flows.availability import away_at
from flows.content import Content
from flows.i18n import Catalog
from flows.run import Finish, Input, Record, RunState, RunStatus, Say
from flows.schedules import Schedule, StartFlow
from flows.spec import Flow
from flows.trend import trend_text
from services.core import prompts, waiting
from services.core.buttons import Button
from services.core.speaker import Speaker
from store.models import FlowRun, Occurrence, Person
from store.statuses import OccurrenceReason, OccurrenceStatus
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from services.core.turn import Turn

TREND_RUNS = 5


@dataclass(frozen=True)
class FlowAnswer(Button):
    """A flow question's button: the run, the step's index and the option it offers."""

    prefix = "r"
    run: int
    step: int
    value: str


async def own_active_run(turn: Turn, data: Any) -> FlowRun | None:
    """The run a button names, if it is hers and still going: one from an old run, or forged to
    name someone else's, is refused."""
    run = await turn.uow.runs.get(data.run)
    return run if run is not None and run.person_id == turn.me.id and run.status == RunStatus.ACTIVE else None


RunEnded = Callable[["Conversation", FlowRun, Flow, RunState, RunState | None], Awaitable[bool]]
# A run of hers starts: a feature may say first what it opens on (an observation, for /reflect).
RunStarted = Callable[["Conversation", FlowRun, Flow], Awaitable[None]]


@dataclass(frozen=True)
class RunHooks:
    """Features' hooks for the runs a conversation starts and ends (the registry's)."""

    started: Sequence[RunStarted] = ()
    ended: Sequence[RunEnded] = ()


@dataclass
class Conversation:
    uow: UnitOfWork
    content: Content
    speaker: Speaker  # to her, in her language
    person: Person
    now: datetime
    timezone: str  # the program's, hers until she sets one
    hooks: RunHooks  # features' hooks for a run that starts or ends (registry.runs)
    edit_message_id: int | None = None  # a pressed button's message: a refreshed question edits it
    then_waiting: bool = True  # when a conversation ends, the scheduled flow waiting behind it starts
    wake: Callable[[], None] = lambda: None  # the clock has work after this commit (her turn's wake)

    @property
    def catalog(self) -> Catalog:
        return self.content.catalog

    async def start(self, flow: Flow, prefill: dict[str, Any] | None = None) -> FlowRun:
        timezone = self.person.timezone or self.timezone
        state, effects = engine.start(flow, self.catalog, self.speaker.lang, timezone, self.now, prefill)
        run = await self.uow.runs.add(
            self.person.id, flow.id, state.to_json(), state.step_id, state.status, self.now, state.expires_at
        )
        for started in self.hooks.started:
            await started(self, run, flow)
        await self._apply(run, flow, state, effects)
        return run

    async def resume(self, flow: Flow, paused: dict[str, Any]) -> FlowRun:
        """A paused conversation goes on at the step where it stopped, with what she had answered
        (in her language as it is now), and a fresh time to finish it."""
        state = RunState.from_json(paused).evolve(
            lang=self.speaker.lang, updated_at=self.now, expires_at=self.now + flow.expires_after
        )
        run = await self.uow.runs.add(
            self.person.id, flow.id, state.to_json(), state.step_id, state.status, self.now, state.expires_at
        )
        await self.repeat_question(run)
        return run

    async def advance(self, run: FlowRun, given: Input) -> None:
        flow = self.content.flows.get(run.flow_id)
        if flow is None:  # the content no longer has this flow: end the run kindly
            await self.uow.runs.save(
                run,
                state=run.state,
                step_id=None,
                status=RunStatus.EXPIRED,
                now=self.now,
                expires_at=None,
                finished_at=self.now,
            )
            await self.speaker.say("info.expired")
            return await self._next()
        before = RunState.from_json(run.state)
        state, effects = engine.advance(flow, self.catalog, before, given, self.now)
        await self._apply(run, flow, state, effects, before)

    async def repeat_question(self, run: FlowRun | None) -> None:
        """After a command did its work, the question she is on, again (rule 8)."""
        flow = None if run is None else self.content.flows.get(run.flow_id)
        if run is None or flow is None:
            return
        question = engine.current_question(flow, self.catalog, RunState.from_json(run.state))
        if question is not None:
            await self._show(run, flow, question)

    # --- the clock's side ------------------------------------------------------------------

    async def offer(self, occurrence: Occurrence, schedule: Schedule, flow: Flow) -> None:
        """A scheduled flow falls due: it starts now, or waits behind the conversation she is in."""
        if await waiting.is_free(self.uow, self.person, self.now):
            return await self._start_scheduled(occurrence, schedule, flow)
        occurrence.status = OccurrenceStatus.WAITING
        await self.speaker.say("schedule.waiting", flow=self.catalog.pick(flow.title, self.speaker.lang))
        await self.repeat_question(await self.uow.runs.active_for(self.person.id))

    async def _next(self) -> None:
        if self.then_waiting:
            await self.start_waiting()

    async def start_waiting(self) -> None:
        """Her conversation ended: a question waiting in her queue is asked, else the scheduled
        flow that waited longest starts (an older wait of the same schedule is passed over: this
        week's check-in, not last week's; none while she is away). A prompt still open holds them
        back: the clock tries again when it lapses."""
        if prompts.current(self.person, self.now) is not None:
            return
        if await waiting.ask_next(self.uow, self.speaker, self.person, self.now):
            return
        waiting_flows = await self.uow.occurrences.waiting_for(self.person.id)
        latest = {occurrence.schedule_id: occurrence for occurrence in waiting_flows}
        for occurrence in waiting_flows:
            if latest[occurrence.schedule_id] is not occurrence:
                occurrence.status, occurrence.reason = OccurrenceStatus.MISSED, OccurrenceReason.SUPERSEDED
        for occurrence in latest.values():
            found = self._scheduled_flow(occurrence)
            if found is None:
                occurrence.status, occurrence.reason = OccurrenceStatus.MISSED, OccurrenceReason.GONE
            elif self._away():  # she went away while it waited
                occurrence.status, occurrence.reason = OccurrenceStatus.SKIPPED, OccurrenceReason.AWAY
            elif await self.uow.runs.completed_since(self.person.id, found[1].id, occurrence.due_at):
                occurrence.status, occurrence.reason = (
                    OccurrenceStatus.SKIPPED,
                    OccurrenceReason.DONE,
                )  # she did it meanwhile
            else:
                return await self._start_scheduled(occurrence, *found)

    def _away(self) -> bool:
        person = self.person
        return away_at(self.now, person.away_until, person.away_open, person.timezone or self.timezone)

    def _scheduled_flow(self, occurrence: Occurrence) -> tuple[Schedule, Flow] | None:
        schedule = self.content.schedules.get(occurrence.schedule_id)
        if schedule is None or not isinstance(schedule.what, StartFlow):
            return None
        flow = self.content.flows.get(schedule.what.flow)
        return None if flow is None else (schedule, flow)

    async def _start_scheduled(self, occurrence: Occurrence, schedule: Schedule, flow: Flow) -> None:
        run = await self.start(flow)
        occurrence.status, occurrence.run_id = OccurrenceStatus.STARTED, run.id
        if schedule.remind_after is not None and run.status == RunStatus.ACTIVE:
            occurrence.remind_at = self.now + schedule.remind_after

    # --- effects ---------------------------------------------------------------------------

    async def _apply(
        self, run: FlowRun, flow: Flow, state: RunState, effects: list[Any], before: RunState | None = None
    ) -> None:
        finished = None
        for effect in effects:
            if isinstance(effect, Record):
                await self.uow.answers.add(run, effect.step_id, effect.value, effect.tags, self.now)
            elif isinstance(effect, Say):
                await self._show(run, flow, effect)
            elif isinstance(effect, Finish):
                finished = effect.status
        await self.uow.runs.save(
            run,
            state=state.to_json(),
            step_id=state.step_id,
            status=state.status,
            now=self.now,
            expires_at=state.expires_at,
            finished_at=self.now if finished else None,
        )
        if finished is None:
            return
        if finished == RunStatus.COMPLETED:
            await self._after(flow)
        for ended in self.hooks.ended:
            if await ended(self, run, flow, state, before):
                return  # the feature started her next conversation itself: its turn, not a wait's
        await self._next()

    async def _show(self, run: FlowRun, flow: Flow, say: Say) -> None:
        buttons: list[list[tuple[str, str]]] = []
        if say.step_id is not None:
            index = flow.index(say.step_id)
            for row in say.buttons:
                buttons.append([(b.label, FlowAnswer(run.id, index, b.value).encode()) for b in row])
        if say.refresh and self.edit_message_id is not None:
            out = self.speaker
            return await out.out.edit(out.chat_id, self.edit_message_id, say.text, buttons, out.person_id)
        await self.speaker.send(say.text, buttons)

    async def _after(self, flow: Flow) -> None:
        """A completed run's trend, where content asks for one (its alerts are a feature's)."""
        if flow.trend:
            history = await self.recent_answers(flow)
            await self.speaker.send(trend_text(flow, history, self.catalog, self.speaker.lang))

    async def recent_answers(self, flow: Flow) -> list[dict[str, Any]]:
        """Her last completed runs' answers, oldest first (the one just finished last)."""
        depth = max([TREND_RUNS, *(alert.in_a_row for alert in flow.alerts)])
        runs = await self.uow.runs.recent_completed(self.person.id, flow.id, depth)
        answers = await self.uow.answers.for_runs([r.id for r in runs])
        by_run: dict[int, dict[str, Any]] = {r.id: {} for r in runs}
        for answer in answers:  # in order given: the latest answer to a step wins
            by_run[answer.run_id][answer.step_id] = answer.value
        return [by_run[r.id] for r in runs]
