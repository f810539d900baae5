"""A small corpus for the cross-article views (entity pages, claim timelines, source profiles, the
digest, watchlists, the export, the report's search), built from typed analyses, no model run.

Eight articles from five kinds of source over three months: a company release, state media, a wire
story, an analyst's note, a government release and a hostile feed whose names carry markup. One
assertion ("MP Materials will supply 1,000 tonnes of NdPr oxide ...") is repeated by three articles,
corroborated by one and contradicted by another; China Northern Rare Earth appears under four
spellings ("China Northern Rare Earth", "Northern Rare Earth", "CNRE", ticker 600111).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assay.aliases import AliasBook
from assay.corpus import CorpusView, load_corpus
from assay.ids import article_id
from assay.store.registry import Registry
from assay.types import (
    Analysis,
    Article,
    CrossCheck,
    Entity,
    EntityType,
    EvidenceChunk,
    Provenance,
    Section,
    StatementAnalysis,
)

PWN = "window.__pwned = true"
HOSTILE_ENTITY = f'<img src=x onerror="{PWN}">Corp'
REPEATED = "MP Materials will supply 1,000 tonnes of NdPr oxide to the Pentagon by 2027."

# (id-seed, source, url, published, title, [(sentence, kind, attribution, evidence, check)], entities)
# check: None, "corroborated:<seed>", "conflicting:<seed>", "none", "repeat:<seed>,<seed>"
ARTICLES = [
    ("release", "MP Materials Investor Relations", "https://investors.mpmaterials.com/news/1",
     datetime(2026, 1, 5, tzinfo=UTC), "MP Materials signs NdPr supply agreement",
     [(REPEATED, "claim", "company", "self_reported", "none"),
      ("The agreement is the most important step for American magnet independence in a generation.", "rhetoric", "company", "none", None),
      ("MP Materials produced 1,300 tonnes of NdPr oxide in 2025.", "fact", "company", "document", "none")],
     [("MP Materials", "company"), ("Pentagon", "government"), ("NdPr", "material")]),
    ("xinhua", "Xinhua", "http://www.news.cn/english/2026-01/20/c_1.htm",
     datetime(2026, 1, 20, tzinfo=UTC), "China Northern Rare Earth raises NdPr prices",
     [("China Northern Rare Earth raised its listed NdPr oxide price to 560,000 yuan per tonne.", "fact", "state_media", "document", "none"),
      ("Western attempts to decouple from Chinese rare earths are doomed to fail.", "rhetoric", "state_media", "none", None),
      ("Northern Rare Earth said output would rise 10 percent this year.", "claim", "company", "self_reported", "none")],
     [("China Northern Rare Earth", "company"), ("NdPr", "material")]),
    ("wire", "Reuters", "https://www.reuters.com/markets/commodities/mp-ndpr-2026-02-03/",
     datetime(2026, 2, 3, tzinfo=UTC), "MP Materials to supply Pentagon with NdPr, company says",
     [("MP Materials will supply 1,000 tonnes of NdPr oxide to the Pentagon by 2027, the company said.", "claim", "company", "self_reported", "repeat:release"),
      ("CNRE shares (600111) fell 3% in Shanghai on Tuesday.", "fact", "third_party", "independent", "none"),
      ("Analysts said the deal was unlikely to change prices soon.", "opinion", "third_party", "none", None)],
     [("MP Materials", "company"), ("CNRE", "company")]),
    ("analyst", "Rare Earth Exchanges", "https://rareearthexchanges.com/news/mp-supply-check/",
     datetime(2026, 2, 10, tzinfo=UTC), "Can MP deliver 1,000 tonnes?",
     [("MP Materials will supply 1,000 tonnes of NdPr oxide to the Pentagon by 2027 under the agreement.", "claim", "company", "self_reported", "corroborated:wire"),
      ("In our view the 2027 date is ambitious.", "opinion", "author", "none", None),
      ("Mountain Pass shipped 900 tonnes of NdPr oxide in 2025, below the company's figure.", "fact", "third_party", "document", "conflicting:release")],
     [("MP Materials", "company"), ("Mountain Pass", "project")]),
    ("gov", "U.S. Department of Defense", "https://www.defense.gov/News/Releases/Release/1/",
     datetime(2026, 3, 2, tzinfo=UTC), "Department of Defense statement on magnet supply",
     [("The Department of Defense has awarded $400 million to MP Materials for magnet production.", "fact", "government", "document", "none"),
      ("This partnership will end dependence on adversary nations once and for all.", "rhetoric", "government", "none", None)],
     [("Department of Defense", "government"), ("MP Materials", "company")]),
    ("sse", "Shanghai Securities News", "https://news.cnstock.com/news/1",
     datetime(2026, 3, 9, tzinfo=UTC), "600111 quarterly output",
     [("China Northern Rare Earth (Group) High-Tech Co., Ltd. reported first-quarter output of 4,000 tonnes.", "fact", "company", "document", "none"),
      ("The company is the undisputed leader of the global rare earth industry.", "rhetoric", "author", "none", None)],
     [("China Northern Rare Earth (Group) High-Tech Co., Ltd.", "company")]),
    ("contradict", "Mining Weekly", "https://www.miningweekly.com/article/mp-2026-03-20",
     datetime(2026, 3, 20, tzinfo=UTC), "MP supply plan slips",
     [("MP Materials will not supply 1,000 tonnes of NdPr oxide to the Pentagon by 2027, sources said.", "claim", "third_party", "none", "conflicting:release")],
     [("MP Materials", "company")]),
    ("hostile", f"<b>Evil</b> Feed <script>{PWN}</script>", "https://evil.example/feed",
     datetime(2026, 3, 25, tzinfo=UTC), f"Hostile <script>{PWN}</script> title",
     [(f"{HOSTILE_ENTITY} claims it will produce 5,000 tonnes of terbium.", "claim", "company", "self_reported", "none")],
     [(HOSTILE_ENTITY, "company")]),
]


def _id(seed: str) -> str:
    return article_id(f"https://views.example/{seed}", "")


def _check(spec: str | None, when: datetime, dates: dict[str, datetime]) -> CrossCheck | None:
    if spec is None:
        return None
    status, _, rest = spec.partition(":")
    if status == "none":
        return CrossCheck(status="no_other_source")
    others = rest.split(",")
    evidence = [EvidenceChunk(chunk_id=f"{_id(o)}-0", article_id=_id(o), title=o, published=dates[o].isoformat(), similarity=0.9)
                for o in others]
    if status == "repeat":
        first = min([when, *(dates[o] for o in others)])
        return CrossCheck(status="corroborated", evidence=evidence, repeated_by=[_id(o) for o in others], first_seen=first.isoformat())
    return CrossCheck(status=status, evidence=evidence)  # type: ignore[arg-type]


def views_articles() -> list[tuple[Article, Analysis]]:
    dates = {seed: published for seed, _, _, published, *_ in ARTICLES}
    made = []
    for seed, source, url, published, title, sentences, entities in ARTICLES:
        body = "\n\n".join(s for s, *_ in sentences)
        article = Article(id=_id(seed), url=url, title=title, published=published, source=source, source_url=url,
                          body=body, sections=[Section(heading=None, start=0, end=len(body))])
        statements = []
        for sentence, kind, attribution, evidence, check in sentences:
            start = body.index(sentence)
            probability = {"claim": 0.8, "rhetoric": 0.9, "fact": 0.1, "opinion": 0.2}[kind]
            statements.append(StatementAnalysis(
                quote=sentence, start=start, end=start + len(sentence), kind=kind, kind_confidence=0.8, uncertain=False,
                rhetoric_probability=probability, attribution=attribution, evidence=evidence, rationale=f"{kind} cue",
                crosscheck=_check(check, published, dates)))
        share = sum(s.rhetoric_probability or 0 for s in statements) / len(statements)
        analysis = Analysis(
            article_id=article.id, content_hash=article.content_hash, summary=f"Summary of {title}.", highlights=[],
            entities=[Entity(name=n, type=EntityType(t)) for n, t in entities], figures=[], statements=statements,
            rhetoric_share=share, rhetoric_share_interval=(max(0.0, share - 0.2), min(1.0, share + 0.2)),
            provenance=Provenance(model="views-test", prompts={}, kind_decided_by="test", timings_s={},
                                  analysed_at=published))
        made.append((article, analysis))
    return made


def views_registry(url: str) -> Registry:
    """A registry holding the views corpus, every article analysed."""
    registry = Registry(url)
    for article, analysis in views_articles():
        registry.record_article(article, chunk_count=0)
        registry.record_analysis(analysis, "views-test")
    return registry


def views_view(folder: Path) -> tuple[CorpusView, AliasBook]:
    """The views corpus read as the cross-article views read it, with the shipped alias book."""
    registry = views_registry(f"sqlite:///{folder}/registry.sqlite")
    try:
        aliases = AliasBook.load()
        return load_corpus(registry, aliases), aliases
    finally:
        registry.close()


def views_id(seed: str) -> str:
    return _id(seed)
