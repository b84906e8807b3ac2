"""The clock's work (DESIGN.md rule 4): `tick(now)` walks every registered feature's clock hook,
then asks what waited in the queues of people who are free by now; `next_wakeup(now)` is the
earliest moment any hook, or a lapsing prompt, needs it. The scheduler only wakes it."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from flows.content import Content
from flows.faults import reason_of
from services.core import prompts
from services.core.conversation import Conversation, RunHooks
from services.core.failures import SetAside, each_alone
from services.core.outgoing import Outbox
from services.core.speaker import Speaker
from store.database import Database
from store.errors import is_store_error
from store.models import Person
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from services.core.registry import ClockHook, Registry, SummaryPart

log = logging.getLogger(__name__)
BATCH = 100  # people per transaction: replies from people in between never wait long
LONGEST_SLEEP = timedelta(minutes=1)  # new people and changed timezones are noticed within this


@dataclass(frozen=True)
class ClockEnv:
    """What a feature's clock hook is built from."""

    db: Database
    content: Content
    timezone: str  # the program's, for whoever has not set her own
    render_summary: Callable[[Any], bytes] | None = None  # the tests' stand-ins for the chart painters
    render_run_chart: Callable[[Any], bytes] | None = None
    runs: RunHooks = field(default_factory=RunHooks)  # the registry's hooks, for the runs the clock moves
    summary_parts: Sequence[SummaryPart] = ()  # the registry's, for the weekly summaries it sends


def speaker_for(env: ClockEnv, uow: UnitOfWork, person: Person, now: datetime, key: str) -> Speaker:
    """To one person, in her language, through a queue of this tick's unit of work."""
    out = Outbox(uow, now, key, interactive=False)
    return Speaker.to(out, env.content.catalog, person)


def conversation_for(env: ClockEnv, uow: UnitOfWork, person: Person, now: datetime, key: str) -> Conversation:
    speaker = speaker_for(env, uow, person, now, key)
    return Conversation(uow, env.content, speaker, person, now, env.timezone, env.runs)


class Timekeeper:
    def __init__(
        self,
        db: Database,
        content: Content,
        timezone: str,
        render: Callable[[Any], bytes] | None = None,
        render_run_chart: Callable[[Any], bytes] | None = None,
        *,
        registry: Registry,  # every feature's declarations (services.features.registry_for)
    ) -> None:
        self.env = ClockEnv(
            db, content, timezone, render, render_run_chart, registry.runs, registry.summary_parts
        )
        self.hooks: list[ClockHook] = [
            feature.clock(self.env) for feature in registry.features if feature.clock is not None
        ]
        self._lock = asyncio.Lock()  # one tick at a time

    async def tick(self, now: datetime) -> Counter[str]:
        """What this tick did, counted by name (for logs and tests)."""
        async with self._lock:
            tally: Counter[str] = Counter()
            for hook in self.hooks:
                tally.update(await _alone(hook, now))
            tally["asked"] += await self._free(now)
            return tally

    async def next_wakeup(self, now: datetime) -> datetime:
        """When a tick is next needed; never later than LONGEST_SLEEP from now."""
        latest = now + LONGEST_SLEEP
        moments = [await hook.next_due(now, latest) for hook in self.hooks]
        async with self.env.db.unit_of_work() as uow:
            moments.append(await uow.waiting.next_lapse())
        return max(now, min([latest, *(moment for moment in moments if moment is not None)]))

    async def _free(self, now: datetime) -> int:
        """People whose conversation ended or lapsed get what waited in their queue."""
        async with self.env.db.unit_of_work() as uow:
            ids = set(await uow.waiting.people_free(now, BATCH))
            ids |= {occurrence.person_id for occurrence in await uow.occurrences.unblocked(now, BATCH)}
            people = await uow.people.many(ids)
            ran = await each_alone(
                uow, list(people.values()), partial(self._start_waiting, uow, now), QUEUE_ASIDE, now
            )
            await uow.commit()
        return len(ran.results)

    async def _start_waiting(self, uow: UnitOfWork, now: datetime, person: Person) -> None:
        prompts.drop_lapsed(person, now)  # (only a lapsed one: the others are not free)
        key = f"free:{person.id}:{now.timestamp()}"
        await conversation_for(self.env, uow, person, now, key).start_waiting()


async def _alone(hook: ClockHook, now: datetime) -> dict[str, int]:
    """One hook's tick; its own error (outside any item) is logged by kind and the other hooks
    still run. A store error stops the whole tick, to be tried again."""
    try:
        return await hook.tick(now)
    except Exception as error:
        if is_store_error(error):
            raise
        log.error("clock hook %s failed (%s)", type(hook).__name__, reason_of(error))
        return {}


async def _drop_queue(uow: UnitOfWork, person_id: int, _now: datetime) -> None:
    await uow.waiting.clear(person_id)
    await uow.occurrences.fail_waiting(person_id)


QUEUE_ASIDE = SetAside("queue", then=_drop_queue)  # a queue that cannot start is let go, recorded
