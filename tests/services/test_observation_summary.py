"""The supervisor's weekly summary lists the observations done this month per person, and who
has had none for more than 5 weeks (issue 25): the observations' part reaches the summary
through the registry (`Feature.summary`), after the totals; the month is the supervisor's, in
her timezone; someone who joined less than 5 weeks ago is not late yet."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.core.clock import Timekeeper
from services.core.registry import TeamWeek
from services.features import registry_for
from services.observations.weekly import summary_lines
from store.database import Database
from tests.services.harness import CONTENT, Client, Clock, join, make_invite

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LIMA = ZoneInfo("America/Lima")
NOW = datetime(2026, 12, 4, 20, tzinfo=UTC)  # Friday 4 December, 15:00 in Lima
TWO_MONTHS_AGO = datetime(2026, 10, 2, 15, tzinfo=UTC)


async def team(db: Database, chat, clock: Clock) -> dict[str, Client]:
    """Sara supervises North; Ana, Caro and Dana joined two months ago, Eve last week."""
    found = {}
    for number, (name, role, joined) in enumerate(
        [
            ("Sara", "supervisor", TWO_MONTHS_AGO),
            ("Ana", "home_visitor", TWO_MONTHS_AGO),
            ("Caro", "home_visitor", TWO_MONTHS_AGO),
            ("Dana", "home_visitor", TWO_MONTHS_AGO),
            ("Eve", "home_visitor", NOW - timedelta(days=7)),
        ],
        1,
    ):
        clock.now = joined
        found[name] = Client(chat, db, telegram_id=9000 + number, name=name)
        await join(found[name], await make_invite(db, role, "North", now=joined))
    clock.now = NOW
    return found


async def observe(db: Database, observer: Client, person: Client, *sent: datetime) -> None:
    async with db.unit_of_work() as uow:
        sara = await uow.people.get_by_telegram_id(observer.telegram_id)
        her = await uow.people.get_by_telegram_id(person.telegram_id)
        assert sara is not None and her is not None
        for moment in sent:
            observation = await uow.observations.add(her.id, sara.id, her.team_id, "home_visit", moment)
            observation.sent_at, observation.scores = moment, {"warm_welcome": 3}
        await uow.commit()


async def test_the_summary_counts_this_months_observations_and_names_who_waits_for_one(db, chat, clock):
    people = await team(db, chat, clock)
    sara, ana, caro = people["Sara"], people["Ana"], people["Caro"]
    await observe(
        db,
        sara,
        ana,
        datetime(2026, 12, 1, 3, tzinfo=UTC),  # 30 November, 22:00 in Lima: last month there
        datetime(2026, 12, 2, 15, tzinfo=UTC),
        datetime(2026, 12, 3, 15, tzinfo=UTC),
    )
    await observe(db, sara, caro, NOW - timedelta(weeks=6))
    keeper = Timekeeper(
        db, CONTENT, "America/Lima", render=lambda summary: b"\x89PNG chart", registry=registry_for(CONTENT)
    )
    await sara.new()
    await sara.send("/summary")
    await keeper.tick(NOW)
    page = (await sara.new())[-1]
    header, totals, observations, *members = page.split("\n\n")
    assert header.startswith("📋 Weekly summary for North") and totals.startswith("Check-ins done: 0 of 4.")
    assert observations == (
        "Observations this month: Ana 2\nNo observation for more than 5 weeks: Caro, Dana"
    ), "this month in Lima, then who waits: not Eve, who joined last week"
    assert members[0].startswith("• Ana — "), "the members come after"

    async with db.unit_of_work() as uow:
        supervisor = await uow.people.get_by_telegram_id(sara.telegram_id)
        others = [p for p in await uow.people.of_teams([supervisor.team_id]) if p.id != supervisor.id]
        nobody = [p for p in others if p.name == "Eve"]
        spanish = await summary_lines(
            [TeamWeek(uow, CONTENT, others, NOW, LIMA, "es"), TeamWeek(uow, CONTENT, nobody, NOW, LIMA, "es")]
        )
        assert spanish == [  # two teams' lines from one call, as a batch of summaries reads them
            ["Observaciones de este mes: Ana 2", "Sin observación desde hace más de 5 semanas: Caro, Dana"],
            ["Todavía no hay observaciones este mes."],
        ]
