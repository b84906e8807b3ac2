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
_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)  # Excel's day 0 (its 1900 leap-year bug lies before March 1900)
_EPOCH_DAY = _EPOCH.date()
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # no XML 1.0 document may hold these
_CACHED = 50_000  # texts remembered as XML (a team, a flow, a name repeat on every row)


class _Cells:
    """A value as a cell's XML, by its type. Cells carry no reference (`r`, optional in the
    format): each row is whole, an empty cell is `<c/>`, so a cell's place is its order."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.day = f'<c s="{self._style(sheet, "yyyy-mm-dd")}"><v>'
        self.moment = f'<c s="{self._style(sheet, "yyyy-mm-dd hh:mm:ss")}"><v>'
        self.texts: dict[str, str] = {}

    @staticmethod
    def _style(sheet: WriteOnlyWorksheet, number_format: str) -> int:
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        return cell.style_id

    def text(self, value: str) -> str:
        known = self.texts.get(value)
        if known is not None:
            return known
        clean = _ILLEGAL.sub("", value) if _ILLEGAL.search(value) else value
        if "&" in clean or "<" in clean or ">" in clean:
            clean = clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if clean[:1].isspace() or clean[-1:].isspace() else ""
        made = f'<c t="inlineStr"><is><t{space}>{clean}</t></is></c>'
        if len(self.texts) >= _CACHED:
            self.texts.clear()
        self.texts[value] = made
        return made

    def row(self, values: Sequence[Any]) -> str:
        return "".join([self.cell(value) for value in values])

    def cell(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return self.text(value)
        if value is None:
            return "<c/>"
        if kind is int or kind is float:
            return f"<c><v>{value!r}</v></c>"
        if kind is bool:
            return '<c t="b"><v>1</v></c>' if value else '<c t="b"><v>0</v></c>'
        if kind is datetime:
            delta = (value if value.tzinfo is not None else value.replace(tzinfo=UTC)) - _EPOCH
            return f"{self.moment}{delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400!r}</v></c>"
        if kind is date:
            return f"{self.day}{(value - _EPOCH_DAY).days}</v></c>"
        return self.text(str(value))


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
        self.cells: _Cells | None = None

    def sheet(self, name: str, columns: Sequence[Column]) -> _Sheet:
        return _Sheet(self, name, columns)

    def open(self, title: str, columns: Sequence[Column]) -> Generator[None, str]:
        """A new sheet with its header: its stream of rows."""
        sheet = self.book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for number, col in enumerate(columns, 1):
            sheet.column_dimensions[get_column_letter(number)].width = col.width
        if self.cells is None:
            self.cells = _Cells(sheet)
        rows = _stream(sheet)
        next(rows)
        sheet._rows = rows  # closed by openpyxl's `close` when the book is saved
        rows.send(f'<row r="1">{self.cells.row([c.name for c in columns])}</row>')
        return rows

    def close(self) -> None:
        self.book.save(self.path)


class _Sheet:
    """One kind's sheet, and the sheets it goes on in."""

    def __init__(self, book: Xlsx, name: str, columns: Sequence[Column]) -> None:
        self.book, self.name, self.columns = book, name, columns
        self.parts = 1
        self.rows = book.open(name, columns)
        self.row = 1  # the last row written

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """A page of rows, each its values in the columns' order."""
        row = self.book.cells.row  # type: ignore[union-attr]
        start = 0
        while start < len(rows):
            if self.row >= self.book.max_rows:
                self.parts += 1
                self.rows = self.book.open(f"{self.name} ({self.parts})", self.columns)
                self.row = 1
            part = rows[start : start + self.book.max_rows - self.row]
            first = self.row + 1
            self.rows.send(
                "".join([f'<row r="{n}">{row(values)}</row>' for n, values in enumerate(part, first)])
            )
            self.row += len(part)
            start += len(part)
