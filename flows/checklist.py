"""Observation checklists as authors write them in `content/checklists/` (issue 25): what a
supervisor looks at when she observes someone's practice, item by item, with guidance for her.

Only the shape lives here, like `flows.spec`; ids used twice, roles and translations are checked
by `flows.validate`, which reports each at its own line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from flows.loader import PathKey
from flows.spec import ID_PATTERN, Model, Text

MAX_LEVELS = 7  # a scale's buttons fit on one row of a chat
SEEN = ("yes", "no", "not_seen")  # a `seen` item's answers, as stored
TRIED = ("yes", "partly", "not_yet")  # whether she tried the next step, asked at its date


class ScaleItemAnswer(Model):
    """A level from `min` to `max`, each with its own word (1 "not yet" … 4 "consistently")."""

    type: Literal["scale"]
    min: Annotated[int, Field(ge=0)] = 1
    max: int = 4
    levels: dict[int, Text]

    @model_validator(mode="after")
    def _a_word_for_each_level(self) -> ScaleItemAnswer:
        if not self.min < self.max < self.min + MAX_LEVELS:
            raise ValueError(f"a scale needs min < max and at most {MAX_LEVELS} levels")
        wanted = range(self.min, self.max + 1)
        unnamed = [level for level in wanted if level not in self.levels]
        if unnamed:
            raise ValueError(f"levels without their word: {', '.join(map(str, unnamed))}")
        stray = sorted(level for level in self.levels if level not in wanted)
        if stray:
            raise ValueError(f"words for levels outside {self.min}..{self.max}: {stray}")
        return self


class SeenAnswer(Model):
    """Yes, no, or not seen during this observation (so "no" is never guessed)."""

    type: Literal["seen"]


class CountAnswer(Model):
    """A whole number: children visited, activities shown."""

    type: Literal["count"]
    min: Annotated[int, Field(ge=0)] = 0
    max: int | None = None

    @model_validator(mode="after")
    def _bounds(self) -> CountAnswer:
        if self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


ItemAnswer = Annotated[ScaleItemAnswer | SeenAnswer | CountAnswer, Field(discriminator="type")]


class Item(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    text: Text  # what is observed, as both read it
    guidance: Text  # for the observer only: what to look for, strengths first
    answer: ItemAnswer
    note: Literal["optional", "required"] | None = None  # None: no note is asked
    note_below: int | None = None  # a scale item asks for a note when scored below this level

    @field_validator("note_below")
    @classmethod
    def _within_the_scale(cls, note_below: int | None, info: ValidationInfo) -> int | None:
        answer, note = info.data.get("answer"), info.data.get("note")
        if note_below is None or answer is None:  # no answer: its own problem is reported
            return note_below
        if not isinstance(answer, ScaleItemAnswer):
            raise ValueError("note_below is for scale items only")
        if note == "required":
            raise ValueError("note_below with note: required: the note is always required")
        if not answer.min < note_below <= answer.max:
            raise ValueError(f"{note_below} is not within the scale: use {answer.min + 1}..{answer.max}")
        return note_below

    def texts(self) -> Iterator[tuple[PathKey, Text]]:
        yield ("text",), self.text
        yield ("guidance",), self.guidance
        if isinstance(self.answer, ScaleItemAnswer):
            for level, word in self.answer.levels.items():
                yield ("answer", "levels", level), word


class Section(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    items: Annotated[list[Item], Field(min_length=1)]


class Checklist(Model):
    """One checklist per file, named by its id: who observes whom, and what, section by section."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    observer_roles: Annotated[list[str], Field(min_length=1)]
    observed_roles: Annotated[list[str], Field(min_length=1)]
    reflection: Annotated[str, Field(pattern=ID_PATTERN)] | None = None  # the flow /reflect opens on it
    sections: Annotated[list[Section], Field(min_length=1)]

    @field_validator("observer_roles", "observed_roles")
    @classmethod
    def _each_once(cls, roles: list[str]) -> list[str]:
        if len(set(roles)) != len(roles):
            raise ValueError("a role is named twice")
        return roles

    def items(self) -> Iterator[tuple[Section, Item]]:
        """Every item in the order observed, with its section."""
        for section in self.sections:
            for item in section.items:
                yield section, item

    def ids(self) -> Iterator[tuple[PathKey, str, str]]:
        """Where each section's and item's id is written, and which it is: a section's id is
        unique among the sections, an item's among all the checklist's items (answers and notes
        will be kept by item id)."""
        for i, section in enumerate(self.sections):
            yield ("sections", i, "id"), "section", section.id
            for j, item in enumerate(section.items):
                yield ("sections", i, "items", j, "id"), "item", item.id

    def texts(self) -> Iterator[tuple[PathKey, Text]]:
        yield ("title",), self.title
        for i, section in enumerate(self.sections):
            yield ("sections", i, "title"), section.title
            for j, item in enumerate(section.items):
                for path, text in item.texts():
                    yield ("sections", i, "items", j, *path), text
