"""The observations' clock: at a next step's date, she is asked how it went."""

from __future__ import annotations

from datetime import datetime

from services.core.clock import BATCH, ClockEnv
from services.core.failures import SetAside, each_alone
from services.core.outgoing import Outbox
from services.observations.feedback import ask_how_it_went

FOLLOW_UP_ASIDE = SetAside("observation-follow-up", {"follow_up_at": None})


class FollowUpClock:
    def __init__(self, env: ClockEnv) -> None:
        self.env = env

    async def tick(self, now: datetime) -> dict[str, int]:
        asked = 0
        while True:
            async with self.env.db.unit_of_work() as uow:
                due = await uow.observations.follow_ups_due(now, BATCH)
                if not due:
                    return {"next steps followed up": asked}
                ran = await each_alone(
                    uow,
                    due,
                    lambda observation: ask_how_it_went(
                        uow,
                        self.env.content,
                        Outbox(uow, now, f"observation:{observation.id}", interactive=False),
                        observation,
                        self.env.timezone,
                    ),
                    FOLLOW_UP_ASIDE,
                    now,
                )
                asked += len(ran.results)
                await uow.commit()

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        async with self.env.db.unit_of_work() as uow:
            return await uow.observations.next_follow_up()
