"""Every feature, registered: adding one is a package under services/ and one line here. The
order is the order of her menu's lines where they share a place."""

from __future__ import annotations

from flows.content import Content
from services.alerts import feature as alerts
from services.away import feature as away
from services.bulletins import feature as bulletins
from services.circles import feature as circles
from services.content_flows import feature as content_flows
from services.core.registry import Registry
from services.joining import feature as joining
from services.observations import feature as observations
from services.pdsa import feature as pdsa
from services.privacy import feature as privacy
from services.privacy import retention
from services.schedules import feature as schedules
from services.settings import feature as settings
from services.sharing import feature as sharing
from services.summaries import feature as summaries

FEATURES = (
    joining,
    content_flows,
    alerts,
    schedules,
    settings,
    away,
    bulletins,
    sharing,
    summaries,
    pdsa,
    circles,
    privacy,
    retention,
    observations,
)


def registry_for(content: Content) -> Registry:
    return Registry.of(module.feature(content) for module in FEATURES)
