"""Every command of the command line, against a real database and the Bot API fake."""

import csv
import io
import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from content import BUNDLED_CONTENT
from flows.transcript import replay
from flows.validate import load_content

LINK = re.compile(r"^https://t\.me/circle_test_bot\?start=([A-Za-z0-9_-]{1,32})$")
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def code_of(output: str) -> str:
    match = LINK.match(one_line(output))
    assert match is not None, output
    return match.group(1)


def invites_in(store):
    async def work(db):
        async with db.unit_of_work() as uow:
            return await uow.invites.all(NOW, include_inactive=True)

    return store(work)


def add_person(store, name: str, telegram_id: int, roles=("home_visitor",), team: str | None = None) -> int:
    async def work(db):
        async with db.unit_of_work() as uow:
            team_id = None
            if team:
                found, _ = await uow.teams.get_or_create(team, NOW)
                team_id = found.id
            person = await uow.people.add(telegram_id, name, NOW, roles=roles, team_id=team_id, language="es")
            await uow.commit()
            return person.id

    return store(work)


def test_help_lists_every_command(circlebot):
    result = circlebot("--help")
    for command in ("run", "validate", "simulate", "invite", "people", "db"):
        assert re.search(rf"^\W*{command}\b", result.out, re.MULTILINE), command
    sub = circlebot("invite", "--help")
    assert all(word in sub.out for word in ("create", "list", "revoke"))
    sub = circlebot("people", "--help")
    assert all(word in sub.out for word in ("list", "deactivate", "move", "add-role"))


def test_failures_lists_what_the_clock_set_aside_newest_first(circlebot, store):
    assert "Nothing has failed." in circlebot("failures").out

    async def record(db):
        async with db.unit_of_work() as uow:
            await uow.failures.add("chart", "7", "ValueError at services/pdsa/charts.py:88 in run_chart", NOW)
            await uow.failures.add(
                "reminder", "9", "KeyError at services/schedules/timekeeper.py:1 in x", NOW
            )
            await uow.commit()

    store(record)
    lines = [line for line in circlebot("failures").out.splitlines() if "2026-" in line]
    assert ["reminder" in lines[0], "chart" in lines[1], "charts.py:88" in lines[1]] == [True] * 3


def test_a_bare_command_shows_its_help_once(circlebot):
    result = circlebot()
    assert result.code == 0 and result.out.count("Usage:") == 1 and result.err == ""
    typo = circlebot("people", "mvoe", "1")
    assert typo.code == 2 and "Did you mean 'move'?" in one_line(typo.err)


def test_invite_create_prints_a_deep_link_and_remembers_the_bot(circlebot, fake_api, store):
    first = circlebot("invite", "create", "--role", "home_visitor", "--team", "North", "--uses", "5")
    assert first.code == 0, first.err
    code = code_of(first.out)
    second = circlebot("invite", "create", "--role", "facilitator", "--expires", "48h")
    assert code_of(second.out) != code
    assert len(fake_api.called("getMe")) == 1, "the username is remembered after the first call"
    saved = {invite.code: invite for invite in invites_in(store)}
    assert saved[code].max_uses == 5 and saved[code].role == "home_visitor"
    listed = circlebot("invite", "list")
    assert code in listed.out and "North" in listed.out and "0/5" in listed.out


def test_a_supervisor_invite_is_single_use_and_one_per_team(circlebot, store):
    assert circlebot("invite", "create", "--role", "supervisor", "--team", "North").code == 0
    again = circlebot("invite", "create", "--role", "supervisor", "--team", "North")
    assert again.code == 2 and "already has a supervisor invite waiting" in one_line(again.err)
    several = circlebot("invite", "create", "--role", "supervisor", "--team", "South", "--uses", "2")
    assert several.code == 2 and "single-use" in one_line(several.err)
    teamless = circlebot("invite", "create", "--role", "supervisor")
    assert teamless.code == 2 and "needs --team" in one_line(teamless.err)
    assert len(invites_in(store)) == 1


def test_a_team_that_already_has_a_supervisor_gets_no_supervisor_invite(circlebot, store):
    async def appoint(db):
        async with db.unit_of_work() as uow:
            team, _ = await uow.teams.get_or_create("North", NOW)
            person = await uow.people.add(1, "Marta", NOW, roles=("supervisor",), team_id=team.id)
            team.supervisor_id = person.id
            await uow.commit()

    store(appoint)
    refused = circlebot("invite", "create", "--role", "supervisor", "--team", "North")
    assert refused.code == 2 and "already has a supervisor" in one_line(refused.err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invite", "create", "--role", "wizard"), "unknown role 'wizard'"),
        (("invite", "create", "--role", "circle_member"), "joins by her circle's Join button"),
        (("invite", "create", "--role", "home_visitor", "--expires", "7 days"), "--expires"),
        (("invite", "create", "--role", "home_visitor", "--expires", "0d"), "--expires"),
        (("invite", "create", "--role", "home_visitor", "--expires", "99999999999d"), "longer than a year"),
        (("invite", "create", "--role", "home_visitor", "--expires", "53w"), "longer than a year"),
        (("invite", "create", "--role", "home_visitor", "--uses", "0"), "--uses"),
        (("invite", "create", "--role", "home_visitor", "--uses", "many"), "--uses"),
        (("invite", "create"), "--role"),
        (("people", "add-role", "1", "wizard"), "unknown role 'wizard'"),
        (("people", "deactivate", "abc"), "ID"),
    ],
)
def test_bad_arguments_get_one_line_exit_2_and_touch_no_database(circlebot, args, message, database_url):
    result = circlebot(*args)
    assert result.code == 2
    assert message in one_line(result.err)
    if database_url.startswith("sqlite"):
        assert not Path(database_url.removeprefix("sqlite:///")).exists(), "arguments are checked first"


def test_revoke(circlebot):
    code = code_of(circlebot("invite", "create", "--role", "home_visitor").out)
    assert circlebot("invite", "revoke", code).code == 0
    assert code not in circlebot("invite", "list").out
    assert "revoked" in circlebot("invite", "list", "--all").out
    again = circlebot("invite", "revoke", code)
    assert again.code == 2 and "no active invite" in one_line(again.err)


def test_people_list_move_deactivate_and_add_role(circlebot, store):
    ana = add_person(store, "Ana", 11, team="North")
    add_person(store, "Bea", 12, team="South")
    listed = circlebot("people", "list", "--team", "North")
    assert "Ana" in listed.out and "Bea" not in listed.out

    assert circlebot("people", "move", str(ana), "--team", "South").code == 0
    assert "Ana" in circlebot("people", "list", "--team", "South").out

    assert circlebot("people", "deactivate", str(ana)).code == 0
    assert "deactivated" in circlebot("people", "list").out
    assert circlebot("people", "reactivate", str(ana)).code == 0
    assert "deactivated" not in circlebot("people", "list").out

    assert circlebot("people", "add-role", str(ana), "facilitator").code == 0
    assert "facilitator, home_visitor" in circlebot("people", "list").out
    assert "Already" in circlebot("people", "add-role", str(ana), "facilitator").out


def test_people_refusals_write_nothing(circlebot, store):
    ana = add_person(store, "Ana", 11, team="North")
    moved = circlebot("people", "move", str(ana), "--team", "Nowhere")
    assert moved.code == 2 and "no team named 'Nowhere'" in one_line(moved.err)
    assert "North" in circlebot("people", "list").out
    assert "Nowhere" not in circlebot("people", "list").out
    unknown = circlebot("people", "deactivate", "999")
    assert unknown.code == 2 and "no person with id 999" in one_line(unknown.err)
    no_team = circlebot("people", "list", "--team", "Nowhere")
    assert no_team.code == 2 and "no team named" in one_line(no_team.err)


def test_db_upgrade(circlebot):
    result = circlebot("db", "upgrade")
    assert result.code == 0 and "up to date" in result.out


def test_validate_the_bundled_content(circlebot):
    result = circlebot("validate")
    flows = len(list((BUNDLED_CONTENT / "flows").glob("*.yaml")))
    transcripts = len(list((BUNDLED_CONTENT / "transcripts").glob("*.yaml")))
    assert result.code == 0
    assert (
        f"content OK: {flows} flows, {transcripts} transcripts, 4 circle sessions, 2 checklists,"
        " languages en, es;"
        " not enabled: ar" in result.out
    )


def test_preview_session_prints_a_circle_session_and_records_its_golden_script(circlebot, cli_env, tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "circles" / "scripts" / "toy_making.es.txt").unlink()
    assert circlebot("validate", str(folder)).code == 1  # a session without its golden script
    cli_env.setenv("CIRCLEBOT_CONTENT", str(folder))
    shown = circlebot("preview-session", "toy_making", "--lang", "es")
    assert shown.code == 0 and "--- privately, to each member ---" in shown.out and "unos 10 min" in shown.out
    recorded = circlebot("preview-session", "toy_making", "--lang", "es", "--record")
    assert recorded.code == 0
    assert circlebot("validate", str(folder)).code == 0
    assert (
        circlebot("preview-session", "knitting").code == 2
    )  # a usage error, as for a flow that is not there


def test_validate_a_broken_folder_prints_one_line_per_problem(circlebot, tmp_path):
    broken = tmp_path / "broken"
    (broken / "flows").mkdir(parents=True)
    (broken / "i18n").mkdir()
    for name in ("languages.yaml", "i18n/en.yaml", "i18n/es.yaml"):
        (broken / name).write_text((BUNDLED_CONTENT / name).read_text())
    (broken / "flows" / "x.yaml").write_text("id: x\ntitle: {en: X, es: X}\nfor_roles: [admin]\nsteps: []\n")
    (broken / "flows" / "y.yaml").write_text("id: y\ntitel: {en: Y, es: Y}\nfor_roles: [admin]\nsteps: []\n")
    result = circlebot("validate", str(broken))
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "flows/x.yaml:4: steps: List should have at least 1 item after validation, not 0",
        "flows/y.yaml:1: title: is required but missing",
        "flows/y.yaml:2: titel: unknown key (a typo?)",
        "flows/y.yaml:4: steps: List should have at least 1 item after validation, not 0",
    ]


def test_simulate_plays_a_flow_and_records_a_transcript_that_replays(circlebot, tmp_path):
    record = tmp_path / "session.yaml"
    lines = (
        "2\nThe baby cried when the mother left the room.\nI felt worried.\nShe looked at the door.\n3\n4\n"
    )
    result = circlebot("simulate", "rios_reflection", "--lang", "es", "--record", str(record), stdin=lines)
    assert result.code == 0
    assert "¿Cuándo fue la visita?" in result.out
    content = load_content(BUNDLED_CONTENT)
    assert replay(record, content) == []
    assert "you: '2'" in record.read_text() or 'you: "2"' in record.read_text()


def test_simulate_refuses_an_unknown_flow_role_or_language(circlebot):
    assert "no flow 'nope'" in one_line(circlebot("simulate", "nope").err)
    wrong_role = circlebot("simulate", "rios_reflection", "--role", "supervisor")
    assert wrong_role.code == 2 and "is for home_visitor" in one_line(wrong_role.err)
    assert "unknown language 'xx'" in one_line(circlebot("simulate", "rios_reflection", "--lang", "xx").err)


def test_simulate_a_partial_rtl_language(circlebot):
    result = circlebot("simulate", "rios_selfcheck", "--lang", "ar", stdin="1\n")
    assert result.code == 0
    assert "ar is not enabled" in result.out
    assert "\u200f" in result.out  # lines start right-to-left


def test_export_pdsa_writes_every_projects_cycles_and_points_as_csv(circlebot, store, tmp_path):
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)

    async def two_projects(db):
        async with db.unit_of_work() as uow:
            for number, (name, measure) in enumerate((("Ana", "Visits kept"), ("Bea", "Days tried")), 1):
                person = await uow.people.add(500 + number, name, now)
                project = await uow.projects.add(person.id, now, measure=measure, unit="%", aim="More")
                project.status = "active"
                cycle = await uow.projects.add_cycle(project, now, {})
                cycle.plan = {"change": "A reminder", "prediction": "More visits"}
                await uow.projects.add_point(
                    project_id=project.id,
                    person_id=person.id,
                    day=now.date(),
                    period="p",
                    value=number * 10,
                    logged_at=now,
                )
            draft = await uow.projects.add(person.id, now)  # set up half way: not exported
            assert draft.status == "draft"
            await uow.commit()

    store(two_projects)
    result = circlebot("export", "--only", "pdsa", "--format", "csv", "--out", str(tmp_path / "pdsa.zip"))
    assert result.code == 0
    text = zipfile.ZipFile(tmp_path / "pdsa.zip").read("pdsa.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["owner"], r["measure"], r["record"], r["value"], r["change"]) for r in rows] == [
        ("Ana", "Visits kept", "cycle", "", "A reminder"),
        ("Ana", "Visits kept", "point", "10", ""),
        ("Bea", "Days tried", "cycle", "", "A reminder"),
        ("Bea", "Days tried", "point", "20", ""),
    ]
