"""Which of a flow's alerts a finished run raises: pure, so that the rule "two low weeks in a
row" is tested on answers alone, with no store or clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flows.spec import Alert, Flow


def raised(flow: Flow, runs: Sequence[Mapping[str, Any]]) -> list[Alert]:
    """`runs` are her completed runs' answers, oldest first, ending with the one just finished."""
    return [
        alert
        for alert in flow.alerts
        if len(runs) >= alert.in_a_row
        and all(alert.condition.holds(answers) for answers in runs[-alert.in_a_row :])
    ]
