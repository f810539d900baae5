"""Cross-article views benchmark: how long entity pages, source profiles, the digest, the export,
repeated claims and the report take as the corpus grows. No target was set (issue 17); this says
where the time goes.

    .venv/bin/python benchmarks/views.py [--sizes 100,1000] [--json]

The corpus: the sample feed's 25 articles, ingested (no LLM), each given an analysis whose
statements are the splitter's real sentences with kinds drawn at random, then copied under new ids,
sources and dates until it holds N articles. Statement texts therefore repeat every 25 articles,
which flatters nothing here except repeated claims (more clusters than a real corpus would have).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import fresh_home, ingest_sample

SOURCES = ["Xinhua", "Reuters", "MP Materials Investor Relations", "Rare Earth Exchanges", "Mining Weekly", "U.S. Department of Defense"]


def analysis_for(article, rng):  # type: ignore[no-untyped-def]
    from assay.statements import statements
    from assay.types import Analysis, CrossCheck, Provenance, StatementAnalysis

    found = []
    for s in statements(article):
        kind = rng.choice(["fact", "claim", "rhetoric", "opinion"])
        check = CrossCheck(status=rng.choice(["corroborated", "conflicting", "no_other_source"])) if kind in ("fact", "claim") else None
        found.append(StatementAnalysis(quote=s.text, start=s.start, end=s.end, kind=kind, kind_confidence=0.8,
                                       rhetoric_probability=0.8 if kind in ("claim", "rhetoric") else 0.2,
                                       attribution="author", evidence="none", rationale="benchmark", crosscheck=check))
    share = sum(s.rhetoric_probability or 0 for s in found) / max(1, len(found))
    return Analysis(article_id=article.id, content_hash=article.content_hash, summary="s", highlights=[], entities=[], figures=[],
                    statements=found, rhetoric_share=share, rhetoric_share_interval=(0.0, 1.0),
                    provenance=Provenance(model="bench", prompts={}, kind_decided_by="bench", timings_s={}, analysed_at=datetime.now(UTC)))


def grow_to(registry, originals, target: int, rng) -> None:  # type: ignore[no-untyped-def]
    have = len(registry.articles())
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(have, target):
        base = originals[n % len(originals)]
        article = base.model_copy(update={"id": f"{n:016x}", "url": f"https://bench.example/{n}", "source": SOURCES[n % len(SOURCES)],
                                          "published": start + timedelta(days=n % 365)})
        registry.record_article(article, chunk_count=0)
        registry.record_analysis(analysis_for(article, rng), "bench")


def timed(rows: list[dict], size: int, statements: int, step: str, run) -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = run()
    rows.append({"articles": size, "statements": statements, "step": step, "seconds": round(time.perf_counter() - started, 2)})
    return result


def measure(settings, size: int, rows: list[dict], *, claims: bool) -> None:  # type: ignore[no-untyped-def]
    from assay import api
    from assay.entities import entity_page, entity_summaries

    api.corpus_view(settings)  # once untimed: imports and the alias book's patterns
    view, aliases = timed(rows, size, 0, "load corpus (registry, entities per statement)", lambda: api.corpus_view(settings))
    n = len(view.statements)
    rows[-1]["statements"] = n
    summaries = timed(rows, size, n, "entity summaries", lambda: entity_summaries(view, aliases))
    timed(rows, size, n, "entity page (largest)", lambda: entity_page(view, aliases, summaries[0].name))
    timed(rows, size, n, "assay entity NAME (load + page)", lambda: api.entity(settings, summaries[0].name))
    timed(rows, size, n, "assay sources", lambda: api.source_profiles(settings))
    timed(rows, size, n, "assay digest --since 1000d", lambda: api.digest(settings, timedelta(days=1000)))
    timed(rows, size, n, "assay export --format jsonl", lambda: api.export(settings, "jsonl", Path(settings.home) / f"export-{size}.jsonl"))
    if claims:
        timed(rows, size, n, "assay claims --repeated", lambda: api.repeated_claims(settings))
        timed(rows, size, n, "assay report (all pages)", lambda: api.report(settings))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--claims-up-to", type=int, default=1000, help="skip repeated claims (MiniLM over every assertion) above this size")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    settings = fresh_home("assay-bench-views-")
    from assay.services import services

    ingest_sample(settings)
    registry = services(settings).registry
    originals = [a.article() for a in registry.articles()]
    rng = random.Random(7)
    for article in originals:
        registry.record_analysis(analysis_for(article, rng), "bench")
    rows: list[dict] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        grow_to(registry, originals, size, rng)
        measure(settings, size, rows, claims=size <= args.claims_up_to)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("cross-article views (one process, warm; seconds):")
    print(f"{'articles':>9} {'statements':>11}  {'step':<48} {'seconds':>8}")
    for row in rows:
        print(f"{row['articles']:>9} {row['statements']:>11}  {row['step']:<48} {row['seconds']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
