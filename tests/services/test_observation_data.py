"""An observation's data is hers (issue 25): /mydata lists the observations of her practice with
their feedback, and the observer's lists those she made without the observed person's words;
/forget of the observed takes her observations and the observer's run still answering one, and
/forget of the observer leaves the feedback she sent with the person it was given to."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from flows.observing import flow_id
from flows.run import RunStatus
from services.privacy.erasure import erase
from services.privacy.export import summary_html
from services.privacy.holdings import holdings_of
from store.database import Database
from store.models import Answer, FlowRun
from store.observations import Observation
from store.personal import Kind
from tests.services.harness import CONTENT

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
OBSERVE = flow_id("home_visit")


async def observed(db: Database) -> dict[str, int]:
    """Marta supervises North: she observed Ana twice (Ana replied to the first), is observing
    her a third time (her run going), observed Bea once, and did a check-in of her own."""
    async with db.unit_of_work() as uow:
        team, _ = await uow.teams.get_or_create("North", NOW)
        ana = await uow.people.add(1, "Ana", NOW, language="en", team_id=team.id)
        bea = await uow.people.add(2, "Bea", NOW, language="en", team_id=team.id)
        marta = await uow.people.add(3, "Marta", NOW, language="en", roles=["supervisor"], team_id=team.id)
        team.supervisor_id = marta.id
        for n, (whom, strength) in enumerate(
            ((ana, "Warm-welcome"), (ana, "Patient-demo"), (bea, "Bea-calm"))
        ):
            made = await uow.observations.add(
                whom.id, marta.id, team.id, "home_visit", NOW + n * timedelta(days=30)
            )
            made.sent_at = made.started_at + timedelta(hours=1)
            made.scores, made.notes = (
                {"warm_welcome": 3 + n % 2, "listens": "yes"},
                {"warm_welcome": f"Note-{n}"},
            )
            made.strengths, made.growth = [strength, f"Second-strength-{n}"], f"Growth-{n}"
            made.next_step, made.next_on = f"Step-{n}", date(2027, 1, 10 + n)
        first = await uow.observations.sent_to(ana.id)
        first[0].reply, first[0].replied_at = "Ana-thanks", NOW + timedelta(days=1)
        going = await uow.observations.add(ana.id, marta.id, team.id, "home_visit", NOW + timedelta(days=90))
        run = await uow.runs.add(marta.id, OBSERVE, {}, "listens", RunStatus.ACTIVE, NOW, None)
        await uow.answers.add(run, "warm_welcome", 2, {}, NOW + timedelta(days=90))
        going.run_id = run.id
        checkin = await uow.runs.add(marta.id, "weekly_checkin", {}, None, RunStatus.COMPLETED, NOW, None)
        await uow.answers.add(checkin, "wellbeing", 4, {}, NOW)
        await uow.commit()
        return {"ana": ana.id, "bea": bea.id, "marta": marta.id, "run": run.id, "checkin": checkin.id}


async def test_her_mydata_lists_the_observations_of_her_and_the_observer_s_those_she_made(db: Database):
    ids = await observed(db)
    async with db.unit_of_work() as uow:
        ana = await holdings_of(uow, ids["ana"])
        marta = await holdings_of(uow, ids["marta"])

    hers = [row for row in ana[Kind.OBSERVATIONS] if row["sent_at"] is not None]
    assert [(row["strengths"], row["growth"], row["next_step"]) for row in hers] == [
        (["Warm-welcome", "Second-strength-0"], "Growth-0", "Step-0"),
        (["Patient-demo", "Second-strength-1"], "Growth-1", "Step-1"),
    ]
    assert hers[0]["scores"] == {"warm_welcome": 3, "listens": "yes"} and hers[0]["reply"] == "Ana-thanks"
    assert "Marta" not in json.dumps(ana) and "Bea-calm" not in json.dumps(ana), "no one else's"
    made = marta[Kind.OBSERVATIONS]
    assert [row["growth"] for row in made] == ["Growth-0", "Growth-1", "Growth-2", None], (
        "hers, in time order"
    )
    assert "Ana-thanks" not in json.dumps(marta), "the reply is Ana's words, not hers to take"
    assert all("reply" not in row and "person_id" not in row and "observer_id" not in row for row in made)
    page = summary_html(ana, CONTENT.catalog, "en", NOW.date()).decode()
    assert "Observations of your practice, and those you made (3)" in page and "Warm-welcome" in page


async def test_erasing_the_observed_takes_her_observations_and_the_observer_s_run_on_her(db: Database):
    ids = await observed(db)
    async with db.unit_of_work() as uow:
        assert await erase(uow, ids["ana"], NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        left = list(await uow.session.scalars(select(Observation)))
        runs = set(await uow.session.scalars(select(FlowRun.id)))
        answers = list(await uow.session.scalars(select(Answer.run_id)))
        marta = await holdings_of(uow, ids["marta"])
    assert [(o.person_id, o.strengths) for o in left] == [(ids["bea"], ["Bea-calm", "Second-strength-2"])]
    assert runs == {ids["checkin"]} and answers == [ids["checkin"]], "her observer's run on her went"
    assert [row["growth"] for row in marta[Kind.OBSERVATIONS]] == ["Growth-2"]
    assert marta[Kind.ANSWERS] and marta[Kind.PROFILE][0]["name"] == "Marta", "Marta's own data stays"


async def test_erasing_the_observer_leaves_the_feedback_with_the_person_observed(db: Database):
    ids = await observed(db)
    async with db.unit_of_work() as uow:
        assert await erase(uow, ids["marta"], NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        left = list(await uow.session.scalars(select(Observation).order_by(Observation.id)))
        ana = await holdings_of(uow, ids["ana"])
    assert [(o.person_id, o.observer_id, o.growth) for o in left] == [
        (ids["ana"], None, "Growth-0"),
        (ids["ana"], None, "Growth-1"),
        (ids["bea"], None, "Growth-2"),
    ], "sent ones stay, unlinked; the one she had not sent went"
    assert left[0].strengths == ["Warm-welcome", "Second-strength-0"] and left[0].reply == "Ana-thanks"
    assert len(ana[Kind.OBSERVATIONS]) == 2
