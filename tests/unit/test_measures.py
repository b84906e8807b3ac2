from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from flows.bounds import NOT_A_DAY, NOT_A_NUMBER, Problem, read_number
from flows.measures import Logged, next_prompt, period, read_log, shown_number
from flows.pdsa import Prompts

TUESDAY = date(2026, 11, 24)
LIMA = ZoneInfo("America/Lima")
PROMPTS = Prompts()  # 17:00, weekly on Friday


def test_a_point_counts_for_its_day_its_week_from_monday_or_its_visit():
    assert period("daily", TUESDAY) == "2026-11-24"
    assert period("weekly", TUESDAY) == period("weekly", date(2026, 11, 29)) == "week 2026-11-23"
    assert period("weekly", date(2026, 11, 30)) == "week 2026-11-30"
    assert period("visit", TUESDAY, 3) != period("visit", TUESDAY, 4)


@pytest.mark.parametrize(
    ("typed", "logged"),
    [
        ("7", Logged(7.0, TUESDAY)),
        ("7 today", Logged(7.0, TUESDAY)),
        ("7 yesterday", Logged(7.0, date(2026, 11, 23))),
        ("7,5 ayer", Logged(7.5, date(2026, 11, 23))),
        ("7 20/11", Logged(7.0, date(2026, 11, 20))),
        ("7 2026-11-20", Logged(7.0, date(2026, 11, 20))),
        ("7 25/11", Logged(7.0, date(2026, 11, 25))),  # read as given: the caller refuses the future
        ("7 31/11", Logged(7.0, Problem(NOT_A_DAY, {"example": "24/11/2026"}))),  # no such day
        ("seven", Logged(Problem(NOT_A_NUMBER, {}), TUESDAY)),
        ("1 234 20/11", Logged(1234.0, date(2026, 11, 20))),  # thousands apart, then the day
        ("7 1/1/3000", Logged(7.0, Problem("error.date_far_ahead", {"last": "25/11/2027"}))),
    ],
)
def test_log_reads_a_value_and_an_optional_day(typed, logged):
    assert read_log(typed, TUESDAY) == logged


def test_prompts_come_at_five_in_her_timezone_daily_on_weekdays_for_visits_and_fridays_for_weeks():
    tuesday_noon = datetime(2026, 11, 24, 17, tzinfo=UTC)  # 12:00 in Lima
    assert next_prompt("daily", tuesday_noon, LIMA, PROMPTS) == datetime(2026, 11, 24, 17, tzinfo=LIMA)
    assert next_prompt("weekly", tuesday_noon, LIMA, PROMPTS) == datetime(2026, 11, 27, 17, tzinfo=LIMA)
    saturday = datetime(2026, 11, 28, 17, tzinfo=UTC)
    assert next_prompt("visit", saturday, LIMA, PROMPTS) == datetime(2026, 11, 30, 17, tzinfo=LIMA)
    at_five = datetime(2026, 11, 24, 17, tzinfo=LIMA)
    assert next_prompt("daily", at_five, LIMA, PROMPTS) == datetime(
        2026, 11, 25, 17, tzinfo=LIMA
    )  # the next, not this one


def test_a_prompt_keeps_its_local_hour_across_a_change_of_clocks():
    madrid = ZoneInfo("Europe/Madrid")  # summer time ends on 25 October 2026
    before = datetime(2026, 10, 24, 16, 30, tzinfo=madrid)
    assert next_prompt("daily", before, madrid, PROMPTS) == datetime(2026, 10, 24, 17, tzinfo=madrid)
    after = next_prompt("daily", datetime(2026, 10, 24, 17, tzinfo=madrid), madrid, PROMPTS)
    assert after.astimezone(madrid).hour == 17 and after.utcoffset() != before.utcoffset()


def test_the_prompt_time_and_the_weekly_day_are_the_programs_choice():
    monday_noon = datetime(2026, 11, 30, 17, tzinfo=UTC)
    early = Prompts.model_validate({"at": "08:30", "weekly_on": "monday"})
    assert next_prompt("weekly", monday_noon, LIMA, early) == datetime(2026, 12, 7, 8, 30, tzinfo=LIMA)
    assert next_prompt("daily", monday_noon, LIMA, early) == datetime(2026, 12, 1, 8, 30, tzinfo=LIMA)


@pytest.mark.parametrize(
    ("value", "written"), [(7.0, "7"), (7.5, "7.5"), (49.5, "49.5"), (1234.5, "1234.5"), (0.1 + 0.2, "0.3")]
)
def test_a_value_is_written_back_as_a_person_would_write_it(value, written):
    assert shown_number(value) == written
    assert read_number(written) == pytest.approx(value)  # what a button carries reads back the same
