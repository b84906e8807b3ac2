"""/away: a person on leave pauses every scheduled message (check-ins, reminders, bulletins and
summaries on a schedule) until the day she is back. The date is hers: day first or ISO, in her
timezone; a date without a year that has passed this year means next year's. How far ahead she
may be away is the window of every day she types (flows.bounds: a year). "Until I say so" (a
button) withdraws her consent to messages without erasing anything: no date at all
(`Person.away_open`), so none can reach a summary, a chart or her data; only she ends it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.bounds import DAY_FAR_AHEAD, DAY_LONG_AGO, Problem, read_day
from services.core.buttons import Button
from services.core.outgoing import ButtonRows
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.core.speaker import Speaker
from store.models import Person


def shown(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@prompt_kind
@dataclass(frozen=True)
class AskBack(Prompt):
    """The day she is back."""

    kind = "away.until"


@dataclass(frozen=True)
class AwayChoice(Button):
    """Away "until I say so" (`open`), or back now (`end`)."""

    prefix = "away"
    choice: Literal["open", "end"]


@dataclass
class AwayDialog:
    speaker: Speaker
    person: Person
    now: datetime
    default: str  # the program's timezone

    def _today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.person.timezone or self.default)).date()

    def _button(self, choice: Literal["open", "end"]) -> ButtonRows:
        label = self.speaker.label("away.button.open" if choice == "open" else "away.button.end")
        return [[(label, AwayChoice(choice).encode())]]

    async def start(self, argument: str) -> None:
        if argument:
            return await self.receive(argument)
        open_prompt(self.person, AskBack(), self.now)
        if self.person.away_open:
            return await self.speaker.say("away.status_open", self._button("end"))
        if self.person.away_until is not None and self.person.away_until > self._today():
            return await self.speaker.say(
                "away.status", self._button("open"), until=shown(self.person.away_until)
            )
        await self.speaker.say(
            "away.ask", self._button("open"), example=shown(self._today() + timedelta(days=14))
        )

    async def choose(self, choice: Literal["open", "end"]) -> None:
        """A button of this dialog, whenever she taps it: it answers the question if one is open."""
        close(self.person)
        if choice == "end":
            return await self._end()
        self.person.away_until, self.person.away_open = None, True
        await self.speaker.say("away.set_open")

    async def _end(self) -> None:
        self.person.away_until, self.person.away_open = None, False
        await self.speaker.say("away.ended")

    async def receive(self, text: str) -> None:
        today = self._today()
        words = text.strip()
        if words.casefold() in self.speaker.catalog.words(self.speaker.lang, "away.off_words"):
            close(self.person)
            return await self._end()
        this_year, next_year = read_day(words, today), read_day(words, today, today.year + 1)
        passed = isinstance(this_year, date) and this_year <= today
        back = next_year if passed and this_year != next_year else this_year  # 05/01 said in December
        if isinstance(back, Problem):
            return await self._refuse(back, today)
        if back <= today:
            open_prompt(self.person, AskBack(), self.now)
            return await self.speaker.say("away.past", today=shown(today))
        close(self.person)
        self.person.away_until, self.person.away_open = back, False
        await self.speaker.say("away.set", until=shown(back))

    async def _refuse(self, problem: Problem, today: date) -> None:
        """A day she cannot be back on, said in this dialog's words, and asked again."""
        open_prompt(self.person, AskBack(), self.now)
        if problem.key == DAY_FAR_AHEAD:
            return await self.speaker.say("away.too_far", self._button("open"))
        if problem.key == DAY_LONG_AGO:
            return await self.speaker.say("away.past", today=shown(today))
        await self.speaker.say("away.unreadable", example=shown(today + timedelta(days=14)))
