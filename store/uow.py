"""One unit of work per use case: every repository over one session, one commit at the end.
Leaving the block without `commit()` — or with an exception — writes nothing."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession

from store.repositories.bulletins import BulletinRepository, PhotoRepository
from store.repositories.circles import CircleRepository
from store.repositories.disclosure_log import DisclosureLogRepository
from store.repositories.dumps import DumpRepository
from store.repositories.exports import ExportRepository
from store.repositories.failures import ClockFailureRepository
from store.repositories.hushes import HushRepository
from store.repositories.invites import InviteRepository
from store.repositories.notices import NoticeRepository
from store.repositories.observations import ObservationRepository
from store.repositories.occurrences import OccurrenceRepository
from store.repositories.outbox import OutboxRepository
from store.repositories.people import PeopleRepository, TeamRepository
from store.repositories.personal import PersonalRepository
from store.repositories.projects import ProjectRepository
from store.repositories.retention import RetentionRepository
from store.repositories.runs import AnswerRepository, RunRepository
from store.repositories.settings import SettingsRepository
from store.repositories.shares import ShareRepository
from store.repositories.updates import UpdateRepository
from store.repositories.waiting import WaitingPromptRepository


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.people = PeopleRepository(session)
        self.teams = TeamRepository(session)
        self.invites = InviteRepository(session)
        self.runs = RunRepository(session)
        self.answers = AnswerRepository(session)
        self.updates = UpdateRepository(session)
        self.outbox = OutboxRepository(session)
        self.settings = SettingsRepository(session)
        self.shares = ShareRepository(session)
        self.bulletins = BulletinRepository(session)
        self.photos = PhotoRepository(session)
        self.occurrences = OccurrenceRepository(session)
        self.projects = ProjectRepository(session)
        self.circles = CircleRepository(session)
        self.waiting = WaitingPromptRepository(session)
        self.failures = ClockFailureRepository(session)
        self.hushes = HushRepository(session)
        self.notices = NoticeRepository(session)
        self.personal = PersonalRepository(session)
        self.exports = ExportRepository(session)
        self.disclosure_log = DisclosureLogRepository(session)
        self.retention = RetentionRepository(session)
        self.observations = ObservationRepository(session)
        self.dump = DumpRepository(session)  # circlebot export's reads

    async def commit(self) -> None:
        await self.session.commit()

    async def __aenter__(self) -> UnitOfWork:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        # Closing rolls back whatever was not committed, and leaves loaded objects readable.
        await self.session.close()
