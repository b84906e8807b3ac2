"""A circle whose facilitator is gone or deactivated needs one: the program's admins are told,
once, in their private chats (every admin in Telegram, services/core/notices.py). With none, the
notice waits, listed by `circlebot notices`, and is told as soon as an admin joins. It resolves
by itself when the circle has an active facilitator again (hers reactivated); a resolved notice
reopens, and is told again, if she is deactivated again. Called from the circles' clock."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from services.core.clock import ClockEnv, speaker_for
from services.core.notices import tell_untold
from store.models import Notice, Person
from store.statuses import NoticeKind
from store.uow import UnitOfWork


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
    return await tell_untold(env, NoticeKind.NEEDS_FACILITATOR, partial(_tell, env), now)


async def _tell(env: ClockEnv, uow: UnitOfWork, admins: list[Person], now: datetime, notice: Notice) -> bool:
    circle = None if notice.circle_id is None else await uow.circles.get(notice.circle_id)
    name = "" if circle is None else circle.name
    opened = f"{notice.created_at:%Y%m%d%H%M%S}"  # a reopened notice is told again
    for admin in admins:
        speaker = speaker_for(env, uow, admin, now, f"notice:{notice.id}:{opened}:{admin.id}")
        await speaker.say("notice.needs_facilitator", name=name, id=notice.circle_id)
    notice.told_at = now
    return True
