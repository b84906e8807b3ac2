"""Where a person's data lives (issue 23): every table, the columns that name her, her words in
its rows, the kind of her export a row belongs to, and what erasure does to it. The one place
that knows: `/mydata` (services.privacy.holdings) reads by it, `/forget` (services.privacy.erasure
through store.repositories.personal) erases by it, and a test walks the metadata so that a new
column naming a person cannot be left out of it (tests/store/test_personal_map.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of her export (`/mydata`), one file each."""

    PROFILE = "profile"  # her name, username, language
    SETTINGS = "settings"
    CONSENT = "consent"
    ROLES = "roles"
    TEAM = "team"
    ANSWERS = "answers"
    RUNS = "runs"
    CHECKINS = "checkins"  # the scheduled check-ins offered to her, and what became of them
    PROMPTS = "prompts"  # questions waiting in her queue
    SHARES = "shares"
    REPLIES = "replies"  # messages the bot queued to her (replies, shares reaching her, ...)
    PROJECTS = "projects"
    POINTS = "points"
    NOTES = "notes"
    CIRCLES = "circles"  # the learning circles she joined
    CIRCLE_CONTRIBUTIONS = "circle_contributions"
    VOTES = "votes"
    RSVPS = "rsvps"
    RATINGS = "ratings"
    INVITES = "invites"  # invites she made
    BULLETINS = "bulletins"  # bulletins she wrote
    DISCLOSURES = "disclosures"  # the disclosure log about her: what of hers went to whom, when
    OBSERVATIONS = "observations"  # observations of her practice, and those she made


class Erasure(StrEnum):
    """What erasure does to the rows a column names her in."""

    DELETE = "delete"  # the rows go
    UNLINK = "unlink"  # the rows stay for others: the column becomes NULL, `texts` are blanked
    KEEP = "keep"  # the rows stay, naming the emptied people row (counts stay); `texts` blanked
    OWN = "own"  # a rule of its own, in store.repositories.personal (said in `why`)


class By(StrEnum):
    """What a column holds of her."""

    PERSON = "person"  # her people.id
    TELEGRAM = "telegram"  # her Telegram id (her private chat's id)
    JSON = "json"  # her people.id inside a JSON value


@dataclass(frozen=True)
class Holding:
    table: str
    column: str  # the column that names her
    erasure: Erasure
    kinds: tuple[Kind, ...] = ()  # where her export shows these rows (none: not hers to take)
    texts: tuple[str, ...] = ()  # her words or values in those rows
    by: By = By.PERSON
    why: str = ""


D, U, K, OWN = Erasure.DELETE, Erasure.UNLINK, Erasure.KEEP, Erasure.OWN

# In the order erasure walks it: the rules of their own first (a private project's points go
# with it before the points left in team projects are unlinked), the people row last.
HOLDINGS: tuple[Holding, ...] = (
    Holding(
        "pdsa_projects",
        "owner_id",
        OWN,
        (Kind.PROJECTS,),
        ("aim", "change_ideas", "paused"),
        why="her private projects go with their cycles, points, notes and charts; a team project "
        "she owns stays for the team's points, its measure kept, her aim, ideas and cycles blanked",
    ),
    Holding(
        "pdsa_cycles",
        "project_id",
        OWN,
        (Kind.PROJECTS,),
        ("plan", "study", "act", "prefill", "paused"),
        why="her projects' cycles: with the project, or blanked in a team project she owns",
    ),
    Holding(
        "circle_sessions",
        "votes",
        OWN,
        (Kind.VOTES,),
        by=By.JSON,
        why='votes keyed "segment:person": hers are taken out',
    ),
    Holding(
        "outbox",
        "person_id",
        OWN,
        (Kind.REPLIES,),
        ("payload",),
        why="rows to her: payload emptied, unsent ones withheld",
    ),
    Holding("outbox", "chat_id", OWN, (), ("payload",), By.TELEGRAM, "rows to her private chat: as above"),
    Holding(
        "outbox",
        "about_people",
        OWN,
        (),
        ("payload",),
        By.JSON,
        "rows about her alone: as above; about others too (a summary): her name and username "
        "taken out of the words, the counts stay",
    ),
    Holding("hushes", "key", OWN, (), by=By.TELEGRAM, why="a refusal's hush keyed by her Telegram id goes"),
    Holding("invites", "for_telegram_id", D, by=By.TELEGRAM, why="an invite bound to her goes"),
    Holding("invites", "created_by", U, (Kind.INVITES,), why="invites she made stay for those they name"),
    Holding("flow_runs", "person_id", D, (Kind.RUNS,), ("state",), why="her runs and their states"),
    Holding("answers", "person_id", D, (Kind.ANSWERS,), ("value", "tags")),
    Holding("shares", "person_id", D, (Kind.SHARES,)),
    Holding("shares", "supervisor_id", U, why="shares delivered to her as supervisor stay their authors'"),
    Holding("occurrences", "person_id", D, (Kind.CHECKINS,)),
    Holding("waiting_prompts", "person_id", D, (Kind.PROMPTS,), ("prompt", "text")),
    Holding("pdsa_points", "person_id", U, (Kind.POINTS,), why="in a team project: 'a former member'"),
    Holding("pdsa_notes", "author_id", D, (Kind.NOTES,), ("text",)),
    Holding("pdsa_charts", "person_id", D),
    Holding("data_exports", "person_id", D),  # her /mydata requests
    Holding("circle_members", "person_id", D, (Kind.CIRCLES,)),
    Holding(
        "circle_contributions",
        "person_id",
        D,
        (Kind.CIRCLE_CONTRIBUTIONS,),
        ("text", "file_id", "outcome"),
    ),
    Holding(
        "circle_seats",
        "person_id",
        K,
        (Kind.RSVPS, Kind.RATINGS),
        ("comment",),
        why="a session's counts (who came, ratings) stay, naming no one",
    ),
    Holding("circles", "facilitator_id", U, why="the circle stays; it needs a new facilitator"),
    Holding("teams", "supervisor_id", U, (Kind.TEAM,), why="the team stays, with no supervisor"),
    Holding("bulletins", "author_id", U, (Kind.BULLETINS,), why="a message to many, in their chats"),
    Holding(
        "observations",
        "person_id",
        OWN,
        (Kind.OBSERVATIONS,),
        ("notes", "strengths", "growth", "next_step", "reply", "follow_up", "paused"),
        why="observations of her practice go, and with them the observer's run still answering one "
        "(its answers are about her); `run_id` and `reflection_run_id` name runs, not people",
    ),
    Holding(
        "observations",
        "observer_id",
        U,
        (Kind.OBSERVATIONS,),
        why="observations she sent stay for the person observed: her words in them (strengths, "
        "growth, next step, notes) are feedback given to that person, who owns them; one she had "
        "not sent goes (no one can finish it)",
    ),
    Holding("person_roles", "person_id", D, (Kind.ROLES,)),
    Holding(
        "disclosure_log",
        "about_id",
        K,
        (Kind.DISCLOSURES,),
        why="the record of what of hers went where stays its 24 months (content/retention.yaml): "
        "ids and kinds only, naming no one once her people row is emptied",
    ),
    Holding("disclosure_log", "recipient_id", K, why="what reached her about others stays theirs"),
    Holding(
        "people",
        "id",
        OWN,
        (Kind.PROFILE, Kind.SETTINGS, Kind.CONSENT, Kind.TEAM),
        ("name", "username", "telegram_id", "awaiting", "pseudonym"),
        why="the row keeps its id (counts in past summaries stay numbers); every personal column is "
        "blanked, her Telegram id replaced by one that is not hers, and she is marked erased",
    ),
)

# Tables that name no one: why each is not in HOLDINGS.
IMPERSONAL: dict[str, str] = {
    "photos": "pictures by id (a chart's bytes go once Telegram has them)",
    "schedule_marks": "how far each schedule was looked at",
    "bot_settings": "the bot's own settings",
    "processed_updates": "update ids",
    "clock_failures": "an item's kind, id and the error's type",
    "kept_records": "numbers kept past their limit under a pseudonym; people.pseudonym is the key, "
    "blanked when she is erased",
    "notices": "admins' notices by circle or run (a run of hers goes, and its notice with it)",
}

# Column names that name a person wherever they appear (the map's test looks for them too).
NAMING = frozenset(
    {
        "person_id",
        "author_id",
        "owner_id",
        "supervisor_id",
        "facilitator_id",
        "created_by",
        "for_telegram_id",
        "telegram_id",
        "about_people",
        "about_id",
        "recipient_id",
        "observer_id",
    }
)


def holdings(table: str) -> tuple[Holding, ...]:
    return tuple(holding for holding in HOLDINGS if holding.table == table)
