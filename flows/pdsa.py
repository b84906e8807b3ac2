"""The PDSA part of the content: which flows ask a project and each stage of a cycle, and the
example projects shipped as templates (`content/pdsa.yaml`). The code reads a flow's answers by
its steps' `pdsa:` tags, so `flows.validate` checks that each flow carries the tags its part
needs, on steps of the right answer type."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from flows.spec import ID_PATTERN, Model, Text, refuse_doubles

FREQUENCIES = ("daily", "visit", "weekly")
DECISIONS = ("adopt", "adapt", "abandon")
PARTS = ("project", "plan", "study", "act")
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
    "study": {"observed": "text", "learned": "text"},
    "act": {"decision": "choice", "next": "text"},
}
OPTIONAL_TAGS = {"project": {"min": "number", "max": "number", "goal": "number"}}
CHOICE_IDS = {"frequency": FREQUENCIES, "decision": DECISIONS}


class PdsaFlows(Model):
    project: Annotated[str, Field(pattern=ID_PATTERN)]
    plan: Annotated[str, Field(pattern=ID_PATTERN)]
    study: Annotated[str, Field(pattern=ID_PATTERN)]
    act: Annotated[str, Field(pattern=ID_PATTERN)]


class ProjectTemplate(Model):
    """A worked example project: she starts from it with one press."""

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

    @model_validator(mode="after")
    def _range(self) -> ProjectTemplate:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("min must be below max")
        if self.goal is not None and (
            (self.min is not None and self.goal < self.min) or (self.max is not None and self.goal > self.max)
        ):
            raise ValueError("the goal is outside min..max")
        return self


class PdsaContent(Model):
    flows: PdsaFlows
    templates: tuple[ProjectTemplate, ...] = ()

    @field_validator("templates")
    @classmethod
    def _unique(cls, templates: tuple[ProjectTemplate, ...]) -> tuple[ProjectTemplate, ...]:
        refuse_doubles([template.id for template in templates], "template")
        return templates
