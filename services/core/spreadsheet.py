"""Every CSV the bot writes (issue 20): UTF-8 with a byte-order mark, so accents survive Excel,
and no cell a spreadsheet would run. People's words go into these files, and a cell starting
with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel or LibreOffice
(`=HYPERLINK(...)` sends a click away); such a text gets a leading `'` (OWASP's advice), which
the spreadsheet shows as text. Numbers are numbers, negative ones too: only text is changed,
by its first character, so a text that reads "-5" is text. A boolean is "yes" or "no"; a moment is
written in UTC to the second."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from flows.measures import shown_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a cell: a number as a person writes it (7, -2.5, never 1.2e+06), text safe,
    nothing (None) empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return shown_number(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    """A header of `columns`, then a line per row (a column a row lacks is empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: cell(value) for column, value in row.items()} for row in rows)
    return ("\ufeff" + out.getvalue()).encode()
