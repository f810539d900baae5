"""Entity pages and claim timelines: the alias rules, pages built from the views corpus, repeated claims
with the real MiniLM embedder, and `assay entity`, `assay entities` and `assay claims --repeated`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from assay.aliases import AliasBook, AliasEntry, AliasFileError, normalise
from assay.corpus import CorpusView, load_corpus
from assay.entities import entity_page, entity_pages, entity_slug, entity_summaries
from assay.timelines import repeated_claims
from assay.types import Entity, EntityType
from tests.views_corpus import HOSTILE_ENTITY, PWN, REPEATED, views_id, views_registry, views_view

CNRE = "China Northern Rare Earth"


@pytest.fixture(scope="module")
def views(tmp_path_factory) -> tuple[CorpusView, AliasBook]:
    return views_view(tmp_path_factory.mktemp("views"))


@pytest.fixture(scope="module")
def embed():
    from assay.embeddings import MiniLMEmbeddings
    from assay.settings import Settings

    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size).forward


# --- names --------------------------------------------------------------------------------------


def test_normalisation_ignores_case_punctuation_accents_and_legal_suffixes():
    assert normalise("China Northern Rare Earth (Group) High-Tech Co., Ltd.") == normalise("china northern rare earth group high tech")
    assert normalise("The Lynas Corporation") == normalise("LYNAS") == normalise("Lynas's") == "lynas"
    assert normalise("Société Générale SA") == normalise("Societe Generale")
    assert normalise("Group") == "group"  # a name that is only a suffix keeps it
    assert normalise("Northern Rare Earth") != normalise(CNRE)  # a shorter name is not merged by rule


def test_short_and_capital_aliases_match_only_as_written():
    book = AliasBook.load()
    assert book.mentions("CNRE shares (600111) fell; MP Materials sold to the Pentagon.") == [CNRE, "MP Materials", "U.S. Department of Defense"]
    assert book.mentions("MP said so") == ["MP Materials"]
    for text in ("an mp3 player", "Mp said so", "the cnre index", "AMP shares", "mp too"):
        assert "MP Materials" not in book.mentions(text) and CNRE not in book.mentions(text), text
    assert book.mentions("Let us know") == [] and book.mentions("US output") == ["United States"]
    assert book.mentions("a capital cost of US$326 million") == []  # a currency's sign names no country (written here)
    assert book.mentions("rare-earth magnets and NDPR OXIDE") == ["Rare earth magnets", "NdPr"]  # long names: any case
    assert book.mentions("China Northern Rare Earth (Group) High-Tech said") == [CNRE]  # the longest spelling, once
    # A social account's handle runs a known name together (seen on a thread written here).
    assert book.mentions("Meanwhile @LynasRareEarths says its circuit will be at full rate") == ["Lynas Rare Earths"]
    assert book.mentions("@AcmeMiningCo and email@LynasRareEarths") == []  # an unknown name; not a handle inside a word


def _spans_one_spelling_at_a_time(book: AliasBook, text: str) -> list[tuple[int, int, str]]:
    """What the book's one-pass matcher must find: each spelling searched alone (as written if short or
    in capitals, else in any case), the longest kept where two overlap."""
    from assay.aliases import _case_sensitive

    found = []
    for named in book.entities():
        for spelling in named.variants:
            body = r"\s+".join(re.escape(part) for part in spelling.split())
            flags = 0 if _case_sensitive(spelling) else re.IGNORECASE
            found += [(m.start(), m.end(), named.name) for m in re.finditer(rf"(?<!\w)(?=({body})(?!\w))", text, flags)
                      for m in [re.compile(rf"({body})", flags).match(text, m.start())]]
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, name in found:
        if not any(start < b and a < end for a, b, _ in taken):
            taken.append((start, end, name))
    return sorted(set(taken))


def test_the_one_pass_matcher_finds_what_each_spelling_alone_finds():
    """The spellings are one pattern factored by their common starts ("Lynas(?:\\s+Rare\\s+Earths)?"),
    7x faster over the views of 1,000 articles than a plain alternation; it must find the same."""
    import random

    book = AliasBook.load()
    spellings = [v for named in book.entities() for v in named.variants]
    rng = random.Random(3)
    texts = ["Lynas Rare Earths and Lynas, MP Materials' MP unit, rare  earths\nin RARE EARTH MAGNETS; xLynas Lynasy."]
    texts += [" ".join(rng.choice(spellings) for _ in range(4)) + rng.choice(["", "s", "'s output", "-based"]) for _ in range(300)]
    texts += [rng.choice(spellings).upper() + " and " + rng.choice(spellings).lower() for _ in range(100)]
    for text in texts:
        assert sorted(book.mention_spans(text)) == _spans_one_spelling_at_a_time(book, text), text


def test_alias_file_errors_are_one_line_naming_the_file_and_the_fix(tmp_path):
    cases = {
        "[[entity]\nname = 'x'": "is not valid TOML",
        "[[entity]]\nname = ''": "entity.0.name",
        "[[entity]]\nname = 'Acme'\ntype = 'planet'": "entity.0.type",
        "[[entity]]\nname = 'Acme'\naliases = ['AC']\n[[entity]]\nname = 'Acme Two'\naliases = ['ac']": "'ac' is listed under both 'Acme' and 'Acme Two'",
        "[[entity]]\nname = 'Acme'\naliases = ['--']": "has no letters or digits",
        # A misspelt key or table had been ignored without a word: the spellings never merged.
        "[[entity]]\nname = 'Acme'\nspelings = ['AC']": "entity.0.spelings is not a key Assay reads (each entry is an [[entity]] table",
        "[entities.Acme]\naliases = ['AC']": "entities is not a key Assay reads",
    }
    for text, expected in cases.items():
        (tmp_path / "aliases.toml").write_text(text, encoding="utf-8")
        with pytest.raises(AliasFileError) as raised:
            AliasBook.load(tmp_path)
        message = str(raised.value)
        assert expected in message and str(tmp_path / "aliases.toml") in message and "\n" not in message, message
    (tmp_path / "aliases.toml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(AliasFileError, match="encoding"):
        AliasBook.load(tmp_path)


def test_the_users_alias_file_overrides_the_shipped_one(tmp_path):
    (tmp_path / "aliases.toml").write_text(
        "[[entity]]\nname = 'MP Materials'\ntype = 'company'\naliases = ['MPM']\n\n"
        "[[entity]]\nname = 'Pentagon building'\ntype = 'project'\naliases = ['Pentagon']\n", encoding="utf-8")
    book = AliasBook.load(tmp_path)
    assert book.sources[-1] == str(tmp_path / "aliases.toml")
    assert book.mentions("MP said; MPM said") == ["MP Materials"] and book.mentions("MP said") == []
    assert book.mentions("at the Pentagon") == ["Pentagon building"]  # the user's entry wins the spelling
    defense = book.canonical("DoD")
    assert defense is not None and "Pentagon" not in defense.variants and book.canonical("Pentagon").name == "Pentagon building"


def test_found_names_merge_by_rule_and_look_alikes_are_only_suggested():
    book = AliasBook([AliasEntry(name="Ucore Rare Metals", type=EntityType.company)])
    book.add_found([Entity(name="UCORE RARE METALS INC.", type=EntityType.company), Entity(name="URM", type=EntityType.company),
                    Entity(name="Ucore", type=EntityType.company), Entity(name="Ucore Rare", type=EntityType.country),
                    Entity(name="Rare Metals", type=EntityType.other)])
    ucore = book.canonical("ucore rare metals")
    assert ucore is not None and ucore.variants["UCORE RARE METALS INC."] == "same name after normalisation"
    assert book.mentions("URM and Ucore said") == ["URM", "Ucore"]  # never merged by a guess
    suggested = {(s.spelling, s.maybe): s.why for s in book.suggestions()}
    assert suggested == {
        ("URM", "Ucore Rare Metals"): "acronym of 'Ucore Rare Metals'",
        ("Ucore", "Ucore Rare Metals"): "first words of 'Ucore Rare Metals'",
        ("Rare Metals", "Ucore Rare Metals"): "last words of 'Ucore Rare Metals'",
    }  # "Ucore Rare" is a country: not the company whatever it looks like
    assert [s.spelling for s in book.suggestions(["URM", "Ucore Rare Metals"])] == ["URM"]  # only among the names given


def test_a_name_listed_under_several_types_is_typed_once_as_a_place_or_as_the_alias_file_says():
    from assay.aliases import typed_once

    c, g, k, p = EntityType.company, EntityType.government, EntityType.country, EntityType.project
    listed = [Entity(name="UAE", type=c), Entity(name="Mubadala", type=c), Entity(name="U.S.", type=c), Entity(name="Ucore Rare", type=c),
              Entity(name="Ucore rare", type=k), Entity(name="MP Materials", type=k), Entity(name="Pentagon", type=p), Entity(name="Mubadala", type=c)]
    typed = typed_once(listed, AliasBook.load())
    assert [(e.name, e.type) for e in typed] == [
        ("UAE", k), ("Mubadala", c), ("U.S.", k),  # the shipped alias file knows these two as countries
        ("Ucore Rare", k),  # listed as a company and a country, known to no file: the place wins
        ("MP Materials", c), ("Pentagon", g),  # the file's reviewed type over the reply's
    ]
    # China's cabinet and customs, in a ministry's notice written here: the model typed the State Council a company.
    assert [(e.name, e.type) for e in typed_once([Entity(name="State Council", type=c), Entity(name="General Administration of Customs", type=c)],
                                                 AliasBook.load())] == [("State Council", g), ("General Administration of Customs", g)]
    mine = AliasBook([AliasEntry(name="Mubadala", type=EntityType.government)])  # a user's file types it too
    assert typed_once([Entity(name="Mubadala", type=c)], mine)[0].type is g
    # Seen on the home of this session's texts: state bodies the model typed as companies.
    bodies = ["U.S. Export-Import Bank", "USTDA", "Department of Commerce", "European Commission", "Premier African Minerals", "Vulcan Elements"]
    assert [e.type for e in typed_once([Entity(name=n, type=c) for n in bodies], AliasBook([]))] == [g, g, g, g, c, c]
    # And as countries (a feed written here: "U.S. Geological Survey"); countries stay.
    agencies = ["U.S. Geological Survey", "Ministry of Natural Resources and Environment", "Vietnam", "Democratic Republic of Congo"]
    assert [e.type for e in typed_once([Entity(name=n, type=k) for n in agencies], AliasBook([]))] == [g, g, k, k]
    # And the other way: companies the model typed as governments (an interview nobody here labelled:
    # "General Motors", which the shipped file now knows); state bodies and state firms' ministries stay.
    companies = ["Ford Motor Co.", "Acme Magnetics", "General Motors", "Development Finance Corporation", "State Grid Corporation",
                 "Department of Energy", "Pentagon"]
    assert [e.type for e in typed_once([Entity(name=n, type=g) for n in companies], AliasBook.load())] == [c, c, c, g, g, g, g]
    # A firm typed a project (a news API's article written here: "Adamas Intelligence"); projects stay projects.
    firms = ["Adamas Intelligence", "Benchmark Mineral Intelligence", "Orion Resource Partners", "Arafura Resources Ltd",
             "Nolans Project", "Eneabba refinery", "Mountain Pass"]
    assert [e.type for e in typed_once([Entity(name=n, type=p) for n in firms], AliasBook([]))] == [c, c, c, c, p, p, p]


def test_entity_slugs_are_safe_and_unique():
    names = [CNRE, "Lynas", "LYNAS!", "北方稀土", HOSTILE_ENTITY, "../../etc/passwd", "x" * 300]
    slugs = [entity_slug(n) for n in names]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s) and len(s) <= 60 for s in slugs), slugs
    assert slugs[0].startswith("china-northern-rare-earth-") and slugs[3].startswith("entity-")
    assert entity_slug(CNRE) == slugs[0]  # stable


# --- entity pages -------------------------------------------------------------------------------


def test_entity_page_merges_every_spelling_and_groups_by_kind_newest_first(views):
    corpus, aliases = views
    pages = [entity_page(corpus, aliases, spelling) for spelling in (CNRE, "CNRE", "600111", "Northern Rare Earth", "china northern rare earth")]
    assert all(p is not None and p.name == CNRE for p in pages)
    page = pages[0]
    assert page is not None and page.type is EntityType.company and page.slug == entity_slug(CNRE)
    assert (page.statements, page.articles, page.counts) == (4, 3, {"fact": 3, "claim": 1})
    assert list(page.groups) == ["fact", "claim"]
    facts = page.groups["fact"]
    assert [s.article_id for s in facts] == [views_id("sse"), views_id("wire"), views_id("xinhua")]  # newest first
    assert facts[1].quote.startswith("CNRE shares (600111)") and facts[1].crosscheck == "no_other_source"
    assert page.groups["claim"][0].quote.startswith("Northern Rare Earth said")
    assert page.latest == datetime(2026, 3, 9, tzinfo=UTC)
    assert {v.spelling: v.why for v in page.variants}["China Northern Rare Earth (Group) High-Tech Co., Ltd."] == "same name after normalisation"
    assert entity_page(corpus, aliases, page.slug) == page  # the report's link works as a name too


def test_all_pages_at_once_are_each_entitys_page_in_the_summaries_order(tmp_path):
    # The user's alias file leaves "CNRE" apart from the company, so a look-alike is suggested.
    (tmp_path / "aliases.toml").write_text(f"[[entity]]\nname = '{CNRE}'\ntype = 'company'\naliases = ['600111']\n", encoding="utf-8")
    registry = views_registry(f"sqlite:///{tmp_path}/registry.sqlite")
    aliases = AliasBook.load(tmp_path)
    corpus = load_corpus(registry, aliases)
    registry.close()
    pages = entity_pages(corpus, aliases)
    assert [p.name for p in pages] == [s.name for s in entity_summaries(corpus, aliases)] and len(pages) > 3
    assert pages == [entity_page(corpus, aliases, p.name) for p in pages]
    suggested = {p.name: [s.spelling for s in p.suggestions] for p in pages}
    assert suggested[CNRE] == ["CNRE"]  # the look-alikes, found once for all pages, each shown on its page


def test_uncertain_statements_have_a_group_of_their_own(views):
    corpus, aliases = views
    statements = [s.model_copy(update={"uncertain": True}) if s.article_id == views_id("contradict") else s for s in corpus.statements]
    page = entity_page(corpus.model_copy(update={"statements": statements}), aliases, "MP")
    # MP's release's slogan names nobody and speaks for MP (corpus.speaker_finder): its page holds it.
    assert page is not None and list(page.groups) == ["fact", "claim", "rhetoric", "uncertain"]
    assert page.counts == {"fact": 2, "claim": 3, "rhetoric": 1, "uncertain": 1}
    assert page.groups["rhetoric"][0].quote.startswith("The agreement is the most important step")
    assert [s.article_id for s in page.groups["uncertain"]] == [views_id("contradict")]
    assert [s.when for s in page.groups["claim"]] == sorted((s.when for s in page.groups["claim"]), reverse=True)


def test_entity_summaries_list_the_named_entities_most_statements_first(views):
    corpus, aliases = views
    summaries = entity_summaries(corpus, aliases)
    assert [s.statements for s in summaries] == sorted((s.statements for s in summaries), reverse=True)
    by_name = {s.name: s for s in summaries}
    assert by_name["MP Materials"].statements == 7 and by_name["U.S. Department of Defense"].articles == 5  # 7: its release's slogan too
    assert by_name[HOSTILE_ENTITY].slug == entity_slug(HOSTILE_ENTITY) and "<" not in by_name[HOSTILE_ENTITY].slug
    assert "Lynas Rare Earths" not in by_name  # in the alias file, named by no statement
    assert entity_page(corpus, aliases, "Lynas") is None and entity_page(corpus, aliases, "Nobody Inc") is None


# --- repeated claims ----------------------------------------------------------------------------


def test_a_repeated_claim_is_shown_once_with_its_timeline_and_verdict(views, embed):
    corpus, _ = views
    claims = repeated_claims(corpus, embed)
    assert len(claims) == 1  # nothing else in the corpus is said twice
    claim = claims[0]
    assert claim.quote == REPEATED and claim.id == f"{views_id('release')}:0-{len(REPEATED)}"
    assert claim.first_seen == datetime(2026, 1, 5, tzinfo=UTC)
    assert claim.sources == ["MP Materials Investor Relations", "Reuters", "Rare Earth Exchanges", "Mining Weekly"]
    assert [a.stance for a in claim.appearances] == ["first", "corroborates", "corroborates", "contradicts"]
    assert [a.statement.article_id for a in claim.appearances] == [views_id(s) for s in ("release", "wire", "analyst", "contradict")]
    assert claim.appearances[0].similarity == 1.0 and all(0.88 <= a.similarity < 1.0 for a in claim.appearances[1:])
    assert claim.verdict == "contested"
    # "MP Materials produced 1,300 tonnes of NdPr oxide in 2025." is about as close (0.85) but another claim
    assert all("1,300" not in a.statement.quote for a in claim.appearances)


@pytest.mark.parametrize(("left_out", "verdict"), [
    ({"contradict"}, "corroborated"), ({"wire", "analyst"}, "contradicted"), ({"analyst", "contradict"}, "corroborated"),
])
def test_the_verdict_follows_what_later_articles_did(views, embed, left_out, verdict):
    corpus, _ = views
    kept = {views_id(seed) for seed in left_out}
    statements = [s for s in corpus.statements if s.article_id not in kept]
    claims = repeated_claims(corpus.model_copy(update={"statements": statements}), embed)
    assert [c.verdict for c in claims] == [verdict]


def test_repeats_without_a_check_are_unverified_and_one_article_counts_once(views, embed):
    corpus, _ = views
    first = next(s for s in corpus.statements if s.quote == REPEATED)
    echo = first.model_copy(update={"id": "echo:0-1", "article_id": "echo", "source": "Echo", "crosscheck": "no_other_source",
                                    "published": datetime(2026, 4, 1, tzinfo=UTC), "uncertain": True})
    twice = echo.model_copy(update={"id": "echo:100-101", "start": 100})  # the same article saying it again
    opinion = echo.model_copy(update={"id": "opinion:0-1", "article_id": "opinion", "kind": "opinion"})
    claims = repeated_claims(corpus.model_copy(update={"statements": [first, echo, twice, opinion]}), embed)
    assert len(claims) == 1 and claims[0].verdict == "unverified"
    assert [a.statement.id for a in claims[0].appearances] == [first.id, "echo:0-1"]  # uncertain claims count; opinions do not
    assert repeated_claims(corpus.model_copy(update={"statements": [first]}), embed) == []


def test_the_cross_checks_repeat_links_and_shared_figures_join_looser_paraphrases(views):
    corpus, _ = views
    first = next(s for s in corpus.statements if s.quote == REPEATED)
    later = first.model_copy(update={"id": "b:0-1", "article_id": "b", "quote": "Paraphrase.", "published": datetime(2026, 2, 1, tzinfo=UTC)})
    vectors = {REPEATED: [1.0, 0.0], "Paraphrase.": [0.75, 0.6614]}  # cosine 0.75

    def fake(texts: list[str]):
        import numpy as np

        return np.array([vectors[t] for t in texts], dtype=np.float32)

    view = corpus.model_copy(update={"statements": [first, later]})
    assert repeated_claims(view, fake) == []
    linked = later.model_copy(update={"repeated_by": [first.article_id]})
    assert len(repeated_claims(corpus.model_copy(update={"statements": [first, linked]}), fake)) == 1
    vectors["Paraphrase with 1,000 tonnes."] = [0.82, 0.5724]  # cosine 0.82 and the same figure
    figure = later.model_copy(update={"quote": "Paraphrase with 1,000 tonnes."})
    assert len(repeated_claims(corpus.model_copy(update={"statements": [first, figure]}), fake)) == 1


# --- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def views_home(assay_home):
    views_registry(assay_home.registry_url).close()
    return assay_home


def _cli_json(capsys, *args: str):
    from assay.cli import main

    with pytest.raises(SystemExit) as exited:
        main([*args, "--json"])
    printed = capsys.readouterr()
    assert exited.value.code in (0, None), printed.err
    return json.loads(printed.out)


def test_cli_entities_as_json(views_home, capsys):
    listed = _cli_json(capsys, "entities")
    by_name = {e["name"]: e for e in listed}
    assert by_name[CNRE]["statements"] == 4 and by_name[CNRE]["counts"] == {"fact": 3, "claim": 1}
    assert {"CNRE", "600111", "Northern Rare Earth"} <= {v["spelling"] for v in by_name[CNRE]["variants"]}
    assert by_name[HOSTILE_ENTITY]["type"] == "company" and by_name[CNRE]["slug"] == entity_slug(CNRE)


def test_cli_entities_lists_unmerged_look_alikes_from_the_users_alias_file(views_home, capsys):
    (views_home.home / "aliases.toml").write_text(f"[[entity]]\nname = '{CNRE}'\ntype = 'company'\naliases = ['600111']\n", encoding="utf-8")
    by_name = {e["name"]: e for e in _cli_json(capsys, "entities")}
    assert by_name["CNRE"]["statements"] == 1  # the user's file dropped CNRE: apart now
    # "Northern Rare Earth said ..." is no spelling of it either, but speaks for the company named just before.
    assert by_name[CNRE]["statements"] == 3
    assert by_name[CNRE]["suggestions"] == [{"spelling": "CNRE", "filed_as": "CNRE", "why": f"acronym of {CNRE!r}"}]


def test_cli_entity_as_json_and_an_unknown_name_is_one_line(views_home, capsys):
    from assay.cli import main

    page = _cli_json(capsys, "entity", "CNRE")
    assert page["name"] == CNRE and list(page["groups"]) == ["fact", "claim"]
    assert [s["published"][:10] for s in page["groups"]["fact"]] == ["2026-03-09", "2026-02-03", "2026-01-20"]
    assert page["groups"]["fact"][0]["source_type"] and page["groups"]["fact"][0]["crosscheck"] == "no_other_source"
    with pytest.raises(SystemExit) as exited:
        main(["entity", "Nobody Inc"])
    printed = capsys.readouterr().err.strip()
    assert exited.value.code == 1 and len(printed.splitlines()) == 1
    assert "no entity named 'Nobody Inc' in the corpus" in printed and "assay entities" in printed and "did you mean" not in printed
    with pytest.raises(SystemExit):  # a typing slip is named with the entity it likely is
        main(["entity", "China Northen Rare Earth"])
    printed = " ".join(capsys.readouterr().err.split())
    assert (f"no entity named 'China Northen Rare Earth' in the corpus's statements; did you mean '{CNRE}'? "
            f"(`assay entity '{CNRE}'`)") in printed


def test_cli_repeated_claims_as_json(views_home, capsys):
    claims = _cli_json(capsys, "claims", "--repeated")
    assert [c["quote"] for c in claims] == [REPEATED]
    assert claims[0]["verdict"] == "contested" and claims[0]["first_seen"].startswith("2026-01-05")
    assert [a["statement"]["source"] for a in claims[0]["appearances"]] == claims[0]["sources"]


def test_cli_human_output_keeps_hostile_names_inert(views_home):
    from typer.testing import CliRunner

    from assay.cli import app

    runner = CliRunner()
    for args in (["entities"], ["entity", HOSTILE_ENTITY], ["claims", "--repeated"]):
        result = runner.invoke(app, args, env={"COLUMNS": "400"})
        assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["entity", HOSTILE_ENTITY], env={"COLUMNS": "400"}).output
    assert HOSTILE_ENTITY in shown and f"<script>{PWN}</script>" in shown  # printed as text, not taken as rich markup
    assert runner.invoke(app, ["claims"]).exit_code == 2  # --repeated is the only listing so far


def test_the_entities_table_reads_whole_on_an_80_column_terminal(views_home):
    """Counts, dates and headers are never cut to "stateme…" or "2026-02…" on a narrow terminal."""
    from typer.testing import CliRunner

    from assay.cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["entities"], env={"COLUMNS": "80"}).output
    listed = json.loads(runner.invoke(app, ["entities", "--json"]).output)
    assert "…" not in shown and max(len(line) for line in shown.splitlines()) <= 80
    assert "statements" in shown and "unsure" in shown
    for e in listed[:5]:
        day = (e["latest"] or "")[:10] or "undated"
        row = rf"\b{e['statements']} in {e['articles']}\b[\d ]*{day}\s*$"  # the counts, then the day, whole
        assert any(re.search(row, line) for line in shown.splitlines()), e["name"]


# --- through the real parts ---------------------------------------------------------------------


@pytest.mark.slow
def test_entities_of_real_articles_ingested_and_analysed(ingest, assay_home, extractive_llm, monkeypatch, capsys, tmp_path):
    """Two sample articles through the real ingest and analyse flows (an extractive LLM on loopback):
    the entities come from the alias file's spellings in the stored statements."""
    from assay import api
    from assay.articles import sample_articles
    from tests.conftest import use_extractive_llm

    settings = use_extractive_llm(monkeypatch, extractive_llm)
    book = AliasBook.load()
    chosen = [a for a in sample_articles() if len(book.mentions(a.body)) >= 3][:2]
    for n, article in enumerate(chosen):
        (tmp_path / f"{n}.md").write_text(f"---\ntitle: {json.dumps(article.title)}\n---\n\n{article.body}\n", encoding="utf-8")
    assert ingest([str(tmp_path)]).counts["new"] == 2
    report = api.analyse(api.select_articles(settings, every=True), settings)
    assert report.counts["analysed"] == 2, report
    listed = _cli_json(capsys, "entities")
    assert listed and all(e["statements"] >= 1 and e["slug"] for e in listed)
    assert all(book.canonical(e["name"]) for e in listed)  # the extractive LLM names none: the alias file's spellings did
    page = _cli_json(capsys, "entity", listed[0]["name"])
    assert page["statements"] == listed[0]["statements"]


def test_a_source_types_file_says_what_it_cannot_read(tmp_path):
    """A `[typs]` table had been ignored without a word; a type that is none is named as before."""
    from assay.corpus import SourceRules, SourceTypeError
    from assay.types import SourceType

    (tmp_path / "sources.toml").write_text('[types]\n"Mining Weekly" = "news"\n')
    assert SourceRules.load(tmp_path).types == {"Mining Weekly": SourceType.news}
    for text, expected in {'[typs]\n"Mining Weekly" = "news"\n': "typs is not a table Assay reads: the file holds one [types] table",
                           '[types]\n"Mining Weekly" = "newz"\n': "a type is not one of company_release"}.items():
        (tmp_path / "sources.toml").write_text(text)
        with pytest.raises(SourceTypeError, match=re.escape(expected)):
            SourceRules.load(tmp_path)


def test_the_closest_known_entity_is_one_slip_away_and_never_a_name_the_book_has():
    book = AliasBook.load()
    assert book.closest("Lynas Rare Earth").name == "Lynas Rare Earths" and book.closest("Arafrua Rare Earths").name == "Arafura Rare Earths"
    assert book.closest("CNRE") is None  # a spelling it knows: nothing to suggest
    assert book.closest("Lyons") is None and book.closest("Niron Magnetics") is None and book.closest("") is None
