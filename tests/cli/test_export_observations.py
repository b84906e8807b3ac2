"""`circlebot export` of observations (issue 25): a row per observation sent, its feedback in the
order she received it and what became of it; a row per item scored, with the scores kept past
their limit marked kept; pseudonymised without a name or a word anyone wrote; by team and by the
day each was sent; as XLSX and as CSV."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import insert

from store.database import Database
from store.kept import KeptRecord
from tests.cli.test_export import every_value, rows_of

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)
NAMES = ("Ana Quispe", "Bea Mamani", "Sue Condori")
WORDS = ("Warm-greeting", "Clear-demo", "Let-her-lead", "Pause-after-asking", "It-worked", "Eye-contact")


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 10, tzinfo=UTC)


async def observed(db: Database) -> None:
    """Sue (North) observed Ana (North) on 5 and 20 November (Ana replied to the second and tried
    its next step), is observing her again (not sent: not exported), and observed Bea (South) on
    the 12th. A score kept past its limit, under a pseudonym."""
    async with db.unit_of_work() as uow:
        north, _ = await uow.teams.get_or_create("North", NOW)
        south, _ = await uow.teams.get_or_create("South", NOW)
        ana = await uow.people.add(1, NAMES[0], NOW, language="en", team_id=north.id)
        bea = await uow.people.add(2, NAMES[1], NOW, language="en", team_id=south.id)
        sue = await uow.people.add(3, NAMES[2], NOW, language="en", roles=["supervisor"], team_id=north.id)
        for whom, team, day in ((ana, north, 5), (bea, south, 12), (ana, north, 20)):
            made = await uow.observations.add(
                whom.id, sue.id, team.id, "home_visit", at(day) - timedelta(hours=2)
            )
            made.sent_at = at(day)
            made.scores = {"listens": "yes", "warm_welcome": 3 if day == 5 else 4, "follows_child": 2}
            made.notes = {"follows_child": "Eye-contact"} if day == 5 else {}
            made.strengths, made.growth = ["Warm-greeting", "Clear-demo"], "Let-her-lead"
            made.next_step, made.next_on = "Pause-after-asking", date(2026, 12, day)
        made.reply, made.replied_at = "Thanks", at(21)
        made.tried, made.follow_up = "partly", "It-worked"
        await uow.observations.add(ana.id, sue.id, north.id, "home_visit", at(22))
        await uow.session.execute(
            insert(KeptRecord),
            [
                {
                    "kind": "observation",
                    "pseudonym": "pkept0000003",
                    "team_id": north.id,
                    "source": "checklist:home_visit",
                    "item": "warm_welcome",
                    "day": date(2024, 10, 7),
                    "value": 2,
                    "kept_at": NOW,
                }
            ],
        )
        await uow.commit()


def test_observations_and_their_scores_are_sheets_with_kept_scores_marked_kept(circlebot, store, tmp_path):
    store(observed)
    assert circlebot("export", "--out", str(tmp_path / "all.xlsx")).code == 0
    book = load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames[-2:] == ["observations", "observation_scores"]
    rows = rows_of(book["observations"])
    assert [(r["person"], r["observer"], r["team"], r["date"].date()) for r in rows] == [
        ("Ana Quispe", "Sue Condori", "North", date(2026, 11, 5)),
        ("Bea Mamani", "Sue Condori", "South", date(2026, 11, 12)),
        ("Ana Quispe", "Sue Condori", "North", date(2026, 11, 20)),
    ], "the one not sent is not in it"
    last = rows[-1]
    assert (last["checklist"], last["strengths"], last["growth"], last["next_step"]) == (
        "home_visit",
        "Warm-greeting\nClear-demo",
        "Let-her-lead",
        "Pause-after-asking",
    )
    assert (last["next_on"].date(), last["replied"], last["tried"], last["follow_up"]) == (
        date(2026, 12, 20),
        True,
        "partly",
        "It-worked",
    )
    assert (rows[0]["replied"], rows[0]["tried"], rows[0]["follow_up"]) == (False, None, None)
    scores = rows_of(book["observation_scores"])
    first = [(r["section"], r["item"], r["value"], r["note"]) for r in scores if r["observation"] == 1]
    assert first == [
        ("relationship", "warm_welcome", 3, None),
        ("relationship", "listens", "yes", None),
        ("play_demo", "follows_child", 2, "Eye-contact"),
    ], "in the checklist's order, each with its section and note"
    assert {r["person"] for r in scores if not r["kept"]} == {"Ana Quispe", "Bea Mamani"}
    (kept,) = [r for r in scores if r["kept"]]
    assert (
        kept["person"],
        kept["team"],
        kept["date"].date(),
        kept["section"],
        kept["item"],
        kept["value"],
    ) == (
        "pkept0000003",
        "North",
        date(2024, 10, 7),
        "relationship",
        "warm_welcome",
        2,
    )


def test_pseudonymised_they_name_no_one_and_keep_no_words(circlebot, store, tmp_path):
    store(observed)
    assert (
        circlebot(
            "export", "--pseudonymise", "--only", "observations", "--out", str(tmp_path / "p.xlsx")
        ).code
        == 0
    )
    book = load_workbook(tmp_path / "p.xlsx")
    values = every_value(book)
    for said in (*NAMES, *WORDS):
        assert not any(said in value for value in values), said
    assert [cell.value for cell in book["observations"][1]] == [
        "observation",
        "checklist",
        "person",
        "observer",
        "team",
        "date",
        "next_on",
        "replied",
        "tried",
    ]
    assert "note" not in [cell.value for cell in book["observation_scores"][1]]
    people = {row["person"] for row in rows_of(book["observation_scores"])}
    assert len(people) == 3 and all(person.startswith("p") for person in people)


def test_a_team_and_the_days_they_were_sent_choose_them_also_in_csv(circlebot, store, tmp_path):
    store(observed)
    out = tmp_path / "north.zip"
    args = ("--team", "North", "--from", "2026-11-01", "--to", "2026-11-10", "--only", "observations")
    assert circlebot("export", *args, "--format", "csv", "--out", str(out)).code == 0
    archive = zipfile.ZipFile(out)
    assert archive.namelist() == ["observations.csv", "observation_scores.csv"]

    def read(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    assert [(r["person"], r["date"], r["replied"], r["strengths"]) for r in read("observations.csv")] == [
        ("Ana Quispe", "2026-11-05", "no", "Warm-greeting\nClear-demo")
    ]
    assert [(r["observation"], r["item"], r["value"]) for r in read("observation_scores.csv")] == [
        ("1", "warm_welcome", "3"),
        ("1", "listens", "yes"),
        ("1", "follows_child", "2"),
    ], "Bea's (South) and the 20th's are not in it, nor the score kept in 2024"
