"""What the chat use case's tests share: a clock they move, and the chat service on it."""

import pytest

from services.core.dispatch import ChatService
from services.features import registry_for
from store.database import Database
from tests.services.harness import CONTENT, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()  # 2026-11-24 15:00 UTC, 10:00 in Lima


@pytest.fixture
def chat(db: Database, clock: Clock) -> ChatService:
    return ChatService(db, CONTENT, "America/Lima", clock, registry=registry_for(CONTENT))
