"""Schedules as written in content: crontab lines with standard weekday numbers, impossible
dates refused, audiences and durations checked."""

from datetime import time, timedelta

import pytest
from pydantic import ValidationError

from flows.schedules import Schedule, Schedules, parse_crontab


def test_crontab_weekdays_are_standard_zero_and_seven_are_sunday():
    assert parse_crontab("0 9 * * 0").weekdays == {6}  # Python's Sunday
    assert parse_crontab("0 9 * * 7").weekdays == {6}
    assert parse_crontab("0 9 * * 1-5").weekdays == {0, 1, 2, 3, 4}
    assert parse_crontab("30 */6 1,15 * *").hours == {0, 6, 12, 18}
    assert parse_crontab("30 */6 1,15 * *").days == {1, 15}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0 9 31 2 *", "never happens: there is no 31 February"),
        ("0 9 30,31 2 *", "never happens"),
        ("0 9 * *", "needs five fields"),
        ("61 9 * * *", "outside 0–59 for the minute"),
        ("0 9 * * 8", "outside 0–7 for the day of week"),
        ("0 9 * * mon", "is not a day of week"),
        ("0 9/0 * * *", "step '0' is not a positive number"),
    ],
)
def test_impossible_or_malformed_crontab_lines_are_refused(line, message):
    with pytest.raises(ValueError, match=message):
        parse_crontab(line)


def test_29_february_is_possible_and_a_weekday_makes_any_date_possible():
    assert parse_crontab("0 9 29 2 *").days == {29}
    assert parse_crontab("0 9 31 2 1").weekdays == {0}  # crontab: the 31st or any Monday


def test_a_schedule_reads_its_rule_audience_and_durations():
    schedule = Schedule.model_validate(
        {
            "id": "weekly_checkin",
            "what": {"flow": "weekly_checkin"},
            "to": "role:home_visitor",
            "when": {"weekly": "monday", "at": "09:00"},
            "grace": "12h",
            "remind_after": "1d",
        }
    )
    assert schedule.when.at == time(9)  # type: ignore[union-attr]
    assert (schedule.grace, schedule.remind_after) == (timedelta(hours=12), timedelta(days=1))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"to": "role:wizard"}, "to must be all, role:ROLE"),
        ({"to": "role:circle_member"}, "to must be all, role:ROLE"),  # a circle's member: no schedule
        ({"when": {"weekly": "someday", "at": "09:00"}}, "weekly"),
        ({"when": {"cron": "0 9 31 2 *"}}, "never happens"),
        (
            {"what": {"bulletin": {"en": "Hi"}}, "remind_after": "1d"},
            "remind_after is only for schedules that start a flow",
        ),
        ({"grace": "soon"}, "not a duration"),
    ],
)
def test_bad_schedules_are_refused(change, message):
    base = {"id": "s", "what": {"flow": "weekly_checkin"}, "when": {"weekly": "monday", "at": "09:00"}}
    with pytest.raises(ValidationError, match=message):
        Schedule.model_validate(base | change)


def test_a_schedule_id_is_used_once():
    one = {"id": "s", "what": {"summary": "weekly"}, "when": {"cron": "0 8 * * 1"}}
    with pytest.raises(ValidationError, match="schedule ids used twice: s"):
        Schedules.model_validate({"schedules": [one, one]})
