"""Every rule the program keeps in local time becomes a moment the same way (flows.wallclock):
a circle's meeting, a PDSA prompt, the end of quiet hours and a bulletin's time, like a schedule,
land at 03:00 when 02:30 is skipped, and at the first 02:30 when it comes twice. (Compared in
UTC: Python never finds a time in a repeated hour equal to one of another zone.)"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from flows.circles import Rhythm
from flows.measures import next_prompt
from flows.pdsa import Prompts
from flows.recurrence import occurrences
from flows.schedules import QuietHours, Weekly
from flows.wallclock import wall_time
from services.bulletins.dialog import read_when
from tests.unit.test_recurrence import MADRID

SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)  # Sundays: Madrid's clocks change at night
HALF_PAST_TWO = time(2, 30)


def schedule(day: date) -> datetime:
    after = datetime(day.year, day.month, day.day - 1, 12, tzinfo=UTC)
    return occurrences(
        Weekly(weekly="sunday", at=HALF_PAST_TWO), MADRID, after, after.replace(day=day.day + 1)
    )[0]


def circle(day: date) -> datetime:
    rhythm = Rhythm(day="sunday", at=HALF_PAST_TWO, timezone="Europe/Madrid")
    return rhythm.next_meeting(datetime(day.year, day.month, day.day - 1, 12, tzinfo=UTC))


def pdsa_prompt(day: date) -> datetime:
    after = datetime(day.year, day.month, day.day - 1, 12, tzinfo=UTC)
    return next_prompt("daily", after, MADRID, Prompts(at=HALF_PAST_TWO))


def quiet_hours_end(day: date) -> datetime:
    night = QuietHours(start=time(22), end=HALF_PAST_TWO)
    return night.after(datetime(day.year, day.month, day.day - 1, 23, tzinfo=MADRID))


def bulletin(day: date) -> datetime:
    when = read_when(f"{day:%d/%m} 02:30", MADRID, datetime(2026, 1, 10, tzinfo=UTC))
    assert when is not None
    return when


@pytest.mark.parametrize("moment_of", [schedule, circle, pdsa_prompt, quiet_hours_end, bulletin])
def test_every_local_time_keeps_its_place_across_a_change_of_summer_time(
    moment_of: Callable[[date], datetime],
) -> None:
    skipped, repeated = moment_of(SPRING).astimezone(UTC), moment_of(AUTUMN).astimezone(UTC)
    assert skipped == datetime(2026, 3, 29, 1, tzinfo=UTC)  # 03:00 CEST, the first minute after
    assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first passing


def test_the_last_minute_of_year_9999_is_still_a_moment_anywhere() -> None:
    """Typed by someone ("31/12/9999 23:59"): it must reach the bound check, not crash."""
    for zone in (MADRID, ZoneInfo("America/Lima")):
        moment = wall_time(date(9999, 12, 31), time(23, 59), zone)
        assert moment > datetime(2026, 12, 6, tzinfo=UTC)
