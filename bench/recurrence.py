"""How long the clock spends asking when a schedule's rule falls (flows.recurrence): every tick
asks it for each schedule in each timezone in use, over the next minute (the wake-up) and since
the schedule's mark (the rows). Prints JSON: microseconds per call, by rule and window.

    .venv/bin/python bench/recurrence.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.recurrence import Rule, occurrences
from flows.schedules import Cron, EveryDays, Weekly

RULES: dict[str, Rule] = {
    "weekly": Weekly(weekly="monday", at=clock_time(9)),
    "every_3_days": EveryDays(every_days=3, at=clock_time(18, 30), starting=date(2026, 11, 20)),
    "cron_weekdays": Cron(cron="0 9 * * 1-5"),
    "cron_quarters": Cron(cron="*/15 8-17 * * *"),
}
WINDOWS = {"next_minute": timedelta(minutes=1), "twelve_hours": timedelta(hours=12)}
ZONES = [ZoneInfo(name) for name in ("America/Lima", "Europe/Madrid", "Africa/Nairobi", "Asia/Kolkata")]


def per_call(rule: Rule, window: timedelta, calls: int) -> float:
    start = datetime(2026, 11, 30, 13, 59, tzinfo=UTC)
    began = time.perf_counter()
    for k in range(calls):
        after = start + timedelta(minutes=k)
        occurrences(rule, ZONES[k % len(ZONES)], after, after + window)
    return (time.perf_counter() - began) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    calls = parser.parse_args().calls
    figures = {
        f"{rule_name}_{window_name}_us": round(per_call(rule, window, calls), 1)
        for rule_name, rule in RULES.items()
        for window_name, window in WINDOWS.items()
    }
    print(json.dumps({"calls": calls, **figures}, indent=2))


if __name__ == "__main__":
    main()
