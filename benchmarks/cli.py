"""CLI start-up benchmark: how long `assay` takes to answer commands that do little, each a fresh process as a
user runs it. No target was set; this says what a user waits for before any work.

    .venv/bin/python benchmarks/cli.py [--runs 5] [--json]

The corpus: the sample feed's 25 articles, ingested (no LLM) into a fresh ASSAY_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import fresh_home, ingest_sample

ASSAY = str(Path(sys.executable).with_name("assay"))
COMMANDS = [["--help"], ["status"], ["articles", "--limit", "5"], ["show", "--help"]]


def timed_runs(command: list[str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([ASSAY, *command], capture_output=True, text=True, env=os.environ.copy(), check=False)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"assay {' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    settings = fresh_home("assay-bench-cli-")
    ingest_sample(settings)
    rows = []
    for command in COMMANDS:
        seconds = timed_runs(command, args.runs)
        rows.append({"command": "assay " + " ".join(command), "median_s": round(statistics.median(seconds), 2),
                     "fastest_s": round(min(seconds), 2), "slowest_s": round(max(seconds), 2)})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"CLI start-up: {args.runs} fresh processes a command, the 25 sample articles ingested (seconds):")
    print(f"{'command':<32} {'median s':>9} {'fastest':>8} {'slowest':>8}")
    for row in rows:
        print(f"{row['command']:<32} {row['median_s']:>9} {row['fastest_s']:>8} {row['slowest_s']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
