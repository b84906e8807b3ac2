"""The flow engine: a pure function from (flow, state, input, now) to (new state, effects).

It knows nothing of Telegram, the database or the clock, so the bot, the simulator and the
golden-transcript tests all drive the very same conversations. Time is an input: a run whose
`expires_at` has passed treats whatever comes next as the end.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows.answers import Accepted, Context, Toggled, interpret
from flows.bounds import Problem
from flows.i18n import Catalog
from flows.render import question, summary
from flows.run import (
    KEEP,
    SKIP,
    ButtonInput,
    CommandInput,
    Effect,
    Finish,
    Input,
    Record,
    RunState,
    RunStatus,
    Say,
    TimeoutInput,
)
from flows.spec import END, Flow, Step

Turn = tuple[RunState, list[Effect]]


def start(
    flow: Flow,
    catalog: Catalog,
    lang: str,
    timezone: str,
    now: datetime,
    prefill: dict[str, Any] | None = None,
) -> Turn:
    """A new run at the first step, after the flow's description (who sees the answers: said
    once, here, so a run resumed later never repeats it); `prefill` answers (by step id) are
    offered to keep."""
    state = RunState(
        flow_id=flow.id,
        lang=lang,
        timezone=timezone,
        status=RunStatus.ACTIVE,
        step_id=flow.steps[0].id,
        answers={},
        history=(),
        selection=(),
        updated_at=now,
        expires_at=now + flow.expires_after,
        prefill={key: value for key, value in (prefill or {}).items() if value is not None},
    )
    opening: list[Effect] = []
    if flow.description is not None:
        opening.append(Say(catalog.lay_out(lang, catalog.pick(flow.description, lang))))
    return _ask(flow, catalog, state, opening)


def advance(flow: Flow, catalog: Catalog, state: RunState, given: Input, now: datetime) -> Turn:
    lang = state.lang
    if state.status != RunStatus.ACTIVE:
        return state, [_say(catalog, lang, "info.ended")]
    if now >= state.expires_at or state.step_id is None or not _has_step(flow, state.step_id):
        ended = state.evolve(status=RunStatus.EXPIRED, step_id=None, selection=(), updated_at=now)
        return ended, [_say(catalog, lang, "info.expired"), Finish(RunStatus.EXPIRED)]
    if isinstance(given, TimeoutInput):
        return state, []

    step = flow.step(state.step_id)
    # Any input is activity: it keeps the conversation alive for another `expires_after`.
    state = state.evolve(updated_at=now, expires_at=now + flow.expires_after)
    if isinstance(given, CommandInput):
        if given.command == "cancel":
            ended = state.evolve(status=RunStatus.CANCELLED, step_id=None, selection=())
            return ended, [_say(catalog, lang, "info.cancelled"), Finish(RunStatus.CANCELLED)]
        if given.command == "back":
            return _back(flow, catalog, state, step)
        return _skip(flow, catalog, state, step)
    if isinstance(given, ButtonInput) and given.step_id != step.id:
        return state, [_say(catalog, lang, "error.stale_button"), _question(catalog, state, step)]
    if isinstance(given, ButtonInput) and given.value == SKIP:
        return _skip(flow, catalog, state, step)
    if isinstance(given, ButtonInput) and given.value == KEEP:
        kept = _shown_answer(state, step)
        if kept is None:
            return state, [_say(catalog, lang, "error.stale_button"), _question(catalog, state, step)]
        return _answered(flow, catalog, state, step, kept)

    assert step.answer is not None  # message-only steps are never left waiting
    context = Context(catalog, lang, now, state.timezone, state.selection)
    outcome = interpret(step.answer, given, context)
    if isinstance(outcome, Problem):
        reason = _say(catalog, lang, outcome.key, **outcome.fields)
        return state, [reason, _question(catalog, state, step)]
    if isinstance(outcome, Toggled):
        state = state.evolve(selection=outcome.selection)
        return state, [_question(catalog, state, step, refresh=True)]
    assert isinstance(outcome, Accepted)
    return _answered(flow, catalog, state, step, outcome.value)


def current_question(flow: Flow, catalog: Catalog, state: RunState) -> Say | None:
    """The question a run is waiting on, to repeat after a command did its work (rule 8)."""
    if state.status != RunStatus.ACTIVE or state.step_id is None or not _has_step(flow, state.step_id):
        return None
    return _question(catalog, state, flow.step(state.step_id))


def _has_step(flow: Flow, step_id: str) -> bool:
    """False when the content changed under a running conversation and its step is gone."""
    return any(step.id == step_id for step in flow.steps)


def _say(catalog: Catalog, lang: str, key: str, **fields: object) -> Say:
    return Say(catalog.lay_out(lang, catalog.say(lang, key, **fields)))


def _shown_answer(state: RunState, step: Step) -> Any:
    """The answer shown with a question: hers from before /back, else one carried over."""
    given = state.answers.get(step.id)
    return state.prefill.get(step.id) if given is None else given


def _question(catalog: Catalog, state: RunState, step: Step, refresh: bool = False) -> Say:
    previous = _shown_answer(state, step)
    return question(step, catalog, state.lang, state.selection, previous, refresh)


def _answered(flow: Flow, catalog: Catalog, state: RunState, step: Step, value: object) -> Turn:
    effects: list[Effect] = [Record(step.id, value, dict(step.tags))]
    state = state.evolve(
        answers={**state.answers, step.id: value},
        history=(*state.history, step.id),
        selection=(),
    )
    return _move_on(flow, catalog, state, step, effects)


def _skip(flow: Flow, catalog: Catalog, state: RunState, step: Step) -> Turn:
    if not step.optional:
        return state, [_say(catalog, state.lang, "error.not_optional"), _question(catalog, state, step)]
    return _answered(flow, catalog, state, step, None)


def _back(flow: Flow, catalog: Catalog, state: RunState, step: Step) -> Turn:
    """Return to the last question she answered; her earlier answer is shown, kept until she
    gives a new one (and every answer ever given stays in the store)."""
    asked = [i for i, step_id in enumerate(state.history) if flow.step(step_id).answer is not None]
    if not asked:
        return state, [_say(catalog, state.lang, "info.back_at_start"), _question(catalog, state, step)]
    position = asked[-1]
    target = state.history[position]
    history = state.history[:position]
    answers = {k: v for k, v in state.answers.items() if k in history or k == target}
    state = state.evolve(step_id=target, history=history, answers=answers, selection=())
    return state, [_question(catalog, state, flow.step(target))]


def _next_step_id(flow: Flow, step: Step, state: RunState) -> str:
    for rule in step.next:
        condition = rule.condition
        if condition is None or condition.holds(state.answers):
            return rule.goto
    position = flow.index(step.id) + 1
    return flow.steps[position].id if position < len(flow.steps) else END


def _move_on(flow: Flow, catalog: Catalog, state: RunState, step: Step, effects: list[Effect]) -> Turn:
    next_id = _next_step_id(flow, step, state)
    if next_id == END:
        return _complete(flow, catalog, state, effects)
    return _ask(flow, catalog, state.evolve(step_id=next_id), effects)


def _ask(flow: Flow, catalog: Catalog, state: RunState, effects: list[Effect]) -> Turn:
    """Say the current step; a step that needs no answer is said and passed at once."""
    assert state.step_id is not None
    step = flow.step(state.step_id)
    if step.answer is not None:
        return state, [*effects, _question(catalog, state, step)]
    effects = [*effects, Say(catalog.lay_out(state.lang, catalog.pick(step.ask, state.lang)))]
    return _move_on(flow, catalog, state.evolve(history=(*state.history, step.id)), step, effects)


def _complete(flow: Flow, catalog: Catalog, state: RunState, effects: list[Effect]) -> Turn:
    closing: list[Effect] = []
    if flow.summary:
        closing.extend(summary(flow, state.answers, state.history, catalog, state.lang))
    if flow.done is not None:
        closing.append(Say(catalog.lay_out(state.lang, catalog.pick(flow.done, state.lang))))
    done = state.evolve(status=RunStatus.COMPLETED, step_id=None, selection=())
    return done, [*effects, *closing, Finish(RunStatus.COMPLETED)]
