"""Turn one input into an answer value for one step — or a reason, in the person's words,
why it cannot be taken. Values are JSON-friendly so they store and replay as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flows.bounds import Problem, read_day, read_number
from flows.i18n import MEDIA_EXPECTED, Catalog
from flows.run import DONE, ButtonInput, Input, MediaInput, TextInput
from flows.spec import (
    Answer,
    ChoiceAnswer,
    DateAnswer,
    MediaAnswer,
    MultiAnswer,
    NumberAnswer,
    ScaleAnswer,
    TextAnswer,
    YesNoAnswer,
)

TODAY = "today"
YESTERDAY = "yesterday"


@dataclass(frozen=True)
class Accepted:
    value: Any


@dataclass(frozen=True)
class Toggled:
    """A multiple-choice pick switched on or off; the answer is not given until Done."""

    selection: tuple[str, ...]


Outcome = Accepted | Problem | Toggled


@dataclass(frozen=True)
class Context:
    catalog: Catalog
    lang: str
    now: datetime
    timezone: str
    selection: tuple[str, ...]


def interpret(answer: Answer, given: Input, ctx: Context) -> Outcome:
    match answer:
        case TextAnswer():
            return _text(answer, given)
        case NumberAnswer():
            return _number(answer, given)
        case ScaleAnswer():
            return _scale(answer, given)
        case ChoiceAnswer():
            return _choice(answer, given, ctx)
        case MultiAnswer():
            return _multi(answer, given, ctx)
        case YesNoAnswer():
            return _yesno(given, ctx)
        case DateAnswer():
            return _date(answer, given, ctx)
        case MediaAnswer():
            return _media(answer, given)
    raise AssertionError(f"unknown answer type {answer!r}")


def _typed(given: Input) -> str | None:
    """The text of a typed answer, or None for presses, photos and the like."""
    return given.text.strip() if isinstance(given, TextInput) else None


def _text(answer: TextAnswer, given: Input) -> Outcome:
    text = _typed(given)
    if text is None:
        return Problem("error.text_expected", {})
    if len(text) < answer.min_length:
        return Problem("error.text_too_short", {"min": answer.min_length})
    if len(text) > answer.max_length:
        return Problem("error.text_too_long", {"max": answer.max_length, "length": len(text)})
    return Accepted(text)


def _plain(number: float) -> int | float:
    return int(number) if number.is_integer() else number


def _number(answer: NumberAnswer, given: Input) -> Outcome:
    text = _typed(given)
    number = read_number("" if text is None else text)
    if isinstance(number, Problem):
        return number
    if answer.integer and not number.is_integer():
        return Problem("error.number_whole", {})
    low, high = answer.min, answer.max
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            return Problem("error.number_range", {"min": _plain(low), "max": _plain(high)})
        if low is not None:
            return Problem("error.number_min", {"min": _plain(low)})
        return Problem("error.number_max", {"max": _plain(high or 0)})
    return Accepted(_plain(number))


def _scale(answer: ScaleAnswer, given: Input) -> Outcome:
    raw = given.value if isinstance(given, ButtonInput) else _typed(given)
    point = read_number("" if raw is None else raw)
    if isinstance(point, float) and point.is_integer() and answer.min <= point <= answer.max:
        return Accepted(int(point))
    return Problem("error.scale", {"min": answer.min, "max": answer.max})


def _match_choice(answer: ChoiceAnswer | MultiAnswer, token: str, ctx: Context) -> str | None:
    """A choice named by its number in the list, its label or its id."""
    token = token.strip().casefold()
    for number, choice in enumerate(answer.choices, start=1):
        label = ctx.catalog.pick(choice.label, ctx.lang).casefold()
        if token in (str(number), label, choice.id):
            return choice.id
    return None


def _choice(answer: ChoiceAnswer, given: Input, ctx: Context) -> Outcome:
    if isinstance(given, ButtonInput):
        chosen = given.value if given.value in {c.id for c in answer.choices} else None
    else:
        text = _typed(given)
        chosen = None if text is None else _match_choice(answer, text, ctx)
    return Problem("error.pick_button", {}) if chosen is None else Accepted(chosen)


def _multi(answer: MultiAnswer, given: Input, ctx: Context) -> Outcome:
    order = [choice.id for choice in answer.choices]
    # Picks of a choice the content has since removed no longer count (nor show).
    selected = set(ctx.selection) & set(order)
    if isinstance(given, ButtonInput) and given.value != DONE:
        if given.value not in order:
            return Problem("error.pick_button", {})
        picked = selected ^ {given.value}
        if len(picked) > answer.most:  # said at the press, not after Done: she unticks one first
            return Problem("error.multi_full", {"max": answer.most})
        return Toggled(tuple(c for c in order if c in picked))
    if isinstance(given, ButtonInput):
        picked = selected
    else:
        text = _typed(given)
        if text is None:
            return Problem("error.pick_button", {})
        matches = [_match_choice(answer, token, ctx) for token in re.split(r"[,;\s]+", text)]
        if not matches or None in matches:
            return Problem("error.pick_button", {})
        picked = {m for m in matches if m is not None}
    if len(picked) < answer.min:
        return Problem("error.multi_too_few", {"min": answer.min})
    if len(picked) > answer.most:
        return Problem("error.multi_too_many", {"max": answer.most})
    return Accepted([c for c in order if c in picked])


def _yesno(given: Input, ctx: Context) -> Outcome:
    raw = given.value if isinstance(given, ButtonInput) else _typed(given)
    if raw is not None:
        word = raw.casefold()
        if word in ctx.catalog.words(ctx.lang, "answer.yes_words"):
            return Accepted(True)
        if word in ctx.catalog.words(ctx.lang, "answer.no_words"):
            return Accepted(False)
    return Problem("error.yesno", {})


def _read_date(raw: str, today: date, ctx: Context) -> date | Problem:
    word = raw.casefold()
    if word == TODAY or word in ctx.catalog.words(ctx.lang, "answer.today_words"):
        return today
    if word == YESTERDAY or word in ctx.catalog.words(ctx.lang, "answer.yesterday_words"):
        return today - timedelta(days=1)
    return read_day(raw, today)


def _date(answer: DateAnswer, given: Input, ctx: Context) -> Outcome:
    """Dates are day-first (24/11/2026) or ISO, from the year 120 years back to a year ahead
    (flows.bounds); "today" is today where the person lives."""
    today = ctx.now.astimezone(ZoneInfo(ctx.timezone)).date()
    raw = given.value if isinstance(given, ButtonInput) else _typed(given)
    when = _read_date("" if raw is None else raw, today, ctx)
    if isinstance(when, Problem):
        return when
    if when > today and not answer.allow_future:
        return Problem("error.date_future", {})
    if answer.max_days_ago == 0 and when < today:  # a day ahead: an observation's next step
        return Problem("error.date_past", {})
    if answer.max_days_ago is not None and (today - when).days > answer.max_days_ago:
        return Problem("error.date_too_old", {"days": answer.max_days_ago})
    return Accepted(when.isoformat())


def _media(answer: MediaAnswer, given: Input) -> Outcome:
    if isinstance(given, MediaInput) and given.kind == answer.type:
        return Accepted({"kind": given.kind, "file_id": given.file_id, **given.meta})
    return Problem(MEDIA_EXPECTED.key(answer.type), {})
