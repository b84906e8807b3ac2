"""The rights matrix: every command and every button kind the registry has, used by each of eleven
personas (tests/rights/scenario.py), against the table written by hand (tests/rights/matrix.py).

Each case copies the scenario's database, sends ONE update through the chat service as the
persona, and judges it from the outside (tests/rights/judge.py): refused means a refusal reply
and nothing stored changed; allowed means the feature answered or acted. Each button kind also
gets a forged payload (someone else's object, an id that does not exist, a choice not offered),
pressed by the persona the honest one is for: it must be refused."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.away.dialog import AwayChoice
from services.bulletins.dialog import Decide
from services.circles.buttons import (
    CaseChoice,
    Control,
    Here,
    Join,
    MarkPresent,
    Rate,
    Rsvp,
    SetUpChoice,
    ShareAnswer,
    Tried,
    Vote,
)
from services.circles.membership import CircleOnly, InviteToTeam, TeamOffer
from services.content_flows.feature import CloseAndStart, GoBack
from services.core.buttons import Button
from services.core.conversation import FlowAnswer
from services.core.turn import GroupFacts, Incoming, Sender
from services.joining.feature import Consent, Decline, Language, MoreInvite
from services.observations.buttons import GoOn, OnFeedback, PickPerson, ScoresOf, StartObservation, TriedIt
from services.pdsa.buttons import (
    AnotherVisit,
    AskValue,
    Comment,
    FromTemplate,
    Idea,
    KeepFirst,
    NewProject,
    OnOwnProject,
    OnProject,
    OwnIdea,
    OwnProject,
    PromptedValue,
    Replace,
    SupervisorChart,
    TeamProject,
)
from services.privacy.feature import Forget
from services.schedules.timekeeper import Snooze
from services.settings.dialog import SummaryDay, SummaryDays, ZoneChoice
from services.sharing.sharing import Reply
from services.summaries.own_trend import TrendChart
from store.database import Database
from tests.rights import judge
from tests.rights.matrix import ALLOWED, KNOWN_WRONG, PERSONAS, REFUSED, ROWS, expected
from tests.rights.scenario import (
    ADMIN_FACTS,
    GROUP,
    REGISTRY,
    SETUP_GROUP,
    TODAY,
    Scenario,
    build,
    chat_service,
)
from tests.rights.scenario import (
    PERSONAS as TELEGRAM_IDS,
)

Payload = Callable[[Scenario], Button]

# --- honest payloads: the scenario's object of each kind --------------------------------------------

HONEST: dict[str, Payload] = {
    "ok": lambda s: Consent(s.invite),
    "no": lambda s: Decline(),
    "lang": lambda s: Language("en"),
    "inv": lambda s: MoreInvite("5x30"),
    "r": lambda s: FlowAnswer(s.run, s.run_step, "today"),
    "bk": lambda s: GoBack(s.run),
    "sw": lambda s: CloseAndStart(s.run, "checkin"),
    "snooze": lambda s: Snooze(),
    "mt": lambda s: TrendChart(),
    "sd": lambda s: SummaryDays(),
    "sday": lambda s: SummaryDay("4"),
    "tz": lambda s: ZoneChoice("Europe/Madrid"),
    "fg": lambda s: Forget("erase"),
    "away": lambda s: AwayChoice("open"),
    "bl": lambda s: Decide("now"),
    "rep": lambda s: Reply(s.share),
    "pn": lambda s: NewProject(),
    "pt": lambda s: FromTemplate("visits_kept"),
    "pown": lambda s: OwnProject(),
    "pteam": lambda s: TeamProject(),
    "pp": lambda s: OnProject("v", s.project),
    "po": lambda s: OnOwnProject("share", s.project),
    "pi": lambda s: Idea(s.cycle, 0),
    "pio": lambda s: OwnIdea(s.cycle),
    "pr": lambda s: Replace(s.point, "4"),
    "pk": lambda s: KeepFirst(),
    "pm": lambda s: AnotherVisit(s.project, TODAY, "5"),
    "pa": lambda s: PromptedValue(s.project, TODAY, 4),
    "paq": lambda s: AskValue(s.project, TODAY),
    "pc": lambda s: Comment(s.project),
    "ps": lambda s: SupervisorChart(s.project),
    "obp": lambda s: PickPerson(s.home_visitor),
    "obc": lambda s: StartObservation(s.home_visitor, "home_visit"),
    "obs": lambda s: ScoresOf(s.home_visitor),
    "obg": lambda s: GoOn(s.unfinished),
    "obr": lambda s: OnFeedback(s.observation, "reply"),
    "obt": lambda s: TriedIt(s.observation, "partly"),
    "cs": lambda s: SetUpChoice(s.setup_circle, "lang", "en"),
    "cr": lambda s: Rsvp(s.scheduled, "yes"),
    "ck": lambda s: Rate(s.ended, "5"),
    "cp": lambda s: ShareAnswer(s.commitment, "name"),
    "cu": lambda s: Tried(s.commitment, "yes"),
    "cc": lambda s: CaseChoice(s.case, "withdraw"),
    "cm": lambda s: MarkPresent(s.ended, s.circle_member),
    "ct": lambda s: InviteToTeam(s.circle, s.circle_only),
    "ca": lambda s: TeamOffer(s.offer, "yes"),
    "cx": lambda s: CircleOnly(s.circle, s.circle_member),
    "cj": lambda s: Join(s.circle),
    "cf": lambda s: Control(s.open, "next"),
    "cv": lambda s: Vote(s.open, s.poll_segment, s.poll_option),
    "ch": lambda s: Here(s.open),
}

# --- forged payloads, and who presses them (the persona the honest one is for) -----------------------

NOT_AN_ID = 999_999


def raw(data: str) -> Callable[[Scenario], str]:
    return lambda s: data


def made(payload: Payload) -> Callable[[Scenario], str]:
    return lambda s: payload(s).encode()


FORGED: dict[str, tuple[str, Callable[[Scenario], str]]] = {
    "ok": ("stranger", made(lambda s: Consent("NoSuchInviteCode"))),
    "no": ("stranger", raw("no:again")),  # a field the kind does not have
    "lang": ("no_language", made(lambda s: Language("zz"))),  # not a language it speaks
    "inv": ("supervisor_a", raw("inv:99x365")),  # not an offer
    "r": ("home_visitor", made(lambda s: FlowAnswer(s.supervisor_run, 1, "today"))),  # her supervisor's run
    "bk": ("home_visitor", made(lambda s: GoBack(s.supervisor_run))),
    "sw": ("home_visitor", made(lambda s: CloseAndStart(s.supervisor_run, "reflect"))),
    "snooze": ("home_visitor", raw("snooze:forever")),
    "mt": ("home_visitor", raw("mt:someone")),  # a field the kind does not have: no one else's
    "sd": ("supervisor_a", raw("sd:1")),
    "sday": ("supervisor_a", raw("sday:7")),  # no eighth day
    "tz": ("home_visitor", made(lambda s: ZoneChoice("Atlantis/Capital"))),
    "fg": ("home_visitor", raw("fg:everyone")),  # not a choice offered
    "away": ("home_visitor", raw("away:forever")),  # not a choice it offers
    "bl": ("supervisor_a", raw("bl:everyone")),
    "rep": ("supervisor_a", made(lambda s: Reply(NOT_AN_ID))),
    "pn": ("home_visitor", raw("pn:1")),
    "pt": ("home_visitor", made(lambda s: FromTemplate("no_such_template"))),
    "pown": ("home_visitor", raw("pown:1")),
    "pteam": ("facilitator", raw("pteam:1")),
    "pp": ("home_visitor", made(lambda s: OnProject("v", s.other_project))),  # supervisor B's project
    "po": ("home_visitor", made(lambda s: OnOwnProject("share", s.other_project))),
    "pi": ("home_visitor", made(lambda s: Idea(s.other_cycle, 0))),
    "pio": ("home_visitor", made(lambda s: OwnIdea(s.other_cycle))),
    "pr": ("home_visitor", made(lambda s: Replace(s.other_point, "4"))),
    "pk": ("home_visitor", raw("pk:1")),
    "pm": ("home_visitor", made(lambda s: AnotherVisit(s.other_project, TODAY, "5"))),
    "pa": ("home_visitor", made(lambda s: PromptedValue(s.other_project, TODAY, 4))),
    "paq": ("home_visitor", made(lambda s: AskValue(s.other_project, TODAY))),
    "pc": ("supervisor_a", made(lambda s: Comment(s.other_project))),  # team B's
    "ps": ("supervisor_a", made(lambda s: SupervisorChart(s.other_project))),
    "obp": ("supervisor_a", made(lambda s: PickPerson(s.other_team))),  # team B's facilitator
    "obc": ("supervisor_a", made(lambda s: StartObservation(s.home_visitor, "no_such_checklist"))),
    "obs": ("supervisor_a", made(lambda s: ScoresOf(s.circle_only))),  # in no team
    "obg": ("supervisor_a", made(lambda s: GoOn(s.observation))),  # sent already
    "obr": ("home_visitor", made(lambda s: OnFeedback(s.unfinished, "reply"))),  # not sent to her yet
    "obt": ("home_visitor", made(lambda s: TriedIt(NOT_AN_ID, "yes"))),
    # the circle of GROUP, hers but set up already
    "cs": ("facilitator", made(lambda s: SetUpChoice(s.circle, "set", "case_consultation"))),
    "cr": ("circle_member", made(lambda s: Rsvp(s.other_session, "yes"))),  # another circle's session
    "ck": ("circle_member", made(lambda s: Rate(s.other_session, "5"))),
    "cp": ("circle_member", made(lambda s: ShareAnswer(s.other_commitment, "name"))),  # someone else's
    "cu": ("circle_member", made(lambda s: Tried(s.other_commitment, "yes"))),
    "cc": ("circle_member", made(lambda s: CaseChoice(s.other_commitment, "withdraw"))),  # not hers
    "cm": ("facilitator", made(lambda s: MarkPresent(s.open, s.circle_member))),  # not ended yet
    "ct": ("facilitator", made(lambda s: InviteToTeam(s.circle, s.circle_member))),  # she has a team
    "ca": ("circle_only", made(lambda s: TeamOffer(s.invite, "yes"))),  # an invite not bound to her
    "cx": ("facilitator", made(lambda s: CircleOnly(s.circle, s.circle_only))),  # not by the old link
    "cj": ("stranger", made(lambda s: Join(s.setup_circle))),  # another group's circle
    "cf": ("facilitator", made(lambda s: Control(s.other_session, "next"))),
    "cv": ("circle_member", made(lambda s: Vote(s.other_session, 0, s.poll_option))),
    "ch": ("circle_member", made(lambda s: Here(s.other_session))),  # another circle's session
}

ARGUMENTS: dict[str, Callable[[Scenario], str]] = {"start": lambda s: s.invite}


# --- the scenario, once; a copy of it per case --------------------------------------------------------


@dataclass(frozen=True)
class World:
    template: Path
    scenario: Scenario
    outbox_upto: int
    before: judge.Digest
    folder: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("rights")
    template = folder / "template.db"
    scenario = asyncio.run(build(template))
    upto = judge.last_outbox_id(template)
    return World(template, scenario, upto, judge.digest(template, upto), folder)


_case_files = itertools.count(1)


@pytest.fixture
def copy(world: World) -> Iterator[Path]:
    path = world.folder / f"case-{next(_case_files)}.db"
    shutil.copy(world.template, path)
    yield path
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


_update_ids = itertools.count(5_000_000)


def parse_row(row: str) -> tuple[str, str, str]:
    """ "command:start@private" -> ("command", "start", "private")."""
    kind, _, rest = row.partition(":")
    name, _, where = rest.partition("@")
    return kind, name, where


def incoming(row: str, persona: str, scenario: Scenario, payload: str | None = None) -> Incoming:
    """ONE update from the persona: a command, or a button press with its payload."""
    kind, name, where = parse_row(row)
    telegram_id = TELEGRAM_IDS[persona]
    sender = Sender(telegram_id, persona.replace("_", " ").title(), None, "en")
    group = where == "group"
    chat_id = (SETUP_GROUP if name == "circle" else GROUP) if group else telegram_id
    facts = (ADMIN_FACTS if name == "circle" else GroupFacts()) if group else None
    update = next(_update_ids)
    if kind == "command":
        argument = ARGUMENTS.get(name, lambda s: "")(scenario)
        return Incoming(
            update,
            chat_id,
            sender,
            private=not group,
            command=name,
            argument=argument,
            message_id=1,
            group=facts,
        )
    data = payload if payload is not None else HONEST[name](scenario).encode()
    return Incoming(
        update, chat_id, sender, private=not group, callback=data, callback_id="cb", message_id=1, group=facts
    )


async def run_case(
    world: World, path: Path, row: str, persona: str, payload: str | None = None
) -> judge.Outcome:
    db = Database(f"sqlite:///{path}")
    try:
        await chat_service(db).handle(incoming(row, persona, world.scenario, payload))
    finally:
        await db.dispose()
    after = judge.digest(path, world.outbox_upto)
    return judge.outcome(world.before, after, judge.replies(path, world.outbox_upto), row)


def check_refusal_stays_with_her(row: str, persona: str, said: list[judge.Reply]) -> None:
    """A refusal reaches only her (or, for a group update, her group): never anyone else."""
    _, name, where = parse_row(row)
    chats = {TELEGRAM_IDS[persona]}
    if where == "group":
        chats.add(SETUP_GROUP if name == "circle" else GROUP)
    assert {reply.chat_id for reply in said} <= chats, said


# --- the cases ----------------------------------------------------------------------------------------

EXPECTED = expected()


def _cases() -> Sequence[object]:
    cases = []
    for (row, persona), want in EXPECTED.items():
        reason = KNOWN_WRONG.get((row, persona))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(pytest.param(row, persona, want, id=f"{row}-{persona}", marks=marks))
    return cases


@pytest.mark.parametrize(("row", "persona", "want"), _cases())
async def test_who_may(world: World, copy: Path, row: str, persona: str, want: str) -> None:
    found = await run_case(world, copy, row, persona)
    group = parse_row(row)[2] == "group"
    assert found.verdict(group) == want, str(found)
    if want == REFUSED:
        check_refusal_stays_with_her(row, persona, found.replies)


@pytest.mark.parametrize(
    ("prefix", "persona"),
    [
        pytest.param(prefix, persona, id=f"forged:{prefix}@{REGISTRY.buttons[prefix].where}-{persona}")
        for prefix, (persona, _) in FORGED.items()
    ],
)
async def test_a_forged_payload_is_refused(world: World, copy: Path, prefix: str, persona: str) -> None:
    row = f"button:{prefix}@{REGISTRY.buttons[prefix].where}"
    assert EXPECTED[row, persona] == ALLOWED, "a forged payload goes to whom the honest one is for"
    payload = FORGED[prefix][1](world.scenario)
    found = await run_case(world, copy, row, persona, payload)
    assert found.verdict(parse_row(row)[2] == "group") == REFUSED, str(found)
    check_refusal_stays_with_her(row, persona, found.replies)


def test_the_table_has_a_row_for_every_command_and_button_kind() -> None:
    declared = {f"command:{name}@{where}" for where, name in REGISTRY.commands} | {
        f"button:{prefix}@{kind.where}" for prefix, kind in REGISTRY.buttons.items()
    }
    assert set(ROWS) == declared
    assert set(HONEST) == set(FORGED) == set(REGISTRY.buttons)
    assert tuple(PERSONAS) == tuple(TELEGRAM_IDS)
