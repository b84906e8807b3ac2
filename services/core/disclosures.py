"""What leaves her (DESIGN.md: she knows what is shared, with whom): every message that carries
one person's data (her name as the news, her words, her scores, her attendance) to someone else
says which kind of disclosure it is and whom it is about. Each feature declares its kinds
(`Feature.disclosures`); the joining notice has a line for every declared kind, in plain words;
the outbox row keeps the kind and the people, for the disclosure log and erasure to come.

A kind also names the catalogue keys whose words carry it: a `Speaker` that is not bound to
that kind refuses to say them (`Undisclosed`), so a new message about someone cannot be queued
without saying whose it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flows.i18n import DISCLOSURE_LINES

_KIND_OF_KEY: dict[str, Kind] = {}


@dataclass(frozen=True)
class Kind:
    """One kind of disclosure: `id` is stored on the outbox row; `notice` is the catalogue key of
    its line in the joining notice; `keys` are the catalogue keys whose words carry it;
    `team_only`: it can concern only someone in a team (a circle-only member's notice leaves it
    out)."""

    id: str
    notice: str
    keys: frozenset[str] = field(default_factory=frozenset)
    team_only: bool = False

    def __post_init__(self) -> None:
        for key in self.keys:
            taken = _KIND_OF_KEY.setdefault(key, self)
            assert taken is self, f"{key} already carries {taken.id}"


def kind(id: str, *keys: str, team_only: bool = False) -> Kind:
    """A kind whose notice line is the catalogue's `disclosure.<id>` (flows.i18n.DISCLOSURE_LINES:
    a kind without a line there is refused here)."""
    return Kind(id, DISCLOSURE_LINES.key(id), frozenset(keys), team_only)


@dataclass(frozen=True)
class About:
    """A message's disclosure: its kind, and the people whose data it carries."""

    kind: Kind
    people: tuple[int, ...]

    @classmethod
    def of(cls, disclosed: Kind, people: Iterable[int]) -> About:
        found = tuple(dict.fromkeys(people))
        if not found:
            raise Undisclosed(f"a {disclosed.id} message about no one")
        return cls(disclosed, found)


def disclosed(kind: Kind, people: Iterable[int]) -> About | None:
    """The disclosure of a message that may carry these people's data: None when it carries no
    one's (a recap with no shared commitment, a poll of fixed options)."""
    found = tuple(people)
    return About.of(kind, found) if found else None


class Undisclosed(Exception):
    """A message that carries someone's data, queued without saying whose: a bug, refused."""


def check(key: str, about: About | None) -> None:
    """Refuse the words of `key` when they carry a kind that `about` does not say."""
    carried = _KIND_OF_KEY.get(key)
    if carried is not None and (about is None or about.kind is not carried):
        raise Undisclosed(f"{key} carries {carried.id}: say whom it is about")
