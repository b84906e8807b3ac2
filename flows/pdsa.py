"""The PDSA part of the content (`content/pdsa.yaml`): which flows ask for a project and for
each part of a cycle, and the example projects shipped as templates.

The code reads a PDSA flow's answers by its steps' `pdsa:` tags, not by step ids, so authors
may reword and reorder freely; `flows.validate` checks that each flow carries the tags its part
needs, on steps of the right answer type. Only the shape lives here (pure, no I/O).
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from flows.bounds import NAME_LIMIT
from flows.runchart import RuleSet
from flows.schedules import DAYS, Day
from flows.spec import ID_PATTERN, Model, Text, refuse_doubles

FREQUENCIES = ("daily", "visit", "weekly")  # a data point every day, after each visit, each week
DECISIONS = ("adopt", "adapt", "abandon")  # Act: keep and spread, change the plan, drop it
# Study, first: was the change carried out as planned? A change not tried is not a change that failed.
CARRIED_OUT = ("as_planned", "partly", "not_at_all")
PARTS = ("project", "plan", "carried_out", "study", "act")
STAGES = ("baseline", "plan", "do", "study", "act", "done")  # where a project stands; baseline: no cycle yet
TAG = "pdsa"  # the step tag whose value names the field an answer fills

# The tags each part's flow must carry, with the answer type each tag's step needs.
REQUIRED_TAGS: dict[str, dict[str, str]] = {
    "project": {
        "aim": "text",
        "measure": "text",
        "unit": "text",
        "frequency": "choice",
        "higher_is_better": "yesno",
        "change_ideas": "text",
    },
    "plan": {
        "change": "text",
        "objective": "text",
        "questions": "text",
        "prediction": "text",
        "plan": "text",
        "data_plan": "text",
        "days": "number",
    },
    "carried_out": {"carried_out": "choice", "obstacles": "text"},
    "study": {"observed": "text", "learned": "text"},
    "act": {"decision": "choice", "next": "text"},
}
# Tags a part's flow may carry (the measure's valid range and goal may be skipped).
OPTIONAL_TAGS: dict[str, dict[str, str]] = {"project": {"min": "number", "max": "number", "goal": "number"}}
# Choice tags whose choice ids the code branches on: exactly these, in any order.
CHOICE_IDS: dict[str, tuple[str, ...]] = {
    "frequency": FREQUENCIES,
    "decision": DECISIONS,
    "carried_out": CARRIED_OUT,
}
# As long as the project flow lets her type them: the chat shows them on buttons and charts.
MEASURE_MAX = NAME_LIMIT
UNIT_MAX = 20  # a word or a sign
SHORT_TAGS = {"measure": MEASURE_MAX, "unit": UNIT_MAX}


def tags_of(part: str) -> dict[str, str]:
    """Every tag a part's flow may carry, with its answer type."""
    return {**REQUIRED_TAGS[part], **OPTIONAL_TAGS.get(part, {})}


class PdsaFlows(Model):
    project: Annotated[str, Field(pattern=ID_PATTERN)]
    plan: Annotated[str, Field(pattern=ID_PATTERN)]
    carried_out: Annotated[str, Field(pattern=ID_PATTERN)]  # Study's first questions, before the chart
    study: Annotated[str, Field(pattern=ID_PATTERN)]
    act: Annotated[str, Field(pattern=ID_PATTERN)]

    @model_validator(mode="after")
    def _one_part_each(self) -> PdsaFlows:
        """A finished flow tells the code which part it played, so no flow may play two."""
        named = [getattr(self, part) for part in PARTS]
        doubled = sorted({flow for flow in named if named.count(flow) > 1})
        if doubled:
            raise ValueError(f"a flow can play only one part: {', '.join(doubled)}")
        return self


def _short(text: Text, limit: int, what: str) -> Text:
    long = sorted(lang for lang, words in text.items() if len(words) > limit)
    if long:
        raise ValueError(f"the {what} is longer than {limit} characters in {', '.join(long)}")
    return text


class ProjectTemplate(Model):
    """A worked example project she can start from with one press (and reword in a plan)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    aim: Text
    measure: Text
    unit: Text
    frequency: Literal["daily", "visit", "weekly"]
    higher_is_better: bool = True
    min: float | None = None
    max: float | None = None
    goal: float | None = None
    change_ideas: Annotated[list[Text], Field(min_length=1, max_length=12)]

    @field_validator("frequency", mode="before")
    @classmethod
    def _known_frequency(cls, value: Any) -> Any:
        if value not in FREQUENCIES:
            raise ValueError(f"unknown frequency {value!r}: one of {', '.join(FREQUENCIES)}")
        return value

    @field_validator("measure")
    @classmethod
    def _short_measure(cls, measure: Text) -> Text:
        return _short(measure, MEASURE_MAX, "measure")

    @field_validator("unit")
    @classmethod
    def _short_unit(cls, unit: Text) -> Text:
        return _short(unit, UNIT_MAX, "unit")

    # Field validators (not one for the model) so that a problem points at the line of `max`
    # or `goal`; fields are validated in order, so `min` and `max` are known by then.
    @field_validator("max")
    @classmethod
    def _above_min(cls, high: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min")
        if high is not None and low is not None and high <= low:
            raise ValueError(f"max ({high:g}) must be greater than min ({low:g})")
        return high

    @field_validator("goal")
    @classmethod
    def _within_range(cls, goal: float | None, info: ValidationInfo) -> float | None:
        low, high = info.data.get("min"), info.data.get("max")
        if goal is not None and ((low is not None and goal < low) or (high is not None and goal > high)):
            shown = f"{'…' if low is None else f'{low:g}'} to {'…' if high is None else f'{high:g}'}"
            raise ValueError(f"the goal ({goal:g}) is outside the range of the measure ({shown})")
        return goal

    def texts(self) -> list[tuple[tuple[str | int, ...], Text]]:
        """Every text a person can see, with its path in the file, for the translation check."""
        found: list[tuple[tuple[str | int, ...], Text]] = [
            ((key,), getattr(self, key)) for key in ("title", "aim", "measure", "unit")
        ]
        return found + [(("change_ideas", k), idea) for k, idea in enumerate(self.change_ideas)]


class Prompts(Model):
    """When the bot asks for a data point, in each person's own timezone: daily measures every
    day, per-visit ones on weekdays (visits are on working days), weekly ones on `weekly_on`."""

    at: time = time(17, 0)  # the end of her working day
    weekly_on: Day = "friday"  # as the week ends

    @property
    def weekday(self) -> int:
        return DAYS.index(self.weekly_on)


class PdsaContent(Model):
    flows: PdsaFlows
    prompts: Prompts = Prompts()
    rules: RuleSet = RuleSet.ANHOEJ  # which run-chart rules judge every chart and caption
    templates: tuple[ProjectTemplate, ...] = ()

    @field_validator("rules", mode="before")
    @classmethod
    def _known_rules(cls, value: Any) -> Any:
        if value not in tuple(RuleSet):
            names = ", ".join(RuleSet)
            raise ValueError(f"unknown run-chart rules {value!r}: one of {names} (anhoej is the default)")
        return value

    @field_validator("templates")
    @classmethod
    def _unique(cls, templates: tuple[ProjectTemplate, ...]) -> tuple[ProjectTemplate, ...]:
        refuse_doubles([template.id for template in templates], "template")
        return templates
