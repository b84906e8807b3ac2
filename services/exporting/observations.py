"""Observations as sheets (issue 25): a row per observation sent, with its feedback in the order
she received it and what became of it; and a row per item scored, with the scores kept past their
limit (store/kept.py, kind observation) marked kept, as check-ins' are."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence
from typing import Any

from flows.content import Content
from services.exporting.columns import Row, Sheet, column, free, person
from services.exporting.reading import Reader
from services.exporting.sheets import kept_rows
from store.kept import CHECKLIST, OBSERVATION
from store.repositories import dumps


def _sent(reader: Reader) -> dumps.Query:
    return dumps.observations(reader.scope.team_id, reader.scope.window)


async def _observations(reader: Reader) -> AsyncIterator[list[Row]]:
    async for page in reader.pages(_sent(reader), 1_000):
        yield [
            {
                "observation": row["id"],
                "checklist": row["checklist_id"],
                "person": reader.who(row["person_id"]),
                "observer": reader.who(row["observer_id"]),
                "team": reader.team(row["team_id"]),
                "date": row["sent_at"].date(),
                "strengths": "\n".join(row["strengths"] or ()) or None,
                "growth": row["growth"],
                "next_step": row["next_step"],
                "next_on": row["next_on"],
                "replied": row["replied_at"] is not None,
                "tried": row["tried"],
                "follow_up": row["follow_up"],
            }
            for row in page
        ]


OBSERVATIONS = Sheet(
    "observations",
    "observations",
    (
        column("observation", 8),
        column("checklist", 16),
        person("person"),
        person("observer"),
        column("team", 16),
        column("date"),
        free("strengths", 60),
        free("growth"),
        free("next_step"),
        column("next_on"),
        column("replied", 8),
        column("tried", 8),
        free("follow_up"),
    ),
    _observations,
    lambda reader: reader.count(_sent(reader)),
)


def observation_scores(content: Content) -> Sheet:
    """The scores sheet: an item's section and its place come from its checklist (content)."""
    places = {
        checklist.id: {item.id: (n, section.id) for n, (section, item) in enumerate(checklist.items())}
        for checklist in content.checklists.values()
    }

    def place(checklist_id: str, item_id: str) -> tuple[int, str | None]:
        """Its place in its checklist and its section (an item the checklist no longer has:
        last, in none)."""
        return places.get(checklist_id, {}).get(item_id, (sys.maxsize, None))

    def in_order(checklist_id: str, scores: dict[str, Any]) -> list[tuple[str, Any]]:
        return sorted(scores.items(), key=lambda score: place(checklist_id, score[0])[0])

    async def pages(reader: Reader) -> AsyncIterator[list[Row]]:
        async for page in reader.pages(_sent(reader), 1_000):
            rows: list[Row] = []
            for row in page:
                its = row["checklist_id"]
                rows += [
                    {
                        "observation": row["id"],
                        "checklist": row["checklist_id"],
                        "person": reader.who(row["person_id"]),
                        "kept": False,
                        "team": reader.team(row["team_id"]),
                        "date": row["sent_at"].date(),
                        "section": place(its, item)[1],
                        "item": item,
                        "value": value,
                        "note": row["notes"].get(item),
                    }
                    for item, value in in_order(its, row["scores"])
                ]
            yield rows
        async for kept in kept_rows(reader, (OBSERVATION,), kept_score, together=False):
            yield kept

    def kept_score(reader: Reader, records: Sequence[Any]) -> Row:
        record = records[0]
        checklist = record["source"].removeprefix(CHECKLIST)
        return {
            "checklist": checklist,
            "person": record["pseudonym"],
            "kept": True,
            "team": reader.team(record["team_id"]),
            "date": record["day"],
            "section": place(checklist, record["item"])[1],
            "item": record["item"],
            "value": record["value"],
        }

    async def count(reader: Reader) -> int:
        scope = reader.scope
        kept = await reader.count(dumps.kept((OBSERVATION,), scope.team_id, scope.days))
        scored = 0
        async for page in reader.pages(_sent(reader), 1_000):
            scored += sum(len(row["scores"]) for row in page)
        return kept + scored

    columns = (
        column("observation", 8),
        column("checklist", 16),
        person("person"),
        column("kept", 6),
        column("team", 16),
        column("date"),
        column("section", 16),
        column("item", 18),
        column("value", 8),
        free("note"),
    )
    return Sheet("observation_scores", "observations", columns, pages, count)
