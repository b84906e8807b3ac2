"""A dataclass's fields with their types, read once: button kinds and prompt kinds are checked
field by field on every press and every stored prompt, and their annotations are strings that
would otherwise be evaluated (compiled) each time."""

from __future__ import annotations

import typing
from dataclasses import fields
from typing import Any

_FOUND: dict[type, tuple[tuple[str, object], ...]] = {}


def typed_fields(cls: type[Any]) -> tuple[tuple[str, object], ...]:
    found = _FOUND.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FOUND[cls] = tuple((field.name, hints[field.name]) for field in fields(cls))
    return found
