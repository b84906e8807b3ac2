"""Her scores over time (issue 25), as she and her supervisor read them: one message per
checklist, values oldest first, "·" where an item was not scored, yes / no / not seen in her
language, and only the last observations. Observations are built in memory: no database."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.observations.scores import WINDOW, scores_over_time
from store.observations import Observation
from tests.services.harness import CONTENT

LIMA = ZoneInfo("America/Lima")
FIRST = datetime(2026, 9, 3, 15, tzinfo=UTC)  # 3 Sep, 10:00 in Lima


def observed(checklist: str, weeks: int, **scores: Any) -> Observation:
    return Observation(checklist_id=checklist, sent_at=FIRST + timedelta(weeks=weeks), scores=scores)


def line(text: str, starting: str) -> str:
    [found] = [each for each in text.split("\n") if each.startswith(starting)]
    return found


def test_each_checklist_she_was_observed_with_is_one_message_with_her_values_oldest_first():
    observations = [
        observed("home_visit", 0, warm_welcome=2, last_activity="no", activities_shown=1),
        observed("child_progress", 1, children_listed=12, describes_progress=2),
        observed("home_visit", 4, warm_welcome=3, last_activity="yes", activities_shown=2),
        observed("home_visit", 8, warm_welcome=4, last_activity="not_seen", activities_shown=3),
    ]
    child, home = scores_over_time(CONTENT, observations, "en", LIMA, name="Ana")
    assert home.startswith("Ana: scores over time, Home-visit observation\n\n")
    assert "Observations, oldest first: 3 Sep, 1 Oct, 29 Oct" in home
    assert (
        line(home, "• Greets the family")
        == "• Greets the family warmly and asks how they have been: 2 | 3 | 4"
    )
    assert line(home, "• Asks how the activity") == (
        "• Asks how the activity from the last visit went at home: No | Yes | Not seen"
    )
    assert line(home, "• Number of activities") == "• Number of activities shown during the visit: 1 | 2 | 3"
    assert "The relationship with the caregiver\n• Greets" in home, "items come under their section"
    assert child.startswith("Ana: scores over time, Children's progress conversation\n\n")
    assert "Observations, oldest first: 10 Sep" in child
    assert line(child, "• Children on the home") == "• Children on the home visitor's list: 12"
    assert "Greets the family" not in child and "Children on the home" not in home


def test_an_item_not_scored_is_a_dot_and_a_long_item_is_cut():
    observations = [observed("home_visit", 0, warm_welcome=2), observed("home_visit", 1, listens=3)]
    [mine] = scores_over_time(CONTENT, observations, "en", LIMA)
    assert mine.startswith("Your scores over time, Home-visit observation")
    assert line(mine, "• Greets") == "• Greets the family warmly and asks how they have been: 2 | ·"
    assert line(mine, "• Listens") == "• Listens to the caregiver's news and concerns before startin…: · | 3"
    assert line(mine, "• Sets the day") == "• Sets the day of the next visit with the family: · | ·"
    assert mine.endswith("· = not scored in that observation.")


def test_her_own_view_in_spanish_says_yes_no_and_not_seen_in_spanish():
    observations = [
        observed("home_visit", 0, caregiver_tries="yes", next_visit_set="no", materials_ready="not_seen"),
    ]
    [mine] = scores_over_time(CONTENT, observations, "es", LIMA)
    assert mine.startswith("Sus puntajes a lo largo del tiempo, Observación de una visita domiciliaria")
    assert "Observaciones, de la más antigua a la más reciente: 3 sep" in mine
    assert line(mine, "• La persona cuidadora prueba").endswith(": Sí")
    assert line(mine, "• Fija con la familia") == "• Fija con la familia el día de la próxima visita: No"
    assert line(mine, "• Lleva materiales").endswith(": No observado")
    assert line(mine, "• Saluda a la familia").endswith(": ·")
    assert "Yes" not in mine and "Not seen" not in mine


def test_only_the_last_six_observations_are_shown():
    observations = [observed("home_visit", week, activities_shown=week) for week in range(WINDOW + 2)]
    [text] = scores_over_time(CONTENT, observations, "en", LIMA, name="Ana")
    assert WINDOW == 6
    assert (
        line(text, "• Number of activities")
        == "• Number of activities shown during the visit: 2 | 3 | 4 | 5 | 6 | 7"
    )
    assert "Observations, oldest first: 17 Sep, 24 Sep, 1 Oct, 8 Oct, 15 Oct, 22 Oct" in text


def test_an_item_no_longer_in_the_checklist_is_left_out_and_none_says_so():
    [text] = scores_over_time(CONTENT, [observed("home_visit", 0, gone_item=4, warm_welcome=1)], "en", LIMA)
    assert ": 4" not in text and "gone_item" not in text
    assert scores_over_time(CONTENT, [observed("retired_checklist", 0, x=1)], "en", LIMA, name="Ana") == [
        "Ana has not been observed yet."
    ]
    assert scores_over_time(CONTENT, [], "en", LIMA) == [CONTENT.catalog.say("en", "observe.my_none")]


def test_arabic_is_laid_out_right_to_left():
    [text] = scores_over_time(CONTENT, [observed("home_visit", 0, warm_welcome=2)], "ar", LIMA, name="Ana")
    assert all(each.startswith("\u200f") for each in text.split("\n"))
