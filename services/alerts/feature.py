"""Alerts: a check-in that shows she may need support reaches her supervisor, or the program's
admins, and she is told who heard (`alerts.py`); the clock tells the admins an alert that waited
for one of them to join."""

from __future__ import annotations

from flows.content import Content
from services.alerts.alerts import ALERT, AlertClock, run_ended
from services.core.registry import Feature


def feature(content: Content) -> Feature:
    return Feature("alerts", clock=AlertClock, run_ended=run_ended, disclosures=(ALERT,))
