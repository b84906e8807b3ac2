"""The person observed: the feedback reaches her strengths first, then the one growth area, then
the next step; she may reply, reflect (/reflect opens on it) or start an improvement project
from the next step; at its date she is asked whether she tried it, and her answer reaches the
observer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.availability import away_at
from flows.content import Content
from flows.dates import day_label, month_names
from flows.i18n import OBSERVE_TRIED
from flows.spec import Flow
from services.core.conversation import Conversation
from services.core.outgoing import Outbox
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.core.speaker import Speaker
from services.core.teams import supervisor_of
from services.core.turn import Turn
from services.observations.buttons import OnFeedback, TriedIt
from services.observations.disclosed import OBSERVATION_FEEDBACK, OBSERVATION_REPLY
from services.pdsa.dialog import PdsaDialog
from store.models import FlowRun, Person
from store.observations import Observation
from store.uow import UnitOfWork

REFLECT_WITHIN = timedelta(days=30)  # /reflect opens on an observation received this recently
AWAY_RETRY = timedelta(days=1)  # she is away: the next step is asked about a day later, and again


@prompt_kind
@dataclass(frozen=True)
class ReplyToObserver(Prompt):
    kind = "observe.reply"
    observation: int


@prompt_kind
@dataclass(frozen=True)
class HowItWent(Prompt):
    kind = "observe.follow_up"
    observation: int


def local_day(moment: datetime, person: Person, content: Content, timezone: str) -> str:
    """`moment`'s day as `person` reads it: in her timezone and language ("24 Nov")."""
    local = moment.astimezone(ZoneInfo(person.timezone or timezone)).date()
    return day_label(local, month_names(content.catalog, person.language or content.catalog.default))


def sent_day(observation: Observation, person: Person, content: Content, timezone: str) -> str:
    assert observation.sent_at is not None
    return local_day(observation.sent_at, person, content, timezone)


def _speaker(out: Outbox, content: Content, person: Person) -> Speaker:
    return Speaker.to(out, content.catalog, person)


async def deliver(
    content: Content, out: Outbox, observation: Observation, person: Person, observer: Person, timezone: str
) -> None:
    """The feedback, in her language, in the order of the issue: strengths, growth, next step."""
    speaker = _speaker(out, content, person).disclosing(OBSERVATION_FEEDBACK, observer.id)
    catalog, lang = content.catalog, speaker.lang
    months = month_names(catalog, lang)
    rows = [
        [
            (
                speaker.label("observe.button.reply", name=observer.name)[:60],
                OnFeedback(observation.id, "reply").encode(),
            )
        ],
        [(speaker.label("observe.button.reflect"), OnFeedback(observation.id, "reflect").encode())],
    ]
    if content.pdsa is not None:
        rows.append(
            [(speaker.label("observe.button.project")[:60], OnFeedback(observation.id, "project").encode())]
        )
    await speaker.say(
        "observe.feedback",
        rows,
        observer=observer.name,
        day=sent_day(observation, person, content, timezone),
        checklist=catalog.pick(content.checklists[observation.checklist_id].title, lang),
        strengths="\n".join(f"• {catalog.own_words(lang, strength)}" for strength in observation.strengths),
        growth=catalog.own_words(lang, observation.growth or ""),
        next_on="" if observation.next_on is None else day_label(observation.next_on, months),
        next_step=catalog.own_words(lang, observation.next_step or ""),
    )


async def _observer(uow: UnitOfWork, observation: Observation, person: Person) -> Person | None:
    """Who observed her, while she still supervises her: what she says reaches no one else."""
    _, supervisor = await supervisor_of(uow, person)
    if supervisor is None or supervisor.id != observation.observer_id:
        return None
    return supervisor


async def on_feedback(turn: Turn, data: OnFeedback) -> None:
    observation = turn.found
    assert isinstance(observation, Observation)  # the rule found it: hers
    if data.action == "reply":
        observer = await _observer(turn.uow, observation, turn.me)
        if observer is None:
            return await turn.say("button.expired")
        open_prompt(turn.me, ReplyToObserver(observation.id), turn.now)
        return (
            await turn.speaker()
            .disclosing(OBSERVATION_FEEDBACK, observer.id)
            .say("observe.reply_prompt", name=observer.name)
        )
    if await turn.uow.runs.active_for(turn.me.id) is not None:
        return await turn.say("observe.busy")
    if data.action == "reflect":
        flow = reflection(turn.content, observation)
        if flow is None:
            return await turn.say("button.expired")
        await turn.conversation().start(flow)
    else:
        await PdsaDialog.of(turn).set_up(False, change=observation.next_step)


def reflection(content: Content, observation: Observation) -> Flow | None:
    checklist = content.checklists.get(observation.checklist_id)
    return (
        None if checklist is None or checklist.reflection is None else content.flows.get(checklist.reflection)
    )


async def _answering(turn: Turn, prompt: ReplyToObserver | HowItWent) -> tuple[Observation, Person] | None:
    """Her words to an observation's prompt: the observation, hers, and the observer they reach
    (while she still supervises her); else she is told the question has expired."""
    close(turn.me)
    observation = await turn.uow.observations.get(prompt.observation)
    observer = None if observation is None else await _observer(turn.uow, observation, turn.me)
    if observation is None or observer is None or observation.person_id != turn.me.id:
        await turn.say("button.expired")
        return None
    return observation, observer


async def receive_reply(turn: Turn, prompt: ReplyToObserver) -> None:
    if (found := await _answering(turn, prompt)) is None:
        return
    observation, observer = found
    text = turn.incoming.text or ""
    observation.reply, observation.replied_at = text, turn.now
    await _tell_observer(turn, observer, "observe.reply_received", observation, text=text)
    await (
        turn.speaker()
        .disclosing(OBSERVATION_FEEDBACK, observer.id)
        .say("observe.reply_sent", name=observer.name)
    )


async def _tell_observer(
    turn: Turn, observer: Person, key: str, observation: Observation, **fields: str
) -> None:
    speaker = _speaker(turn.out, turn.content, observer).disclosing(OBSERVATION_REPLY, turn.me.id)
    day = sent_day(observation, observer, turn.content, turn.timezone)
    await speaker.say(key, (), name=turn.me.name, day=day, **fields)


async def opening(conversation: Conversation, run: FlowRun, flow: Flow) -> None:
    """/reflect (or its button) opens on her latest observation no reflection has opened on."""
    if all(checklist.reflection != flow.id for checklist in conversation.content.checklists.values()):
        return  # not a reflection a checklist names: no query on the way of every other flow
    since = conversation.now - REFLECT_WITHIN
    observation = await conversation.uow.observations.to_reflect_on(conversation.person.id, since)
    if (
        observation is None
        or (found := reflection(conversation.content, observation)) is None
        or found.id != flow.id
    ):
        return
    observer = (
        None
        if observation.observer_id is None
        else await conversation.uow.people.get(observation.observer_id)
    )
    if observer is None:
        return
    observation.reflection_run_id = run.id
    content = conversation.content
    await conversation.speaker.disclosing(OBSERVATION_FEEDBACK, observer.id).say(
        "observe.reflect_on",
        observer=observer.name,
        day=sent_day(observation, conversation.person, content, conversation.timezone),
        next_step=content.catalog.own_words(conversation.speaker.lang, observation.next_step or ""),
    )


async def ask_how_it_went(
    uow: UnitOfWork, content: Content, out: Outbox, observation: Observation, timezone: str
) -> None:
    """The clock, at the next step's date: did she try it? (buttons: her own action opens the
    question that follows, so nothing is asked over a conversation she is in)."""
    person = await uow.people.get(observation.person_id)
    observer = None if person is None else await _observer(uow, observation, person)
    if person is not None and away_at(
        out.now, person.away_until, person.away_open, person.timezone or timezone
    ):
        observation.follow_up_at = out.now + AWAY_RETRY  # asked once she is back
        return
    observation.followed_up_at = out.now
    if person is None or observer is None or person.deactivated:
        return  # no one to ask, or no one her answer could reach
    speaker = _speaker(out, content, person).disclosing(OBSERVATION_FEEDBACK, observer.id)
    rows = [
        [
            (speaker.label(OBSERVE_TRIED.key(tried)), TriedIt(observation.id, tried).encode())  # type: ignore[arg-type]
            for tried in OBSERVE_TRIED.members
        ]
    ]
    await speaker.say(
        "observe.follow_up",
        rows,
        day=sent_day(observation, person, content, timezone),
        observer=observer.name,
        next_step=content.catalog.own_words(speaker.lang, observation.next_step or ""),
    )


async def tried(turn: Turn, data: TriedIt) -> None:
    observation = turn.found
    assert isinstance(observation, Observation)
    observer = await _observer(turn.uow, observation, turn.me)
    if observer is None:
        return await turn.say("button.expired")
    observation.tried = data.tried
    open_prompt(turn.me, HowItWent(observation.id), turn.now)
    await (
        turn.speaker()
        .disclosing(OBSERVATION_FEEDBACK, observer.id)
        .say("observe.follow_up_prompt", observer=observer.name)
    )


async def receive_how_it_went(turn: Turn, prompt: HowItWent) -> None:
    if (found := await _answering(turn, prompt)) is None:
        return
    observation, observer = found
    text = turn.incoming.text or ""
    observation.follow_up, observation.follow_up_answered_at = text, turn.now
    tried_word = turn.catalog.say(
        observer.language or turn.catalog.default, OBSERVE_TRIED.key(observation.tried or "yes")
    )
    await _tell_observer(
        turn,
        observer,
        "observe.follow_up_received",
        observation,
        next_step=observation.next_step or "",
        tried=tried_word,
        text=text,
    )
    await (
        turn.speaker()
        .disclosing(OBSERVATION_FEEDBACK, observer.id)
        .say("observe.follow_up_sent", observer=observer.name)
    )
