"""The program's admins as the bot reaches them, and what waits for them. An admin "in Telegram"
is someone with the admin role who joined (consented), is not deactivated and has not blocked
the bot. A notice (a circle that needs a facilitator, an alert no supervisor can hear) is told
once to each of them by the clock of the feature that opened it; with none, it waits, listed by
`circlebot notices`, and is told at the first tick after one joins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from services.core.clock import ClockEnv
from services.core.failures import SetAside, each_alone
from store.models import Notice, Person
from store.statuses import NoticeKind
from store.uow import UnitOfWork

ADMIN = "admin"
BATCH = 50
NOTICE_ASIDE = SetAside("notice")  # retried at the next tick, never twice in one
# Tells one notice to the admins; False when it is not for any of them (it waits).
Tell = Callable[[UnitOfWork, list[Person], datetime, Notice], Awaitable[bool]]


async def admins_in_telegram(uow: UnitOfWork) -> list[Person]:
    """Every admin a message reaches: joined, not deactivated, not blocking the bot."""
    found = await uow.people.all(role=ADMIN)
    return [one for one in found if one.consented_at and not (one.deactivated or one.unreachable)]


async def tell_untold(env: ClockEnv, kind: NoticeKind, tell: Tell, now: datetime) -> int:
    """Tells the admins every open notice of `kind` no one was told of; how many were told. A
    notice whose telling fails is set aside until the next tick; the others are still told."""
    told = 0
    passed: list[int] = []  # failed, or for none of these admins: not read again this tick
    while True:
        async with env.db.unit_of_work() as uow:
            untold = await uow.notices.untold(kind, BATCH, passed)
            admins = await admins_in_telegram(uow) if untold else []
            if not admins:
                return told
            ran = await each_alone(uow, untold, partial(tell, uow, admins, now), NOTICE_ASIDE, now)
            passed += [notice.id for notice, done in zip(untold, ran.results, strict=False) if not done]
            if not ran.complete:
                passed.append(untold[len(ran.results)].id)
            told += sum(ran.results)
            await uow.commit()
