"""The one open question whose answer is her next words (DESIGN.md rule 8).

A prompt is typed: each kind is a frozen dataclass with a `kind` tag, stored on the person as
JSON with a version and the moment it opened. A flow run is the other kind of conversation
(its own table); outside one, at most one prompt is open, and it lapses after its `lapse` of
silence: a one-line question left for two hours no longer takes what she writes next, and what
waits in her queue is asked instead. Nothing here opens a prompt over another: features ask
`waiting.is_free` first, or queue what they want to ask (services.core.waiting)."""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from services.core.fields import typed_fields
from store.models import Person

VERSION = 1
ONE_LINE_LAPSE = timedelta(hours=2)


@dataclass(frozen=True)
class Prompt:
    """An open question. Subclasses set `kind` and declare their fields (int, str, bool, None)."""

    kind: ClassVar[str]
    lapse: ClassVar[timedelta] = ONE_LINE_LAPSE
    takes_media: ClassVar[bool] = False  # a photo or voice note answers it (else only text)


_KINDS: dict[str, type[Prompt]] = {}
P = TypeVar("P", bound=type[Prompt])


def prompt_kind(cls: P) -> P:
    """Register a prompt kind, so that stored prompts of it can be read back."""
    if cls.kind in _KINDS and _KINDS[cls.kind] is not cls:
        raise ValueError(f"two prompt kinds named {cls.kind!r}")
    _KINDS[cls.kind] = cls
    return cls


def dump(prompt: Prompt, opened_at: datetime) -> dict[str, Any]:
    return {"v": VERSION, "kind": prompt.kind, "opened_at": opened_at.isoformat(), **asdict(prompt)}


def load(data: dict[str, Any] | None) -> Prompt | None:
    """A stored prompt, or None for anything not written by this version's kinds."""
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    cls = _KINDS.get(str(data.get("kind")))
    if cls is None:
        return None
    values = {}
    for name, hint in typed_fields(cls):
        value = data.get(name)
        if not _fits(value, hint):
            return None
        values[name] = value
    return cls(**values)


def _fits(value: object, hint: object) -> bool:
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is type(None) and value is None:
            return True
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if option in (str, bool) and isinstance(value, option):
            return True
    return False


def current(person: Person, now: datetime) -> Prompt | None:
    """Her open prompt, unless it has lapsed or cannot be read."""
    if person.awaiting is None or (person.prompt_lapses_at is not None and person.prompt_lapses_at <= now):
        return None
    return load(person.awaiting)


def open_prompt(person: Person, prompt: Prompt, now: datetime) -> None:
    """Open (or re-open, after an answer that was asked again) her prompt: silence counts from now."""
    person.awaiting = dump(prompt, now)
    person.prompt_lapses_at = now + prompt.lapse


def drop_lapsed(person: Person, now: datetime) -> None:
    """A lapsed (or unreadable) prompt is cleared: her words are no longer its answer."""
    if person.awaiting is not None and current(person, now) is None:
        close(person)


def heard(person: Person, prompt: Prompt, now: datetime) -> None:
    """She answered it: silence counts again from now, whether it stays open or not."""
    person.prompt_lapses_at = now + prompt.lapse


def close(person: Person) -> None:
    if person.awaiting is not None or person.prompt_lapses_at is not None:  # else nothing to write
        person.awaiting = None
        person.prompt_lapses_at = None
