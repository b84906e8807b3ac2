"""How fast run charts are: the signal rules (pure, on every chart and every summary line) and
drawing the PNG (in a worker thread at each tick), for series of 20, 200 and 2,000 points, by
each rule set (Anhøj's, the default, and the IHI's), with what each finds. Prints one JSON
object per size and rule set, then the figures that matter on the last line.

    .venv/bin/python bench/runchart.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content import BUNDLED_CONTENT
from flows.runchart import RuleSet, detect
from flows.validate import load_content
from services.pdsa.charts import ChartPoint, CycleMark, chart_texts
from services.pdsa.run_chart import run_chart_png

SIZES = (20, 200, 2000)
TEXTS = chart_texts(load_content(BUNDLED_CONTENT).catalog, "en", "Visits kept", "%")


def series(size: int, rng: random.Random) -> list[float]:
    """A baseline, then a change that lifts the level: shifts, some trends, a stray point."""
    values = [round(rng.gauss(60, 6), 1) for _ in range(size // 3)]
    values += [round(rng.gauss(72, 6), 1) for _ in range(size - len(values))]
    values[size // 2] = 110.0
    return values


def best_ms(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) milliseconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    figures: dict[str, float] = {}
    for size in SIZES:
        values = series(size, rng)
        baseline = size // 3
        start = date(2026, 1, 1)
        points = [ChartPoint(start + timedelta(days=i), v) for i, v in enumerate(values)]
        cycles = [CycleMark(baseline, "Cycle 1"), CycleMark(baseline + (size - baseline) // 2, "Cycle 2")]
        for rules in RuleSet:
            judge = partial(detect, values, baseline, rules)
            judge()  # warm
            detect_median, detect_best = best_ms(judge, args.repeat * 5)
            signals = judge()
            draw = partial(run_chart_png, points, signals, 90.0, cycles, TEXTS)
            draw()  # warm: fonts and caches
            render_median, render_best = best_ms(draw, max(3, args.repeat // (1 + size // 500)))
            row = {
                "points": size,
                "rules": str(rules),
                "detect_ms": round(detect_median, 3),
                "detect_best_ms": round(detect_best, 3),
                "render_ms": round(render_median, 1),
                "render_best_ms": round(render_best, 1),
                "shifts": len(signals.shifts),
                "too_few_crossings": signals.too_few_crossings,
                "trends": len(signals.trends),
                "astronomical": len(signals.astronomical),
                "png_kb": round(len(draw()) / 1024, 1),
            }
            print(json.dumps(row))
            figures[f"{rules}_detect_ms_{size}"] = round(detect_median, 3)
            figures[f"{rules}_render_ms_{size}"] = round(render_median, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
