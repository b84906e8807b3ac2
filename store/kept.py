"""What is kept past its limit, pseudonymised (issue 24, content/retention.yaml): a check-in's
scores after 24 months, a PDSA project's numbers after 24 months of quiet, an observation's
scores 24 months after it was sent (issue 25). The live rows go;
their numbers move here, under the person's pseudonym (people.pseudonym, the only key back to
her, blanked when she is erased), so a program can still count and compare over the years. No
free text ever comes here. `store/models.py` imports it, so the table is in the one metadata."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.declarative import Base
from store.types import Json, UTCDateTime

CHECKIN, PDSA_POINT, PDSA_CYCLE = "checkin", "pdsa_point", "pdsa_cycle"  # a record's kind
OBSERVATION = "observation"  # an observation's score of one item (issue 25)
CHECKLIST = "checklist:"  # an observation's source: this and its checklist's id


class KeptRecord(Base):
    __tablename__ = "kept_records"
    __table_args__ = (Index("ix_kept_records_kind_day", "kind", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # checkin, pdsa_point, pdsa_cycle, observation
    pseudonym: Mapped[str | None] = mapped_column(String(16))  # whose; None: no one's (erased)
    team_id: Mapped[int | None] = mapped_column()  # her team then (no key: teams can go)
    # a check-in's flow id; a project's "project:ID"; an observation's "checklist:ID"
    source: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(200))  # a check-in's step id; a project's measure; an item id
    day: Mapped[date] = mapped_column()  # answered, logged, the cycle started, or the observation sent
    value: Mapped[Any] = mapped_column(Json, nullable=True)  # a score; a cycle's structured fields
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime())
