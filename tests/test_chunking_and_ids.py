from assay.articles import sample_articles
from assay.chunking import chunk_article
from assay.ids import article_id, canonical_url, chunk_id
from assay.settings import Settings


def test_chunks_are_exact_spans_within_one_section_and_under_the_size_limit():
    for article in sample_articles():
        chunks = chunk_article(article, chunk_size=900, chunk_overlap=120)
        assert chunks, article.title
        for chunk in chunks:
            assert article.body[chunk.start : chunk.end] == chunk.text
            assert len(chunk.text) <= 900
            section = next(s for s in article.sections if s.start <= chunk.start < s.end)
            assert chunk.end <= section.end and chunk.section == section.heading
        # Every character of the body is in some chunk.
        covered = set()
        for chunk in chunks:
            covered.update(range(chunk.start, chunk.end))
        assert all(i in covered for i, ch in enumerate(article.body) if not ch.isspace())


def test_chunks_end_at_sentence_boundaries_when_they_can():
    article = max(sample_articles(), key=lambda a: len(a.body))
    chunks = chunk_article(article, chunk_size=400, chunk_overlap=0)
    endings = [c.text.rstrip()[-1] for c in chunks]
    assert sum(e in ".!?:”)" for e in endings) / len(endings) > 0.8


def test_chunk_ids_are_deterministic_and_change_with_the_text():
    article = sample_articles()[0]
    size, overlap = Settings().chunk_size, Settings().chunk_overlap
    assert [c.id for c in chunk_article(article, size, overlap)] == [c.id for c in chunk_article(article, size, overlap)]
    assert chunk_id("a", 0, "x") != chunk_id("a", 0, "y") != chunk_id("a", 1, "x")


def test_canonical_url_drops_tracking_fragment_and_case():
    assert canonical_url("HTTPS://Example.COM:443/news/a?utm_source=rss&id=7&fbclid=z#respond") == "https://example.com/news/a?id=7"
    assert article_id("https://example.com/a?utm_medium=x", "one") == article_id("https://EXAMPLE.com/a", "two")
    assert article_id(None, "body one") != article_id(None, "body two")
