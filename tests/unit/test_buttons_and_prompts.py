"""Typed buttons and prompts: every registered button kind fits Telegram's 64 bytes at its
largest; a payload parses only when it is exactly what its kind encodes (the forged invites and
PDSA values of issue 15 among them); a stored prompt reads back only as the kind and version it
was written as; and two features can never claim one command, button prefix or prompt kind."""

import dataclasses
import typing
from datetime import UTC, date, datetime, timedelta

import pytest

from services.core import prompts
from services.core.buttons import BIGGEST_ID, CALLBACK_LIMIT, Button, parse
from services.core.registry import ANYONE, ButtonKind, Command, Feature, Registry
from services.features import registry_for
from services.joining.feature import MoreInvite
from services.pdsa.buttons import AnotherVisit
from services.settings.dialog import AskSummaryTime
from store.models import Person
from tests.services.harness import CONTENT

REGISTRY = registry_for(CONTENT)


def _largest(kind: type[Button]) -> Button:
    """The kind at its longest: the largest id, the longest choice, a 32-character word."""
    hints = typing.get_type_hints(kind)
    values: dict[str, object] = {}
    for field in dataclasses.fields(kind):
        hint = hints[field.name]
        if hint is int:
            values[field.name] = BIGGEST_ID
        elif hint is date:
            values[field.name] = date(2999, 12, 31)
        elif typing.get_origin(hint) is typing.Literal:
            values[field.name] = max(typing.get_args(hint), key=len)
        else:
            values[field.name] = "x" * 32  # a content id, a timezone's name, a value as shown
    return kind(**values)


@pytest.mark.parametrize("prefix", sorted(REGISTRY.buttons))
def test_every_button_kind_fits_telegrams_limit_and_reads_back_as_itself(prefix: str) -> None:
    kind = REGISTRY.buttons[prefix].data
    largest = _largest(kind)
    data = largest.encode()
    assert len(data.encode()) <= CALLBACK_LIMIT
    assert parse(kind, data) == largest


@pytest.mark.parametrize(
    ("kind", "forged"),
    [
        (MoreInvite, "inv:100000:36500"),  # a 100,000-use invite for 100 years
        (MoreInvite, "inv:1:999999999"),  # once an OverflowError
        (MoreInvite, "inv:9x9"),  # a choice the bot never offers
        (AnotherVisit, "pm:1:29991331:5"),  # no such day
        (AnotherVisit, "pm:99999999999:20261124:5"),  # no such id
        (AnotherVisit, "pm:1:20261124"),  # a field missing
        (AnotherVisit, "pm:1:20261124:5:6"),  # one too many
        (AnotherVisit, "pm:-1:20261124:5"),
        (AnotherVisit, "pm:1:20261124:5;DROP"),  # not a word
    ],
)
def test_a_forged_payload_parses_to_nothing(kind: type[Button], forged: str) -> None:
    assert parse(kind, forged) is None


def test_a_stored_prompt_reads_back_only_as_what_was_written() -> None:
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    stored = prompts.dump(AskSummaryTime(day=4), now)
    assert stored == {"v": 1, "kind": "settings.summary_time", "opened_at": now.isoformat(), "day": 4}
    assert prompts.load(stored) == AskSummaryTime(day=4)
    assert prompts.load({**stored, "v": 2}) is None
    assert prompts.load({**stored, "day": "4"}) is None
    assert prompts.load({**stored, "kind": "gone"}) is None
    assert prompts.load({"settings": "summary_time", "day": 4}) is None  # as stored before 0008


def test_a_prompt_lapses_after_its_silence() -> None:
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    person = Person(telegram_id=1, name="Ana")
    prompts.open_prompt(person, AskSummaryTime(day=4), now)
    assert prompts.current(person, now + timedelta(hours=2) - timedelta(seconds=1)) == AskSummaryTime(day=4)
    assert prompts.current(person, now + timedelta(hours=2)) is None


async def _nothing(*_: object) -> None:
    return None


def test_two_features_never_claim_one_command_or_button() -> None:
    first = Feature("one", commands=(Command("help", ANYONE, _nothing),))
    with pytest.raises(ValueError, match="'help'"):
        Registry.of([first, Feature("two", commands=(Command("help", ANYONE, _nothing),))])
    with pytest.raises(ValueError, match="'inv'"):
        Registry.of(
            [
                Feature("one", buttons=(ButtonKind(MoreInvite, ANYONE, _nothing),)),
                Feature("two", buttons=(ButtonKind(MoreInvite, ANYONE, _nothing),)),
            ]
        )
