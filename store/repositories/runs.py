"""Flow runs and their answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from flows.run import RunStatus
from store.models import Answer, FlowRun
from store.repositories.base import Repository

# Asked and written on every update, built once (see base.prepared_insert).
_ACTIVE_RUN = (
    select(FlowRun)
    .where(FlowRun.person_id == bindparam("person_id"), FlowRun.status == RunStatus.ACTIVE)
    .order_by(FlowRun.id.desc())
    .limit(1)
)
_RUN_FIELDS = ("state", "step_id", "status", "updated_at", "expires_at", "finished_at")
_SAVE_RUN = (
    update(FlowRun.__table__)  # type: ignore[arg-type]
    .where(FlowRun.__table__.c.id == bindparam("run_id"))
    .values({field: bindparam(field) for field in _RUN_FIELDS})
)


class RunRepository(Repository):
    async def add(
        self,
        person_id: int,
        flow_id: str,
        state: dict[str, Any],
        step_id: str | None,
        status: RunStatus,
        now: datetime,
        expires_at: datetime | None,
    ) -> FlowRun:
        run = FlowRun(
            person_id=person_id,
            flow_id=flow_id,
            state=state,
            step_id=step_id,
            status=status,
            started_at=now,
            updated_at=now,
            expires_at=expires_at,
        )
        self.session.add(run)
        await self.session.flush()
        return run

    async def get(self, run_id: int) -> FlowRun | None:
        return await self.session.get(FlowRun, run_id)

    async def delete(self, run: FlowRun) -> None:
        """A run, whose data now lives elsewhere (an observation's row); its answers go with it
        (ON DELETE CASCADE, as `ObservationRepository.drop` relies on too)."""
        await self.session.delete(run)
        await self.session.flush()

    async def many(self, run_ids: Iterable[int]) -> dict[int, FlowRun]:
        query = select(FlowRun).where(FlowRun.id.in_(list(run_ids)))
        return {run.id: run for run in await self.session.scalars(query)}

    async def active_for(self, person_id: int) -> FlowRun | None:
        return await self.session.scalar(_ACTIVE_RUN, {"person_id": person_id})

    async def completed_since(self, person_id: int, flow_id: str, since: datetime) -> bool:
        query = select(FlowRun.id).where(
            FlowRun.person_id == person_id,
            FlowRun.flow_id == flow_id,
            FlowRun.status == RunStatus.COMPLETED,
            FlowRun.finished_at >= since,
        )
        return await self.session.scalar(query.limit(1)) is not None

    async def busy_with(self, person_ids: Iterable[int], flow_ids: Iterable[str] | None = None) -> set[int]:
        """Who of these people has one of these flows (None: any flow) going."""
        query = select(FlowRun.person_id).where(
            FlowRun.person_id.in_(list(person_ids)), FlowRun.status == RunStatus.ACTIVE
        )
        if flow_ids is not None:
            query = query.where(FlowRun.flow_id.in_(list(flow_ids)))
        return set(await self.session.scalars(query))

    async def timed_out(self, now: datetime, limit: int) -> list[FlowRun]:
        """Active runs whose time is up: the clock expires them."""
        query = (
            select(FlowRun)
            .where(FlowRun.status == RunStatus.ACTIVE, FlowRun.expires_at <= now)
            .order_by(FlowRun.expires_at, FlowRun.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_expiry(self) -> datetime | None:
        query = select(func.min(FlowRun.expires_at)).where(FlowRun.status == RunStatus.ACTIVE)
        return await self.session.scalar(query)

    async def recent_completed(self, person_id: int, flow_id: str, limit: int) -> list[FlowRun]:
        """Her last completed runs of a flow, oldest first."""
        query = (
            select(FlowRun)
            .where(
                FlowRun.person_id == person_id,
                FlowRun.flow_id == flow_id,
                FlowRun.status == RunStatus.COMPLETED,
            )
            .order_by(FlowRun.id.desc())
            .limit(limit)
        )
        return list(reversed(list(await self.session.scalars(query))))

    async def save(
        self,
        run: FlowRun,
        *,
        state: dict[str, Any],
        step_id: str | None,
        status: RunStatus,
        now: datetime,
        expires_at: datetime | None,
        finished_at: datetime | None = None,
    ) -> None:
        """Written at once through Core (every update saves its run); the object is updated to
        match without becoming dirty, so the commit has no ORM flush to do for it."""
        values = {
            "state": state,
            "step_id": step_id,
            "status": status,
            "updated_at": now,
            "expires_at": expires_at,
            "finished_at": finished_at,
        }
        connection = await self.session.connection()
        await connection.execute(_SAVE_RUN, {"run_id": run.id, **values})
        for field, value in values.items():
            set_committed_value(run, field, value)


class AnswerRepository(Repository):
    async def add(self, run: FlowRun, step_id: str, value: Any, tags: dict[str, str], now: datetime) -> None:
        values = {
            "run_id": run.id,
            "person_id": run.person_id,
            "flow_id": run.flow_id,
            "step_id": step_id,
            "value": value,
            "tags": tags,
            "answered_at": now,
        }
        await self._insert_core(Answer, values, if_absent=False)

    async def for_runs(self, run_ids: Iterable[int]) -> list[Answer]:
        query = select(Answer).where(Answer.run_id.in_(list(run_ids))).order_by(Answer.id)
        return list(await self.session.scalars(query))

    async def of_completed_runs(
        self, person_ids: Iterable[int], flow_ids: Iterable[str], step_ids: Iterable[str], since: datetime
    ) -> list[tuple[int, int, str, datetime, str, Any]]:
        """(person, run, flow, finished at, step, value) for these steps of runs of these flows
        completed since `since`, in the order given (the latest answer to a step comes last).
        Read through Core: a summary reads hundreds of these, and builds no objects from them."""
        query = (
            select(
                Answer.person_id,
                Answer.run_id,
                Answer.flow_id,
                FlowRun.finished_at,
                Answer.step_id,
                Answer.value,
            )
            .select_from(FlowRun)
            .join(Answer, Answer.run_id == FlowRun.id)
            .where(
                FlowRun.person_id.in_(list(person_ids)),
                FlowRun.flow_id.in_(list(flow_ids)),
                FlowRun.status == RunStatus.COMPLETED,
                FlowRun.finished_at >= since,
                Answer.step_id.in_(list(step_ids)),
            )
            .order_by(Answer.id)
        )
        connection = await self.session.connection()
        return [tuple(row) for row in await connection.execute(query)]

    async def for_run(self, run_id: int) -> list[Answer]:
        query = select(Answer).where(Answer.run_id == run_id).order_by(Answer.id)
        return list(await self.session.scalars(query))
