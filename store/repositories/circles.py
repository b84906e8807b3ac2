"""Learning circles: the circles, their members, sessions, contributions and seats."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.models import Circle, CircleMember, CircleSession, Contribution, Person, Seat
from store.repositories.base import Repository
from store.statuses import FOR_THE_CLOCK, RUNNING, CircleStatus, Presence, SessionStatus


@cache
def _took_part(dialect: str) -> Insert:
    """A seat marked as taken part: made if absent, else updated (built once per engine)."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    table: Table = Seat.__table__  # type: ignore[assignment]
    values = {"session_id": bindparam("session_id"), "person_id": bindparam("person_id"), "took_part": True}
    statement = module.insert(table).values(values)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=["session_id", "person_id"], set_={"took_part": True}
    )


# Every message in a circle's group asks this, built once.
_CIRCLE_AND_RUNNING = (
    select(Circle, CircleSession)
    .outerjoin(
        CircleSession,
        (CircleSession.circle_id == Circle.id) & CircleSession.status.in_(RUNNING),
    )
    .where(Circle.chat_id == bindparam("chat_id"))
)
# ...and, for what someone says there, whether she is a member who has not left, in the same trip.
_CIRCLE_RUNNING_AND_MEMBER = _CIRCLE_AND_RUNNING.add_columns(CircleMember.person_id).outerjoin(
    CircleMember,
    (CircleMember.circle_id == Circle.id)
    & (CircleMember.person_id == bindparam("person_id"))
    & CircleMember.left_at.is_(None),
)


class CircleRepository(Repository):
    async def add(self, chat_id: int, facilitator_id: int, team_id: int | None, now: datetime) -> Circle:
        circle = Circle(
            chat_id=chat_id,
            facilitator_id=facilitator_id,
            team_id=team_id,
            status=CircleStatus.SETUP,
            created_at=now,
            old_links_listed_at=now,  # a circle made since issue 18 never had a shared link
        )
        self.session.add(circle)
        await self.session.flush()
        return circle

    async def get(self, circle_id: int) -> Circle | None:
        return await self.session.get(Circle, circle_id)

    async def by_chat(self, chat_id: int) -> Circle | None:
        return await self.session.scalar(select(Circle).where(Circle.chat_id == chat_id))

    async def move_chat(self, old: int, new: int) -> bool:
        """The group's circle (and so its sessions) now lives at `new`; False when no circle is
        at `old`, or one is at `new` already (moved before, or the new group's own)."""
        if await self.by_chat(new) is not None:
            return False
        circle = await self.by_chat(old)
        if circle is None:
            return False
        circle.chat_id = new
        await self.session.flush()
        return True

    async def with_running(self, chat_id: int) -> tuple[Circle | None, CircleSession | None]:
        """The group's circle and its session now open or paused, in one statement."""
        found = (await self.session.execute(_CIRCLE_AND_RUNNING, {"chat_id": chat_id})).first()
        return (None, None) if found is None else (found[0], found[1])

    async def with_running_for(
        self, chat_id: int, person_id: int | None
    ) -> tuple[Circle | None, CircleSession | None, bool]:
        """`with_running`, and whether this person is a member (who has not left) of the circle:
        one statement for every message said in a circle's group."""
        params = {"chat_id": chat_id, "person_id": person_id}
        found = (await self.session.execute(_CIRCLE_RUNNING_AND_MEMBER, params)).first()
        return (None, None, False) if found is None else (found[0], found[1], found[2] is not None)

    async def of_team(self, team_id: int) -> list[Circle]:
        return list(
            await self.session.scalars(select(Circle).where(Circle.team_id == team_id).order_by(Circle.id))
        )

    async def in_setup_by(self, facilitator_id: int) -> Circle | None:
        query = select(Circle).where(
            Circle.facilitator_id == facilitator_id, Circle.status == CircleStatus.SETUP
        )
        return await self.session.scalar(query.order_by(Circle.id.desc()).limit(1))

    async def membership(self, circle_id: int, person_id: int) -> CircleMember | None:
        return await self.session.get(CircleMember, (circle_id, person_id))

    async def is_member(self, circle_id: int, person_id: int) -> bool:
        """She joined the circle and has not left it."""
        member = await self.membership(circle_id, person_id)
        return member is not None and member.left_at is None

    async def join(self, circle_id: int, person_id: int, now: datetime) -> bool:
        """Make her a member; False when she already was one."""
        member = await self.membership(circle_id, person_id)
        if member is not None and member.left_at is None:
            return False
        if member is None:
            self.session.add(CircleMember(circle_id=circle_id, person_id=person_id, joined_at=now))
        else:
            member.joined_at, member.left_at = now, None
        await self.session.flush()
        return True

    async def unlisted(self, limit: int) -> list[Circle]:
        """Circles from before issue 18 whose facilitator has not had their old-link list."""
        query = select(Circle).where(Circle.old_links_listed_at.is_(None), Circle.facilitator_id.is_not(None))
        return list(await self.session.scalars(query.order_by(Circle.id).limit(limit)))

    async def mark_listed(self, circle_id: int, now: datetime) -> None:
        await self.session.execute(
            update(Circle).where(Circle.id == circle_id).values(old_links_listed_at=now)
        )

    async def members(self, circle_id: int) -> list[Person]:
        """Who is in the circle now, in the order they joined. Someone deactivated is not: she
        gets no prompt, reminder, recap or rating, and no roster names her (`membership` still
        finds her row)."""
        query = (
            select(Person)
            .join(CircleMember, CircleMember.person_id == Person.id)
            .where(
                CircleMember.circle_id == circle_id,
                CircleMember.left_at.is_(None),
                Person.deactivated.is_(False),
            )
            .order_by(CircleMember.joined_at, Person.id)
        )
        return list((await self.session.scalars(query)).unique())

    async def add_session(
        self, circle: Circle, template_id: str, starts_at: datetime, due_at: datetime, now: datetime
    ) -> CircleSession:
        number = (
            await self.session.scalar(
                select(func.coalesce(func.max(CircleSession.number), 0)).where(
                    CircleSession.circle_id == circle.id
                )
            )
            or 0
        ) + 1
        session = CircleSession(
            circle_id=circle.id,
            number=number,
            template_id=template_id,
            status=SessionStatus.SCHEDULED,
            starts_at=starts_at,
            due_at=due_at,
            votes={},
            uncounted={},
            created_at=now,
        )
        self.session.add(session)
        await self.session.flush()
        return session

    async def session_by_id(self, session_id: int) -> CircleSession | None:
        return await self.session.get(CircleSession, session_id)

    async def sessions_with(self, circle_id: int, statuses: Iterable[SessionStatus]) -> list[CircleSession]:
        query = select(CircleSession).where(
            CircleSession.circle_id == circle_id, CircleSession.status.in_(list(statuses))
        )
        return list(await self.session.scalars(query.order_by(CircleSession.number)))

    async def last_ended(self, circle_id: int, before: int) -> CircleSession | None:
        query = select(CircleSession).where(
            CircleSession.circle_id == circle_id,
            CircleSession.status == SessionStatus.ENDED,
            CircleSession.number < before,
        )
        return await self.session.scalar(query.order_by(CircleSession.number.desc()).limit(1))

    async def due(self, now: datetime, limit: int) -> list[CircleSession]:
        query = (
            select(CircleSession)
            .where(CircleSession.due_at <= now, CircleSession.status.in_(FOR_THE_CLOCK))
            .order_by(CircleSession.due_at)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_due(self) -> datetime | None:
        moments = [
            await self.session.scalar(
                select(func.min(CircleSession.due_at)).where(CircleSession.status.in_(FOR_THE_CLOCK))
            ),
            await self.session.scalar(select(func.min(Contribution.follow_up_at))),
        ]
        return min((moment for moment in moments if moment is not None), default=None)

    async def add_contribution(self, **fields: Any) -> Contribution:
        contribution = Contribution(**fields)
        self.session.add(contribution)
        await self.session.flush()
        return contribution

    async def add_message(self, **fields: Any) -> None:
        """A group message as a contribution, through Core (every message in a session writes
        one); the same message twice is kept once."""
        await self._insert_core(Contribution, fields)

    async def took_part(self, session_id: int, person_id: int) -> None:
        """Mark her seat as taken part, making it if need be, in one statement."""
        connection = await self.session.connection()
        await connection.execute(
            _took_part(connection.dialect.name), {"session_id": session_id, "person_id": person_id}
        )

    async def remove_contribution(self, contribution: Contribution) -> None:
        """A private answer she took back (a case withdrawn): her words are not kept."""
        await self.session.delete(contribution)
        await self.session.flush()

    async def contribution(self, contribution_id: int) -> Contribution | None:
        return await self.session.get(Contribution, contribution_id)

    async def by_message(self, session_id: int, chat_id: int, message_id: int) -> Contribution | None:
        """A group message's contribution, by its chat and id (ids restart in a supergroup)."""
        query = select(Contribution).where(
            Contribution.session_id == session_id,
            Contribution.chat_id == chat_id,
            Contribution.message_id == message_id,
        )
        return await self.session.scalar(query)

    async def contributions(self, session_id: int, kind: str | None = None) -> list[Contribution]:
        query = select(Contribution).where(Contribution.session_id == session_id)
        if kind is not None:
            query = query.where(Contribution.kind == kind)
        return list(await self.session.scalars(query.order_by(Contribution.id)))

    async def follow_ups_due(self, now: datetime, limit: int) -> list[Contribution]:
        query = (
            select(Contribution).where(Contribution.follow_up_at <= now).order_by(Contribution.follow_up_at)
        )
        return list(await self.session.scalars(query.limit(limit)))

    async def seat(self, session_id: int, person_id: int) -> Seat:
        """Her seat at this session, made on first use; her vote in the group and her answer in
        the private chat may make it at the same moment, so the insert skips one already there."""
        seat = await self.session.get(Seat, (session_id, person_id))
        if seat is None:
            await self._insert_core(
                Seat, {"session_id": session_id, "person_id": person_id, "took_part": False}
            )
            seat = await self.session.get(Seat, (session_id, person_id))
        assert seat is not None
        return seat

    async def seats(self, session_id: int) -> list[Seat]:
        query = select(Seat).where(Seat.session_id == session_id).order_by(Seat.person_id)
        return list(await self.session.scalars(query))

    async def attendance_since(
        self, person_ids: Iterable[int], since: datetime
    ) -> list[tuple[int, bool, Presence | None, str | None]]:
        """(person, took part, presence, RSVP) for each session ended since `since` of a circle
        she was in; a session she has no seat at gives (person, False, None, None)."""
        query = (
            select(CircleMember.person_id, Seat.took_part, Seat.presence, Seat.rsvp)
            .join(CircleSession, CircleSession.circle_id == CircleMember.circle_id)
            .outerjoin(
                Seat, (Seat.session_id == CircleSession.id) & (Seat.person_id == CircleMember.person_id)
            )
            .where(
                CircleMember.person_id.in_(list(person_ids)),
                CircleSession.status == SessionStatus.ENDED,
                CircleSession.ended_at >= since,
                CircleMember.joined_at <= CircleSession.ended_at,
            )
        )
        return [
            (person_id, bool(took_part), None if presence is None else Presence(presence), rsvp)
            for person_id, took_part, presence, rsvp in await self.session.execute(query)
        ]
