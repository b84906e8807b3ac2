"""A sheet as data: its columns with their kinds, and where its rows come from. A writer knows no
sheet; a sheet knows no writer. A column's kind says what pseudonymising does to it (a person
becomes her pseudonym; free text and Telegram identities go); a cell's type comes from its
value (a date, a number, a boolean, a text), so both writers keep it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.exporting.reading import Reader

Row = Mapping[str, object]


class Kind(StrEnum):
    VALUE = "value"  # a number, a date, a boolean, an id or a word of the program's own
    PERSON = "person"  # a person's id: her name, or her pseudonym
    IDENTITY = "identity"  # her username or Telegram id: never in a pseudonymised export
    FREE = "free"  # words someone wrote: never in a pseudonymised export


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.VALUE
    width: int = 12  # characters, for the XLSX column


def column(name: str, width: int = 12) -> Column:
    return Column(name, Kind.VALUE, width)


def person(name: str) -> Column:
    return Column(name, Kind.PERSON, 20)


def free(name: str, width: int = 40) -> Column:
    return Column(name, Kind.FREE, width)


@dataclass(frozen=True)
class Sheet:
    """One kind of data (`--only` names it by `kind`) as one sheet: `pages` yields its rows a
    page at a time, each page read in its own short unit of work; `count` says how many rows
    to expect, for the progress bar."""

    name: str
    kind: str
    columns: Sequence[Column]
    pages: Callable[[Reader], AsyncIterator[list[Row]]]
    count: Callable[[Reader], Awaitable[int]]

    def kept(self, pseudonymise: bool) -> list[Column]:
        """The columns this export writes."""
        dropped = (Kind.FREE, Kind.IDENTITY) if pseudonymise else ()
        return [c for c in self.columns if c.kind not in dropped]


def day_of(value: date | datetime | None) -> date | None:
    """A row's own date, for --from and --to."""
    return value.date() if isinstance(value, datetime) else value
