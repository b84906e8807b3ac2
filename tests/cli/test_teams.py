"""Issue 18: a team always knows its supervisor (`people move`, `people deactivate`, `team
set-supervisor`, `team show`), and a circle whose facilitator was deactivated waits in
`circlebot notices` while no admin has joined."""

from datetime import UTC, datetime

from content import BUNDLED_CONTENT
from flows.validate import load_content
from services.circles.clock import CircleClock
from services.core.clock import ClockEnv
from store.statuses import CircleStatus
from tests.cli.test_cli import one_line

NOW = datetime(2026, 11, 24, tzinfo=UTC)
CONTENT = load_content(BUNDLED_CONTENT)


def joined(
    store, name: str, telegram_id: int, roles: tuple[str, ...], team: str, supervises: bool = False
) -> int:
    """Someone who joined in Telegram (consented, English), in `team`, perhaps its supervisor."""

    async def work(db):
        async with db.unit_of_work() as uow:
            found, _ = await uow.teams.get_or_create(team, NOW)
            person = await uow.people.add(
                telegram_id, name, NOW, roles=roles, team_id=found.id, language="en"
            )
            person.consented_at = NOW
            if supervises:
                found.supervisor_id = person.id
            await uow.commit()
            return person.id

    return store(work)


def supervisor_of(store, team: str) -> int | None:
    async def work(db):
        async with db.unit_of_work() as uow:
            found = await uow.teams.get_by_name(team)
            return found.supervisor_id

    return store(work)


def messages_to(store, person_id: int) -> list[str]:
    async def work(db):
        async with db.unit_of_work() as uow:
            rows = await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), 100)
            return [r.payload["params"]["text"] for r in rows if r.person_id == person_id]

    return store(work)


def test_moving_or_deactivating_a_supervisor_frees_her_team(circlebot, store):
    marta = joined(store, "Marta", 1, ("supervisor",), "North", supervises=True)
    sara = joined(store, "Sara", 2, ("supervisor",), "South", supervises=True)

    moved = circlebot("people", "move", str(marta), "--team", "South")
    assert moved.code == 0
    assert "Team North has no supervisor now" in one_line(moved.out)
    assert supervisor_of(store, "North") is None
    assert "Supervisor: none" in circlebot("team", "show", "North").out
    assert supervisor_of(store, "South") == sara  # she moved in as a member, Sara still supervises

    deactivated = circlebot("people", "deactivate", str(sara))
    assert "Team South has no supervisor now" in one_line(deactivated.out)
    assert supervisor_of(store, "South") is None
    reactivated = circlebot("people", "reactivate", str(sara))
    assert f"team set-supervisor TEAM {sara}" in one_line(reactivated.out)
    assert supervisor_of(store, "South") is None  # reactivating does not give it back


def test_set_supervisor_replaces_frees_revokes_and_tells_them(circlebot, store):
    marta = joined(store, "Marta", 1, ("supervisor",), "North", supervises=True)
    olga = joined(store, "Olga", 2, ("home_visitor",), "West")
    assert circlebot("invite", "create", "--role", "supervisor", "--team", "South").code == 0

    first = circlebot("team", "set-supervisor", "North", str(olga))
    assert first.code == 0, first.err
    assert first.out.splitlines() == [
        "Olga supervises North now.",
        "Olga got the supervisor role.",
        "Marta no longer supervises North (still a member).",
    ]
    shown = circlebot("team", "show", "North").out
    assert f"Supervisor: Olga (id {olga}, active)" in shown
    assert f"supervisor (2): Marta (id {marta}), Olga (id {olga})" in shown
    assert f"home_visitor (1): Olga (id {olga})" in shown
    assert "Team North has no supervisor" not in first.out
    assert messages_to(store, olga) == [CONTENT.catalog.say("en", "team.supervisor_appointed", team="North")]
    assert messages_to(store, marta) == [CONTENT.catalog.say("en", "team.supervisor_replaced", team="North")]

    second = circlebot("team", "set-supervisor", "South", str(olga))
    assert second.code == 0, second.err
    assert "Team North has no supervisor now." in second.out.splitlines()
    assert any(line.startswith("Revoked the supervisor invite ") for line in second.out.splitlines())
    assert "Invites waiting (0)" in circlebot("team", "show", "South").out
    assert supervisor_of(store, "North") is None and supervisor_of(store, "South") == olga


def test_set_supervisor_refusals_write_nothing(circlebot, store):
    marta = joined(store, "Marta", 1, ("supervisor",), "North", supervises=True)
    bea = joined(store, "Bea", 2, ("home_visitor",), "North")
    circlebot("people", "deactivate", str(bea))

    async def stranger(db):
        async with db.unit_of_work() as uow:
            person = await uow.people.add(3, "Nadie", NOW, roles=("home_visitor",))
            await uow.commit()
            return person.id

    nadie = store(stranger)
    for args, why in [
        (("North", str(bea)), "is deactivated"),
        (("North", str(nadie)), "has not joined yet"),
        (("North", str(marta)), "already supervises North"),
        (("Nowhere", str(marta)), "no team named 'Nowhere'"),
        (("North", "999"), "no person with id 999"),
    ]:
        refused = circlebot("team", "set-supervisor", *args)
        assert refused.code == 2 and why in one_line(refused.err)
    assert supervisor_of(store, "North") == marta
    assert messages_to(store, marta) == []


def test_team_show_lists_members_by_role_invites_and_circles(circlebot, store):
    joined(store, "Marta", 1, ("supervisor",), "North", supervises=True)
    fatima = joined(store, "Fatima", 2, ("facilitator", "home_visitor"), "North")
    joined(store, "Ana", 3, ("home_visitor",), "North")
    joined(store, "Zoe", 4, ("home_visitor",), "South")
    code = circlebot("invite", "create", "--role", "home_visitor", "--team", "North", "--uses", "5").out

    async def circle(db):
        async with db.unit_of_work() as uow:
            made = await uow.circles.add(-100, fatima, (await uow.teams.get_by_name("North")).id, NOW)
            made.name, made.status = "North circle", CircleStatus.ACTIVE
            await uow.commit()
            return made.id

    circle_id = store(circle)
    shown = circlebot("team", "show", "North")
    assert shown.code == 0
    lines = shown.out.splitlines()
    assert lines[0] == "Team North"
    assert "home_visitor (2): Ana (id 3), Fatima (id 2)" in lines
    assert "facilitator (1): Fatima (id 2)" in lines
    assert "admin (0): —" in lines
    assert "Zoe" not in shown.out
    assert code.strip().rsplit("=", 1)[1] in shown.out and "home_visitor 0/5" in shown.out
    assert f"Circles (1): North circle (id {circle_id}, active, facilitator Fatima)" in lines


async def _tick(db, now: datetime) -> None:
    await CircleClock(ClockEnv(db, CONTENT, "America/Lima")).tick(now)


def test_a_circle_without_an_active_facilitator_waits_in_notices_until_an_admin_joins(circlebot, store):
    fatima = joined(store, "Fatima", 2, ("facilitator",), "North")

    async def circle(db):
        async with db.unit_of_work() as uow:
            made = await uow.circles.add(-100, fatima, None, NOW)
            made.name, made.status = "North circle", CircleStatus.ACTIVE
            await uow.commit()

    store(circle)
    store(lambda db: _tick(db, NOW))
    assert "No open notices." in circlebot("notices").out  # her circle has its facilitator

    circlebot("people", "deactivate", str(fatima))
    store(lambda db: _tick(db, NOW))
    store(lambda db: _tick(db, NOW))  # again: still one notice
    listed = circlebot("notices").out
    assert listed.count("needs_facilitator") == 1
    assert "North circle (id 1)" in listed and "no admin has joined yet" in listed

    admin = joined(store, "Ada", 9, ("admin",), "North")
    store(lambda db: _tick(db, NOW))
    store(lambda db: _tick(db, NOW))
    assert "no admin has joined yet" not in circlebot("notices").out
    told = CONTENT.catalog.say("en", "notice.needs_facilitator", name="North circle", id=1)
    assert messages_to(store, admin) == [told]  # once

    circlebot("people", "reactivate", str(fatima))
    store(lambda db: _tick(db, NOW))
    assert "No open notices." in circlebot("notices").out  # resolved by itself
