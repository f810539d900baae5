"""The static report: spans placed by offset, everything escaped, and the pages in a real headless
Chromium (Debian's, driven by Playwright's Python package; `make test` installs it as root).

The corpus here is real: two sample articles analysed by the real pipeline (statements, classifiers,
MiniLM) with a scripted chat model and a scripted cross-check, one sample article left unanalysed,
and a hostile article whose title, body, highlights, source, entities and URL carry markup.
Screenshots go to tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage

from assay.analysis import analyse_article
from assay.classifier import StatementClassifiers
from assay.embeddings import MiniLMEmbeddings
from assay.kinds import ClassifierKindDecider
from assay.prompts import load_prompts
from assay.report import external_link, page_name, place_statements, write_report
from assay.settings import Settings
from assay.store.registry import Registry
from assay.types import Analysis, Article, CrossCheck, EvidenceChunk, Section, StoredArticle
from tests.test_chunking_and_ids import sample_articles

ARTIFACTS = Path(__file__).parent / "artifacts"
PWN = "window.__pwned = true"
HOSTILE_BODY = (
    f"Lynas Rare Earths said it produced 10,500 tonnes of NdPr oxide in 2025. <script>{PWN}</script> The company "
    "called its Kalgoorlie plant the most advanced separation facility in the world.\n\n"
    f'<img src=x onerror="{PWN}"> This is a triumph for the free world and a blow to the monopoly of Beijing.\n\n'
    "In our view, the ramp-up will take longer than management admits."
)
HOSTILE = Article(
    id="0badc0de0badc0de", url=f"javascript:{PWN}", title=f"Lynas <script>{PWN}</script> output",
    author=f'<img src=x onerror="{PWN}">', published=datetime(2026, 2, 8, tzinfo=UTC),
    source="<b>Evil</b> Feed", source_url="test", highlights=[f'<img src=x onerror="{PWN}">Publisher point'],
    body=HOSTILE_BODY, sections=[Section(heading=None, start=0, end=len(HOSTILE_BODY))],
    # As a scanned PDF's reader notes it, and as hostile as the rest.
    reading_notes=[f"a scanned PDF of 1 page: its text read by OCR (Tesseract) <script>{PWN}</script>", "dated from its dateline",
                   f"the publisher's correction: Corrects paragraph 4 to show <b>{PWN}</b>"],
)


def _reply(article: Article, summary: str, *companies: str) -> AIMessage:
    """A summary@2 answer grounded in the article: no numbers in the prose, its first number that is not a
    year as a figure, measuring what the words after it say."""
    number = next((n for n in re.finditer(r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?)\W+(\w+(?:\W+\w+){0,2})", article.body)
                   if not re.fullmatch(r"(?:19|20)\d\d", n.group(1))), None)
    data = {
        "companies": list(companies), "governments": [], "countries": [], "materials": [], "projects": [],
        "figures": [{"value": number.group(1), "unit": "", "measures": number.group(2)}] if number else [],
        "summary": summary,
        "highlights": [f"Generated highlight {n} for the reader." for n in ("one", "two", "three")],
    }
    return AIMessage(content=json.dumps(data))


class _CrossCheck:
    """Cross-check results that alternate: corroborated by `other`, conflicting with an article outside the site."""

    name = "test-crosscheck"

    def __init__(self, other: Article, *, conflicting_only: bool = False):
        self.check = _crosscheck(other, conflicting_only=conflicting_only)

    def __call__(self, article, found, vectors=None):
        return self.check(article, found, vectors)


def _crosscheck(other: Article, *, conflicting_only: bool = False):
    """Cross-check results that alternate: corroborated by `other`, conflicting with an article outside the site."""

    def check(article, found, vectors):
        results = []
        for n, _ in enumerate(found):
            if n % 2 == 0 and not conflicting_only:
                evidence = [EvidenceChunk(chunk_id=f"{other.id}-{n}", article_id=other.id, title=other.title,
                                          published=other.published.isoformat(), similarity=0.9)]
                results.append(CrossCheck(status="corroborated", evidence=evidence, repeated_by=[other.id],
                                          first_seen=other.published.isoformat()))
            else:
                evidence = [EvidenceChunk(chunk_id="gone-1", article_id="notinthesite", title="Deleted <i>article</i>",
                                          similarity=0.75)]
                results.append(CrossCheck(status="conflicting", evidence=evidence))
        return results

    return check


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A registry with two analysed sample articles, one unanalysed, and the hostile one (analysed)."""
    folder = tmp_path_factory.mktemp("report")
    registry = Registry(f"sqlite:///{folder / 'registry.sqlite'}")
    first, second, unanalysed = sample_articles()[:3]
    embedder, prompts = MiniLMEmbeddings(batch_size=Settings().embed_batch_size), load_prompts()
    decider = ClassifierKindDecider(StatementClassifiers.load(), min_confidence=0.5)
    analyses: dict[str, Analysis] = {}
    jobs = [
        (first, _reply(first, "The article argues about rare earths and what recycling can and cannot do."), second),
        (second, _reply(second, "A deal between two companies maps a route around the processing of China."), first),
        (HOSTILE, _reply(HOSTILE, f"Lynas <script>{PWN}</script> praised its plant at length.",
                         "Lynas Rare Earths", f'<img src=x onerror="{PWN}">'), None),
    ]
    for article in (first, second, unanalysed, HOSTILE):
        registry.record_article(article, chunk_count=0)
    for article, answer, other in jobs:
        check = _CrossCheck(other or first, conflicting_only=other is None)
        # min_support 0: this prose is written to test the report (escaping), not to be supported by the body
        analysis = analyse_article(article, model=FakeMessagesListChatModel(responses=[answer]), prompts=prompts,
                                   decider=decider, embedder=embedder, crosscheck=check, min_support=0.0)
        registry.record_analysis(analysis, "test")
        analyses[article.id] = analysis
    eval_report = folder / "evals" / "latest" / "report.html"
    eval_report.parent.mkdir(parents=True)
    eval_report.write_text("<!doctype html><title>Eval</title><h1>Eval report</h1>", encoding="utf-8")
    index = write_report(folder / "site", registry, eval_report)
    return {"registry": registry, "index": index, "site": index.parent, "analyses": analyses,
            "articles": {a.id: a for a in (first, second, unanalysed, HOSTILE)}, "unanalysed": unanalysed.id,
            "first": first.id}


# --- without a browser ---------------------------------------------------------------------------


def test_spans_are_cut_at_the_offsets_and_join_to_the_body(corpus):
    for article_id, analysis in corpus["analyses"].items():
        body = corpus["articles"][article_id].body
        runs, placed = place_statements(body, analysis.statements)
        assert "".join(p.text for r in runs for p in r.pieces) == body
        assert placed == list(range(len(analysis.statements)))
        for run in runs:
            if run.statement is not None:
                claim = analysis.statements[run.statement]
                assert (run.start, run.end) == (claim.start, claim.end)


def test_offsets_win_over_the_quote_and_bad_spans_are_left_out():
    from assay.types import StatementAnalysis

    def claim(start: int, end: int, quote: str = "whatever") -> StatementAnalysis:
        return StatementAnalysis(quote=quote, start=start, end=end, kind="fact", kind_confidence=0.9,
                                 attribution="author", evidence="none", rationale="r")

    body = "one two one two"
    # The quote says "one" but the offsets point at the second "one": the offsets decide.
    runs, placed = place_statements(body, [claim(8, 11, "one"), claim(9, 12), claim(0, 99), claim(13, 15)])
    assert placed == [0, 3]
    assert [(r.start, r.end, r.statement) for r in runs] == [(0, 8, None), (8, 11, 0), (11, 13, None), (13, 15, 3)]


def test_the_site_is_self_contained_and_escapes_everything(corpus):
    site = corpus["site"]
    pages = sorted((site / "articles").glob("*.html"))
    assert {p.name for p in pages} == {page_name(i) for i in corpus["articles"]}
    assert (site / "eval" / "report.html").read_text().startswith("<!doctype html>")
    index = corpus["index"].read_text()
    assert 'href="eval/report.html"' in index

    for page in [corpus["index"], *pages]:
        tags = _tags(page.read_text())
        # One script and one style element each, inline; nothing that loads anything, no handlers.
        names = [name for name, _ in tags]
        assert names.count("script") == 1 and names.count("style") == 1, page
        assert not {"link", "img", "iframe", "object", "embed", "b", "i"} & set(names), page
        for name, attrs in tags:
            assert not {"src", "srcset"} & attrs.keys(), (page, name, attrs)
            assert not any(a.startswith("on") for a in attrs), (page, name, attrs)
            href = attrs.get("href") or ""
            assert "://" not in href or attrs.get("id") == "original", (page, href)
        assert "@import" not in page.read_text() and "url(" not in page.read_text()

    hostile = (site / "articles" / page_name(HOSTILE.id)).read_text()
    assert f"<script>{PWN}" not in hostile and "<img src=x" not in hostile and "<b>Evil" not in hostile
    assert f"&lt;script&gt;{PWN}&lt;/script&gt;" in hostile
    assert "javascript:" not in hostile  # the article's javascript: URL is not made a link
    assert "onerror=&#34;" in hostile or "onerror=&quot;" in hostile
    assert f"<script>{PWN}" not in index and "&lt;b&gt;Evil&lt;/b&gt; Feed" in index


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of a page with its attributes, as a browser's tokenizer would read them."""
    tags: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Collector().feed(html)
    return tags


def test_only_web_urls_become_links():
    assert external_link("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert external_link(" JavaScript:alert(1)") is None
    assert external_link("data:text/html,<script>") is None and external_link(None) is None


class _WithOneMore:
    """The corpus and one more article, as it was before that article left it."""

    def __init__(self, registry: Registry, extra: Article):
        self.registry, self.extra = registry, StoredArticle.model_validate(extra.model_dump())

    def articles(self):
        return [*self.registry.articles(), self.extra]

    def latest_analysis(self, article_id):
        return self.registry.latest_analysis(article_id)


def test_rewriting_removes_pages_of_articles_gone_and_the_missing_eval_report(tmp_path, corpus):
    # Since the report keeps a manifest (issue 13), a page is removed only if an earlier report wrote
    # it: the article gone is one an earlier report showed, and an .html file the report did not
    # write stays, as notes.txt always did.
    site = tmp_path / "site"
    shutil.copytree(corpus["site"], site)
    gone = HOSTILE.model_copy(update={"id": "0123456789abcdef", "title": "Gone since"})
    write_report(site, _WithOneMore(corpus["registry"], gone), site / "eval" / "report.html")
    assert (site / "articles" / page_name(gone.id)).is_file() and (site / "eval" / "report.html").is_file()
    (site / "articles" / "mine.html").write_text("mine")  # not the report's: left alone
    (site / "notes.txt").write_text("mine")  # not the report's: left alone
    write_report(site, corpus["registry"], tmp_path / "no-such-report.html")
    assert not (site / "articles" / page_name(gone.id)).exists() and not (site / "eval").exists()
    assert (site / "notes.txt").read_text() == "mine" and (site / "articles" / "mine.html").read_text() == "mine"
    assert "no eval report yet" in (site / "index.html").read_text()


# --- in headless Chromium ------------------------------------------------------------------------


def find_chromium() -> str | None:
    """Debian's Chromium (the real binary, past the /usr/bin/chromium shell wrapper), or $ASSAY_CHROMIUM."""
    candidates = [os.environ.get("ASSAY_CHROMIUM"), "/usr/lib/chromium/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module. Playwright's Python package drives it; it downloads no browser."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium not found: `make test` installs Debian's chromium when run as root "
                    "(or: apt-get install chromium); set ASSAY_CHROMIUM to use another Chromium binary")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@contextmanager
def opened(browser, path: Path, fragment: str = ""):
    """A page at `path` from disk, and the problems seen while it was open: console errors, uncaught
    exceptions, failed loads and any request that is not for a local file."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(5000)  # everything is on disk: waiting longer only delays a failure
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
            else problems.append(f"network: {r.url}"))
    page.goto(path.as_uri() + fragment)
    try:
        yield page, problems
    finally:
        page.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_index_lists_every_article_sorts_filters_and_links_the_eval_report(browser, corpus):
    with opened(browser, corpus["index"]) as (page, problems):
        rows = page.locator("#articles tbody tr")
        assert rows.count() == len(corpus["articles"])
        assert page.locator("#shown").inner_text() == "4 of 4 articles"

        page.get_by_role("button", name="Rhetoric share").click()  # largest share first
        shares = [float(v) if v else None for v in rows.evaluate_all("rs => rs.map(r => r.cells[7].dataset.value)")]
        known = [s for s in shares if s is not None]
        assert known == sorted(known, reverse=True) and shares[-1] is None  # the unanalysed one last
        page.get_by_role("button", name="Title").click()
        titles = rows.evaluate_all("rs => rs.map(r => r.cells[2].dataset.value.toLowerCase())")
        assert titles == sorted(titles)

        page.fill("#filter", "evil")
        assert page.locator("#shown").inner_text() == "1 of 4 articles"
        assert rows.locator("visible=true").count() == 1 and "<script>" in rows.locator("visible=true").inner_text()
        page.fill("#filter", "")
        page.select_option("#status", "not-analysed")
        assert page.locator("#shown").inner_text() == "1 of 4 articles"
        page.select_option("#status", "")

        assert page.evaluate("window.__pwned") is None
        screenshot(page, "report-index.png")
        page.click("#eval-link")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Eval report"
        assert problems == []


def test_article_page_highlights_every_statement_and_shows_its_details(browser, corpus):
    article = corpus["articles"][corpus["first"]]
    analysis = corpus["analyses"][article.id]
    with opened(browser, corpus["site"] / "articles" / page_name(article.id)) as (page, problems):
        marks = page.locator(".article-text mark.statement")
        assert marks.count() == len(analysis.statements) > 5
        # The text shown is the clean body, character for character, and each span is its statement.
        assert page.locator(".article-text").evaluate("e => e.textContent") == article.body
        assert marks.evaluate_all("ms => ms.map(m => m.textContent)") == [c.quote for c in analysis.statements]
        kinds = marks.evaluate_all("ms => ms.map(m => [...m.classList].find(c => c.startsWith('k-')))")
        # A sure statement wears its kind's colour; an uncertain one does not (it is marked apart).
        assert kinds == [None if c.uncertain else f"k-{c.kind}" for c in analysis.statements]
        assert page.locator("#detail-empty").is_visible()

        # Select a corroborated statement: its details, with a link to the article that corroborates it.
        checked = [(i, c.crosscheck.status) for i, c in enumerate(analysis.statements) if c.crosscheck]
        n = next(i for i, status in checked if status == "corroborated")
        m = next(i for i, status in checked if status == "conflicting")
        unchecked = next(i for i, c in enumerate(analysis.statements) if c.crosscheck is None)
        claim, other = analysis.statements[n], analysis.statements[n].crosscheck.evidence[0]
        marks.nth(n).click()
        details = page.locator(f"#d{n}")
        assert details.is_visible() and page.locator("section.detail:visible").count() == 1
        assert page.locator("#detail-empty").is_hidden()
        assert details.locator(".kind").inner_text().startswith(f"probably {claim.kind}" if claim.uncertain else claim.kind)
        assert details.locator(".attribution").inner_text() == claim.attribution.replace("_", " ")
        assert details.locator(".evidence").inner_text() == claim.evidence.replace("_", "-")
        assert details.locator(".rationale").inner_text() == claim.rationale
        assert details.locator("blockquote").inner_text() == claim.quote
        assert "corroborated" in details.locator(".crosscheck").inner_text()
        assert details.locator(f'a[href="{page_name(other.article_id)}"]').inner_text() == other.title

        # Hovering another shows its details; leaving it goes back to the selection.
        marks.nth(m).hover()
        assert page.locator(f"#d{m}").is_visible() and details.is_hidden()
        assert "conflicting" in page.locator(f"#d{m} .crosscheck").inner_text()
        marks.nth(unchecked).hover()
        assert "not checked" in page.locator(f"#d{unchecked} .crosscheck").inner_text()
        page.mouse.move(5, 5)
        assert details.is_visible()
        # Keyboard: Tab onto a statement selects it; Escape clears the selection.
        marks.nth(m).focus()
        assert page.locator(f"#d{m}").is_visible() and marks.nth(m).evaluate("e => e.classList.contains('selected')")
        page.keyboard.press("Escape")
        assert page.locator("#detail-empty").is_visible()
        # A figure links to the statement holding it, which is then selected.
        figure = page.locator("#figures a").first
        held = int(figure.get_attribute("href").removeprefix("#c"))
        figure.click()
        assert marks.nth(held).evaluate("e => e.classList.contains('selected')")
        assert page.locator(f"#d{held}").is_visible()
        marks.nth(n).click()
        screenshot(page, "report-article.png")

        # The corroborating article's link opens its page.
        details.locator("a").first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == corpus["articles"][other.article_id].title
        assert problems == []


def test_a_hostile_article_shows_its_markup_as_text_and_runs_nothing(browser, corpus):
    analysis = corpus["analyses"][HOSTILE.id]
    with opened(browser, corpus["site"] / "articles" / page_name(HOSTILE.id), "#c0") as (page, problems):
        assert page.evaluate("window.__pwned") is None
        assert page.locator("main img, main script, main b, main i").count() == 0
        assert page.locator("h1").inner_text() == HOSTILE.title
        assert page.locator(".article-text").evaluate("e => e.textContent") == HOSTILE.body
        assert page.locator(".article-text mark.statement").count() == len(analysis.statements)
        assert f'<img src=x onerror="{PWN}">Publisher point' in page.locator("#publisher").inner_text()
        assert f"<script>{PWN}</script>" in page.locator("#generated").inner_text()
        assert page.locator("#original").count() == 0  # its javascript: URL is no link
        assert "<b>Evil</b> Feed" in page.locator(".meta").inner_text()
        # Read by OCR: said before the breakdown, and every note of how the text was read, as text.
        assert page.locator("#read-by-ocr").inner_text().startswith("A scanned PDF of 1 page: its text read by OCR")
        assert page.locator("#corrected").inner_text() == f"Corrected by its publisher: Corrects paragraph 4 to show <b>{PWN}</b>."
        assert page.locator("#reading-notes li").evaluate_all("notes => notes.map(n => n.textContent)") == HOSTILE.reading_notes  # folded away
        assert page.locator("#entities td").all_inner_texts()[2] == f'<img src=x onerror="{PWN}">'
        assert page.locator("#c0").evaluate("e => e.classList.contains('selected')")  # selected from the URL
        assert page.locator("#d0").is_visible()
        assert f"<script>{PWN}</script>" in page.locator("#d0 blockquote").inner_text()
        # A conflicting source outside the site is named, not linked; its markup stays text.
        assert "Deleted <i>article</i>" in page.locator("#d0 .sources").inner_text()
        assert page.locator("#d0 .sources a").count() == 0
        for n in range(len(analysis.statements)):
            page.locator(f"#c{n}").click()
        assert page.evaluate("window.__pwned") is None
        screenshot(page, "report-hostile.png")
        assert problems == []


def test_an_unanalysed_article_gets_its_text_without_highlights(browser, corpus):
    article = corpus["articles"][corpus["unanalysed"]]
    with opened(browser, corpus["site"] / "articles" / page_name(article.id)) as (page, problems):
        assert page.locator(".article-text").evaluate("e => e.textContent") == article.body
        assert page.locator("mark.statement").count() == 0 and page.locator("aside.details").count() == 0
        assert "not analysed yet" in page.locator("#generated").inner_text()
        assert len(article.highlights) == page.locator("#publisher li").count()
        page.keyboard.press("Escape")
        assert problems == []


# --- uncertain statements, the share's interval, rationales (issue 14) ------------------------------

UNCERTAIN_BODY = (
    "MP Materials produced 1,300 tonnes of NdPr oxide in 2025. The company says its magnets are the best in the "
    "world. This is a historic victory for American industry. Analysts expect prices to rise next year."
)
HOSTILE_RATIONALE = f'superlative "historic victory" with no figure <img src=x onerror="{PWN}"><b>bold</b>'
# (sentence, kind, kind_confidence, uncertain, rationale)
UNCERTAIN_LABELS = [
    ("MP Materials produced 1,300 tonnes of NdPr oxide in 2025.", "fact", 0.93, False, "a figure with its unit and year"),
    ("The company says its magnets are the best in the world.", "claim", 0.42, True, 'attributed to the company with "says"'),
    ("This is a historic victory for American industry.", "rhetoric", None, False, HOSTILE_RATIONALE),
    ("Analysts expect prices to rise next year.", "opinion", None, True, "a forecast by unnamed analysts"),
]


def _labelled(article_id: str, body: str, labels, *, summary_from_article: bool = False) -> Analysis:
    """An analysis with the statements labelled by hand, its share and interval as the analysis computes them."""
    from assay.analysis import rhetoric_share
    from assay.types import Provenance, StatementAnalysis

    statements = [
        StatementAnalysis(quote=quote, start=body.index(quote), end=body.index(quote) + len(quote), kind=kind,
                          kind_confidence=confidence, uncertain=uncertain, attribution="company", evidence="none",
                          rationale=rationale)
        for quote, kind, confidence, uncertain, rationale in labels
    ]
    provenance = Provenance(model="hand", prompts={"summary": "2"}, kind_decided_by="hand@1", timings_s={},
                            analysed_at=datetime(2026, 2, 9, tzinfo=UTC), summary_from_article=summary_from_article)
    return Analysis(article_id=article_id, content_hash="", summary="MP Materials made oxide.", highlights=[],
                    entities=[], figures=[], statements=statements, rhetoric_share=rhetoric_share(statements)[0],
                    rhetoric_share_interval=rhetoric_share(statements)[1], provenance=provenance)


@pytest.fixture(scope="module")
def uncertain_site(tmp_path_factory):
    """A site of two articles labelled by hand: one with uncertain statements, confidences of None and a
    rationale carrying markup; one whose analysis is stored as an earlier version stored it (no interval,
    no `uncertain`)."""
    from sqlalchemy import select

    from assay.store.registry import AnalysisRow

    folder = tmp_path_factory.mktemp("uncertain")
    registry = Registry(f"sqlite:///{folder / 'registry.sqlite'}")
    article = Article(id="feedfacefeedface", title="MP Materials output", published=datetime(2026, 2, 9, tzinfo=UTC),
                      source="Wire", source_url="test", body=UNCERTAIN_BODY,
                      sections=[Section(heading=None, start=0, end=len(UNCERTAIN_BODY))])
    older = article.model_copy(update={"id": "0ddba110ddba1100", "title": "Analysed by an earlier version"})
    labels = UNCERTAIN_LABELS
    analyses = {
        article.id: _labelled(article.id, article.body, labels, summary_from_article=True),
        older.id: _labelled(older.id, older.body, [(q, k, 0.8, False, r) for q, k, _, _, r in labels]),
    }
    for each in (article, older):
        registry.record_article(each, chunk_count=0)
        analysis = analyses[each.id]
        registry.record_analysis(analysis.model_copy(update={"content_hash": each.content_hash}), "test")
    with registry.session() as s:  # as an earlier version stored it: no interval, no `uncertain`
        row = s.scalars(select(AnalysisRow).where(AnalysisRow.article_id == older.id)).one()
        stored = {k: v for k, v in row.analysis.items() if k != "rhetoric_share_interval"}
        stored["statements"] = [{k: v for k, v in c.items() if k != "uncertain"} for c in stored["statements"]]
        row.analysis = stored
    assert registry.latest_analysis(older.id).rhetoric_share_interval is None
    index = write_report(folder / "site", registry)
    return {"index": index, "site": index.parent, "article": article, "older": older, "analyses": analyses,
            "registry": registry}


def _text(value: str) -> str:
    return " ".join(value.replace("\xa0", " ").split())


def test_the_share_counts_confident_statements_and_states_its_interval(uncertain_site):
    from assay.report import KindCounts, share_sentence

    analysis = uncertain_site["analyses"][uncertain_site["article"].id]
    counts = KindCounts.of(analysis.statements)
    assert counts.by_kind == {"fact": 1, "claim": 0, "rhetoric": 1, "opinion": 0} and counts.uncertain == 2
    low, high = (round(100 * b) for b in analysis.rhetoric_share_interval)
    assert analysis.rhetoric_share == 0.5
    assert share_sentence(analysis, space=" ") == (
        f"50 % claim or rhetoric (95 % CI {low}–{high} %) of 2 confident statements; 2 uncertain"
    )
    older = uncertain_site["registry"].latest_analysis(uncertain_site["older"].id)
    assert share_sentence(older, space=" ") == "50 % claim or rhetoric of 4 statements (no interval: analysed by an earlier version)"
    all_unsure = analysis.model_copy(update={
        "statements": [c.model_copy(update={"uncertain": True}) for c in analysis.statements],
        "rhetoric_share": 0.0, "rhetoric_share_interval": None,
    })
    assert share_sentence(all_unsure) == "no confident statements, so no share; 4 uncertain"
    assert share_sentence(analysis.model_copy(update={"statements": []})) == "no statements"

    page = (uncertain_site["site"] / "articles" / page_name(uncertain_site["article"].id)).read_text()
    # A confidence of None is shown as no probability at all ("None named." is the empty entities table).
    assert "None" not in re.sub(r"None (named|picked)\.", "", page)
    assert f'onerror="{PWN}"' not in page and "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    # A summary made of the article's own sentences says so; one the model wrote does not.
    note = "nothing of the model's summary was grounded in it"
    older_page = (uncertain_site["site"] / "articles" / page_name(uncertain_site["older"].id)).read_text()
    assert note in page and note not in older_page


def test_an_uncertain_statement_is_marked_not_coloured_as_sure_and_every_rationale_shows(browser, uncertain_site):
    from assay.types import KIND_COLOURS, Kind

    article, analysis = uncertain_site["article"], uncertain_site["analyses"][uncertain_site["article"].id]
    with opened(browser, uncertain_site["site"] / "articles" / page_name(article.id)) as (page, problems):
        assert page.locator(".article-text").evaluate("e => e.textContent") == article.body  # the "?" is not text
        classes = page.locator("mark.statement").evaluate_all("ms => ms.map(m => [...m.classList])")
        for statement, names in zip(analysis.statements, classes, strict=True):
            if statement.uncertain:
                assert "uncertain" in names and not any(n.startswith("k-") for n in names), names
            else:
                assert f"k-{statement.kind}" in names and "uncertain" not in names, names

        def style(selector: str, pseudo: str | None = None) -> dict:
            return page.locator(selector).evaluate(
                "(e, p) => { const s = getComputedStyle(e, p); return {bg: s.backgroundColor, image: s.backgroundImage,"
                " border: s.borderBottomStyle, content: s.content}; }", pseudo)

        def rgb(colour: str) -> str:
            return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))

        sure, unsure = style("#c0"), style("#c1")
        assert sure["bg"] == rgb(KIND_COLOURS[Kind.fact].light) and sure["border"] == "solid"
        assert unsure["bg"] != rgb(KIND_COLOURS[Kind.claim].light) and "gradient" in unsure["image"]
        assert unsure["border"] == "dashed" and style("#c1", "::after")["content"] == '"?"'
        assert style("#c0", "::after")["content"] in ("none", "normal")
        assert "uncertain: probably claim (p=0.42)" in page.locator("#c1").get_attribute("title")

        # The details: "probably claim (p=0.42)" and an "uncertain" marker; no probability where there is none.
        page.locator("#c1").click()
        assert _text(page.locator("#d1 .kind").inner_text()).startswith("probably claim (p=0.42)")
        assert page.locator("#d1 h3 .chip.uncertain").inner_text() == "uncertain"
        page.locator("#c3").click()
        assert _text(page.locator("#d3 .kind").inner_text()).startswith("probably opinion ·")
        page.locator("#c2").click()
        assert _text(page.locator("#d2 .kind").inner_text()) == "rhetoric"
        page.locator("#c0").click()
        assert _text(page.locator("#d0 .kind").inner_text()) == "fact (confidence 0.93)"
        # Every statement's rationale, in its details and its tooltip; markup in one stays text.
        for n, statement in enumerate(analysis.statements):
            assert page.locator(f"#d{n} .rationale").text_content() == statement.rationale
            assert page.locator(f"#c{n}").get_attribute("title").endswith(f"Why: {statement.rationale}")
        assert "None" not in page.locator(".reading").text_content() + page.locator(".legend").text_content()
        assert page.locator("main img, main b").count() == 0 and page.evaluate("window.__pwned") is None

        # The share: over the confident statements, with its interval; the uncertain counted apart.
        low, high = (round(100 * b) for b in analysis.rhetoric_share_interval)
        assert _text(page.locator("#share").inner_text()) == (
            f"50 % claim or rhetoric (95 % CI {low}–{high} %) of 2 confident statements; 2 uncertain"
        )
        assert page.locator(".legend .chip.uncertain").inner_text() == "uncertain 2"
        assert page.locator(".legend .chip.k-claim").inner_text() == "claim 0"
        widths = page.locator("svg.bar-wide rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")
        assert widths == ["50.00", "0.00"]  # rhetoric 1 of the 2 confident, claim none: the uncertain claim is not in it
        assert page.locator("svg.bar-wide .ci line").count() == 3
        page.locator("#c1").click()
        screenshot(page, "report-uncertain.png")
        assert problems == []

    with opened(browser, uncertain_site["index"]) as (page, problems):
        cell = page.locator("#articles tbody tr", has_text="MP Materials output").locator("td.share")
        assert f"({low}–{high}" in _text(cell.inner_text()) and "2 uncertain" in cell.inner_text()
        assert "95 % CI" in _text(cell.get_attribute("title"))
        assert problems == []


def test_an_analysis_stored_by_an_earlier_version_still_renders(browser, uncertain_site):
    older = uncertain_site["older"]
    with opened(browser, uncertain_site["site"] / "articles" / page_name(older.id)) as (page, problems):
        marks = page.locator("mark.statement")
        assert marks.count() == 4 and page.locator("mark.statement.uncertain").count() == 0
        kinds = marks.evaluate_all("ms => ms.map(m => [...m.classList].find(c => c.startsWith('k-')))")
        assert kinds == [f"k-{kind}" for _, kind, *_ in UNCERTAIN_LABELS]
        assert _text(page.locator("#share").inner_text()) == (
            "50 % claim or rhetoric of 4 statements (no interval: analysed by an earlier version)"
        )
        assert page.locator(".legend .chip.uncertain").count() == 0 and page.locator("svg.bar-wide .ci").count() == 0
        assert problems == []
