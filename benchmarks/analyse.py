"""Analysis benchmark: per article wall seconds (LLM and the rest), tokens, tokens/s, LLM calls and peak RSS, with the
embedded model on this machine, then the median. Targets (issue 4): median <= 25 s per article,
peak RSS <= 3 GB.

    .venv/bin/python benchmarks/analyse.py [--articles N] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time

from common import fresh_home, ingest_sample, print_targets


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5, help="how many sample articles to analyse")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    settings = fresh_home()
    from assay import api

    ingest_sample(settings)
    articles = api.articles(settings)[: args.articles]
    figures = []
    for article in articles:
        started = time.perf_counter()
        report = api.analyse([article.id], settings)  # the analyse flow, as `assay analyse` runs it
        wall = time.perf_counter() - started
        analysis = api.article(settings, article.id).analysis
        if analysis is None:
            raise SystemExit(f"{article.id} was not analysed: {report.results[0].error}")
        p = analysis.provenance
        own = sum(p.timings_s.values())
        figures.append({
            "article": article.id, "wall_s": round(wall, 2), "analysis_s": round(own, 2), "llm_s": round(p.timings_s.get("llm", 0), 1),
            "other_s": round(own - p.timings_s.get("llm", 0), 1), "flow_s": round(wall - own, 2),
            "prompt_tokens": p.input_tokens, "completion_tokens": p.output_tokens,
            "tokens_per_s": round(p.output_tokens / p.timings_s["llm"], 1) if p.timings_s.get("llm") else None,
            "llm_calls": p.llm_calls, "statements": len(analysis.statements), "peak_rss_mb": round(peak_rss_mb()),
        })
    median = statistics.median(f["wall_s"] for f in figures)
    summary = {"median_wall_s": median, "median_analysis_s": statistics.median(f["analysis_s"] for f in figures),
               "peak_rss_mb": round(peak_rss_mb()), "model": p.model,
               "targets_met": {"median <= 25 s": median <= 25, "peak RSS <= 3 GB": peak_rss_mb() <= 3072}}
    if args.json:
        print(json.dumps({"articles": figures, **summary}, indent=2))
        return 0
    columns = ["article", "wall_s", "analysis_s", "llm_s", "other_s", "flow_s", "prompt_tokens", "completion_tokens", "tokens_per_s",
               "llm_calls", "statements", "peak_rss_mb"]
    print("  ".join(f"{c:>{len(c)}}" if c != "article" else f"{c:<16}" for c in columns))
    for f in figures:
        print("  ".join(f"{f[c]!s:>{len(c)}}" if c != "article" else f"{f[c]:<16}" for c in columns))
    print(f"median wall {median:.1f} s per article through the analyse flow ({summary['median_analysis_s']:.1f} s of analysis); "
          f"peak RSS {summary['peak_rss_mb']} MB")
    print_targets(summary["targets_met"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
