"""`assay remove`, through the real ingest and analyse flows (Prefect, Chroma, SQLite): an article taken
out leaves nothing of it in the corpus, a feed or a folder that offers it again keeps it out, naming
its page or file takes it back, and the cross-checks it was evidence in are run again."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli import app
from assay.services import services
from assay.store.keywords import KeywordIndex
from tests.conftest import article_html, rss, use_extractive_llm
from tests.test_ingest_flow import assert_consistent, by_status

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _page(n: int) -> str:
    return f"<html><head><title>Removal {n}</title></head><body><article><h1>Removal {n}</h1>{article_html(n)}</article></body></html>"


def test_a_removed_article_leaves_nothing_and_its_feed_keeps_it_out_until_its_page_is_named(ingest, assay_home, http_server):
    pages = {n: http_server.set(f"/removal/{n}.html", _page(n)) for n in (1, 2)}
    feed = http_server.set("/removal/feed.xml", rss([{"title": f"Removal {n}", "link": pages[n], "html": article_html(n)} for n in (1, 2)]),
                           content_type="application/xml")
    ids = {r.title: r.article_id for r in ingest([feed]).results}
    kept, gone = ids["Removal 1"], ids["Removal 2"]
    registry, store = services(assay_home).registry, services(assay_home).chunk_store
    gone_chunks = store.chunk_ids(gone)
    assert gone_chunks

    refused = invoke("remove", gone[:10])  # not a terminal: it will not remove without --yes
    assert refused.exit_code == 1 and "add --yes" in refused.stderr and registry.get(gone) is not None
    typo = invoke("remove", gone[:10], "ffffffffff", "--yes")
    assert typo.exit_code == 1 and "no article with id 'ffffffffff'" in typo.stderr and "nothing removed" in typo.stderr
    assert registry.get(gone) is not None

    done = invoke("remove", gone[:10], "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r["article_id"] for r in report["removed"]] == [gone] and report["chunks"] > 0
    assert registry.get(gone) is None and [a.id for a in registry.articles()] == [kept]
    assert not store.chunk_ids(gone) and store.chunk_ids(kept)
    hits = {hit.chunk_id for hit in KeywordIndex(registry).search("paragraph article lynas kalgoorlie", 20)}
    assert hits and not hits & gone_chunks
    assert_consistent(assay_home)
    again = invoke("remove", gone[:10], "--yes")  # safe to re-run: it says when
    assert again.exit_code == 0 and f"{gone[:12]} was removed on" in again.stdout

    offered = by_status(ingest([feed]))  # the feed still lists it
    assert [r.article_id for r in offered["removed"]] == [gone] and [r.article_id for r in offered["unchanged"]] == [kept]
    assert f"assay ingest {pages[2]}" in offered["removed"][0].error and registry.get(gone) is None

    back = by_status(ingest([pages[2]]))  # named on its own: the user wants it back
    assert [r.article_id for r in back["new"]] == [gone] and registry.removed([gone]) == {}
    assert not {"removed", "new", "failed"} & by_status(ingest([feed])).keys()  # the feed's copy is that article again
    assert_consistent(assay_home)
    by_url = invoke("remove", pages[2], "--yes")  # the address the user knows, in place of the id
    assert by_url.exit_code == 0 and f"removed {gone[:12]}" in by_url.stdout and registry.get(gone) is None
    assert "was removed on" in invoke("remove", pages[2], "--yes").stdout


def test_a_folder_keeps_a_removed_file_out_even_edited_and_the_file_named_alone_comes_back(ingest, assay_home, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "lynas.txt").write_text("Lynas update\n\nLynas Rare Earths produced 10,600 tonnes of NdPr oxide in the year to June.\n")
    (folder / "mp.txt").write_text("MP Materials update\n\nMP Materials began commercial magnet production in Fort Worth this quarter.\n")
    ids = {r.title: r.article_id for r in ingest([str(folder)]).results}
    removed = invoke("remove", str(folder / "lynas.txt"), "--yes")  # a file names the articles read from it
    assert removed.exit_code == 0 and f"removed {ids['Lynas update'][:12]}" in removed.stdout
    missing = invoke("remove", str(folder / "none.txt"), "--yes")
    assert missing.exit_code == 1 and "no article read from" in missing.stderr

    (folder / "lynas.txt").write_text("Lynas update\n\nLynas Rare Earths produced 10,900 tonnes of NdPr oxide in the year to June.\n")
    report = ingest([str(folder)])  # an edited file is another text, so another id: its path keeps it out
    assert report.counts["removed"] == 1 and report.counts["unchanged"] == 1 and not report.counts["new"]
    assert "1 removed" in report.summary_line()
    back = ingest([str(folder / "lynas.txt")])
    assert back.counts["new"] == 1 and "10,900" in services(assay_home).registry.get(back.results[0].article_id).body
    assert ingest([str(folder)]).counts["unchanged"] == 2
    assert_consistent(assay_home)


def test_a_saved_page_named_by_a_relative_path_comes_back_when_named_again(ingest, assay_home, tmp_path, monkeypatch):
    """Seen on a newsletter's page saved to disk: removed, it was kept out by the very command its
    message offered (`assay ingest arts/page.html`), as the page was recorded by the path as typed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "page.html").write_text(
        "<html><head><title>Dysprosium's quiet squeeze</title></head><body><article><h1>Dysprosium's quiet squeeze</h1>"
        "<p>Dysprosium oxide delivered in Rotterdam traded at $890 per kilogram last week, according to Fastmarkets.</p>"
        "<p>Neo Performance Materials said its Estonian magnet plant is running at 40% of capacity.</p></article></body></html>")
    first = ingest(["arts/page.html"]).results[0]
    assert invoke("remove", first.article_id, "--yes").exit_code == 0
    kept_out = ingest([str(tmp_path / "arts")]).results[0]
    assert kept_out.status == "removed" and f"`assay ingest {tmp_path / 'arts' / 'page.html'}` takes it back" in kept_out.error
    assert ingest(["arts/page.html"]).counts["new"] == 1
    assert_consistent(assay_home)


@pytest.mark.slow
def test_removing_an_article_runs_again_the_cross_checks_it_corroborated(ingest, assay_home, http_server, extractive_llm, monkeypatch):
    from assay import api

    settings = use_extractive_llm(monkeypatch, extractive_llm)
    registry = services(settings).registry
    ids = []
    for n in (1, 2):
        feed = http_server.set(f"/corroborated-{n}.xml", rss([{"title": f"Corroborated {n}", "link": f"https://example.com/corroborated/{n}",
                                                                  "html": article_html(n)}]), content_type="application/xml")
        ids.append(ingest([feed]).results[0].article_id)
    first, second = ids
    api.analyse([first, second], settings)

    def cited(article_id: str) -> set[str]:
        analysis = registry.latest_analysis(article_id)
        return {e.article_id for s in analysis.statements if s.crosscheck for e in s.crosscheck.evidence}

    assert second in cited(first)
    report = api.remove(settings, [second])
    assert report.rechecked == [first] and second not in cited(first)
    assert registry.latest_analysis(second) is None


def test_a_teaser_feed_does_not_fetch_a_removed_articles_page_again(ingest, assay_home, http_server, monkeypatch):
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_FETCH_PRIVATE_LINKS", "true")  # the feed's links are this loopback server's pages
    get_settings.cache_clear()
    pages = {n: http_server.set(f"/removal-teasers/{n}.html", _page(n)) for n in (1, 2)}
    feed = http_server.set("/removal-teasers.xml", rss([{"title": f"Story {n}", "link": pages[n], "description": "Short teaser…"} for n in (1, 2)]),
                           content_type="application/xml")
    ids = [r.article_id for r in ingest([feed]).results]
    assert all(ids)
    assert invoke("remove", ids[1], "--yes").exit_code == 0
    fetched = http_server.hits.get("/removal-teasers/2.html", 0)
    offered = by_status(ingest([feed]))
    assert [r.article_id for r in offered["removed"]] == [ids[1]] and http_server.hits.get("/removal-teasers/2.html", 0) == fetched


def test_a_read_only_registry_refuses_in_one_line_and_keeps_every_chunk(ingest, assay_home, tmp_path, monkeypatch):
    import os

    from assay import services as made

    (tmp_path / "one.txt").write_text("Lynas update\n\nLynas Rare Earths produced 10,600 tonnes of NdPr oxide in the year to June.\n")
    (article_id,) = [r.article_id for r in ingest([str(tmp_path / "one.txt")]).results]
    chunks = services(assay_home).chunk_store.chunk_ids(article_id)
    real_access = os.access  # as for a user without write permission (tests run as root)
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK and str(path).endswith(".sqlite") else real_access(path, mode, **kw))
    monkeypatch.setattr(made, "_made", {})
    refused = runner.invoke(app, ["remove", article_id, "--yes"])
    assert refused.exit_code == 1 and "is read-only" in str(refused.exception) and "\n" not in str(refused.exception).strip()
    monkeypatch.undo()
    assert services(assay_home).chunk_store.chunk_ids(article_id) == chunks and services(assay_home).registry.get(article_id)


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="file names of arbitrary bytes: Linux's")
def test_a_file_name_that_is_not_utf8_is_ingested_removed_and_named_again(prefect_harness, assay_home, tmp_path):
    """Seen here: a folder holding one file named in Latin-1 bytes ("B\\xf6rse.txt", as an old Windows share or an
    unpacked zip leaves them) failed its whole ingest with "surrogates not allowed"; named alone, the file failed
    on its way to the flow (Prefect sends parameters as JSON), and `assay remove FILE` failed writing its turn."""
    from assay import api

    folder = tmp_path / "notes"
    folder.mkdir()
    latin1 = os.fsdecode(bytes(folder) + b"/B\xf6rse Lynas.txt")  # how Python names it: a lone surrogate for \xf6
    Path(latin1).write_text("Lynas update\n\nLynas Rare Earths produced 10,600 tonnes of NdPr oxide in the year to June.\n")
    (folder / "mp.txt").write_text("MP Materials update\n\nMP Materials began commercial magnet production in Fort Worth this quarter.\n")

    first = api.ingest([str(folder)], assay_home, analyse=False).ingest
    assert first.counts["new"] == 2 and not first.counts["failed"]
    recorded = {a.title: a.source_url for a in services(assay_home).registry.articles()}
    assert recorded["Lynas update"] == f"{folder}/B\\xf6rse Lynas.txt"  # the byte, escaped, as stored and printed
    assert api.ingest([str(folder)], assay_home, analyse=False).ingest.counts["unchanged"] == 2

    assert invoke("remove", latin1, "--yes").exit_code == 0  # the name as the shell passes it
    assert api.ingest([str(folder)], assay_home, analyse=False).ingest.counts["removed"] == 1
    back = api.ingest([latin1], assay_home, analyse=False).ingest  # named alone: taken back
    assert back.counts["new"] == 1 and "taken back in" in " ".join(back.results[0].notes)
    assert_consistent(assay_home)


def test_a_file_url_names_its_file_with_its_escapes_decoded(tmp_path):
    from assay.sources import flow_source, local_path
    from assay.types import path_text

    spaced = tmp_path / "My Reports" / "x.pdf"
    assert local_path(spaced.as_uri()) == spaced  # "file:///…/My%20Reports/x.pdf", from a browser's address bar
    latin1 = os.fsdecode(bytes(tmp_path) + b"/B\xf6rse.txt")
    assert flow_source(latin1) == f"{tmp_path.as_uri()}/B%F6rse.txt" and local_path(flow_source(latin1)) == Path(latin1)
    assert flow_source(str(spaced)) == str(spaced) and flow_source("https://example.com/a") == "https://example.com/a"
    assert path_text(latin1) == f"{tmp_path}/B\\xf6rse.txt" and path_text(str(spaced)) == str(spaced)
    from assay.api import folders_to_poll

    Path(latin1).mkdir()  # a folder of that name, polled by `assay serve` / `assay deploy` (parameters sent as JSON)
    assert folders_to_poll([latin1]) == [f"{tmp_path.as_uri()}/B%F6rse.txt"]
