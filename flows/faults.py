"""Where an error of circlebot's own came from: its type and the line of our code that raised
it, never its text. The clock records a failed item with it, and `circlebot validate` reports
a check that failed with it: enough to find the fault, nothing of what it was working on."""

from __future__ import annotations

import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reason_of(error: BaseException) -> str:
    """`KeyError at flows/spec.py:300 in index`, or the type alone when no frame is ours."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if _ours(frame.filename)]
    if not frames:
        return type(error).__name__
    last = frames[-1]
    where = Path(last.filename).resolve().relative_to(ROOT)
    return f"{type(error).__name__} at {where}:{last.lineno} in {last.name}"[:255]


def _ours(filename: str) -> bool:
    path = Path(filename).resolve()
    return path.is_relative_to(ROOT) and ".venv" not in path.parts
