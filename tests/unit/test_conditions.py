import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.conditions import ConditionError, parse_condition


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("element == 'baby_in_mind'", {"element": "baby_in_mind"}, True),
        ("element == 'baby_in_mind'", {"element": "family_story"}, False),
        ("element != 'baby_in_mind'", {}, True),
        ("wellbeing <= 2 or support == true", {"wellbeing": 4, "support": True}, True),
        ("wellbeing <= 2 or support == true", {"wellbeing": 4, "support": False}, False),
        ("'parallel_process' in elements", {"elements": ["use_of_self", "parallel_process"]}, True),
        ("'parallel_process' not in elements", {"elements": ["use_of_self"]}, True),
        ("not (workload > 3) and wellbeing >= 2.5", {"workload": 3, "wellbeing": 3}, True),
        ("score in [1, 2]", {"score": 2}, True),
        ("visit_date < '2026-01-01'", {"visit_date": "2025-12-31"}, True),
        ("skipped == null", {"skipped": None}, True),
    ],
)
def test_conditions_decide_branches(source, answers, expected):
    assert parse_condition(source).holds(answers) is expected


def test_comparing_different_kinds_is_false_not_a_crash():
    assert parse_condition("wellbeing > 2").holds({"wellbeing": "very well"}) is False
    assert parse_condition("wellbeing > 2").holds({}) is False
    assert parse_condition("'x' in count").holds({"count": 3}) is False


@pytest.mark.parametrize(
    "source", ["", "element ==", "element = 'a'", "__import__('os')", "a and", "(a == 1", "a == 1 b"]
)
def test_malformed_conditions_are_refused_with_a_reason(source):
    with pytest.raises(ConditionError):
        parse_condition(source)


def test_names_are_the_steps_a_condition_reads():
    condition = parse_condition("a == 1 and ('x' in b or not c)")
    assert condition.names == {"a", "b", "c"}


@given(st.text(max_size=40))
def test_any_text_either_parses_or_is_refused_cleanly(source):
    try:
        condition = parse_condition(source)
    except ConditionError:
        return
    condition.holds({})
