"""The refusals' hushes (store/repositories/hushes.py) on both engines: a key is taken once until
it runs out, two units of work racing for one key get it once, and spent ones are forgotten."""

import asyncio
from datetime import UTC, datetime, timedelta

from services.core.housekeeping import housekeep
from store.database import Database

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def claim(db: Database, key: str, now: datetime) -> bool:
    async with db.unit_of_work() as uow:
        taken = await uow.hushes.claim(key, now, now + MINUTE)
        await uow.commit()
    return taken


async def test_a_key_is_hushed_once_until_it_runs_out(db: Database) -> None:
    assert await claim(db, "group:-100", NOW)
    assert not await claim(db, "group:-100", NOW + timedelta(seconds=59))
    assert await claim(db, "person:-100:7", NOW)  # another key is its own
    async with db.unit_of_work() as uow:
        assert await uow.hushes.hushed("group:-100", NOW + timedelta(seconds=59))
        assert not await uow.hushes.hushed("group:-100", NOW + MINUTE)
        assert not await uow.hushes.hushed("group:-200", NOW)
    assert await claim(db, "group:-100", NOW + MINUTE)  # run out: taken again, for another minute
    assert not await claim(db, "group:-100", NOW + MINUTE + timedelta(seconds=59))


async def test_two_units_of_work_racing_for_a_key_get_it_once(db: Database) -> None:
    results = await asyncio.gather(*(claim(db, "group:-300", NOW) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_housekeeping_forgets_spent_hushes_only(db: Database) -> None:
    assert await claim(db, "group:-100", NOW)
    assert await claim(db, "group:-200", NOW + MINUTE)
    assert await housekeep(db, NOW + MINUTE) == 1
    async with db.unit_of_work() as uow:
        assert await uow.hushes.hushed("group:-200", NOW + MINUTE)
