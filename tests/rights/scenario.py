"""The rights matrix's world, built once through the chat service (and the store where that is
simpler): eleven personas, each a Telegram user id, and the things the buttons name.

- a stranger, with a valid invite she has not opened yet, and the link of her own that the
  circle's Join gave her;
- someone who pressed "I agree" but chose no language;
- a deactivated home visitor;
- an admin (no team);
- a home visitor of team A: a PDSA project from a template (her own, shared with her
  supervisor, a cycle paused in Plan, a point logged today), a reflection shared with and
  delivered to her supervisor, and a reflection going on now;
- the facilitator of team A, who facilitates the circle of group -1001 and is setting up a
  second circle in group -1002;
- the supervisor of team A: the reflection reached her; she is in a self-check and has a
  bulletin ready to send;
- the supervisor of team B, with a shared project of her own (a point, a cycle in Plan);
- a circle member (a home visitor of team A who joined circlebot through the circle's old
  shared link, as before issue 18): she wrote a commitment in the first, ended session, and
  proposed a case (not confirmed) in the open one;
- a group member in circlebot but not in the circle: a facilitator of team B;
- a circle-only member (a stranger who tapped Join and came in by her own link: no team), to
  whom the facilitator offered team A.

The circle (Tuesday, 24 Nov 2026, 15:00 UTC): session 1 ended, session 2 open at its poll,
session 3 scheduled. The set-up circle of -1002 has a scheduled session too (only for forged
buttons that name it)."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from flows.spec import ChoiceAnswer, DateAnswer, MultiAnswer, ScaleAnswer, YesNoAnswer
from services.circles.buttons import Join
from services.circles.membership import InviteToTeam
from services.core.buttons import Button
from services.core.dispatch import ChatService
from services.core.turn import GroupFacts, Incoming, Sender
from services.features import registry_for
from services.joining.invites import add_invite
from services.pdsa.buttons import FromTemplate, OnOwnProject
from store.database import Database
from store.migrate import upgrade_to_head
from store.models import CircleSession, Share
from store.statuses import SessionStatus
from store.uow import UnitOfWork
from tests.services.harness import CONTENT, Client, join, make_invite, outbox

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # a Tuesday; 10:00 in Lima
TODAY = date(2026, 11, 24)  # in Lima, the program's timezone
TIMEZONE = "America/Lima"
GROUP = -1001  # the circle's group
SETUP_GROUP = -1002  # the facilitator's second circle, still in set-up
REGISTRY = registry_for(CONTENT)
ADMIN_FACTS = GroupFacts(sender_admin=True, bot_admin=True)  # what the adapter looks up for /circle

PERSONAS: dict[str, int] = {
    "stranger": 901,
    "no_language": 902,
    "deactivated": 903,
    "admin": 904,
    "home_visitor": 905,
    "facilitator": 906,
    "supervisor_a": 907,
    "supervisor_b": 908,
    "circle_member": 909,
    "group_member": 910,
    "circle_only": 911,
}

_ids = itertools.count(1)


def clock() -> datetime:
    return NOW


def chat_service(db: Database) -> ChatService:
    return ChatService(db, CONTENT, TIMEZONE, clock, registry=REGISTRY)


@dataclass(frozen=True)
class Scenario:
    """The ids that honest and forged payloads name."""

    invite: str  # the stranger's invite (home visitor, team A)
    circle_member: int  # the old-link member
    circle_only: int  # the circle-only member
    offer: str  # team A offered to the circle-only member: its invite's code
    run: int  # the home visitor's reflection, going on
    run_step: int  # the index of the step it is at
    project: int  # the home visitor's project
    point: int  # her point of today
    cycle: int  # her project's cycle 1, in Plan
    share: int  # her reflection, delivered to supervisor A
    supervisor_run: int  # supervisor A's self-check, going on
    other_project: int  # supervisor B's shared project
    other_point: int
    other_cycle: int
    circle: int  # the circle of GROUP
    setup_circle: int  # the facilitator's circle of SETUP_GROUP, in set-up
    ended: int  # the circle's session 1
    open: int  # session 2, open at its poll
    poll_segment: int
    poll_option: str
    scheduled: int  # session 3
    other_session: int  # a session of the set-up circle
    commitment: int  # the circle member's commitment in session 1
    other_commitment: int  # someone else's
    case: int  # the circle member's case proposed in session 2, not confirmed
    home_visitor: int  # whom supervisor A may observe
    other_team: int  # team B's facilitator
    observation: int  # supervisor A's observation of the home visitor: sent, its next step asked about
    unfinished: int  # supervisor A's observation of the home visitor, stopped half way


def person_client(chat: ChatService, db: Database, persona: str) -> Client:
    return Client(chat, db, PERSONAS[persona], persona.replace("_", " ").title())


async def press(client: Client, button: Button) -> None:
    await client.press_data(button.encode())


async def in_group(
    client: Client, chat_id: int = GROUP, facts: GroupFacts | None = None, **fields: Any
) -> None:
    sender = Sender(client.telegram_id, client.name, None, "en")
    await client.chat.handle(
        Incoming(
            next(_ids) + 900_000,
            chat_id,
            sender,
            private=False,
            group=facts or GroupFacts(),
            message_id=next(_ids),
            **fields,
        )
    )


async def walk_flow(db: Database, client: Client, person_id: int) -> None:
    """Answer every question of the flow she is in, by the kind of answer each wants."""
    for _ in range(60):
        async with db.unit_of_work() as uow:
            run = await uow.runs.active_for(person_id)
        if run is None or run.step_id is None:
            return
        answer = CONTENT.flows[run.flow_id].step(run.step_id).answer
        if isinstance(answer, MultiAnswer):
            await client.send("2")
            await client.send(str(len(answer.choices) + 1))  # Done
        elif isinstance(answer, DateAnswer):
            await client.send(f"{TODAY:%d/%m/%Y}")
        elif isinstance(answer, ChoiceAnswer):
            await client.send("1")
        elif isinstance(answer, ScaleAnswer):
            await client.send(str(answer.min))
        elif isinstance(answer, YesNoAnswer):
            await client.send("yes")
        else:
            await client.send("A moment with the family that stays with me.")
    raise AssertionError("the flow did not end")


async def _person_id(db: Database, client: Client) -> int:
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(client.telegram_id)
    assert person is not None, client.name
    return person.id


async def build(path: Path) -> Scenario:
    url = f"sqlite:///{path}"
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database(url)
    try:
        scenario = await _populate(db)
    finally:
        await db.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return scenario


async def _populate(db: Database) -> Scenario:
    chat = chat_service(db)
    c = {name: person_client(chat, db, name) for name in PERSONAS}

    # --- people ---------------------------------------------------------------------------------
    await join(c["supervisor_a"], await make_invite(db, "supervisor", "Team A", now=NOW))
    await join(c["supervisor_b"], await make_invite(db, "supervisor", "Team B", now=NOW))
    team_a = await make_invite(db, "home_visitor", "Team A", uses=5, now=NOW)
    await join(c["home_visitor"], team_a)
    await join(c["deactivated"], team_a)
    await join(c["facilitator"], await make_invite(db, "facilitator", "Team A", now=NOW))
    await join(c["group_member"], await make_invite(db, "facilitator", "Team B", now=NOW))
    await join(c["admin"], await make_invite(db, "admin", None, now=NOW))
    await c["no_language"].send(f"/start {team_a}")
    await c["no_language"].press("I agree")
    invite = await make_invite(db, "home_visitor", "Team A", uses=5, now=NOW)
    ids = {
        name: await _person_id(db, client)
        for name, client in c.items()
        if name not in ("stranger", "circle_member", "circle_only")
    }

    # --- the circle of GROUP --------------------------------------------------------------------
    fac, member = c["facilitator"], c["circle_member"]
    await in_group(fac, command="circle", facts=ADMIN_FACTS)
    await fac.send("Circle A")
    await fac.press("English")
    await fac.press("Home-visiting topics")
    await fac.press("Thursday")
    await fac.send("18:00")
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        assert circle is not None and circle.status == "active"
        circle_id = circle.id
    async with db.unit_of_work() as uow:  # the circle's shared link, as it was before issue 18
        team = await uow.teams.get_by_name("Team A")
        old_link = await add_invite(
            uow,
            "home_visitor",
            team,
            50,
            timedelta(days=90),
            NOW,
            created_by=ids["facilitator"],
            circle_id=circle_id,
        )
        await uow.commit()
    await join(member, old_link)
    ids["circle_member"] = await _person_id(db, member)
    newcomer = c["circle_only"]
    await in_group(newcomer, callback=Join(circle_id).encode(), callback_id="q")  # a stranger's Join
    (link,) = [
        m.params["url"] for m in await outbox(db) if m.method == "answerCallbackQuery" and "url" in m.params
    ]
    await join(newcomer, link.split("start=")[1])
    ids["circle_only"] = await _person_id(db, newcomer)
    await press(fac, InviteToTeam(circle_id, ids["circle_only"]))
    # The stranger tapped Join too, and has not opened her link yet: a refused vote's notice
    # carries that same link (a first one would write it, her way in).
    await in_group(c["stranger"], callback=Join(circle_id).encode(), callback_id="q")

    await in_group(fac, command="session")  # session 1, opened early
    for _ in range(5):
        await in_group(fac, command="next")  # to its commitment, asked privately
    await member.send("I will read a picture book with the baby on Friday.")
    await in_group(fac, command="end")
    await in_group(fac, command="session")  # session 2
    async with db.unit_of_work() as uow:
        (ended,) = await uow.circles.sessions_with(circle_id, (SessionStatus.ENDED,))
        (running,) = await uow.circles.sessions_with(circle_id, (SessionStatus.OPEN,))
        (commitment,) = await uow.circles.contributions(ended.id, "commitment")
        assert commitment.person_id == ids["circle_member"] and commitment.shared is None
    assert CONTENT.circles is not None
    template = CONTENT.circles.sessions[running.template_id]
    poll_segment = next(k for k, segment in enumerate(template.segments) if segment.poll is not None)
    poll = template.segments[poll_segment].poll
    assert poll is not None and not poll.cases
    for _ in range(poll_segment):
        await in_group(fac, command="next")

    # --- the home visitor -----------------------------------------------------------------------
    hv = c["home_visitor"]
    await hv.send("/pdsa")
    await press(hv, FromTemplate("play_at_home"))  # a visit measure from 0 to 7
    await hv.send("/log 3")
    project = await _only_project(db, ids["home_visitor"])
    await press(hv, OnOwnProject("share", project))
    await press(hv, OnOwnProject("plan", project))  # cycle 1, its plan left for later
    await hv.send("/cancel")
    await hv.send("/reflect")
    await walk_flow(db, hv, ids["home_visitor"])  # shared with her supervisor at the end
    await hv.send("/reflect")  # and another, going on

    # --- supervisor B's own project, and supervisor A's self-check and bulletin ------------------
    sup_b = c["supervisor_b"]
    await sup_b.send("/pdsa")
    await press(sup_b, FromTemplate("visits_kept"))
    await sup_b.send("/log 50")
    other_project = await _only_project(db, ids["supervisor_b"])
    await press(sup_b, OnOwnProject("share", other_project))
    await press(sup_b, OnOwnProject("plan", other_project))
    await sup_b.send("/cancel")
    sup_a = c["supervisor_a"]
    await sup_a.send("/selfcheck")
    await sup_a.send("/bulletin")
    await sup_a.send("Our team meeting moves to Friday at 9.")

    # --- what the store sets up more simply -----------------------------------------------------
    async with db.unit_of_work() as uow:
        circle = await uow.circles.get(circle_id)
        assert circle is not None
        week = timedelta(days=7)
        after = running.starts_at + week  # the meeting after session 2's
        scheduled = await uow.circles.add_session(circle, "toy_making", after, after - timedelta(days=1), NOW)
        setup = await uow.circles.add(SETUP_GROUP, ids["facilitator"], circle.team_id, NOW)
        other_session = await uow.circles.add_session(setup, "toy_making", NOW + week, NOW + week, NOW)
        other = await uow.circles.add_contribution(
            session_id=ended.id,
            person_id=ids["home_visitor"],
            segment=commitment.segment,
            kind="commitment",
            text="Someone else's commitment.",
            created_at=NOW,
        )
        case = await uow.circles.add_contribution(
            session_id=running.id,
            person_id=ids["circle_member"],
            segment=0,
            kind="case",
            text="A family that keeps moving house",
            created_at=NOW,
        )
        deactivated = await uow.people.get(ids["deactivated"])
        assert deactivated is not None
        await uow.people.set_deactivated(deactivated, True)
        hv_run = await uow.runs.active_for(ids["home_visitor"])
        sup_run = await uow.runs.active_for(ids["supervisor_a"])
        assert hv_run is not None and hv_run.step_id is not None and sup_run is not None
        (point,) = await uow.projects.points([project])
        (other_point,) = await uow.projects.points([other_project])
        cycle = await uow.projects.latest_cycle(project)
        other_cycle = await uow.projects.latest_cycle(other_project)
        assert cycle is not None and cycle.stage == "plan"
        assert other_cycle is not None and other_cycle.stage == "plan"
        share = await _delivered_share(uow, ids["home_visitor"], ids["supervisor_a"])
        sup_a_person = await uow.people.get(ids["supervisor_a"])
        assert sup_a_person is not None and sup_a_person.awaiting is not None  # her bulletin, ready
        offer = await uow.invites.bound(
            PERSONAS["circle_only"], circle_id, "home_visitor", circle.team_id, NOW
        )
        assert offer is not None
        sent = await uow.observations.add(
            ids["home_visitor"], ids["supervisor_a"], circle.team_id, "home_visit", NOW
        )
        sent.sent_at = sent.followed_up_at = NOW
        sent.scores, sent.strengths, sent.next_step = {"warm_welcome": 4}, ["A warm welcome."], "Wait longer."
        unfinished = await uow.observations.add(
            ids["home_visitor"], ids["supervisor_a"], circle.team_id, "home_visit", NOW
        )
        unfinished.paused = {
            "flow_id": "observe_home_visit",
            "step_id": "listens",
            "answers": {"warm_welcome": 3},
        }
        scenario = Scenario(
            invite=invite,
            circle_member=ids["circle_member"],
            circle_only=ids["circle_only"],
            offer=offer.code,
            run=hv_run.id,
            run_step=CONTENT.flows[hv_run.flow_id].index(hv_run.step_id),
            project=project,
            point=point.id,
            cycle=cycle.id,
            share=share,
            supervisor_run=sup_run.id,
            other_project=other_project,
            other_point=other_point.id,
            other_cycle=other_cycle.id,
            circle=circle_id,
            setup_circle=setup.id,
            ended=ended.id,
            open=running.id,
            poll_segment=poll_segment,
            poll_option=poll.options[0].id,
            scheduled=scheduled.id,
            other_session=other_session.id,
            commitment=commitment.id,
            other_commitment=other.id,
            case=case.id,
            home_visitor=ids["home_visitor"],
            other_team=ids["group_member"],
            observation=sent.id,
            unfinished=unfinished.id,
        )
        await uow.commit()
    await _check_open(db, scenario)
    return scenario


async def _only_project(db: Database, person_id: int) -> int:
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all(owner_id=person_id)
    return project.id


async def _delivered_share(uow: UnitOfWork, author: int, supervisor: int) -> int:
    (share,) = list(await uow.session.scalars(select(Share).where(Share.person_id == author)))
    assert share.supervisor_id == supervisor and share.delivered_at is not None
    return share.id


async def _check_open(db: Database, scenario: Scenario) -> None:
    async with db.unit_of_work() as uow:
        running = await uow.session.get(CircleSession, scenario.open)
        assert running is not None and running.status == "open"
        assert running.segment == scenario.poll_segment
