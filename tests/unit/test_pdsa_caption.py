"""The words under a run chart, from the store's rows (plain objects here, no database)."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from content import BUNDLED_CONTENT
from flows.bounds import CAPTION_LIMIT
from flows.validate import load_content
from services.pdsa.charts import caption, run_chart
from store.models import Cycle, DataPoint, Project

CATALOG = load_content(BUNDLED_CONTENT).catalog
START = date(2026, 11, 1)
LIMA = ZoneInfo("America/Lima")


def project(higher_is_better: bool = True, measure: str = "Visits kept") -> Project:
    return Project(
        id=1, measure=measure, unit="%", frequency="daily", higher_is_better=higher_is_better, goal=90.0
    )


def points(values: Sequence[float]) -> list[DataPoint]:
    return [DataPoint(day=START + timedelta(days=i), value=v, person_id=1) for i, v in enumerate(values)]


def cycle(first_day: int) -> Cycle:
    started = datetime.combine(START + timedelta(days=first_day), datetime.min.time(), LIMA).astimezone(UTC)
    return Cycle(number=1, started_at=started)


def words(values: Sequence[float], cycles: list[Cycle], lang: str = "en", **about: object) -> str:
    chart = run_chart(project(**about), cycles, points(values), 1, LIMA, lang, CATALOG)  # type: ignore[arg-type]
    return caption(chart, CATALOG)


def test_a_shift_after_the_change_is_called_real_change_in_the_wanted_direction():
    text = words([50, 52, 48, 51, 49, 50, 47, 49, 70, 72, 71, 74, 73, 75], [cycle(8)])
    assert text.startswith("Visits kept: 14 points. Baseline median 49.5 %. Goal 90 %.")
    assert (
        "6 days in a row above your baseline median since 9 Nov: this looks like real change, not chance."
        in text
    )
    assert "That is the direction you want." in text


def test_the_same_shift_when_lower_is_better_is_not_the_wanted_direction():
    text = words([50, 52, 48, 51, 49, 50, 47, 49, 70, 72, 71, 74, 73, 75], [cycle(8)], higher_is_better=False)
    assert "That is not the direction you want" in text


def test_fewer_than_ten_points_say_it_is_too_early_to_judge():
    text = words([50, 60, 70, 80, 90], [])
    assert text.endswith(CATALOG.say("en", "pdsa.caption.early")) and "in a row" not in text


def test_too_many_runs_are_explained():
    text = words([50, 52, 48, 51, 49, 52, 48, 51, 49, 50, 52, 48], [])
    assert "more often than chance would (10 runs; at most 9 expected)" in text


def test_no_signal_is_said_plainly_and_in_her_language():
    assert words([50, 52, 53, 48, 47, 51, 52, 49, 48, 53, 51, 47], []).endswith(
        CATALOG.say("en", "pdsa.caption.none")
    )
    assert "parecen azar" in words([50, 52, 53, 48, 47, 51, 52, 49, 48, 53, 51, 47], [], lang="es")


def test_a_caption_never_passes_telegrams_limit_and_keeps_whole_sentences():
    long = "A measure with a very long name " * 10
    values = [50, 52, 48, 51, 49, 50, 47, 53, 51, 49, 50, 48, 200, 70, 72, 71, 74, 76, 78, 80, 82] * 3
    chart = run_chart(project(measure=long), [cycle(13)], points(values), 1, LIMA, "en", CATALOG)
    text = caption(chart, CATALOG)
    assert len(text) <= CAPTION_LIMIT and text.endswith(".")
