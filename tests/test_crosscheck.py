"""Corpus cross-check through a real (embedded) Chroma collection."""

from datetime import UTC, datetime

from assay.chunking import chunk_article
from assay.crosscheck import CorpusCrossCheck
from assay.embeddings import MiniLMEmbeddings
from assay.settings import Settings
from assay.statements import statements
from assay.store.vectors import ChunkStore
from assay.types import Article, Section


def article(article_id: str, body: str, day: int) -> Article:
    return Article(
        id=article_id, title=f"Article {article_id}", source="test", source_url="test", body=body,
        published=datetime(2026, 2, day, tzinfo=UTC), sections=[Section(heading=None, start=0, end=len(body))],
    )


def test_same_figure_corroborates_other_figure_conflicts_and_repeats_are_linked(assay_home):
    embedder, store = MiniLMEmbeddings(batch_size=Settings().embed_batch_size), ChunkStore(assay_home)
    others = [
        article("a1", "China Northern Rare Earth raised its annual rare-earth metal capacity to 11,200 tons at Baotou.", 1),
        article("a2", "Lynas Rare Earths shipped its first heavy rare earth oxide from Malaysia to Japan this week.", 2),
    ]
    for other in others:
        chunks = chunk_article(other, Settings().chunk_size, Settings().chunk_overlap)
        store.upsert([(other, chunks, embedder.forward([c.text for c in chunks]))])

    subject = article(
        "s",
        "China Northern Rare Earth raised its annual rare-earth metal capacity to 11,200 tons at Baotou. "
        "China Northern Rare Earth raised its yearly rare-earth metal capacity to 9,000 tons in Baotou. "
        "Ghana’s cocoa harvest was delayed by heavy rains across the western region.",
        5,
    )
    found = statements(subject)
    repeat, conflict, unrelated = CorpusCrossCheck(store, embedder)(subject, found)

    assert repeat.status == "corroborated" and repeat.repeated_by == ["a1"]
    assert repeat.first_seen == "2026-02-01T00:00:00+00:00"
    assert repeat.evidence[0].article_id == "a1" and repeat.evidence[0].chunk_id.startswith("a1-")
    assert conflict.status == "conflicting"
    assert unrelated.status == "no_other_source" and unrelated.evidence == []
    # Asking for more neighbours than the store holds returns what there is (nearest does not count first).
    assert sorted(c.article_id for c in store.nearest(embedder.forward(["rare earth capacity"]), 20)[0]) == ["a1", "a2"]


def test_figures_conflict_only_in_the_same_unit():
    """Seen on an interview nobody here labelled: "4.2 tonnes of dysprosium oxide" conflicted with a
    brief's "US$820 per kilogram, down 6%"; on dev, "a 2026 white paper" with another year."""
    from assay.crosscheck import figure_units, figures_conflict

    assert figure_units("a 20-MW turbine, 2,000 tonnes, US$1.5 billion, up 6%, 158 patents in 2025") == {
        "power": {"20"}, "mass": {"2000"}, "money": {"1.5"}, "share": {"6"}, "patent": {"158"}}
    assert not figures_conflict("We produced 4.2 tonnes of dysprosium oxide.", "Oxide fell to US$820 per kilogram, down 6%.")
    assert not figures_conflict("This reviews a 2026 white paper.", "The 2024 paper said so.")
    assert figures_conflict("China's mining share trends toward ~65%.", "China accounts for roughly 60% of supply.")
    assert not figures_conflict("China's share is 60%, down from 65%.", "China accounts for roughly 60% of supply.")
    assert figures_conflict("capacity of 11,200 tons", "capacity to 9,000 tonnes")
