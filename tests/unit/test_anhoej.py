"""Anhøj's run-chart rules, the default set, as a team reading its PDSA chart relies on them: a
run on one side longer than round(log2(n) + 3), or fewer crossings than the 5% lower quantile of
Binomial(n - 1, 1/2), n the useful points; the published reference limits; hand-made series at
each limit and one past it; nothing else signals (no trend, no unusual point); and a random
series signals in at most 6% of cases at every length, where the IHI's rules do not."""

from __future__ import annotations

import math
import random
import time
from fractions import Fraction
from math import comb

import pytest

from flows.anhoej import fewest_crossings, longest_run
from flows.runchart import RuleSet, Signals, Span, detect

ABOVE, BELOW, CENTRE = 100, 0, 50
# Anhøj & Olesen (PLoS ONE 2014), Table 1, as the issue quotes it: useful points -> the longest
# run allowed and the fewest crossings allowed.
REFERENCE = {12: (7, 3), 24: (8, 8), 48: (9, 18), 96: (10, 39)}


def _series(lengths: list[int], first_above: bool = False) -> Signals:
    """Runs of the given lengths, alternating sides, after a first point that is itself the
    baseline median (so not useful): len(lengths) - 1 crossings, sum(lengths) useful points."""
    values = [CENTRE]
    for number, length in enumerate(lengths):
        values += [ABOVE if (number % 2 == 0) == first_above else BELOW] * length
    signals = detect(values, baseline=1)
    assert (signals.median, signals.useful) == (CENTRE, sum(lengths))
    assert signals.crossings == len(lengths) - 1
    return signals


def _even_runs(useful: int, runs: int) -> list[int]:
    """`useful` points in `runs` runs as even as can be."""
    size, extra = divmod(useful, runs)
    return [size + 1] * extra + [size] * (runs - extra)


@pytest.mark.parametrize(("useful", "limits"), sorted(REFERENCE.items()))
def test_the_reference_limits(useful: int, limits: tuple[int, int]):
    assert (longest_run(useful), fewest_crossings(useful)) == limits


def test_the_limits_are_the_formulas_read_literally():
    for useful in range(1, 2001):
        assert longest_run(useful) == round(math.log2(useful) + 3), useful
    for useful in range(1, 201):
        trials = useful - 1
        below = Fraction(0)  # P(X <= c) for X ~ Binomial(trials, 1/2)
        for quantile in range(trials + 1):
            below += Fraction(comb(trials, quantile), 2**trials)
            if below >= Fraction(5, 100):
                break
        assert fewest_crossings(useful) == quantile, useful


@pytest.mark.parametrize("useful", [12, 24, 48, 96, 30])
def test_a_run_as_long_as_the_limit_is_chance_one_longer_is_a_signal_where_it_is(useful: int):
    limit = longest_run(useful)
    at = _series([1, limit] + [1] * (useful - limit - 1))  # many crossings: only the run can signal
    assert not at.too_few_crossings and at.shifts == ()
    past = _series([1, limit + 1] + [1] * (useful - limit - 2), first_above=True)
    assert not past.too_few_crossings
    assert past.shifts == (Span(2, limit + 2, -1),)  # the run, below the median, and only it


@pytest.mark.parametrize("useful", [12, 24, 48, 96, 30])
def test_as_many_crossings_as_the_limit_is_chance_one_fewer_is_a_signal(useful: int):
    fewest = fewest_crossings(useful)
    at = _series(_even_runs(useful, fewest + 1))
    assert at.crossings == fewest and not at.too_few_crossings and at.shifts == ()
    past = _series(_even_runs(useful, fewest))  # runs still within the longest allowed
    assert past.crossings == fewest - 1 and past.too_few_crossings and past.shifts == ()
    assert past.crossings_range == (fewest, None) and not past.too_many_crossings


def test_the_side_of_the_latest_points_is_known_for_the_caption():
    assert _series([6, 6]).latest_side == 1
    assert _series([6, 6], first_above=True).latest_side == -1


def test_points_on_the_median_are_not_useful_and_change_the_limits():
    signals = detect([5, 1, 9, 5, 5, 9, 9, 9, 9, 9, 9, 9, 9], baseline=1)  # median 5, 10 useful
    assert (signals.useful, signals.longest_run) == (10, 6)
    assert signals.shifts == (Span(2, 12, 1),)  # 9 (5 5) 9 x 7: eight above, the two on it skipped


def test_anhoej_has_only_its_two_signals_no_trend_and_no_unusual_point():
    values = [10, 11, 9, 10, 12, 8, 11, 9, 10, 11, 9, 10, 11, 12, 13, 14, 40]  # a trend, then 40
    ihi = detect(values, rules=RuleSet.IHI)
    assert ihi.trends and ihi.astronomical
    anhoej = detect(values)  # the default
    assert (anhoej.trends, anhoej.limits, anhoej.astronomical) == ((), None, ())
    assert anhoej.shifts == () and not anhoej.too_few_crossings


def test_an_empty_series_has_nothing_to_judge():
    signals = detect([])
    assert (signals.useful, signals.crossings_range, signals.shifts) == (0, None, ())


def _signalled(signals: Signals) -> bool:
    ihi = bool(signals.trends or signals.astronomical or signals.too_many_crossings)
    return bool(signals.shifts or signals.too_few_crossings or ihi)


def test_random_series_signal_in_at_most_six_percent_at_every_length():
    """Random normal series, each judged against its own median (the whole series is the
    baseline), 5,000 per length, a fixed seed. The IHI's figures are reported, not asserted."""
    rng = random.Random(22)
    began = time.perf_counter()
    rates: dict[int, tuple[float, float]] = {}
    for length in (12, 24, 48, 96):
        anhoej = ihi = 0
        for _ in range(5000):
            values = [rng.gauss(0.0, 1.0) for _ in range(length)]
            anhoej += _signalled(detect(values, length))
            ihi += _signalled(detect(values, length, RuleSet.IHI))
        rates[length] = (anhoej / 5000, ihi / 5000)
    report = ", ".join(f"n={n}: Anhøj {a:.1%}, IHI {i:.1%}" for n, (a, i) in rates.items())
    print(
        f"\nfalse signals in 5,000 random series per length: {report} ({time.perf_counter() - began:.1f} s)"
    )
    assert all(anhoej <= 0.06 for anhoej, _ in rates.values()), report
