"""Telling an allowed update from a refused one, from the outside: what every table holds before
and after, and the replies the update queued.

- refused: nothing stored changed (but the processed update, `people.unreachable`, cleared by
  any update, the hush a refusal in a group leaves, and the update's own outbox rows), and it was answered with a refusal: in the
  private chat a message to her; in a group the notice over the button, a word to her privately
  or a line in the group. A reply may carry more than the refusal (the question of the flow
  she is in comes again). A group update nothing answers and nothing changes counts as ignored,
  which is a refusal too; a private one always gets an answer.
- allowed: something stored changed, or she got an answer that is not a refusal."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from store.models import Base
from tests.services.harness import CONTENT

REFUSALS = (
    "chat.not_allowed",
    "button.expired",
    "invite.none",
    "invite.unknown",  # a forged invite code
    "people.deactivated",
    "onboarding.choose_language",  # before her language: the question, again
    "circle.only_facilitator",
    "circle.only_facilitators",
    "circle.not_a_circle",
    "circle.already",  # /circle from another facilitator: "already the circle X, nothing changed"
    "circle.not_open",  # Join naming another group's circle
    "circle.join_to_vote",
    "circle.join_to_be_here",
)

# A row's own answer that reads like a refusal: /language asks her language, and so does /start
# before she has chosen one (joining goes on where she left it).
OWN_ANSWERS: dict[str, tuple[str, ...]] = {
    "command:start@private": ("onboarding.choose_language",),
    "command:language@private": ("onboarding.choose_language",),
}

SKIPPED_TABLES = ("processed_updates", "hushes")  # bookkeeping of the update and of its refusal
SKIPPED_COLUMNS = {("people", "unreachable")}


def _pattern(key: str) -> re.Pattern[str]:
    """The catalog's English text, its {fields} matching anything."""
    parts = re.split(r"\{[a-z_]+\}", CONTENT.catalog.say("en", key))
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


PATTERNS = {key: _pattern(key) for key in REFUSALS}


def refusal(text: str, own: tuple[str, ...] = ()) -> str | None:
    """The refusal this text is, if it is one."""
    return next(
        (key for key, pattern in PATTERNS.items() if key not in own and pattern.fullmatch(text)), None
    )


Digest = dict[str, list[str]]


def digest(path: Path, outbox_upto: int) -> Digest:
    """Every table's rows, sorted, as text; of the outbox only the rows up to `outbox_upto`."""
    found: Digest = {}
    with sqlite3.connect(path) as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [c.name for c in table.columns if (table.name, c.name) not in SKIPPED_COLUMNS]
            query = f"SELECT {', '.join(columns)} FROM {table.name}"
            if table.name == "outbox":
                query += f" WHERE id <= {outbox_upto}"
            found[table.name] = sorted(repr(row) for row in connection.execute(query))
    connection.close()
    return found


def last_outbox_id(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        (last,) = connection.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()
    connection.close()
    return int(last)


@dataclass(frozen=True)
class Reply:
    chat_id: int
    method: str
    text: str


def replies(path: Path, after: int) -> list[Reply]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT chat_id, payload FROM outbox WHERE id > ? ORDER BY id", (after,)
        ).fetchall()
    connection.close()
    found = []
    for chat_id, payload in rows:
        data = json.loads(payload)
        params = data["params"]
        found.append(Reply(chat_id, data["method"], params.get("text") or params.get("caption") or ""))
    return found


@dataclass(frozen=True)
class Outcome:
    changed: list[str]  # the tables whose rows changed
    replies: list[Reply]
    refusals: list[str]  # the refusal keys among the replies
    others: list[str]  # the replies that are not refusals

    def verdict(self, group: bool) -> str:
        if not self.changed and self.refusals:
            return "refused"
        if self.changed or self.others:
            return "allowed"
        return "refused" if group else "silent"  # a group update ignored; never in private

    def __str__(self) -> str:
        said = "; ".join(f"{r.chat_id} {r.method}: {r.text[:80]!r}" for r in self.replies)
        return f"changed {self.changed or 'nothing'}; refusals {self.refusals}; said: {said or 'nothing'}"


def outcome(before: Digest, after: Digest, said: list[Reply], row: str) -> Outcome:
    own = OWN_ANSWERS.get(row, ())
    changed = [table for table in before if before[table] != after[table]]
    keys = [refusal(reply.text, own) for reply in said if reply.method != "setMyCommands"]
    others = [
        reply.text for reply in said if reply.method == "setMyCommands" or refusal(reply.text, own) is None
    ]
    return Outcome(changed, said, [key for key in keys if key is not None], others)
