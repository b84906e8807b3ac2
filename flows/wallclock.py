"""A wall-clock time on a day, in a timezone, as one moment. Every rule the program keeps in
local time (schedules, circle meetings, PDSA prompts, quiet hours, a bulletin's time) turns into a
moment here, so a change of summer time treats them all alike: a time the clocks pass twice is
its first passing; a time the clocks skip is the first minute that exists after it (02:30 on the
spring-forward night in Madrid is 03:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MINUTE = timedelta(minutes=1)


def zone_named(name: str) -> ZoneInfo | None:
    """The timezone called `name`, or None when there is none: the settings, a transcript and
    the simulator ask here, so a name with a dot, a stray slash or the length of a paragraph (too
    long for a file name) is refused alike."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def wall_time(day: date, at: time, zone: tzinfo) -> datetime:
    """`at` on `day` as the clocks in `zone` show it, as a moment in UTC: compared with another
    moment of the same zone, Python would compare clock faces and ignore which passing it is."""
    shown = datetime.combine(day, at)
    try:
        while not _exists(shown, zone):  # skipped: walk to the minute the clocks jumped to
            shown = shown.replace(second=0, microsecond=0) + _MINUTE
        return shown.replace(tzinfo=zone).astimezone(UTC)  # fold 0: the first passing
    except OverflowError:  # the last hours of year 9999 (someone's typing): no UTC for them
        return shown.replace(tzinfo=zone)


def _exists(shown: datetime, zone: tzinfo) -> bool:
    """Whether the clocks in `zone` ever show `shown` (naive): a skipped time does not come back
    from a round trip through UTC."""
    moment = shown.replace(tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == shown
