"""/observe, the observer's side: whom, with which checklist, then the checklist as a flow run
(flows/observing.py); stopped, it is kept where it stopped and /observe goes on with it; at its
end the run's answers become the observation, which reaches the person observed
(services.observations.feedback). Her scores over time are here too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flows import observing
from flows.availability import outside_quiet_hours
from flows.dates import day_label, month_names
from flows.run import RunState, RunStatus
from flows.spec import Flow
from flows.wallclock import wall_time
from services.core.conversation import Conversation
from services.core.speaker import Speaker
from services.core.teams import supervisor_of
from services.core.turn import Turn
from services.observations.buttons import (
    GoOn,
    PickPerson,
    ScoresOf,
    StartObservation,
    observable,
    observable_member,
)
from services.observations.disclosed import OBSERVATION_SCORES
from services.observations.feedback import deliver, local_day
from services.observations.scores import scores_over_time
from store.models import FlowRun, Person
from store.observations import Observation

FOLLOW_UP_AT = time(10)  # the next step is asked about at 10:00 her time on its day (after her quiet hours)


@dataclass
class ObserveDialog:
    turn: Turn

    def _about(self, *people: int) -> Speaker:
        return self.turn.speaker().disclosing(OBSERVATION_SCORES, *people)

    def _day(self, moment: datetime) -> str:
        return local_day(moment, self.turn.me, self.turn.content, self.turn.timezone)

    async def start(self) -> None:
        """Whom she observed: the people of her team she may observe, and what she left unfinished."""
        turn = self.turn
        team = await turn.uow.teams.supervised_by(turn.me.id)
        if team is None:
            return await turn.say("observe.no_team")
        members = [  # she supervises their team: no lookup of each one's supervisor
            person
            for person in await turn.uow.people.all(team.id)
            if observable_member(turn.content.checklists, turn.me, person)
        ]
        if not members:
            return await turn.say("observe.nobody")
        names = {person.id: person.name for person in members}
        rows = [[(person.name[:60], PickPerson(person.id).encode())] for person in members]
        for observation in await turn.uow.observations.unfinished(turn.me.id):
            if observation.person_id in names and observation.checklist_id in turn.content.checklists:
                label = turn.label(
                    "observe.button.go_on",
                    name=names[observation.person_id],
                    checklist=self._title(observation.checklist_id),
                    day=self._day(observation.started_at),
                )
                rows.append([(label[:60], GoOn(observation.id).encode())])
        await self._about(*names).say("observe.pick_person", rows)

    def _title(self, checklist_id: str) -> str:
        return self.turn.catalog.pick(self.turn.content.checklists[checklist_id].title, self.turn.lang)

    async def person(self, person: Person) -> None:
        """Her menu for one person: a checklist to start with, and her scores over time."""
        turn = self.turn
        rows = [
            [
                (
                    turn.catalog.pick(checklist.title, turn.lang)[:60],
                    StartObservation(person.id, checklist.id).encode(),
                )
            ]
            for checklist in observable(turn.content.checklists, turn.me, person)
        ]
        rows.append([(turn.label("observe.button.scores"), ScoresOf(person.id).encode())])
        latest = (await turn.uow.observations.latest_sent([person.id])).get(person.id)
        about = self._about(person.id)
        if latest is None:
            return await about.say("observe.person_new", rows, name=person.name)
        await about.say("observe.person", rows, name=person.name, day=self._day(latest))

    async def scores(self, person: Person) -> None:
        observations = await self.turn.uow.observations.sent_to(person.id)
        speaker = self._about(person.id)
        for text in scores_over_time(
            self.turn.content, observations, speaker.lang, self._zone(), person.name
        ):
            await speaker.send(text)

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.turn.me.timezone or self.turn.timezone)

    async def begin(self, person: Person, checklist_id: str) -> None:
        turn = self.turn
        if await self._busy():
            return
        team, _ = await supervisor_of(turn.uow, person)
        observation = await turn.uow.observations.add(
            person.id, turn.me.id, None if team is None else team.id, checklist_id, turn.now
        )
        await self._about(person.id).say(
            "observe.starting", name=person.name, checklist=self._title(checklist_id)
        )
        run = await turn.conversation().start(turn.content.flows[observing.flow_id(checklist_id)])
        observation.run_id = run.id

    async def go_on(self, observation: Observation) -> None:
        turn = self.turn
        flow = turn.content.flows.get(observing.flow_id(observation.checklist_id))
        person = await turn.uow.people.get(observation.person_id)
        if flow is None or person is None:
            return await turn.say("button.expired")
        running = await turn.uow.runs.active_for(turn.me.id)
        if observation.paused is None and running is not None and running.id == observation.run_id:
            return await turn.conversation().repeat_question(running)  # the one she is in: its question
        if observation.paused is None:
            return await turn.say("button.expired")
        if await self._busy():
            return
        await self._about(person.id).say(
            "observe.starting", name=person.name, checklist=self._title(observation.checklist_id)
        )
        run = await turn.conversation().resume(flow, observation.paused)
        observation.run_id, observation.paused = run.id, None

    async def _busy(self) -> bool:
        """She is in another conversation: the checklist would take her next words from it."""
        run = await self.turn.uow.runs.active_for(self.turn.me.id)
        if run is None:
            return False
        await self.turn.say("observe.busy")
        await self.turn.conversation().repeat_question(run)
        return True


async def run_ended(
    conversation: Conversation, run: FlowRun, flow: Flow, state: RunState, before: RunState | None
) -> bool:
    """An observation's run ended: sent when completed, else kept where it stopped. Either way its
    answers now live in the observation alone, and the run goes (with the answers about the
    person observed that it held)."""
    if not flow.id.startswith(observing.PREFIX):
        return False
    uow = conversation.uow
    observation = await uow.observations.of_run(run.id)
    if observation is None:
        return False
    person = await uow.people.get(observation.person_id)
    observer = conversation.person
    speaker = conversation.speaker.disclosing(OBSERVATION_SCORES, observation.person_id)
    name = "" if person is None else person.name
    if state.status != RunStatus.COMPLETED:
        observation.paused = (before or state).to_json()
        await speaker.say("observe.stopped", name=name)
    else:
        checklist = conversation.content.checklists[observation.checklist_id]
        answers: dict[str, Any] = state.answers
        observation.scores = observing.scores(checklist, answers)
        observation.notes = observing.notes(checklist, answers)
        observation.strengths = observing.strengths(answers)
        observation.growth = str(answers.get(observing.GROWTH) or "")
        observation.next_step = str(answers.get(observing.NEXT_STEP) or "")
        observation.next_on = observing.next_on(answers)
        _, supervisor = (None, None) if person is None else await supervisor_of(uow, person)
        if person is None or supervisor is None or supervisor.id != observer.id:
            observation.paused = (before or state).to_json()  # kept at its last question, for /observe
            await speaker.say("observe.not_in_team", name=name)
        else:
            observation.sent_at = conversation.now
            observation.follow_up_at = _follow_up_at(observation.next_on, person, conversation)
            await deliver(
                conversation.content,
                conversation.speaker.out,
                observation,
                person,
                observer,
                conversation.timezone,
            )
            day = (
                ""
                if observation.next_on is None
                else day_label(
                    observation.next_on, month_names(conversation.catalog, conversation.speaker.lang)
                )
            )
            await speaker.say("observe.sent", name=name, day=day)
    observation.run_id = None
    await uow.runs.delete(run)
    return False


def _follow_up_at(day: date | None, person: Person, conversation: Conversation) -> datetime | None:
    """10:00 her time on the next step's day, moved past her quiet hours."""
    if day is None:
        return None
    zone = ZoneInfo(person.timezone or conversation.timezone)
    local = wall_time(day, FOLLOW_UP_AT, zone).astimezone(zone)
    quiet = conversation.content.schedules.quiet_hours
    return outside_quiet_hours(local, person.quiet_start, person.quiet_end, quiet).astimezone(UTC)
