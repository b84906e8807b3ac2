"""The supervisor's wellbeing chart as she sees it: the weekly average with gaps for silent weeks,
lowest to highest, a fixed 1–5 scale, few short date labels, her texts and nothing else, a
phone-sized PNG, and the same picture from worker threads."""

import dataclasses
import math
import re
import struct
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from services.summaries.charts import ChartTexts, wellbeing_figure, wellbeing_png

TEXTS = ChartTexts(
    title="Team wellbeing, last 8 weeks",
    y_label="Wellbeing (1–5)",
    average="Team average",
    spread="Lowest to highest",
    no_answers="No check-in answers yet",
    months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
)
WEEKS = [date(2025, 11, 3) + timedelta(weeks=i) for i in range(8)]
SCORES = [[3, 4, 5], [2, 2], [1, 5, 4, 4], [], [2, 5], [], [2, 3], [4, 4, 3]]


def _drawn(figure: Figure) -> Figure:
    figure.canvas.draw()  # ticks and their labels exist once drawn
    return figure


def _shown_texts(figure: Figure) -> set[str]:
    return {
        text.get_text() for text in _drawn(figure).findobj(Text) if text.get_visible() and text.get_text()
    }


def _band_by_week(figure: Figure) -> dict[int, tuple[float, float]]:
    """Lowest and highest y that the shaded band reaches at each week."""
    reached: dict[int, list[float]] = {}
    for collection in figure.axes[0].collections:
        for path in collection.get_paths():
            for x, y in np.asarray(path.vertices).tolist():
                reached.setdefault(round(x), []).append(y)
    return {week: (min(ys), max(ys)) for week, ys in reached.items()}


def test_the_line_is_the_weekly_average_with_gaps_for_weeks_without_answers():
    (line,) = wellbeing_figure(WEEKS, SCORES, TEXTS).axes[0].get_lines()
    means = np.asarray(line.get_ydata(), dtype=float).tolist()
    assert means[:3] == [4.0, 2.0, 3.5]
    assert math.isnan(means[3]) and math.isnan(means[5])  # a gap, not a zero
    assert means[4] == 3.5 and means[6] == 2.5 and means[7] == pytest.approx(11 / 3)
    assert line.get_marker() == "o"


def test_the_band_spans_lowest_to_highest_of_each_week_even_a_week_on_its_own():
    band = _band_by_week(wellbeing_figure(WEEKS, SCORES, TEXTS))
    assert band == {0: (3, 5), 1: (2, 2), 2: (1, 5), 4: (2, 5), 6: (2, 3), 7: (3, 4)}


def test_the_scale_is_always_one_to_five_in_whole_steps():
    cases: list[list[list[int]]] = [SCORES, [[3, 3]] * 8, [[]] * 8]
    for scores in cases:
        axes = wellbeing_figure(WEEKS, scores, TEXTS).axes[0]
        assert axes.get_ylim() == (1, 5)
        assert list(axes.get_yticks()) == [1, 2, 3, 4, 5]


def test_a_year_of_weeks_gets_at_most_twelve_short_date_labels_ending_with_this_week():
    weeks = [date(2024, 11, 4) + timedelta(weeks=i) for i in range(52)]
    figure = _drawn(wellbeing_figure(weeks, [[4]] * 52, TEXTS))
    labels = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    assert 4 <= len(labels) <= 12
    assert all(re.fullmatch(r"[1-9][0-9]? [A-Z][a-z]{2}", label) for label in labels)
    assert labels[-1] == "27 Oct"


def test_date_labels_read_day_then_month_without_a_leading_zero():
    figure = _drawn(wellbeing_figure(WEEKS, SCORES, TEXTS))
    labels = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    assert labels == ["3 Nov", "10 Nov", "17 Nov", "24 Nov", "1 Dec", "8 Dec", "15 Dec", "22 Dec"]
    spanish = dataclasses.replace(
        TEXTS, months=("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
    )
    figure = _drawn(wellbeing_figure(WEEKS, SCORES, spanish))
    assert [label.get_text() for label in figure.axes[0].get_xticklabels()][-2:] == ["15 dic", "22 dic"]


def test_title_and_legend_are_the_given_texts_in_large_letters():
    figure = _drawn(wellbeing_figure(WEEKS, SCORES, TEXTS))
    axes = figure.axes[0]
    legend = axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["Team average", "Lowest to highest"]
    assert figure.get_suptitle() == "Team wellbeing, last 8 weeks"
    assert axes.get_ylabel() == "Wellbeing (1–5)"
    ticks = [*axes.get_xticklabels(), *axes.get_yticklabels()]
    assert min(float(text.get_fontsize()) for text in ticks) >= 14
    assert float(figure.texts[0].get_fontsize()) > max(float(text.get_fontsize()) for text in ticks)


@pytest.mark.parametrize(("weeks", "scores"), [(WEEKS, [[]] * 8), ([], [])])
def test_with_no_answers_at_all_the_chart_says_so(weeks, scores):
    figure = wellbeing_figure(weeks, scores, TEXTS)
    assert "No check-in answers yet" in _shown_texts(figure)
    assert figure.axes[0].get_legend() is None


def test_the_no_answers_text_is_not_shown_when_some_week_has_answers():
    assert "No check-in answers yet" not in _shown_texts(wellbeing_figure(WEEKS, SCORES, TEXTS))


def test_nothing_is_written_but_the_given_texts_the_scale_and_the_dates():
    dates = {"3 Nov", "10 Nov", "17 Nov", "24 Nov", "1 Dec", "8 Dec", "15 Dec", "22 Dec"}
    given = {TEXTS.title, TEXTS.y_label, TEXTS.average, TEXTS.spread}
    assert _shown_texts(wellbeing_figure(WEEKS, SCORES, TEXTS)) == given | {"1", "2", "3", "4", "5"} | dates


def test_weeks_and_scores_must_pair_up():
    with pytest.raises(ValueError):
        wellbeing_figure(WEEKS, SCORES[:-1], TEXTS)


def test_the_png_is_phone_sized():
    png = wellbeing_png(WEEKS, SCORES, TEXTS)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (900, 600)


def test_worker_threads_draw_the_same_pictures_as_one_thread():
    charts: list[tuple[list[date], list[list[int]]]] = [
        (WEEKS, SCORES),
        (WEEKS, [[5, 1]] * 8),
        (WEEKS, [[]] * 8),
        (WEEKS[:1], [[2, 3]]),
    ] * 3

    def render(chart: tuple[list[date], list[list[int]]]) -> bytes:
        return wellbeing_png(*chart, TEXTS)

    alone = [render(chart) for chart in charts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(render, charts))
    assert together == alone


def test_her_own_chart_is_her_line_with_no_band_and_no_team_words():
    """/mytrend's chart (issue 21): one person's weeks, so no lowest-to-highest band."""
    mine = dataclasses.replace(
        TEXTS, title="Your wellbeing, last 8 weeks", average="Your wellbeing", spread=None
    )
    scores = [[], [], [], [], [], [5], [4], []]
    figure = wellbeing_figure(WEEKS, scores, mine)
    assert _band_by_week(figure) == {}
    shown = _shown_texts(figure)
    assert {"Your wellbeing, last 8 weeks", "Your wellbeing"} <= shown
    assert not {"Lowest to highest", "Team average"} & shown
