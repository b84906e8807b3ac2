"""Everything circlebot holds about one person, as plain rows (issue 23): what /mydata gives
her. A first, small version (her settings, consent, roles and team from her own row, her flow
runs and answers); the complete one covers every kind the issue lists."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from store.models import Answer, FlowRun
from store.uow import UnitOfWork

Holdings = dict[str, list[dict[str, object]]]  # kind -> her rows in time order, JSON-able values


def plain(value: object) -> object:
    """A value as JSON holds it: moments, days and times as ISO text."""
    return value.isoformat() if isinstance(value, datetime | date | time) else value


async def holdings_of(uow: UnitOfWork, person_id: int) -> Holdings:
    person = await uow.people.get(person_id)
    if person is None:
        return {}
    team = None if person.team_id is None else await uow.teams.get(person.team_id)
    settings = ("name", "username", "language", "timezone", "away_until", "quiet_start", "quiet_end")
    runs = await uow.session.scalars(
        select(FlowRun).where(FlowRun.person_id == person_id).order_by(FlowRun.id)
    )
    answers = await uow.session.scalars(
        select(Answer).where(Answer.person_id == person_id).order_by(Answer.answered_at, Answer.id)
    )
    return {
        "settings": [{field: plain(getattr(person, field)) for field in settings}],
        "consent": [{"consented_at": plain(person.consented_at), "joined_at": plain(person.created_at)}],
        "roles": [{"role": role} for role in sorted(person.role_names)],
        "team": [] if team is None else [{"team": team.name}],
        "runs": [
            {
                "run": run.id,
                "flow": run.flow_id,
                "status": str(run.status),
                "started_at": plain(run.started_at),
                "finished_at": plain(run.finished_at),
            }
            for run in runs
        ],
        "answers": [
            {
                "run": answer.run_id,
                "flow": answer.flow_id,
                "step": answer.step_id,
                "value": answer.value,
                "answered_at": plain(answer.answered_at),
            }
            for answer in answers
        ],
    }
