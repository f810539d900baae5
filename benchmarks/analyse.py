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
    from assay.analysis import analyse_article
    from assay.crosscheck import CorpusCrossCheck
    from assay.flows.analyse import classifiers
    from assay.flows.ingest import embedder
    from assay.llms import chat_model
    from assay.prompts import load_prompts
    from assay.store.registry import registry_for
    from assay.store.vectors import store_for

    ingest_sample()
    rows = registry_for(settings.registry_url).list()[: args.articles]
    model, prompts = chat_model(settings), load_prompts()
    check = CorpusCrossCheck(store_for(settings), embedder(settings))
    figures = []
    for row in rows:
        article = row.to_article()
        started = time.perf_counter()
        analysis = analyse_article(article, model=model, prompts=prompts, classifiers=classifiers(), embedder=embedder(settings), crosscheck=check)
        wall = time.perf_counter() - started
        p = analysis.provenance
        figures.append({
            "article": article.id, "wall_s": round(wall, 2), "prompt_tokens": p.input_tokens, "completion_tokens": p.output_tokens,
            "tokens_per_s": round(p.output_tokens / p.timings_s["llm"], 1) if p.timings_s.get("llm") else None,
            "llm_calls": p.llm_calls, "llm_s": round(p.timings_s.get("llm", 0), 1),
            "other_s": round(wall - p.timings_s.get("llm", 0), 1), "statements": len(analysis.claims), "peak_rss_mb": round(peak_rss_mb()),
        })
    median = statistics.median(f["wall_s"] for f in figures)
    summary = {"median_wall_s": median, "peak_rss_mb": round(peak_rss_mb()), "model": model.model_name if hasattr(model, "model_name") else str(model),
               "targets_met": {"median <= 25 s": median <= 25, "peak RSS <= 3 GB": peak_rss_mb() <= 3072}}
    if args.json:
        print(json.dumps({"articles": figures, **summary}, indent=2))
        return 0
    columns = ["article", "wall_s", "llm_s", "other_s", "prompt_tokens", "completion_tokens", "tokens_per_s", "llm_calls", "statements", "peak_rss_mb"]
    print("  ".join(f"{c:>{len(c)}}" if c != "article" else f"{c:<16}" for c in columns))
    for f in figures:
        print("  ".join(f"{f[c]!s:>{len(c)}}" if c != "article" else f"{f[c]:<16}" for c in columns))
    print(f"median wall {median:.1f} s per article; peak RSS {summary['peak_rss_mb']} MB")
    print_targets(summary["targets_met"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
