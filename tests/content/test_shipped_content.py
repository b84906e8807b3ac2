"""Every shipped flow, in every enabled language, walked down every branch to its end; and
every golden transcript replayed through the engine."""

import re
from collections.abc import Iterator
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
            several = [ButtonInput(step.id, c.id) for c in answer.choices[: answer.most]]
            none: list[list[Input]] = [[ButtonInput(step.id, DONE)]] if answer.min == 0 else []
            return [*singles, [*several, ButtonInput(step.id, DONE)], *none]
        case YesNoAnswer():
            return [[ButtonInput(step.id, "yes")], [ButtonInput(step.id, "no")]]
        case DateAnswer():
            return [[ButtonInput(step.id, "today")]]
        case MediaAnswer():
            return [[MediaInput(answer.type, "file")]]
    raise AssertionError(step)


def walk(flow: Flow, lang: str) -> tuple[list[tuple[str, ...]], set[str]]:
    """Depth-first over every branch; returns the finished paths (the steps each went through)
    and the steps seen."""
    finished: list[tuple[str, ...]] = []
    seen: set[str] = set()
    state, effects = start(flow, CONTENT.catalog, lang, "UTC", NOW)
    todo = [(state, 0)]
    while todo:
        state, depth = todo.pop()
        assert depth < 100, f"{flow.id} runs in circles"
        if state.status == "completed":
            finished.append(state.history)
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
    assert finished
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


def test_every_reflection_asks_about_the_baby_and_closes_with_the_alliance_in_13_questions_at_most():
    """RIOS: the baby or child is in every reflection, right after how she felt; the alliance
    with her supervisor closes each, before the share question; at most two more elements."""
    flow = CONTENT.flows["rios_reflection"]
    paths, _ = walk(flow, "en")
    asked = [[step for step in path if flow.step(step).answer is not None] for path in paths]
    for path in asked:
        assert path[path.index("respond") + 1] == "explore_baby"
        assert path[-2:] == ["explore_alliance", "share"]
    assert flow.step("explore_baby").tags["rios_element"] == "baby_in_mind"
    assert flow.step("explore_alliance").tags["rios_element"] == "reflective_alliance"
    assert max(len(path) for path in asked) == 13  # 14 when she could tick all five elements
    assert min(len(path) for path in asked) == 11  # no element ticked: the baby is still asked


def english_and_spanish(flow: Flow) -> Iterator[tuple[str, str]]:
    """Every text of a flow the person reads, in English and Spanish, as (language, text)."""
    texts = [flow.title, flow.description, flow.done]
    for step in flow.steps:
        texts += [step.ask, step.label]
        answer = step.answer
        texts += [choice.label for choice in getattr(answer, "choices", [])]
        texts += list(getattr(answer, "labels", {}).values())
    for text in texts:
        for lang in ("en", "es"):
            if text is not None and lang in text:
                yield lang, text[lang]


def test_the_self_check_names_the_practitioner_without_a_gender():
    gendered = {
        "en": re.compile(r"\b(she|her|hers|he|him|his)\b", re.IGNORECASE),
        "es": re.compile(r"\b(juntos|juntas|de sí)(?!\w)", re.IGNORECASE),
    }
    found = [
        (lang, text)
        for lang, text in english_and_spanish(CONTENT.flows["rios_selfcheck"])
        if gendered[lang].search(text)
    ]
    assert found == []
