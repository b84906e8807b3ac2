"""/log and the values she gives for her project's measure: the rules every data point meets (a
number in range, no day in the future nor too far back, one point per measurement period unless
she says to replace it, a visit its own period), and replacing a point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.bounds import NOT_A_DAY, NOT_A_NUMBER, Problem, outside_window
from flows.i18n import PDSA_PERIOD
from flows.measures import period, read_log, shown_number
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.pdsa.buttons import AnotherVisit, KeepFirst, Replace
from services.pdsa.context import PdsaContext
from store.models import Project


@prompt_kind
@dataclass(frozen=True)
class AskValue(Prompt):
    """A value for her project's measure, for one day."""

    kind = "pdsa.value"
    project: int
    day: str | None  # ISO; None: today


@dataclass
class DataPoints(PdsaContext):
    async def log(self, argument: str) -> None:
        project = await self.current()
        if project is None:
            return await self.speaker.say("pdsa.none")
        if not argument.strip():
            return await self.ask_value(project, self.today)
        logged = read_log(argument, self.today)
        if isinstance(logged.day, Problem):
            return await self._refuse(logged.day, argument)
        if isinstance(logged.value, Problem):
            await self._refuse(logged.value, argument)
            return await self.ask_value(project, logged.day)
        await self.record(project, logged.value, logged.day)

    async def receive(self, prompt: AskValue, text: str) -> None:
        """Her words after the question for a value."""
        project = await self.open_project(prompt.project)
        if project is None:
            close(self.person)
            return await self.speaker.say("button.expired")
        day = date.fromisoformat(prompt.day) if prompt.day else self.today
        logged = read_log(text, day)
        if isinstance(logged.day, Problem):
            await self._refuse(logged.day, text)
        elif isinstance(logged.value, Problem):
            await self._refuse(logged.value, text)
        else:
            return await self.record(project, logged.value, logged.day)
        await self.ask_value(project, day)

    async def _refuse(self, problem: Problem, words: str) -> None:
        """A value or a day she typed that cannot be taken: her words back when they are not a
        number or a day, else the bound they are beyond (flows.bounds)."""
        if problem.key == NOT_A_NUMBER:
            return await self.speaker.say("pdsa.not_a_number", words=words[:40])
        if problem.key == NOT_A_DAY:
            return await self.speaker.say("pdsa.bad_day", example=self.today.strftime("%d/%m"))
        await self.speaker.say(problem.key, (), **problem.fields)

    async def ask_value(self, project: Project, day: date) -> None:
        """The question for one value: her next words answer it (a command leaves it)."""
        open_prompt(self.person, AskValue(project.id, day.isoformat()), self.now)
        await self.speaker.say(
            "pdsa.ask_value",
            measure=project.measure,
            unit=project.unit,
            day=self.day(day),
            range=self._range(project),
        )

    def _range(self, project: Project) -> str:
        if project.lowest is None and project.highest is None:
            return ""
        low = "…" if project.lowest is None else shown_number(project.lowest)
        high = "…" if project.highest is None else shown_number(project.highest)
        return self.speaker.label("pdsa.range", low=low, high=high)

    async def prompted(self, project: Project, day: date, value: float | None) -> None:
        """A data prompt's button: a value for the day it asked about, or the question."""
        if value is None:
            return await self.ask_value(project, day)
        await self.record(project, value, day)

    async def _refused(self, project: Project, value: float, day: date) -> bool:
        """The checks every value meets, typed or pressed: no day in the future nor before the
        window of flows.bounds, within the measure's range. A refused value is explained and asked
        again."""
        if day > self.today:
            await self.speaker.say("pdsa.future")
            await self.ask_value(project, self.today)
            return True
        too_old = outside_window(day, self.today)  # a day a button carries is held to it too
        if too_old is not None:
            await self.speaker.say(too_old.key, (), **too_old.fields)
            await self.ask_value(project, self.today)
            return True
        if not _in_range(project, value):
            await self.speaker.say("pdsa.out_of_range", value=shown_number(value), range=self._range(project))
            await self.ask_value(project, day)
            return True
        return False

    async def record(self, project: Project, value: float, day: date) -> None:
        """One data point, after the checks; a second for the same period asks first."""
        if await self._refused(project, value, day):
            return
        close(self.person)
        if project.frequency == "visit":
            return await self._visit(project, value, day)
        key = period(project.frequency, day)
        earlier = await self.uow.projects.point_for(project.id, self.person.id, key)
        if earlier is not None:
            if earlier.value == value:
                return await self.speaker.say(
                    "pdsa.same_again", value=shown_number(value), day=self.day(earlier.day)
                )
            rows = [
                [
                    (
                        self.speaker.label(
                            "pdsa.button.replace", old=shown_number(earlier.value), new=shown_number(value)
                        ),
                        Replace(earlier.id, shown_number(value)).encode(),
                    )
                ],
                [
                    (
                        self.speaker.label("pdsa.button.keep_first", old=shown_number(earlier.value)),
                        KeepFirst().encode(),
                    )
                ],
            ]
            word = self.speaker.label(PDSA_PERIOD.key(project.frequency))
            return await self.speaker.say(
                "pdsa.double", rows, period=word, day=self.day(earlier.day), old=shown_number(earlier.value)
            )
        await self._add(project, value, day, key)

    async def keep_first(self) -> None:
        await self.speaker.say("pdsa.kept_first")

    async def _visit(self, project: Project, value: float, day: date) -> None:
        """A visit is its own period, and two visits may fall on one day: when she logged one
        that day already, she says whether this is another visit or a correction."""
        same_day = [
            p
            for p in await self.uow.projects.points([project.id])
            if p.person_id == self.person.id and p.day == day
        ]
        if not same_day:
            return await self._add_visit(project, value, day)
        earlier = same_day[-1]
        rows = [
            [
                (
                    self.speaker.label("pdsa.button.another_visit"),
                    AnotherVisit(project.id, day, shown_number(value)).encode(),
                )
            ],
            [
                (
                    self.speaker.label(
                        "pdsa.button.replace", old=shown_number(earlier.value), new=shown_number(value)
                    ),
                    Replace(earlier.id, shown_number(value)).encode(),
                )
            ],
        ]
        await self.speaker.say("pdsa.visit_again", rows, day=self.day(day), old=shown_number(earlier.value))

    async def _add_visit(self, project: Project, value: float, day: date) -> None:
        number = await self.uow.projects.count_points(project.id, self.person.id) + 1
        await self._add(project, value, day, period("visit", day, number))

    async def another_visit(self, project: Project, day: date, value: float | None) -> None:
        """ "Another visit": the value she gave, checked again as if typed, as a visit of its own."""
        if value is None:
            return await self.speaker.say("button.expired")
        if not await self._refused(project, value, day):
            await self._add_visit(project, value, day)

    async def _add(self, project: Project, value: float, day: date, key: str) -> None:
        cycle = await self.uow.projects.latest_cycle(project.id)
        during = (
            cycle
            if cycle is not None and cycle.started_at is not None and self.local(cycle.started_at) <= day
            else None
        )
        await self.uow.projects.add_point(
            project_id=project.id,
            person_id=self.person.id,
            cycle_id=None if during is None else during.id,
            day=day,
            period=key,
            value=value,
            logged_at=self.now,
        )
        count = await self.uow.projects.count_points(project.id)
        await self.speaker.say(
            "pdsa.logged", value=shown_number(value), unit=project.unit, day=self.day(day), count=count
        )

    async def replace(self, point_id: int, value: float | None) -> None:
        """Replace her earlier point with the value she gave, checked again as if typed."""
        point = await self.uow.projects.point(point_id)
        project = None if point is None else await self.open_project(point.project_id)
        if point is None or project is None or value is None:
            return await self.speaker.say("button.expired")
        if await self._refused(project, value, point.day):
            return
        close(self.person)
        point.replaced, point.value, point.logged_at = point.value, value, self.now
        await self.speaker.say(
            "pdsa.replaced",
            old=shown_number(point.replaced),
            new=shown_number(value),
            day=self.day(point.day),
        )


def _in_range(project: Project, value: float) -> bool:
    return (project.lowest is None or value >= project.lowest) and (
        project.highest is None or value <= project.highest
    )
