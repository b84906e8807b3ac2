"""A flow played as lines of text: the terminal simulator and the golden transcripts both use
this, so what a content author records is exactly what the tests replay.

Conventions: a number presses the numbered button of the last question (when it has
buttons); `/back`, `/skip` and `/cancel` are the in-flow commands; `/photo` and
`/voice [seconds]` send a sample photo or voice note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from flows.engine import advance, start
from flows.i18n import Catalog
from flows.run import (
    Button,
    ButtonInput,
    CommandInput,
    Input,
    MediaInput,
    Record,
    RunState,
    RunStatus,
    Say,
    TextInput,
)
from flows.spec import Flow

COMMANDS = {"/back": "back", "/skip": "skip", "/cancel": "cancel"}


def show(say: Say) -> str:
    """A message as the simulator prints it: its text, then its buttons numbered."""
    buttons = [button for row in say.buttons for button in row]
    lines = [say.text, *(f"[{n}] {button.label}" for n, button in enumerate(buttons, start=1))]
    return "\n".join(lines)


@dataclass
class Conversation:
    flow: Flow
    catalog: Catalog
    lang: str
    timezone: str
    state: RunState = field(init=False)
    answers: list[Record] = field(default_factory=list)  # every answer given, in order
    _buttons: tuple[Button, ...] = ()
    _step_id: str | None = None
    _media_sent: int = 0

    def begin(self, now: datetime) -> list[str]:
        self.state, effects = start(self.flow, self.catalog, self.lang, self.timezone, now)
        return self._take(effects)

    @property
    def active(self) -> bool:
        return self.state.status == RunStatus.ACTIVE

    def send(self, line: str, now: datetime) -> list[str]:
        self.state, effects = advance(self.flow, self.catalog, self.state, self._read(line), now)
        return self._take(effects)

    def _read(self, line: str) -> Input:
        text = line.strip()
        word, _, rest = text.partition(" ")
        if text in COMMANDS:
            return CommandInput(COMMANDS[text])  # type: ignore[arg-type]
        if word in ("/photo", "/voice"):
            self._media_sent += 1
            meta: dict[str, Any] = {"width": 1280, "height": 960}
            if word == "/voice":
                meta = {"duration": int(rest) if rest.isdecimal() else 10}
            kind: Literal["photo", "voice"] = "photo" if word == "/photo" else "voice"
            return MediaInput(kind, f"simulated-{kind}-{self._media_sent}", meta)
        if text.isdecimal() and self._step_id and 1 <= int(text) <= len(self._buttons):
            return ButtonInput(self._step_id, self._buttons[int(text) - 1].value)
        return TextInput(line)

    def _take(self, effects: list[Any]) -> list[str]:
        said: list[str] = []
        for effect in effects:
            if isinstance(effect, Record):
                self.answers.append(effect)
            elif isinstance(effect, Say):
                said.append(show(effect))
                if effect.step_id is not None:
                    self._step_id = effect.step_id
                    self._buttons = tuple(b for row in effect.buttons for b in row)
        return said
