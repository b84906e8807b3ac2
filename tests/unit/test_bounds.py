"""flows.bounds: the one reader of numbers and days she types, the cleaning of her words, and
fitting a text in Telegram's lengths."""

from datetime import UTC, date, datetime, timedelta

import pytest

from flows.bounds import (
    DAY_FAR_AHEAD,
    DAY_LONG_AGO,
    NOT_A_DAY,
    NOT_A_NUMBER,
    SHOWN_LIMIT,
    Problem,
    clean_text,
    fit,
    read_day,
    read_number,
    too_far_ahead,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("7", 7.0),
        ("-7", -7.0),
        ("+7", 7.0),
        ("7.5", 7.5),
        ("7,5", 7.5),  # a decimal comma
        (" -2 ", -2.0),
        (".5", 0.5),
        ("7.", 7.0),
        ("1 234", 1234.0),
        ("1\u00a0234\u00a0567,5", 1234567.5),  # no-break spaces between thousands
        ("1\u2009234", 1234.0),  # a thin space
        ("1\u202f234", 1234.0),  # a narrow no-break space
        ("٣٫٥", 3.5),  # Arabic-Indic digits and decimal separator
        ("٧", 7.0),
        ("१२", 12.0),  # Devanagari digits
        ("\u22127", -7.0),  # the minus sign
        ("1000000000000", 1e12),  # the bound itself
        ("-1000000000000", -1e12),
        ("123456789.123456", 123456789.123456),  # 15 digits
        ("0.000001", 0.000001),  # 6 decimals
        ("2.5000000000", 2.5),  # zeros at the end are no decimals
        ("000000000000000000007", 7.0),  # nor zeros in front digits
    ],
)
def test_a_number_is_read_as_people_write_it(typed, read):
    assert read_number(typed) == read


NOT_NUMBERS = ("NaN", "nan", "Infinity", "-inf", "inf", "1e309", "1e5", "0x1F", "seven", "7a", "", ".", "-")


@pytest.mark.parametrize("typed", [*NOT_NUMBERS, "1 23", "1,2,3", "1.234,5"])
def test_anything_else_is_not_a_number(typed):
    assert read_number(typed) == Problem(NOT_A_NUMBER, {})


def test_a_number_beyond_the_program_wide_bound_is_refused_with_the_bound_as_people_write_it():
    assert read_number("9" * 400) == Problem("error.number_too_big", {"max": SHOWN_LIMIT})
    assert read_number("-1000000000000.5") == Problem("error.number_too_big", {"max": SHOWN_LIMIT})
    assert SHOWN_LIMIT == "1\u00a0000\u00a0000\u00a0000\u00a0000"


def test_too_many_digits_or_decimals_are_refused_with_how_many_may_be_given():
    assert read_number("123456789012.12345") == Problem("error.number_too_long", {"digits": 15})
    assert read_number("0." + "0" * 20 + "1") == Problem("error.number_decimals", {"places": 6})
    assert read_number("1.1234567") == Problem("error.number_decimals", {"places": 6})


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("24/11/2026", date(2026, 11, 24)),
        ("24/11", date(2026, 11, 24)),
        ("2026-11-24", date(2026, 11, 24)),
        ("1.2.1950", date(1950, 2, 1)),
        ("٢٤/١١/٢٠٢٦", date(2026, 11, 24)),
        ("25/11/2027", TODAY + timedelta(days=366)),  # the last day of the window
        ("1/1/1906", date(1906, 1, 1)),  # the first
    ],
)
def test_a_day_is_read_within_the_window(typed, read):
    assert read_day(typed, TODAY) == read


def test_a_day_outside_the_window_gets_its_own_reason_and_one_that_is_no_day_says_so():
    assert read_day("26/11/2027", TODAY) == Problem(DAY_FAR_AHEAD, {"last": "25/11/2027"})
    assert read_day("31/12/9999", TODAY) == Problem(DAY_FAR_AHEAD, {"last": "25/11/2027"})
    assert read_day("1/1/3000", TODAY) == Problem(DAY_FAR_AHEAD, {"last": "25/11/2027"})
    assert read_day("31/12/1905", TODAY) == Problem(DAY_LONG_AGO, {"years": 120})
    assert read_day("0001-01-01", TODAY) == Problem(DAY_LONG_AGO, {"years": 120})
    for nonsense in ("0/0/0000", "31/11", "tomorrow", "", "1/1/10000"):
        assert read_day(nonsense, TODAY) == Problem(NOT_A_DAY, {"example": "24/11/2026"})
    assert read_day("24/11", TODAY, year=2027) == date(2027, 11, 24)


def test_nothing_is_planned_more_than_a_year_ahead():
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    assert not too_far_ahead(now + timedelta(days=366), now)
    assert too_far_ahead(now + timedelta(days=366, minutes=1), now)
    assert too_far_ahead(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), now)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("hello", "hello"),
        ("  hello\n", "hello"),
        ("\u200bhello\u200c\u200d\ufeff", "hello"),  # zero-width characters at the ends go
        ("\u202e7\u200f", "7"),  # and direction marks
        ("a\u200fب", "a\u200fب"),  # inside, a right-to-left mark stays
        ("مرحبا\u200c بكم", "مرحبا\u200c بكم"),
        ("line one\n\tline two", "line one\n\tline two"),
        ("a\x00b\x07c\x9fd", "abcd"),  # control characters go
        ("a\r\nb", "a\nb"),
        ("a\ud800b\udfff", "ab"),  # lone surrogates go
        ("\u200b\u200c\u200d\ufeff", ""),  # only invisible: empty
        ("flag 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", None),
    ],
)
def test_her_words_are_cleaned_of_what_no_one_can_see_or_store(raw, clean):
    assert clean_text(raw) == (raw if clean is None else clean)


def test_a_text_too_long_is_cut_with_an_ellipsis_within_the_limit():
    assert fit("short", 10) == "short"
    cut = fit("word " * 300, 1024)
    assert len(cut) <= 1024 and cut.endswith("…")
