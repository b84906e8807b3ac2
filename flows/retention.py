"""How long personal data is kept (issue 24): `content/retention.yaml`, else these defaults.

The kinds, and what happens to each at its limit, are the code's (services/privacy/retention.py);
content sets only the durations, in days or calendar months ("30 days", "12 months"). Pure: a
limit turns `now` into the moment before which a kind's clock start is past it (`before`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, PlainSerializer

from flows.spec import Model

_PERIOD = re.compile(r"^\s*(\d{1,4})\s+(day|days|month|months)\s*$")
LONGEST = {"day": 36_600, "month": 1_200}  # a hundred years: a typo, not a policy


class Kind(StrEnum):
    """What retention applies to, in the order the report lists them."""

    OUTBOX = "outbox_payloads"
    FREE_TEXT = "free_text_answers"
    SCORES = "checkin_scores"
    CIRCLES = "circle_contributions"
    PDSA = "pdsa_projects"
    OBSERVATION_TEXTS = "observation_texts"
    OBSERVATION_SCORES = "observation_scores"
    DISCLOSURES = "disclosure_log"
    UPDATE_IDS = "update_ids"


@dataclass(frozen=True)
class Period:
    """A number of days or of calendar months."""

    count: int
    unit: Literal["day", "month"]

    def before(self, now: datetime) -> datetime:
        """`now` moved back by this period: a month back from 31 March is the last of February."""
        if self.unit == "day":
            return now - timedelta(days=self.count)
        months = now.year * 12 + now.month - 1 - self.count
        year, month = divmod(months, 12)
        day = min(now.day, calendar.monthrange(year, month + 1)[1])
        return now.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"


def _period(value: object) -> Period:
    if isinstance(value, Period):
        return value
    match = _PERIOD.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a period like 30 days or 12 months")
    count, unit = int(match.group(1)), match.group(2).removesuffix("s")
    if not 1 <= count <= LONGEST[unit]:
        raise ValueError(f"{value!r}: from 1 to {LONGEST[unit]} {unit}s")
    return Period(count, "day" if unit == "day" else "month")


Limit = Annotated[Period, BeforeValidator(_period), PlainSerializer(str)]


class Retention(Model):
    """`content/retention.yaml`: each kind's limit. A key left out keeps its default."""

    outbox_payloads: Limit = Period(30, "day")  # from sent (else queued): then redacted
    free_text_answers: Limit = Period(12, "month")  # from the run's end: then removed
    checkin_scores: Limit = Period(24, "month")  # from answered: then pseudonymised
    circle_contributions: Limit = Period(90, "day")  # from the circle's last session: then removed
    pdsa_projects: Limit = Period(24, "month")  # from the project's last activity: then pseudonymised
    observation_texts: Limit = Period(
        12, "month"
    )  # from sent (unfinished: started): blanked (unfinished: removed)
    observation_scores: Limit = Period(24, "month")  # from sent: then pseudonymised
    disclosure_log: Limit = Period(24, "month")  # from logged: then removed
    update_ids: Limit = Period(7, "day")  # from handled: then removed

    def limit(self, kind: Kind) -> Period:
        period: Period = getattr(self, kind.value)
        return period
