"""Run-chart rules: is the change in a measure real, or chance? Pure arithmetic on a series in
time order, beside the engine; no plotting, Telegram or clock here (the chart and its caption
are drawn from what this returns).

Every comparison is exact. The values are first turned into integers on one common scale (an
int is itself; a float is the decimal it prints as, 7.5 = 75/10), so "on the median", "equal to
the previous point" and "outside the limits" never depend on float rounding, and adding an
integer constant to every point moves the median and the limits by that constant and changes no
signal. Only the reported median and limits are rounded, once, to the nearest float."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

ENOUGH = 10  # fewer points: too early to judge
SHIFT = 6  # points in a row on one side of the median
TREND = 5  # points in a row going one way
XMR_FROM = 15  # points before an individuals chart's limits decide an astronomical point
BASELINE_DEFAULT = 12  # points the median is taken from when no change was tested yet

# Fewest and most runs expected by chance, by the number of useful observations (points not on
# the median): a count below the first or above the second is a signal.
#
# Source: Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical tool for learning
# from variation in healthcare processes. BMJ Qual Saf 2011;20:46-51, Table 1 "Checking for too
# many or too few runs on a run chart. Table is based on about a 5% risk of failing the run test
# for random patterns of data", "Source: Adapted from Swed and Eisenhart" (Ann Math Stat
# 1943;14:66-87). Transcribed from an image of the printed table kept in the public repository
# github.com/alioh/IHI-QI104, img/L2-4.jpg (commit 948fd5f); the same repository's notes of the
# IHI Open School course QI 104 (_posts/2020-04-08-L2 ...md) give rows 10-15 as text, identical.
#
# Cross-checks (tests/unit/test_runchart.py repeats the first and the last, and holds the table
# again as the printed columns):
# - Exact Swed-Eisenhart distribution with n1 = n // 2 points on one side and the rest on the
#   other, 2.5% in each tail: 33 of the 51 rows are equal; 11, 12, 17, 20, 22, 23, 25, 29, 32,
#   35, 37, 41, 43, 53, 55, 56, 57 and 59 differ by one run at one or both ends (the printed
#   table is "adapted"; 20 is 6-16 printed, 7-15 exact). No row is off by more than one, and no
#   tail of any row exceeds 5% (largest: 3.95%, the upper tail at 56; two tails together
#   0.4% to 6.0%). The published values are kept as printed, since callers cite this table.
# - A second, independent transcription of rows 10-40 found in public code (a JavaScript
#   attendance tool's RUNS_LIMITS) agrees except at 27, 29, 30, 33, 35, 37 and 39, each off by
#   one; there it matches neither the image nor the exact bounds, except at 29 (10-21, exact).
#   The image of the printed table is taken as authoritative. A row quoted elsewhere (24: 8-18,
#   on unaettie.com's run-chart page) agrees with it.
# - The normal approximation used past the table (_runs_range) gives 24-38 at n = 60, the
#   table's own last row, so the limits do not jump where the table ends.
_RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12),
    16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16),
    22: (7, 17), 23: (7, 17), 24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (10, 19),
    28: (10, 20), 29: (10, 20), 30: (11, 21), 31: (11, 22), 32: (11, 23), 33: (12, 23),
    34: (12, 24), 35: (12, 24), 36: (13, 25), 37: (13, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27), 41: (15, 27), 42: (16, 28), 43: (16, 28), 44: (17, 29), 45: (17, 30),
    46: (17, 31), 47: (18, 31), 48: (18, 32), 49: (19, 32), 50: (19, 33), 51: (20, 33),
    52: (20, 34), 53: (21, 34), 54: (21, 35), 55: (22, 35), 56: (22, 35), 57: (23, 36),
    58: (23, 37), 59: (24, 38), 60: (24, 38),
}  # fmt: skip
_TABLE_FROM, _TABLE_TO = min(_RUNS_TABLE), max(_RUNS_TABLE)
_Z2_NUM, _Z2_DEN = 196**2, 100**2  # 1.96 squared, as a fraction: 95% two-sided normal band
_XMR_NUM, _XMR_DEN = 266, 100  # 2.66 = 3 / d2 (d2 = 1.128 for moving ranges of two)


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
    median: float | None  # the baseline median (None for an empty series)
    baseline: int  # how many points, from the first, the median was taken from
    useful: int  # points not on the median
    runs: int  # runs about the median among the useful points
    runs_range: tuple[int, int] | None  # fewest and most runs expected by chance; None below ENOUGH useful
    shifts: tuple[Span, ...]
    trends: tuple[Span, ...]
    limits: tuple[float, float] | None  # XmR lower and upper limits; None below XMR_FROM points
    astronomical: tuple[int, ...]  # indices of points outside the limits

    @property
    def enough(self) -> bool:
        return self.points >= ENOUGH

    @property
    def too_few_runs(self) -> bool:
        return self.runs_range is not None and self.runs < self.runs_range[0]

    @property
    def too_many_runs(self) -> bool:
        return self.runs_range is not None and self.runs > self.runs_range[1]


def detect(values: Sequence[float], baseline: int | None = None) -> Signals:
    """The signals in `values` (oldest first, finite numbers). `baseline` is how many points came
    before the first change was tested; with none (None, 0 or less), the first BASELINE_DEFAULT
    points make it; more than the series has means all of it. The median of those points is the
    centre line for the whole series, so later points are judged against the time before.

    Raises ValueError for NaN or infinite values: no honest side or limit exists for them."""
    count = len(values)
    if count == 0:
        return Signals(0, None, 0, 0, 0, None, (), (), None, ())
    xs, scale = _exact_integers(values)
    base = min(baseline if baseline is not None and baseline > 0 else BASELINE_DEFAULT, count)
    middle = sorted(xs[:base])
    half = base // 2
    twice_median = 2 * middle[half] if base % 2 else middle[half - 1] + middle[half]
    useful, runs, shifts = _runs_and_shifts(xs, twice_median)
    limits, astronomical = _xmr(xs, scale)
    return Signals(
        points=count,
        median=_to_float(twice_median, 2 * scale),
        baseline=base,
        useful=useful,
        runs=runs,
        runs_range=_runs_range(useful),
        shifts=shifts,
        trends=_trends(xs),
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


def _runs_and_shifts(xs: list[int], twice_median: int) -> tuple[int, int, tuple[Span, ...]]:
    """Useful points, runs among them, and every maximal shift. A point on the median is skipped:
    it neither ends a run nor counts in one, so 3 above, 1 on, 3 above is a shift of six."""
    useful = runs = length = 0
    side = first = last = 0
    shifts: list[Span] = []
    for index, x in enumerate(xs):
        doubled = 2 * x
        if doubled == twice_median:
            continue
        now = 1 if doubled > twice_median else -1
        useful += 1
        if now == side:
            length += 1
        else:
            if length >= SHIFT:
                shifts.append(Span(first, last, side))
            runs += 1
            side, first, length = now, index, 1
        last = index
    if length >= SHIFT:
        shifts.append(Span(first, last, side))
    return useful, runs, tuple(shifts)


def _trends(xs: list[int]) -> tuple[Span, ...]:
    """Every maximal trend: TREND or more points each above (or each below) the one before, once
    points equal to their predecessor are dropped (a repeat neither breaks nor counts). Two trends
    may share their turning point: up to a peak, then down from it."""
    trends: list[Span] = []
    previous = xs[0]
    kept = 0  # index of the last point kept
    direction = length = start = 0  # length: points in the current monotone stretch
    for index in range(1, len(xs)):
        x = xs[index]
        if x == previous:
            continue
        step = 1 if x > previous else -1
        if step == direction:
            length += 1
        else:
            if length >= TREND:
                trends.append(Span(start, kept, direction))
            direction, start, length = step, kept, 2
        kept, previous = index, x
    if length >= TREND:
        trends.append(Span(start, kept, direction))
    return tuple(trends)


def _runs_range(useful: int) -> tuple[int, int] | None:
    """Fewest and most runs expected by chance among `useful` points: Perla's Table 1 for 10 to
    60; beyond it the normal approximation for n/2 points on each side, mean 1 + n/2 and
    sd = sqrt(n(n - 2) / (4(n - 1))), kept to the whole numbers of runs inside mean +- 1.96 sd
    (lower rounded up, upper down): the fewest and most that are still unsurprising. Computed in
    integers: 2 * (mean - lower) is the largest w of n's parity with w*w <= (2 * 1.96 sd)**2,
    which is exact because the band's ends are never whole numbers (sd is irrational)."""
    if useful < _TABLE_FROM:
        return None
    if useful <= _TABLE_TO:
        return _RUNS_TABLE[useful]
    n = useful
    width = math.isqrt(_Z2_NUM * n * (n - 2) // (_Z2_DEN * (n - 1)))  # floor(2 * 1.96 * sd)
    if (width - n) % 2:
        width -= 1
    return (n + 2 - width) // 2, (n + 2 + width) // 2


def _xmr(xs: list[int], scale: int) -> tuple[tuple[float, float] | None, tuple[int, ...]]:
    """Individuals-chart limits mean +- 2.66 * mean moving range, and the points strictly outside.
    With S = sum, R = sum of moving ranges and n points, x is outside when
    |100 n (n - 1) x - 100 (n - 1) S| > 266 n R: the limits' definition times 100 n (n - 1), so
    the test is exact and blind to adding a constant to every point."""
    count = len(xs)
    if count < XMR_FROM:
        return None, ()
    total = sum(xs)
    ranges = sum(abs(b - a) for a, b in pairwise(xs))
    factor = _XMR_DEN * count * (count - 1)
    centre = _XMR_DEN * (count - 1) * total
    spread = _XMR_NUM * count * ranges
    outside = tuple(i for i, x in enumerate(xs) if abs(factor * x - centre) > spread)
    denominator = factor * scale
    limits = (_to_float(centre - spread, denominator), _to_float(centre + spread, denominator))
    return limits, outside
