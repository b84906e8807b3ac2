"""A day as the bot writes it, "3 Nov": the month's short name comes from the catalogue in her
language, never from the server's locale. Charts, their captions, PDSA prompts and a summary's
lines all write a day this way; it lives here, not beside the chart painters, so that what
answers a chat message never imports matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flows.i18n import Catalog


def month_names(catalog: Catalog, lang: str) -> list[str]:
    """The twelve short month names in `lang`, "Jan" … "Dec" (`circlebot validate` counts them)."""
    return catalog.say(lang, "chart.months").split("|")


def day_label(day: date, months: Sequence[str]) -> str:
    """Day then month, "3 Nov", with `months` from `month_names` (read once for many days)."""
    return f"{day.day} {months[day.month - 1]}"
