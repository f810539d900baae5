"""Source profiles, the digest and the export: on the typed views corpus (tests/views_corpus.py), through
`assay.cli.main` as a user runs them, and once through the real ingest and analyse flows."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import UTC, datetime, timedelta

import markdown
import pytest

from assay.aliases import AliasBook
from assay.corpus import load_corpus, sentence_context
from assay.settings import Settings
from assay.statements import text_sentences
from assay.types import Kind
from tests.views_corpus import HOSTILE_ENTITY, PWN, views_articles, views_id, views_registry


@pytest.fixture
def views_home(assay_home):
    """ASSAY_HOME whose registry holds the views corpus."""
    views_registry(Settings().registry_url).close()
    return assay_home


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from assay.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    printed = capsys.readouterr()
    return exited.value.code or 0, printed.out, printed.err


def views_corpus(tmp_path, extra: bool = False):
    """The views corpus as a CorpusView, and the alias book it was read with; with `extra`, a second Xinhua article a month later."""
    registry = views_registry(f"sqlite:///{tmp_path / 'views.sqlite'}")
    if extra:
        record_extra(registry)
    aliases = AliasBook.load(None)
    view = load_corpus(registry, aliases)
    registry.close()
    return view, aliases


def record_extra(registry, seed: str = "xinhua-2", share: float = 0.2) -> str:
    """Another Xinhua article (February), analysed: its one statement a claim with a figure."""
    article, analysis = next((a, an) for a, an in views_articles() if a.id == views_id("xinhua"))
    new_id = views_id(seed)
    quote = "Baotou's output of NdPr oxide will reach 80,000 tonnes, officials said."
    article = article.model_copy(update={"id": new_id, "published": datetime(2026, 2, 14, tzinfo=UTC), "title": "Baotou output",
                                         "body": quote, "url": f"http://www.news.cn/english/{seed}.htm"})
    statement = analysis.statements[0].model_copy(update={"quote": quote, "start": 0, "end": len(quote), "kind": Kind.claim, "crosscheck": None})
    analysis = analysis.model_copy(update={"article_id": new_id, "content_hash": article.content_hash, "statements": [statement],
                                           "rhetoric_share": share, "rhetoric_share_interval": (0.1, 0.3)})
    registry.record_article(article, chunk_count=0)
    registry.record_analysis(analysis, "views-test")
    return new_id


# --- source profiles ------------------------------------------------------------------------------------


def test_source_profiles_count_share_and_bucket_by_month(tmp_path):
    from assay.profiles import source_profiles, source_type_profiles

    view, _ = views_corpus(tmp_path, extra=True)
    profiles = source_profiles(view)
    assert profiles[0].name == "Xinhua" and profiles[0].articles == 2 and profiles[0].statements == 4  # most articles first
    xinhua = profiles[0]
    assert xinhua.source_type == "state_media"
    assert xinhua.kind_shares == pytest.approx({"fact": 0.25, "claim": 0.5, "rhetoric": 0.25, "opinion": 0.0})
    first_share = next(an.rhetoric_share for a, an in views_articles() if a.id == views_id("xinhua"))
    assert xinhua.rhetoric_share == pytest.approx((first_share + 0.2) / 2)  # the mean over articles, not statements
    assert xinhua.interval and xinhua.interval[0] <= xinhua.rhetoric_share <= xinhua.interval[1]
    assert [(p.period, p.articles, p.statements) for p in xinhua.periods] == [("2026-01", 1, 3), ("2026-02", 1, 1)]
    assert xinhua.periods[1].rhetoric_share == pytest.approx(0.2) and xinhua.periods[1].interval == (0.1, 0.3)  # one article: its own

    for profile in profiles + source_type_profiles(view):
        assert sum(profile.kind_shares.values()) == pytest.approx(1.0)
        assert profile.rhetoric_share is not None and profile.interval is not None
        assert profile.interval[0] <= profile.rhetoric_share <= profile.interval[1]
        assert [p.period for p in profile.periods] == sorted(p.period for p in profile.periods)
    assert sum(p.articles for p in profiles) == len(view.articles) == 9
    assert sum(p.statements for p in profiles) == len(view.statements)

    types = {p.source_type: p for p in source_type_profiles(view)}
    assert types["news"].name == "news" and types["news"].articles == 3  # Shanghai Securities News, Mining Weekly, the hostile feed
    assert types["news"].interval != (types["news"].rhetoric_share,) * 2  # three articles: a real bootstrap interval
    assert {"company_release", "state_media", "wire", "analyst", "government"} <= set(types)


def test_slugs_are_ascii_file_names_unique_and_free_of_markup(tmp_path):
    from assay.profiles import _unique_slug, slugify, source_profiles, source_type_profiles

    view, _ = views_corpus(tmp_path)
    slugs = [p.slug for p in source_profiles(view)] + [p.slug for p in source_type_profiles(view)]
    assert len(set(slugs)) == len(slugs)
    for slug in slugs:
        assert slug.isascii() and slug == slug.lower() and all(c.isalnum() or c == "-" for c in slug), slug
    hostile = next(p for p in source_profiles(view) if p.name.startswith("<b>"))
    assert hostile.slug == "evil-feed-window-pwned-true"
    assert slugify("新华社").startswith("source-") and slugify("新华社") == slugify("新华社") != slugify("人民日报")
    assert slugify("../../etc/passwd") == "etc-passwd" and slugify("CON") == "con-source"
    taken: set[str] = set()
    assert [_unique_slug(n, taken) for n in ("Reuters", "reuters", "REUTERS!")] == ["reuters", "reuters-2", "reuters-3"]


def test_sources_command_json_and_table(views_home, capsys, monkeypatch):
    code, out, _ = run_cli(capsys, "sources", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["sources"]) == 8 and {t["source_type"] for t in data["source_types"]} >= {"wire", "state_media"}
    assert all(abs(sum(p["kind_shares"].values()) - 1) < 1e-9 for p in data["sources"])
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, "sources")
    assert code == 0 and "Xinhua" in out and "Source types" in out
    monkeypatch.setenv("COLUMNS", "80")  # a narrow terminal: every number whole, nothing cut to "fact/claim/rhet…"
    code, out, _ = run_cli(capsys, "sources")
    assert code == 0 and "…" not in out and max(len(line) for line in out.splitlines()) <= 80
    xinhua = next(p for p in data["sources"] if p["name"] == "Xinhua")
    assert re.search(rf"\b{xinhua['statements']} in {xinhua['articles']}\b", out)


# --- the digest -------------------------------------------------------------------------------------------


def test_digest_ranks_conflicts_then_figures_then_named_parties_and_groups_by_entity(tmp_path):
    from assay.digest import OTHER, build_digest, rank, render_markdown

    view, aliases = views_corpus(tmp_path)
    digest = build_digest(view, types={n.name: n.type for n in aliases.entities()}, now=datetime(2026, 4, 1, tzinfo=UTC))
    items = [item for group in digest.groups for item in group.items]
    kinds = {item.statement.kind.value for item in items}
    assert kinds == {"claim", "rhetoric", "fact"} and "opinion" not in kinds
    assert all(i.statement.kind != "fact" or i.statement.crosscheck == "conflicting" for i in items)  # facts only when disputed
    assert digest.statements == len(items) == len({i.statement.id for i in items})  # each statement once
    assert digest.articles == 8 and digest.unanalysed == 0 and "not analysed yet" not in render_markdown(digest)
    # Articles ingested with --no-analyse had read "0 check-worthy statements from 25 new articles… Nothing new to check."
    waiting = build_digest(view.model_copy(update={"analyses": {}, "statements": []}), now=datetime(2026, 4, 1, tzinfo=UTC))
    assert waiting.unanalysed == 8 and "0 check-worthy statements from 8 new articles in this poll (8 of them not analysed yet, so not " \
        "read here: `assay analyse --pending`)" in render_markdown(waiting)

    top = digest.groups[0]
    assert top.entity == "MP Materials"
    assert [i.score for i in top.items] == sorted((i.score for i in top.items), reverse=True)
    conflicts = [i for i in top.items if i.statement.crosscheck == "conflicting"]
    assert conflicts and top.items[: len(conflicts)] == conflicts  # conflicts first
    release = "MP Materials signs NdPr supply agreement"
    assert any(r == f"conflicts with what “{release}” says" for r in conflicts[0].reasons)
    assert "states a figure" in conflicts[0].reasons
    after = [i for i in top.items if i not in conflicts]
    assert [i.statement.has_figure for i in after] == sorted((i.statement.has_figure for i in after), reverse=True)
    plain = next(i.statement for g in digest.groups for i in g.items if g.entity == OTHER)
    named = plain.model_copy(update={"entities": ["MP Materials"]})
    figure = plain.model_copy(update={"has_figure": True})
    conflict = plain.model_copy(update={"crosscheck": "conflicting", "corroborated_by": [views_id("release")]})
    surer = plain.model_copy(update={"kind_confidence": 0.95})
    scores = [rank(r, {}).score for r in (conflict, figure, named, surer, plain)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5
    assert rank(named, {}).reasons[0] == "names MP Materials" and rank(conflict, {}).reasons[0].startswith("conflicts with")
    disputed_fact = next(i for g in digest.groups for i in g.items if i.statement.kind == "fact")
    assert disputed_fact.statement.quote.startswith("Mountain Pass shipped")  # names only a project and a material:
    assert not any(r.startswith("names") for r in disputed_fact.reasons)  # no party named
    assert digest.groups[0].items[0].score > disputed_fact.score  # a conflict with a party outranks one without

    other = [g for g in digest.groups if g.entity == OTHER]
    assert not other or digest.groups[-1].entity == OTHER
    assert all(not i.statement.entities and not i.statement.speaker for g in other for i in g.items)
    assert all(i.statement.entities or i.statement.speaker == g.entity for g in digest.groups if g.entity != OTHER for i in g.items)


def test_a_quote_several_new_articles_state_is_one_item_naming_the_others(tmp_path):
    """A release carried by its distributor and posted on the company's site (each with its own
    boilerplate, so two articles): the digest listed the chief executive's words twice."""
    from assay.digest import build_digest, render_html, render_markdown

    view, aliases = views_corpus(tmp_path)
    types = {n.name: n.type for n in aliases.entities()}
    before = build_digest(view, types=types)
    first = next(i.statement for g in before.groups for i in g.items)
    other = next(a for a in view.articles if a.id != first.article_id)
    copy = first.model_copy(update={"id": f"{other.id}:copy", "article_id": other.id, "title": other.title, "source": "PR Newswire",
                                    "quote": "  " + first.quote.upper() + " "})  # spacing and case aside, the same words
    digest = build_digest(view.model_copy(update={"statements": [*view.statements, copy]}), types=types)
    items = [i for g in digest.groups for i in g.items]
    assert len(items) == before.statements == digest.statements
    (shown,) = [i for i in items if " ".join(i.statement.quote.split()).casefold() == " ".join(first.quote.split()).casefold()]
    hidden = copy if shown.statement.article_id == first.article_id else first  # ranked alike: either may be the one shown
    title = next(a.title for a in view.articles if a.id == hidden.article_id)
    assert shown.also_in == [f"“{title}” ({hidden.source}, {hidden.day})"]
    assert "Also in “" in render_markdown(digest) and "Also in “" in render_html(digest)


def test_digest_command_md_html_json(views_home, capsys, tmp_path):
    code, out, _ = run_cli(capsys, "digest", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["articles"] == 8 and data["groups"][0]["entity"] == "MP Materials"
    quotes = [i["statement"]["quote"] for g in data["groups"] for i in g["items"]]
    assert any(HOSTILE_ENTITY in q for q in quotes)  # hostile text intact in the data

    code, md, _ = run_cli(capsys, "digest", "--since", "2d", "--format", "md")
    assert code == 0 and md.startswith("# Assay digest") and "## MP Materials" in md
    assert re.findall(r"<(?!https?://)", md) == [] and "&lt;img src=x" in md  # escaped, not dropped
    rendered = markdown.markdown(md)
    assert "<script" not in rendered and "<img" not in rendered and "&lt;img src=x" in rendered

    page = tmp_path / "digest.html"
    code, _, err = run_cli(capsys, "digest", "--format", "html", "--out", str(page))
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert code == 0 and "<script" not in html and "<img" not in html and "&lt;img src=x" in html
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]  # no remote asset
    assert 'href="https://www.reuters.com/' in html and "default-src 'none'" in html

    code, out, _ = run_cli(capsys, "digest", "--since", (datetime.now(UTC) + timedelta(days=1)).date().isoformat(), "--format", "json")
    assert code == 0 and json.loads(out)["groups"] == [] and json.loads(out)["articles"] == 0
    code, _, err = run_cli(capsys, "digest", "--format", "pdf")
    assert code == 2 and "pdf" in err

    code, _, err = run_cli(capsys, "digest", "--format", "md", "--out", str(page))
    assert code == 1 and "already exists: pass --force" in err and page.read_text(encoding="utf-8") == html  # the user's file kept
    code, _, _ = run_cli(capsys, "digest", "--format", "md", "--out", str(page), "--force")
    assert code == 0 and page.read_text(encoding="utf-8").startswith("# Assay digest")



def test_a_clauses_sentence_leaves_out_the_dateline_it_opens_with():
    # A release's first sentence opens with where and when it was sent, which says nothing of the clause (written here).
    body = ("MINAÇU, Brazil, Dec. 3, 2026 /PRNewswire/ -- Serra Verde Mineração said on Wednesday it had shipped its first "
            "1,200 tonnes of carbonate, making it the largest producer of heavy rare earths outside Asia.\n\nMore text here.")
    clause = "making it the largest producer of heavy rare earths outside Asia."
    start = body.index(clause)
    before, after = sentence_context(body, text_sentences(body), start, start + len(clause))
    assert (before, after) == ("Serra Verde Mineração said on Wednesday it had shipped its first 1,200 tonnes of carbonate, ", "")
    first = body.index("Serra Verde")
    assert sentence_context(body, text_sentences(body), first, start - 1) == ("", " " + clause)

def test_a_clause_cut_from_a_sentence_is_shown_in_it_wherever_it_stands_alone(views_home, capsys, tmp_path):
    """The breakdown cuts a sentence's clauses apart; in a digest, an entity's page, the report and an alert,
    "aiming to reduce reliance on China." had stood alone. The rest of its sentence now comes with it, marked as
    not the statement's words."""
    from assay.corpus import StatementRecord
    from assay.store.registry import Registry
    from assay.watch import WatchItem, alert_message

    body = ("The United States and the United Arab Emirates have signed a framework on critical minerals, aiming to reduce "
            "reliance on China. MP Materials said output rose.")
    clause = "aiming to reduce reliance on China."
    article, analysis = next((a, an) for a, an in views_articles() if a.id == views_id("xinhua"))
    new_id = views_id("clause")
    article = article.model_copy(update={"id": new_id, "body": body, "title": "A framework", "url": "http://www.news.cn/english/clause.htm"})
    start = body.index(clause)
    whole = body.index("MP Materials")
    statements = [analysis.statements[0].model_copy(update={"quote": clause, "start": start, "end": start + len(clause), "kind": Kind.claim,
                                                            "crosscheck": None}),
                  analysis.statements[0].model_copy(update={"quote": body[whole:], "start": whole, "end": len(body), "kind": Kind.claim,
                                                            "crosscheck": None})]
    registry = Registry(Settings().registry_url)
    registry.record_article(article, chunk_count=0)
    registry.record_analysis(analysis.model_copy(update={"article_id": new_id, "content_hash": article.content_hash, "statements": statements}), "views-test")
    registry.close()
    before = "The United States and the United Arab Emirates have signed a framework on critical minerals, "

    code, out, _ = run_cli(capsys, "digest", "--format", "json")
    records = {i["statement"]["quote"]: i["statement"] for g in json.loads(out)["groups"] for i in g["items"]}
    assert (records[clause]["context_before"], records[clause]["context_after"]) == (before, "")
    assert (records[body[whole:]]["context_before"], records[body[whole:]]["context_after"]) == ("", "")  # a whole sentence: no context
    code, md, _ = run_cli(capsys, "digest", "--format", "md")
    assert f"“{before}*{clause}*”" in md and "<em>aiming to reduce reliance on China.</em>" in markdown.markdown(md)
    page = tmp_path / "digest.html"
    assert run_cli(capsys, "digest", "--format", "html", "--out", str(page))[0] == 0
    assert f'<span class="context">{before}</span>{clause}<span class="context"></span>' in page.read_text(encoding="utf-8")
    code, out, _ = run_cli(capsys, "entity", "China")
    assert code == 0 and f"“{before}{clause}”" in " ".join(out.split())
    assert run_cli(capsys, "report", "--out", str(tmp_path / "report"))[0] == 0
    entity_pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "report" / "entities").glob("china-*.html"))
    assert f'<span class="context">{before}</span>{clause}</blockquote>' in entity_pages
    exported = {r["quote"]: r for r in map(json.loads, run_cli(capsys, "export", "--format", "jsonl")[1].splitlines())}
    assert exported[clause]["sentence"] == before + clause and exported[body[whole:]]["sentence"] == body[whole:]
    record = StatementRecord.model_validate(records[clause])
    message = alert_message(WatchItem(id=1, kind="entity", text="China", canonical="China"), record)
    assert f"“{clause}”\nIn: “{before}{clause}”\nKind: claim" in message.body


def test_a_digest_holds_the_best_n_and_says_how_many_it_left_out(views_home, capsys):
    code, out, _ = run_cli(capsys, "digest", "--format", "json")
    everything = json.loads(out)
    code, out, _ = run_cli(capsys, "digest", "--format", "json", "--top", "2")
    best = json.loads(out)
    assert code == 0 and best["shown"] == 2 and best["statements"] == everything["statements"] > 2
    scores = sorted((i["score"] for g in everything["groups"] for i in g["items"]), reverse=True)
    assert sorted((i["score"] for g in best["groups"] for i in g["items"]), reverse=True) == scores[:2]
    code, md, _ = run_cli(capsys, "digest", "--format", "md", "--top", "2")
    assert f"the best 2 of {everything['statements']} check-worthy statements" in md


# --- the export ------------------------------------------------------------------------------------------


def test_export_in_all_three_formats_reads_back(views_home, capsys, tmp_path):
    import pyarrow.parquet as pq

    total = sum(len(an.statements) for _, an in views_articles())
    code, out, _ = run_cli(capsys, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == total
    assert list(rows[0]) == ["article_id", "title", "source", "source_type", "url", "published", "seen", "quote", "start", "end",
                             "kind", "kind_confidence", "uncertain", "rhetoric_probability", "attribution", "evidence", "rationale",
                             "crosscheck", "corroborated_by", "repeated_by", "claimant_only", "first_seen", "entities", "speaker",
                             "sentence"]
    assert all(r["sentence"] == r["quote"] for r in rows)  # each of these statements is a whole sentence
    repeat = next(r for r in rows if r["quote"].endswith("the company said."))
    assert repeat["repeated_by"] == [views_id("release")] and repeat["crosscheck"] == "corroborated"
    assert isinstance(repeat["entities"], list) and "MP Materials" in repeat["entities"]
    slogan = next(r for r in rows if r["quote"].startswith("The agreement is the most important step"))
    assert slogan["entities"] == [] and slogan["speaker"] == "MP Materials"  # names nobody, speaks for MP
    hostile = next(r for r in rows if r["article_id"] == views_id("hostile"))
    assert hostile["source"] == f"<b>Evil</b> Feed <script>{PWN}</script>" and hostile["quote"].startswith(HOSTILE_ENTITY)

    code, out, _ = run_cli(capsys, "export", "--format", "csv")  # to standard output: no byte-order mark
    assert code == 0 and out.startswith("article_id,title,") and len(list(csv.DictReader(io.StringIO(out)))) == total

    csv_file = tmp_path / "statements.csv"
    code, out, _ = run_cli(capsys, "export", "--format", "csv", "--out", str(csv_file), "--json")
    assert code == 0 and json.loads(out) == {"format": "csv", "rows": total, "path": str(csv_file)}
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    with csv_file.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == total and table[0]["article_id"] == rows[0]["article_id"]
    repeat_row = next(r for r in table if r["quote"].endswith("the company said."))
    assert repeat_row["entities"] == "; ".join(repeat["entities"]) and repeat_row["uncertain"] == "False"
    assert next(r for r in table if r["article_id"] == views_id("hostile"))["quote"] == hostile["quote"]

    parquet = tmp_path / "statements.parquet"
    code, out, _ = run_cli(capsys, "export", "--format", "parquet", "--out", str(parquet), "--json")
    assert code == 0 and json.loads(out)["rows"] == total
    read = pq.read_table(parquet).to_pylist()
    assert len(read) == total and read[0]["quote"] == rows[0]["quote"] and isinstance(read[0]["entities"], list)
    assert read[0]["published"].isoformat() == rows[0]["published"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_export_never_overwrites_without_force_and_parquet_needs_a_file(views_home, capsys, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.jsonl"
    target.write_text("keep me\n")
    code, _, err = run_cli(capsys, "export", "--format", "jsonl", "--out", str(target))
    assert code == 1 and "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "keep me\n"
    code, _, _ = run_cli(capsys, "export", "--format", "jsonl", "--out", str(target), "--force")
    assert code == 0 and len(target.read_text().splitlines()) == sum(len(an.statements) for _, an in views_articles())
    code, _, err = run_cli(capsys, "export", "--format", "parquet")
    assert code == 1 and "--out" in err
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.jsonl"]  # no temporary file left


def test_csv_cells_that_would_run_as_formulas_are_defused():
    from assay.corpus import StatementRecord
    from assay.export import csv_cell, export_text

    for text in ("=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("MP Materials = strong") == "MP Materials = strong" and csv_cell(None) == "" and csv_cell(0.5) == "0.5"
    record = StatementRecord(
        id="a:0-5", article_id="a", title="=cmd|' /C calc'!A0", source="s", source_type="news", quote="=1+1", start=0, end=5,
        kind="claim", attribution="company", evidence="none", entities=["=evil", "ok"])
    row = next(csv.DictReader(io.StringIO(export_text([record], "csv"))))
    assert row["title"] == "'=cmd|' /C calc'!A0" and row["quote"] == "'=1+1" and row["entities"] == "'=evil; ok"
    assert json.loads(export_text([record], "jsonl"))["quote"] == "=1+1"  # JSON keeps the text exactly


def test_since_keeps_the_articles_stored_since(views_home, capsys):
    from assay.store.registry import Registry

    time.sleep(0.05)
    cut = datetime.now(UTC)
    time.sleep(0.05)
    registry = Registry(Settings().registry_url)
    new_id = record_extra(registry)
    registry.close()
    code, out, _ = run_cli(capsys, "export", "--format", "jsonl", "--since", cut.isoformat())
    assert code == 0 and [json.loads(line)["article_id"] for line in out.splitlines()] == [new_id]
    code, out, _ = run_cli(capsys, "export", "--format", "jsonl", "--since", "1d")
    assert len(out.splitlines()) == sum(len(an.statements) for _, an in views_articles()) + 1
    code, out, _ = run_cli(capsys, "digest", "--since", cut.isoformat(), "--format", "json")
    digest = json.loads(out)
    assert digest["articles"] == 1 and [i["statement"]["article_id"] for g in digest["groups"] for i in g["items"]] == [new_id]
    code, _, err = run_cli(capsys, "export", "--format", "csv", "--since", "yesterday")
    assert code == 2 and "yesterday" in err


def test_parse_since():
    from assay.cli import parse_since

    now = datetime.now(UTC)
    assert abs((now - parse_since("1d")) - timedelta(days=1)) < timedelta(seconds=5)
    assert abs((now - parse_since("2w")) - timedelta(weeks=2)) < timedelta(seconds=5)
    assert abs((now - parse_since("1d12h")) - timedelta(hours=36)) < timedelta(seconds=5)
    assert parse_since("2026-03-01") == datetime(2026, 3, 1, tzinfo=UTC)


# --- through the real flows -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_poll_writes_its_digest_and_the_export_has_every_stored_statement(
    ingest, assay_home, http_server, extractive_llm, monkeypatch, capsys,
):
    """The flow `assay serve` polls, with digest_after_poll on, over real sample articles analysed by the extractive LLM."""
    from assay.flows.pipeline import ingest_and_analyse
    from assay.services import services
    from tests.conftest import article_html, rss, use_extractive_llm

    settings = use_extractive_llm(monkeypatch, extractive_llm, ASSAY_DIGEST_AFTER_POLL="true")
    items = [{"title": f"Views {n}", "link": f"https://example.com/views/{n}", "html": article_html(n)} for n in range(3)]
    feed = http_server.set("/views.xml", rss(items), content_type="application/xml")

    report = ingest_and_analyse([feed], "feed", settings=settings, poll=True)
    assert report.analysis is not None and report.analysis.counts["analysed"] == 3
    written = sorted((settings.home / "digests").iterdir())
    assert [p.suffix for p in written] == [".html", ".md"] and written[1].read_text(encoding="utf-8").startswith("# Assay digest")
    assert "from 3 new articles in this poll" in written[1].read_text(encoding="utf-8")

    ingest_and_analyse([feed], "feed", settings=settings, poll=True)  # nothing new: no digest
    assert len(list((settings.home / "digests").iterdir())) == 2

    registry = services(settings).registry
    stored = sum(len(an.statements) for a in registry.articles() if (an := registry.latest_analysis(a.id)) is not None)
    assert stored > 0
    code, out, _ = run_cli(capsys, "export", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == stored


def test_the_corpus_views_say_what_articles_they_leave_out_unanalysed(views_home, capsys, monkeypatch):
    """25 articles ingested with --no-analyse: `assay entities` had printed an empty table, `claims --repeated`
    "No assertion is said in more than one article.", and `assay entity Lynas` "no entity named 'Lynas'"."""
    from assay.store.registry import Registry

    waiting = "1 article is not analysed yet, so its statements are not counted here: `assay analyse --pending`"
    assert run_cli(capsys, "entities")[2] == ""  # every article analysed: nothing to say
    def counts() -> dict[str, tuple[int, int]]:
        return {p["name"]: (p["articles"], p["statements"]) for p in json.loads(run_cli(capsys, "sources", "--json")[1])["sources"]}

    counts_before = counts()
    registry = Registry(Settings().registry_url)
    article = next(a for a, _ in views_articles()).model_copy(update={"id": views_id("unread"), "url": "https://example.com/unread"})
    registry.record_article(article, chunk_count=0)  # stored, never analysed
    registry.close()
    for command in (["entities"], ["claims", "--repeated"], ["sources"], ["export", "--format", "jsonl"]):
        code, _, said = run_cli(capsys, *command)
        assert code == 0 and " ".join(said.split()) == f"note: {waiting}", command
    # A source's article count is of the articles whose statements it counts: "233 in 25" had said 25 where 17 waited.
    assert counts() == counts_before
    code, _, said = run_cli(capsys, "entity", "Nonesuch Metals")
    assert code == 1 and f"in the corpus's statements: see `assay entities` for the names and spellings it has ({waiting})" in " ".join(said.split())
    code, out, said = run_cli(capsys, "entities", "--json")
    assert said == "" and out.startswith("[")  # JSON for scripts: the note is a person's
    # A question about what someone said, answered from passages while articles wait for their analyses, says so.
    from assay import api
    from assay.ask import Answer

    monkeypatch.setattr(api, "answer_question", lambda question, **_: Answer(question=question, answer="From a passage [1].", abstained=False))
    asked = api.ask("What has Nonesuch Metals claimed since January?", Settings())
    assert asked.notes == [f"this answer is from passages: a question about what someone said lists their statements from the analyses, and {waiting}"]
    assert api.ask("How much NdPr did Baotou produce?", Settings()).notes == []  # no one's statements asked for
    code, out, said = run_cli(capsys, "show", views_id("unread"))
    assert code == 0 and f"note: not analysed yet (its breakdown comes with `assay analyse {views_id('unread')[:12]}`)" in said
