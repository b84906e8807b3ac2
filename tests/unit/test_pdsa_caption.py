"""The words under a run chart, from the store's rows (plain objects here, no database): each
signal of either rule set said in plain words (the middle line, her usual level; never the
median or runs), what it means for her change and whether it goes the way she wants, in English
and Spanish, within Telegram's caption limit."""

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from content import BUNDLED_CONTENT
from flows.bounds import CAPTION_LIMIT
from flows.content import Content
from flows.runchart import RuleSet
from flows.validate import load_content
from services.pdsa.charts import caption, run_chart
from store.models import Cycle, DataPoint, Project

CONTENT = load_content(BUNDLED_CONTENT)
assert CONTENT.pdsa is not None
IHI = dataclasses.replace(CONTENT, pdsa=CONTENT.pdsa.model_copy(update={"rules": RuleSet.IHI}))
CATALOG = CONTENT.catalog
START = date(2026, 11, 1)
LIMA = ZoneInfo("America/Lima")
BASELINE = [50, 52, 48, 51, 49, 50, 47, 49]  # median 49.5
JARGON = ("median", "mediana", "runs", "rachas", "shift", "desplazamiento", "tendencia")


def project(higher_is_better: bool = True, measure: str = "Visits kept") -> Project:
    return Project(
        id=1, measure=measure, unit="%", frequency="daily", higher_is_better=higher_is_better, goal=90.0
    )


def points(values: Sequence[float]) -> list[DataPoint]:
    return [DataPoint(day=START + timedelta(days=i), value=v, person_id=1) for i, v in enumerate(values)]


def cycle(first_day: int) -> Cycle:
    started = datetime.combine(START + timedelta(days=first_day), datetime.min.time(), LIMA).astimezone(UTC)
    return Cycle(number=1, started_at=started)


def words(
    values: Sequence[float],
    cycles: list[Cycle],
    lang: str = "en",
    content: Content = CONTENT,
    **about: object,
) -> str:
    chart = run_chart(project(**about), cycles, points(values), 1, LIMA, lang, content)  # type: ignore[arg-type]
    text = caption(chart, CATALOG)
    assert not [word for word in JARGON if word in text.casefold()], text
    return text


# --- Anhøj's rules, the default -----------------------------------------------------------------


def test_a_long_run_after_the_change_says_her_level_moved_the_way_she_wants():
    text = words([*BASELINE, 70, 72, 71, 74, 73, 75, 76, 74], [cycle(8)])
    assert text.startswith("Visits kept: 16 points. The middle line is your usual level: 49.5 %. Goal 90 %.")
    assert (
        "8 days in a row above your usual level since 9 Nov, more than chance alone makes (at most 7 in "
        "a row): your level has moved up. That is the direction you want." in text
    )
    spanish = words([*BASELINE, 70, 72, 71, 74, 73, 75, 76, 74], [cycle(8)], lang="es")
    assert "La línea del medio es su nivel habitual: 49.5 %." in spanish
    assert (
        "Desde el 9 nov, 8 días sin interrupción por encima de su nivel habitual, más de lo que da el azar "
        "(como mucho 7): su nivel subió. Esa es la dirección que usted busca." in spanish
    )


def test_as_many_in_a_row_as_chance_makes_is_no_signal_yet():
    text = words([*BASELINE, 70, 72, 71, 74, 73, 75, 76], [cycle(8)])  # 15 useful: 7 allowed
    assert text.endswith(CATALOG.say("en", "pdsa.caption.none"))


def test_a_long_run_below_when_lower_is_better_is_the_wanted_direction():
    text = words([*BASELINE, 30, 32, 31, 34, 33, 35, 36, 34], [cycle(8)], higher_is_better=False)
    assert "10 days in a row below your usual level since 7 Nov" in text
    assert "your level has moved down. That is the direction you want." in text
    spanish = words([*BASELINE, 30, 32, 31, 34, 33, 35, 36, 34], [cycle(8)], lang="es")
    assert "por debajo de su nivel habitual" in spanish and "su nivel bajó" in spanish
    assert CATALOG.say("es", "pdsa.caption.bad") in spanish


@pytest.mark.parametrize(
    ("values", "side", "verdict"),
    [
        ([30, 31, 32, 33, 70, 71, 72, 73, 29, 30, 31, 32, 69, 70, 71, 72], "above", "good"),
        ([70, 71, 72, 73, 30, 31, 32, 33, 69, 70, 71, 72, 30, 31, 32, 33], "below", "bad"),
    ],
)
def test_too_few_crossings_say_the_level_moved_and_which_way_her_latest_points_went(values, side, verdict):
    text = words(values, [])
    assert (
        "The points stay on one side of the middle line for long stretches: they cross it fewer times (3) "
        f"than chance alone would (at least 4). Your level has moved, and your latest points are {side} it. "
        + CATALOG.say("en", f"pdsa.caption.{verdict}")
    ) in text
    spanish = words(values, [], lang="es")
    where = "por encima" if side == "above" else "por debajo"
    assert "la cruzan menos veces (3) de lo que daría el azar (al menos 4)" in spanish
    assert (
        f"sus datos más recientes están {where}. " + CATALOG.say("es", f"pdsa.caption.{verdict}") in spanish
    )


def test_a_long_run_and_too_few_crossings_the_same_way_say_the_verdict_once():
    text = words([48, 47, 49, 46, 51, 52, 53, 50, *range(70, 82)], [cycle(8)])  # one crossing
    assert "16 days in a row above your usual level since 5 Nov" in text
    assert "your latest points are above it." in text
    assert text.count(CATALOG.say("en", "pdsa.caption.good")) == 1


# --- the IHI's rules ----------------------------------------------------------------------------


def test_ihi_six_in_a_row_is_a_level_that_moved():
    text = words([*BASELINE, 70, 72, 71, 74, 73, 75], [cycle(8)], content=IHI)
    assert (
        "6 days in a row above your usual level since 9 Nov, more than chance alone makes (at most 5 in "
        "a row): your level has moved up. That is the direction you want." in text
    )
    spanish = words([*BASELINE, 70, 72, 71, 74, 73, 75], [cycle(8)], lang="es", content=IHI)
    assert "Desde el 9 nov, 6 días sin interrupción por encima de su nivel habitual" in spanish


def test_ihi_a_steady_rise_or_fall_is_said_with_its_direction():
    rise = words([4, 9, 1, 2, 3, 4, 5, 0, 4, 6, 5, 4, 6], [], content=IHI)
    assert (
        "5 days in a row, each higher than the one before, since 3 Nov: a steady rise, more than chance "
        "alone makes. That is the direction you want." in rise
    )
    fall = words([4, 0, 5, 4, 3, 2, 1, 9, 4, 2, 3, 4, 2], [], content=IHI, higher_is_better=False)
    assert "each lower than the one before, since 3 Nov: a steady fall" in fall
    assert fall.endswith(CATALOG.say("en", "pdsa.caption.good"))
    spanish = words([4, 9, 1, 2, 3, 4, 5, 0, 4, 6, 5, 4, 6], [], lang="es", content=IHI)
    assert "Desde el 3 nov, 5 días sin interrupción en que cada dato es más alto que el anterior" in spanish


def test_ihi_too_many_crossings_are_explained():
    values = [50, 52, 48, 51, 49, 52, 48, 51, 49, 50, 52, 48]
    text = words(values, [], content=IHI)
    assert (
        "The points cross the middle line more often than chance alone would (9 times; at most 8 expected): "
        "they may mix different things, such as two ways of counting." in text
    )
    assert "cruzan la línea del medio más veces de lo que daría el azar (9 veces" in words(
        values, [], lang="es", content=IHI
    )


def test_ihi_too_few_crossings_use_its_table():
    text = words([71, 73, 72, 31, 33, 32, 30, 72, 74, 71, 31, 33, 32, 30, 31], [], content=IHI)
    assert "they cross it fewer times (3) than chance alone would (at least 4)" in text


def test_ihi_an_unusual_point_is_named_by_its_day():
    text = words([10] * 14 + [30], [], content=IHI)
    assert "An unusual point on 15 Nov (30), far outside the usual range" in text
    assert "Un punto inusual el 15 nov (30)" in words([10] * 14 + [30], [], lang="es", content=IHI)


# --- either set ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [CONTENT, IHI])
def test_fewer_than_ten_points_say_it_is_too_early_to_judge(content):
    text = words([50, 60, 70, 80, 90], [], content=content)
    assert text.endswith(CATALOG.say("en", "pdsa.caption.early")) and "in a row" not in text


def test_no_signal_is_said_plainly_and_in_her_language():
    assert words([50, 52, 53, 48, 47, 51, 52, 49, 48, 53, 51, 47], []).endswith(
        CATALOG.say("en", "pdsa.caption.none")
    )
    assert "parecen azar" in words([50, 52, 53, 48, 47, 51, 52, 49, 48, 53, 51, 47], [], lang="es")


@pytest.mark.parametrize("content", [CONTENT, IHI])
def test_a_caption_never_passes_telegrams_limit_and_keeps_whole_sentences(content):
    long = "A measure with a very long name " * 10
    values = [50, 52, 48, 51, 49, 50, 47, 53, 51, 49, 50, 48, 200, 70, 72, 71, 74, 76, 78, 80, 82] * 3
    chart = run_chart(project(measure=long), [cycle(13)], points(values), 1, LIMA, "en", content)
    text = caption(chart, CATALOG)
    assert len(text) <= CAPTION_LIMIT and text.endswith(".")
