"""An export as a zip of CSVs, one a sheet, each written as every CSV the bot writes
(`services.core.spreadsheet.cell`: UTF-8 with a byte-order mark, a formula-looking text behind a
leading quote), streamed into the zip a row at a time."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from services.core.spreadsheet import cell
from services.exporting.columns import Column


class CsvZip:
    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.open: io.TextIOWrapper | None = None

    def sheet(self, name: str, columns: Sequence[Column]) -> _Sheet:
        self._finish()
        self.open = io.TextIOWrapper(self.zip.open(f"{name}.csv", "w"), encoding="utf-8-sig", newline="")
        return _Sheet(self.open, columns)

    def _finish(self) -> None:
        if self.open is not None:
            self.open.close()
            self.open = None

    def close(self) -> None:
        self._finish()
        self.zip.close()


class _Sheet:
    def __init__(self, out: io.TextIOWrapper, columns: Sequence[Column]) -> None:
        self.writer = csv.writer(out, lineterminator="\r\n")
        self.writer.writerow([c.name for c in columns])

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        self.writer.writerows([[cell(value) for value in values] for values in rows])
