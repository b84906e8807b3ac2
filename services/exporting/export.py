"""`circlebot export`: the chosen sheets, read page by page and written as they come, then one
entry in the disclosure log per person the file carried (kind admin_export; the detail says the
format, team, dates, whether pseudonymised and the sheets), committed once the file is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from flows.content import Content
from services.exporting.activity import BULLETINS, CIRCLES, PDSA, SEATS, SESSIONS
from services.exporting.columns import Sheet
from services.exporting.csvzip import CsvZip
from services.exporting.observations import OBSERVATIONS, observation_scores
from services.exporting.reading import Reader, Scope
from services.exporting.sheets import PEOPLE, REFLECTIONS, checkins
from store.database import Database
from store.disclosure_log import EXPORT

if TYPE_CHECKING:
    from services.exporting.xlsx import Xlsx

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
KINDS = ("people", "checkins", "reflections", "pdsa", "circles", "bulletins", "observations")  # --only


class Tally(Protocol):
    """Where an export says how far it is (a progress bar)."""

    def expect(self, sheet: str, rows: int) -> None: ...

    def advance(self, sheet: str, rows: int) -> None: ...


@dataclass(frozen=True)
class Written:
    rows: dict[str, int]  # by sheet
    people: int  # carried: each has an entry in the disclosure log


def sheets(content: Content, kinds: frozenset[str] | None = None) -> list[Sheet]:
    every = [
        PEOPLE,
        checkins(content),
        REFLECTIONS,
        PDSA,
        CIRCLES,
        SESSIONS,
        SEATS,
        BULLETINS,
        OBSERVATIONS,
        observation_scores(content),
    ]
    return [sheet for sheet in every if kinds is None or sheet.kind in kinds]


def detail(scope: Scope, form: Format, chosen: Sequence[Sheet]) -> str:
    """The export's scope in the log: no one's data, only what was asked."""
    parts = (
        f"format={form}",
        f"team={scope.team or 'all'}",
        f"from={scope.start or '-'}",
        f"to={scope.end or '-'}",
        f"pseudonymised={'yes' if scope.pseudonymise else 'no'}",
        f"sheets={','.join(sheet.name for sheet in chosen)}",
    )
    return " ".join(parts)[:300]


async def export(
    db: Database,
    content: Content,
    scope: Scope,
    path: Path,
    form: Format,
    now: datetime,
    tally: Tally | None = None,
    max_rows: int | None = None,  # a sheet's rows before it goes on in another (XLSX's own limit)
) -> Written:
    reader = await Reader.open(db, scope)
    chosen = sheets(content, scope.kinds)
    if tally is not None:
        for sheet in chosen:
            tally.expect(sheet.name, await sheet.count(reader))
    writer: Xlsx | CsvZip = CsvZip(path)
    if form == "xlsx":
        # openpyxl only when a workbook is written: loaded at import, it made the running bot 20 MB larger.
        from services.exporting.xlsx import MAX_ROWS, Xlsx

        writer = Xlsx(path, max_rows or MAX_ROWS)
    written: dict[str, int] = {}
    for sheet in chosen:
        columns = sheet.kept(scope.pseudonymise)
        names = [c.name for c in columns]
        out = writer.sheet(sheet.name, columns)
        written[sheet.name] = 0
        async for page in sheet.pages(reader):
            out.write([[row.get(name) for name in names] for row in page])
            written[sheet.name] += len(page)
            if tally is not None:
                tally.advance(sheet.name, len(page))
    writer.close()
    async with db.unit_of_work() as uow:
        await uow.disclosure_log.record(EXPORT, sorted(reader.carried), now, detail(scope, form, chosen))
        await uow.commit()
    return Written(written, len(reader.carried))
