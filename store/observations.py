"""Observations (issue 25): a supervisor observes someone of her team with a checklist
(content/checklists/) and gives feedback, strengths first. The observer answers the checklist as
a flow run (flows/observing.py); when it ends its answers are copied here, the one row both
people's views, the weekly summary, retention and the export read. `store/models.py` imports it,
so the table is in the one metadata."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.declarative import Base
from store.types import Json, UTCDateTime


class Observation(Base):
    __tablename__ = "observations"
    __table_args__ = (
        Index("ix_observations_person_sent", "person_id", "sent_at"),
        Index("ix_observations_follow_up", "follow_up_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))  # observed
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    checklist_id: Mapped[str] = mapped_column(String(64))
    # The observer's run answering it; while it is stopped, the run's state to go on from.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="SET NULL"))
    paused: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: not finished
    scores: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # by item id
    notes: Mapped[dict[str, str]] = mapped_column(Json, default=dict)  # by item id
    strengths: Mapped[list[str]] = mapped_column(Json, default=list)
    growth: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_on: Mapped[date | None] = mapped_column()
    reply: Mapped[str | None] = mapped_column(Text)  # hers, to the observer
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the next step is asked about
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # asked
    tried: Mapped[str | None] = mapped_column(String(16))  # her answer: yes, partly, not_yet
    follow_up: Mapped[str | None] = mapped_column(Text)  # how it went, in her words
    follow_up_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reflection_run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="SET NULL"))
    texts_redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # retention blanked its words
