"""The IHI's run-chart rules (`rules: ihi` in pdsa.yaml), as taught in the IHI Open School and
by Perla, Provost & Murray (BMJ Qual Saf 2011): a shift of SHIFT points on one side of the centre
line, a trend of TREND points going one way, too few or too many runs by their Table 1, and an
astronomical point outside an individuals (XmR) chart's limits. Fixed limits, whatever the
length of the series: a long random series signals far more often than a short one (the
figures are in README.md, PDSA). Exact integer arithmetic on the values flows.runchart scaled.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import NamedTuple

SHIFT = 6  # points in a row on one side of the median
LONGEST_RUN = SHIFT - 1  # the longest run chance makes: a longer one is a shift
TREND = 5  # points in a row going one way
XMR_FROM = 15  # points before an individuals chart's limits decide an astronomical point

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
_TABLE_FROM, _TABLE_TO = min(_RUNS_TABLE), max(_RUNS_TABLE)
_Z2_NUM, _Z2_DEN = 196**2, 100**2  # 1.96 squared, as a fraction: 95% two-sided normal band
_XMR_NUM, _XMR_DEN = 266, 100  # 2.66 = 3 / d2 (d2 = 1.128 for moving ranges of two)


class XmR(NamedTuple):
    """The individuals chart's limits, exactly: (centre -+ spread) / (factor * scale) in the
    values' own units, and the indices of the points strictly outside them."""

    centre: int
    spread: int
    factor: int
    outside: tuple[int, ...]


def crossings_range(useful: int) -> tuple[int, int] | None:
    """Fewest and most crossings of the median chance makes among `useful` points: the runs
    range less one (each crossing starts a new run); None below the table's first row."""
    runs = _runs_range(useful)
    return None if runs is None else (runs[0] - 1, runs[1] - 1)


def trends(xs: list[int]) -> tuple[tuple[int, int, int], ...]:
    """Every maximal trend as (first, last, direction): TREND or more points each above (or each
    below) the one before, once points equal to their predecessor are dropped (a repeat neither
    breaks nor counts). Two trends may share their turning point: up to a peak, then down."""
    found: list[tuple[int, int, int]] = []
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
                found.append((start, kept, direction))
            direction, start, length = step, kept, 2
        kept, previous = index, x
    if length >= TREND:
        found.append((start, kept, direction))
    return tuple(found)


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


def xmr(xs: list[int]) -> XmR | None:
    """Individuals-chart limits mean +- 2.66 * mean moving range, and the points strictly outside;
    None below XMR_FROM points. With S = sum, R = sum of moving ranges and n points, x is outside
    when |100 n (n - 1) x - 100 (n - 1) S| > 266 n R: the limits' definition times 100 n (n - 1),
    so the test is exact and blind to adding a constant to every point."""
    count = len(xs)
    if count < XMR_FROM:
        return None
    total = sum(xs)
    ranges = sum(abs(b - a) for a, b in pairwise(xs))
    factor = _XMR_DEN * count * (count - 1)
    centre = _XMR_DEN * (count - 1) * total
    spread = _XMR_NUM * count * ranges
    return XmR(
        centre, spread, factor, tuple(i for i, x in enumerate(xs) if abs(factor * x - centre) > spread)
    )
