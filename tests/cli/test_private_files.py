"""Files only the bot's user can read, exports a spreadsheet cannot run (issue 20): the SQLite
database's folder is 0700 and its files 0600 whichever command makes them, an existing folder
keeps its rights and is named once in the log, `export --out` writes a 0600 file, and every
text cell of the PDSA export that a spreadsheet would run as a formula starts with a quote."""

import csv
import io
import logging
import os
import stat
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot
from store import run_lock
from store.database import Database
from store.statuses import ProjectStatus

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default (022), under which a file is made readable by all unless asked."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_folder_is_the_owners_alone_from_the_first_command_to_the_running_bot(cli_env, tmp_path):
    folder = tmp_path / "srv" / "circlebot"
    database = folder / "circlebot.db"
    url = f"sqlite:///{database}"
    cli_env.setenv("DATABASE_URL", url)
    assert bot.main(["db", "upgrade"]) == 0
    assert [mode(f) for f in (tmp_path / "srv", folder)] == [0o700, 0o700]
    assert mode(database) == 0o600

    release = run_lock.hold(url)  # what `run` takes first
    try:
        assert mode(database.with_name("circlebot.db.run-lock")) == 0o600
    finally:
        release()

    async def write_something(db: Database) -> dict[str, int]:
        async with db.unit_of_work() as uow:
            await uow.people.add(501, "Ana", NOW)
            await uow.commit()
            return {p.name: mode(p) for p in folder.iterdir()}  # the write-ahead log is open now

    assert bot.with_store(write_something) == {
        "circlebot.db": 0o600,
        "circlebot.db-wal": 0o600,
        "circlebot.db-shm": 0o600,
        "circlebot.db.run-lock": 0o600,
    }


def test_a_folder_that_was_there_keeps_its_rights_and_the_log_names_it_once(cli_env, tmp_path, caplog):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    cli_env.setenv("DATABASE_URL", f"sqlite:///{shared / 'circlebot.db'}")
    with caplog.at_level(logging.WARNING):
        assert bot.main(["db", "upgrade"]) == 0
        assert bot.main(["people", "list"]) == 0
    named = [r.getMessage() for r in caplog.records if str(shared) in r.getMessage()]
    assert named == [
        f"the database's folder {shared.resolve()} is open to others (mode 755): chmod 700 it, or give the "
        "database a folder of its own"
    ]
    assert mode(shared) == 0o755 and mode(shared / "circlebot.db") == 0o600


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a file's rights, whatever the engine
def test_an_export_written_to_a_file_is_the_owners_alone(circlebot, tmp_path):
    assert (
        circlebot("export", "--only", "pdsa", "--format", "csv", "--out", str(tmp_path / "pdsa.zip")).code
        == 0
    )
    assert mode(tmp_path / "pdsa.zip") == 0o600


def test_export_pdsa_neutralises_every_formula_and_keeps_numbers_numbers(circlebot, store, tmp_path):
    """Each text a person or an author wrote, starting with each character a spreadsheet reads
    as a formula, comes out quoted; values, negative ones too, come out as numbers."""

    async def projects(db):
        async with db.unit_of_work() as uow:
            for number, start in enumerate(FORMULA_STARTS, 1):
                person = await uow.people.add(500 + number, f"{start}Name", NOW)
                project = await uow.projects.add(
                    person.id, NOW, measure=f"{start}measure", unit=f"{start}u", aim=f"{start}aim"
                )
                project.status = ProjectStatus.ACTIVE
                cycle = await uow.projects.add_cycle(project, NOW, {})
                cycle.plan = {"change": f"{start}cmd|' /C calc'!A0", "days": -3}
                for value in (-number, -number - 0.25):
                    await uow.projects.add_point(
                        project_id=project.id,
                        person_id=person.id,
                        day=NOW.date(),
                        period=f"p{value}",
                        value=value,
                        logged_at=NOW,
                    )
                await uow.projects.add_note(
                    project_id=project.id,
                    cycle_id=cycle.id,
                    author_id=person.id,
                    kind="note",
                    text=f'{start}HYPERLINK("http://example.org","x")',
                    created_at=NOW,
                )
            await uow.commit()

    store(projects)
    result = circlebot("export", "--only", "pdsa", "--format", "csv", "--out", str(tmp_path / "pdsa.zip"))
    assert result.code == 0
    text = zipfile.ZipFile(tmp_path / "pdsa.zip").read("pdsa.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for number, start in enumerate(FORMULA_STARTS, 1):
        mine = [r for r in rows if r["owner"] == f"'{start}Name"]
        assert {(r["measure"], r["unit"], r["aim"]) for r in mine} == {
            (f"'{start}measure", f"'{start}u", f"'{start}aim")
        }
        (cycle,) = [r for r in mine if r["record"] == "cycle"]
        assert (cycle["change"], cycle["days"]) == (f"'{start}cmd|' /C calc'!A0", "-3")
        points = [r for r in mine if r["record"] == "point"]
        assert sorted((r["value"], r["logged_by"]) for r in points) == [
            (f"-{number}", f"'{start}Name"),
            (f"-{number}.25", f"'{start}Name"),
        ]
        (note,) = [r for r in mine if r["record"] == "note"]
        assert note["text"] == f'\'{start}HYPERLINK("http://example.org","x")'
