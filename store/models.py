"""The tables. Times are aware UTC; Telegram ids are 64-bit; JSON is JSONB on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.types import Json, UTCDateTime

# Stable constraint names, so migrations can name what they change on every engine.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the program's default
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    deactivated: Mapped[bool] = mapped_column(default=False)  # set and lifted only by an admin
    unreachable: Mapped[bool] = mapped_column(default=False)  # Telegram said 403; any update clears
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    away_until: Mapped[date | None] = mapped_column()  # /away: no scheduled messages before this day
    quiet_start: Mapped[time | None] = mapped_column()  # her own quiet hours (None: the program's)
    quiet_end: Mapped[time | None] = mapped_column()
    summary_day: Mapped[int | None] = mapped_column()  # a supervisor's own summary day (0 = Monday)
    summary_time: Mapped[time | None] = mapped_column()
    # What the next message means outside a flow, e.g. {"reply_to_share": 12}.
    awaiting: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)

    roles: Mapped[list[PersonRole]] = relationship(
        lazy="joined", cascade="all, delete-orphan", order_by=PersonRole.role
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(role.role for role in self.roles)


class Invite(Base):
    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class FlowRun(Base):
    __tablename__ = "flow_runs"
    __table_args__ = (Index("ix_flow_runs_person_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active, completed, cancelled, expired
    state: Mapped[dict[str, Any]] = mapped_column(Json)  # the engine's RunState, as JSON
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Answer(Base):
    """Append-only: one row per answer given; after /back the latest row for a step counts."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(Json, nullable=True)  # None: skipped
    tags: Mapped[dict[str, str]] = mapped_column(Json)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Share(Base):
    """A reflection its author chose to share with her supervisor; delivered once one exists."""

    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProcessedUpdate(Base):
    """Telegram update ids already handled; ids restart at random after a quiet week, so this
    is a set of recent ids (pruned by age), not a high-water mark."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Photo(Base):
    """A picture the bot sends: a bulletin's photo, a summary's chart. Its bytes are kept until
    Telegram has it once; after that every message gets Telegram's file id and the bytes go."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    file_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Bulletin(Base):
    """A message to many: its rows in the outbox carry its id, so its delivery report is a count
    of their states."""

    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )  # None: an admin
    audience: Mapped[str] = mapped_column(String(120))  # all | role:ROLE | team:NAME
    text: Mapped[str] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the author got the report


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_outbox_due", "status", "priority", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    priority: Mapped[int] = mapped_column(default=1)  # 0: interactive replies go first
    status: Mapped[str] = mapped_column(String(16), default="pending")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bulletin_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulletins.id", ondelete="CASCADE"), index=True
    )


class ScheduleMark(Base):
    """How far a schedule's rule has been looked at: every occurrence up to `checked_until` has
    its rows. A restart starts from here, so nothing is missed twice or made twice."""

    __tablename__ = "schedule_marks"

    schedule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    checked_until: Mapped[datetime] = mapped_column(UTCDateTime())


class Occurrence(Base):
    """One time a schedule fell due for one person, and what became of it: the database's word
    on what is due and what is done (APScheduler only wakes the bot up)."""

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("schedule_id", "person_id", "due_at"),
        Index("ix_occurrences_status_send_at", "status", "send_at"),
        Index("ix_occurrences_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the rule fell, in her timezone
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())  # after her quiet hours
    # pending, waiting (behind another conversation), started (a flow), sent, skipped, missed
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(16))  # why skipped or missed: holiday, away...
    run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="SET NULL"))
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BotSetting(Base):
    __tablename__ = "bot_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
