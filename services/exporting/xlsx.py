"""An export as an XLSX workbook: openpyxl in write-only mode makes the workbook (its sheets,
a frozen header row, the column widths, the date styles, the zip), and each sheet's rows are
streamed into openpyxl's own sheet stream as XML written here. openpyxl's cell objects cost
about 18 µs a cell (measured; lxml is not installed), a program's year is millions of cells;
this is one string each.

Every text is an inline string, never a formula: a name or an answer starting with `=`, `+`, `-`
or `@` stays text, as the cell's type says (openpyxl reads it back as data type "s"). Numbers
are numbers, booleans booleans, dates and moments Excel's serial numbers with a date format
(moments in UTC). A sheet that would pass `max_rows` (XLSX's 1,048,576, the header included)
goes on in "name (2)", under the same header."""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.exporting.columns import Column

MAX_ROWS = 1_048_576
_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug lies before 1 March 1900)
_EPOCH_DAY = _EPOCH.date()
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # no XML 1.0 document may hold these
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _text(ref: str, value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    value = value.translate(_ESCAPES)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


class _Styles:
    """The style ids of a date and of a moment, registered with the workbook once."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.day = self._style(sheet, "yyyy-mm-dd")
        self.moment = self._style(sheet, "yyyy-mm-dd hh:mm:ss")

    @staticmethod
    def _style(sheet: WriteOnlyWorksheet, number_format: str) -> int:
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        return cell.style_id

    def cell(self, ref: str, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return _text(ref, value)
        if kind is int or kind is float:
            return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'
        if kind is bool:
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if kind is datetime:
            moment = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
            delta = moment - _EPOCH
            serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
            return f'<c r="{ref}" s="{self.moment}" t="n"><v>{serial!r}</v></c>'
        if kind is date:
            return f'<c r="{ref}" s="{self.day}" t="n"><v>{(value - _EPOCH_DAY).days}</v></c>'
        return "" if value is None else _text(ref, str(value))


def _stream(sheet: Any) -> Generator[None, str]:
    """What openpyxl's write-only sheet does with rows (`_write_rows`), for rows already XML
    (its private parts, untyped: openpyxl 3.1 is pinned in the locks)."""
    sheet._get_writer()
    xf = sheet._writer.xf.send(True)
    with xf.element("sheetData"):
        write = xf._file
        try:
            while True:
                write((yield))
        except GeneratorExit:
            pass
    sheet._writer.xf.send(None)


class Xlsx:
    def __init__(self, path: Path, max_rows: int = MAX_ROWS) -> None:
        self.path = path
        self.max_rows = max_rows
        self.book = Workbook(write_only=True)
        self.styles: _Styles | None = None

    def sheet(self, name: str, columns: Sequence[Column]) -> _Sheet:
        return _Sheet(self, name, columns)

    def open(self, title: str, columns: Sequence[Column]) -> Generator[None, str]:
        """A new sheet with its header: its stream of rows."""
        sheet = self.book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for number, col in enumerate(columns, 1):
            sheet.column_dimensions[get_column_letter(number)].width = col.width
        if self.styles is None:
            self.styles = _Styles(sheet)
        rows = _stream(sheet)
        next(rows)
        sheet._rows = rows  # closed by openpyxl's `close` when the book is saved
        letters = [get_column_letter(number) for number in range(1, len(columns) + 1)]
        rows.send(
            '<row r="1">'
            + "".join(_text(f"{x}1", c.name) for x, c in zip(letters, columns, strict=True))
            + "</row>"
        )
        return rows

    def close(self) -> None:
        self.book.save(self.path)


class _Sheet:
    """One kind's sheet, and the sheets it goes on in."""

    def __init__(self, book: Xlsx, name: str, columns: Sequence[Column]) -> None:
        self.book, self.name, self.columns = book, name, columns
        self.letters = [get_column_letter(number) for number in range(1, len(columns) + 1)]
        self.parts = 1
        self.rows = book.open(name, columns)
        self.row = 1  # the last row written

    def append(self, values: Sequence[Any]) -> None:
        if self.row >= self.book.max_rows:
            self.parts += 1
            self.rows = self.book.open(f"{self.name} ({self.parts})", self.columns)
            self.row = 1
        self.row += 1
        number = str(self.row)
        cell = self.book.styles.cell  # type: ignore[union-attr]
        cells = "".join(
            cell(letter + number, value) for letter, value in zip(self.letters, values, strict=True)
        )
        self.rows.send(f'<row r="{number}">{cells}</row>')
