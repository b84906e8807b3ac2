"""A day as every chart, caption and prompt writes it, in her language (flows.dates)."""

from datetime import date

from flows.dates import day_label, month_names
from tests.services.harness import CONTENT


def test_a_day_is_written_day_then_month_from_the_catalogue_in_her_language():
    assert day_label(date(2026, 11, 3), month_names(CONTENT.catalog, "en")) == "3 Nov"
    assert day_label(date(2027, 1, 31), month_names(CONTENT.catalog, "es")) == "31 ene"
