"""Observations with a checklist (issue 25): a supervisor observes someone of her team (/observe),
gives feedback strengths first, and follows the next step up at its date; the person observed
reads it, replies, reflects, and sees her scores over time (/myfeedback). A package of its own
and one line in services/features.py: nothing in the dispatcher or another feature names it."""

from __future__ import annotations

from flows.content import Content
from services.core.registry import Answers, ButtonKind, Command, Feature, Rule, menu_line
from services.core.turn import Turn
from services.observations.buttons import (
    GoOn,
    OnFeedback,
    PickPerson,
    ScoresOf,
    StartObservation,
    TriedIt,
    asked_about,
    her_unfinished,
    in_her_team,
    received,
)
from services.observations.clock import FollowUpClock
from services.observations.dialog import ObserveDialog, run_ended
from services.observations.disclosed import OBSERVATION_FEEDBACK, OBSERVATION_REPLY, OBSERVATION_SCORES
from services.observations.feedback import (
    HowItWent,
    ReplyToObserver,
    on_feedback,
    opening,
    receive_how_it_went,
    receive_reply,
    tried,
)
from services.observations.mine import my_feedback
from services.observations.weekly import summary_lines
from store.models import Person
from store.observations import Observation


async def observe(turn: Turn) -> None:
    await ObserveDialog(turn).start()


async def pick(turn: Turn, data: PickPerson) -> None:
    assert isinstance(turn.found, Person)
    await ObserveDialog(turn).person(turn.found)


async def begin(turn: Turn, data: StartObservation) -> None:
    assert isinstance(turn.found, Person)
    if data.checklist not in turn.content.checklists:
        return await turn.say("button.expired")
    await ObserveDialog(turn).begin(turn.found, data.checklist)


async def scores(turn: Turn, data: ScoresOf) -> None:
    assert isinstance(turn.found, Person)
    await ObserveDialog(turn).scores(turn.found)


async def go_on(turn: Turn, data: GoOn) -> None:
    assert isinstance(turn.found, Observation)
    await ObserveDialog(turn).go_on(turn.found)


def feature(content: Content) -> Feature:
    observers = frozenset(
        role for checklist in content.checklists.values() for role in checklist.observer_roles
    )
    observed = frozenset(
        role for checklist in content.checklists.values() for role in checklist.observed_roles
    )
    if not observers:
        return Feature("observations")  # a program with no checklist observes no one
    team = Rule("a person of the team she supervises", observers, relation=in_her_team)
    return Feature(
        "observations",
        commands=(
            Command(
                "observe",
                Rule("observers", observers),
                observe,
                menu_line("command.observe"),
                place=33,
                repeats_question=False,
            ),
            Command(
                "myfeedback",
                Rule("the observed", observed),
                my_feedback,
                menu_line("command.myfeedback"),
                place=34,
                repeats_question=False,
            ),
        ),
        buttons=(
            ButtonKind(PickPerson, team, pick),
            ButtonKind(StartObservation, team, begin),
            ButtonKind(ScoresOf, team, scores),
            ButtonKind(
                GoOn, Rule("her own unfinished observation", observers, relation=her_unfinished), go_on
            ),
            ButtonKind(
                OnFeedback, Rule("an observation she received", observed, relation=received), on_feedback
            ),
            ButtonKind(TriedIt, Rule("her next step, asked about", observed, relation=asked_about), tried),
        ),
        answers=(Answers(ReplyToObserver, receive_reply), Answers(HowItWent, receive_how_it_went)),
        clock=FollowUpClock,
        run_started=opening,
        run_ended=run_ended,
        summary=summary_lines,
        disclosures=(OBSERVATION_FEEDBACK, OBSERVATION_SCORES, OBSERVATION_REPLY),
    )
