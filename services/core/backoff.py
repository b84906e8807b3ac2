"""How long to wait before trying again, one rule for everything that retries: the sender's
messages and its record of what it sent, the clock after a failed tick, the probe of a store
that is down. The wait doubles from a first one up to a cap: what is down is not hammered, and
what is back is found soon."""

from __future__ import annotations

_MOST_DOUBLINGS = 32  # far past any cap: a row may fail thousands of times in a day's outage


def doubling(first: float, cap: float, failures: int) -> float:
    """Seconds to wait after `failures` failures in a row: `first` after one, twice that after
    two ... never more than `cap`."""
    return min(cap, first * 2.0 ** min(max(failures - 1, 0), _MOST_DOUBLINGS))
