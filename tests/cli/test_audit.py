"""`circlebot audit [--person ID] [--since TIME]` (issue 24): the disclosure log for the program —
each time someone's data went to someone else, was exported or erased: when, the kind, about
whom, to whom. An erasure by an admin is in it; names are shown as written, never as markup."""

from datetime import timedelta

from store.disclosure_log import EXPORT
from tests.cli.test_bulletin import NOW, join
from tests.cli.test_cli import one_line

PEOPLE = [
    (1, "Ana [bold]", "home_visitor", "North"),
    (2, "Bea", "home_visitor", "North"),
    (10, "Marta", "supervisor", "North"),
]


def logged(store) -> dict[str, int]:
    """Ana's reflection reached Marta a week ago; Bea's yesterday; an admin export of both today."""
    join(store, PEOPLE)

    async def work(db):
        async with db.unit_of_work() as uow:
            ids = {p.name.split()[0]: p.id for p in await uow.people.all()}
            for who, days in (("Ana", 7), ("Bea", 1)):
                await uow.disclosure_log.record(
                    "shared_reflection", [ids[who]], NOW - timedelta(days=days), "", recipient_id=ids["Marta"]
                )
            await uow.disclosure_log.record(EXPORT, [ids["Ana"], ids["Bea"]], NOW, "xlsx, team North")
            await uow.commit()
        return ids

    return store(work)


def test_the_log_says_when_what_about_whom_and_to_whom(circlebot, store, cli_env):
    ids = logged(store)
    cli_env.setattr("bot.now", lambda: NOW + timedelta(hours=1))
    everything = circlebot("audit")
    assert everything.code == 0
    lines = [line for line in everything.out.splitlines() if "2026-" in line]
    assert len(lines) == 4
    assert "shared_reflection" in lines[0] and f"Ana [bold] ({ids['Ana']})" in lines[0]
    assert f"Marta ({ids['Marta']})" in lines[0] and "2026-11-17" in lines[0]
    assert "admin_export" in lines[3] and "command line" in lines[3] and "xlsx, team North" in lines[3]

    bea = circlebot("audit", "--person", str(ids["Bea"]), "--since", "2d").out
    assert "Bea" in bea and "Ana" not in bea and bea.count("2026-") == 2
    marta = circlebot("audit", "--person", str(ids["Marta"])).out  # what reached her
    assert marta.count("shared_reflection") == 2 and "admin_export" not in marta


def test_an_admins_erasure_is_in_the_log(circlebot, store):
    ids = logged(store)
    assert circlebot("people", "erase", str(ids["Bea"]), "--yes").code == 0
    lines = circlebot("audit", "--person", str(ids["Bea"])).out.splitlines()
    [erased] = [line for line in lines if "erasure" in line]
    assert f"erased ({ids['Bea']})" in erased and "by an admin" in erased
    assert "Bea" not in "".join(lines), "her name is gone from the log's view too"
    marta = circlebot("people", "erase", str(ids["Marta"]), "--yes")
    assert marta.code == 0
    to_her = circlebot("audit", "--person", str(ids["Ana"])).out
    assert f"erased ({ids['Marta']})" in to_her and "Marta" not in to_her, "an erased recipient too"


def test_a_bad_person_or_time_is_refused_in_one_line(circlebot, store):
    logged(store)
    assert "no person with id 4242" in one_line(circlebot("audit", "--person", "4242").err)
    assert "--since must be" in one_line(circlebot("audit", "--since", "last week").err)
    assert circlebot("audit", "--since", "last week").code == 2
