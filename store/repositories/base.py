"""What every repository shares: the session, Core inserts prepared once, and `busy`."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import CursorResult, Insert, Table, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from flows.run import RunStatus
from store.models import Base, FlowRun, Person


def busy(person_id: Any, now: datetime) -> Any:
    """The person is in a conversation at `now`: a flow run going, or a prompt not lapsed."""
    running = select(FlowRun.id).where(FlowRun.person_id == person_id, FlowRun.status == RunStatus.ACTIVE)
    prompting = select(Person.id).where(
        Person.id == person_id, Person.awaiting.is_not(None), Person.prompt_lapses_at > now
    )
    return or_(running.exists(), prompting.exists())


@cache
def prepared_insert(dialect: str, table: Table, returning: str | None, if_absent: bool) -> Insert:
    """An INSERT (optionally ON CONFLICT DO NOTHING, on either engine), built once: a statement
    used again skips SQLAlchemy's per-statement cache-key work, a large part of every reply's cost."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table)
    if if_absent:
        statement = statement.on_conflict_do_nothing()
    return statement if returning is None else statement.returning(table.c[returning])  # type: ignore[no-any-return]


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _insert_core(
        self, model: type[Base], values: dict[str, Any], returning: str | None = None, if_absent: bool = True
    ) -> CursorResult[Any]:
        """Insert one row through Core, skipping the ORM's flush machinery: for the rows written
        on every update (their ORM objects are never needed in that unit of work)."""
        connection = await self.session.connection()
        table: Table = model.__table__  # type: ignore[assignment]
        statement = prepared_insert(connection.dialect.name, table, returning, if_absent)
        return await connection.execute(statement, values)
