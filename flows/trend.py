"""A person's own scale answers across her recent runs of a flow, as short lines of text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flows.i18n import Catalog
from flows.spec import Flow, ScaleAnswer


def trend_text(flow: Flow, runs: Sequence[dict[str, Any]], catalog: Catalog, lang: str) -> str:
    """One line per scale step: its label and the values, oldest run first (– where skipped)."""
    lines = [catalog.say(lang, "trend.header")]
    for step in flow.steps:
        if not isinstance(step.answer, ScaleAnswer):
            continue
        values = [run.get(step.id) for run in runs]
        shown = " · ".join("–" if value is None else str(value) for value in values)
        lines.append(f"{catalog.pick(step.label or step.ask, lang)}: {shown}")
    return catalog.lay_out(lang, "\n".join(lines))
