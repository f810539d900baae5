"""What an article's next version changed: sentences edited (and the figures that moved), added and
taken out, as `assay show` prints them."""

from __future__ import annotations

from datetime import UTC, datetime

from assay.revisions import revision

WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BEFORE = ("Lynas Rare Earths said on Friday it had produced 1.5 tonnes of separated dysprosium oxide at Kuantan.\n\n"
          "The company expects about 120 tonnes a year once the circuit is ramped up in 2027.\n\n"
          "Shares rose 4.2% in Sydney.")
AFTER = ("Lynas Rare Earths said on Friday it had produced 1.6 tonnes of separated dysprosium oxide at Kuantan.\n\n"
         "The company expects about 120 tonnes a year once the circuit is ramped up in 2027.\n\n"
         "China accounts for about 99% of heavy rare earth separation, the IEA says.")


def test_a_correction_shows_the_sentence_and_the_figure_that_moved():
    found = revision(2, WHEN, "Lynas lifts output", BEFORE, "Lynas lifts heavy rare earths output", AFTER)
    assert (found.version, found.at, found.title_before) == (2, WHEN, "Lynas lifts output")
    assert [(c.kind, c.figures) for c in found.changes] == [("changed", [("1.5", "1.6")]), ("removed", []), ("added", [])]
    assert found.changes[1].before == "Shares rose 4.2% in Sydney." and found.changes[2].after.startswith("China accounts")


def test_the_same_text_again_changes_nothing():
    found = revision(3, WHEN, "Lynas lifts output", BEFORE, "Lynas lifts output", BEFORE.replace("\n\n", "\n\n\n"))
    assert found.changes == [] and found.title_before is None


def test_the_digest_puts_moved_figures_first_and_escapes_what_it_quotes():
    from assay.corpus import CorpusView
    from assay.digest import RevisedArticle, build_digest, render_html, render_markdown

    corrected = RevisedArticle(article_id="a1", title="Lynas lifts output <b>", source="Example Wire", url="https://wire.example/lynas",
                               revision=revision(2, WHEN, "Lynas lifts output <b>", BEFORE, "Lynas lifts output <b>", AFTER))
    retitled = RevisedArticle(article_id="a2", title="China raises quota", source="Example News", revision=revision(
        2, datetime(2026, 11, 29, tzinfo=UTC), "UPDATE 1-China raises quota", "Quota rose 6%.", "China raises quota", "Quota rose 6%."))
    digest = build_digest(CorpusView(articles=[], analyses={}, source_types={}, statements=[]), now=WHEN, revised=[retitled, corrected])
    assert [r.article_id for r in digest.revised] == ["a1", "a2"]  # the moved figure first
    md = render_markdown(digest)
    assert "## Changed since first read" in md and "Nothing new to check" not in md
    assert "version 2: figures 1.5 → 1.6; 1 sentence changed; 1 sentence added; 1 sentence removed." in md
    assert "Lynas lifts output &lt;b&gt;" in md and "China raises quota (Example News), version 2: its title changed." in md
    html = render_html(digest)
    assert "Changed since first read" in html and "&lt;b&gt;" in html and "<b>" not in html


def test_a_version_a_newer_reading_made_is_marked_and_kept_out_of_the_digest(assay_home):
    """The text did not change, Assay's reading of it did (a table laid out anew): `assay show` says so
    and the digest, which reports publishers' edits, leaves it out. A publisher's edit read the same way
    is in."""
    from assay import api
    from assay.services import services
    from assay.types import Article

    registry = services(assay_home).registry
    first = Article(id="r1", title="Lynas lifts output", source="Example Wire", source_url="u", body=BEFORE, read_by=None)
    registry.record_article(first, 0)
    reread = first.model_copy(update={"body": BEFORE.replace("Shares rose 4.2% in Sydney.", "Shares: rose 4.2%; in Sydney."), "read_by": "2"})
    registry.record_article(reread, 0)
    [marked] = api.article(assay_home, "r1").revisions
    assert marked.reread and marked.changes
    assert api.digest(assay_home).revised == []
    edited = reread.model_copy(update={"body": reread.body.replace("1.5 tonnes", "1.6 tonnes")})
    registry.record_article(edited, 0)
    latest, earlier = api.article(assay_home, "r1").revisions
    assert (latest.reread, earlier.reread) == (False, True)
    [revised] = api.digest(assay_home).revised
    assert revised.revision.version == 3 and revised.revision.changes[0].figures == [("1.5", "1.6")]
