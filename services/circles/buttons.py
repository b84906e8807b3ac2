"""Learning circles' buttons and prompts, each a typed kind, and the relations their rules check
before the feature runs: her own circle being set up, a member of the session's circle, her own
contribution, the facilitator of an ended session's circle, this group's circle and its
facilitator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from flows.circles import CaseAction, Reply, Share
from services.core.buttons import Button
from services.core.prompts import Prompt, prompt_kind
from store.statuses import CircleStatus, SessionStatus

if TYPE_CHECKING:
    from services.core.turn import Turn
    from store.models import Circle, CircleSession, Contribution

Stars = Literal["1", "2", "3", "4", "5"]
STARS: tuple[Stars, ...] = ("1", "2", "3", "4", "5")


# --- private chat ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetUpChoice(Button):
    """A set-up answer given by button: the circle's language, its set of sessions, its day."""

    prefix = "cs"
    circle: int
    what: Literal["lang", "set", "day"]
    value: str


@dataclass(frozen=True)
class Rsvp(Button):
    prefix = "cr"
    session: int
    answer: Reply


@dataclass(frozen=True)
class Rate(Button):
    prefix = "ck"
    session: int
    stars: Stars


@dataclass(frozen=True)
class ShareAnswer(Button):
    prefix = "cp"
    contribution: int
    how: Share


@dataclass(frozen=True)
class Tried(Button):
    prefix = "cu"
    contribution: int
    answer: Reply


@dataclass(frozen=True)
class CaseChoice(Button):
    """Her case title shown back to her: put it to the vote, rewrite it, or withdraw it."""

    prefix = "cc"
    contribution: int
    action: CaseAction


@dataclass(frozen=True)
class MarkPresent(Button):
    """The facilitator's correction, in her report after the session: was this member here?"""

    prefix = "cm"
    session: int
    person: int


@prompt_kind
@dataclass(frozen=True)
class SetUpAsk(Prompt):
    """The circle's set-up, asked of its facilitator privately: its name, then its time."""

    kind = "circle.setup"
    circle: int
    ask: str  # name, language or time


@prompt_kind
@dataclass(frozen=True)
class SegmentAnswer(Prompt):
    """A segment's private prompt; it lapses when the segment ends."""

    kind = "circle.answer"
    session: int
    segment: int


@prompt_kind
@dataclass(frozen=True)
class RatingComment(Prompt):
    kind = "circle.comment"
    session: int


@prompt_kind
@dataclass(frozen=True)
class HowItWent(Prompt):
    kind = "circle.outcome"
    contribution: int


@prompt_kind
@dataclass(frozen=True)
class CaseTitle(Prompt):
    """Her case's title, written again after she chose to rewrite it."""

    kind = "circle.case"
    contribution: int


def segment_tag(session_id: int, segment: int) -> str:
    """What a segment's private prompt waits under, and lapses with."""
    return f"circle:{session_id}:{segment}"


# --- the group ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Join(Button):
    prefix = "cj"
    circle: int


@dataclass(frozen=True)
class Here(Button):
    """ "I'm here", on the session's opening post: answered over the button, to her alone."""

    prefix = "ch"
    session: int


@dataclass(frozen=True)
class Control(Button):
    prefix = "cf"
    session: int
    action: Literal["prev", "pause", "next"]


@dataclass(frozen=True)
class Vote(Button):
    prefix = "cv"
    session: int
    segment: int
    option: str  # an option's id, or a case's contribution id


# --- relations ---------------------------------------------------------------------------------------


async def own_setup(turn: Turn, data: Any) -> Circle | None:
    circle = await turn.uow.circles.get(data.circle)
    mine = circle is not None and circle.facilitator_id == turn.me.id and circle.status == CircleStatus.SETUP
    return circle if mine else None


async def in_sessions_circle(turn: Turn, data: Any) -> CircleSession | None:
    """The session the button names, if she is a member (who has not left) of its circle."""
    session = await turn.uow.circles.session_by_id(data.session)
    member = session is not None and await turn.uow.circles.is_member(session.circle_id, turn.me.id)
    return session if member else None


async def own_contribution(turn: Turn, data: Any) -> Contribution | None:
    contribution = await turn.uow.circles.contribution(data.contribution)
    return contribution if contribution is not None and contribution.person_id == turn.me.id else None


async def facilitates_session(turn: Turn, data: Any) -> CircleSession | None:
    """The ended session the button names, if she facilitates its circle and the person it names
    is (or was) one of its members."""
    session = await turn.uow.circles.session_by_id(data.session)
    circle = None if session is None else await turn.uow.circles.get(session.circle_id)
    if session is None or circle is None or circle.facilitator_id != turn.me.id:
        return None
    if session.status != SessionStatus.ENDED:
        return None
    return session if await turn.uow.circles.membership(circle.id, data.person) is not None else None


async def this_groups_circle(turn: Turn) -> Circle | None:
    circle, _ = await turn.uow.circles.with_running(turn.incoming.chat_id)
    return circle


async def facilitates_here(turn: Turn, data: Any = None) -> Circle | None:
    """This group's circle, set up, if she facilitates it (for a button: its session is the circle's)."""
    circle = await this_groups_circle(turn)
    if circle is None or circle.status == CircleStatus.SETUP or circle.facilitator_id != turn.me.id:
        return None
    if data is None:
        return circle
    session = await turn.uow.circles.session_by_id(data.session)
    return circle if session is not None and session.circle_id == circle.id else None


async def member_here(turn: Turn, data: Any) -> Circle | None:
    """This group's circle, if she is a member voting in one of its sessions."""
    circle = await this_groups_circle(turn)
    session = await turn.uow.circles.session_by_id(data.session)
    if circle is None or session is None or session.circle_id != circle.id:
        return None
    return circle if await turn.uow.circles.is_member(circle.id, turn.me.id) else None
