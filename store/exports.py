"""A person's request for everything the bot holds about her (/mydata, issue 23): the clock
builds and sends it off the reply's path, as it draws run charts. `store/models.py` imports it,
so the table is in the one metadata; erasing her erases her requests (ON DELETE CASCADE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store import statuses
from store.declarative import Base
from store.types import UTCDateTime


class DataExport(Base):
    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[statuses.ExportStatus] = mapped_column(
        String(16), default=statuses.ExportStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
