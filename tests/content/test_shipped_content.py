"""Every shipped flow, in every enabled language, walked down every branch to its end; and
every golden transcript replayed through the engine."""

from datetime import UTC, datetime

import pytest

from content import BUNDLED_CONTENT
from flows.engine import advance, start
from flows.run import DONE, ButtonInput, Input, MediaInput, Say, TextInput
from flows.spec import (
    ChoiceAnswer,
    DateAnswer,
    Flow,
    MediaAnswer,
    MultiAnswer,
    NumberAnswer,
    ScaleAnswer,
    Step,
    TextAnswer,
    YesNoAnswer,
)
from flows.transcript import replay
from flows.validate import load_content

CONTENT = load_content(BUNDLED_CONTENT)
NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def answers_for(step: Step) -> list[list[Input]]:
    """Valid ways to answer a step, enough to take every branch."""
    answer = step.answer
    match answer:
        case TextAnswer():
            return [[TextInput("x" * max(answer.min_length, 1))]]
        case NumberAnswer():
            return [[TextInput(str(answer.min if answer.min is not None else 1))]]
        case ScaleAnswer():
            return [[ButtonInput(step.id, str(answer.min))], [ButtonInput(step.id, str(answer.max))]]
        case ChoiceAnswer():
            return [[ButtonInput(step.id, choice.id)] for choice in answer.choices]
        case MultiAnswer():
            singles: list[list[Input]] = [
                [ButtonInput(step.id, c.id), ButtonInput(step.id, DONE)] for c in answer.choices
            ]
            limit = answer.max or len(answer.choices)
            several = [ButtonInput(step.id, c.id) for c in answer.choices[:limit]]
            return [*singles, [*several, ButtonInput(step.id, DONE)]]
        case YesNoAnswer():
            return [[ButtonInput(step.id, "yes")], [ButtonInput(step.id, "no")]]
        case DateAnswer():
            return [[ButtonInput(step.id, "today")]]
        case MediaAnswer():
            return [[MediaInput(answer.type, "file")]]
    raise AssertionError(step)


def walk(flow: Flow, lang: str) -> tuple[int, set[str]]:
    """Depth-first over every branch; returns the number of finished paths and the steps seen."""
    finished, seen = 0, set()
    state, effects = start(flow, CONTENT.catalog, lang, "UTC", NOW)
    todo = [(state, 0)]
    while todo:
        state, depth = todo.pop()
        assert depth < 100, f"{flow.id} runs in circles"
        if state.status == "completed":
            finished += 1
            continue
        assert state.status == "active" and state.step_id is not None
        seen.add(state.step_id)
        step = flow.step(state.step_id)
        for inputs in answers_for(step):
            branch = state
            for given in inputs:
                branch, effects = advance(flow, CONTENT.catalog, branch, given, NOW)
                for effect in effects:
                    if isinstance(effect, Say):
                        assert effect.text.strip() and len(effect.text) <= 4096
            assert branch.step_id != state.step_id or branch.status != "active", f"stuck at {step.id}"
            todo.append((branch, depth + 1))
    return finished, seen


@pytest.mark.parametrize("lang", CONTENT.languages.enabled)
@pytest.mark.parametrize("flow_id", sorted(CONTENT.flows))
def test_every_flow_walks_to_an_end_in_every_enabled_language(flow_id, lang):
    flow = CONTENT.flows[flow_id]
    finished, seen = walk(flow, lang)
    assert finished > 0
    asked = {step.id for step in flow.steps if step.answer is not None}
    assert asked <= seen, f"never asked: {asked - seen}"


@pytest.mark.parametrize("path", CONTENT.transcripts(), ids=lambda path: path.name)
def test_golden_transcripts_replay(path):
    assert replay(path, CONTENT) == []


def test_every_shipped_flow_has_a_transcript_in_every_enabled_language():
    recorded = {path.name.removesuffix(".yaml") for path in CONTENT.transcripts()}
    expected = {f"{flow}.{lang}" for flow in CONTENT.flows for lang in CONTENT.languages.enabled}
    assert expected <= recorded


def test_the_reflection_walks_the_five_tasks_and_the_elements():
    flow = CONTENT.flows["rios_reflection"]
    tasks = {step.tags.get("rios_task") for step in flow.steps}
    assert {"describing", "responding", "exploring", "linking", "integrating"} <= tasks
    elements = {step.tags.get("rios_element") for step in flow.steps} - {None}
    assert elements == {
        "family_story",
        "baby_in_mind",
        "use_of_self",
        "reflective_alliance",
        "parallel_process",
    }
