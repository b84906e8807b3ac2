"""What a feature declares, in one place: its commands and for whom, its button kinds and who
may press them, the prompt kinds it may leave open, its menu lines, its clock hook, what it does
when a flow run ends and its lines in a supervisor's weekly summary. The dispatcher
(services.core.dispatch), the clock (services.core.clock), conversations
(services.core.conversation) and the summaries read only this."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

from services.core.buttons import Button
from services.core.disclosures import Kind
from services.core.prompts import Prompt

if TYPE_CHECKING:
    from flows.content import Content
    from services.core.clock import ClockEnv
    from services.core.conversation import RunEnded, RunHooks, RunStarted
    from services.core.turn import Turn
    from store.models import Person
    from store.uow import UnitOfWork

Where = Literal["private", "group"]
B = TypeVar("B", bound=Button)
P = TypeVar("P", bound=Prompt)
# A relation finds what the button names when it is hers to act on, else None (or says False).
Relation = Callable[["Turn", Any], Awaitable[object]]


@dataclass(frozen=True)
class Rule:
    """Who may use a command or press a button: one of `roles` (None: anyone who joined), and,
    for a button, her relation to what it names (her own run, the team she supervises, ...).
    `strangers`: someone not in circlebot may too (joining, a circle's Join button)."""

    name: str
    roles: frozenset[str] | None = None
    relation: Relation | None = None
    strangers: bool = False
    before_language: bool = False  # allowed before she has chosen her language

    def admits_roles(self, roles: frozenset[str]) -> bool:
        return self.roles is None or bool(self.roles & roles)

    async def allows(self, turn: Turn, data: object = None) -> bool:
        person = turn.person
        if person is None:
            if not self.strangers:
                return False
        elif not self.admits_roles(person.role_names):
            return False
        if self.relation is None:
            return True
        found = await self.relation(turn, data)
        turn.found = found  # held for the turn: the feature's own lookup of it costs no query
        return found is not None and found is not False  # (a relation that answers yes or no)


def roles(*names: str) -> Rule:
    return Rule("+".join(names), frozenset(names))


ANYONE = Rule("anyone who joined")
ANYBODY = Rule("anybody", strangers=True, before_language=True)


def menu_line(key: str) -> Callable[[Turn], str]:
    """A command's line in her menu: the catalog word `key`, in her language. The command names
    its key whole (`command.<name>`), so the scan of the code finds it (flows/i18n.py)."""
    return lambda turn: turn.label(key)


@dataclass(frozen=True)
class Command:
    name: str
    rule: Rule
    run: Callable[[Turn], Awaitable[None]]
    about: Callable[[Turn], str] | None = None  # her menu's and /help's line; None: not listed
    place: int = 0  # where that line comes in the menu (then in the order declared)
    where: Where = "private"
    repeats_question: bool = True  # after its work, the question of the flow she is in, again
    refuse: Callable[[Turn], Awaitable[None]] | None = None  # else: "not allowed"


@dataclass(frozen=True)
class ButtonKind(Generic[B]):
    data: type[B]
    rule: Rule
    run: Callable[[Turn, B], Awaitable[None]]
    where: Where = "private"
    refuse: Callable[[Turn, B], Awaitable[None]] | None = None  # else: "this button has expired"


@dataclass(frozen=True)
class Answers(Generic[P]):
    """Her next words, while a prompt of this kind is open, go to `run`. A command closes the
    prompt; `/cancel` and `/skip` then say what `cancel` and `skip` say, where they are given."""

    kind: type[P]
    run: Callable[[Turn, P], Awaitable[None]]
    cancel: Callable[[Turn, P], Awaitable[None]] | None = None
    skip: Callable[[Turn, P], Awaitable[None]] | None = None


class ClockHook(Protocol):
    """A feature's share of the clock: `tick` does what is due at `now` (counts by name), each
    item on its own (services.core.failures.each_alone), and `next_due` says when, before
    `latest`, it next needs waking (None: not before then)."""

    async def tick(self, now: datetime) -> dict[str, int]: ...

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None: ...


@dataclass(frozen=True)
class TeamWeek:
    """What a feature's part of a supervisor's weekly summary reads: her team's members (joined,
    not deactivated, herself left out), the summary's moment, and her timezone and language (the
    summary's days and words are hers)."""

    uow: UnitOfWork
    content: Content
    members: Sequence[Person]
    now: datetime
    zone: tzinfo
    lang: str


# A feature's lines in the weekly summary (none: it has nothing to say of this team), so that
# the summaries name no feature: they come after the team's totals, on the first page.
# Called once per batch of summaries (Friday's fall due together): each team's lines, in order,
# from a few queries for the whole batch.
SummaryPart = Callable[[Sequence[TeamWeek]], Awaitable[list[list[str]]]]


@dataclass(frozen=True)
class Feature:
    name: str
    commands: tuple[Command, ...] = ()
    buttons: tuple[ButtonKind[Any], ...] = ()
    answers: tuple[Answers[Any], ...] = ()
    group: Callable[[Turn], Awaitable[None]] | None = None  # a group update no command or button took
    clock: Callable[[ClockEnv], ClockHook] | None = None
    run_ended: RunEnded | None = None  # a flow run of hers ended: True when it starts her next one
    run_started: RunStarted | None = None  # a flow run of hers starts: what it opens on, said first
    unsettled: Callable[[Turn], Awaitable[None]] | None = None  # a person who joined, before her language
    disclosures: tuple[Kind, ...] = ()  # what its messages carry of one person to someone else
    summary: SummaryPart | None = None  # its lines in a supervisor's weekly summary


@dataclass
class Registry:
    features: list[Feature] = field(default_factory=list)
    commands: dict[tuple[Where, str], Command] = field(default_factory=dict)
    buttons: dict[str, ButtonKind[Any]] = field(default_factory=dict)
    answers: dict[str, Answers[Any]] = field(default_factory=dict)
    group: Callable[[Turn], Awaitable[None]] | None = None
    unsettled: Callable[[Turn], Awaitable[None]] | None = None
    run_started: list[RunStarted] = field(default_factory=list)
    run_ended: list[RunEnded] = field(default_factory=list)
    disclosures: list[Kind] = field(default_factory=list)  # the joining notice has a line for each
    summary_parts: list[SummaryPart] = field(default_factory=list)  # in the order registered

    @classmethod
    def of(cls, features: Iterable[Feature]) -> Registry:
        registry = cls()
        for feature in features:
            registry.add(feature)
        return registry

    def add(self, feature: Feature) -> None:
        """Declarations must not collide: two features never claim one name or prefix."""
        self.features.append(feature)
        for command in feature.commands:
            _claim(self.commands, (command.where, command.name), command, feature.name)
        for kind in feature.buttons:
            _claim(self.buttons, kind.data.prefix, kind, feature.name)
        for answers in feature.answers:
            _claim(self.answers, answers.kind.kind, answers, feature.name)
        if feature.run_ended is not None:
            self.run_ended.append(feature.run_ended)
        if feature.run_started is not None:
            self.run_started.append(feature.run_started)
        if feature.summary is not None:
            self.summary_parts.append(feature.summary)
        taken = {disclosed.id for disclosed in self.disclosures}
        for disclosed in feature.disclosures:
            if disclosed.id in taken:
                raise ValueError(f"{feature.name}: a second disclosure kind {disclosed.id!r}")
            self.disclosures.append(disclosed)
        for hook in ("group", "unsettled"):
            if getattr(feature, hook) is not None:
                if getattr(self, hook) is not None:
                    raise ValueError(f"{feature.name}: a second {hook} handler")
                setattr(self, hook, getattr(feature, hook))

    @property
    def runs(self) -> RunHooks:
        """The hooks a conversation calls as runs start and end."""
        from services.core.conversation import RunHooks

        return RunHooks(self.run_started, self.run_ended)

    def command(self, where: Where, name: str) -> Command | None:
        return self.commands.get((where, name))

    def menu(self, roles: frozenset[str]) -> list[Command]:
        """The commands listed for someone with these roles, in the order features declared them."""
        listed = [
            command
            for command in self.commands.values()
            if command.where == "private" and command.about is not None and command.rule.admits_roles(roles)
        ]
        return sorted(listed, key=lambda command: command.place)


K = TypeVar("K")


def _claim(table: dict[K, Any], key: K, value: object, feature: str) -> None:
    if key in table:
        raise ValueError(f"{feature}: {key!r} is declared twice")
    table[key] = value
