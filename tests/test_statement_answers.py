""""What has X claimed?": every statement of X across the corpus, newest first, one citation each."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from assay.aliases import AliasBook
from assay.corpus import CorpusView, speaker_finder, statement_record
from assay.digest import build_digest
from assay.statement_answers import as_answer, claims_question, contradictions, matching_statements
from assay.types import (
    Analysis,
    Article,
    Attribution,
    CrossCheck,
    Entity,
    EntityType,
    Evidence,
    EvidenceChunk,
    Kind,
    Provenance,
    Section,
    SourceType,
    StatementAnalysis,
    StoredArticle,
)
from tests.views_corpus import REPEATED, views_registry, views_view

MP = "MP Materials"


@pytest.fixture(scope="module")
def views(tmp_path_factory) -> tuple[CorpusView, AliasBook]:
    return views_view(tmp_path_factory.mktemp("claims"))


def test_the_question_names_who_what_about_and_since_when(views):
    _, aliases = views
    asked = claims_question("What has MP Materials claimed about NdPr supply since January 2026?", aliases)
    assert asked is not None and asked.entity == MP and asked.since == date(2026, 1, 1)
    assert asked.topic_words == ("ndpr", "supply", "neodymium", "praseodymium", "prnd") and asked.topic == "NdPr supply"
    # A material by its other one-word spellings: "dysprosium" is a price line's "Dy oxide" (a channel's post written here).
    assert claims_question("What has Fastmarkets said about dysprosium prices?", aliases).topic_words == ("dysprosium", "prices", "dy")
    # A collective name stands for its members: dysprosium output is about heavy rare earths.
    heavy = claims_question("What has MP Materials claimed about heavy rare earths?", aliases)
    assert heavy.topic_words == ("heavy", "dysprosium", "terbium", "yttrium", "holmium", "gadolinium", "hree", "hrees")
    # A month alone is its latest past one; another spelling is the same entity.
    asked = claims_question("what did MP say since July", aliases, today=date(2026, 3, 1))
    assert asked is not None and asked.entity == MP and asked.since == date(2025, 7, 1)
    assert claims_question("Which company agreed to acquire Australian Strategic Materials?", aliases) is None
    assert claims_question("What has Mubadala claimed?", aliases) is None  # nobody the corpus or alias file knows
    # Not a name, not a speaker, not a date.
    assert claims_question("What did the study say about recycling?", aliases) is None
    assert claims_question("What has NdPr claimed?", aliases) is None  # a material claims nothing
    assert claims_question("What did MP say about the decision?", aliases, today=date(2026, 3, 1)).since is None
    assert claims_question("What did MP say since 2025-02-30?", aliases).since is None
    assert claims_question("What did MP say " + "about supply " * 40 + "?", aliases) is None  # no backtracking on long text
    # The issue's own question: its tail asks for the verdicts the list gives, and had swallowed "since July".
    both = claims_question("What has MP Materials claimed about magnet output since July, and was any of it corroborated?", aliases,
                           today=date(2026, 12, 5))
    assert both is not None and both.since == date(2026, 7, 1) and both.topic == "magnet output"
    # An outlook is asked so too, and a firm's or a company's people speak for it (written here, twenty-eighth session:
    # both went to the passages, which cited the story's line and not the firm's own "$95 per kilogram in 2030").
    outlook = claims_question("What has Adamas Intelligence forecast for NdPr prices?", aliases)
    assert outlook is not None and (outlook.entity, outlook.topic, outlook.firm) == ("Adamas Intelligence", "NdPr prices", True)
    assert claims_question("What did Macquarie analysts say about NdPr prices?", aliases).entity == "Macquarie"
    assert claims_question("What did MP's executives expect?", aliases).entity == MP
    assert claims_question("What did analysts say?", aliases) is None  # no one named


def test_the_entitys_statements_from_every_article_newest_first(views):
    corpus, aliases = views
    asked = claims_question("What has MP Materials claimed?", aliases)
    found = matching_statements(asked, corpus, aliases)
    assert found, "the views corpus holds MP's statements"
    assert all(s.attribution == "company" and s.kind in ("fact", "claim", "rhetoric") for s in found)
    assert len({s.article_id for s in found}) >= 3  # the release, the wire story and the analyst's note, not only the top chunk
    dates = [s.when for s in found]
    assert dates == sorted(dates, reverse=True)
    # The analyst's own view and the third party's contradicting figure are not MP's statements.
    assert not any("In our view" in s.quote or "Mountain Pass shipped" in s.quote for s in found)
    answer = as_answer("What has MP Materials claimed?", asked, found)
    assert not answer.abstained and [c.key for c in answer.citations] == list(range(1, len(found) + 1))
    assert all(f"[{c.key}]" in answer.answer and c.kinds[0].quote == c.quote for c in answer.citations)
    assert REPEATED in answer.answer
    # the verdict counts the articles it rests on: the wire story's repeat of the release
    assert f"claim · corroborated by 1 other article: “{REPEATED[:-1]}, the company said.”" in answer.answer


def test_a_topic_and_a_date_narrow_the_list(views):
    corpus, aliases = views
    every = matching_statements(claims_question("What has MP Materials claimed?", aliases), corpus, aliases)
    about = matching_statements(claims_question("What has MP Materials claimed about Pentagon supply?", aliases), corpus, aliases)
    later = matching_statements(claims_question("What has MP Materials claimed since February 2026?", aliases), corpus, aliases)
    assert about and set(s.id for s in about) < set(s.id for s in every) and all("Pentagon" in s.quote or "supply" in s.quote for s in about)
    assert later and all(s.when.date() >= date(2026, 2, 1) for s in later) and len(later) < len(every)
    asked = claims_question("What has MP Materials claimed about Pentagon supply?", aliases)
    assert " about Pentagon supply in " in as_answer("q", asked, about).answer.splitlines()[0]  # the topic as asked


def test_disagreeing_sources_are_said_and_both_sides_cited(views):
    corpus, aliases = views
    asked = claims_question("What has MP Materials claimed?", aliases)
    found = matching_statements(asked, corpus, aliases)
    against = contradictions(asked, found, corpus)
    # Mining Weekly's report contradicts MP's release (the analyst's contradicting figure names Mountain
    # Pass, not MP Materials, so it is not listed).
    assert {s.source for s in against} == {"Mining Weekly"}
    answer = as_answer("q", asked, found, against)
    # The cross-check names the contradicted article; the answer points at its statement that says the same thing.
    release = {s.quote: i for i, s in enumerate(found, start=1) if s.source == "MP Materials Investor Relations"}
    tail = answer.answer.split("Sources disagree:")[1]
    assert tail.endswith(f"contradicts [{release[REPEATED]}]"), tail
    assert len(answer.citations) == len(found) + len(against) and answer.citations[-1].quote == against[-1].quote


def cli_answer(settings, capsys, question: str) -> dict:
    """`assay ask QUESTION --json` on the views corpus, read back."""
    from assay.cli import main

    views_registry(settings.registry_url).close()
    with pytest.raises(SystemExit) as exited:
        main(["ask", question, "--json"])
    printed = capsys.readouterr()
    assert exited.value.code in (0, None), printed.err
    return json.loads(printed.out)


def test_cli_ask_lists_the_statements_without_an_llm(assay_home, capsys):
    answer = cli_answer(assay_home, capsys, "What has MP Materials claimed about NdPr?")
    assert not answer["abstained"] and answer["citations"] and answer["model"].endswith("(no LLM)")
    assert all(c["chunk_id"] is None for c in answer["citations"])
    assert [c["kinds"][0]["attribution"] for c in answer["citations"]] == ["company"] * 4 + ["third_party"]  # MP's four on NdPr, then the other side
    main_text = answer["answer"]
    assert "Sources disagree:" in main_text and "Mining Weekly" in main_text


def test_was_it_corroborated_lists_what_the_cross_check_found_naming_the_articles(views):
    """ "Was … corroborated?" is asked of the cross-check, not of a passage: the model answered "Yes, the
    passage corroborates…" citing the company's own release (a corpus written here)."""
    from assay.statement_answers import checked_statements, checks_question, describe_checks

    corpus, aliases = views
    asked = checks_question("Was MP Materials' Pentagon supply figure corroborated?", aliases)
    assert asked is not None and asked.entity == MP and asked.topic_words == ("pentagon", "supply")
    assert checks_question("Did anyone dispute MP Materials' NdPr output?", aliases).topic_words == ("ndpr", "output")
    assert checks_question("What has MP Materials claimed?", aliases) is None
    assert checks_question("Was Mubadala's offer confirmed?", aliases) is None  # nobody the alias file knows
    found = checked_statements(asked, corpus, aliases)
    assert found and all(s.crosscheck is not None for s in found)  # facts and claims only, by anyone
    assert "Mining Weekly" in {s.source for s in found}  # the other side is listed too, with its own verdict
    titles = {a.id: a.title for a in corpus.articles}
    text = describe_checks(asked, found, titles)
    lines = {line.split("“")[1].split("”")[0]: line for line in text.splitlines()[1:]}
    assert lines[f"{REPEATED[:-1]}, the company said."].endswith("corroborated by “MP Materials signs NdPr supply agreement”")
    assert lines["MP Materials will not supply 1,000 tonnes of NdPr oxide to the Pentagon by 2027, sources said."].endswith(
        "contradicted by “MP Materials signs NdPr supply agreement”")
    assert lines[REPEATED].endswith("— no other source")
    # A figure without a name: the statements that give it, whoever they name.
    figure = checks_question("Has the 1,000 tonnes been disputed?", aliases)
    assert figure is not None and (figure.entity, figure.topic_words) == ("", ("1000",))
    given = checked_statements(figure, corpus, aliases)
    assert given and all("1,000" in s.quote for s in given) and "Mining Weekly" in {s.source for s in given}
    assert checks_question("Was the 2027 plan confirmed?", aliases) is None  # a year is no figure to look for


def test_cli_ask_was_it_corroborated_answers_from_the_breakdowns_without_an_llm(assay_home, capsys):
    answer = cli_answer(assay_home, capsys, "Was MP Materials' Pentagon supply corroborated?")
    assert answer["model"].endswith("(no LLM)") and answer["answer"].startswith("What the rest of the corpus says of")
    assert "contradicted by “MP Materials signs NdPr supply agreement”" in answer["answer"]
    assert [c["quote"] for c in answer["citations"]] == [line.split("“")[1].split("”")[0] for line in answer["answer"].splitlines()[1:]]


def test_api_reads_only_the_articles_that_write_the_name(assay_home, monkeypatch):
    from assay import api

    views_registry(assay_home.registry_url).close()
    read: list[list[str] | None] = []
    real = api.corpus_view
    monkeypatch.setattr(api, "corpus_view", lambda settings, **kw: read.append(kw.get("article_ids")) or real(settings, **kw))
    assert api.claims_answer("What has Mubadala claimed?", assay_home) is None and read == []  # no article names it: nothing read
    listed = api.claims_answer("What has CNRE said?", assay_home)  # a spelling of China Northern Rare Earth
    assert listed is not None and read and 0 < len(read[-1]) < 8  # its articles only, not all eight
    assert listed.answer.startswith("China Northern Rare Earth:")
    # "Was … corroborated?" reads the articles that write the entity, or the figure, too.
    checked = api.claims_answer("Was the 1,000 tonnes disputed?", assay_home)
    assert checked is not None and 0 < len(read[-1]) < 8 and "1,000 tonnes" in checked.answer
    assert api.claims_answer("Was CNRE's NdPr price confirmed?", assay_home) is not None and 0 < len(read[-1]) < 8


def test_was_it_corroborated_of_a_company_no_alias_file_knows_reads_the_names_its_articles_analyses_found(assay_home):
    """Written here: "Was Rainbow's pilot plant output corroborated?" went to the model, which answered "Yes, … by
    the company's own estimate": no alias file knows Rainbow Rare Earths, though the analyses found it."""
    from assay import api
    from assay.statement_answers import checks_question
    from assay.store.registry import Registry

    found = AliasBook.load()
    assert checks_question("Was Rainbow's pilot plant output corroborated?", found) is None
    found.add_found([Entity(name="Rainbow Rare Earths", type=EntityType.company)])
    asked = checks_question("Was Rainbow's pilot plant output corroborated?", found)
    assert asked is not None and (asked.entity, asked.topic_words) == ("Rainbow Rare Earths", ("pilot", "plant", "output"))
    found.add_found([Entity(name="Rainbow Minerals", type=EntityType.company)])
    assert checks_question("Was Rainbow's pilot plant output corroborated?", found) is None  # two names begin so: neither is meant
    # through the API: the registry's analyses name it, and the answer is the cross-check's, no model
    body = "Rainbow Rare Earths' pilot plant produced 2,100 kg of NdPr oxide, the company said."
    article = Article(id="rainbow", title="Pilot plant works", source="AP", source_url="https://example.com/rainbow", body=body,
                      published=datetime(2026, 12, 1, tzinfo=UTC), sections=[Section(heading=None, start=0, end=len(body))])
    analysis = Analysis(
        article_id=article.id, content_hash=article.content_hash, summary="Pilot.", highlights=[], figures=[],
        entities=[Entity(name="Rainbow Rare Earths", type=EntityType.company)],
        statements=[StatementAnalysis(quote=body, start=0, end=len(body), kind="fact", kind_confidence=0.9, uncertain=False,
                                      rhetoric_probability=0.1, attribution="company", evidence="self_reported", rationale="fact cue",
                                      crosscheck=CrossCheck(status="no_other_source"))],
        rhetoric_share=0.0, rhetoric_share_interval=(0.0, 0.2),
        provenance=Provenance(model="test", prompts={}, kind_decided_by="test", timings_s={}, analysed_at=datetime(2026, 12, 1, tzinfo=UTC)))
    registry = Registry(assay_home.registry_url)
    registry.record_article(article, chunk_count=0)
    registry.record_analysis(analysis, "test")
    registry.close()
    answer = api.claims_answer("Was Rainbow's pilot plant output corroborated?", assay_home)
    assert answer is not None and answer.answer.startswith("What the rest of the corpus says of 1 statement")


# --- who speaks when a statement names nobody -----------------------------------------------------

_BODY = ("Lynas Rare Earths reported record NdPr output in the quarter. The company claims its Texas plant will open in 2027. "
         "The United States signed an offtake deal. The plan aims to cut dependence on China, officials said. "
         "In our view the timeline is ambitious. It also reported higher prices (unlike MP Materials).")


def _article() -> StoredArticle:
    return StoredArticle(id="a1", url="https://example.com/a1", title="Australia backs Lynas", source="Example Wire", source_url="https://example.com",
                         published=datetime(2026, 3, 1, tzinfo=UTC), body=_BODY, sections=[])


def _aliases() -> AliasBook:
    aliases = AliasBook.load()
    aliases.add_found([Entity(name="Lynas Rare Earths", type=EntityType.company), Entity(name="Texas", type=EntityType.project)])
    return aliases


def _at(sentence: str) -> tuple[int, int]:
    return _BODY.index(sentence), _BODY.index(sentence) + len(sentence)


def test_a_statement_naming_nobody_speaks_for_the_entity_named_last_before_it():
    speaker = speaker_finder(_article(), _aliases())
    assert speaker(*_at("The company claims its Texas plant will open in 2027."), Attribution.company) == "Lynas Rare Earths"
    # "dependence on China": what the statement is about, not who makes it; the speaker is the government named before.
    assert speaker(*_at("The plan aims to cut dependence on China, officials said."), Attribution.government) == "United States"
    assert speaker(*_at("In our view the timeline is ambitious."), Attribution.author) is None  # the author speaks for no entity
    assert speaker(*_at("Lynas Rare Earths reported record NdPr output in the quarter."), Attribution.government) == "Australia"  # from the title
    assert speaker(*_at("The United States signed an offtake deal."), Attribution.company) == "Lynas Rare Earths"
    assert speaker(*_at("It also reported higher prices (unlike MP Materials)."), Attribution.company) == "Lynas Rare Earths"  # an aside


def _finder(body: str, *entities: Entity, source: SourceType | None = None,
            ) -> tuple[Callable[[int, int, Attribution], str | None], Callable[[str], tuple[int, int]]]:
    """The speaker finder of an article with this body (of this source type), the alias book knowing `entities` too, and the
    span of a sentence of it."""
    aliases = AliasBook.load()
    aliases.add_found(list(entities))
    finder = speaker_finder(_article().model_copy(update={"body": body, "title": "Minerals week"}), aliases, source)
    return finder, lambda sentence: (body.index(sentence), body.index(sentence) + len(sentence))


def test_an_analysts_firm_is_no_company_that_speaks():
    """AP, written here: "The company said it expects …" after an analyst's quote went to the analyst's firm, which the
    model typed a company."""
    body = ("Rainbow Rare Earths said the plant recovered roughly 70% of the metals. "
            "\"A pilot plant is not a mine,\" said Thandi Mokoena, a mining analyst at Johannesburg-based Anchor Research. "
            "The company said it expects to produce up to 1,900 metric tons a year from 2029.")
    speaker, at = _finder(body, Entity(name="Rainbow Rare Earths", type=EntityType.company), Entity(name="Anchor Research", type=EntityType.company))
    assert speaker(*at("The company said it expects to produce up to 1,900 metric tons a year from 2029."), Attribution.company) == "Rainbow Rare Earths"


def test_a_speaker_named_beside_the_reporting_verb_speaks_not_a_name_in_the_words_quoted():
    body = ("“The program is an alternative that reduces China’s stranglehold on supply chains,” said Thomas R. Hardy, USTDA’s Deputy Director. "
            "Baotou, a city in north China, reached output of 118.6 billion yuan (about 16.5 billion U.S. dollars), local authorities said. "
            "Capacity passed 1.8 terawatts, according to China's National Energy Administration.")
    speaker, at = _finder(body, Entity(name="USTDA", type=EntityType.government),
                          Entity(name="National Energy Administration", type=EntityType.government))
    assert speaker(*at(body[: body.index("Director") + len("Director")]), Attribution.government) == "USTDA"
    # Before the verb, only its own clause: "local authorities", not the "U.S. dollars" before the comma (then the first name, China).
    assert speaker(*at("Baotou, a city in north China, reached output"), Attribution.government) == "China"
    assert speaker(*at("Capacity passed 1.8 terawatts, according to China's National Energy Administration."),
                   Attribution.government) == "National Energy Administration"  # the agency, not its country


def test_a_subject_that_names_nobody_speaks_for_the_one_named_before_not_a_name_in_what_it_said():
    """A release written here (forty-third session): "The company said the shipment, bound for a separation plant operated by
    Neo Performance Materials, …" was listed as Neo's statement."""
    body = ("Serra Verde Mineracao said it had shipped its first 1,200 tonnes of carbonate. "
            "The company said the shipment, bound for a separation plant in Estonia operated by Neo Performance Materials, held 4% "
            "dysprosium. Neo Performance Materials will separate the carbonate in Narva.")
    speaker, at = _finder(body, Entity(name="Serra Verde Mineracao", type=EntityType.company),
                          Entity(name="Neo Performance Materials", type=EntityType.company))
    assert speaker(*at(body[body.index("The company said"): body.index("dysprosium.") + 11]), Attribution.company) == "Serra Verde Mineracao"
    assert speaker(*at("Neo Performance Materials will separate the carbonate in Narva."), Attribution.company) == "Neo Performance Materials"


def test_a_company_releases_own_voice_is_its_issuers_whoever_the_paragraph_before_named():
    body = ("MINACU, Brazil, Dec. 3, 2026 /PRNewswire/ -- Serra Verde Mineracao today announced its first shipment of carbonate. "
            "The shipment is bound for a separation plant in Estonia operated by Neo Performance Materials. "
            "Serra Verde expects to reach its nameplate capacity of 5,000 tonnes a year in 2027.")
    entities = (Entity(name="Serra Verde Mineracao", type=EntityType.company), Entity(name="Neo Performance Materials", type=EntityType.company))
    last = "Serra Verde expects to reach its nameplate capacity of 5,000 tonnes a year in 2027."
    speaker, at = _finder(body, *entities, source=SourceType.company_release)
    assert speaker(*at(last), Attribution.company) == "Serra Verde Mineracao"  # "Serra Verde" alone is no spelling the book knows
    speaker, at = _finder(body, *entities, source=SourceType.news)
    assert speaker(*at(last), Attribution.company) == "Neo Performance Materials"  # in a story, the company named last before
    said = body.replace("today announced its first shipment", "said on Wednesday it had shipped its first cargo")
    speaker, at = _finder(said, *entities, source=SourceType.company_release)
    assert speaker(*at(last), Attribution.company) == "Serra Verde Mineracao"  # a distributor's release opening "X said"


def test_a_demonym_beside_the_reporting_verb_speaks_for_its_country():
    body = ("The European Union signed a raw-materials partnership with Angola in 2023. "
            "Angolan officials have said they want more processing to take place in the country. "
            "Officials said the deal would be reviewed.")
    speaker, at = _finder(body, Entity(name="European Union", type=EntityType.government), Entity(name="Angola", type=EntityType.country))
    assert speaker(*at("Angolan officials have said they want more processing to take place in the country."),
                   Attribution.government) == "Angola"  # not the EU named before
    assert speaker(*at("Officials said the deal would be reviewed."), Attribution.government) == "Angola"  # no name: the one named last


def test_a_name_in_a_list_of_names_is_not_who_speaks():
    body = ("The European Commission selected 19 projects on Tuesday. "
            "They are located in nine Member States – Estonia, Finland, France and Sweden. "
            "They are expected to require total capital investment of €6.8 billion. "
            "The awards exclude magnets produced in China, Russia, North Korea or Iran.")
    speaker, at = _finder(body, Entity(name="European Commission", type=EntityType.government),
                          *(Entity(name=n, type=EntityType.country) for n in ("Estonia", "Finland", "France", "Sweden", "Russia")))
    for sentence in ("They are located in nine Member States – Estonia, Finland, France and Sweden.",
                     "They are expected to require total capital investment of €6.8 billion.",
                     "The awards exclude magnets produced in China, Russia, North Korea or Iran."):
        assert speaker(*at(sentence), Attribution.government) == "European Commission", sentence
    # Names of different kinds side by side are no list: "…, plus Reuters and Bloomberg, U.S. Trade Representative Jamieson Greer confirmed".
    speaker, at = _finder("According to Reuters and Bloomberg, U.S. Trade Representative Jamieson Greer confirmed the plan.",
                          Entity(name="Bloomberg", type=EntityType.company), Entity(name="Reuters", type=EntityType.company),
                          Entity(name="U.S. Trade Representative", type=EntityType.government))
    assert speaker(*at("According to Reuters and Bloomberg, U.S. Trade Representative Jamieson Greer confirmed the plan."),
                   Attribution.government) == "U.S. Trade Representative"


def test_a_demonym_names_a_country_the_book_knows_and_nothing_else():
    aliases = AliasBook.load()
    aliases.add_found([Entity(name=n, type=EntityType.country) for n in ("Angola", "India", "Indonesia", "Germany")])
    named = {word: (c.name if (c := aliases.country_of(word)) else None)
             for word in ("Chinese", "Angolan", "Indian", "Indonesian", "German", "American", "Emirati", "Morgan", "Brian", "Ukrainian",
                          "Nigerian", "Nigerien", "Swiss", "Martian", "Georgian")}
    assert named == {"Chinese": "China", "Angolan": "Angola", "Indian": "India", "Indonesian": "Indonesia", "German": "Germany",
                     "American": "United States", "Emirati": "United Arab Emirates", "Morgan": None, "Brian": None, "Ukrainian": "Ukraine",
                     "Nigerian": "Nigeria", "Nigerien": "Niger", "Swiss": "Switzerland", "Martian": None, "Georgian": None}


def test_an_undated_statement_is_shown_as_undated_with_the_day_it_was_stored():
    article, aliases = _article().model_copy(update={"published": None, "first_seen": datetime(2026, 12, 1, tzinfo=UTC)}), _aliases()
    start, end = _at("The company claims its Texas plant will open in 2027.")
    statement = StatementAnalysis(quote=_BODY[start:end], start=start, end=end, kind=Kind.claim, kind_confidence=0.9,
                                  attribution=Attribution.company, evidence=Evidence.self_reported, rationale="")
    record = statement_record(article, statement, SourceType.news, aliases)
    answer = as_answer("What has Lynas claimed?", claims_question("What has Lynas claimed?", aliases), [record])
    assert "undated, stored 2026-12-01 · claim" in answer.answer and answer.citations[0].published is None


def test_a_claim_only_its_claimant_repeats_says_so_in_every_view():
    """The cross-check's `claimant_only` (the company's own release, a wire reporting its words): the
    answer, the export's row and the report's statement say "no independent source", and the claimant's
    articles are not among those that corroborate it."""
    from assay.export import export_row
    from assay.report import statement_views

    article, aliases = _article(), _aliases()
    start, end = _at("The company claims its Texas plant will open in 2027.")
    evidence = [EvidenceChunk(chunk_id="own-0000-1", article_id="own", title="Lynas release", similarity=0.9),
                EvidenceChunk(chunk_id="news-0000-1", article_id="news", title="Another story", similarity=0.6)]
    statement = StatementAnalysis(
        quote=_BODY[start:end], start=start, end=end, kind=Kind.claim, kind_confidence=0.9, attribution=Attribution.company,
        evidence=Evidence.self_reported, rationale="", crosscheck=CrossCheck(status="no_other_source", evidence=evidence, claimant_only=["own"]))
    record = statement_record(article, statement, SourceType.news, aliases)
    assert record.crosscheck_label == "no independent source: only the claimant's word"
    assert record.corroborated_by == ["news"] and export_row(record)["claimant_only"] == ["own"]
    answer = as_answer("What has Lynas claimed?", claims_question("What has Lynas claimed?", aliases), [record])
    assert "claim · no independent source: only the claimant's word:" in answer.answer
    (view,) = statement_views([statement], {})
    assert view.status_label == "no independent source: only the claimant's word"
    assert {(s.article_id, s.claimant) for s in view.sources} == {("own", True), ("news", False)}
    # Corroborated by one of two related articles: the record lists that one, the page says which it is.
    agreed = statement.model_copy(update={"crosscheck": CrossCheck(status="corroborated", evidence=evidence, agreeing=["news"])})
    assert statement_record(article, agreed, SourceType.news, aliases).corroborated_by == ["news"]
    # The digest gives it as a reason (not a score): the claimant's word again, in the article it names.
    from assay.digest import rank

    assert "no independent source: only the claimant's word again in “Lynas release”" in rank(record, {"own": "Lynas release"}).reasons
    (view,) = statement_views([agreed], {})
    assert {(s.article_id, s.role) for s in view.sources} == {("own", ""), ("news", "corroborates it")}


def test_what_the_company_claims_is_listed_for_the_company_it_speaks_for():
    article, aliases = _article(), _aliases()
    start, end = _at("The company claims its Texas plant will open in 2027.")
    statement = StatementAnalysis(quote=_BODY[start:end], start=start, end=end, kind=Kind.claim, kind_confidence=0.9,
                                  attribution=Attribution.company, evidence=Evidence.self_reported, rationale="")
    record = statement_record(article, statement, SourceType.news, aliases)
    assert record.entities == ["Texas"] and record.speaker == "Lynas Rare Earths"  # names a place, speaks for Lynas
    corpus = CorpusView(articles=[article], analyses={}, source_types={article.id: SourceType.news}, statements=[record])
    asked = claims_question("What has Lynas claimed?", aliases)
    assert asked is not None and [s.quote for s in matching_statements(asked, corpus, aliases)] == [statement.quote]
    assert matching_statements(claims_question("What has China said?", aliases), corpus, aliases) == []
    # A name in the topic must be written: "about its Malaysian plant" had listed the Texas plant's line, by "plant"
    # alone (a wire written here, forty-third session), and "about the U.S." everything Lynas said ("U.S." has no word).
    for topic, listed in (("its Texas plant", True), ("its Malaysian plant", False), ("the U.S.", False), ("Texas", True)):
        asked = claims_question(f"What has Lynas claimed about {topic}?", aliases)
        assert asked is not None and bool(matching_statements(asked, corpus, aliases)) is listed, topic
    # The digest puts it under the company, not under "Other", and does not say it names the company.
    group = build_digest(corpus, types={n.name: n.type for n in aliases.entities()}).groups[0]
    assert group.entity == "Lynas Rare Earths" and not any(r.startswith("names") for r in group.items[0].reasons)
    # A claim that names another party goes under its speaker too: Rainbow Rare Earths' "… the lowest-cost source of
    # separated rare earths outside China" went under China (written here).
    named = record.model_copy(update={"entities": ["China"], "quote": "It will be the lowest-cost source outside China."})
    corpus = CorpusView(articles=[article], analyses={}, source_types={article.id: SourceType.news}, statements=[named])
    assert build_digest(corpus, types={n.name: n.type for n in aliases.entities()}).groups[0].entity == "Lynas Rare Earths"


def test_a_clause_listed_for_its_speaker_comes_with_its_sentence():
    """The answer lists statements apart from their articles: a clause cut from a longer sentence is given in it."""
    aliases = AliasBook.load()
    body = "Lynas lifted NdPr output in the quarter, aiming to cut its reliance on Chinese feed."
    article = StoredArticle(id="c1", url="https://example.com/c1", title="Lynas output", source="Example Wire",
                            source_url="https://example.com", published=datetime(2026, 12, 3, tzinfo=UTC), sections=[], body=body)
    clause = "aiming to cut its reliance on Chinese feed."
    start = body.index(clause)
    record = statement_record(article, StatementAnalysis(
        quote=clause, start=start, end=start + len(clause), kind=Kind.claim, kind_confidence=0.9, attribution=Attribution.company,
        evidence=Evidence.none, rationale=""), SourceType.news, aliases)
    assert record.sentence == body and record.context_after == ""
    asked = claims_question("What has Lynas claimed?", aliases)
    answer = as_answer("What has Lynas claimed?", asked, [record])
    assert f"“{clause}” [1], in “{body}”" in answer.answer and answer.citations[0].quote == clause  # the citation stays exact


def test_what_an_analysts_firm_said_is_listed_from_stories_that_quote_it_and_from_its_own_notes():
    """Written here (twenty-eighth session): "What has Adamas Intelligence said about magnet demand?" went to the passages,
    which cited one statement; the firm's own release and the story quoting it hold five. The alias file marks the trade's
    analysts and price reporters as firms: quoted, they speak as a third party, and their own notes in their writers' voice."""
    aliases = AliasBook.load()
    assert aliases.is_firm("Macquarie") and aliases.is_firm("SMM") and aliases.is_firm("Orion Resource Partners")
    assert not aliases.is_firm("Lynas")
    story = StoredArticle(id="s1", url="https://example.com/s1", title="NdPr prices hit a two-year high", source="Example Wire",
                          source_url="https://example.com", published=datetime(2026, 12, 3, tzinfo=UTC), sections=[],
                          body="Adamas Intelligence said global demand for rare earth magnets would grow 9 percent a year. "
                               "Lynas said magnet demand was strong.")
    note = StoredArticle(id="n1", url="https://example.com/n1", title="Adamas Intelligence Releases Magnet Market Outlook",
                         source="Adamas Intelligence", source_url="https://example.com", published=datetime(2026, 12, 1, tzinfo=UTC),
                         sections=[], body="Global consumption of NdFeB magnets rose 11 percent in 2026 to 241,000 tonnes. "
                                             "We expect magnet demand to stay strong.")

    def record(article: StoredArticle, quote: str, attribution: Attribution, source_kind: SourceType, kind: Kind = Kind.fact):
        start = article.body.index(quote)
        return statement_record(article, StatementAnalysis(
            quote=quote, start=start, end=start + len(quote), kind=kind, kind_confidence=0.9, attribution=attribution,
            evidence=Evidence.none, rationale=""), source_kind, aliases)

    records = [record(story, "Adamas Intelligence said global demand for rare earth magnets would grow 9 percent a year.",
                      Attribution.third_party, SourceType.news),
               record(story, "Lynas said magnet demand was strong.", Attribution.company, SourceType.news),
               record(note, "Global consumption of NdFeB magnets rose 11 percent in 2026 to 241,000 tonnes.", Attribution.author, SourceType.analyst),
               # A firm's judgement is its view, what an analyst asks of it: listed, though a company's opinion would not be.
               record(note, "We expect magnet demand to stay strong.", Attribution.author, SourceType.analyst, Kind.opinion)]
    corpus = CorpusView(articles=[story, note], analyses={}, source_types={"s1": SourceType.news, "n1": SourceType.analyst},
                        statements=records)
    asked = claims_question("What has Adamas Intelligence said about magnet demand?", aliases)
    assert asked is not None and asked.firm
    assert [s.article_id for s in matching_statements(asked, corpus, aliases)] == ["s1", "n1", "n1"]
    # A company still speaks as a company: Lynas's line, not the firm's.
    lynas = claims_question("What has Lynas said about magnet demand?", aliases)
    assert lynas is not None and [s.quote for s in matching_statements(lynas, corpus, aliases)] == ["Lynas said magnet demand was strong."]


def test_a_firm_the_alias_file_marks_is_no_company_that_speaks_and_quoted_it_is_a_third_party():
    from assay.attribution import speaker as speaker_of

    body = ("Lynas Rare Earths reported record output. Analysts at Macquarie said the output was a milestone. "
            "The company said it expects further growth.")
    finder, at = _finder(body)
    assert finder(*at("The company said it expects further growth."), Attribution.company) == "Lynas Rare Earths"
    assert speaker_of("Adamas Intelligence said in a note that demand would grow.", AliasBook.load()) == Attribution.third_party


def test_the_speaker_reading_script_lists_every_labelled_company_or_government_statement(capsys):
    from assay.evals.speakers import main

    main(["--set", "outside", "--countries"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].endswith("of 727 company or government statements given a speaker") and len(lines) == 728
    commission = [line for line in lines if "t11-european-commissio" in line and " government -> " in line]
    assert commission and all("-> European Union |" in line for line in commission)  # not the last of its member states


def test_a_social_account_s_handle_is_its_owner_s_name(assay_home):
    """Seen on a thread written here: "@LynasRareEarths says …" is Lynas's statement, and the article
    that holds it is read although it never writes "Lynas" apart."""
    from assay import api
    from assay.store.registry import Registry
    from assay.types import Analysis, Article, Provenance, StatementAnalysis

    body = 'Meanwhile @LynasRareEarths says its Malaysian heavy rare earths circuit will be at full rate "within months".'
    thread = Article(id="f" * 16, title="THREAD: heavy rare earths", source="@raykessler_metals", source_url="file:///thread.txt",
                     published=datetime(2026, 11, 30, tzinfo=UTC), body=body)
    statement = StatementAnalysis(quote=body, start=0, end=len(body), kind=Kind.claim, kind_confidence=0.8, attribution=Attribution.company,
                                  evidence=Evidence.none, rationale="a promise")
    registry = Registry(assay_home.registry_url)
    registry.record_article(thread, chunk_count=0)
    registry.record_analysis(Analysis(article_id=thread.id, content_hash=thread.content_hash, summary="A thread.", highlights=[], entities=[],
                                      figures=[], statements=[statement], rhetoric_share=0.0,
                                      provenance=Provenance(model="test", prompts={}, kind_decided_by="test", timings_s={},
                                                            analysed_at=datetime.now(UTC))), "key")
    registry.close()
    answer = api.claims_answer("What has Lynas claimed about heavy rare earths?", assay_home)
    assert answer is not None and [c.quote for c in answer.citations] == [body]


def test_what_a_writer_has_said_lists_their_own_voice_in_the_articles_they_wrote(assay_home):
    """A column written here (forty-fourth session): "What has Helen Thorne said?" of its writer, whom no alias file knows
    and whose byline is no part of the body, had said the corpus does not say. What others say in her column is not hers."""
    from assay import api
    from assay.store.registry import Registry
    from assay.types import Analysis, Article, Provenance, StatementAnalysis

    body = ("Money is not the bottleneck.\n\nA price floor for NdPr oxide near $110 a kilogram would do more than any headline.\n\n"
            "The White House called it the most significant minerals partnership in history.")
    column = Article(id="c" * 16, title="The West's plan is a press release", source="The Ledger", source_url="file:///column.md",
                     author="Helen Thorne and Sam Ortiz", published=datetime(2026, 11, 30, tzinfo=UTC), body=body)

    def statement(text: str, kind: Kind, who: Attribution) -> StatementAnalysis:
        start = body.index(text)
        return StatementAnalysis(quote=text, start=start, end=start + len(text), kind=kind, kind_confidence=0.8, attribution=who,
                                 evidence=Evidence.none, rationale="cue")

    statements = [statement("Money is not the bottleneck.", Kind.opinion, Attribution.author),
                  statement("A price floor for NdPr oxide near $110 a kilogram would do more than any headline.", Kind.opinion, Attribution.author),
                  statement("The White House called it the most significant minerals partnership in history.", Kind.rhetoric, Attribution.government)]
    registry = Registry(assay_home.registry_url)
    registry.record_article(column, chunk_count=0)
    registry.record_analysis(Analysis(article_id=column.id, content_hash=column.content_hash, summary="A column.", highlights=[], entities=[],
                                      figures=[], statements=statements, rhetoric_share=0.0,
                                      provenance=Provenance(model="test", prompts={}, kind_decided_by="test", timings_s={},
                                                            analysed_at=datetime.now(UTC))), "key")
    registry.close()
    answer = api.claims_answer("What has Helen Thorne said?", assay_home)
    assert answer is not None and [c.quote for c in answer.citations] == [s.quote for s in statements[:2]]
    assert answer.answer.startswith("Helen Thorne: 2 statements in 1 article they wrote")
    about = api.claims_answer("What has Sam Ortiz said about price floors?", assay_home)  # the byline's second writer, a topic
    assert about is not None and [c.quote for c in about.citations] == [statements[1].quote]
    assert api.claims_answer("What has Helen Smith said?", assay_home) is None  # a name the byline does not write whole
