import pytest

from store.urls import sqlite_path, to_async_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/circlebot.db", "sqlite+aiosqlite:///data/circlebot.db"),
        ("sqlite:////var/lib/c.db", "sqlite+aiosqlite:////var/lib/c.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_accepted_forms_map_to_the_async_drivers(given, expected):
    assert to_async_url(given) == expected


@pytest.mark.parametrize(
    "given", ["mysql://u:secret@h/db", "postgresql+psycopg2://u:secret@h/db", "nonsense", ""]
)
def test_other_forms_are_refused_without_showing_a_password(given):
    with pytest.raises(ValueError) as caught:
        to_async_url(given)
    assert "secret" not in str(caught.value)
    assert "sqlite:///" in str(caught.value)


def test_sqlite_path():
    assert str(sqlite_path("sqlite:///data/c.db")) == "data/c.db"
    assert sqlite_path("postgres://h/db") is None
