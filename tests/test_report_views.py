"""The report's cross-article pages (issue 17): entity pages, source pages with their charts, the
repeated claims' timelines and the corpus-wide statement search, written from the views corpus
(tests/views_corpus.py: five kinds of source, hostile names, a repeated claim, CNRE under four
spellings) with the real MiniLM embedder, and opened in headless Chromium. Screenshots go to
tests/artifacts/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assay.aliases import AliasBook
from assay.corpus import SOURCE_TYPE_LABELS, load_corpus
from assay.embeddings import MiniLMEmbeddings
from assay.entities import entity_page, entity_summaries
from assay.profiles import source_profiles, source_type_profiles
from assay.report import (
    CLAIMS_PAGE,
    ENTITIES_INDEX,
    MANIFEST,
    SEARCH_PAGE,
    SOURCES_INDEX,
    page_name,
    view_page_name,
    write_report,
)
from assay.settings import Settings
from assay.store.registry import Registry
from assay.timelines import repeated_claims
from tests.test_report import _tags, browser, opened, screenshot  # noqa: F401  (browser: the module's Chromium fixture)
from tests.views_corpus import HOSTILE_ENTITY, PWN, views_id, views_registry

HOSTILE_SOURCE = f"<b>Evil</b> Feed <script>{PWN}</script>"
CNRE = "China Northern Rare Earth"


class Only:
    """The registry, but only some of its articles: as the corpus is after the others left it."""

    def __init__(self, registry: Registry, ids: set[str]):
        self.registry, self.ids = registry, ids

    def articles(self):
        return [a for a in self.registry.articles() if a.id in self.ids]

    def latest_analysis(self, article_id):
        return self.registry.latest_analysis(article_id) if article_id in self.ids else None


@pytest.fixture(scope="module")
def embedder():
    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size)


@pytest.fixture(scope="module")
def views(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("views")
    registry = views_registry(f"sqlite:///{folder / 'registry.sqlite'}")
    aliases = AliasBook.load(None)
    index = write_report(folder / "site", registry, aliases=aliases, embed=embedder.forward)
    # What the pages should show, worked out apart from the report.
    expected_aliases = AliasBook.load(None)
    corpus = load_corpus(registry, expected_aliases)
    return {
        "registry": registry, "index": index, "site": index.parent, "aliases": expected_aliases, "corpus": corpus,
        "entities": entity_summaries(corpus, expected_aliases), "sources": source_profiles(corpus),
        "types": source_type_profiles(corpus), "claims": repeated_claims(corpus, embedder.forward),
    }


def _new_pages(views) -> list[Path]:
    site = views["site"]
    return [site / ENTITIES_INDEX, site / SOURCES_INDEX, site / CLAIMS_PAGE, site / SEARCH_PAGE,
            *(site / "entities" / view_page_name(e.slug) for e in views["entities"]),
            *(site / "sources" / view_page_name(p.slug) for p in views["sources"])]


# --- without a browser ---------------------------------------------------------------------------


def test_the_manifest_lists_every_cross_article_page(views):
    site = views["site"]
    files = set(json.loads((site / MANIFEST).read_text())["files"])
    for page in _new_pages(views):
        relative = str(page.relative_to(site))
        assert relative in files and page.is_file(), relative
    assert {f for f in files if f.startswith("entities/")} == {
        ENTITIES_INDEX, *(f"entities/{view_page_name(e.slug)}" for e in views["entities"])}
    assert {f for f in files if f.startswith("sources/")} == {
        SOURCES_INDEX, *(f"sources/{view_page_name(p.slug)}" for p in views["sources"])}
    assert len(views["entities"]) > 5 and len(views["sources"]) == 8 and len(views["claims"]) >= 1


def test_the_new_pages_load_nothing_run_only_their_own_script_and_escape_names(views):
    for page in _new_pages(views):
        html = page.read_text()
        tags = _tags(html)
        scripts = [attrs for name, attrs in tags if name == "script"]
        # One script that runs (the report's, allowed by its hash); the search page's data is JSON, which no browser runs.
        assert [s for s in scripts if s.get("type") != "application/json"] == [{}], page
        assert [name for name, _ in tags].count("style") == 1, page
        assert not {"link", "img", "iframe", "object", "embed", "b", "i", "foreignobject"} & {n for n, _ in tags}, page
        for name, attrs in tags:
            assert not {"src", "srcset"} & attrs.keys(), (page, name, attrs)
            assert not any(a.startswith("on") for a in attrs), (page, name, attrs)
            assert "://" not in (attrs.get("href") or ""), (page, attrs)
        assert "<script>window" not in html and "<img src=x" not in html and "<b>Evil" not in html, page
    search = (views["site"] / SEARCH_PAGE).read_text()
    data = search.split('<script type="application/json" id="statement-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data  # |tojson escapes them: no statement can close the element
    assert json.loads(data)["statements"][0]["q"]


def test_without_an_embedding_function_there_is_no_claims_page_and_the_index_says_so(tmp_path, views):
    index = write_report(tmp_path / "site", views["registry"], aliases=AliasBook.load(None))
    assert not (tmp_path / "site" / CLAIMS_PAGE).exists() and (tmp_path / "site" / SEARCH_PAGE).is_file()
    html = index.read_text()
    assert 'id="no-claims"' in html and 'href="claims.html"' not in html
    assert CLAIMS_PAGE not in json.loads((tmp_path / "site" / MANIFEST).read_text())["files"]


def test_a_second_report_removes_the_pages_of_entities_and_sources_gone(tmp_path, views):
    site = tmp_path / "site"
    shutil.copytree(views["site"], site)
    (site / "entities" / "mine.html").write_text("mine")  # not the report's: left alone
    hostile_entity = next(e for e in views["entities"] if e.name == HOSTILE_ENTITY)
    hostile_source = next(p for p in views["sources"] if p.name == HOSTILE_SOURCE)
    entity_file = site / "entities" / view_page_name(hostile_entity.slug)
    source_file = site / "sources" / view_page_name(hostile_source.slug)
    assert entity_file.is_file() and source_file.is_file()

    kept = {a.id for a in views["registry"].articles()} - {views_id("hostile")}
    write_report(site, Only(views["registry"], kept), aliases=AliasBook.load(None))  # and no embedder: no claims page
    assert not entity_file.exists() and not source_file.exists() and not (site / CLAIMS_PAGE).exists()
    assert (site / "entities" / "mine.html").read_text() == "mine"
    files = set(json.loads((site / MANIFEST).read_text())["files"])
    assert f"entities/{entity_file.name}" not in files and f"sources/{source_file.name}" not in files
    assert f"entities/{view_page_name(next(e for e in views['entities'] if e.name == CNRE).slug)}" in files

    write_report(site, Only(views["registry"], kept))  # without the alias book: no cross-article pages at all
    assert not (site / "entities" / view_page_name(views["entities"][0].slug)).exists()
    assert not (site / SEARCH_PAGE).exists() and not (site / "sources").exists()
    assert (site / "entities" / "mine.html").read_text() == "mine"


def test_a_symbolic_link_where_an_entity_page_goes_is_refused(tmp_path, views):
    from assay.report import ReportFolderError

    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    shutil.copytree(views["site"], site)
    elsewhere.mkdir()
    shutil.rmtree(site / "entities")
    (site / "entities").symlink_to(elsewhere)
    with pytest.raises(ReportFolderError, match="is a symbolic link"):
        write_report(site, views["registry"], aliases=AliasBook.load(None))
    assert list(elsewhere.iterdir()) == []


# --- in headless Chromium ------------------------------------------------------------------------


def test_the_index_links_every_cross_article_page(browser, views):  # noqa: F811
    with opened(browser, views["index"]) as (page, problems):
        nav = page.locator("header nav a")
        assert nav.all_inner_texts() == ["Articles", "Entities", "Sources", "Repeated claims", "Search statements"]
        assert page.locator("#entities-link").inner_text() == f"{len(views['entities'])} entities"
        assert page.locator("#sources-link").inner_text() == f"{len(views['sources'])} sources"
        assert page.locator("#claims-link").inner_text() == f"{len(views['claims'])} repeated claims"
        page.locator("#entities-link").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Entities"
        page.locator("header nav a", has_text="Sources").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Sources"
        assert page.evaluate("window.__pwned") is None
        assert problems == []


def test_entity_index_lists_every_entity_with_its_counts(browser, views):  # noqa: F811
    with opened(browser, views["site"] / ENTITIES_INDEX) as (page, problems):
        rows = page.locator("#entity-list tbody tr")
        assert rows.count() == len(views["entities"])
        assert page.locator("#entity-count").inner_text() == str(len(views["entities"]))
        for summary in views["entities"]:
            row = page.locator("#entity-list tbody tr").filter(has=page.get_by_role("link", name=summary.name, exact=True))
            assert row.locator(".statements").inner_text() == str(summary.statements), summary.name
            assert row.locator(".articles").inner_text() == str(summary.articles), summary.name
        assert HOSTILE_ENTITY in page.locator("#entity-list").inner_text()  # its markup stays text
        assert page.locator("main img").count() == 0 and page.evaluate("window.__pwned") is None
        screenshot(page, "report-entities.png")
        assert problems == []


def test_an_entity_page_shows_its_statements_by_kind_and_its_spellings(browser, views):  # noqa: F811
    expected = entity_page(views["corpus"], views["aliases"], "CNRE")
    assert expected is not None and expected.name == CNRE and expected.articles == 3
    path = views["site"] / "entities" / view_page_name(expected.slug)
    with opened(browser, path) as (page, problems):
        assert page.locator("h1").inner_text() == CNRE
        assert page.locator("#statement-count").inner_text() == str(expected.statements)
        assert page.locator("#article-count").inner_text() == str(expected.articles)
        assert page.locator("li.statement-item").count() == expected.statements
        for kind, records in expected.groups.items():
            group = page.locator(f"#kind-{kind}")
            assert group.locator(".count").inner_text() == str(len(records))
            quotes = group.locator("blockquote").all_inner_texts()
            assert quotes == [r.quote for r in records]  # newest first
        spellings = page.locator("#variants tbody td:first-child").all_inner_texts()
        assert spellings == [v.spelling for v in expected.variants]
        for spelling in ("China Northern Rare Earth (Group) High-Tech Co., Ltd.", "CNRE"):
            assert spelling in spellings or any(spelling in r.quote for g in expected.groups.values() for r in g)
        statuses = page.locator("li.statement-item .crosscheck").all_inner_texts()
        assert "no other source" in statuses
        screenshot(page, "report-entity.png")
        # Each statement links into its article, which selects it.
        first = next(iter(expected.groups.values()))[0]
        page.locator("li.statement-item a.article-link").first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == first.title
        assert page.locator("mark.statement.selected").inner_text() == first.quote
        assert problems == []


def test_a_statement_links_the_articles_that_corroborate_or_contradict_it(browser, views):  # noqa: F811
    mp = entity_page(views["corpus"], views["aliases"], "MP Materials")
    assert mp is not None
    titles = {a.id: a.title for a in views["corpus"].articles}
    with opened(browser, views["site"] / "entities" / view_page_name(mp.slug)) as (page, problems):
        analyst = page.locator("li.statement-item", has_text="under the agreement")  # corroborated by the wire story
        assert analyst.locator(".crosscheck").inner_text() == "corroborated"
        assert analyst.locator("a.evidence-link").all_inner_texts() == [titles[views_id("wire")]]
        analyst.locator("a.evidence-link").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == titles[views_id("wire")]
        assert problems == []


def test_an_article_page_links_its_entities_to_their_pages(browser, views):  # noqa: F811
    with opened(browser, views["site"] / "articles" / page_name(views_id("sse"))) as (page, problems):
        link = page.locator("#entities a", has_text="China Northern Rare Earth (Group)")
        link.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == CNRE
        assert problems == []


def test_a_hostile_entity_page_shows_its_name_as_text(browser, views):  # noqa: F811
    expected = entity_page(views["corpus"], views["aliases"], HOSTILE_ENTITY)
    with opened(browser, views["site"] / "entities" / view_page_name(expected.slug)) as (page, problems):
        assert page.locator("h1").inner_text() == HOSTILE_ENTITY
        assert page.title() == f"{HOSTILE_ENTITY} · Assay"
        assert HOSTILE_SOURCE in page.locator("li.statement-item").inner_text()
        assert page.locator("main img, main b, main script").count() == 0 and page.evaluate("window.__pwned") is None
        screenshot(page, "report-entity-hostile.png")
        assert problems == []


def test_the_sources_index_lists_every_source_and_charts_each_type(browser, views):  # noqa: F811
    with opened(browser, views["site"] / SOURCES_INDEX) as (page, problems):
        rows = page.locator("#source-list tbody tr")
        assert rows.count() == len(views["sources"]) == 8
        names = rows.evaluate_all("rs => rs.map(r => r.dataset.name)")
        assert names == [p.name for p in views["sources"]] and HOSTILE_SOURCE in names
        for profile in views["sources"]:
            row = rows.nth(names.index(profile.name))
            assert row.locator(".articles").inner_text() == str(profile.articles)
            assert row.locator(".statements").inner_text() == str(profile.statements)
        sections = page.locator("section.type-profile")
        assert sections.count() == len(views["types"]) >= 5  # five types of source, and news
        assert sections.locator("svg.chart").count() == len(views["types"])
        assert {t.name for t in views["types"]} <= set(SOURCE_TYPE_LABELS.values())
        assert page.locator("main img, main b, main script").count() == 0 and page.evaluate("window.__pwned") is None
        screenshot(page, "report-sources.png")
        assert problems == []


@pytest.mark.parametrize("which", ["Reuters", HOSTILE_SOURCE])
def test_a_source_page_charts_its_kinds_and_its_rhetoric_share_per_month(browser, views, which):  # noqa: F811
    profile = next(p for p in views["sources"] if p.name == which)
    with opened(browser, views["site"] / "sources" / view_page_name(profile.slug)) as (page, problems):
        assert page.locator("h1").inner_text() == which
        assert page.locator("#statement-count").inner_text() == str(profile.statements)
        chart = page.locator("#source-chart")
        assert chart.locator(":scope > title").text_content().startswith(f"{which}: ")  # the name stays text in SVG
        widths = chart.locator("rect.seg").evaluate_all("rs => rs.map(r => [r.dataset.kind, parseFloat(r.getAttribute('width'))])")
        plot = 580
        assert [k for k, _ in widths] == ["fact", "claim", "rhetoric", "opinion"]
        for kind, width in widths:
            assert width == pytest.approx(plot * profile.kind_shares.get(kind, 0.0), abs=0.02)
        months = chart.locator("g.month")
        assert months.count() == len(profile.periods)
        assert chart.locator("circle.point").count() == sum(p.rhetoric_share is not None for p in profile.periods)
        with_interval = sum(p.interval is not None and p.rhetoric_share is not None for p in profile.periods)
        assert chart.locator("line.whisker").count() == 3 * with_interval
        tips = months.evaluate_all("gs => gs.map(g => g.querySelector('title').textContent)")
        for period, tip in zip(profile.periods, tips, strict=True):
            assert tip.startswith(f"{period.period}: ")
            if period.interval and period.rhetoric_share is not None:
                assert "95 % CI" in tip
        assert page.locator("#periods tbody tr").count() == len(profile.periods)
        assert page.locator("main img, main b, main script").count() == 0 and page.evaluate("window.__pwned") is None
        screenshot(page, "report-source-hostile.png" if which == HOSTILE_SOURCE else "report-source.png")
        assert problems == []


def test_the_claims_page_shows_each_repeated_claim_as_a_timeline(browser, views):  # noqa: F811
    claims = views["claims"]
    with opened(browser, views["site"] / CLAIMS_PAGE) as (page, problems):
        sections = page.locator("section.claim")
        assert sections.count() == len(claims) >= 1
        assert page.locator("#claim-count").inner_text() == str(len(claims))
        for n, claim in enumerate(claims):
            section = sections.nth(n)
            assert section.locator("h2").inner_text().strip("“”\"") == claim.quote
            assert section.locator(".verdict").inner_text() == claim.verdict
            assert section.locator(".appearance-count").inner_text() == str(len(claim.appearances))
            assert section.locator("ol.timeline > li").count() == len(claim.appearances)
            assert section.locator("blockquote").all_inner_texts() == [a.statement.quote for a in claim.appearances]
        repeated = next(c for c in claims if "1,000 tonnes" in c.quote)
        assert len(repeated.appearances) >= 3
        screenshot(page, "report-claims.png")
        sections.first.locator("a.article-link").first.click()
        page.wait_for_load_state()
        assert page.locator("mark.statement.selected").inner_text() == claims[0].appearances[0].statement.quote
        assert problems == []


def _matches(views, word: str, kind: str = "") -> int:
    """How many statements the search should show for one word, by the rule the page states."""
    spellings = {n.name: sorted(n.variants) for n in views["aliases"].entities()}
    count = 0
    for r in views["corpus"].statements:
        names = [s for name in r.entities for s in (name, *spellings.get(name, []))]
        status = {"corroborated": "corroborated", "conflicting": "conflicting", "no_other_source": "no other source"}
        haystack = " ".join([r.quote, r.source, SOURCE_TYPE_LABELS[r.source_type], r.title, r.kind.value,
                             "uncertain" if r.uncertain else "", status.get(r.crosscheck or "", ""), " ".join(names)]).lower()
        count += word.lower() in haystack and (not kind or r.kind.value == kind)
    return count


def test_the_search_filters_statements_across_the_corpus_as_one_types(browser, views):  # noqa: F811
    total = len(views["corpus"].statements)
    cnre = entity_page(views["corpus"], views["aliases"], "CNRE")
    with opened(browser, views["site"] / SEARCH_PAGE) as (page, problems):
        shown, results = page.locator("#statement-shown"), page.locator("#statement-results li")
        assert shown.inner_text() == f"{total} of {total} statements" and results.count() == total

        page.locator("#statement-filter").press_sequentially("CNRE")
        expected = _matches(views, "CNRE")
        assert expected >= cnre.statements  # every statement naming the company, under any spelling
        assert shown.inner_text() == f"{expected} of {total} statements" and results.count() == expected

        page.fill("#statement-filter", "Northern")
        expected = _matches(views, "Northern")
        assert expected >= cnre.statements and shown.inner_text() == f"{expected} of {total} statements"

        page.fill("#statement-filter", "MP Materials")
        page.select_option("#statement-kind", "claim")
        expected = sum(1 for r in views["corpus"].statements
                       if r.kind.value == "claim" and _matches_all(views, r, ["mp", "materials"]))
        assert shown.inner_text() == f"{expected} of {total} statements" and expected >= 4
        assert set(results.evaluate_all("ls => ls.map(l => l.dataset.kind)")) == {"claim"}
        page.select_option("#statement-kind", "")

        page.fill("#statement-filter", "evil")
        assert shown.inner_text() == f"1 of {total} statements"
        result = results.first.inner_text()
        assert HOSTILE_ENTITY in result and HOSTILE_SOURCE in result  # markup stays text
        assert page.locator("main img, main b, main li script").count() == 0
        screenshot(page, "report-search.png")
        results.first.locator("a").click()
        page.wait_for_load_state()
        assert page.locator("mark.statement.selected").count() == 1
        assert page.evaluate("window.__pwned") is None
        assert problems == []


def _matches_all(views, record, words: list[str]) -> bool:
    spellings = {n.name: sorted(n.variants) for n in views["aliases"].entities()}
    names = [s for name in record.entities for s in (name, *spellings.get(name, []))]
    haystack = " ".join([record.quote, record.source, SOURCE_TYPE_LABELS[record.source_type], record.title,
                         record.kind.value, " ".join(names)]).lower()
    return all(w in haystack for w in words)
