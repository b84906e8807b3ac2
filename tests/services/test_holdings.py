"""`holdings_of` (issue 23, what /mydata sends): every kind of her data, her own words and values,
in time order, as JSON; other people never by name; nothing once she is erased."""

import json
from datetime import UTC, date, datetime, timedelta

from flows.run import RunStatus
from services.privacy.erasure import erase
from services.privacy.holdings import holdings_of
from store.personal import Kind

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


async def test_her_holdings_are_hers_by_kind_and_name_no_one_else(db):
    async with db.unit_of_work() as uow:
        team, _ = await uow.teams.get_or_create("North", NOW)
        ana = await uow.people.add(1, "Ana", NOW, language="es", roles=["home_visitor"], team_id=team.id)
        bea = await uow.people.add(2, "Beatriz", NOW, language="en", roles=["supervisor"], team_id=team.id)
        team.supervisor_id = bea.id
        ana.consented_at, ana.timezone = NOW, "America/Bogota"
        run = await uow.runs.add(ana.id, "weekly_checkin", {}, None, RunStatus.COMPLETED, NOW, None)
        await uow.answers.add(run, "mood", "Later words", {}, NOW + timedelta(minutes=2))
        await uow.answers.add(run, "score", 4, {"checkin": "wellbeing"}, NOW + timedelta(minutes=1))
        project = await uow.projects.add(bea.id, NOW, team_id=team.id, aim="Bea's aim", measure="Calls")
        for who, value in ((ana, 3), (bea, 9)):
            await uow.projects.add_point(
                project_id=project.id,
                person_id=who.id,
                day=date(2026, 11, 23),
                period="d",
                value=value,
                logged_at=NOW,
            )
        circle = await uow.circles.add(-1001, bea.id, team.id, NOW)
        session = await uow.circles.add_session(circle, "case_consultation", NOW, NOW, NOW)
        session.votes = {f"1:{ana.id}": "2", f"1:{bea.id}": "0"}
        seat = await uow.circles.seat(session.id, ana.id)
        seat.rsvp, seat.rating, seat.comment = "yes", 5, "A good circle"
        await uow.commit()
        held = await holdings_of(uow, ana.id)

    assert [row["value"] for row in held[Kind.ANSWERS]] == [4, "Later words"], "in time order"
    assert held[Kind.PROFILE] == [
        {"name": "Ana", "username": None, "language": "es", "created_at": NOW.isoformat()}
    ]
    assert held[Kind.SETTINGS][0]["timezone"] == "America/Bogota"
    assert held[Kind.CONSENT] == [{"consented_at": NOW.isoformat()}]
    assert held[Kind.ROLES] == [{"role": "home_visitor"}] and held[Kind.TEAM] == [
        {"name": "North", "member": True}
    ]
    assert [row["value"] for row in held[Kind.POINTS]] == [3], "her point, not the team's"
    assert held[Kind.VOTES] == [{"session_id": session.id, "segment": "1", "option": "2"}]
    assert held[Kind.RSVPS] == [{"session_id": session.id, "rsvp": "yes"}]
    assert held[Kind.RATINGS] == [{"session_id": session.id, "rating": 5, "comment": "A good circle"}]
    whole = json.dumps(held)
    assert "Beatriz" not in whole and "Bea's aim" not in whole, "no one else's name or words"

    async with db.unit_of_work() as uow:
        assert await erase(uow, ana.id, NOW)
        await uow.commit()
        assert await holdings_of(uow, ana.id) == {}
