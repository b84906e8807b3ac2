"""Learning circles as authors write them in `content/circles/`: session templates (an ordered
list of segments) and the template sets a facilitator chooses from when a group becomes a
circle. Only the shape and pure arithmetic live here (no I/O, no clock, no Telegram):
when the next meeting falls, and which proposed case the circle voted for.

A segment is what the bot posts to the group when the facilitator moves on: its prompt, an
optional poll (voted with buttons in the group), an optional private prompt (answered in the
private chat, shared with the group only as its author chooses), a suggested duration, and who
is invited to speak.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from flows.schedules import DAYS, Day
from flows.spec import ID_PATTERN, Choice, Model, Text, refuse_doubles
from flows.wallclock import wall_time

SPEAKERS = ("all", "facilitator", "case_owner")
COLLECT = ("reflection", "case", "commitment")  # what a private prompt's answers become
Share = Literal["name", "anonymous", "none"]  # how a private answer reaches the group
SHARE_CHOICES: tuple[Share, ...] = ("name", "anonymous", "none")
Reply = Literal["yes", "no"]  # will she be there; did she try what she committed to
CaseAction = Literal["confirm", "rewrite", "withdraw"]  # her case's title, shown back to her
REMINDERS = ("day", "hour")  # a session is announced the day before and an hour before
CASE_TITLE_MAX = 80  # a case is proposed by a short title only: no family's story in the group
MAX_POLL_OPTIONS = 10  # buttons in a group message stay readable


class PrivatePrompt(Model):
    """Asked of each member in her private chat when the segment opens."""

    ask: Text
    collect: Literal["reflection", "case", "commitment"] = "reflection"
    max_length: Annotated[int, Field(ge=10, le=2000)] = 1000

    @model_validator(mode="after")
    def _short_case(self) -> PrivatePrompt:
        if self.collect == "case" and self.max_length > CASE_TITLE_MAX:
            raise ValueError(f"a case is proposed by a short title: max_length at most {CASE_TITLE_MAX}")
        return self


class Poll(Model):
    """A question the group votes on with buttons: fixed options, or the cases members proposed."""

    question: Text
    options: tuple[Choice, ...] = ()
    cases: bool = False  # the options are the titles proposed in an earlier segment

    @model_validator(mode="after")
    def _options_or_cases(self) -> Poll:
        if self.cases and self.options:
            raise ValueError("a poll of the proposed cases takes no options of its own")
        if not self.cases and not 2 <= len(self.options) <= MAX_POLL_OPTIONS:
            raise ValueError(f"a poll needs 2 to {MAX_POLL_OPTIONS} options (or cases: true)")
        refuse_doubles([option.id for option in self.options], "option")
        return self


class Segment(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    prompt: Text  # posted to the group
    minutes: Annotated[int, Field(ge=1, le=120)]  # suggested: the facilitator hears when it runs over
    speakers: Literal["all", "facilitator", "case_owner"] = "all"
    poll: Poll | None = None
    private: PrivatePrompt | None = None
    look_back: bool = False  # the bot adds last session's shared commitments and how they went

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        yield ("title",), self.title
        yield ("prompt",), self.prompt
        if self.poll is not None:
            yield ("poll", "question"), self.poll.question
            for k, option in enumerate(self.poll.options):
                yield ("poll", "options", k, "label"), option.label
        if self.private is not None:
            yield ("private", "ask"), self.private.ask


class SessionTemplate(Model):
    """One session, start to close; `content/circles/<id>.yaml`."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    segments: Annotated[tuple[Segment, ...], Field(min_length=1, max_length=20)]

    @field_validator("segments")
    @classmethod
    def _coherent(cls, segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
        """Ids are unique, a vote on cases follows a segment where cases are proposed, and the
        case owner is invited to speak only once a case is chosen."""
        refuse_doubles([segment.id for segment in segments], "segment")
        proposed = chosen = False
        for segment in segments:
            if segment.poll is not None and segment.poll.cases and not proposed:
                raise ValueError(f"{segment.id}: a poll of cases needs an earlier segment collecting cases")
            if segment.speakers == "case_owner" and not chosen:
                raise ValueError(f"{segment.id}: the case owner speaks only after a poll of cases")
            proposed = proposed or (segment.private is not None and segment.private.collect == "case")
            chosen = chosen or (segment.poll is not None and segment.poll.cases)
        if sum(segment.look_back for segment in segments) > 1:
            raise ValueError("only one segment can look back")
        return segments

    @property
    def minutes(self) -> int:
        return sum(segment.minutes for segment in self.segments)

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        yield ("title",), self.title
        for position, segment in enumerate(self.segments):
            for path, text in segment.texts():
                yield ("segments", position, *path), text


class TemplateSet(Model):
    """What a facilitator picks for her circle: its sessions, run in turn."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Text
    sessions: Annotated[tuple[Annotated[str, Field(pattern=ID_PATTERN)], ...], Field(min_length=1)]


class CircleSets(Model):
    """`content/circles/sets.yaml`."""

    sets: Annotated[tuple[TemplateSet, ...], Field(min_length=1)]

    @field_validator("sets")
    @classmethod
    def _unique(cls, sets: tuple[TemplateSet, ...]) -> tuple[TemplateSet, ...]:
        refuse_doubles([one.id for one in sets], "set")
        return sets


class CirclesContent(Model):
    sets: tuple[TemplateSet, ...]
    sessions: Mapping[str, SessionTemplate]

    def set(self, set_id: str) -> TemplateSet | None:
        return next((one for one in self.sets if one.id == set_id), None)

    def session_for(self, set_id: str, number: int) -> SessionTemplate | None:
        """A circle's sessions take its set's templates in turn (number counts from 1)."""
        chosen = self.set(set_id)
        if chosen is None:
            return None
        return self.sessions.get(chosen.sessions[(number - 1) % len(chosen.sessions)])


class Rhythm(Model):
    """When a circle meets: every week on a day, at a time, in the facilitator's timezone."""

    day: Day
    at: time
    timezone: str

    def next_meeting(self, after: datetime) -> datetime:
        """The first meeting strictly after `after` (aware), in UTC. Wall-clock time: a meeting
        at 15:00 stays at 15:00 across a change of summer time (flows.wallclock)."""
        zone = ZoneInfo(self.timezone)
        local = after.astimezone(zone)
        ahead = (DAYS.index(self.day) - local.weekday()) % 7
        for extra in (0, 7, 14):
            meeting = wall_time(local.date() + timedelta(days=ahead + extra), self.at, zone)
            if meeting > after:
                return meeting
        raise AssertionError("unreachable: a week ahead is always after")


def chosen_case(votes: Mapping[int, int], proposals: Sequence[int]) -> int | None:
    """The proposal with most votes (voter -> proposal); a tie goes to the earliest proposed,
    and with no votes the first proposal stands. None when nothing was proposed."""
    if not proposals:
        return None
    tally = {proposal: 0 for proposal in proposals}
    for proposal in votes.values():
        if proposal in tally:
            tally[proposal] += 1
    return max(proposals, key=lambda proposal: (tally[proposal], -proposals.index(proposal)))
