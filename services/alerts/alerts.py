"""A check-in that shows she may need support (`flows.alerts`): who hears of it, and she is told
who. Her team's supervisor hears at once, while there is one who is active, has not blocked the
bot and is not herself, and she is not a supervisor; else the program's admins in Telegram do
(`services/core/notices.py`); with none, the alert waits as a notice (`circlebot notices`) that
the clock tells the admins once one joins. She is never told that someone heard who did not: she
hears "your supervisor, Ana", "the program's coordinators" or "a note waits for them", then the
program's way to get help now (`content/program.yaml`). What goes is what the supervisor's alert
always carried: her name, the reasons, and the answers the alerts' rules read (scores, a yes or
no), never her written words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows.alerts import raised
from flows.content import Content
from flows.dates import day_label, month_names
from flows.i18n import Catalog
from flows.render import display
from flows.run import RunState, RunStatus
from flows.spec import Alert, Flow
from services.core.clock import ClockEnv, speaker_for
from services.core.conversation import Conversation
from services.core.disclosures import About, kind
from services.core.notices import admins_in_telegram, tell_untold
from services.core.teams import supervisor_of
from store.models import FlowRun, Notice, Person
from store.statuses import NoticeKind
from store.uow import UnitOfWork

SUPERVISOR = "supervisor"
# Why she may need support and the answers the rules read (never her written words), to whoever hears it.
ALERT = kind("alert", "alert.header", "alert.no_supervisor", "alert.supervisor_own", team_only=True)


async def run_ended(
    conversation: Conversation, run: FlowRun, flow: Flow, state: RunState, before: RunState | None
) -> bool:
    """A completed run that raises alerts is heard by someone, and she is told by whom."""
    if state.status != RunStatus.COMPLETED or not flow.alerts:
        return False
    found = raised(flow, await conversation.recent_answers(flow))
    which = [i for i, alert in enumerate(flow.alerts) if any(alert is one for one in found)]
    if which:
        await _alert(conversation, run, flow, state.answers, which)
    return False


async def _alert(
    conversation: Conversation, run: FlowRun, flow: Flow, answers: Mapping[str, Any], which: list[int]
) -> None:
    uow, me, speaker = conversation.uow, conversation.person, conversation.speaker
    catalog, out = conversation.catalog, conversation.speaker.out
    boss = None if SUPERVISOR in me.role_names else (await supervisor_of(uow, me))[1]
    if boss is not None and boss.id != me.id and not boss.unreachable:
        text = alert_text(catalog, boss, me, flow, answers, which, "alert.header")
        await out.send(boss.telegram_id, text, (), boss.id, about=About.of(ALERT, [me.id]))
        speaker = speaker.disclosing(ALERT, boss.id)  # her supervisor's name, as the one who heard it
        told = speaker.label("alert.told_supervisor", name=catalog.own_words(speaker.lang, boss.name))
    elif admins := [admin for admin in await admins_in_telegram(uow) if admin.id != me.id]:
        for one in admins:
            text = alert_text(catalog, one, me, flow, answers, which, _to_admins(me))
            await out.send(one.telegram_id, text, (), one.id, about=About.of(ALERT, [me.id]))
        told = speaker.label("alert.told_coordinators")
    else:
        await uow.notices.alert(run.id, which, conversation.now)
        told = speaker.label("alert.kept_for_coordinators")
    program = conversation.content.program
    if program is not None:
        told += "\n\n" + speaker.label("alert.help_now", contact=catalog.pick(program.contact, speaker.lang))
    await speaker.send(catalog.lay_out(speaker.lang, told))


def _to_admins(person: Person) -> str:
    """Why the admins hear it: she is a supervisor, or no supervisor of hers can."""
    return "alert.supervisor_own" if SUPERVISOR in person.role_names else "alert.no_supervisor"


def alert_text(
    catalog: Catalog,
    reader: Person,
    person: Person,
    flow: Flow,
    answers: Mapping[str, Any],
    which: Sequence[int],
    key: str,
    day: str | None = None,
) -> str:
    """The alert in the reader's language: why, then the answers its rules read (not her own
    words); `day`: the day of a check-in whose alert waited for an admin."""
    lang = reader.language or catalog.default
    alerts = _alerts(flow, which)
    reasons = "; ".join(catalog.pick(alert.reason, lang) for alert in alerts)
    named = {name for alert in alerts for name in alert.condition.names}
    lines = [catalog.say(lang, key, name=person.name, reasons=reasons)]
    for step in flow.steps:
        if step.id in named and step.id in answers:
            label = catalog.pick(step.label or step.ask, lang)
            lines.append(f"• {label}: {display(step, answers[step.id], catalog, lang)}")
    if day is not None:
        lines.append(catalog.say(lang, "alert.waited", day=day))
    return catalog.lay_out(lang, "\n".join(lines))


def _alerts(flow: Flow, which: Sequence[int]) -> list[Alert]:
    return [flow.alerts[i] for i in which if i < len(flow.alerts)]  # content may have changed since


async def about(uow: UnitOfWork, content: Content, notice: Notice) -> str:
    """An alert that waits, in a line of `circlebot notices` (the program's language): whose
    check-in, and why."""
    run = None if notice.run_id is None else await uow.runs.get(notice.run_id)
    person = None if run is None else await uow.people.get(run.person_id)
    if run is None or person is None:
        return "—"
    flow = content.flows.get(run.flow_id)
    alerts = [] if flow is None else _alerts(flow, notice.alerts or [])
    reasons = "; ".join(content.catalog.pick(alert.reason, content.catalog.default) for alert in alerts)
    return f"{person.name} (id {person.id}), {run.flow_id}: {reasons}"


class AlertClock:
    """Tells the admins the alerts that waited for one of them to join."""

    def __init__(self, env: ClockEnv) -> None:
        self.env = env

    async def tick(self, now: datetime) -> dict[str, int]:
        return {"alerts told": await tell_untold(self.env, NoticeKind.ALERT, self._tell, now)}

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        return None  # an admin joining is seen at the next tick, at most a minute away

    async def _tell(self, uow: UnitOfWork, admins: list[Person], now: datetime, notice: Notice) -> bool:
        env, catalog = self.env, self.env.content.catalog
        run = None if notice.run_id is None else await uow.runs.get(notice.run_id)
        person = None if run is None else await uow.people.get(run.person_id)
        flow = None if run is None else env.content.flows.get(run.flow_id)
        readers = [admin for admin in admins if person is None or admin.id != person.id]
        if run is None or person is None or flow is None or not readers:
            return False  # about no one now, or for none of these admins: it waits
        answers = RunState.from_json(run.state).answers
        for admin in readers:
            lang = admin.language or catalog.default
            local = notice.created_at.astimezone(ZoneInfo(admin.timezone or env.timezone)).date()
            day = day_label(local, month_names(catalog, lang))
            why = _to_admins(person)
            text = alert_text(catalog, admin, person, flow, answers, notice.alerts or [], why, day)
            speaker = speaker_for(env, uow, admin, now, f"notice:{notice.id}:{admin.id}")
            await speaker.disclosing(ALERT, person.id).send(text)
        notice.told_at = notice.resolved_at = now
        return True
