"""The one place that bounds what a person types before anything reads it further, stores it or
echoes it back (issue 16), and that names Telegram's lengths. Pure: it knows nothing of
Telegram, the store or the clock (`today` and `now` come in).

- Numbers: `read_number` is the only number reader (flow answers, /log, a PDSA value, a button's
  value). A number is finite, within ±`NUMBER_LIMIT` even where a measure has no range (10¹² is
  far above anything counted in home visiting), has at most 15 significant digits (what a float
  keeps exactly, so the value shown back is the value typed) and at most 6 decimal places (what
  a value is written back with: 1e-21 would show as 0). A measure's own range is checked after.
- Days: `read_day` takes only days from the year 120 years back (a birth date) to a year (366
  days) ahead of `today`, for date answers, /log and /away alike, and a day a button carries is
  held to the same window; `too_far_ahead` keeps a bulletin or a "send later" time (the chat's
  and the command line's) within the same year ahead.
- Texts: `clean_text` runs once, where an update's text or caption becomes an `Incoming`: control
  characters and lone surrogates (PostgreSQL refuses both) go, and so do whitespace and invisible
  format characters at both ends (inside, right-to-left marks stay: Arabic text needs them), so
  an answer of only invisible characters is empty.
- Telegram's lengths live here; the outbox (services.core.outgoing) is the one place that keeps
  every queued text and caption within them. A name she types that the bot shows on a button or
  in a group is at most `NAME_LIMIT` characters.

A refusal is a `Problem`: a catalog key and the fields that fill it in, said in her language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

NUMBER_LIMIT = 10**12
NUMBER_DIGITS = 15
NUMBER_PLACES = 6
YEARS_BACK = 120
AHEAD = timedelta(days=366)  # the furthest day she may type, or time anything may be planned for

MESSAGE_LIMIT = 4096  # Telegram's, for one message (counted in characters)
CAPTION_LIMIT = 1024  # Telegram's, for a photo's or a document's caption
NOTICE_LIMIT = 200  # Telegram's, for the notice over a pressed button
COMMAND_ABOUT_LIMIT = 256  # Telegram's, for a command's line in the menu
# A name she types that is shown on a button or in a group (a circle, a PDSA measure): a button
# holding it and a few words stays one line on a phone, and a notice naming it stays whole.
NAME_LIMIT = 60
CUT = "…"

NOT_A_NUMBER = "error.not_a_number"
NOT_A_DAY = "error.date"
DAY_FAR_AHEAD = "error.date_far_ahead"
DAY_LONG_AGO = "error.date_long_ago"


@dataclass(frozen=True)
class Problem:
    """Why an input was refused: a catalog key and the fields that fill it in."""

    key: str
    fields: dict[str, object]


# --- numbers ---------------------------------------------------------------------------------

# Between groups of three digits: a space, a no-break space, a thin space, a narrow no-break
# space, or the Arabic thousands separator.
GROUP_SEPARATORS = " \u00a0\u2009\u202f\u066c"
_OUR_MARKS = {"\u2212": "-", "\u066b": "."}  # the minus sign, the Arabic decimal separator
_GROUPED = re.compile(rf"[+-]?[0-9]{{1,3}}(?:[{GROUP_SEPARATORS}][0-9]{{3}})+(?:[.,][0-9]*)?")
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:[.,]([0-9]*))?")
SHOWN_LIMIT = f"{NUMBER_LIMIT:,}".replace(",", "\u00a0")  # 1 000 000 000 000, never wrapped


def _plain_digits(text: str) -> str:
    """Her digits in any script as ASCII (٣ is 3), and her minus sign and decimal mark as ours."""
    if text.isascii():
        return text
    return "".join(
        _OUR_MARKS.get(char) or (str(unicodedata.decimal(char)) if char.isdecimal() else char)
        for char in text
    )


def read_number(text: str) -> float | Problem:
    """7, -7, +7, 7.5, 7,5 (a decimal comma, as much of the world writes it), 1 234 (thousands
    apart), in any script's digits; anything else (NaN, Infinity, 1e309, 0x1F) is not a number."""
    written = _plain_digits(text.strip())
    if _GROUPED.fullmatch(written):
        written = "".join(char for char in written if char not in GROUP_SEPARATORS)
    match = _NUMBER.fullmatch(written)
    if match is None or not (match[2] or match[3]):
        return Problem(NOT_A_NUMBER, {})
    whole, fraction = match[2].lstrip("0"), (match[3] or "").rstrip("0")
    value = Decimal(f"{match[1]}{whole or 0}.{fraction or 0}")
    if abs(value) > NUMBER_LIMIT:
        return Problem("error.number_too_big", {"max": SHOWN_LIMIT})
    if len(fraction) > NUMBER_PLACES:
        return Problem("error.number_decimals", {"places": NUMBER_PLACES})
    if len((whole + fraction).lstrip("0")) > NUMBER_DIGITS:
        return Problem("error.number_too_long", {"digits": NUMBER_DIGITS})
    return float(value)


# --- days and times ------------------------------------------------------------------------

_DAY_FIRST = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})(?:[./-]([0-9]{4}))?")


def shown_day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def read_day(text: str, today: date, year: int | None = None) -> date | Problem:
    """A day written 24/11/2026, 24/11 (in `year`, else this year) or 2026-11-24, from the year
    120 years back to a year ahead of `today`; else why not."""
    day = _day(_plain_digits(text.strip()), today.year if year is None else year)
    if day is None:
        return Problem(NOT_A_DAY, {"example": shown_day(today)})
    return outside_window(day, today) or day


def outside_window(day: date, today: date) -> Problem | None:
    """Why `day` is beyond what anyone may mean: more than a year ahead, or before the year 120
    years back. Days that come on a button are held to it like typed ones."""
    last = today + AHEAD
    if day > last:
        return Problem(DAY_FAR_AHEAD, {"last": shown_day(last)})
    if day.year < today.year - YEARS_BACK:
        return Problem(DAY_LONG_AGO, {"years": YEARS_BACK})
    return None


def _day(text: str, year: int) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _DAY_FIRST.fullmatch(text)
    if not match:
        return None
    day, month, given_year = match.groups()
    try:
        return date(int(given_year) if given_year else year, int(month), int(day))
    except ValueError:
        return None


def too_far_ahead(when: datetime, now: datetime) -> bool:
    """A time further ahead than anything may be planned (a bulletin, a "send later")."""
    return when - now > AHEAD


# --- texts -----------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # but tab and newline
_TAGS = ("\U000e0000", "\U000e007f")  # format characters that end a flag emoji: they stay


def _invisible(char: str) -> bool:
    return char.isspace() or (unicodedata.category(char) == "Cf" and not _TAGS[0] <= char <= _TAGS[1])


def clean_text(raw: str) -> str:
    """Her words without control characters or lone surrogates, and without whitespace or
    invisible format characters (zero-width, direction marks) at either end."""
    kept = _CONTROL.sub("", raw)
    start, end = 0, len(kept)
    while start < end and _invisible(kept[start]):
        start += 1
    while end > start and _invisible(kept[end - 1]):
        end -= 1
    return kept[start:end]


def fit(text: str, limit: int) -> str:
    """`text`, or as much of it as fits in `limit` characters with "…" at the end."""
    return text if len(text) <= limit else text[: limit - len(CUT)].rstrip() + CUT
