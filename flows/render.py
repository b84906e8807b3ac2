"""What a person sees: questions with their buttons, answers shown back, the closing summary.

Rendering returns message data; one adapter (Telegram, the simulator) shows it."""

from __future__ import annotations

from typing import Any

from flows.bounds import MESSAGE_LIMIT
from flows.i18n import Catalog
from flows.run import DONE, KEEP, SKIP, Button, Say
from flows.spec import (
    ChoiceAnswer,
    DateAnswer,
    Flow,
    MultiAnswer,
    ScaleAnswer,
    Step,
    YesNoAnswer,
)

CHECKED = "✓ "


def question(
    step: Step,
    catalog: Catalog,
    lang: str,
    selection: tuple[str, ...] = (),
    previous: Any = None,
    refresh: bool = False,
) -> Say:
    lines = [catalog.pick(step.ask, lang)]
    if isinstance(step.answer, MultiAnswer):
        lines.append(_multi_hint(step.answer, catalog, lang))
    if step.optional:
        lines.append(catalog.say(lang, "hint.optional"))
    if previous is not None:
        shown = display(step, previous, catalog, lang)
        lines.append(catalog.say(lang, "hint.previous", answer=shown))
    text = catalog.lay_out(lang, "\n\n".join(lines))
    buttons = _buttons(step, catalog, lang, selection)
    if previous is not None:
        buttons = ((Button(catalog.say(lang, "button.keep"), KEEP),), *buttons)
    return Say(text, buttons, step.id, refresh)


def _multi_hint(answer: MultiAnswer, catalog: Catalog, lang: str) -> str:
    """Says "all that apply" only when she may pick them all; else how many, and if none will do."""
    if answer.most == len(answer.choices):
        return catalog.say(lang, "hint.multi")
    key = "hint.multi_up_to_or_none" if answer.min == 0 else "hint.multi_up_to"
    return catalog.say(lang, key, max=answer.most)


def _buttons(
    step: Step, catalog: Catalog, lang: str, selection: tuple[str, ...]
) -> tuple[tuple[Button, ...], ...]:
    answer = step.answer
    rows: list[tuple[Button, ...]] = []
    match answer:
        case ChoiceAnswer():
            rows = [(Button(catalog.pick(c.label, lang), c.id),) for c in answer.choices]
        case MultiAnswer():
            rows = [
                (Button((CHECKED if c.id in selection else "") + catalog.pick(c.label, lang), c.id),)
                for c in answer.choices
            ]
            rows.append((Button(catalog.say(lang, "button.done"), DONE),))
        case ScaleAnswer():
            points = range(answer.min, answer.max + 1)
            if answer.labels:
                rows = [(Button(_scale_label(answer, p, catalog, lang), str(p)),) for p in points]
            else:
                rows = [tuple(Button(str(p), str(p)) for p in points)]
        case YesNoAnswer():
            rows = [
                (
                    Button(catalog.say(lang, "answer.yes"), "yes"),
                    Button(catalog.say(lang, "answer.no"), "no"),
                )
            ]
        case DateAnswer():
            today = Button(catalog.say(lang, "answer.today"), "today")
            if answer.max_days_ago == 0:  # today or later: yesterday would be refused
                rows = [(today,)]
            else:
                rows = [(today, Button(catalog.say(lang, "answer.yesterday"), "yesterday"))]
    if step.optional:
        rows.append((Button(catalog.say(lang, "button.skip"), SKIP),))
    return tuple(rows)


def _scale_label(answer: ScaleAnswer, point: int, catalog: Catalog, lang: str) -> str:
    label = answer.labels.get(point)
    return f"{point} – {catalog.pick(label, lang)}" if label else str(point)


def display(step: Step, value: Any, catalog: Catalog, lang: str) -> str:
    """An answer as the person would say it back, in her language."""
    answer = step.answer
    if value is None:
        return catalog.say(lang, "summary.skipped")
    match answer:
        case ChoiceAnswer() | MultiAnswer():
            labels = {c.id: catalog.pick(c.label, lang) for c in answer.choices}
            chosen = value if isinstance(value, list) else [value]
            if not chosen:  # a multi that allows none, answered with none
                return catalog.say(lang, "answer.none_chosen")
            return ", ".join(labels.get(str(c), str(c)) for c in chosen)
        case ScaleAnswer():
            return _scale_label(answer, int(value), catalog, lang)
        case YesNoAnswer():
            return catalog.say(lang, "answer.yes" if value else "answer.no")
    if isinstance(value, dict) and value.get("kind") == "voice":
        return catalog.say(lang, "answer.voice", seconds=value.get("duration", "?"))
    if isinstance(value, dict):
        return catalog.say(lang, "answer.photo")
    return catalog.own_words(lang, str(value))


def answer_lines(
    flow: Flow,
    answers: dict[str, Any],
    path: tuple[str, ...],
    catalog: Catalog,
    lang: str,
    leave_out: str | None = None,
) -> list[str]:
    """Each answer along the path she took, as `• label` and the answer below it."""
    lines = []
    for step_id in dict.fromkeys(path):  # a step asked again (a loop back) is shown once, as answered last
        step = flow.step(step_id)
        if step.answer is None or step_id not in answers or step_id == leave_out:
            continue
        label = catalog.pick(step.label or step.ask, lang)
        lines.append(f"• {label}\n{display(step, answers[step_id], catalog, lang)}")
    return lines


def summary(
    flow: Flow, answers: dict[str, Any], path: tuple[str, ...], catalog: Catalog, lang: str
) -> list[Say]:
    """The person's own answers along the path she took, in as many messages as it needs."""
    lines = [catalog.say(lang, "summary.header"), *answer_lines(flow, answers, path, catalog, lang)]
    return [Say(part) for part in split_message(catalog.lay_out(lang, "\n\n".join(lines)))]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long text into messages under Telegram's limit, at paragraph or line ends where
    possible, never inside a word if it can be helped."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts
