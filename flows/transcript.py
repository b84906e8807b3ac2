"""Golden transcripts: a person's lines and the bot's expected lines, in YAML a content author
can write by hand or record with `circlebot simulate FLOW --record FILE`.

    flow: rios_reflection
    lang: en
    timezone: America/Lima        # optional, UTC by default
    now: 2026-11-24T15:00:00Z     # the clock of the conversation
    conversation:
      - bot: "When was the visit?\\n[1] Today\\n[2] Yesterday"
      - you: "2"
      ...
    ends: completed               # optional: completed, cancelled or active
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, field_validator

from flows.content import Content
from flows.loader import ContentError, PathKey, Problem, Source, read, unexpected
from flows.run import RunStatus
from flows.simulator import Conversation
from flows.spec import Model
from flows.wallclock import zone_named

Turn = dict[Literal["you", "bot"], str]


class Transcript(Model):
    flow: str
    lang: str
    timezone: str = "UTC"
    now: datetime
    conversation: Annotated[list[Turn], Field(min_length=1)]
    ends: Literal[RunStatus.COMPLETED, RunStatus.CANCELLED, RunStatus.ACTIVE] | None = None

    @field_validator("conversation")
    @classmethod
    def _one_speaker_each(cls, turns: list[Turn]) -> list[Turn]:
        for turn in turns:
            if len(turn) != 1:
                raise ValueError("each line of a conversation is either `you:` or `bot:`")
        return turns

    @field_validator("timezone")
    @classmethod
    def _a_zone(cls, timezone: str) -> str:
        if zone_named(timezone) is None:
            raise ValueError(f"{timezone!r} is not a timezone name like America/Lima")
        return timezone

    @field_validator("now")
    @classmethod
    def _aware(cls, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-11-24T15:00:00Z")
        return now


def replay(path: Path, content: Content, faulty: Collection[str] = frozenset()) -> list[Problem]:
    """Play the person's lines through the engine; report the first line the bot says
    differently, with the transcript's file and line. A transcript whose flow is in `faulty`
    (files with problems) is not played: a goto to nowhere, a loop, a missing text."""
    try:
        source = read(path, content.root)
        transcript = source.parse(Transcript)
    except ContentError as error:
        return error.problems
    flow = content.flows.get(transcript.flow)
    if flow is None:
        return [source.problem(("flow",), f"no flow {transcript.flow!r}")]
    if (flow_file := content.flow_source(transcript.flow).file) in faulty:
        return [source.problem(("flow",), f"not replayed: {flow_file} has problems")]
    at: PathKey = ("flow",)
    try:
        conversation = Conversation(flow, content.catalog, transcript.lang, transcript.timezone)
        pending = conversation.begin(transcript.now)
        for position, turn in enumerate(transcript.conversation):
            at = ("conversation", position)
            if "you" in turn:
                if pending:
                    return [_differs(source, at, pending[0], "the person speaking")]
                if not conversation.active:
                    return [source.problem(at, "the conversation has already ended")]
                pending = conversation.send(turn["you"], transcript.now)
            elif not pending:
                return [source.problem(at, "the bot says nothing more here")]
            elif pending[0].rstrip() != turn["bot"].rstrip():
                return [_differs(source, at, pending[0], turn["bot"])]
            else:
                pending.pop(0)
    except Exception as error:  # the engine's own fault on this line: one problem, not a traceback
        return [source.problem(at, unexpected(error))]
    if pending:
        return [_differs(source, ("conversation",), pending[0], "the end of the transcript")]
    if transcript.ends and conversation.state.status != transcript.ends:
        return [source.problem(("ends",), f"the run is {conversation.state.status}, not {transcript.ends}")]
    return []


def _differs(source: Source, at: tuple[str | int, ...], said: str, expected: str) -> Problem:
    return source.problem(at, f"the bot says {said!r} where the transcript has {expected!r}")


def _literal_blocks(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _literal_blocks)


def dump(transcript: Transcript) -> str:
    data = transcript.model_dump(mode="json", exclude_none=True)
    data["now"] = transcript.now.isoformat()
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
