"""A project's run chart and the words under it: the store's rows become the chart's points in
time order, with the baseline (the points before the first change was tried), the cycles'
boundaries and the signals (flows.runchart, by the content's rule set); the caption says in
plain words what the signals mean and whether the direction is the good one, within Telegram's
caption limit. The painter (run_chart.py, matplotlib) draws these points and words; it is
imported only where a chart is drawn."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

from flows.bounds import CAPTION_LIMIT
from flows.content import Content
from flows.dates import day_label, month_names
from flows.i18n import PDSA_PERIODS, Catalog
from flows.measures import shown_number
from flows.runchart import RuleSet, Signals, detect
from store.models import Cycle, DataPoint, Project


@dataclass(frozen=True)
class ChartPoint:
    day: date
    value: float
    mine: bool = True  # in a team project: logged by the person who will see the chart


@dataclass(frozen=True)
class CycleMark:
    first: int  # index of the cycle's first point; may be len(points) (no point yet: right edge)
    label: str  # e.g. "Cycle 2"


@dataclass(frozen=True)
class RunChartTexts:
    title: str  # the measure, e.g. "Visits kept (%)"
    y_label: str  # the unit, e.g. "%"
    median: str  # legend: "Usual level"
    goal: str  # legend: "Goal"
    shift: str  # legend: "Long run on one side"
    trend: str  # legend: "Steady rise or fall"
    astronomical: str  # legend: "Unusual point"
    mine: str  # legend for her own points in a team chart, "You"
    others: str  # legend for the others' points, "Others"
    no_points: str  # written in the middle when there is no point yet
    months: Sequence[str]  # the twelve short month names in her language


@dataclass(frozen=True)
class RunChart:
    """Everything the chart and its caption need, read from the store in one go."""

    project: Project
    points: list[ChartPoint]
    signals: Signals
    cycles: list[CycleMark]
    lang: str

    def png(self, catalog: Catalog) -> bytes:
        """Drawn by the painter, imported here: only the clock draws, so only its render path
        loads matplotlib, never the answer to a chat message."""
        from services.pdsa.run_chart import run_chart_png

        texts = chart_texts(catalog, self.lang, self.project.measure, self.project.unit)
        return run_chart_png(self.points, self.signals, self.project.goal, self.cycles, texts)


def chart_texts(catalog: Catalog, lang: str, measure: str, unit: str) -> RunChartTexts:
    """The chart's words in her language: the measure as its title, its unit on the y axis."""
    say = partial(catalog.say, lang)
    return RunChartTexts(
        title=measure,
        y_label=unit,
        median=say("pdsa.chart.median"),
        goal=say("pdsa.chart.goal"),
        shift=say("pdsa.chart.shift"),
        trend=say("pdsa.chart.trend"),
        astronomical=say("pdsa.chart.astronomical"),
        mine=say("pdsa.chart.mine"),
        others=say("pdsa.chart.others"),
        no_points=say("pdsa.chart.no_points"),
        months=month_names(catalog, lang),
    )


def run_chart(
    project: Project,
    cycles: Sequence[Cycle],
    points: Sequence[DataPoint],
    viewer_id: int,
    zone: ZoneInfo,
    lang: str,
    content: Content,
) -> RunChart:
    """`points` in time order, judged by the content's rule set (Anhøj's without a pdsa.yaml).
    In a team project the viewer's own points stand out."""
    catalog = content.catalog
    rules = content.pdsa.rules if content.pdsa is not None else RuleSet.ANHOEJ
    team = project.team_id is not None
    chart_points = [ChartPoint(p.day, p.value, mine=not team or p.person_id == viewer_id) for p in points]
    started = [(c, c.started_at.astimezone(zone).date()) for c in cycles if c.started_at is not None]
    marks = [
        CycleMark(
            sum(1 for p in points if p.day < day), catalog.say(lang, "pdsa.chart.cycle", number=c.number)
        )
        for c, day in started
    ]
    baseline = marks[0].first if marks else None
    signals = detect([p.value for p in points], baseline or None, rules)
    return RunChart(project, chart_points, signals, marks, lang)


def caption(chart: RunChart, catalog: Catalog) -> str:
    """What the chart says, in her words: the head, then each signal with its meaning."""
    project, signals, lang = chart.project, chart.signals, chart.lang
    say = partial(catalog.say, lang)
    lines = [say("pdsa.caption.head", measure=project.measure, count=signals.points)]
    if signals.median is not None:
        lines[0] += " " + say("pdsa.caption.median", median=shown_number(signals.median), unit=project.unit)
    if project.goal is not None:
        lines[0] += " " + say("pdsa.caption.goal", goal=shown_number(project.goal), unit=project.unit)
    if not signals.enough:
        return _fit([*lines, say("pdsa.caption.early")])
    lines += signal_sentences(chart, catalog) or [say("pdsa.caption.none")]
    return _fit(lines)


def signal_sentences(chart: RunChart, catalog: Catalog) -> list[str]:
    """A sentence in plain words for each signal of the chart's rule set (the latest long run and
    trend, too few or too many crossings, the last two unusual points): what it means for her
    change and whether it goes the way she wants, said once for one direction."""
    project, signals, lang, points = chart.project, chart.signals, chart.lang, chart.points
    say = partial(catalog.say, lang)
    periods = say(PDSA_PERIODS.key(project.frequency))
    months = month_names(catalog, lang)
    judged: set[int] = set()  # directions already said to be wanted or not

    def day(index: int) -> str:
        when: date = points[index].day
        return day_label(when, months)

    def verdict(direction: int) -> str:
        if direction in judged:
            return ""
        judged.add(direction)
        up = direction > 0
        return " " + say("pdsa.caption.good" if up == project.higher_is_better else "pdsa.caption.bad")

    found = []
    if signals.shifts:
        span = signals.shifts[-1]
        count = sum(1 for i in range(span.first, span.last + 1) if points[i].value != signals.median)
        shift = "pdsa.caption.shift_above" if span.direction > 0 else "pdsa.caption.shift_below"
        words = say(shift, count=count, periods=periods, day=day(span.first), most=signals.longest_run)
        found.append(words + verdict(span.direction))
    if signals.trends:
        span = signals.trends[-1]
        values = [points[i].value for i in range(span.first, span.last + 1)]
        count = 1 + sum(
            1 for before, after in itertools.pairwise(values) if after != before
        )  # ties don't count
        trend = "pdsa.caption.trend_up" if span.direction > 0 else "pdsa.caption.trend_down"
        found.append(say(trend, count=count, periods=periods, day=day(span.first)) + verdict(span.direction))
    fewest, most = signals.crossings_range or (0, None)
    if signals.too_few_crossings:
        side = signals.latest_side
        few = "pdsa.caption.few_crossings_above" if side > 0 else "pdsa.caption.few_crossings_below"
        found.append(say(few, crossings=signals.crossings, fewest=fewest) + verdict(side))
    if signals.too_many_crossings:
        found.append(say("pdsa.caption.many_crossings", crossings=signals.crossings, most=most))
    for index in signals.astronomical[-2:]:
        found.append(
            say("pdsa.caption.astronomical", day=day(index), value=shown_number(points[index].value))
        )
    return found


def _fit(lines: list[str]) -> str:
    """Whole sentences up to the caption limit; the first always (cut if it must be)."""
    text = lines[0][:CAPTION_LIMIT]
    for line in lines[1:]:
        if len(text) + 2 + len(line) > CAPTION_LIMIT:
            break
        text += "\n\n" + line
    return text
