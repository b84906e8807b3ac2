"""Plain data the engine reads and writes: a run's state, the inputs it takes, the effects it
returns. Nothing here knows Telegram, the database or the clock; adapters translate."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal


class RunStatus(StrEnum):
    """Where a run stands: every status but ACTIVE is an end. The store keeps it as a string."""

    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class RunState:
    """Everything needed to resume a conversation exactly where it stood."""

    flow_id: str
    lang: str
    timezone: str
    status: RunStatus
    step_id: str | None
    answers: dict[str, Any]
    history: tuple[str, ...]  # steps answered on the way here, for /back and the summary
    selection: tuple[str, ...]  # multiple-choice picks not confirmed with Done yet
    updated_at: datetime
    expires_at: datetime
    # Answers carried over from an earlier run (a PDSA cycle opens from the last one): each is
    # shown with its question and kept with one press, never recorded unless she keeps it.
    prefill: dict[str, Any] = field(default_factory=dict)

    def evolve(self, **changes: Any) -> RunState:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "flow_id": self.flow_id,
            "lang": self.lang,
            "timezone": self.timezone,
            "status": self.status,
            "step_id": self.step_id,
            "answers": self.answers,
            "history": list(self.history),
            "selection": list(self.selection),
            "updated_at": self.updated_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "prefill": self.prefill,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunState:
        return cls(
            flow_id=data["flow_id"],
            lang=data["lang"],
            timezone=data["timezone"],
            status=RunStatus(data["status"]),
            step_id=data["step_id"],
            answers=dict(data["answers"]),
            history=tuple(data["history"]),
            selection=tuple(data["selection"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            expires_at=datetime.fromisoformat(data["expires_at"]),
            prefill=dict(data.get("prefill") or {}),
        )


# Inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class ButtonInput:
    """A press on a button the engine offered for `step_id` (a stale step is refused)."""

    step_id: str
    value: str


MediaKind = Literal["photo", "voice", "sticker", "document", "video", "other"]


@dataclass(frozen=True)
class MediaInput:
    """Anything that is not typed text; only a photo or voice step takes one, the others
    explain kindly what they need instead."""

    kind: MediaKind
    file_id: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandInput:
    command: Literal["back", "skip", "cancel"]


@dataclass(frozen=True)
class TimeoutInput:
    """The clock checking in: expires the run when its time is up, else changes nothing."""


Input = TextInput | ButtonInput | MediaInput | CommandInput | TimeoutInput

# Button values the engine understands besides choice ids.
DONE = "_done"
SKIP = "_skip"
KEEP = "_keep"  # keep the answer shown with the question (given earlier, or carried over)


# Effects ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    label: str
    value: str


@dataclass(frozen=True)
class Say:
    """A message to the person. `step_id` marks a question whose buttons answer that step;
    `refresh` says it repeats the question just asked with new marks (multiple choice), so
    an adapter may edit the earlier message instead of sending a new one."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    step_id: str | None = None
    refresh: bool = False


@dataclass(frozen=True)
class Record:
    """An answer to store: one row per answer given, with the step's tags."""

    step_id: str
    value: Any
    tags: dict[str, str]


@dataclass(frozen=True)
class Finish:
    status: RunStatus


Effect = Say | Record | Finish
