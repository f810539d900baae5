"""Scale benchmark: what one more article costs as the corpus grows.

- ingest: the wall time to ingest ONE new real article (a sample-feed item, as a feed file of its
  own) into corpora of 1k, 10k and 100k chunks, through `assay.api.ingest` as `assay ingest FILE
  --no-analyse` runs it: the real flow, with embedding, Chroma, the registry and the keyword index.
  The corpus is the rest of the sample feed, grown as `common.grow` grows it (synthetic chunks in
  Chroma and the keyword index). Target (issue 16): at 100k chunks at most 1 s more than at 1k.
- backlog: the analysis backlog with one and two workers, each pinned to one core (see
  `backlog_section`). Target: two workers at least 1.8x faster.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--repeats 5] [--skip-backlog] [--backlog-articles 12] [--json]

The held-out articles are the sample's middle-sized ones, dealt out in turn to the sizes, so that
each size ingests a like mix (embedding their chunks is much of an ingest's work). The median
is reported, and the fastest run beside it: now and then Prefect's temporary API answers a flow
run's creation with a retry, and its client waits about 2 s, whatever the corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import SAMPLE_FEED, fresh_home, grow, print_targets, stored_chunks

TARGET_EXTRA_S = 1.0  # the largest corpus may cost this much more per article than the smallest
TARGET_SPEEDUP = 1.8  # two workers, one core each, against one


def split_feed(folder: Path, held_out: int) -> tuple[Path, list[Path]]:
    """The sample feed without `held_out` of its middle-sized items, and each of those as a feed of its own."""
    xml = SAMPLE_FEED.read_text(encoding="utf-8")
    items = re.findall(r"(?s)<item>.*?</item>", xml)
    head, tail = xml[: xml.index(items[0])], xml[xml.rindex(items[-1]) + len(items[-1]) :]
    by_size = sorted(range(len(items)), key=lambda i: len(items[i]))
    start = (len(items) - held_out) // 2
    held = by_size[start : start + held_out]
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base.xml"
    base.write_text(head + "".join(item for i, item in enumerate(items) if i not in held) + tail, encoding="utf-8")
    singles = []
    for n, i in enumerate(held):
        single = folder / f"one-{n}.xml"
        single.write_text(head + items[i] + tail, encoding="utf-8")
        singles.append(single)
    return base, singles


def ingest_section(args: argparse.Namespace) -> dict[str, Any]:
    settings = fresh_home("assay-bench-scale-")
    from assay import api
    from assay.services import services

    sizes = [int(s) for s in args.sizes.split(",")]
    base, singles = split_feed(settings.home / "feeds", len(sizes) * args.repeats)
    api.ingest([str(base)], settings, analyse=False)  # loads the model and starts Prefect's API: not counted
    made = services(settings)
    texts, vectors = stored_chunks(made.chunk_store)
    rng = random.Random(7)
    rows = []
    for n, size in enumerate(sizes):
        started = time.perf_counter()
        grow(made, texts, vectors, size, rng)
        grow_s = time.perf_counter() - started
        runs, chunks = [], []
        for single in singles[n :: len(sizes)]:
            started = time.perf_counter()
            report = api.ingest([str(single)], settings, analyse=False).ingest  # what `assay ingest FILE --no-analyse` runs
            runs.append(time.perf_counter() - started)
            if report.counts["new"] != 1:
                raise RuntimeError(f"{single.name} was not ingested as one new article: {report.summary_line()}")
            chunks.append(report.chunks_embedded)
        rows.append({"size": size, "chunks": made.chunk_store.count(), "keyword_rows": made.keyword_index().count(),
                     "ingest_one_s": round(statistics.median(runs), 2), "fastest_s": round(min(runs), 2),
                     "runs_s": [round(r, 2) for r in runs],
                     "article_chunks": chunks, "grow_s": round(grow_s, 1)})
    return {"rows": rows}


def backlog_section(args: argparse.Namespace) -> dict[str, Any]:
    """The analysis backlog with one and two workers, each pinned to one core (`taskset`) with one
    llama.cpp thread: `assay analyse --backlog` processes sharing one registry (SQLite) and one
    Chroma server, as on separate machines. Each worker count gets a fresh home holding the same
    `--backlog-articles` articles, none analysed; the time is from starting the workers to the last
    one's exit, their start-up (Prefect's temporary API, loading the model) included.
    Target (issue 16): two workers at least 1.8x faster than one."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or not shutil.which("taskset"):
        raise SystemExit("the backlog section needs two cores and taskset (util-linux)")
    bin_dir = Path(sys.executable).parent
    out: dict[str, Any] = {}
    for workers in (1, 2):
        root = Path(tempfile.mkdtemp(prefix=f"assay-bench-backlog{workers}-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        chroma = subprocess.Popen([str(bin_dir / "chroma"), "run", "--path", str(root / "chroma"), "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSAY_", "PREFECT_"))} | {
            "ASSAY_HOME": str(root / "home"), "ASSAY_CHROMA_URL": f"http://127.0.0.1:{port}", "ASSAY_LLM_THREADS": "1",
            "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        try:
            _wait_for_chroma(env["ASSAY_CHROMA_URL"])
            base, singles = split_feed(root / "feeds", args.backlog_articles)
            subprocess.run([str(bin_dir / "assay"), "ingest", "--no-analyse", *map(str, singles)], env=env, check=True, capture_output=True)
            started = time.perf_counter()
            running = [subprocess.Popen(["taskset", "-c", str(cores[n]), str(bin_dir / "assay"), "analyse", "--backlog", "--json"],
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                       for n in range(workers)]
            reports, finished = [], []
            for process in running:
                reports.append(json.loads(process.communicate()[0]))
                finished.append(round(time.perf_counter() - started, 1))
            seconds = time.perf_counter() - started
        finally:
            chroma.terminate()
            chroma.wait(timeout=30)
            shutil.rmtree(root, ignore_errors=True)
        per_worker = [r["counts"]["analysed"] for r in reports]
        if sum(per_worker) != args.backlog_articles:
            raise RuntimeError(f"{workers} worker(s) analysed {per_worker} of {args.backlog_articles} articles: {reports}")
        out[f"workers_{workers}_s"] = round(seconds, 1)
        out[f"workers_{workers}_articles"] = per_worker
        out[f"workers_{workers}_each_s"] = finished  # when each worker's process ended
        # Seconds of analysis per article, as each worker's flow measured them (start-up not included).
        out[f"workers_{workers}_per_article_s"] = [[round(r["seconds"], 1) for r in report["results"]] for report in reports]
    out["speedup"] = round(out["workers_1_s"] / out["workers_2_s"], 2)
    return out


def _wait_for_chroma(url: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"the Chroma server at {url} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes in chunks, smallest first ('' leaves the ingest out)")
    parser.add_argument("--repeats", type=int, default=5, help="articles ingested at each size (the median is reported)")
    parser.add_argument("--skip-backlog", action="store_true", help="leave the backlog out")
    parser.add_argument("--backlog-articles", type=int, default=12, help="articles in the backlog (analysed by the embedded model)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    summary: dict[str, Any] = {"targets_met": {}}
    rows = ingest_section(args)["rows"] if args.sizes.strip() else []
    if rows:
        smallest, largest = rows[0], rows[-1]
        summary |= {"ingest_one_s": {str(r["size"]): r["ingest_one_s"] for r in rows}, "ingest": rows}
        summary["targets_met"][f"ingest one article at {largest['size']} chunks <= {TARGET_EXTRA_S:g} s above {smallest['size']}"] = (
            largest["ingest_one_s"] - smallest["ingest_one_s"] <= TARGET_EXTRA_S
        )
    if not args.skip_backlog:
        summary["backlog"] = backlog_section(args)
        summary["targets_met"][f"two workers >= {TARGET_SPEEDUP:g}x faster than one"] = summary["backlog"]["speedup"] >= TARGET_SPEEDUP
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    if rows:
        print("ingest one new article (median of the runs), through assay.api as `assay ingest FILE --no-analyse`:")
        columns = ["size", "chunks", "keyword_rows", "ingest_one_s", "fastest_s", "grow_s", "runs_s", "article_chunks"]
        print("  ".join(f"{c:>12}" for c in columns))
        for r in rows:
            print("  ".join(f"{r[c]!s:>12}" for c in columns))
    if "backlog" in summary:
        print(f"\nanalysis backlog of {args.backlog_articles} articles, each worker on one core (`assay analyse --backlog`):")
        for name, value in summary["backlog"].items():
            print(f"  {name:<20} {value}")
    print_targets(summary["targets_met"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
