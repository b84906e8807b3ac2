"""A circle whose facilitator is gone or deactivated needs one: the program's admins are told,
once, in their private chats (every admin who joined: consented, not deactivated). With none, the
notice waits, listed by `circlebot notices`, and is told as soon as an admin joins. It resolves
by itself when the circle has an active facilitator again (hers reactivated); a resolved notice
reopens, and is told again, if she is deactivated again. Called from the circles' clock."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from services.core.clock import ClockEnv, speaker_for
from services.core.failures import SetAside, each_alone
from store.models import Notice, Person
from store.statuses import NoticeKind
from store.uow import UnitOfWork

ADMIN = "admin"
BATCH = 50
NOTICE_ASIDE = SetAside("notice")  # retried at the next tick, never twice in one


async def keep_notices(env: ClockEnv, now: datetime) -> int:
    """Opens and resolves the notices circles call for, then tells the admins of those untold;
    how many were told. Idempotent: a tick run twice opens nothing twice and tells no one twice."""
    async with env.db.unit_of_work() as uow:
        lacking = {circle.id for circle in await uow.notices.circles_needing_facilitator()}
        still_open = await uow.notices.open_ones(NoticeKind.NEEDS_FACILITATOR)
        settled = [notice for notice in still_open if notice.circle_id not in lacking]
        new = lacking - {notice.circle_id for notice in still_open}
        if settled or new:  # most ticks change nothing, and write nothing
            await uow.notices.resolve(settled, now)
            await uow.notices.open(NoticeKind.NEEDS_FACILITATOR, new, now)
            await uow.commit()
    told: int = 0
    failed: list[int] = []
    while True:
        async with env.db.unit_of_work() as uow:
            untold = await uow.notices.untold(BATCH, failed)
            if not untold:
                return told
            admins = [p for p in await uow.people.all(role=ADMIN) if p.consented_at and not p.deactivated]
            if not admins:
                return told
            ids = [notice.id for notice in untold]
            ran = await each_alone(uow, untold, partial(_tell, env, uow, admins, now), NOTICE_ASIDE, now)
            if not ran.complete:
                failed.append(ids[len(ran.results)])
            told += len(ran.results)
            await uow.commit()


async def _tell(env: ClockEnv, uow: UnitOfWork, admins: list[Person], now: datetime, notice: Notice) -> None:
    circle = await uow.circles.get(notice.circle_id)
    name = "" if circle is None else circle.name
    opened = f"{notice.created_at:%Y%m%d%H%M%S}"  # a reopened notice is told again
    for admin in admins:
        speaker = speaker_for(env, uow, admin, now, f"notice:{notice.id}:{opened}:{admin.id}")
        await speaker.say("notice.needs_facilitator", name=name, id=notice.circle_id)
    notice.told_at = now
