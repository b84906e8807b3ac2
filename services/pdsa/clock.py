"""The clock's PDSA work, called from every tick: data prompts at each measure's rhythm (in her
timezone, outside her quiet hours, not while she is away), the offer to study when a cycle's
test time is up, and the run charts people asked for, drawn off the event loop with no
transaction open. Each prompt moves the cycle's next prompt on in the same transaction as its
message, so a tick that runs twice sends nothing twice."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from flows.availability import away_at, quiet_hours
from flows.dates import day_label, month_names
from flows.i18n import PDSA_NOT_AS_PLANNED, PDSA_PROMPTS
from services.core.clock import ClockEnv, speaker_for
from services.core.conversation import Conversation
from services.core.failures import SetAside, built_apart, each_alone
from services.core.outgoing import ButtonRows
from services.core.speaker import Speaker
from services.pdsa.buttons import AskValue as AskValueButton
from services.pdsa.buttons import Comment, OnOwnProject, PromptedValue
from services.pdsa.charts import RunChart, caption, run_chart
from services.pdsa.disclosed import SHARED_PROJECT
from services.pdsa.projects import flow_for, open_stage, prompt_time
from store.models import ChartRequest, Cycle, Person, Project
from store.statuses import ChartStatus, ProjectStatus
from store.uow import UnitOfWork

BATCH = 100
PROMPT_GRACE = timedelta(hours=12)  # a prompt later than this (the bot was down) is let go
CYCLE_ASIDE = SetAside("pdsa-cycle", {"next_prompt_at": None, "study_at": None})
CHART_ASIDE = SetAside("chart", {"status": ChartStatus.FAILED})
MOST_VALUE_BUTTONS = 11  # a small whole-number range is answered with one press (0–10)


class PdsaClock:
    def __init__(self, env: ClockEnv) -> None:
        self.env = env
        self.db = env.db
        self.content = env.content
        self.timezone = env.timezone
        self.render = env.render_run_chart

    def _render(self, chart: RunChart) -> bytes:
        return (self.render or (lambda c: c.png(self.content.catalog)))(chart)

    def _speaker(self, uow: UnitOfWork, person: Person, now: datetime, key: str) -> Speaker:
        return speaker_for(self.env, uow, person, now, key)

    def _zone(self, person: Person) -> ZoneInfo:
        return ZoneInfo(person.timezone or self.timezone)

    def _away(self, person: Person, now: datetime) -> bool:
        return away_at(now, person.away_until, person.away_open, person.timezone or self.timezone)

    def _quiet(self, person: Person, now: datetime) -> bool:
        """In her quiet hours now (the owner's prompt time is moved past hers; a team member's
        own quiet hours skip that day's prompt for her)."""
        quiet = quiet_hours(person.quiet_start, person.quiet_end, self.content.schedules.quiet_hours)
        return quiet is not None and quiet.contains(now.astimezone(self._zone(person)).time())

    async def tick(self, now: datetime) -> dict[str, int]:
        """Data prompts sent and charts drawn."""
        return {"prompted": await self._cycles(now), "charts": await self._charts(now)}

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        async with self.db.unit_of_work() as uow:
            return await uow.projects.next_due()

    # --- prompts and study offers ------------------------------------------------------------

    async def _cycles(self, now: datetime) -> int:
        sent = 0
        while True:
            async with self.db.unit_of_work() as uow:
                due = await uow.projects.prompts_due(now, BATCH)
                if not due:
                    return sent
                ran = await each_alone(uow, due, partial(self._cycle, uow, now=now), CYCLE_ASIDE, now)
                await uow.commit()
                sent += sum(ran.results)

    async def _cycle(self, uow: UnitOfWork, cycle: Cycle, *, now: datetime) -> int:
        """The study offer and the data prompt due for one cycle; how many were asked."""
        project = await uow.projects.get(cycle.project_id)
        owner = None if project is None else await uow.people.get(project.owner_id)
        if project is None or owner is None or project.status != ProjectStatus.ACTIVE:
            cycle.next_prompt_at = cycle.study_at = None
            return 0
        if cycle.study_at is not None and cycle.study_at <= now:
            await self._offer_study(uow, project, cycle, owner, now)
        if cycle.next_prompt_at is not None and cycle.next_prompt_at <= now:
            return await self._prompt(uow, project, cycle, owner, now)
        return 0

    async def _offer_study(
        self, uow: UnitOfWork, project: Project, cycle: Cycle, owner: Person, now: datetime
    ) -> None:
        cycle.study_at = None
        if owner.deactivated or self._away(owner, now):
            return  # the card's Continue offers it when she is back
        speaker = self._speaker(uow, owner, now, f"pdsa-study:{cycle.id}")
        button = [[(speaker.label("pdsa.button.study"), OnOwnProject("study", project.id).encode())]]
        await speaker.say("pdsa.study_time", button, number=cycle.number, measure=project.measure)

    async def _prompt(
        self, uow: UnitOfWork, project: Project, cycle: Cycle, owner: Person, now: datetime
    ) -> int:
        """Ask the owner (and in a team project every member) for this period's value."""
        due = cycle.next_prompt_at
        assert due is not None
        cycle.next_prompt_at = prompt_time(self.content, project, owner, now, self.timezone)
        if now - due > PROMPT_GRACE:
            return 0
        people = [owner]
        if project.team_id is not None:
            people += [p for p in await uow.people.of_teams([project.team_id]) if p.id != owner.id]
        sent = 0
        for person in people:
            if (
                person.deactivated
                or person.unreachable
                or person.consented_at is None
                or self._away(person, now)
                or self._quiet(person, now)
            ):
                continue
            speaker = self._speaker(uow, person, now, f"pdsa-prompt:{cycle.id}:{due.isoformat()}:{person.id}")
            day = due.astimezone(self._zone(person)).date()  # the day it asks about, even if late
            await speaker.say(
                PDSA_PROMPTS.key(project.frequency),
                self._value_buttons(speaker, project, day),
                measure=project.measure,
                unit=project.unit,
                day=day_label(day, month_names(speaker.catalog, speaker.lang)),
            )
            sent += 1
        return sent

    def _value_buttons(self, speaker: Speaker, project: Project, day: date) -> ButtonRows:
        """A small whole-number range as buttons (one press); else one button that asks."""
        low, high = project.lowest, project.highest
        if (
            low is not None
            and high is not None
            and low.is_integer()
            and high.is_integer()
            and high - low < MOST_VALUE_BUTTONS
        ):
            values = [int(low) + i for i in range(int(high - low) + 1)]
            row = [(str(v), PromptedValue(project.id, day, v).encode()) for v in values]
            return [row[i : i + 6] for i in range(0, len(row), 6)]
        return [[(speaker.label("pdsa.button.log"), AskValueButton(project.id, day).encode())]]

    # --- charts -----------------------------------------------------------------------------

    async def _charts(self, now: datetime) -> int:
        """Read a batch, draw with no transaction open, write the photos and what follows. A
        chart that cannot be read or drawn fails alone, when its turn to be sent comes."""
        return await built_apart(
            self.db,
            now,
            CHART_ASIDE,
            lambda uow: uow.projects.charts_pending(BATCH),
            self._chart,
            self._draw,
            lambda uow, request, chart, picture: self._send_chart(uow, request.id, chart, picture, now),
        )

    async def _draw(self, chart: RunChart) -> bytes:
        return await asyncio.to_thread(self._render, chart)

    async def _chart(self, uow: UnitOfWork, request: ChartRequest) -> RunChart | None:
        project = await uow.projects.get(request.project_id)
        viewer = await uow.people.get(request.person_id)
        if project is None or viewer is None:
            return None
        cycles = await uow.projects.cycles([project.id])
        points = await uow.projects.points([project.id])
        lang = viewer.language or self.content.languages.default
        return run_chart(project, cycles, points, viewer.id, self._zone(viewer), lang, self.content)

    async def _send_chart(
        self, uow: UnitOfWork, request_id: int, chart: RunChart | None, picture: bytes | None, now: datetime
    ) -> int:
        request = await uow.projects.chart_request(request_id)
        if request is None or request.status != ChartStatus.PENDING:
            return 0
        request.status = ChartStatus.SENT
        viewer = await uow.people.get(request.person_id)
        if chart is None or picture is None or viewer is None:
            return 0
        speaker = self._speaker(uow, viewer, now, f"pdsa-chart:{request.id}")
        photo = await uow.photos.add(now, data=picture)
        buttons: ButtonRows = ()
        if request.purpose == "supervisor":
            speaker = speaker.disclosing(SHARED_PROJECT, chart.project.owner_id)
            buttons = [[(speaker.label("pdsa.button.comment"), Comment(chart.project.id).encode())]]
        await speaker.out.stored_photo(
            speaker.chat_id,
            photo.id,
            caption(chart, self.content.catalog),
            speaker.person_id,
            buttons,
            about=speaker.about,
        )
        if request.purpose == "study":
            await self._study(uow, speaker, viewer, chart.project, now)
        return 1

    async def _study(
        self, uow: UnitOfWork, speaker: Speaker, person: Person, project: Project, now: datetime
    ) -> None:
        """Beside the chart, what she predicted, and in plain words when the change was carried
        out only in part or not at all (the chart may not show what it can do: not trying a
        change is not the change failing); then Study asks what happened, or goes on where it
        stopped."""
        cycle = await uow.projects.latest_cycle(project.id)
        if cycle is None or cycle.stage != "study":
            return
        prediction = str(cycle.plan.get("prediction") or "–")
        lines = [
            speaker.label(
                "pdsa.prediction",
                number=cycle.number,
                prediction=speaker.catalog.own_words(speaker.lang, prediction),
            )
        ]
        carried_out = cycle.study.get("carried_out")
        if carried_out in PDSA_NOT_AS_PLANNED.members:
            lines.append(speaker.label(PDSA_NOT_AS_PLANNED.key(str(carried_out))))
        await speaker.send(speaker.catalog.lay_out(speaker.lang, "\n\n".join(lines)))
        if await uow.runs.active_for(person.id) is not None:
            button = [[(speaker.label("pdsa.button.go_study"), OnOwnProject("go", project.id).encode())]]
            return await speaker.say("pdsa.study_later", button)
        conversation = Conversation(uow, self.content, speaker, person, now, self.timezone, self.env.runs)
        await open_stage(conversation, cycle, flow_for(self.content, "study"))
