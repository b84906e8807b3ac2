"""One failure stays one failure (DESIGN.md): the clock's items each run on their own.

A clock hook reads a batch of due items in one unit of work and hands them to `each_alone`. Each
item runs inside its own SAVEPOINT, so an item whose own work raises leaves none of its writes;
it is then set aside (moved out of the clock's way by its `SetAside`) and recorded with its
reason, the batch commits what the items before it did, and the hook's loop reads the rest
afresh. A store error (store.errors) is not the item's: it propagates, the whole batch rolls
back, nothing is marked, and the clock tries the tick again later.

Work that must happen outside a transaction (drawing a chart, building /mydata's files) goes
through `built_apart`: each round is read in one unit of work, built with none open, and sent in
another, each item alone; `attempt` keeps an item's own error in reading or building to be raised
again when that item's turn comes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Generic, TypeVar

from sqlalchemy import inspect

from flows.faults import reason_of
from store.database import Database
from store.errors import is_store_error
from store.models import Base
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
Read = TypeVar("Read")
Built = TypeVar("Built")


@dataclass(frozen=True)
class SetAside:
    """What an item of one kind is called in the record, and the columns of its row that move it
    out of the clock's way (a status, a due time set to nothing)."""

    kind: str
    columns: dict[str, Any] = field(default_factory=dict)
    then: Callable[[UnitOfWork, Any, datetime], Awaitable[None]] | None = None  # more, by its id


@dataclass(frozen=True)
class Ran(Generic[R]):
    """What `each_alone` did: the results of the items that ran, in order, and whether all did."""

    results: list[R]
    complete: bool  # False: one failed and was set aside; the caller commits, then reads again


async def each_alone(
    uow: UnitOfWork, items: Sequence[T], work: Callable[[T], Awaitable[R]], aside: SetAside, now: datetime
) -> Ran[R]:
    """Run `work` on each item in its own savepoint. After an item's own failure it stops: the
    caller commits and reads the rest again, so no object the rolled-back savepoint left stale
    is used."""
    results: list[R] = []
    for item in items:
        item_id = _identity(item)
        try:
            async with uow.session.begin_nested():
                results.append(await work(item))
        except Exception as error:
            if is_store_error(error):
                raise
            await set_aside(uow, aside, item, item_id, error, now)
            return Ran(results, complete=False)
    return Ran(results, complete=True)


async def set_aside(
    uow: UnitOfWork, aside: SetAside, item: object, item_id: object, error: BaseException, now: datetime
) -> None:
    """Record the item as failed and move it out of the clock's way; logged by kind, id and
    reason only (an error's text could carry someone's words)."""
    reason = reason_of(error)
    log.warning("clock item %s %s failed (%s): set aside", aside.kind, item_id, reason)
    if aside.columns:
        assert isinstance(item, Base), "only a row has columns to set aside"
        await uow.failures.set_aside(type(item), item_id, aside.columns)
    if aside.then is not None:
        await aside.then(uow, item_id, now)
    await uow.failures.add(aside.kind, str(item_id), reason, now)


async def attempt(work: Awaitable[T]) -> T | Exception:
    """The result, or the item's own error kept for its turn in `each_alone` (a store error is
    raised at once)."""
    try:
        return await work
    except Exception as error:
        if is_store_error(error):
            raise
        return error


def _identity(item: object) -> object:
    """A row's id without loading anything (its object may expire in a rolled-back savepoint);
    any other item is its own id."""
    state: Any = inspect(item, raiseerr=False)
    if state is None or state.identity is None:
        return item
    identity = state.identity
    return identity[0] if len(identity) == 1 else identity


async def built_apart(
    db: Database,
    now: datetime,
    aside: SetAside,
    pending: Callable[[UnitOfWork], Awaitable[Sequence[T]]],
    read: Callable[[UnitOfWork, T], Awaitable[Read | None]],
    build: Callable[[Read], Awaitable[Built]],
    send: Callable[[UnitOfWork, T, Read | None, Built | None], Awaitable[int]],
) -> int:
    """Rounds of items too heavy to build in a transaction (a chart, her data): each round's
    `pending` items are read in one unit of work, built with none open (what reads as None is not
    built), then sent in another, each alone; an item whose reading or building failed raises at
    its turn there and is set aside by itself. How many `send` counted, over every round."""
    done = 0
    while True:
        async with db.unit_of_work() as uow:
            items = await pending(uow)
            if not items:
                return done
            reads = [await attempt(read(uow, item)) for item in items]
        builds = [
            None if found is None or isinstance(found, Exception) else await attempt(build(found))
            for found in reads
        ]
        prepared = dict(zip(map(id, items), zip(reads, builds, strict=True), strict=True))
        async with db.unit_of_work() as uow:
            ran = await each_alone(uow, items, partial(_send_built, send, prepared, uow), aside, now)
            await uow.commit()
        done += sum(ran.results)


async def _send_built(
    send: Callable[[UnitOfWork, T, Read | None, Built | None], Awaitable[int]],
    prepared: dict[int, tuple[Read | Exception | None, Built | Exception | None]],
    uow: UnitOfWork,
    item: T,
) -> int:
    """One item's turn: raise what reading or building it raised, else send what was built."""
    found, built = prepared[id(item)]
    if isinstance(found, Exception):
        raise found
    if isinstance(built, Exception):
        raise built
    return await send(uow, item, found, built)
