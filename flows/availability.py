"""When a scheduled message may reach her: not in her quiet hours, not while she is away. One
rule for every clock (check-ins, reminders, bulletins, summaries, PDSA prompts, circles), from
plain values: her own settings as the store keeps them (`quiet_start`, `quiet_end`,
`away_until`, `away_open`, her timezone's name) and the program's quiet hours from `flows.schedules`."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flows.schedules import QuietHours


def quiet_hours(start: time | None, end: time | None, program: QuietHours | None) -> QuietHours | None:
    """Hers when she set both ends (/settings), else the program's; None when neither has any."""
    if start is not None and end is not None:
        return QuietHours(start=start, end=end)
    return program


def outside_quiet_hours(
    local: datetime, start: time | None, end: time | None, program: QuietHours | None
) -> datetime:
    """`local` (in her timezone), or the end of her quiet hours when it falls in them."""
    quiet = quiet_hours(start, end, program)
    return local if quiet is None else quiet.after(local)


def away_on(day: date, back: date | None, open_ended: bool) -> bool:
    """On leave that day: `back` is the day she returns (/away), itself not a day away;
    `open_ended` (/away "until I say so") is every day until she ends it herself."""
    return open_ended or (back is not None and day < back)


def away_at(now: datetime, back: date | None, open_ended: bool, zone: str) -> bool:
    """On leave today in her timezone `zone`, so that "back on the 5th" holds until her midnight."""
    return away_on(now.astimezone(ZoneInfo(zone)).date(), back, open_ended)
