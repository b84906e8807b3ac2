"""`circlebot export` (issue 24): every kind of data, a sheet per kind, opened with openpyxl and
checked cell by cell (types, the frozen header, the widths), pseudonymised without a name,
username, Telegram id or free text, formula-looking words kept as text, filtered by team and
dates, split at a row limit, as a zip of CSVs, refused in one line, and logged as a disclosure
about everyone it carried."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from content import BUNDLED_CONTENT
from flows.run import RunStatus
from flows.validate import load_content
from services.exporting import export as exporting
from services.exporting.reading import Scope
from store.database import Database
from store.disclosure_log import EXPORT
from store.kept import KeptRecord
from store.models import (
    Answer,
    Bulletin,
    Circle,
    CircleSession,
    DataPoint,
    FlowRun,
    Note,
    OutboxMessage,
    Person,
    PersonRole,
    Project,
    Seat,
    Share,
    Team,
)
from store.statuses import CircleStatus, OutboxStatus, ProjectStatus, SessionStatus

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)
FORMULA = '=HYPERLINK("http://example.org","click")'
NAMES = ("Ana Quispe", "Bea Mamani", "Sue Condori")
USERNAMES = ("ana_hv", "bea_hv", "sue_sup")
TELEGRAM_IDS = (90011, 90022, 90033)
FREE_WORDS = (FORMULA, "Too many visits", "I saw the baby smile", "More visits kept", "Well done")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


async def fill(db: Database) -> None:
    """Two teams: Ana (North) and Bea (South) home visitors, Sue supervises North. Check-ins on
    2 and 20 November, a shared reflection, a PDSA project, a circle's session, a bulletin to
    North, and a check-in kept past its limit under a pseudonym."""
    async with db.unit_of_work() as uow:
        s = uow.session
        await s.execute(
            insert(Team),
            [{"id": 1, "name": "North", "created_at": NOW}, {"id": 2, "name": "South", "created_at": NOW}],
        )
        await s.execute(
            insert(Person),
            [
                {
                    "id": i + 1,
                    "telegram_id": TELEGRAM_IDS[i],
                    "name": NAMES[i],
                    "username": USERNAMES[i],
                    "language": "en",
                    "team_id": (1, 2, 1)[i],
                    "consented_at": at(1),
                    "created_at": at(1),
                }
                for i in range(3)
            ],
        )
        await s.execute(
            insert(PersonRole),
            [
                {"person_id": 1, "role": "home_visitor"},
                {"person_id": 2, "role": "home_visitor"},
                {"person_id": 3, "role": "supervisor"},
            ],
        )
        runs, answers = [], []
        for run_id, (person, day, flow) in enumerate(
            ((1, 2, "weekly_checkin"), (2, 20, "weekly_checkin"), (1, 10, "rios_reflection")), 1
        ):
            runs.append(
                {
                    "id": run_id,
                    "person_id": person,
                    "flow_id": flow,
                    "status": RunStatus.COMPLETED,
                    "state": {},
                    "started_at": at(day, 9),
                    "updated_at": at(day),
                    "finished_at": at(day),
                }
            )
        given = {
            1: {
                "wellbeing": 4,
                "workload": 2,
                "win": FORMULA,
                "challenge": "Too many visits",
                "support": True,
            },
            2: {"wellbeing": 5, "workload": 3, "win": "A visit", "challenge": "Rain", "support": False},
            3: {"describe": "I saw the baby smile", "share": True},
        }
        for run_id, steps in given.items():
            for step, value in steps.items():
                answers.append(
                    {
                        "run_id": run_id,
                        "person_id": runs[run_id - 1]["person_id"],
                        "flow_id": runs[run_id - 1]["flow_id"],
                        "step_id": step,
                        "value": value,
                        "tags": {},
                        "answered_at": at(2),
                    }
                )
        await s.execute(insert(FlowRun), runs)
        await s.execute(insert(Answer), answers)
        await s.execute(
            insert(Share),
            [
                {
                    "id": 1,
                    "run_id": 3,
                    "person_id": 1,
                    "team_id": 1,
                    "supervisor_id": 3,
                    "created_at": at(10),
                    "delivered_at": at(10, 11),
                }
            ],
        )
        await s.execute(
            insert(Project),
            [
                {
                    "id": 1,
                    "owner_id": 1,
                    "team_id": None,
                    "status": ProjectStatus.ACTIVE,
                    "aim": "More visits kept",
                    "measure": "Visits kept",
                    "unit": "%",
                    "change_ideas": [],
                    "created_at": at(1),
                }
            ],
        )
        await s.execute(
            insert(DataPoint),
            [
                {
                    "project_id": 1,
                    "person_id": 1,
                    "day": date(2026, 11, d),
                    "period": str(d),
                    "value": v,
                    "logged_at": at(d),
                }
                for d, v in ((3, 40.5), (4, -2))
            ],
        )
        await s.execute(
            insert(Note),
            [{"project_id": 1, "author_id": 3, "kind": "comment", "text": "Well done", "created_at": at(5)}],
        )
        await s.execute(
            insert(Circle),
            [
                {
                    "id": 1,
                    "chat_id": -100123,
                    "facilitator_id": 3,
                    "team_id": 1,
                    "status": CircleStatus.ACTIVE,
                    "name": "Circle North",
                    "created_at": at(1),
                }
            ],
        )
        await s.execute(
            insert(CircleSession),
            [
                {
                    "id": 1,
                    "circle_id": 1,
                    "number": 1,
                    "template_id": "welcome",
                    "status": SessionStatus.ENDED,
                    "starts_at": at(12),
                    "created_at": at(1),
                }
            ],
        )
        await s.execute(
            insert(Seat),
            [
                {
                    "session_id": 1,
                    "person_id": 1,
                    "rsvp": "yes",
                    "took_part": True,
                    "rating": 5,
                    "comment": "Well done",
                },
                {"session_id": 1, "person_id": 3, "rsvp": "yes", "took_part": True, "rating": 4},
            ],
        )
        await s.execute(
            insert(Bulletin),
            [
                {
                    "id": 1,
                    "author_id": 3,
                    "audience": "team:North",
                    "text": "Well done",
                    "send_at": at(15),
                    "created_at": at(15),
                }
            ],
        )
        await s.execute(
            insert(OutboxMessage),
            [
                {
                    "idempotency_key": f"b{p}",
                    "chat_id": TELEGRAM_IDS[p - 1],
                    "person_id": p,
                    "payload": {},
                    "status": status,
                    "not_before": at(15),
                    "created_at": at(15),
                    "bulletin_id": 1,
                }
                for p, status in ((1, OutboxStatus.SENT), (3, OutboxStatus.PENDING))
            ],
        )
        await s.execute(
            insert(KeptRecord),
            [
                {
                    "kind": "checkin",
                    "pseudonym": "pkept0000001",
                    "team_id": 1,
                    "source": "weekly_checkin",
                    "item": item,
                    "day": date(2024, 10, 7),
                    "value": value,
                    "kept_at": NOW,
                }
                for item, value in (("wellbeing", 3), ("workload", 4))
            ],
        )
        await s.execute(
            insert(KeptRecord),
            [
                {
                    "kind": "pdsa_point",
                    "pseudonym": "pkept0000002",
                    "team_id": 2,
                    "source": "project:9",
                    "item": "Days tried",
                    "day": date(2024, 9, 2),
                    "value": 6,
                    "kept_at": NOW,
                }
            ],
        )
        await uow.commit()


def rows_of(sheet) -> list[dict[str, Any]]:
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


def every_value(book) -> list[str]:
    return [
        str(cell.value)
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.fixture
def filled(store):
    store(fill)


def test_every_kind_is_a_typed_sheet_with_a_frozen_header_and_set_widths(circlebot, filled, tmp_path):
    result = circlebot("export", "--out", str(tmp_path / "all.xlsx"))
    assert result.code == 0, result.err
    book = load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames == [
        "people",
        "checkins",
        "reflections",
        "pdsa",
        "circles",
        "sessions",
        "seats",
        "bulletins",
        "observations",
        "observation_scores",
    ]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width > 0
    people = {row["person"]: row for row in rows_of(book["people"])}
    assert people["Ana Quispe"]["telegram_id"] == 90011 and people["Ana Quispe"]["team"] == "North"
    assert people["Ana Quispe"]["deactivated"] is False
    assert people["Sue Condori"]["roles"] == "supervisor"
    checkins = rows_of(book["checkins"])
    ana = next(row for row in checkins if row["person"] == "Ana Quispe")
    assert isinstance(ana["date"], datetime) and ana["date"].date() == date(2026, 11, 2)
    assert ana["finished"] == datetime(2026, 11, 2, 10)
    assert (ana["wellbeing"], ana["workload"], ana["support"], ana["kept"]) == (4, 2, True, False)
    kept = next(row for row in checkins if row["kept"])
    assert (kept["person"], kept["team"], kept["wellbeing"], kept["workload"]) == (
        "pkept0000001",
        "North",
        3,
        4,
    )
    assert kept["date"].date() == date(2024, 10, 7)
    reflection = rows_of(book["reflections"])
    assert {(r["person"], r["step"], r["answer"], r["supervisor"]) for r in reflection} >= {
        ("Ana Quispe", "describe", "I saw the baby smile", "Sue Condori")
    }
    pdsa = rows_of(book["pdsa"])
    points = [
        (r["date"].date(), r["value"], r["logged_by"], r["kept"]) for r in pdsa if r["record"] == "point"
    ]
    assert points == [
        (date(2026, 11, 3), 40.5, "Ana Quispe", False),
        (date(2026, 11, 4), -2, "Ana Quispe", False),
        (date(2024, 9, 2), 6, "pkept0000002", True),
    ]
    assert any(
        r["record"] == "comment" and r["logged_by"] == "Sue Condori" and r["text"] == "Well done"
        for r in pdsa
    )
    (session,) = rows_of(book["sessions"])
    assert (session["attendance"], session["rating_average"], session["template"]) == (2, 4.5, "welcome")
    assert {(r["person"], r["rating"], r["took_part"]) for r in rows_of(book["seats"])} == {
        ("Ana Quispe", 5, True),
        ("Sue Condori", 4, True),
    }
    (bulletin,) = rows_of(book["bulletins"])
    assert (bulletin["author"], bulletin["audience"], bulletin["sent"], bulletin["pending"]) == (
        "Sue Condori",
        "team:North",
        1,
        1,
    )
    assert rows_of(book["circles"])[0]["facilitator"] == "Sue Condori"


def test_a_formula_looking_answer_stays_text_in_xlsx_and_in_csv(circlebot, filled, tmp_path):
    assert circlebot("export", "--only", "checkins", "--out", str(tmp_path / "c.xlsx")).code == 0
    sheet = load_workbook(tmp_path / "c.xlsx")["checkins"]
    header = [cell.value for cell in sheet[1]]
    win = sheet.cell(row=2, column=header.index("win") + 1)
    assert (win.value, win.data_type) == (FORMULA, "s")
    assert (
        circlebot("export", "--only", "checkins", "--format", "csv", "--out", str(tmp_path / "c.zip")).code
        == 0
    )
    text = zipfile.ZipFile(tmp_path / "c.zip").read("checkins.csv").decode("utf-8-sig")
    assert [row["win"] for row in csv.DictReader(io.StringIO(text)) if row["person"] == "Ana Quispe"] == [
        "'" + FORMULA
    ]


def test_pseudonymised_names_no_one_keeps_no_free_text_and_the_same_pseudonyms(circlebot, filled, tmp_path):
    books = []
    for name in ("one.xlsx", "two.xlsx"):
        assert circlebot("export", "--pseudonymise", "--out", str(tmp_path / name)).code == 0
        books.append(load_workbook(tmp_path / name))
    values = every_value(books[0])
    for identity in (*NAMES, *USERNAMES, *(str(t) for t in TELEGRAM_IDS), *FREE_WORDS):
        assert not any(identity in value for value in values), identity
    for sheet in books[0]:
        header = [cell.value for cell in sheet[1]]
        assert not {"username", "telegram_id", "win", "challenge", "answer", "text", "comment", "aim"} & set(
            header
        )
    first, second = (rows_of(book["checkins"]) for book in books)
    assert [row["person"] for row in first] == [row["person"] for row in second]
    assert len({row["person"] for row in first}) == 3 and all(row["person"].startswith("p") for row in first)
    assert [r["person"] for r in rows_of(books[0]["seats"])] == [
        r["person"] for r in rows_of(books[1]["seats"])
    ]


def test_a_team_and_dates_choose_the_rows(circlebot, filled, tmp_path):
    out = tmp_path / "north.xlsx"
    assert (
        circlebot(
            "export", "--team", "North", "--from", "2026-11-01", "--to", "2026-11-03", "--out", str(out)
        ).code
        == 0
    )
    book = load_workbook(out)
    assert {r["person"] for r in rows_of(book["people"])} == {
        "Ana Quispe",
        "Sue Condori",
    }  # people: not by date
    assert [(r["person"], r["kept"]) for r in rows_of(book["checkins"])] == [
        ("Ana Quispe", False)
    ]  # 2 Nov only
    assert rows_of(book["reflections"]) == []  # shared on the 10th
    assert [r["date"].date() for r in rows_of(book["pdsa"]) if r["record"] == "point"] == [date(2026, 11, 3)]
    assert rows_of(book["bulletins"]) == [] and rows_of(book["sessions"]) == []
    south = tmp_path / "south.xlsx"
    assert circlebot("export", "--team", "South", "--out", str(south)).code == 0
    book = load_workbook(south)
    assert [r["person"] for r in rows_of(book["checkins"])] == ["Bea Mamani"]
    assert rows_of(book["circles"]) == [] and rows_of(book["bulletins"]) == []
    assert [(r["logged_by"], r["kept"]) for r in rows_of(book["pdsa"])] == [
        ("pkept0000002", True)
    ]  # South's, kept


def test_csv_is_a_zip_of_one_csv_a_sheet(circlebot, filled, tmp_path):
    assert (
        circlebot(
            "export",
            "--format",
            "csv",
            "--only",
            "pdsa",
            "--only",
            "people",
            "--out",
            str(tmp_path / "e.zip"),
        ).code
        == 0
    )
    archive = zipfile.ZipFile(tmp_path / "e.zip")
    assert archive.namelist() == ["people.csv", "pdsa.csv"]
    rows = list(csv.DictReader(io.StringIO(archive.read("pdsa.csv").decode("utf-8-sig"))))
    assert [
        (r["owner"], r["record"], r["date"], r["value"])
        for r in rows
        if r["record"] == "point" and r["kept"] == "no"
    ] == [
        ("Ana Quispe", "point", "2026-11-03", "40.5"),
        ("Ana Quispe", "point", "2026-11-04", "-2"),
    ]


def test_the_default_file_is_dated_here_and_the_owners_alone(circlebot, filled, tmp_path):
    assert circlebot("export", "--only", "people").code == 0
    (made,) = Path.cwd().glob("circlebot-export-*.xlsx")
    assert made.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--team", "Nowhere"), "no team called 'Nowhere'"),
        (("--from", "2026-11-05", "--to", "2026-11-01"), "--from 2026-11-05 is after --to 2026-11-01"),
        (("--format", "ods"), "--format must be xlsx or csv"),
        (("--from", "5 Nov"), "--from must be a date"),
        (("--only", "diaries"), "--only must be one of"),
    ],
)
def test_a_refusal_is_one_line_and_writes_nothing(circlebot, filled, tmp_path, args, says):
    result = circlebot("export", *args, "--out", str(tmp_path / "x.xlsx"))
    assert result.code == 2 and says in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "x.xlsx").exists()


def test_each_export_is_logged_about_everyone_it_carried(circlebot, filled, store, tmp_path):
    assert (
        circlebot("export", "--team", "South", "--pseudonymise", "--out", str(tmp_path / "s.xlsx")).code == 0
    )

    async def log(db):
        async with db.unit_of_work() as uow:
            return await uow.disclosure_log.entries()

    entries = store(log)
    assert {(e.kind, e.about_id) for e in entries} == {(EXPORT, 2)}  # Bea only: South's one member
    assert "team=South" in entries[0].detail and "pseudonymised=yes" in entries[0].detail
    assert circlebot("export", "--out", str(tmp_path / "all.xlsx")).code == 0
    assert {e.about_id for e in store(log) if e.detail.startswith("format=xlsx team=all")} == {1, 2, 3}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_sheet_past_the_row_limit_goes_on_in_another(database_url, store, tmp_path):
    store(fill)
    content = load_content(BUNDLED_CONTENT)

    async def export(db):
        scope = Scope(kinds=frozenset({"pdsa"}))
        return await exporting.export(db, content, scope, tmp_path / "p.xlsx", "xlsx", NOW, max_rows=3)

    written = store(export)
    assert written.rows == {"pdsa": 4}  # two points, a comment, a kept point
    book = load_workbook(tmp_path / "p.xlsx")
    assert book.sheetnames == ["pdsa", "pdsa (2)"]
    assert [c.value for c in book["pdsa (2)"][1]] == [c.value for c in book["pdsa"][1]]  # the header again
    assert book["pdsa"].max_row == 3 and book["pdsa (2)"].max_row == 3


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_progress_knows_each_sheets_rows_before_it_writes_them(database_url, store, tmp_path):
    store(fill)
    content = load_content(BUNDLED_CONTENT)
    said: list[tuple[str, str, int]] = []

    class Tally:
        def expect(self, sheet: str, rows: int) -> None:
            said.append(("expect", sheet, rows))

        def advance(self, sheet: str, rows: int) -> None:
            said.append(("advance", sheet, rows))

    async def export(db):
        return await exporting.export(db, content, Scope(), tmp_path / "e.xlsx", "xlsx", NOW, Tally())

    written = store(export)
    expected = {sheet: rows for what, sheet, rows in said if what == "expect"}
    assert [what for what, _, _ in said[: len(expected)]] == ["expect"] * len(expected)  # every count first
    advanced = {
        sheet: sum(rows for what, s, rows in said if what == "advance" and s == sheet) for sheet in expected
    }
    assert expected == advanced == written.rows
