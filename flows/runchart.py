"""Run-chart rules: is the change in a measure real, or chance? Pure arithmetic on a series in
time order, beside the engine; no plotting, Telegram or clock here (the chart and its caption
are drawn from what this returns). Two rule sets judge the series against the same centre line,
the baseline median: Anhøj's (flows/anhoej.py, the default) and the IHI's (flows/ihi.py);
content chooses (`rules:` in pdsa.yaml). This module holds what both share: the exact values,
the median and the runs about it.

Every comparison is exact. The values are first turned into integers on one common scale (an
int is itself; a float is the decimal it prints as, 7.5 = 75/10), so "on the median", "equal to
the previous point" and "outside the limits" never depend on float rounding, and adding an
integer constant to every point moves the median and the limits by that constant and changes no
signal. Only the reported median and limits are rounded, once, to the nearest float."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from flows import anhoej, ihi

ENOUGH = 10  # fewer points: too early to judge
BASELINE_DEFAULT = 12  # points the median is taken from when no change was tested yet


class RuleSet(StrEnum):
    """Which rules judge a chart (`rules:` in pdsa.yaml)."""

    ANHOEJ = "anhoej"  # two signals whose limits grow with the points: about 5% false signals
    IHI = "ihi"  # shift 6, trend 5, Perla's runs table, XmR astronomical points


@dataclass(frozen=True)
class Span:
    """Points first..last (indices into the series, inclusive); direction +1 is above the median
    (a shift) or going up (a trend), -1 below or going down. Points skipped by the rule (on the
    median, or repeating the previous value) may lie inside; first and last are counted ones."""

    first: int
    last: int
    direction: int


@dataclass(frozen=True)
class Signals:
    points: int
    median: float | None  # the baseline median, the centre line (None for an empty series)
    baseline: int  # how many points, from the first, the median was taken from
    useful: int  # points not on the median
    crossings: int  # times the useful points cross the median (one less than their runs)
    latest_side: int  # where the latest useful point is: +1 above the median, -1 below, 0 none
    longest_run: int  # the longest run on one side chance makes: a longer one is a shift
    # Fewest and most crossings chance makes (most: None under Anhøj, which has no such signal);
    # None when there are too few useful points to judge.
    crossings_range: tuple[int, int | None] | None
    shifts: tuple[Span, ...]  # every run on one side longer than longest_run
    trends: tuple[Span, ...]  # IHI only
    limits: tuple[float, float] | None  # XmR lower and upper limits (IHI only, from 15 points)
    astronomical: tuple[int, ...]  # indices of points outside the limits

    @property
    def enough(self) -> bool:
        return self.points >= ENOUGH

    @property
    def too_few_crossings(self) -> bool:
        return self.crossings_range is not None and self.crossings < self.crossings_range[0]

    @property
    def too_many_crossings(self) -> bool:
        most = None if self.crossings_range is None else self.crossings_range[1]
        return most is not None and self.crossings > most


def detect(values: Sequence[float], baseline: int | None = None, rules: RuleSet = RuleSet.ANHOEJ) -> Signals:
    """The signals in `values` (oldest first, finite numbers) by `rules`. `baseline` is how many
    points came before the first change was tested; with none (None, 0 or less), the first
    BASELINE_DEFAULT points make it; more than the series has means all of it. The median of
    those points is the centre line for the whole series, so later points are judged against the
    time before, by either rule set.

    Raises ValueError for NaN or infinite values: no honest side or limit exists for them."""
    count = len(values)
    if count == 0:
        return Signals(0, None, 0, 0, 0, 0, 0, None, (), (), None, ())
    xs, scale = _exact_integers(values)
    base = min(baseline if baseline is not None and baseline > 0 else BASELINE_DEFAULT, count)
    middle = sorted(xs[:base])
    half = base // 2
    twice_median = 2 * middle[half] if base % 2 else middle[half - 1] + middle[half]
    runs = _runs(xs, twice_median)
    useful = sum(length for *_, length in runs)
    trends: tuple[Span, ...] = ()
    limits: tuple[float, float] | None = None
    astronomical: tuple[int, ...] = ()
    crossings_range: tuple[int, int | None] | None
    if rules is RuleSet.IHI:
        longest, crossings_range = ihi.LONGEST_RUN, ihi.crossings_range(useful)
        trends = tuple(Span(*trend) for trend in ihi.trends(xs))
        if (chart := ihi.xmr(xs)) is not None:
            scaled = chart.factor * scale
            limits = (
                _to_float(chart.centre - chart.spread, scaled),
                _to_float(chart.centre + chart.spread, scaled),
            )
            astronomical = chart.outside
    else:
        longest = anhoej.longest_run(useful)
        crossings_range = (anhoej.fewest_crossings(useful), None) if useful else None
    return Signals(
        points=count,
        median=_to_float(twice_median, 2 * scale),
        baseline=base,
        useful=useful,
        crossings=max(len(runs) - 1, 0),
        latest_side=runs[-1][2] if runs else 0,
        longest_run=longest,
        crossings_range=crossings_range,
        shifts=tuple(Span(first, last, side) for first, last, side, length in runs if length > longest),
        trends=trends,
        limits=limits,
        astronomical=astronomical,
    )


def _exact_integers(values: Sequence[float]) -> tuple[list[int], int]:
    """The values as integers x_i and one scale s (a power of ten) with value_i == x_i / s.

    A float is read as the shortest decimal that prints it, which is what a person typed: 2.3
    is 23/10, not the binary number nearest it, so 2.3 lies on the median of 2.1 and 2.5."""
    if all(type(value) is int for value in values):  # the common case, and the fastest
        return [int(value) for value in values], 1
    parts = [(int(value), 0) if isinstance(value, int) else _decimal(value) for value in values]
    lowest = min(exponent for _, exponent in parts)
    if lowest >= 0:
        return [digits * 10**exponent for digits, exponent in parts], 1
    powers = {exponent: 10 ** (exponent - lowest) for exponent in {e for _, e in parts}}
    return [digits * powers[exponent] for digits, exponent in parts], 10**-lowest


def _decimal(value: float) -> tuple[int, int]:
    """(digits, exponent) with value == digits * 10**exponent, read from the float's repr."""
    text = repr(float(value))  # float() also unwraps numpy scalars, whose repr differs
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    try:
        return int(whole + fraction), int(exponent or 0) - len(fraction)
    except ValueError:  # "nan", "inf"
        raise ValueError(f"run-chart values must be finite numbers, not {text}") from None


def _to_float(numerator: int, denominator: int) -> float:
    """numerator / denominator rounded once; beyond the float range, an infinity (never a crash)."""
    try:
        return numerator / denominator
    except OverflowError:
        return math.inf if (numerator < 0) == (denominator < 0) else -math.inf


def _runs(xs: list[int], twice_median: int) -> list[tuple[int, int, int, int]]:
    """Every maximal run on one side of the median as (first, last, side, length). A point on the
    median is skipped: it neither ends a run nor counts in one, so 3 above, 1 on, 3 above is one
    run of six."""
    runs: list[tuple[int, int, int, int]] = []
    side = first = last = length = 0
    for index, x in enumerate(xs):
        doubled = 2 * x
        if doubled == twice_median:
            continue
        now = 1 if doubled > twice_median else -1
        if now == side:
            length += 1
        else:
            if length:
                runs.append((first, last, side, length))
            side, first, length = now, index, 1
        last = index
    if length:
        runs.append((first, last, side, length))
    return runs
