"""Run-chart signals as a team reading its PDSA chart relies on them: the baseline median, shifts
that skip points on the median, trends that skip repeats, too few or too many runs by the
published table (and its normal approximation beyond), astronomical points by XmR limits; exact
arithmetic, so adding a constant to every point never changes a verdict."""

import math
from fractions import Fraction
from functools import partial
from itertools import pairwise
from math import comb
from statistics import median

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.runchart import ENOUGH, RuleSet, Signals, Span, detect

ABOVE, BELOW, CENTRE = 100, 0, 50
ihi = partial(detect, rules=RuleSet.IHI)


def _runs(signals: Signals) -> int:
    """Runs about the median among the useful points: one more than the crossings."""
    return signals.crossings + 1 if signals.useful else 0


def _runs_range(signals: Signals) -> tuple[int, int] | None:
    """The IHI's fewest and most runs (Perla's table is in runs; a signal counts crossings)."""
    if signals.crossings_range is None:
        return None
    fewest, most = signals.crossings_range
    assert most is not None
    return fewest + 1, most + 1


def _runs_pattern(useful: int, runs: int) -> Signals:
    """`useful` points off the median in exactly `runs` runs: a first point that is itself the
    baseline median (and so not useful), then runs of BELOW/ABOVE alternating."""
    lengths = [1] * (runs - 1) + [useful - runs + 1]
    values = [CENTRE]
    for number, length in enumerate(lengths):
        values += [ABOVE if number % 2 else BELOW] * length
    signals = ihi(values, baseline=1)
    assert (signals.median, signals.useful, _runs(signals)) == (CENTRE, useful, runs)
    return signals


def _exact_runs_distribution(useful: int) -> dict[int, Fraction]:
    """Swed & Eisenhart: P(R = r) for n1 = useful // 2 points on one side, the rest on the other."""
    n1, n2 = useful // 2, useful - useful // 2
    total = comb(useful, n1)
    probabilities = {}
    for r in range(2, useful + 1):
        k = r // 2
        if r % 2 == 0:
            ways = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        else:
            ways = comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)
        probabilities[r] = Fraction(ways, total)
    return probabilities


def _oracle(values: list[float], baseline: int | None) -> tuple[object, ...]:
    """The rules read literally, slowly, with Fractions: what detect must agree with."""
    exact = [Fraction(repr(float(v))) if isinstance(v, float) else Fraction(v) for v in values]
    n = len(exact)
    base = min(baseline if baseline and baseline > 0 else 12, n)
    centre = median(exact[:base])
    useful = [(i, 1 if x > centre else -1) for i, x in enumerate(exact) if x != centre]
    groups: list[list[tuple[int, int]]] = []
    for point in useful:
        if groups and groups[-1][-1][1] == point[1]:
            groups[-1].append(point)
        else:
            groups.append([point])
    shifts = tuple(Span(g[0][0], g[-1][0], g[0][1]) for g in groups if len(g) >= 6)
    kept = [i for i in range(n) if i == 0 or exact[i] != exact[i - 1]]
    trends = []
    for direction in (1, -1):
        start = 0
        for j in range(1, len(kept) + 1):
            rising = j < len(kept) and (exact[kept[j]] - exact[kept[j - 1]]) * direction > 0
            if not rising:
                if j - start >= 5:
                    trends.append(Span(kept[start], kept[j - 1], direction))
                start = j
    astronomical: tuple[int, ...] = ()
    if n >= 15:
        mean = sum(exact) / n
        moving = sum(abs(b - a) for a, b in pairwise(exact)) / (n - 1)
        low, high = mean - Fraction(266, 100) * moving, mean + Fraction(266, 100) * moving
        astronomical = tuple(i for i, x in enumerate(exact) if x < low or x > high)
    return len(useful), len(groups), shifts, tuple(sorted(trends, key=lambda s: s.first)), astronomical


# --- the empty series and the too-short one ----------------------------------------------------


def test_an_empty_series_has_no_median_and_no_signals():
    signals = ihi([])
    assert signals == Signals(0, None, 0, 0, 0, 0, 0, None, (), (), None, ())
    assert not signals.enough and not signals.too_few_crossings and not signals.too_many_crossings


def test_a_short_series_is_too_early_to_judge_but_still_shows_its_trend():
    signals = ihi([1, 2, 3, 4, 5, 6, 7])
    assert not signals.enough
    assert signals.trends == (Span(0, 6, 1),)
    assert (signals.median, signals.crossings_range, signals.limits) == (4, None, None)


@pytest.mark.parametrize(("points", "enough"), [(ENOUGH - 1, False), (ENOUGH, True)])
def test_ten_points_are_enough_to_judge_nine_are_not(points, enough):
    assert ihi([1, 3] * (points // 2) + [1] * (points % 2)).enough is enough


# --- the baseline median -----------------------------------------------------------------------


def test_the_default_median_comes_from_the_first_twelve_points_only():
    signals = ihi([6, 4] * 6 + [9] * 8)  # first twelve: median 5; all twenty: median 6
    assert (signals.median, signals.baseline) == (5, 12)
    assert signals.shifts == (Span(12, 19, 1),)


def test_a_series_shorter_than_twelve_takes_the_median_of_all_of_it():
    assert (ihi([1, 9, 3, 7, 5]).median, ihi([1, 9, 3, 7, 5]).baseline) == (5, 5)


def test_a_given_baseline_is_the_median_s_source_and_later_points_are_judged_against_it():
    values = [1, 2, 1, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9]
    assert ihi(values).median == 9  # default: the improvement has swallowed the median
    given = ihi(values, baseline=4)
    assert (given.median, given.baseline) == (1.5, 4)
    assert given.shifts == (Span(3, 12, 1),)


@pytest.mark.parametrize("baseline", [None, 0, -3])
def test_no_baseline_zero_or_negative_all_mean_the_default(baseline):
    assert ihi(list(range(20)), baseline).baseline == 12


def test_a_baseline_longer_than_the_series_takes_all_of_it():
    assert ihi([1, 2, 3, 10], baseline=40).baseline == 4
    assert ihi([1, 2, 3, 10], baseline=40).median == 2.5


def test_an_even_baseline_s_median_lies_between_points_so_none_is_on_it():
    signals = ihi([1, 2, 3, 4])
    assert (signals.median, signals.useful, signals.crossings) == (2.5, 4, 1)


def test_decimals_are_the_numbers_typed_so_2_3_is_on_the_median_of_2_1_and_2_5():
    signals = ihi([2.1, 2.5, 2.3, 7.5, 7.5], baseline=2)
    assert signals.median == 2.3
    assert signals.useful == 4  # 2.3 on the median; in binary it would sit just below it


# --- shift --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "shifts"), [(5, ()), (6, (Span(4, 9, -1),))])
def test_six_in_a_row_on_one_side_is_a_shift_five_is_not(length, shifts):
    values = [5, 7, 3, 7] + [1] * length + [7, 3, 7]
    assert ihi(values, baseline=2).shifts == shifts  # median 6


def test_a_point_on_the_median_neither_breaks_a_shift_nor_counts_in_it():
    three_on_three = ihi([1, 9, 8, 8, 8, 5, 8, 8, 8, 1], baseline=2)  # median 5
    assert three_on_three.shifts == (Span(1, 8, 1),)  # 9, 8, 8, 8, (5), 8, 8, 8: seven counted
    exactly_six = ihi([1, 9, 8, 8, 5, 8, 8, 8, 1], baseline=2)
    assert exactly_six.shifts == (Span(1, 7, 1),)  # six counted, one skipped inside
    only_five = ihi([1, 9, 8, 5, 8, 8, 8, 1, 9], baseline=2)
    assert only_five.shifts == ()


def test_every_maximal_shift_is_reported_once():
    signals = ihi([1] + [9] * 8 + [1] * 7 + [9], baseline=2)  # median 5
    assert signals.shifts == (Span(1, 8, 1), Span(9, 15, -1))


# --- trend --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rising", "trends"), [([1, 2, 3, 4], ()), ([1, 2, 3, 4, 5], (Span(2, 6, 1),))])
def test_five_points_going_up_is_a_trend_four_is_not(rising, trends):
    assert ihi([4, 9, *rising, 0, 4]).trends == trends


def test_a_repeated_value_neither_breaks_a_trend_nor_counts_in_it():
    assert ihi([1, 2, 2, 3, 4]).trends == ()  # four distinct steps' worth of points: no trend
    assert ihi([9, 1, 2, 2, 3, 4, 5, 0]).trends == (Span(1, 6, 1),)
    assert ihi([9, 8, 8, 8, 7, 6, 5, 9]).trends == (Span(0, 6, -1),)


def test_a_trend_ends_at_its_last_counted_point_not_at_trailing_repeats():
    assert ihi([1, 2, 3, 4, 5, 5, 5]).trends == (Span(0, 4, 1),)


def test_up_to_a_peak_and_down_from_it_are_two_trends_sharing_the_peak():
    assert ihi([1, 2, 3, 4, 5, 4, 3, 2, 1]).trends == (Span(0, 4, 1), Span(4, 8, -1))


def test_a_flat_or_zigzag_series_has_no_trend():
    assert ihi([5] * 20).trends == ()
    assert ihi([1, 3] * 10).trends == ()


# --- too few or too many runs ------------------------------------------------------------------


def test_runs_are_counted_among_useful_points_only():
    signals = ihi([1, 5, 1, 9, 5, 9, 1], baseline=3)  # median of 1, 5, 1 is 1
    assert (signals.median, signals.useful, _runs(signals)) == (1, 4, 1)
    signals = ihi([0, 10, 5, 0, 5, 10], baseline=3)  # median 5: 0 | 10 | (5) 0 | (5) 10
    assert (signals.useful, _runs(signals)) == (4, 4)


# Perla, Provost & Murray (2011) Table 1, rows as printed (published values, checked by hand).
@pytest.mark.parametrize(
    ("useful", "fewest", "most"), [(10, 3, 9), (12, 3, 11), (20, 6, 16), (30, 11, 21), (60, 24, 38)]
)
def test_the_published_table_decides_too_few_and_too_many_crossings(useful, fewest, most):
    at_fewest = _runs_pattern(useful, fewest)
    assert _runs_range(at_fewest) == (fewest, most)
    assert not at_fewest.too_few_crossings and not at_fewest.too_many_crossings
    assert _runs_pattern(useful, fewest - 1).too_few_crossings
    at_most = _runs_pattern(useful, most)
    assert not at_most.too_few_crossings and not at_most.too_many_crossings
    assert _runs_pattern(useful, most + 1).too_many_crossings


# Beyond the table: mean 1 + n/2, sd sqrt(n(n-2)/(4(n-1))), whole runs inside mean +- 1.96 sd.
# n = 70: 36 +- 1.96 * 4.1529 = 27.86 .. 44.14 -> 28 .. 44; n = 61: 31.5 +- 7.59 -> 24 .. 39.
@pytest.mark.parametrize(("useful", "fewest", "most"), [(61, 24, 39), (70, 28, 44), (200, 88, 114)])
def test_beyond_sixty_useful_points_the_normal_approximation_decides(useful, fewest, most):
    mean = 1 + useful / 2
    sd = math.sqrt(useful * (useful - 2) / (4 * (useful - 1)))
    assert (math.ceil(mean - 1.96 * sd), math.floor(mean + 1.96 * sd)) == (fewest, most)
    assert _runs_range(_runs_pattern(useful, fewest)) == (fewest, most)
    assert _runs_pattern(useful, fewest - 1).too_few_crossings
    assert not _runs_pattern(useful, fewest).too_few_crossings
    assert not _runs_pattern(useful, most).too_many_crossings
    assert _runs_pattern(useful, most + 1).too_many_crossings


def test_fewer_than_ten_useful_points_have_no_runs_range_even_in_a_long_enough_series():
    signals = ihi([5, 1, 9, 1, 9, 1, 9, 1, 9, 1], baseline=1)  # ten points, nine useful
    assert (signals.enough, signals.useful, signals.crossings_range) == (True, 9, None)
    assert not signals.too_many_crossings


# Table 1's two limit columns for 10 to 60 useful points, read down the printed columns (a
# transcription independent of the module's row-by-row dict, so a mistyped row shows here).
LOWER_COLUMN = "3 3 3 4 4 5 5 5 6 6 6 7 7 7 8 8 9 10 10 10 11 11 11 12 12 12 13 13 14 14 15 15 16 16 17 17 17 18 18 19 19 20 20 21 21 22 22 23 23 24 24"
UPPER_COLUMN = "9 10 11 11 12 12 13 13 14 15 16 16 17 17 18 18 19 19 20 20 21 22 23 23 24 24 25 25 26 26 27 27 28 28 29 30 31 31 32 32 33 33 34 34 35 35 35 36 37 38 38"


def test_every_runs_range_from_ten_to_sixty_is_table_1_as_printed():
    printed = list(zip(map(int, LOWER_COLUMN.split()), map(int, UPPER_COLUMN.split()), strict=True))
    assert [_runs_range(_runs_pattern(useful, 2)) for useful in range(10, 61)] == printed


def test_every_table_row_is_within_one_run_of_the_exact_bounds_and_risks_at_most_five_percent():
    """Catches a mistyped row: the printed table is "adapted" from Swed & Eisenhart, so rows may
    differ from the exact 2.5%-per-tail bounds, but never by more than one run, and neither
    tail ever risks more than 5%."""
    for useful in range(10, 61):
        probabilities = _exact_runs_distribution(useful)
        fewest, most = _runs_range(_runs_pattern(useful, 2)) or (0, 0)
        cumulative, exact_fewest = Fraction(0), 0
        for r in sorted(probabilities):
            cumulative += probabilities[r]
            if cumulative > Fraction(1, 40):
                exact_fewest = r
                break
        cumulative, exact_most = Fraction(0), 0
        for r in sorted(probabilities, reverse=True):
            cumulative += probabilities[r]
            if cumulative > Fraction(1, 40):
                exact_most = r
                break
        assert abs(fewest - exact_fewest) <= 1 and abs(most - exact_most) <= 1, useful
        assert sum(p for r, p in probabilities.items() if r < fewest) <= Fraction(5, 100), useful
        assert sum(p for r, p in probabilities.items() if r > most) <= Fraction(5, 100), useful


# --- astronomical point ------------------------------------------------------------------------


def test_a_point_outside_the_xmr_limits_is_astronomical():
    signals = ihi([10] * 14 + [30])  # mean 34/3, mean moving range 20/14; 2.66 * 10/7 = 3.8
    assert signals.limits == pytest.approx((34 / 3 - 3.8, 34 / 3 + 3.8))
    assert signals.astronomical == (14,)


def test_below_fifteen_points_there_are_no_limits_and_no_astronomical_point():
    signals = ihi([10] * 13 + [30])
    assert (signals.limits, signals.astronomical) == (None, ())


def test_a_point_exactly_on_a_limit_is_not_astronomical():
    values = [12, 7, 10, 18, 17, 9, 5, 4, 0, 2, 0, 8, 9, 8, 20]  # mean 129/15, moving range 160/14
    signals = ihi(values)
    assert signals.limits == pytest.approx((-2.8, 20.0))
    assert signals.astronomical == ()
    assert ihi([*values[:-1], 21]).astronomical == (14,)


def test_a_flat_series_has_no_astronomical_point():
    signals = ihi([7] * 20)
    assert (signals.limits, signals.astronomical) == ((7, 7), ())


# --- numbers of every kind ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_value_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="finite"):
        ihi([1.0, bad, 2.0])


finite = st.floats(allow_nan=False, allow_infinity=False)
baselines = st.none() | st.integers(min_value=-5, max_value=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(finite, max_size=40) | st.lists(st.integers(), max_size=40), baseline=baselines)
def test_detection_never_crashes_and_agrees_with_the_rules_read_literally(values, baseline):
    signals = ihi(values, baseline)
    assert signals.points == len(values)
    if not values:
        assert signals.median is None
        return
    found = (signals.useful, _runs(signals), signals.shifts, signals.trends, signals.astronomical)
    assert found == _oracle(values, baseline)
    assert (signals.limits is None) == (len(values) < 15)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(min_value=-(10**30), max_value=10**30), max_size=40),
    shift=st.integers(min_value=-(10**30), max_value=10**30),
    baseline=baselines,
)
def test_adding_a_constant_to_every_point_changes_no_signal(values, shift, baseline):
    before = ihi(values, baseline)
    after = ihi([v + shift for v in values], baseline)
    keep = ("useful", "crossings", "crossings_range", "shifts", "trends", "astronomical", "baseline")
    assert [getattr(after, k) for k in keep] == [getattr(before, k) for k in keep]
    # the reported numbers are each rounded once, so they move by the shift to within rounding
    tolerance = 1e-12 * (1 + 10 * max((abs(v) for v in values), default=0) + abs(shift))
    if before.median is not None and after.median is not None:
        assert after.median == pytest.approx(before.median + shift, rel=0, abs=tolerance)
    if before.limits is not None and after.limits is not None:
        moved = (before.limits[0] + shift, before.limits[1] + shift)
        assert after.limits == pytest.approx(moved, rel=0, abs=tolerance)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(min_value=-1000, max_value=1000), min_size=1, max_size=40))
def test_with_small_integers_the_median_moves_by_exactly_the_constant(values):
    before, after = ihi(values).median, ihi([v + 12345 for v in values]).median
    assert before is not None and after == before + 12345  # halves of small integers are exact
