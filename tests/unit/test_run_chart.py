"""A PDSA run chart as she sees it, read from the figure's artists (found by their gid), not from
pixels: every point in order, the baseline median across the chart, her goal, a boundary and a
label per cycle, each signal highlighted on exactly its points, few dates ending with the
latest, a legend of only what is drawn and never over a point, her points apart from the
others', and the empty, single, flat and very long series."""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from flows.runchart import RuleSet, Signals, Span, detect
from services.pdsa.charts import ChartPoint, CycleMark, RunChartTexts
from services.pdsa.run_chart import run_chart_figure, run_chart_png

TEXTS = RunChartTexts(
    title="Visits kept (%)",
    y_label="%",
    median="Baseline median",
    goal="Goal",
    shift="Shift",
    trend="Trend",
    astronomical="Unusual point",
    mine="You",
    others="Others",
    no_points="No points yet",
    months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
)
START = date(2025, 9, 1)
VALUES = [60, 62, 58, 61, 59, 60, 63, 57, 70, 72, 74, 71, 73, 75, 95, 74]


def _points(values: Sequence[float], mine: Sequence[bool] | None = None) -> list[ChartPoint]:
    """Two points a day, so that days repeat as they do when several people log the same day."""
    owners = mine if mine is not None else [True] * len(values)
    return [
        ChartPoint(START + timedelta(days=i // 2), value, owner)
        for i, (value, owner) in enumerate(zip(values, owners, strict=True))
    ]


def _signals(
    count: int,
    median: float | None = 60.0,
    shifts: tuple[Span, ...] = (),
    trends: tuple[Span, ...] = (),
    astronomical: tuple[int, ...] = (),
) -> Signals:
    return Signals(count, median, min(count, 8), count, 0, 1, 5, None, shifts, trends, None, astronomical)


def _lines(figure: Figure, gid: str) -> list[Line2D]:
    return [line for line in figure.axes[0].get_lines() if line.get_gid() == gid]


def _line(figure: Figure, gid: str) -> Line2D:
    (line,) = _lines(figure, gid)
    return line


def _xs(line: Line2D) -> list[float]:
    return np.asarray(line.get_xdata(), dtype=float).tolist()


def _ys(line: Line2D) -> list[float]:
    return np.asarray(line.get_ydata(), dtype=float).tolist()


def _texts(figure: Figure, gid: str) -> list[Text]:
    return [text for text in figure.findobj(Text) if text.get_gid() == gid]


def _drawn(figure: Figure) -> Figure:
    figure.canvas.draw()  # ticks, their labels and every extent exist once drawn
    return figure


def _legend(figure: Figure) -> list[str]:
    legend = figure.axes[0].get_legend()
    return [] if legend is None else [text.get_text() for text in legend.get_texts()]


def _extent(artist: Artist, figure: Figure) -> tuple[float, float, float, float]:
    box = artist.get_window_extent(figure.canvas.get_renderer())  # type: ignore[attr-defined]
    return box.x0, box.y0, box.x1, box.y1


def _top_of_markers(figure: Figure) -> float:
    """The highest pixel that any marker (a point, a shift's point, a circle) reaches."""
    axes, top = figure.axes[0], -np.inf
    for line in axes.get_lines():
        if line.get_marker() not in (None, "None", "none", ""):
            ys = axes.transData.transform(np.column_stack([_xs(line), _ys(line)]))[:, 1]
            radius = (line.get_markersize() / 2 + line.get_markeredgewidth()) * figure.dpi / 72
            top = max(top, float(ys.max()) + radius)
    return float(top)


def test_the_line_joins_every_point_in_order_with_a_marker_on_each():
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], TEXTS)
    data = _line(figure, "data")
    assert _xs(data) == list(range(len(VALUES)))  # by position: two points share each day
    assert _ys(data) == VALUES
    markers = _line(figure, "points-mine")
    assert _xs(markers) == list(range(len(VALUES))) and _ys(markers) == VALUES
    assert markers.get_marker() == "o"
    assert _lines(figure, "points-others") == []


def test_the_baseline_median_is_one_line_across_the_whole_chart():
    figure = _drawn(run_chart_figure(_points(VALUES), _signals(len(VALUES), 60.5), None, [], TEXTS))
    axes = figure.axes[0]
    median = _line(figure, "median")
    assert _ys(median) == [60.5, 60.5]
    left, _, right, _ = _extent(median, figure)
    assert left <= axes.bbox.x0 + 1 and right >= axes.bbox.x1 - 1  # edge to edge, not point to point
    low, high = axes.get_ylim()
    assert low < 60.5 < high


def test_the_goal_is_drawn_only_when_she_set_one_dashed_and_in_another_colour():
    without = run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], TEXTS)
    assert _lines(without, "goal") == [] and "Goal" not in _legend(without)
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES)), 85.0, [], TEXTS)
    goal, median = _line(figure, "goal"), _line(figure, "median")
    assert _ys(goal) == [85.0, 85.0]
    assert goal.get_linestyle() != "-" and median.get_linestyle() == "-"
    assert goal.get_color() != median.get_color()
    assert "Goal" in _legend(figure)


@pytest.mark.parametrize("goal", [1000.0, -400.0])
def test_a_goal_far_from_the_points_stays_in_sight_and_so_do_the_points(goal: float):
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES), 61.0), goal, [], TEXTS)
    low, high = figure.axes[0].get_ylim()
    assert low < min(goal, *VALUES) and max(goal, *VALUES) < high
    assert low < 61.0 < high


def test_each_cycle_gets_a_boundary_just_before_its_first_point_and_its_label():
    cycles = [CycleMark(0, "Cycle 1"), CycleMark(8, "Cycle 2"), CycleMark(len(VALUES), "Cycle 3")]
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, cycles, TEXTS)
    boundaries = _lines(figure, "cycle")
    assert sorted(_xs(line)[0] for line in boundaries) == [-0.5, 7.5, len(VALUES) - 0.5]
    assert all(len(set(_xs(line))) == 1 for line in boundaries)  # vertical
    low, high = figure.axes[0].get_xlim()
    assert all(low < _xs(line)[0] < high for line in boundaries)  # even a cycle with no point yet
    assert sorted(text.get_text() for text in _texts(figure, "cycle-label")) == [
        "Cycle 1",
        "Cycle 2",
        "Cycle 3",
    ]


@pytest.mark.parametrize("crowded", [False, True])
def test_cycle_labels_sit_above_every_point_and_do_not_overlap_each_other(crowded: bool):
    values = [*VALUES, 99, 99]  # the highest points at the very end, under the last labels
    cycles = [CycleMark(i, f"Cycle {n}") for n, i in enumerate((4, 5, 6, 15, 17, 18), start=1)]
    signals, texts, mine = _signals(len(values)), TEXTS, None
    if crowded:  # a two-line title and a legend of every entry leave the plot at its lowest
        signals = _signals(
            len(values), shifts=(Span(9, 17, 1),), trends=(Span(7, 12, 1),), astronomical=(16, 17)
        )
        texts = dataclasses.replace(
            TEXTS,
            title="Percentage of home visits kept as planned, week after week",
            median="Mediana de la línea base",
        )
        mine = [i % 2 == 0 for i in range(len(values))]
    figure = _drawn(run_chart_figure(_points(values, mine), signals, 99.0, cycles, texts))
    axes = figure.axes[0]
    assert len(_legend(figure)) == (7 if crowded else 2)
    boxes = [_extent(text, figure) for text in _texts(figure, "cycle-label")]
    assert all(y0 > _top_of_markers(figure) for _, y0, _, _ in boxes)
    assert all(y1 <= axes.bbox.y1 + 1 for _, _, _, y1 in boxes)  # inside the plot, under the legend
    for i, (ax0, ay0, ax1, ay1) in enumerate(boxes):
        for bx0, by0, bx1, by1 in boxes[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0


def test_the_shift_highlights_exactly_the_points_of_its_span():
    shifts = (Span(2, 5, -1), Span(9, 14, 1))
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES), shifts=shifts), None, [], TEXTS)
    lit = [(x, y) for line in _lines(figure, "shift") for x, y in zip(_xs(line), _ys(line), strict=True)]
    expected = [*range(2, 6), *range(9, 15)]
    assert sorted(lit) == [(float(i), float(VALUES[i])) for i in expected]
    colours = {line.get_color() for line in _lines(figure, "shift")}
    assert colours.isdisjoint({_line(figure, "points-mine").get_color(), _line(figure, "data").get_color()})
    assert "Shift" in _legend(figure)


def test_each_trend_is_a_thick_line_along_its_span():
    trends = (Span(1, 6, 1), Span(8, 13, 1))
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES), trends=trends), None, [], TEXTS)
    strokes = sorted(_lines(figure, "trend"), key=lambda line: _xs(line)[0])
    assert [_xs(line) for line in strokes] == [list(range(1, 7)), list(range(8, 14))]
    assert [_ys(line) for line in strokes] == [VALUES[1:7], VALUES[8:14]]
    thin = _line(figure, "data").get_linewidth()
    assert all(line.get_linewidth() >= 3 * thin for line in strokes)
    assert _legend(figure).count("Trend") == 1  # one entry however many trends


def test_unusual_points_are_circled_in_a_strong_colour():
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES), astronomical=(7, 14)), None, [], TEXTS)
    circles = _line(figure, "astronomical")
    assert _xs(circles) == [7, 14] and _ys(circles) == [VALUES[7], VALUES[14]]
    assert circles.get_marker() == "o" and circles.get_markerfacecolor() == "none"
    assert circles.get_markersize() > _line(figure, "points-mine").get_markersize()
    assert circles.get_markeredgecolor() != _line(figure, "points-mine").get_color()


def test_the_signals_that_detect_finds_are_the_ones_drawn():
    values = [5, 6, 5, 4, 6, 5, 6, 5, 4, 5, 6, 5, 7, 8, 9, 10, 11, 12, 11, 10, 9, 8, 7, 6, 12, 13, 12, 14]
    signals = detect(values, 12, RuleSet.IHI)
    assert signals.shifts and signals.trends and signals.astronomical
    figure = run_chart_figure(_points(values), signals, None, [CycleMark(12, "Cycle 1")], TEXTS)
    shifted = sorted(x for line in _lines(figure, "shift") for x in _xs(line))
    assert shifted == [i for span in signals.shifts for i in range(span.first, span.last + 1)]
    assert sorted((_xs(line)[0], _xs(line)[-1]) for line in _lines(figure, "trend")) == [
        (span.first, span.last) for span in signals.trends
    ]
    assert _xs(_line(figure, "astronomical")) == list(signals.astronomical)
    assert _ys(_line(figure, "median")) == [signals.median, signals.median]


def test_anhoej_s_long_run_is_drawn_where_it_is_and_nothing_of_the_ihi_s():
    """The default rules: 14 useful points (two sit on the median, 60) allow 7 in a row; the 8
    above after the change are lit, the rise into them is no trend and the jump to 95 no unusual
    point under Anhøj."""
    values = [60, 62, 58, 61, 59, 60, 63, 57, 70, 72, 74, 71, 73, 75, 95, 74]
    signals = detect(values, 8)
    assert (signals.useful, signals.longest_run, signals.shifts) == (14, 7, (Span(8, 15, 1),))
    figure = run_chart_figure(_points(values), signals, None, [CycleMark(8, "Cycle 1")], TEXTS)
    assert sorted(x for line in _lines(figure, "shift") for x in _xs(line)) == list(range(8, 16))
    assert _lines(figure, "trend") == [] and _lines(figure, "astronomical") == []
    assert _legend(figure) == ["Baseline median", "Shift"]


def test_two_hundred_points_get_at_most_twelve_dates_ending_with_the_latest_point():
    values = [50 + (i * 7) % 13 for i in range(200)]
    figure = _drawn(run_chart_figure(_points(values), _signals(200), None, [], TEXTS))
    axes = figure.axes[0]
    labels = [label.get_text() for label in axes.get_xticklabels()]
    assert 4 <= len(labels) <= 12
    assert axes.get_xticks()[-1] == 199
    assert labels[-1] == "9 Dec"  # point 199 is on day 99 from 1 Sep
    spanish = dataclasses.replace(
        TEXTS, months=("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
    )
    figure = _drawn(run_chart_figure(_points(values), _signals(200), None, [], spanish))
    assert figure.axes[0].get_xticklabels()[-1].get_text() == "9 dic"


def test_the_legend_names_only_what_is_drawn_and_sits_above_the_plot():
    plain = run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], TEXTS)
    assert _legend(plain) == ["Baseline median"]
    everything = _signals(len(VALUES), shifts=(Span(9, 14, 1),), trends=(Span(8, 13, 1),), astronomical=(14,))
    figure = _drawn(run_chart_figure(_points(VALUES), everything, 80.0, [CycleMark(8, "Cycle 1")], TEXTS))
    assert _legend(figure) == ["Baseline median", "Goal", "Shift", "Trend", "Unusual point"]
    legend = figure.axes[0].get_legend()
    assert legend is not None
    _, bottom, _, top = _extent(legend, figure)
    assert bottom >= figure.axes[0].bbox.y1 - 1 and top <= figure.bbox.y1  # above the plot, in the picture


def test_a_team_chart_shows_her_points_apart_from_the_others_without_a_name():
    mine = [i % 3 == 0 for i in range(len(VALUES))]
    figure = run_chart_figure(_points(VALUES, mine), _signals(len(VALUES)), None, [], TEXTS)
    own, others = _line(figure, "points-mine"), _line(figure, "points-others")
    assert _xs(own) == [i for i in range(len(VALUES)) if mine[i]]
    assert _xs(others) == [i for i in range(len(VALUES)) if not mine[i]]
    assert _ys(others) == [VALUES[i] for i in range(len(VALUES)) if not mine[i]]
    assert own.get_marker() != others.get_marker() and own.get_color() != others.get_color()
    assert _ys(_line(figure, "data")) == VALUES  # one line through everybody's points
    assert _legend(figure) == ["Baseline median", "You", "Others"]
    nobody_else = run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], TEXTS)
    assert "You" not in _legend(nobody_else) and "Others" not in _legend(nobody_else)


def test_in_a_team_shift_her_points_keep_their_shape():
    mine = [i % 2 == 0 for i in range(len(VALUES))]
    signals = _signals(len(VALUES), shifts=(Span(9, 14, 1),))
    figure = run_chart_figure(_points(VALUES, mine), signals, None, [], TEXTS)
    shapes = {x: line.get_marker() for line in _lines(figure, "shift") for x in _xs(line)}
    assert shapes == {i: "o" if mine[i] else "D" for i in range(9, 15)}


@pytest.mark.parametrize("cycles", [[], [CycleMark(0, "Cycle 1")]])
def test_with_no_points_the_chart_says_so(cycles: list[CycleMark]):
    figure = _drawn(run_chart_figure([], _signals(0, median=None), 80.0, cycles, TEXTS))
    (message,) = _texts(figure, "no-points")
    assert message.get_text() == "No points yet" and message.get_visible()
    assert figure.axes[0].get_legend() is None
    assert _lines(figure, "data") == []
    assert run_chart_png([], _signals(0, median=None), None, cycles, TEXTS)[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_no_points_text_is_not_written_when_there_are_points():
    figure = run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], TEXTS)
    assert _texts(figure, "no-points") == []


def test_a_single_point_is_drawn_dated_and_inside_the_chart():
    signals = detect([42])
    figure = _drawn(run_chart_figure(_points([42]), signals, None, [CycleMark(1, "Cycle 1")], TEXTS))
    axes = figure.axes[0]
    assert _ys(_line(figure, "data")) == [42.0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["1 Sep"]
    low, high = axes.get_xlim()
    assert low < 0 < high and low < 0.5 < high  # the point and the boundary after it
    bottom, top = axes.get_ylim()
    assert bottom < 42 < top


def test_points_all_equal_get_a_scale_around_them():
    figure = run_chart_figure(_points([7.5] * 12), detect([7.5] * 12), None, [], TEXTS)
    bottom, top = figure.axes[0].get_ylim()
    assert bottom < 7.5 < top and top - bottom >= 1


def test_two_thousand_points_still_make_a_dated_chart():
    values = [50 + (i * 7) % 13 for i in range(2000)]
    figure = _drawn(
        run_chart_figure(_points(values), detect(values), 60.0, [CycleMark(1000, "Cycle 1")], TEXTS)
    )
    assert len(figure.axes[0].get_xticklabels()) <= 12
    assert len(_xs(_line(figure, "data"))) == 2000


def test_her_words_are_printed_as_typed_never_as_tex():
    texts = dataclasses.replace(TEXTS, title=r"Cost $\frac{per$ family", y_label="$ per $ 1")
    figure = _drawn(run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], texts))
    assert figure.get_suptitle() == r"Cost $\frac{per$ family"
    assert figure.axes[0].get_ylabel() == "$ per $ 1"


def test_a_long_title_is_wrapped_to_fit_the_picture():
    texts = dataclasses.replace(TEXTS, title=" ".join(["Percentage of home visits kept as planned"] * 4))
    figure = _drawn(run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], texts))
    title = figure.texts[0]
    assert 1 < len(title.get_text().splitlines()) <= 2
    left, _, right, _ = _extent(title, figure)
    assert left >= 0 and right <= figure.bbox.x1
    assert title.get_text().endswith("…")


def test_letters_are_large_enough_for_a_phone():
    figure = _drawn(run_chart_figure(_points(VALUES), _signals(len(VALUES)), None, [], TEXTS))
    axes = figure.axes[0]
    ticks = [*axes.get_xticklabels(), *axes.get_yticklabels()]
    assert min(float(text.get_fontsize()) for text in ticks) >= 15
    assert float(figure.texts[0].get_fontsize()) >= 20
    assert figure.get_suptitle() == "Visits kept (%)" and axes.get_ylabel() == "%"


def test_the_png_is_phone_sized():
    png = run_chart_png(_points(VALUES), _signals(len(VALUES)), 80.0, [CycleMark(8, "Cycle 1")], TEXTS)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (900, 600)


def test_signals_or_cycles_of_another_series_are_refused():
    with pytest.raises(ValueError):
        run_chart_figure(_points(VALUES), _signals(len(VALUES) - 1), None, [], TEXTS)
    with pytest.raises(ValueError):
        run_chart_figure(
            _points(VALUES), _signals(len(VALUES)), None, [CycleMark(len(VALUES) + 1, "C")], TEXTS
        )


def test_worker_threads_draw_the_same_pictures_as_one_thread():
    charts = [
        (_points(VALUES), _signals(len(VALUES), shifts=(Span(9, 14, 1),))),
        (
            _points(VALUES, [i % 2 == 0 for i in range(len(VALUES))]),
            _signals(len(VALUES), astronomical=(14,)),
        ),
        ([], _signals(0, median=None)),
    ] * 3

    def render(chart: tuple[list[ChartPoint], Signals]) -> bytes:
        points, signals = chart
        return run_chart_png(points, signals, 80.0, [CycleMark(min(8, len(points)), "Cycle 2")], TEXTS)

    alone = [render(chart) for chart in charts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(render, charts))
    assert together == alone
