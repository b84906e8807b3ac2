"""Typed button data: each kind of button is a frozen dataclass with a short prefix, encoded as
`prefix:field:field` within Telegram's 64 bytes and parsed back only when every field is what
the kind declares. A forged or stale payload parses to nothing; it never reaches a feature.

Field types: `int` (a row's id: 0 to 2³¹-1), `str` (a word: letters, digits and `_-./+`),
`Literal[...]` (one of the choices the bot offers), `date` (written YYYYMMDD)."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, TypeVar

from services.core.fields import typed_fields

CALLBACK_LIMIT = 64  # bytes, Telegram's limit on callback data
BIGGEST_ID = 2**31 - 1
_WORD = re.compile(r"[A-Za-z0-9_\-./+]{1,40}")


@dataclass(frozen=True)
class Button:
    """The data of one kind of button. Subclasses set `prefix` and declare their fields."""

    prefix: ClassVar[str]

    def encode(self) -> str:
        parts = [self.prefix, *(_write(getattr(self, name)) for name, _ in typed_fields(type(self)))]
        data = ":".join(parts)
        if len(data.encode()) > CALLBACK_LIMIT:
            raise ValueError(f"button data over {CALLBACK_LIMIT} bytes: {data!r}")
        return data


B = TypeVar("B", bound=Button)


def parse(cls: type[B], data: str) -> B | None:
    """`data` as a `cls`, or None when it is not exactly what that kind encodes."""
    prefix, _, rest = data.partition(":")
    if prefix != cls.prefix:
        return None
    declared = typed_fields(cls)
    parts = rest.split(":") if declared else []
    if len(parts) != len(declared) or (not declared and rest):
        return None
    values: dict[str, Any] = {}
    for (name, hint), text in zip(declared, parts, strict=True):
        value = _read(text, hint)
        if value is None:
            return None
        values[name] = value
    return cls(**values)


def prefix_of(data: str) -> str:
    return data.partition(":")[0]


def _write(value: object) -> str:
    if isinstance(value, date):
        return f"{value:%Y%m%d}"
    return str(value)


def _read(text: str, hint: object) -> object | None:
    if hint is int:
        return int(text) if text.isdecimal() and len(text) <= 10 and int(text) <= BIGGEST_ID else None
    if hint is str:
        return text if _WORD.fullmatch(text) else None
    if hint is date:
        if len(text) != 8 or not text.isdecimal():
            return None
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return None
    if typing.get_origin(hint) is Literal:
        return text if text in typing.get_args(hint) else None
    raise TypeError(f"a button field of type {hint!r}")
