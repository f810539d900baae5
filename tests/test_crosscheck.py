"""Corpus cross-check through a real (embedded) Chroma collection and the registry's keyword index."""

from datetime import UTC, datetime

from assay.chunking import chunk_article
from assay.crosscheck import CLOSE, shared_weight
from assay.services import services
from assay.settings import Settings
from assay.statements import statements
from assay.store.keywords import KeywordRow
from assay.types import Article, Section
from tests.conftest import article_html, rss, use_extractive_llm


def article(article_id: str, body: str, day: int) -> Article:
    return Article(
        id=article_id, title=f"Article {article_id}", source="test", source_url="test", body=body,
        published=datetime(2026, 2, day, tzinfo=UTC), sections=[Section(heading=None, start=0, end=len(body))],
    )


def unrelated() -> list[Article]:
    """Two articles about something else, so that the keyword index's idf tells rare terms from common ones."""
    return [
        article("cocoa", "Ghana’s cocoa harvest was delayed by heavy rains across the western region.", 2),
        article("quota", "China issued its first batch of mining quotas for the year to state-owned groups.", 3),
    ]


def only_check(made, subject: Article):
    """The cross-check of an article that holds one statement."""
    (check,) = made.crosscheck(subject, statements(subject))
    return check


def stored(made, corpus: list[Article]) -> None:
    """The articles chunked, embedded and indexed, as ingestion stores them."""
    for other in corpus:
        chunks = chunk_article(other, Settings().chunk_size, Settings().chunk_overlap)
        made.chunk_store.upsert([(other, chunks, made.embedder.forward([c.text for c in chunks]))])
        made.keyword_index().add(KeywordRow(c.id, other.id, c.text) for c in chunks)


def test_same_figure_corroborates_other_figure_conflicts_and_repeats_are_linked(assay_home):
    made = services(assay_home)
    others = [
        article("a1", "China Northern Rare Earth raised its annual rare-earth metal capacity to 11,200 tons at Baotou.", 1),
        article("a2", "Lynas Rare Earths shipped its first heavy rare earth oxide from Malaysia to Japan this week.", 2),
        article("a3", "Lynas Rare Earths opened a heavy rare earths plant in Texas this year.", 3),
        article("a4", "Dysprosium oxide prices in Rotterdam have more than tripled, according to Benchmark Mineral Intelligence. "
                      "Lynas shares fell 6.2% in Sydney.", 4),
    ]
    stored(made, others)

    subject = article(
        "s",
        "China Northern Rare Earth raised its annual rare-earth metal capacity to 11,200 tons at Baotou. "
        "China Northern Rare Earth raised its yearly rare-earth metal capacity to 9,000 tons in Baotou. "
        "Ghana’s cocoa harvest was delayed by heavy rains across the western region. "
        "Lynas told investors in August that its heavy rare earths circuit would run at full rate by the end of the year. "
        "Dysprosium oxide prices in Rotterdam rose 12% last week, according to Benchmark Mineral Intelligence.",
        5,
    )
    found = statements(subject)
    repeat, conflict, unrelated, same_topic, other_share = made.crosscheck(subject, found)

    assert repeat.status == "corroborated" and repeat.repeated_by == ["a1"]
    assert repeat.first_seen == "2026-02-01T00:00:00+00:00"
    assert repeat.evidence[0].article_id == "a1" and repeat.evidence[0].chunk_id.startswith("a1-")
    assert conflict.status == "conflicting"
    assert unrelated.status == "no_other_source" and unrelated.evidence == []
    # The Texas plant story is close enough by its vector to corroborate by similarity alone (the
    # same company and topic), but it writes almost none of what is particular to the statement
    # (investors, August, circuit, full rate), so it is no evidence of it.
    nearest = made.chunk_store.nearest(made.embedder.forward([found[3].text]), 4, exclude_article="s")[0]
    assert any(c.article_id == "a3" and (c.similarity or 0) >= CLOSE for c in nearest)
    assert same_topic.status == "no_other_source" and same_topic.evidence == []
    # The Rotterdam story is evidence, but its other share (the shares' 6.2% fall) is in another
    # sentence than the one that speaks of dysprosium prices: no conflict.
    assert [e.article_id for e in other_share.evidence] == ["a4"] and other_share.status == "no_other_source"
    # Asking for more neighbours than the store holds returns what there is (nearest does not count first).
    assert sorted(c.article_id for c in made.chunk_store.nearest(made.embedder.forward(["rare earth capacity"]), 20)[0]) == ["a1", "a2", "a3", "a4"]


def test_another_companys_figure_in_the_same_words_is_no_conflict(assay_home):
    """Seen on texts nobody here labelled: Iluka's refinery "designed to produce up to 17,500 tonnes a
    year" conflicted with Lynas' plant's 5,000 tonnes, written in nearly the same words."""
    made = services(assay_home)
    corpus = [
        article("lynas", "Lynas Rare Earths said its plant is designed to produce up to 5,000 tonnes a year of separated "
                         "rare earth products, including dysprosium and terbium.", 1),
        *unrelated(),
    ]
    stored(made, corpus)
    said = ("The refinery is designed to produce up to 17,500 tonnes a year of separated rare earth products, "
            "including dysprosium and terbium.")
    for title, status in (("Iluka delays Eneabba refinery commissioning to 2028", "no_other_source"),
                          ("Lynas delays its refinery's commissioning to 2028", "conflicting")):
        subject = article("s", said, 5).model_copy(update={"title": title})
        (check,) = made.crosscheck(subject, statements(subject))
        assert check.status == status, title


def test_another_company_s_release_of_the_same_day_corroborates_nothing(assay_home):
    """Seen on two results releases ingested together: MP's "today announced results for the third
    quarter ended September 30, 2026" was corroborated by Mojave Magnetics' release, which wrote the
    same date. A date's numbers agree on nothing, and a company named with its legal form ("Mojave
    Magnetics Corp.", in no alias file) is another company than MP."""
    made = services(assay_home)
    corpus = [
        article("mojave", "Mojave Magnetics Corp. (NYSE: MJV) today announced financial results for the third quarter ended "
                          "September 30, 2026, with revenue up 34% as NdPr oxide output rose.", 5).model_copy(
            update={"title": "Mojave Magnetics Reports Third Quarter 2026 Results"}),
        *unrelated(),
    ]
    stored(made, corpus)
    subject = article("mp", "MP Materials Corp. (NYSE: MP) today announced results for the third quarter ended September 30, 2026.", 6)
    (check,) = made.crosscheck(subject.model_copy(update={"title": "MP Materials Reports Third Quarter 2026 Results"}), statements(subject))
    assert check.status == "no_other_source" and [e.article_id for e in check.evidence] == ["mojave"]
    # The same words from Mojave itself (another of its articles) still corroborate, by words alone.
    own = article("mojave2", "Mojave Magnetics Corp. today announced results for the third quarter ended September 30, 2026.", 6)
    (check,) = made.crosscheck(own, statements(own))
    assert check.status == "corroborated"


def lynas_release(more: str = "") -> Article:
    """A company's release of its quarter (written here)."""
    return article("release", "Lynas Rare Earths Ltd today announced that its Kalgoorlie facility produced 1,480 tonnes of "
                              f"mixed rare earth carbonate in the September quarter{more}.", 14).model_copy(
        update={"source": "Lynas Rare Earths Ltd", "title": "Lynas lifts Kalgoorlie output"})


def test_the_claimants_own_word_again_is_no_independent_source(assay_home):
    """Written here, as a company's quarter is reported: its release, a wire that reports what it said,
    and a customs record. The wire agrees with the release only by repeating Lynas, and the release with
    the wire: one source. The customs figure is another's. In a corpus this small FTS5's idf weighed
    Lynas, Kalgoorlie and 1,480 at nothing and nothing was evidence of anything."""
    made = services(assay_home)
    release = lynas_release(", up 22% from the June quarter")
    wire = article("wire", "Australia's Lynas Rare Earths said on Tuesday its Kalgoorlie plant produced 1,480 tonnes of mixed rare "
                           "earth carbonate in the September quarter, up 22% from the previous quarter.", 15).model_copy(
        update={"source": "Fastmarkets", "title": "Lynas says Kalgoorlie output rose 22%"})
    stored(made, [wire, *unrelated()])
    (check,) = made.crosscheck(release, statements(release))
    assert check.status == "no_other_source" and check.claimant_only == ["wire"]
    assert check.label == "no independent source: only the claimant's word"
    stored(made, [release])
    (check,) = made.crosscheck(wire, statements(wire))
    assert check.status == "no_other_source" and check.claimant_only == ["release"]

    customs = article("customs", "Customs records show the Kalgoorlie facility of Lynas Rare Earths produced 1,480 tonnes of mixed rare "
                                 "earth carbonate in the September quarter, up 22%.", 20).model_copy(update={"source": "Western Australia Customs Desk"})
    stored(made, [customs])
    (check,) = made.crosscheck(release, statements(release))
    assert check.status == "corroborated" and check.claimant_only == ["wire"] and check.label == "corroborated"
    assert check.agreeing == ["customs"] and check.verdict_articles == ["customs"]  # the wire is evidence, not agreement
    # A tonnage of NdPr is no conflict with one of carbonate (the alias file's materials).
    ndpr = article("ndpr", "Lynas Rare Earths said its NdPr output at Kalgoorlie reached 2,210 tonnes in the September quarter.", 16)
    (check,) = made.crosscheck(ndpr, statements(ndpr))
    assert check.status != "conflicting"


def test_the_company_that_says_it_is_a_company_not_the_government_its_headline_names(assay_home):
    """Written here: a wire's "The company says … 400 tonnes" under a headline naming the company and the
    Pentagon. The Pentagon's release of the award says the same: the Pentagon is another party than
    "the company", so it corroborates (it was taken for the claimant's own word)."""
    made = services(assay_home)
    award = article("award", "The award will support production of 400 tonnes a year of separated dysprosium and terbium "
                             "oxides by 2028 at the Port Allen plant.", 18).model_copy(
        update={"source": "Department of Defense", "title": "Department of Defense awards $35 million for heavy rare earths"})
    stored(made, [award, *unrelated()])
    wire = article("wire", "The company says the expansion will let it produce 400 tonnes a year of separated dysprosium and "
                           "terbium oxides by 2028 at the Port Allen plant.", 19).model_copy(
        update={"source": "AP", "title": "Kestrel Separations Inc. wins Pentagon money for heavy rare earths plant"})
    (check,) = made.crosscheck(wire, statements(wire))
    assert check.status == "corroborated" and check.claimant_only == []
    # "Australia's Lynas said" is Lynas speaking: the Australian government's release of the grant is another party.
    grant = article("grant", "Lynas Rare Earths will receive A$200 million for its Kalgoorlie processing plant.", 20).model_copy(
        update={"source": "Government of Australia", "title": "Grant for Kalgoorlie"})
    stored(made, [article("said", "Australia's Lynas Rare Earths said it will receive A$200 million for its Kalgoorlie processing "
                                  "plant.", 21).model_copy(update={"source": "Fastmarkets"})])
    (check,) = made.crosscheck(grant, statements(grant))
    assert check.status == "corroborated" and check.agreeing == ["said"]


def test_words_alone_corroborate_only_where_the_evidence_names_the_statements_subject(assay_home):
    """Written here: a release's "Lynas Rare Earths is the world's only significant producer of separated
    rare earths outside China" was corroborated by a story of another plant that says China produced 90
    percent of the world's separated heavy rare earths: the same words, nothing about Lynas."""
    made = services(assay_home)
    other_plant = article("plant", "China produced about 90 percent of the world's separated heavy rare earths last year, "
                                   "and no producer outside China separates them at scale, according to the IEA.", 19)
    stored(made, [other_plant, *unrelated()])
    boast = article("boast", "Lynas Rare Earths is the world's only significant producer of separated rare earths outside China.", 14)
    (check,) = made.crosscheck(boast, statements(boast))
    assert [e.article_id for e in check.evidence] == ["plant"] and check.status == "no_other_source"
    about_lynas = other_plant.model_copy(update={"id": "lynas", "body": other_plant.body.replace("no producer outside China",
                                                                                                   "only Lynas Rare Earths outside China")})
    stored(made, [about_lynas])
    (check,) = made.crosscheck(boast, statements(boast))
    assert check.status == "corroborated" and check.agreeing == ["lynas"]


def test_a_figure_cited_as_the_claimants_beside_another_estimate_is_a_conflict_not_a_corroboration(assay_home):
    """Written here: an analyst's note gives its own estimate beside "the 1,480 tonnes the company
    reported". It repeats the release's figure only to dispute it: the release's statement conflicts
    with it, and so does the note's with the release. The release's "today announced" is the day it was
    told, not the day the tonnage measures, so a note of three weeks later still meets it."""
    from assay.crosscheck import claimed_figures

    assert claimed_figures("below the 1,480 tonnes the company reported") == [("1480", "the company")]
    assert claimed_figures("Output fell short of Lynas's guidance of 1,500 tonnes.") == [("1500", "Lynas")]
    assert claimed_figures("Prices rose 12% in 2025, the ministry said.") == []  # the whole sentence is the ministry's
    assert claimed_figures("Energy Fuels' announcement that it produced 1,250 kg of dysprosium oxide had little effect.") == [
        ("1250", "Energy Fuels")]  # a price report written here
    # a rounded figure is cited as much as an exact one (an analyst's blog written here)
    assert claimed_figures("Recoveries of about 68% are in line with the company's figure of roughly 70%.") == [("70", "the company")]
    made = services(assay_home)
    release = lynas_release()
    note = article("note", "Benchmark Mineral Intelligence estimates that Lynas produced about 1,200 tonnes of mixed rare earth "
                           "carbonate at Kalgoorlie in the September quarter, below the 1,480 tonnes the company reported.", 28).model_copy(
        update={"source": "Kestrel Research", "title": "Heavy rare earths: the numbers behind the promises"})
    stored(made, [note, *unrelated()])
    (check,) = made.crosscheck(release, statements(release))
    assert check.status == "conflicting" and check.claimant_only == ["note"] and check.conflicting_with == ["note"]
    stored(made, [release])
    (check,) = made.crosscheck(note, statements(note))
    assert check.status == "conflicting"  # its own figure is 1,200; the 1,480 is the company's, cited


def test_agreeing_figures_are_no_dates_quarters_or_years():
    from assay.crosscheck import agreeing_figures

    assert agreeing_figures("In Q3 2026, to September 30, 2026, output rose 12% to 2,013 tonnes; FY2025's ended 30 Nov. 2025") == {"12", "2013", "mass=2013"}
    assert agreeing_figures("Results for the quarter ended Sept. 30, 2026 (H1: 4)") == {"4"}


def test_a_figure_of_another_year_or_another_day_is_no_conflict(assay_home):
    """Seen on texts written here: a fact check's "1,294 tonnes … in 2024" conflicted with a price
    report's "2,010 tonnes in the quarter to September" of this year, and a briefing's Monday price
    with a price of the Friday before."""
    made = services(assay_home)
    corpus = [
        article("report", "The plant produced 2,010 tonnes of NdPr oxide in the quarter to September, the company said.", 5),
        article("prices", "NdPr oxide was assessed at 561,500 yuan a tonne in China on Friday, according to Shanghai Metals Market.", 6),
        *unrelated(),
    ]
    stored(made, corpus)
    for said, day, status in (
        ("The plant produced 1,294 tonnes of NdPr oxide in 2024, the company said.", 9, "no_other_source"),
        ("The plant produced 1,294 tonnes of NdPr oxide in the quarter to September, the company said.", 9, "conflicting"),
        ("NdPr oxide was assessed at 565,000 yuan a tonne in China on Monday, according to Shanghai Metals Market.", 9, "no_other_source"),
        ("NdPr oxide was assessed at 565,000 yuan a tonne in China on Friday, according to Shanghai Metals Market.", 6, "conflicting"),
    ):
        subject = article("s", said, day)
        (check,) = made.crosscheck(subject, statements(subject))
        assert check.status == status, said


def test_a_price_of_another_material_is_no_conflict(assay_home):
    """Seen on texts written here: terbium oxide's "$3,950 per kilogram" in Europe conflicted with a
    price floor of "$110 per kilogram" for NdPr oxide."""
    made = services(assay_home)
    corpus = [
        article("floor", "The agreement set a floor of $110 per kilogram for NdPr oxide in Europe in February, roughly double "
                         "the Chinese domestic price.", 5),
        *unrelated(),
    ]
    stored(made, corpus)
    for said, status in (
        ("The agreement set a floor of $3,950 per kilogram for terbium oxide in Europe in February, roughly double the Chinese "
         "domestic price.", "no_other_source"),
        ("The agreement set a floor of $150 per kilogram for NdPr oxide in Europe in February, roughly double the Chinese "
         "domestic price.", "conflicting"),
    ):
        subject = article("s", said, 9)
        (check,) = made.crosscheck(subject, statements(subject))
        assert check.status == status, said


def test_rare_earths_as_a_group_are_a_material_of_their_own(assay_home):
    """Written here (twenty-sixth session): a reporter's "rare earth exports … rose 12 percent" conflicted with
    "antimony exports fell 97 percent". The group is a material where it is written in lower case, not inside a
    company's name ("China Northern Rare Earth") or a longer material ("rare earth magnets")."""
    made = services(assay_home)
    stored(made, [article("antimony", "China's antimony exports in November fell 97 percent from a year earlier, customs data showed.", 5),
                  *unrelated()])
    for said, status in (("China's rare earth exports in November rose 12 percent from a year earlier, customs data showed.", "no_other_source"),
                         ("China's antimony exports in November rose 12 percent from a year earlier, customs data showed.", "conflicting")):
        subject = article("s", said, 9)
        assert only_check(made, subject).status == status, said
    materials = made.crosscheck._materials_in
    assert materials("China Northern Rare Earth raised its prices.") == frozenset()
    assert materials("Exports of rare earth magnets rose.") == {"Rare earth magnets"}
    assert materials("Rare-earth output rose.") == materials("rare earths output rose.") != frozenset()


def test_the_same_number_of_another_measure_agrees_with_nothing(assay_home):
    """Written here (twenty-sixth session): a reporter's "rare earth exports in November rose 12 percent" was corroborated
    by a rule's "imports of unwrought gallium fell to 12 tonnes"; in the other publishers' set, "processing fewer than
    1,000 tonnes per year" by "prices above $1,000/kg", "invested more than 3 billion yuan" by "a batch of 3 tons"."""
    from assay.crosscheck import other_measures

    assert other_measures("exports in November rose 12 percent", "imports of gallium fell to 12 tonnes", {"12"}) == {"12"}
    assert other_measures("recyclers processing fewer than 1,000 tonnes per year", "prices above $1,000/kg", {"1000"}) == {"1000"}
    assert other_measures("output of 1,500 tonnes", "output of 1,500 t in the year", {"1500"}) == set()  # the same measure
    assert other_measures("Rare earths are a group of 17 metallic elements.", "the 17 rare earths", {"17"}) == set()  # no unit
    made = services(assay_home)
    stored(made, [article("rule", "United States imports of unwrought gallium from China fell to 12 tonnes in November, "
                                  "customs statistics show.", 5), *unrelated()])
    for said, status in (("China's gallium exports to the United States in November rose 12 percent, customs statistics show.", "no_other_source"),
                         ("China's gallium exports to the United States in November fell to 12 tonnes, customs statistics show.", "corroborated")):
        subject = article("s", said, 9)
        assert only_check(made, subject).status == status, said


def test_shared_weight_is_the_share_of_the_rare_terms_held():
    own = {"lynas": 2.0, "circuit": 1.5, "rare": 0.0, "investors": 0.5}
    assert shared_weight(own, {"lynas": 1.0, "rare": 1.0}) == 0.5
    assert shared_weight(own, {"rare": 1.0}) == 0.0
    assert shared_weight({}, {"rare": 1.0}) == 0.0


def test_figures_conflict_only_in_the_same_unit():
    """Seen on an interview nobody here labelled: "4.2 tonnes of dysprosium oxide" conflicted with a
    brief's "US$820 per kilogram, down 6%"; on dev, "a 2026 white paper" with another year."""
    from assay.crosscheck import figures_conflict, quantities

    assert {(q.dimension, q.value) for q in quantities("a 20-MW turbine, 2,000 tonnes, US$1.5 billion, up 6%, 158 patents in 2025")} == {
        ("power", "20"), ("mass", "2000"), ("money:USD", "1500000000"), ("change", "6"), ("patent", "158")}
    assert not figures_conflict("We produced 4.2 tonnes of dysprosium oxide.", "Oxide fell to US$820 per kilogram, down 6%.")
    assert not figures_conflict("This reviews a 2026 white paper.", "The 2024 paper said so.")
    assert figures_conflict("China's mining share trends toward ~65%.", "China accounts for roughly 60% of supply.")
    assert not figures_conflict("China's share is 60%, down from 65%.", "China accounts for roughly 60% of supply.")
    assert figures_conflict("capacity of 11,200 tons", "capacity to 9,000 tonnes")
    # A change is no share (written here: a quarter "up 22% from the previous quarter" conflicted with China's
    # "about 90 percent of the world's" heavy rare earths); two changes still can.
    quarter = "Its plant produced 1,480 tonnes in the September quarter, up 22% from the previous quarter."
    assert not figures_conflict(quarter, "China produced about 90 percent of the world's separated heavy rare earths.")
    assert figures_conflict(quarter, "Its plant's output rose 15% from the previous quarter.")
    # Shares of different wholes (a letter and a factbox written here, thirty-third session); the world's by any name is one.
    letter = "Europe separates less than 1% of the world's rare earths, and its only large separation plant depends on imports."
    assert not figures_conflict(letter, "Solvay said it could meet 30% of Europe's demand for rare earths used in magnets by 2030.")
    assert figures_conflict(letter, "Europe separates about 5% of global rare earth output.")


def test_a_figure_in_another_unit_is_the_same_figure():
    """Written here: a wire's "1.25 tonnes" of dysprosium oxide conflicted with a price report that cited the
    release's "1,250 kg" beside China's 2,000 tonnes, and agreed with nothing; a wire's "metric tons" was
    no mass at all. Money is compared in its own currency: a deal's A$ is no contradiction of its US$."""
    from assay.crosscheck import agreeing_figures, figures_conflict

    wire = "Energy Fuels said it had produced 1.25 tonnes of dysprosium oxide in October."
    report = "Its 1,250 kg of dysprosium oxide is small beside China's annual output of more than 2,000 tonnes."
    assert not figures_conflict(wire, report)
    assert agreeing_figures(wire) & agreeing_figures(report)
    assert agreeing_figures("6 ktpa of NdPr oxide") & agreeing_figures("6,000 tonnes a year of NdPr oxide")
    assert agreeing_figures("a reserve of 18.9 Mt") & agreeing_figures("18.9 million tonnes of ore")
    assert agreeing_figures("it cost US$410m") & agreeing_figures("$410 million")
    assert agreeing_figures("$1.2 bln") & agreeing_figures("US$1,200 million")  # Interfax's
    # a space after the sign, as Asian and European texts often write it, had made no money of the figure
    assert agreeing_figures("a grant of US$ 5 million") & agreeing_figures("a $5 million grant")
    assert agreeing_figures("it invests € 85 million") & agreeing_figures("it invests EUR 85 million")
    assert figures_conflict("Lynas won a grant of US$ 5 million for the plant.", "Lynas won a grant of US$7 million for the plant.")
    assert agreeing_figures("2.5 thousand tonnes") & agreeing_figures("2,500 tonnes")
    # India's government writes "kilo tonnes" (a release written here): 270 of them were 270 kilos
    assert agreeing_figures("at least 270 kilo tonnes of annual recycling capacity") & agreeing_figures("270,000 tonnes a year")
    assert agreeing_figures("2,100 kilos of oxide") & agreeing_figures("2.1 tonnes of oxide")
    # Indian texts count in crores and lakhs, in rupees (IREL's stories): "Rs 1,200 crore" had been 1,200 "crore"s of nothing
    assert agreeing_figures("IREL will invest Rs 1,200 crore") & agreeing_figures("an INR 12 billion investment")
    assert not agreeing_figures("IREL will invest ₹1,200 crore") & agreeing_figures("an INR 1.2 billion investment")
    assert agreeing_figures("2.5 lakh tonnes of ore a year") & agreeing_figures("250,000 tonnes of ore a year")
    assert figures_conflict("IREL will invest Rs 1,200 crore in the Odisha plant.", "IREL will invest Rs 900 crore in the Odisha plant.")
    # a day is no figure: Xinhua's "BAOTOU, Dec. 1" agreed with "less than 1 per cent" (written here)
    assert agreeing_figures("BAOTOU, Dec. 1 (Xinhua) -- it produced more than 120,000 tonnes on 3 November") == {"120000", "mass=120000"}
    assert "10" in agreeing_figures("output may 10 times exceed demand")  # "may" a verb's, no month
    assert figures_conflict("would produce 6,500 metric tons a year", "is designed to produce 6,000 tpa")
    assert not figures_conflict("in a deal worth about A$250 million", "a deal then worth US$170 million")
    assert figures_conflict("in a deal worth about A$250 million", "a deal worth A$200 million")
    assert not figures_conflict("will invest 1.4 trillion won in the plant", "will invest US$1 billion in the plant")
    # a figure cited as the claimant's word is cited in every unit
    assert not agreeing_figures("the 1,250 kg the company reported", frozenset({"1250"}))


def test_a_bound_or_a_round_figure_allows_the_figures_it_covers():
    """Written here: a price report's "more than 2,000 tonnes" was read as exactly 2,000, and so
    contradicted 2,400 tonnes; "up to 6,000 tpa" a plant's 4,200 tonnes; "about 1,500 tonnes" the 1,480 reported."""
    from assay.crosscheck import figures_conflict, quantities

    assert [q.bound for q in quantities("more than 2,000 t, up to 6,000 tpa, about 1,500 t, ~65%, 1,480 t, at least US$1 billion")] == [
        "min", "max", "about", "about", "", "min"]
    assert not figures_conflict("China produced more than 2,000 tonnes.", "China produced 2,400 tonnes.")
    assert figures_conflict("China produced more than 2,000 tonnes.", "China produced 1,800 tonnes.")
    assert not figures_conflict("The plant can make up to 6,000 tpa.", "The plant made 4,200 tonnes.")
    assert figures_conflict("The plant can make up to 6,000 tpa.", "The plant made 6,500 tonnes.")
    assert not figures_conflict("It made about 1,500 tonnes.", "It made 1,480 tonnes.")
    assert figures_conflict("It made about 1,500 tonnes.", "It made 1,400 tonnes.")
    assert figures_conflict("It made about 2,000 tonnes.", "It made 1,600 tonnes.")  # a round figure within 5%, not 2,000 ± 500
    assert not figures_conflict("a deal worth about US$1.5 billion", "a deal worth $1.52 billion")
    assert not figures_conflict("more than 2,000 tonnes", "at most 2,500 tonnes")  # two bounds that meet
    assert figures_conflict("designed to produce up to 17,500 tonnes a year", "designed to produce up to 5,000 tonnes a year")


def test_the_claimants_figure_in_another_unit_beside_another_partys_is_no_conflict(assay_home):
    """Written here: a wire's "1.25 tonnes" of dysprosium oxide, and a price report that cites the release's
    "1,250 kg" beside China's annual output of more than 2,000 tonnes. The report repeats the company's word
    (in kilograms), and China's tonnage is China's: the wire's figure is neither corroborated nor contradicted."""
    made = services(assay_home)
    wire = article("wire", "Energy Fuels said on Tuesday it had produced 1.25 tonnes of dysprosium oxide at its Utah mill in October, "
                           "the first commercial output of the heavy rare earth in the United States.", 18).model_copy(
        update={"source": "Reuters", "title": "US miner Energy Fuels says it made first commercial dysprosium"})
    report = article("report", "Energy Fuels' announcement that it produced 1,250 kg of dysprosium oxide at its Utah mill in October had "
                               "little effect on prices, given the volume is small compared with China's annual output of more than "
                               "2,000 tonnes.", 27).model_copy(update={"source": "Fastmarkets", "title": "Heavy rare earth prices slip"})
    stored(made, [report, *unrelated()])
    (check,) = made.crosscheck(wire, statements(wire))
    assert (check.status, check.claimant_only, check.conflicting_with) == ("no_other_source", ["report"], [])
    # and the report's statement, China's tonnage and the company's cited kilograms, contradicts no op-ed's kilograms
    oped = article("oped", "Energy Fuels produced 1,250 kg of dysprosium oxide at its Utah mill in October, an announcement that had "
                           "little effect on dysprosium prices.", 20)
    stored(made, [oped, wire])
    (check,) = made.crosscheck(report, statements(report))
    assert check.conflicting_with == []


def test_a_company_no_alias_file_knows_and_its_restated_plan_are_its_own_word(assay_home):
    """Written here: Interfax's "Solikamsk Magnesium Works (SMW) … plans to raise output … to 2.5 thousand
    tonnes in 2027 …, the company said", and a trade note's "Solikamsk Magnesium Works has promised to lift
    … output to 2,500 tonnes in 2027". No alias file knows the company and no legal form marks it, so the
    company was nobody and each text "corroborated" the other: one promise, told twice."""
    from assay.aliases import trade_names

    assert [name for *_, name in trade_names("Russia's Solikamsk Magnesium Works (SMW) and Mkango Resources said; "
                                             "Heavy Rare Earths, the Ministry of Natural Resources")] == [
        "Solikamsk Magnesium Works", "Mkango Resources"]
    made = services(assay_home)
    wire = article("wire", "Solikamsk Magnesium Works (SMW), Russia's only producer of rare earth metals, plans to raise output of "
                           "rare earth oxides to 2.5 thousand tonnes in 2027 from about 1.8 thousand tonnes this year, the company "
                           "said in a statement.\n\nThe plant will invest RUB 5.2 bln in a new separation line, the statement said. "
                           "State corporation Rosatom holds a controlling stake in SMW.", 24).model_copy(
        update={"source": "Interfax", "title": "Solikamsk Magnesium Works to raise rare earth output to 2.5 thousand tonnes"})
    note = article("note", "Solikamsk Magnesium Works has promised to lift rare earth oxide output to 2,500 tonnes in 2027, but "
                           "analysts doubt it can get there.\n\nThe company's RUB 5.2 billion investment plan was first announced "
                           "in 2023 and has since been delayed twice.", 28).model_copy(
        update={"source": "Metal Bulletin", "title": "Russia's rare earth push faces long odds"})
    stored(made, [wire, note, *unrelated()])
    for subject, other in ((wire, "note"), (note, "wire")):
        check = made.crosscheck(subject, statements(subject))[0]
        assert (check.status, check.claimant_only) == ("no_other_source", [other]), subject.id


def test_a_companys_own_deed_told_by_a_story_that_reports_its_word_is_its_word_again(assay_home):
    """Written here: an analyst's page says "Rainbow Rare Earths' pilot produced 2,100 kg of NdPr oxide" in its own
    voice, and AP's story "Rainbow Rare Earths said its pilot plant had produced about 2,100 kilograms" was its
    corroboration: the company is the one source of both. Data another party gives still corroborates."""
    made = services(assay_home)
    # AP's lede holds the name back: "A British company … said" is the company the passage names next
    ap = article("ap", "JOHANNESBURG (AP) — A British company developing a rare earths project on old phosphate waste in South Africa "
                       "said Monday that its pilot plant at Phalaborwa had produced about 2,100 kg of NdPr oxide from phosphogypsum "
                       "stacks. Rainbow Rare Earths said recoveries averaged 70%.", 1).model_copy(update={"source": "AP", "title": "Pilot plant works"})
    stored(made, [ap, *unrelated()])
    blog = article("blog", "Rainbow Rare Earths' pilot plant at Phalaborwa produced 2,100 kg of NdPr oxide from phosphogypsum "
                           "stacks, a respectable result.", 2).model_copy(update={"source": "Kestrel Metals Notes", "title": "The numbers"})
    assert (only_check(made, blog).status, only_check(made, blog).claimant_only) == ("no_other_source", ["ap"])
    customs = article("customs", "Customs data showed 2,100 kg of NdPr oxide from Rainbow Rare Earths' pilot plant at Phalaborwa "
                                 "leaving South Africa from phosphogypsum stacks.", 3).model_copy(update={"source": "Trade Data Weekly"})
    stored(made, [customs])
    assert (only_check(made, blog).status, only_check(made, blog).agreeing) == ("corroborated", ["customs"])
    # a judgement resting on the figure it cites as the company's: the company's release is its word again
    release = article("release", "Phalaborwa is expected to produce up to 1,900 tonnes of NdPr oxide a year from 2029, making it one "
                                 "of the largest producers outside China.", 4).model_copy(update={"source": "Rainbow Rare Earths"})
    stored(made, [release])
    judged = article("judged", "Rainbow Rare Earths has a respectable pilot result behind it.\n\nThe 1,900 tonnes a year the company "
                               "targets would make Phalaborwa one of the three largest NdPr producers outside China.", 5).model_copy(
        update={"source": "Kestrel Metals Notes", "title": "Phalaborwa: the numbers behind the pilot"})
    found = statements(judged)
    check = made.crosscheck(judged, found)[-1]
    assert check.agreeing == [] and check.claimant_only == ["release"]
    # a page that names the release's claim as a claim, to doubt it, repeats it: no corroboration
    claim = article("claim", "The results confirm that Phalaborwa can be the lowest-cost source of separated rare earths outside "
                             "China, Chief Executive George Bennett said.", 6).model_copy(update={"source": "Rainbow Rare Earths"})
    doubt = article("doubt", "Rainbow Rare Earths' headline claim that Phalaborwa will be the lowest-cost source of separated rare "
                             "earths outside China rests on a capital cost nobody has reviewed.", 7).model_copy(update={"source": "Kestrel Metals Notes"})
    stored(made, [doubt])
    assert (only_check(made, claim).agreeing, only_check(made, claim).claimant_only) == ([], ["doubt"])


def test_figures_of_different_parties_are_no_conflict(assay_home):
    """Written here: PTI's "The company currently produces around 4,500 tonnes of rare earth oxides a year" (the
    company being IREL, which its opening names) conflicted with Xinhua's China Northern "produced more than 120,000
    tonnes of rare earth oxides", and AP's "China produces about 90%" with "India … less than 1 per cent"."""
    made = services(assay_home)
    xinhua = article("xinhua", "China Northern Rare Earth (Group) High-Tech Co., Ltd., the world's largest rare earth producer, "
                               "produced more than 120,000 tonnes of rare earth oxides in the first ten months of this year, a record "
                               "high, the company said on Monday.", 1).model_copy(update={"source": "Xinhua", "title": "China Northern posts record output"})
    pti = article("pti", "State-run IREL (India) Ltd plans to double the capacity of its rare earth separation plant at Chatrapur in "
                         "Odisha to 10,000 tonnes a year by 2028, a senior company official said on Sunday.\n\nThe company currently "
                         "produces around 4,500 tonnes of rare earth oxides a year, the official said.\n\nIndia holds about 6 per cent "
                         "of the world's rare earth reserves but accounts for less than 1 per cent of global production.", 2).model_copy(
        update={"source": "PTI", "title": "IREL to double rare earth separation capacity at Odisha plant"})
    stored(made, [xinhua, *unrelated()])
    found = statements(pti)
    checks = dict(zip((s.text[:20] for s in found), made.crosscheck(pti, found), strict=True))
    assert checks["The company currentl"].conflicting_with == []
    ap = article("ap", "China produces about 90% of the world's separated rare earths, according to the International Energy Agency.", 3)
    stored(made, [pti])
    (check,) = made.crosscheck(ap, statements(ap))
    assert check.conflicting_with == []
    # the same party's figures still conflict
    lower = article("lower", "China Northern Rare Earth produced 95,000 tonnes of rare earth oxides in the first ten months of this "
                             "year, the company said on Monday.", 4).model_copy(update={"title": "China Northern output"})
    (check,) = made.crosscheck(lower, statements(lower))
    assert check.conflicting_with == ["xinhua"]


def test_a_later_article_corroborates_an_earlier_ones_statements(ingest, assay_home, http_server, extractive_llm, monkeypatch):
    """Through the real ingest and analyse flows (Prefect, Chroma, SQLite, an LLM on loopback): the
    first article is analysed alone, with no other source; when the second, saying the same, is
    analysed, the first's cross-checks are run again and name it. What the second says in its own voice
    corroborates; what it reports MP Materials saying is MP's word again, no independent source."""
    from assay import api

    settings = use_extractive_llm(monkeypatch, extractive_llm)
    registry = services(settings).registry
    shipped = "Lynas Rare Earths shipped 480 tonnes of NdPr oxide to Japan in March, its largest cargo so far."

    def add(n: int) -> str:
        feed = http_server.set(f"/later-{n}.xml", rss([{"title": f"Shipments {n}", "link": f"https://example.com/later/{n}",
                                                        "html": article_html(n, shipped)}]), content_type="application/xml")
        (result,) = ingest([feed]).results
        return result.article_id

    first = add(1)
    alone = api.analyse([first], settings)
    assert alone.rechecked == []
    before = registry.latest_analysis(first)
    assert {s.crosscheck.status for s in before.statements if s.crosscheck} == {"no_other_source"}
    second = add(2)
    report = api.analyse([second], settings)
    assert report.rechecked == [first]
    after = registry.latest_analysis(first)
    corroborated = [s for s in after.statements if s.crosscheck and s.crosscheck.status == "corroborated"]
    assert shipped in [s.quote for s in corroborated]
    assert all(second in {e.article_id for e in s.crosscheck.evidence} for s in corroborated)
    mp_said = [s for s in after.statements if "MP Materials said" in s.quote]
    # (the paragraphs that share no figure with the second's conflict with it: other tonnages in the same words)
    assert mp_said and all(s.crosscheck.status != "corroborated" and s.crosscheck.claimant_only == [second] for s in mp_said)
    assert "no independent source: only the claimant's word" in {s.crosscheck.label for s in mp_said}
    assert after.provenance.crosschecked_at is not None
    # Nothing else of the analysis changed, and asking again changes nothing more.
    assert [s.quote for s in after.statements] == [s.quote for s in before.statements] and after.summary == before.summary
    assert api.analyse([second], settings).rechecked == []


def test_a_text_that_writes_decimal_commas_is_read_as_its_writer_means(assay_home):
    """A German company's release in English (written here, thirty-fifth session): its "1.000 tonnes" had been one tonne,
    against a trade story's "1,000 tonnes"; read in its own style, the two agree, and "1.500 tonnes" still differs."""
    made = services(assay_home)
    stored(made, [*unrelated(), article("trade", "Neo Magnetwerk's first sintered magnet line in Bitterfeld-Wolfen has a capacity "
                                                  "of 1,000 tonnes of NdFeB magnets a year, the company said.", 1)])
    release = ("Neo Magnetwerk GmbH opened its first sintered magnet line in Bitterfeld-Wolfen, with a capacity of 1.000 tonnes "
               "of NdFeB magnets a year and costing EUR 85,5 million, the company said.")
    assert only_check(made, article("release", release, 5)).status == "corroborated"
    assert only_check(made, article("other", release.replace("1.000 tonnes", "1.500 tonnes"), 5)).status == "conflicting"
