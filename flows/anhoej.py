"""Anhøj's run-chart rules, the default set (`rules: anhoej` in pdsa.yaml), as qicharts2 applies
them to a run chart: two signals only, each with a limit that grows with n, the useful points
(those not on the centre line), so that a random series signals in about 5% of cases whatever
its length (Anhøj & Olesen, PLoS ONE 2014; Anhøj, PLoS ONE 2015):

- a run on one side of the centre line longer than round(log2(n) + 3) points;
- fewer crossings of the centre line than the 5% lower quantile of Binomial(n - 1, 1/2).

Both limits are exact integer arithmetic, no floating point and no statistics package."""

from __future__ import annotations

from functools import cache

QUANTILE_NUM, QUANTILE_DEN = 1, 20  # the crossings' lower quantile: 5%


def longest_run(useful: int) -> int:
    """The longest run chance makes among `useful` points: round(log2(useful) + 3). The nearest
    whole k to log2(n) is the one with 2**(2k - 1) < n**2 < 2**(2k + 1), never equal (an odd power
    of two is no square), which is half the bit length of n**2, rounded down."""
    return (useful * useful).bit_length() // 2 + 3


@cache
def fewest_crossings(useful: int) -> int:
    """The 5% lower quantile of Binomial(useful - 1, 1/2) (qbinom(0.05, n - 1, 0.5)): the smallest
    c with P(X <= c) >= 5%, i.e. 20 * (C(m, 0) + ... + C(m, c)) >= 2**m; fewer crossings are a
    signal. Never an exact tie: 2**m / 20 is not a whole number. One sum per n, kept."""
    trials = max(useful - 1, 0)
    whole = 1 << trials
    ways = total = 1  # C(m, 0)
    crossings = 0
    while total * QUANTILE_DEN < QUANTILE_NUM * whole:
        ways = ways * (trials - crossings) // (crossings + 1)  # C(m, c + 1)
        crossings += 1
        total += ways
    return crossings
