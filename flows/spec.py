"""The content model: flows as authors write them in YAML, validated by pydantic at load.

Only the shape lives here; cross-references (goto targets, reachability, translations) are
checked by `flows.validate`, which needs the whole content folder to judge them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flows.bounds import AHEAD
from flows.conditions import Condition, parse_condition

# A user-visible string in every language the program ships: {en: "...", es: "..."}.
Text = dict[str, str]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,30}$"
ROLES = ("admin", "supervisor", "facilitator", "home_visitor", "circle_member")
# A learning circle's member and nothing more (issue 18): no team, so no flow, check-in,
# bulletin or summary is for her; only the circle's own private side is.
CIRCLE_MEMBER = "circle_member"
PROGRAM_ROLES = tuple(role for role in ROLES if role != CIRCLE_MEMBER)  # what flows and audiences may name


def circle_only(roles: frozenset[str]) -> bool:
    """Whether her one role is a circle's membership: the program's audiences pass her over."""
    return roles == {CIRCLE_MEMBER}


RIOS_TASKS = ("describing", "responding", "exploring", "linking", "integrating")
DEFAULT_EXPIRES_AFTER = timedelta(hours=48)
END = "end"

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(value: str) -> timedelta:
    """Parse `30m`, `48h`, `7d` or `2w`: the one duration syntax of content and the CLI."""
    match = _DURATION.match(value)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{value!r} is not a duration like 30m, 48h, 7d or 2w")
    if (
        len(match.group(1)) > 6
        or (duration := timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})) > AHEAD
    ):
        raise ValueError(f"{value!r} is longer than a year")
    return duration


def refuse_doubles(ids: list[str], what: str) -> None:
    doubled = sorted({i for i in ids if ids.count(i) > 1})
    if doubled:
        raise ValueError(f"{what} ids used twice: {', '.join(doubled)}")


class Model(BaseModel):
    """Strict base: an unknown key is a typo worth reporting, not something to ignore."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: Text


class TextAnswer(Model):
    type: Literal["text"]
    min_length: Annotated[int, Field(ge=0)] = 1
    max_length: Annotated[int, Field(ge=1, le=4000)] = 4000

    @model_validator(mode="after")
    def _bounds(self) -> TextAnswer:
        if self.min_length > self.max_length:
            raise ValueError("min_length is larger than max_length")
        return self


class NumberAnswer(Model):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> NumberAnswer:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class ScaleAnswer(Model):
    type: Literal["scale"]
    min: int = 1
    max: int = 5
    labels: dict[int, Text] = {}

    @model_validator(mode="after")
    def _bounds(self) -> ScaleAnswer:
        if not 0 <= self.min < self.max <= self.min + 10:
            raise ValueError("a scale needs min < max, at most 11 points, from 0 up")
        stray = sorted(point for point in self.labels if not self.min <= point <= self.max)
        if stray:
            raise ValueError(f"labels for points outside {self.min}..{self.max}: {stray}")
        return self


class _Choices(Model):
    choices: Annotated[list[Choice], Field(min_length=2, max_length=12)]

    @field_validator("choices")
    @classmethod
    def _unique_ids(cls, choices: list[Choice]) -> list[Choice]:
        refuse_doubles([choice.id for choice in choices], "choice")
        return choices


class ChoiceAnswer(_Choices):
    type: Literal["choice"]


class MultiAnswer(_Choices):
    type: Literal["multi"]
    min: Annotated[int, Field(ge=0)] = 1
    max: int | None = None

    @property
    def most(self) -> int:
        """How many she may pick: `max`, else every choice."""
        return len(self.choices) if self.max is None else self.max

    @model_validator(mode="after")
    def _bounds(self) -> MultiAnswer:
        if not self.min <= self.most <= len(self.choices):
            raise ValueError("multi needs min <= max <= number of choices")
        return self


class YesNoAnswer(Model):
    type: Literal["yesno"]


class DateAnswer(Model):
    type: Literal["date"]
    allow_future: bool = False
    max_days_ago: Annotated[int, Field(ge=0)] | None = None


Media = Literal["photo", "voice"]


class MediaAnswer(Model):
    type: Media


Answer = Annotated[
    TextAnswer
    | NumberAnswer
    | ScaleAnswer
    | ChoiceAnswer
    | MultiAnswer
    | YesNoAnswer
    | DateAnswer
    | MediaAnswer,
    Field(discriminator="type"),
]


class Rule(Model):
    """One branch of `next`: the first rule whose `when` holds (or has none) wins."""

    when: str | None = None
    goto: Annotated[str, Field(pattern=ID_PATTERN)]

    @field_validator("when")
    @classmethod
    def _parses(cls, when: str | None) -> str | None:
        if when is not None:
            parse_condition(when)
        return when

    @property
    def condition(self) -> Condition | None:
        return None if self.when is None else parse_condition(self.when)


class Step(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    ask: Text
    answer: Answer | None = None  # None: a message that needs no answer
    label: Text | None = None  # short name for the closing summary
    optional: bool = False  # allows /skip
    tags: dict[str, str] = {}
    next: list[Rule] = []

    @field_validator("id")
    @classmethod
    def _not_end(cls, step_id: str) -> str:
        if step_id == END:
            raise ValueError(f"'{END}' is reserved for the end of the flow")
        return step_id

    @field_validator("tags")
    @classmethod
    def _known_rios_task(cls, tags: dict[str, str]) -> dict[str, str]:
        task = tags.get("rios_task")
        if task is not None and task not in RIOS_TASKS:
            raise ValueError(f"rios_task must be one of {', '.join(RIOS_TASKS)}")
        return tags


class Alert(Model):
    """A finished run that should reach the person's supervisor at once: when `when` holds for
    this run and the `in_a_row - 1` before it."""

    when: str
    in_a_row: Annotated[int, Field(ge=1, le=12)] = 1
    reason: Text  # what the supervisor reads, e.g. "asked for support"

    @field_validator("when")
    @classmethod
    def _parses(cls, when: str) -> str:
        parse_condition(when)
        return when

    @property
    def condition(self) -> Condition:
        return parse_condition(self.when)


CIRCLE_COMMANDS = ("circle", "session", "next", "prev", "pause", "end")  # a learning circle's group
BUILT_IN_COMMANDS = (
    *CIRCLE_COMMANDS,
    "start",
    "help",
    "language",
    "cancel",
    "back",
    "skip",
    "invite",
    "bulletin",
    "settings",
    "away",
    "snooze",
    "summary",
    "pdsa",
    "log",
    "note",
)


class Flow(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    description: Text | None = None
    for_roles: Annotated[list[str], Field(min_length=1)]
    command: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")] | None = None  # e.g. reflect
    share_step: str | None = None  # a yes/no step: "yes" shares the answers with the supervisor
    trend: bool = False  # at the end, show the person's own scale answers over recent runs
    expires_after: timedelta = DEFAULT_EXPIRES_AFTER
    summary: bool = True  # close with a summary of the person's own answers
    done: Text | None = None  # closing words after the summary
    alerts: list[Alert] = []  # finished runs that alert the supervisor
    steps: Annotated[list[Step], Field(min_length=1)]

    @field_validator("command")
    @classmethod
    def _not_built_in(cls, command: str | None) -> str | None:
        if command in BUILT_IN_COMMANDS:
            raise ValueError(f"/{command} is the bot's own command")
        return command

    @model_validator(mode="after")
    def _share_step_is_yes_no(self) -> Flow:
        if self.share_step is not None:
            found = [step for step in self.steps if step.id == self.share_step]
            if not found or not isinstance(found[0].answer, YesNoAnswer):
                raise ValueError(f"share_step {self.share_step!r} must be a yesno step of this flow")
        return self

    @field_validator("expires_after", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("steps")
    @classmethod
    def _unique_step_ids(cls, steps: list[Step]) -> list[Step]:
        refuse_doubles([step.id for step in steps], "step")
        return steps

    def step(self, step_id: str) -> Step:
        return self.steps[self.index(step_id)]

    def index(self, step_id: str) -> int:
        for position, step in enumerate(self.steps):
            if step.id == step_id:
                return position
        raise KeyError(step_id)


class Program(Model):
    """`content/program.yaml`: what the program tells people about itself."""

    # How to get help now (a phone number, a person to write to), in every enabled language: told
    # to her when a check-in alerts someone.
    contact: Text


class Language(Model):
    name: str
    direction: Literal["ltr", "rtl"] = "ltr"


class Languages(Model):
    """`content/languages.yaml`: the one place that says which languages a program enables."""

    default: str
    enabled: Annotated[list[str], Field(min_length=1)]
    languages: dict[str, Language]

    @model_validator(mode="after")
    def _known(self) -> Languages:
        unknown = [code for code in self.enabled if code not in self.languages]
        if unknown:
            raise ValueError(f"enabled languages not described under languages: {unknown}")
        if self.default not in self.enabled:
            raise ValueError(f"the default language {self.default!r} is not enabled")
        return self
