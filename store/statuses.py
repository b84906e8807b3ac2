"""The statuses the store keeps, each named once. A run's status belongs to the engine
(`flows.run.RunStatus`); these are the rest. Each is a `StrEnum` kept in a `String(16)` column:
a value read back is a plain string that compares equal to its member, so no migration was
needed to type them."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its time (`not_before`)
    SENDING = "sending"  # claimed by a sender until `claimed_until`
    SENT = "sent"
    FAILED = "failed"  # given up, with the reason
    UNDELIVERABLE = "undeliverable"  # the person blocked the bot
    WITHHELD = "withheld"  # queued for someone deactivated before it went (`last_error` says why)


ON_ITS_WAY: Final = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class OccurrenceStatus(StrEnum):
    PENDING = "pending"  # due at `send_at`
    WAITING = "waiting"  # behind another conversation of hers
    STARTED = "started"  # its flow is running
    SENT = "sent"  # a message, or a supervisor's summary
    SKIPPED = "skipped"  # not sent, and not meant to be (see its reason)
    MISSED = "missed"  # not sent, though it was meant to be (see its reason)
    FAILED = "failed"  # set aside by the clock (services.core.failures)


class OccurrenceReason(StrEnum):
    """Why an occurrence was skipped, missed or failed."""

    HOLIDAY = "holiday"
    AWAY = "away"
    INACTIVE = "inactive"
    BLOCKED = "blocked"
    NO_TEAM = "no_team"
    DONE = "done"  # she did it meanwhile
    GONE = "gone"  # the flow or schedule is no longer in the content
    LATE = "late"  # past its grace
    SUPERSEDED = "superseded"  # a later one of its schedule waited too
    ERROR = "error"


class ProjectStatus(StrEnum):
    DRAFT = "draft"  # its project flow is still being answered
    ACTIVE = "active"


class ChartStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # set aside by the clock


class ExportStatus(StrEnum):
    """A /mydata request (store.exports.DataExport)."""

    PENDING = "pending"  # the clock builds and sends it
    SENT = "sent"
    FAILED = "failed"  # set aside by the clock


class CircleStatus(StrEnum):
    SETUP = "setup"  # its facilitator is setting it up in private
    ACTIVE = "active"
    PAUSED = "paused"  # the bot was removed or lost its admin rights (`Circle.paused` says which)


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    PAUSED = "paused"
    ENDED = "ended"  # its follow-ups may still be due
    CANCELLED = "cancelled"


RUNNING: Final = (SessionStatus.OPEN, SessionStatus.PAUSED)  # at most one per circle
FOR_THE_CLOCK: Final = (SessionStatus.SCHEDULED, SessionStatus.OPEN, SessionStatus.ENDED)


class Presence(StrEnum):
    """Who said a member was at a session (`Seat.presence`, issue 21); with no one's word, taking
    part says she was. Her attendance as shown is `services.circles.attendance.attendance`."""

    HERE = "here"  # she pressed "I'm here" on the session's opening post
    MARKED = "marked"  # the circle's facilitator marked her present
    UNMARKED = "unmarked"  # the facilitator marked her not present, whatever else she did


class NoticeKind(StrEnum):
    """What a notice to the program's admins is about."""

    NEEDS_FACILITATOR = "needs_facilitator"  # a circle whose facilitator is gone or deactivated
    ALERT = "alert"  # a check-in alert her supervisor cannot hear: no supervisor, or she is one
