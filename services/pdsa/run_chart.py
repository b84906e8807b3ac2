"""A PDSA project's run chart as a PNG: her measure point by point in time order, the baseline
median across the whole chart, her goal, where each cycle began, and every signal that
flows.runchart found by the content's rule set (a long run on one side, and by the IHI's rules a
trend or an unusual point) shown where it is. Points are placed by their position, not their
date, because several can share a day; the dates are written under a few of them. In a team
project her own points look different from the others', and no name is ever written.

It draws the points and words services/pdsa/charts.py prepares (imported only where a chart is
drawn). Like services/summaries/charts.py it is drawn on a `Figure` with its own Agg canvas, never
through pyplot (unsafe from the bot's worker threads), sized and lettered for a phone (900×600 px,
15 pt ticks, 22 pt title), with month names passed in rather than read from the locale.
Everything that could hide a point is kept off the data: the legend sits above the plot and the
cycle labels in a strip left empty at the top.

Artists carry a gid, so that tests (and anyone) can find what was drawn: "data" (the line through
every point), "points-mine" / "points-others" (the markers), "median", "goal", "cycle" (one
boundary per cycle) and "cycle-label", "shift" (the highlighted points of a long run), "trend"
(one thick line per trend), "astronomical" (the circles) and "no-points"."""

from __future__ import annotations

import math
from collections.abc import Sequence
from io import BytesIO

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.textpath import TextToPath

from flows.dates import day_label
from flows.runchart import Signals, Span
from services.pdsa.charts import ChartPoint, CycleMark, RunChartTexts
from services.summaries.charts import LINE, labelled_positions

OTHERS = "#8c8c8c"  # others' points: grey diamonds beside her blue circles
MEDIAN = "#404040"
GOAL = "#2e7d32"
CYCLE = "#a6a6a6"
SHIFT = "#e8710a"
TREND = "#f6c342"  # a highlighter stroke under the line
ASTRONOMICAL = "#c00000"

WIDTH_PX, HEIGHT_PX, DPI = 900, 600, 100
TITLE_PT, TICK_PT, LEGEND_PT, CYCLE_PT = 22, 15, 15, 14
TITLE_LINES = 2
PLOT_WIDTH_PX = 790  # about what the axes get of the 900 px once the y labels are placed
# The axes' height in px, as constrained layout gives it (measured with matplotlib 3.11): what
# is left under the title's lines and the legend's rows, less a little to be safe.
PLOT_HEIGHT_PX, TITLE_LINE_PX, LEGEND_ROW_PX = 495, 43, 31
ROW_PT = 1.45 * CYCLE_PT  # one row of cycle labels
LABEL_ROWS = 3  # rows of cycle labels before they are allowed to overlap
PAD = 0.08  # of the data's height, below and above it, so that no marker touches an edge


def run_chart_figure(
    points: Sequence[ChartPoint],
    signals: Signals,
    goal: float | None,
    cycles: Sequence[CycleMark],
    texts: RunChartTexts,
) -> Figure:
    """`points` oldest first, `signals` detected on their values (flows.runchart.detect), `goal`
    the level she aims for if she set one, `cycles` in order. Raises ValueError when the signals
    or a cycle do not fit the points: a chart of the wrong series must not be sent."""
    count = len(points)
    if signals.points != count:
        raise ValueError(f"signals are for {signals.points} points, the chart has {count}")
    if any(not 0 <= cycle.first <= count for cycle in cycles):
        raise ValueError(f"a cycle starts outside the {count} points")

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    ruler = _Ruler()
    axes = figure.add_subplot()
    # her own words are never read as TeX: "$5 to $10 per family" must print as typed
    title = ruler.wrap(texts.title, TITLE_PT)
    figure.suptitle(title, fontsize=TITLE_PT, fontweight="bold", parse_math=False)
    axes.set_ylabel(texts.y_label, fontsize=17, parse_math=False)
    axes.tick_params(labelsize=TICK_PT)
    axes.ticklabel_format(axis="y", useOffset=False)  # 1000.5 is written as such, not "+1e3"
    axes.grid(axis="y", color="#d9d9d9")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)

    if not points:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            texts.no_points,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=18,
            parse_math=False,
            gid="no-points",
        )
        return figure

    xs = list(range(count))
    values = [float(point.value) for point in points]
    pad = max(0.6, 0.015 * count)  # room for a boundary at either edge and for the end markers
    axes.set_xlim(-pad, count - 1 + pad)
    ticks = labelled_positions(count)
    axes.set_xticks(ticks, [day_label(points[i].day, texts.months) for i in ticks])
    median = signals.median if signals.median is not None and math.isfinite(signals.median) else None
    goal = goal if goal is not None and math.isfinite(goal) else None

    places = _cycle_places(cycles, axes.get_xlim(), ruler)

    legend: list[Artist] = []
    if median is not None:
        legend.append(
            axes.axhline(median, color=MEDIAN, linewidth=2, zorder=1.8, label=texts.median, gid="median")
        )
    if goal is not None:
        legend.append(
            axes.axhline(
                goal,
                color=GOAL,
                linewidth=2.5,
                linestyle=(0, (6, 3)),
                zorder=1.8,
                label=texts.goal,
                gid="goal",
            )
        )
    _draw_cycles(axes, cycles, places)

    size = _marker_size(count)
    axes.plot(xs, values, color=LINE, linewidth=2.5 if count <= 60 else 1.5, zorder=2, gid="data")
    in_shift = {i for span in signals.shifts for i in range(span.first, span.last + 1)}
    team = not all(point.mine for point in points)
    for mine, marker, colour, name in ((True, "o", LINE, texts.mine), (False, "D", OTHERS, texts.others)):
        own = [i for i in xs if points[i].mine is mine]
        if not own:
            continue
        (markers,) = axes.plot(
            own,
            [values[i] for i in own],
            linestyle="none",
            marker=marker,
            markersize=size if mine else size * 0.9,
            color=colour,
            clip_on=False,
            zorder=2.5,
            label=name,
            gid=f"points-{'mine' if mine else 'others'}",
        )
        if team:
            legend.append(markers)
        shifted = [i for i in own if i in in_shift]
        if shifted:  # the same shape, so that her own points stay hers inside a shift
            axes.plot(
                shifted,
                [values[i] for i in shifted],
                linestyle="none",
                marker=marker,
                markersize=size * 1.15,
                color=SHIFT,
                clip_on=False,
                zorder=3,
                gid="shift",
            )
    if in_shift:
        legend.append(
            Line2D([], [], linestyle="none", marker="o", markersize=10, color=SHIFT, label=texts.shift)
        )
    for index, span in enumerate(signals.trends):
        (stroke,) = axes.plot(
            *_span_xy(span, values),
            color=TREND,
            linewidth=max(10.0, 2.2 * size),
            solid_capstyle="round",
            alpha=0.85,
            zorder=1.5,
            label=texts.trend,
            gid="trend",
        )
        if index == 0:
            legend.append(stroke)
    if signals.astronomical:
        (circles,) = axes.plot(
            list(signals.astronomical),
            [values[i] for i in signals.astronomical],
            linestyle="none",
            marker="o",
            markersize=2 * size + 8,
            markerfacecolor="none",
            markeredgecolor=ASTRONOMICAL,
            markeredgewidth=3,
            clip_on=False,
            zorder=4,
            label=texts.astronomical,
            gid="astronomical",
        )
        legend.append(circles)
    legend_rows = 0
    if legend:
        labels = [str(handle.get_label()) for handle in legend]
        columns = _legend_columns(labels, ruler)
        legend_rows = -(-len(labels) // columns)
        box = axes.legend(
            handles=legend,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=columns,
            fontsize=LEGEND_PT,
            frameon=False,
        )  # above the plot, where it never hides a point
        for text in box.get_texts():
            text.set_parse_math(False)
    height = PLOT_HEIGHT_PX - TITLE_LINE_PX * title.count("\n") - LEGEND_ROW_PX * legend_rows
    label_rows = max((row + 1 for row, _ in places), default=0)
    axes.set_ylim(*_y_range(values, median, goal, label_rows, height))
    return figure


def run_chart_png(
    points: Sequence[ChartPoint],
    signals: Signals,
    goal: float | None,
    cycles: Sequence[CycleMark],
    texts: RunChartTexts,
) -> bytes:
    """The figure as PNG bytes, ready to send as a photo."""
    out = BytesIO()
    run_chart_figure(points, signals, goal, cycles, texts).savefig(out, format="png")
    return out.getvalue()


def _marker_size(count: int) -> float:
    """Points per marker: big for a few points, smaller as they crowd, never a blur or a dot."""
    return min(9.0, max(2.5, 9.0 * math.sqrt(30 / count)))


def _span_xy(span: Span, values: Sequence[float]) -> tuple[list[int], list[float]]:
    xs = list(range(span.first, span.last + 1))
    return xs, [values[i] for i in xs]


class _Ruler:
    """Widths of texts as the figure will draw them, in pixels, so that labels in any language
    are placed and wrapped by their real size rather than a guess per character."""

    def __init__(self) -> None:
        self._fonts = TextToPath()  # one per chart: nothing shared between the bot's threads

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        prop = FontProperties(size=size, weight=weight)
        return self._fonts.get_text_width_height_descent(text, prop, ismath=False)[0] * DPI / 72

    def wrap(self, title: str, size: float) -> str:
        """The title on as few lines as fit the figure's width, at most TITLE_LINES; what is left
        after that is cut with an ellipsis (a measure is named, not described, in a title)."""
        room = WIDTH_PX - 40
        lines: list[str] = []
        for word in title.split():
            if lines and self.width(f"{lines[-1]} {word}", size, "bold") <= room:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        if len(lines) > TITLE_LINES:
            last = " ".join(lines[TITLE_LINES - 1 :])
            while last and self.width(f"{last}…", size, "bold") > room:
                last = last[:-1].rstrip()
            lines = [*lines[: TITLE_LINES - 1], f"{last}…"]
        return "\n".join(lines)


def _cycle_places(
    cycles: Sequence[CycleMark], x_range: tuple[float, float], ruler: _Ruler
) -> list[tuple[int, bool]]:
    """Where each cycle's label goes: its row (0 the top one) and whether it reads leftward of its
    line (when the room right of the line, up to the edge, is too small). A label takes the first
    row in which it touches no label already placed, so that cycles close together stay legible;
    past LABEL_ROWS rows it goes back to the top row and may overlap."""
    low, high = x_range
    px_per_x = PLOT_WIDTH_PX / (high - low)
    gap = 5 * DPI / 72  # the label's offset from its line
    placed: list[list[tuple[float, float]]] = [[] for _ in range(LABEL_ROWS)]
    places = []
    for cycle in cycles:
        at = cycle.first - 0.5
        width = ruler.width(cycle.label, CYCLE_PT) + gap
        leftward = (high - at) * px_per_x < width < (at - low) * px_per_x
        left = at * px_per_x - width if leftward else at * px_per_x
        right = left + width
        row = next((r for r, taken in enumerate(placed) if all(right < a or left > b for a, b in taken)), 0)
        placed[row].append((left, right))
        places.append((row, leftward))
    return places


def _draw_cycles(axes: Axes, cycles: Sequence[CycleMark], places: Sequence[tuple[int, bool]]) -> None:
    """One vertical line just before each cycle's first point, its label near the top."""
    for cycle, (row, leftward) in zip(cycles, places, strict=True):
        x = cycle.first - 0.5
        axes.axvline(x, color=CYCLE, linewidth=2, zorder=1.2, gid="cycle")
        axes.annotate(
            cycle.label,
            xy=(x, 1.0),
            xycoords=axes.get_xaxis_transform(),
            xytext=(-5 if leftward else 5, -4 - row * ROW_PT),
            textcoords="offset points",
            ha="right" if leftward else "left",
            va="top",
            fontsize=CYCLE_PT,
            color="#595959",
            parse_math=False,
            gid="cycle-label",
        )


def _y_range(
    values: Sequence[float], median: float | None, goal: float | None, rows: int, height: float
) -> tuple[float, float]:
    """From just below the lowest to just above the highest of the points, the median and the
    goal (a goal far away squeezes the points but stays in sight), plus a strip at the top for
    `rows` rows of cycle labels, so that they never sit on a point (`height`: the axes' in px)."""
    levels = [v for v in (*values, median, goal) if v is not None and math.isfinite(v)] or [0.0]
    low, high = min(levels), max(levels)
    if high == low:  # all equal: a band around them rather than a zero-height axis
        half = max(abs(high) * 0.1, 1.0)
        low, high = low - half, high + half
    span = high - low
    bottom, top = low - PAD * span, high + PAD * span
    strip = min(0.5, (8 + rows * ROW_PT) * DPI / 72 / height) if rows else 0.0
    return bottom, top + (top - bottom) * strip / (1 - strip)


def _legend_columns(labels: Sequence[str], ruler: _Ruler) -> int:
    """As many columns (at most four) as fit the plot's width (a wider legend would make
    constrained layout narrow the plot), so the legend takes few rows.
    Entries fill columns top to bottom, the first columns taking any extra, as matplotlib does."""
    em = LEGEND_PT * DPI / 72
    widths = [ruler.width(label, LEGEND_PT) + 2.8 * em for label in labels]  # handle, pad, text
    for columns in range(min(4, len(widths)), 1, -1):
        tall, extra = divmod(len(widths), columns)
        start, total = 0, 2 * em * (columns - 1)  # the spacing between columns
        for column in range(columns):
            end = start + tall + (column < extra)
            total += max(widths[start:end])
            start = end
        if total <= PLOT_WIDTH_PX:
            return columns
    return 1
