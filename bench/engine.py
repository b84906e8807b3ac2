"""How fast the core is: loading and validating the content folder, and the pure engine
answering inputs (the work on every interactive reply). Prints JSON.

    .venv/bin/python bench/engine.py [--walks 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content import BUNDLED_CONTENT
from flows.engine import advance, start
from flows.run import DONE, ButtonInput, Input, RunState, RunStatus, TextInput
from flows.validate import load_content

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
REFLECTION: list[Input] = [  # the path of tests/reflection.py: one element ticked
    ButtonInput("visit_date", "yesterday"),
    TextInput("The mother was crying when I arrived and the baby watched her."),
    TextInput("I felt helpless and sat down with them."),
    TextInput("He kept looking at her face."),
    ButtonInput("elements", "family_story"),
    ButtonInput("elements", DONE),
    TextInput("Her grandmother answered for her."),
    TextInput("It reminds me of another family."),
    TextInput("Next time I will name what the baby sees."),
    ButtonInput("confidence", "4"),
    TextInput("Babies watch their parents' feelings."),
    TextInput("Time to talk about the visits that stay with me."),
    TextInput("yes"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--walks", type=int, default=2000)
    args = parser.parse_args()

    loads = []
    for _ in range(5):
        began = time.perf_counter()
        content = load_content(BUNDLED_CONTENT)
        loads.append(time.perf_counter() - began)

    flow = content.flows["rios_reflection"]
    latencies = []
    began = time.perf_counter()
    for _ in range(args.walks):
        state, _ = start(flow, content.catalog, "en", "America/Lima", NOW)
        for given in REFLECTION:
            # Each step as the bot does it: state in from JSON, engine, state out to JSON.
            step_began = time.perf_counter()
            state, _ = advance(flow, content.catalog, RunState.from_json(state.to_json()), given, NOW)
            state.to_json()
            latencies.append(time.perf_counter() - step_began)
        assert state.status == RunStatus.COMPLETED
    elapsed = time.perf_counter() - began
    latencies.sort()
    print(
        json.dumps(
            {
                "benchmark": "engine",
                "content_load_ms_median": round(statistics.median(loads) * 1000, 2),
                "reflection_walks": args.walks,
                "inputs": len(latencies),
                "inputs_per_second": round(len(latencies) / elapsed),
                "input_latency_us_p50": round(latencies[len(latencies) // 2] * 1e6, 1),
                "input_latency_us_p99": round(latencies[int(len(latencies) * 0.99)] * 1e6, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
