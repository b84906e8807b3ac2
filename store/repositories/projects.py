"""PDSA projects, their cycles, data points, notes and chart requests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from store.models import ChartRequest, Cycle, DataPoint, Note, Project
from store.repositories.base import Repository
from store.statuses import ChartStatus, ProjectStatus


class ProjectRepository(Repository):
    async def add(self, owner_id: int, now: datetime, **fields: Any) -> Project:
        project = Project(owner_id=owner_id, status=ProjectStatus.DRAFT, created_at=now, **fields)
        self.session.add(project)
        await self.session.flush()
        return project

    async def get(self, project_id: int) -> Project | None:
        return await self.session.get(Project, project_id)

    async def open_to(self, person_id: int, team_id: int | None) -> list[Project]:
        """Her own projects and her team's, set up and not closed, oldest first."""
        mine = Project.owner_id == person_id
        whose = mine if team_id is None else or_(mine, Project.team_id == team_id)
        query = select(Project).where(whose, Project.status == ProjectStatus.ACTIVE).order_by(Project.id)
        return list(await self.session.scalars(query))

    async def of_run(self, run_id: int) -> tuple[Project | None, Cycle | None]:
        """The project or cycle a PDSA flow's run belongs to."""
        cycle = await self.session.scalar(select(Cycle).where(Cycle.run_id == run_id))
        if cycle is not None:
            return await self.get(cycle.project_id), cycle
        return await self.session.scalar(select(Project).where(Project.run_id == run_id)), None

    async def shared_by(self, person_ids: Iterable[int]) -> list[Project]:
        query = (
            select(Project)
            .where(
                Project.owner_id.in_(list(person_ids)), Project.shared, Project.status == ProjectStatus.ACTIVE
            )
            .order_by(Project.id)
        )
        return list(await self.session.scalars(query))

    async def all(self, owner_id: int | None = None) -> list[Project]:
        """Every set-up project (one owner's, when given), for export."""
        query = select(Project).where(Project.status != ProjectStatus.DRAFT).order_by(Project.id)
        if owner_id is not None:
            query = query.where(Project.owner_id == owner_id)
        return list(await self.session.scalars(query))

    # --- cycles ----------------------------------------------------------------------------

    async def add_cycle(self, project: Project, now: datetime, prefill: dict[str, Any]) -> Cycle:
        number = await self.session.scalar(
            select(func.coalesce(func.max(Cycle.number), 0)).where(Cycle.project_id == project.id)
        )
        cycle = Cycle(
            project_id=project.id, number=(number or 0) + 1, stage="plan", prefill=prefill, created_at=now
        )
        self.session.add(cycle)
        await self.session.flush()
        return cycle

    async def cycles(self, project_ids: Iterable[int]) -> list[Cycle]:
        query = (
            select(Cycle)
            .where(Cycle.project_id.in_(list(project_ids)))
            .order_by(Cycle.project_id, Cycle.number)
        )
        return list(await self.session.scalars(query))

    async def latest_cycle(self, project_id: int) -> Cycle | None:
        query = select(Cycle).where(Cycle.project_id == project_id).order_by(Cycle.number.desc()).limit(1)
        return await self.session.scalar(query)

    async def cycle(self, cycle_id: int) -> Cycle | None:
        return await self.session.get(Cycle, cycle_id)

    async def prompts_due(self, now: datetime, limit: int) -> list[Cycle]:
        """Cycles being tried whose data prompt or study time has come."""
        query = (
            select(Cycle)
            .where(Cycle.stage == "do", or_(Cycle.next_prompt_at <= now, Cycle.study_at <= now))
            .order_by(Cycle.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_due(self) -> datetime | None:
        """The earliest moment a cycle needs the clock (a data prompt, a study time), or a chart
        someone asked for (now)."""
        moments = [
            await self.session.scalar(select(func.min(Cycle.next_prompt_at)).where(Cycle.stage == "do")),
            await self.session.scalar(select(func.min(Cycle.study_at)).where(Cycle.stage == "do")),
            await self.session.scalar(
                select(func.min(ChartRequest.created_at)).where(ChartRequest.status == ChartStatus.PENDING)
            ),
        ]
        return min((moment for moment in moments if moment is not None), default=None)

    # --- data points and notes ---------------------------------------------------------------

    async def point(self, point_id: int) -> DataPoint | None:
        return await self.session.get(DataPoint, point_id)

    async def point_for(self, project_id: int, person_id: int, period: str) -> DataPoint | None:
        query = select(DataPoint).where(
            DataPoint.project_id == project_id, DataPoint.person_id == person_id, DataPoint.period == period
        )
        return await self.session.scalar(query)

    async def add_point(self, **fields: Any) -> DataPoint:
        point = DataPoint(**fields)
        self.session.add(point)
        await self.session.flush()
        return point

    async def count_points(self, project_id: int, person_id: int | None = None) -> int:
        """A project's points (one person's, when given)."""
        query = select(func.count(DataPoint.id)).where(DataPoint.project_id == project_id)
        if person_id is not None:
            query = query.where(DataPoint.person_id == person_id)
        return int(await self.session.scalar(query) or 0)

    async def points(self, project_ids: Iterable[int]) -> list[DataPoint]:
        """In time order: by day, then as logged."""
        query = (
            select(DataPoint)
            .where(DataPoint.project_id.in_(list(project_ids)))
            .order_by(DataPoint.project_id, DataPoint.day, DataPoint.logged_at, DataPoint.id)
        )
        return list(await self.session.scalars(query))

    async def add_note(self, **fields: Any) -> Note:
        note = Note(**fields)
        self.session.add(note)
        await self.session.flush()
        return note

    async def notes(self, project_ids: Iterable[int]) -> list[Note]:
        query = select(Note).where(Note.project_id.in_(list(project_ids))).order_by(Note.id)
        return list(await self.session.scalars(query))

    # --- charts ------------------------------------------------------------------------------

    async def ask_for_chart(self, project_id: int, person_id: int, purpose: str, now: datetime) -> None:
        self.session.add(
            ChartRequest(project_id=project_id, person_id=person_id, purpose=purpose, created_at=now)
        )
        await self.session.flush()

    async def charts_pending(self, limit: int) -> list[ChartRequest]:
        query = (
            select(ChartRequest)
            .where(ChartRequest.status == ChartStatus.PENDING)
            .order_by(ChartRequest.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def chart_request(self, request_id: int) -> ChartRequest | None:
        return await self.session.get(ChartRequest, request_id)
