"""The map of her data (store/personal.py) covers every table and every column that names a
person: a new feature cannot forget her data (issue 23)."""

from __future__ import annotations

from sqlalchemy import Table

from store.models import Base
from store.personal import HOLDINGS, IMPERSONAL, NAMING


def _names_someone(table: Table, column: str) -> bool:
    names = {foreign.column.table.name for foreign in table.c[column].foreign_keys} == {"people"}
    return names or column in NAMING


def test_every_column_that_names_a_person_is_in_the_map() -> None:
    mapped = {(h.table, name) for h in HOLDINGS for name in (h.column, *h.texts)}
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.c
        if _names_someone(table, column.name) and (table.name, column.name) not in mapped
    ]
    assert missing == [], f"say in store/personal.py how these hold a person's data: {missing}"


def test_every_table_is_in_the_map_or_says_why_it_names_no_one() -> None:
    held = {holding.table for holding in HOLDINGS}
    assert set(Base.metadata.tables) - held - set(IMPERSONAL) == set()
    assert held & set(IMPERSONAL) == set()
    for holding in HOLDINGS:  # every column it names exists
        table = Base.metadata.tables[holding.table]
        assert {holding.column, *holding.texts} <= set(table.c.keys()), holding
