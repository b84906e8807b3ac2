"""The chart in a supervisor's weekly summary: her team's wellbeing (1–5) week by week, the
average as a line and lowest to highest as a band, never a name; and a worker's own chart
(/mytrend), her answers as the line and no band. It is sized and lettered to be
read on a phone (900×600 px, 15 pt ticks). It is drawn on a `Figure` with its own Agg canvas,
never through pyplot, whose global figure registry is unsafe from the bot's worker threads;
nothing here is global, and rcParams are only read, every style that matters is set here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from statistics import fmean

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from flows.dates import day_label

MOST_LABELS = 8  # x labels whatever the number of weeks: more would touch at 15 pt on 900 px
LINE = "#1f4e79"
BAND = "#9dc3e6"


@dataclass(frozen=True)
class ChartTexts:
    title: str  # e.g. "Team wellbeing, last 8 weeks"
    y_label: str  # e.g. "Wellbeing (1–5)"
    average: str  # legend label of the line, e.g. "Team average"
    spread: str | None  # legend label of the band, e.g. "Lowest to highest"; None: one person's, no band
    no_answers: str  # written in the middle of the chart when no week has any answer
    months: Sequence[str]  # the twelve short month names in her language, e.g. "Jan" … "Dec"


def labelled_positions(count: int, most: int = MOST_LABELS) -> list[int]:
    """Which of positions 0..count-1 get a date under them: at most `most`, evenly spaced and
    counted back from the latest, which is always labelled (it is the one she looks for)."""
    step = math.ceil(count / most) or 1
    return list(range(count))[::-1][::step][::-1]


def wellbeing_figure(weeks: Sequence[date], scores: Sequence[Sequence[int]], texts: ChartTexts) -> Figure:
    """weeks[i] is the first day of week i (oldest first); scores[i] the wellbeing answers given that
    week (any number, possibly none)."""
    nan = math.nan
    means, lows, highs = [], [], []
    for _, answers in zip(weeks, scores, strict=True):
        means.append(fmean(answers) if answers else nan)  # no answers is a gap, not a zero
        lows.append(min(answers) if answers else nan)
        highs.append(max(answers) if answers else nan)
    xs = list(range(len(weeks)))

    figure = Figure(figsize=(9, 6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    figure.suptitle(texts.title, fontsize=22, fontweight="bold")
    axes.set_ylabel(texts.y_label, fontsize=17)
    axes.set_ylim(1, 5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_xlim(-0.5, max(len(weeks), 1) - 0.5)
    ticks = labelled_positions(len(weeks))
    axes.set_xticks(ticks, [day_label(weeks[i], texts.months) for i in ticks])
    axes.tick_params(labelsize=15)
    axes.grid(axis="y", color="#d9d9d9")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)

    if any(scores):
        handles = []
        if texts.spread is not None:
            band = axes.fill_between(xs, lows, highs, color=BAND, alpha=0.6, linewidth=0, label=texts.spread)
            # a band needs two weeks in a row: a week on its own gets its lowest to highest as a bar
            answered = [False, *(bool(answers) for answers in scores), False]  # padded: i is answered[i + 1]
            alone = [i for i in xs if answered[i + 1] and not (answered[i] or answered[i + 2])]
            ends = [lows[i] for i in alone], [highs[i] for i in alone]
            axes.vlines(alone, *ends, color=BAND, alpha=0.6, linewidth=16)
            handles.append(band)
        # not clipped, so that a marker at 1 or 5 stays whole
        (line,) = axes.plot(
            xs, means, color=LINE, linewidth=3, marker="o", markersize=9, clip_on=False, label=texts.average
        )
        axes.legend(
            handles=[line, *handles],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=2,
            fontsize=15,
            frameon=False,
        )  # above the plot, where it never hides a week
    else:
        axes.text(0.5, 0.5, texts.no_answers, transform=axes.transAxes, ha="center", va="center", fontsize=18)
    return figure


def wellbeing_png(weeks: Sequence[date], scores: Sequence[Sequence[int]], texts: ChartTexts) -> bytes:
    """The figure as PNG bytes."""
    out = BytesIO()
    wellbeing_figure(weeks, scores, texts).savefig(out, format="png")
    return out.getvalue()
