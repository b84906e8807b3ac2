"""The tables. Times are aware UTC; Telegram ids are 64-bit; JSON is JSONB on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flows.run import RunStatus
from store import statuses
from store.bookkeeping import ClockFailure as ClockFailure
from store.bookkeeping import Hush as Hush
from store.bookkeeping import Notice as Notice
from store.bookkeeping import ProcessedUpdate as ProcessedUpdate
from store.declarative import Base as Base
from store.disclosure_log import DisclosureEntry as DisclosureEntry
from store.exports import DataExport as DataExport
from store.kept import KeptRecord as KeptRecord
from store.observations import Observation as Observation
from store.types import Json, UTCDateTime


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
    away_open: Mapped[bool] = mapped_column(default=False)  # /away until she ends it (no date at all)
    quiet_start: Mapped[time | None] = mapped_column()  # her own quiet hours (None: the program's)
    quiet_end: Mapped[time | None] = mapped_column()
    summary_day: Mapped[int | None] = mapped_column()  # a supervisor's own summary day (0 = Monday)
    summary_time: Mapped[time | None] = mapped_column()
    project_id: Mapped[int | None] = mapped_column()  # her current PDSA project (no key: it is a pointer)
    # Her open prompt outside a flow (services.core.prompts: a typed kind, versioned JSON), and
    # when it lapses: after that, her next words are no longer its answer.
    awaiting: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    prompt_lapses_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # /forget (store/personal.py)
    pseudonym: Mapped[str | None] = mapped_column(String(16), unique=True, index=True)  # people.pseudonyms

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
    # An invite to a learning circle joins it too; one bound to a Telegram id is hers alone.
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    for_telegram_id: Mapped[int | None] = mapped_column(BigInteger)


_ACTIVE = text(f"status = '{RunStatus.ACTIVE}'")


class FlowRun(Base):
    __tablename__ = "flow_runs"
    __table_args__ = (  # at most one active run per person (migration 0014)
        Index("ix_flow_runs_person_status", "person_id", "status"),
        Index(
            "ux_flow_runs_active", "person_id", unique=True, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[RunStatus] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(Json)  # the engine's RunState, as JSON
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # retention's clock


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
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # retention's clock


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
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))  # None: admin
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
        Index("ix_outbox_unredacted", "redacted_at", "created_at"),  # retention (issue 24)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    priority: Mapped[int] = mapped_column(default=1)  # 0: interactive replies go first
    status: Mapped[statuses.OutboxStatus] = mapped_column(String(16), default=statuses.OutboxStatus.PENDING)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first failed or put off
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bulletin_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulletins.id", ondelete="CASCADE"), index=True
    )
    disclosure: Mapped[str | None] = mapped_column(String(32))  # services.core.disclosures
    about_people: Mapped[list[int] | None] = mapped_column(Json)  # whose data it carries
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # its payload, by retention


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
    status: Mapped[statuses.OccurrenceStatus] = mapped_column(String(16))
    reason: Mapped[statuses.OccurrenceReason | None] = mapped_column(String(16))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="SET NULL"))
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BotSetting(Base):
    __tablename__ = "bot_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Project(Base):
    """A PDSA improvement project: its aim and its one measure. Owned by a person; with a team,
    every member may log to its measure. Private unless the owner shares it."""

    __tablename__ = "pdsa_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    status: Mapped[statuses.ProjectStatus] = mapped_column(String(16))
    template_id: Mapped[str | None] = mapped_column(String(64))
    aim: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    frequency: Mapped[str] = mapped_column(String(16), default="daily")  # daily, visit, weekly
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    lowest: Mapped[float | None] = mapped_column()  # the valid range, when given
    highest: Mapped[float | None] = mapped_column()
    goal: Mapped[float | None] = mapped_column()
    change_ideas: Mapped[list[str]] = mapped_column(Json, default=list)
    shared: Mapped[bool] = mapped_column(default=False)  # with the owner's supervisor
    run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="SET NULL"))
    paused: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)  # a stopped run's state
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Cycle(Base):
    """One Plan-Do-Study-Act cycle of a project; what each stage's flow answered, by tag."""

    __tablename__ = "pdsa_cycles"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pdsa_projects.id", ondelete="CASCADE"))
    number: Mapped[int]
    stage: Mapped[str] = mapped_column(String(8))  # plan, do, study, act, done
    plan: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    study: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    act: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    prefill: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # the plan carried over
    run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="SET NULL"))
    paused: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the change is tried from here
    study_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the bot offers Study then
    next_prompt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DataPoint(Base):
    """One value of a project's measure, for one measurement period (a day, a visit, a week) of
    the person who logged it: the key keeps a period from being counted twice."""

    __tablename__ = "pdsa_points"
    __table_args__ = (UniqueConstraint("project_id", "person_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pdsa_projects.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("pdsa_cycles.id", ondelete="SET NULL"))
    day: Mapped[date] = mapped_column()
    period: Mapped[str] = mapped_column(String(40))  # 2026-11-24, week 2026-11-23, visit:7
    value: Mapped[float] = mapped_column()
    replaced: Mapped[float | None] = mapped_column()  # the value it replaced, when she chose so
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Note(Base):
    """An observation or problem noted during a cycle (/note), or a supervisor's comment."""

    __tablename__ = "pdsa_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pdsa_projects.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("pdsa_cycles.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # note, comment
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChartRequest(Base):
    """A run chart someone asked for: drawn by the clock's next tick, off the reply's path."""

    __tablename__ = "pdsa_charts"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pdsa_projects.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))  # view, study, supervisor
    status: Mapped[statuses.ChartStatus] = mapped_column(
        String(16), default=statuses.ChartStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Circle(Base):
    """A Telegram group run as a learning circle by its facilitator. `setup` holds what the
    private set-up dialog has asked so far; `paused` says why the circle cannot run (the bot was
    removed or lost its admin rights)."""

    __tablename__ = "circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    status: Mapped[statuses.CircleStatus] = mapped_column(String(16))
    paused: Mapped[str | None] = mapped_column(String(16))  # removed, demoted
    name: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str | None] = mapped_column(String(10))
    set_id: Mapped[str | None] = mapped_column(String(64))
    meets_on: Mapped[str | None] = mapped_column(String(10))  # monday ... sunday
    meets_at: Mapped[time | None] = mapped_column()
    timezone: Mapped[str | None] = mapped_column(String(64))
    old_links_listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # issue 18, once
    sessions_held: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CircleMember(Base):
    """A person who tapped Join; `left_at` once she left the group (her history stays)."""

    __tablename__ = "circle_members"

    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


_RUNNING = f"status IN ({', '.join(repr(str(status)) for status in statuses.RUNNING)})"  # 'open', 'paused'


class CircleSession(Base):
    """One meeting of a circle, from its scheduling to its follow-ups. The partial unique index
    lets at most one session of a circle be open or paused: two can never run at once."""

    __tablename__ = "circle_sessions"
    __table_args__ = (
        UniqueConstraint("circle_id", "number"),
        Index(
            "ux_circle_sessions_running",
            "circle_id",
            unique=True,
            sqlite_where=text(_RUNNING),
            postgresql_where=text(_RUNNING),
        ),
        Index("ix_circle_sessions_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    number: Mapped[int]
    template_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[statuses.SessionStatus] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the clock's next work on it
    reminded: Mapped[int] = mapped_column(default=0)  # 0 none, 1 the day before, 2 the hour before
    segment: Mapped[int] = mapped_column(default=0)
    reached: Mapped[int] = mapped_column(default=0)  # the furthest segment: its private prompt went
    segment_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the segment opened
    overrun_told: Mapped[bool] = mapped_column(default=False)
    case_id: Mapped[int | None] = mapped_column()  # the proposal the circle voted for
    votes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # "segment:person" -> option
    # Messages of people who are not members of the circle: counted per segment, nothing else kept.
    uncounted: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # ratings to the facilitator
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contribution(Base):
    """What one member said in one segment: a group message (by its chat and id, ids restart in a
    supergroup; media by file id) or a private answer with how she chose to share it (a case:
    `anonymous` once she confirmed it for the vote, which shows its title without her name)."""

    __tablename__ = "circle_contributions"
    __table_args__ = (
        UniqueConstraint("session_id", "chat_id", "message_id", name="uq_circle_contributions_message"),
        Index("ix_circle_contributions_session", "session_id", "segment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("circle_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    segment: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # text, photo, voice, other; private: case, commitment
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # the group it was said in; None: private
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # in that group; None: a private answer
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(200))
    shared: Mapped[str | None] = mapped_column(String(16))  # a private answer: name, anonymous, none
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # a commitment's
    outcome: Mapped[str | None] = mapped_column(Text)  # how the commitment went, in her words
    tried: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Seat(Base):
    """One member's part in one session: her answer to the reminder, whether she took part, who
    said she was there (`presence`), her rating of it."""

    __tablename__ = "circle_seats"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("circle_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    rsvp: Mapped[str | None] = mapped_column(String(8))  # yes, no
    took_part: Mapped[bool] = mapped_column(default=False)
    presence: Mapped[statuses.Presence | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)


class WaitingPrompt(Base):
    """A question another feature wants to ask her while she is in a conversation: it waits in
    her queue, is asked when she is free, and lapses with its `tag` (a circle segment's end)."""

    __tablename__ = "waiting_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    prompt: Mapped[dict[str, Any]] = mapped_column(Json)  # services.core.prompts, as stored
    text: Mapped[str] = mapped_column(Text)  # the question, in her language
    tag: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
