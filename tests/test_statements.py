"""Statements are found by code with exact offsets; kinds come from a classifier fitted on `train`."""

import pytest

from assay.classifier import DEFAULT_PATH, StatementClassifiers, surface_features
from assay.embeddings import MiniLMEmbeddings
from assay.evals.labels import load_all, load_split, quote_spans
from assay.evals.metrics import match_spans, prf
from assay.evals.outside import load_outside
from assay.evals.train_classifier import dev_scores, fit
from assay.settings import Settings
from assay.statements import sentences, statements
from assay.types import Article, Section
from tests.test_chunking_and_ids import sample_articles


def article(body: str, headings: tuple[str, ...] = ()) -> Article:
    sections = [Section(heading=None, start=0, end=len(body))]
    for h in headings:
        start = body.index(h)
        sections.append(Section(heading=h, start=start, end=len(body)))
    return Article(id="x", title="t", source="s", source_url="u", body=body, sections=sections)


def test_statements_are_exact_spans_and_skip_headings_and_sources():
    body = (
        "The U.S. and J.D. Vance signed a deal on Feb. 4 with Japan. It covers 6,000 tonnes of NdPr a year.\n\n"
        "Why It Matters\n\n"
        "China controls 90% of refining—and that is the real chokepoint for the West.\n\n"
        "• Lynas shipped 10,000 tonnes of oxide last year.\n\n"
        "Source: Reuters, Feb. 4, 2026\n\n"
        # Seen on a brief nobody here wrote: a dated kicker, a byline and footnotes are no statements.
        "Notes from the Mining Desk — 27 November 2026\n\n"
        "By Kenji Mori, Tokyo | 26 November 2026\n\n"
        "**Kestrel Rare Earths Limited (ASX: KRE) — 27 November 2026**\n\n"  # an issuer's line with its ticker (an AGM address written here)
        # a broker's note written here; "Disclaimer:" stays a run-in heading, as the sample's publisher opens its labelled source notes with it
        "Disclaimer: This note is for wholesale clients only. Harbourline Securities may hold positions in the securities mentioned.\n\n"
        "Footnotes: ANM licence register, accessed 20 November 2026; DFC board minutes, 18 September 2026.\n\n"
        "Note: tonnages are rounded to the nearest hundred.\n\n"
        "November 6, 2026, 5:00 PM ET\n\n"  # a page's date line left in its text (a transcript saved as HTML)
        # Seen on a broker note nobody here wrote: a table's header row and the note's disclaimer. A
        # row with figures stays (the labellers count an estimates row as a claim).
        "Quarter REO sold (t) NdPr (t) Revenue (A$m)\n\n"
        "Q1 FY27 2,984 1,902 201.6\n\n"
        # Seen on a government paper saved as .odt: its date line, and a table's header row of years.
        "Published 22 November 2025\n\n"
        "Last updated: 5 December 2025\n\n"
        "Material 2024 2035 target\n\n"
        "Revenue 2025A 2026E FY2027\n\n"
        "Published in 2025 were 12 new licences in total\n\n"
        "Harbour Street Research may hold positions in the securities mentioned. Past performance is not a guide to future returns.\n\n"
        "Note that the deal closed on March 3, 2026 — a week late.\n\n"
        # Written here (twenty-sixth session): a rule's running head and fields, a translation's notice, the
        # Commission's inquiries line; each had been a statement.
        "Federal Register / Vol. 91, No. 232 / Friday, December 4, 2026 / Rules and Regulations\n\n"
        "AGENCY: Bureau of Industry and Security, Commerce.\n\n"
        "ACTION: Interim final rule; request for comments.\n\n"
        "DATES: Effective date: This rule is effective December 4, 2026.\n\n"  # a field's label, then the date's
        "(Note) This document is an English translation of the original Japanese document. In the event of any discrepancy, "
        "the Japanese original shall prevail.\n\n"
        "General public inquiries: Europe Direct by phone 00 800 67 89 10 11 or by email\n\n"
        "Executive Vice-President for Prosperity and Industrial Strategy, Stéphane Séjourné, said: \"Europe will refine gallium at home.\"\n\n"
        "Jeffrey Kessler,\n\nUnder Secretary for Industry and Security.\n\n"  # a rule's signature
        # an EU regulation's formulae
        "THE EUROPEAN PARLIAMENT AND THE COUNCIL OF THE EUROPEAN UNION,\n\n"
        "Having regard to the Treaty on the Functioning of the European Union, and in particular Article 114 thereof,\n\n"
        "HAVE ADOPTED THIS REGULATION:\n\n"
        "TOKYO, Dec. 4 Kyodo - Japan and the United States agreed Thursday to cooperate on gallium recycling."
    )
    found = statements(article(body, ("Why It Matters",)))
    assert [s.text for s in found] == [
        "The U.S. and J.D. Vance signed a deal on Feb. 4 with Japan.",
        "It covers 6,000 tonnes of NdPr a year.",
        "China controls 90% of refining",
        "and that is the real chokepoint for the West.",
        "Lynas shipped 10,000 tonnes of oxide last year.",
        "Q1 FY27 2,984 1,902 201.6",
        "Published in 2025 were 12 new licences in total",
        "Note that the deal closed on March 3, 2026 — a week late.",
        "This rule is effective December 4, 2026.",
        "\"Europe will refine gallium at home.\"",
        "Japan and the United States agreed Thursday to cooperate on gallium recycling.",
    ]
    assert all(body[s.start : s.end] == s.text for s in found)


def span_f1(ids: list[str]) -> float:
    labels, bodies = load_all(), {a.id: a for a in sample_articles()}
    tp = predicted = gold = 0
    for article_id in ids:
        body = bodies[article_id]
        gold_spans = labels[article_id].spans(body.body)
        found = [(s.start, s.end) for s in statements(body)]
        tp, predicted, gold = tp + len(match_spans(found, gold_spans)), predicted + len(found), gold + len(gold_spans)
    return prf(tp, predicted, gold)[2]


def test_statement_detection_on_dev_matches_the_labellers():
    # Measured 0.79 on dev (0.77 on train) at IoU >= 0.5; the floor catches regressions.
    assert span_f1(load_split().dev) >= 0.70


def test_surface_features():
    assert surface_features("Lynas said output rose 5%.")[:2] == [1.0, 1.0]
    assert surface_features("The world’s largest plant could open")[2:4] == [1.0, 1.0]


@pytest.fixture(scope="module")
def embedder():
    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size)


# Measured on dev: kind 0.52, attribution 0.44, evidence 0.51 (majority label: 0.14, 0.15, 0.19);
# the one-pass LLM scored kind 0.10 elsewhere. Floors sit a little under the measurement.
FLOORS = {"kind": 0.45, "attribution": 0.38, "evidence": 0.44}


def test_classifiers_fitted_on_train_beat_the_floors_on_dev(embedder):
    split = load_split()
    scores = dev_scores(fit(split.train, embedder), split.dev, embedder)
    assert all(scores[name] >= floor for name, floor in FLOORS.items()), scores


def test_shipped_classifiers_were_fitted_on_train_only_and_still_score(embedder):
    split = load_split()
    model = StatementClassifiers.load(DEFAULT_PATH)
    # The sample's train split and the outside set's train articles; never a dev or test article of either.
    sample = [a for a in model.trained_on if not a.startswith("outside/")]
    assert sample == sorted(split.train)
    outside = {a.removeprefix("outside/") for a in model.trained_on} - set(sample)
    assert outside == {labels.file for _, labels in load_outside("train")}
    assert not outside & {labels.file for name in ("dev", "test") for _, labels in load_outside(name)}
    scores = dev_scores(model, split.dev, embedder)
    assert all(scores[name] >= floor for name, floor in FLOORS.items()), scores


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ("BEIJING, Feb. 10 (Xinhua) -- China's Ministry of Commerce said on Tuesday it approved licences.", "China's Ministry"),
        ("SYDNEY, Feb 10 (Reuters) - Australia's Kestrel Rare Earths said it was in talks with buyers.", "Australia's Kestrel"),
        ("LAS VEGAS, March 03, 2026 (GLOBE NEWSWIRE) -- MP Materials Corp. today announced first deliveries.", "MP Materials"),
        ("NEW YORK, Jan. 5, 2026 /PRNewswire/ -- Acme Corp today announced a supply deal with a magnet maker.", "Acme Corp"),
        ("WASHINGTON (AP) — The Trump administration said Thursday it will impose tariffs on magnets.", "The Trump administration"),
        ("LAS VEGAS--(BUSINESS WIRE)--MP Materials Corp. (NYSE: MP) today announced its results for the third quarter.", "MP Materials"),
        ("SAN JOSE, Calif.--(BUSINESS WIRE)--Jan. 24, 2026--Niron Magnetics, Inc. today announced a second magnet plant.", "Niron Magnetics"),
        # Canada's distributors (written here, thirty-first session): the dateline had opened the release's first statement
        ("Vancouver, British Columbia--(Newsfile Corp. - December 1, 2026) - Aclara Resources Inc. (TSX: ARA) is pleased to announce "
         "the results of its study.", "Aclara Resources"),
        ("VANCOUVER, BC / ACCESSWIRE / December 1, 2026 / Aclara Resources Inc. (TSX: ARA) is pleased to announce the results.", "Aclara Resources"),
        # a place alone before a long dash, and a live blog's time stamp (texts nobody here labelled)
        ("PERTH — Iluka Resources has pushed back the commissioning of its Eneabba refinery to 2028.", "Iluka Resources"),
        ("09:05 GMT — China's Ministry of Commerce said its new licensing rules took effect on Monday.", "China's Ministry"),
        ("10:15 a.m. ET -- Analysts at Benchmark said the rules would add weeks to delivery times.", "Analysts at Benchmark"),
        # Bloomberg's, with no place (a story nobody here labelled)
        ("(Bloomberg) -- China Northern Rare Earth raised its listed price for NdPr oxide for a third month.", "China Northern"),
        # Reuters' with no place (written here): its "18" was the statement's figure, "Reuters" its speaker
        ("Nov 18 (Reuters) - Energy Fuels said on Tuesday it had produced 1.25 tonnes of dysprosium oxide at its Utah mill.", "Energy Fuels said"),
        ("Seoul, Nov. 26, 2026 (Yonhap) -- POSCO International Corp. said Thursday it has signed a magnet deal.", "POSCO International"),
        ("MOSCOW. Nov 24 (Interfax) - Solikamsk Magnesium Works plans to raise output of rare earth oxides.", "Solikamsk"),
        # one pattern with the opening reader's (written here): a day before its month, a place not in capitals with a year,
        # accented capitals, a place whose first word has two letters
        ("LONDON, 1 December 2026 — Rainbow Rare Earths today announced results from its pilot plant.", "Rainbow Rare Earths"),
        ("London, 1 December 2026 — Rainbow Rare Earths today announced results from its pilot plant.", "Rainbow Rare Earths"),
        ("MINAÇU, 20 de novembro de 2026 — Serra Verde said it produced 1,200 tonnes of concentrate.", "Serra Verde"),
        ("LA ROCHELLE, France — Rochefort Chimie has restarted its separation line after a two-month halt.", "Rochefort Chimie"),
        # a story filed from two cities (written here): the dateline was the statement's opening and "4" its figure
        ("TOKYO/BEIJING, Dec 4 (Reuters) - Japan and the United States on Thursday voiced concern over China's export controls.", "Japan and"),
        ("ASTANA, December 3. /TASS/. Kazakhstan and Russia have agreed to study joint processing of rare earths.", "Kazakhstan and"),
        ("SMM, Dec 3: Spot prices of NdPr oxide in China were flat at 572,000-576,000 yuan/mt on Wednesday.", "Spot prices"),
        # a place and a national agency alone, as Antara writes it (written here, thirtieth session); no company's ticker
        ("Jakarta (ANTARA) - The Indonesian government will stop issuing new permits for nickel smelters.", "The Indonesian"),
        ("Lynas (ASX) - shares rose 4% after the company reported record quarterly revenue.", "Lynas (ASX)"),
        # the Gulf's releases, the day between a dash and a colon, or between commas (written here, thirty-third session)
        ("Riyadh, Saudi Arabia – 18 November 2026: Saudi Arabian Mining Company (Ma'aden) today announced a joint venture.", "Saudi Arabian"),
        ("Abu Dhabi, UAE, 18 November 2026: ADNOC today announced a stake in a rare earth refinery.", "ADNOC today"),
        # PTI with no dash after its name (written here, thirty-sixth session); a release's ticker in brackets is no agency
        ("NEW DELHI, Dec 5 (PTI) State-run IREL (India) Ltd will invest Rs 1,200 crore in its Odisha plant.", "State-run IREL"),
        ("New Delhi, Dec 5 (PTI) State-run IREL (India) Ltd will invest Rs 1,200 crore in its Odisha plant.", "State-run IREL"),
        ("MP MATERIALS (NYSE: MP) Reports Record Quarterly Revenue From Its Magnetics Segment.", "MP MATERIALS (NYSE: MP)"),
    ],
)
def test_a_dateline_is_not_part_of_the_statement(body, first):
    found = statements(Article(id="x", title="t", source="s", source_url="s", body=body))
    assert len(found) == 1 and found[0].text.startswith(first)
    assert body[found[0].start : found[0].end] == found[0].text


def test_an_exchange_announcements_set_phrases_are_no_statements():
    body = ('This announcement is made by Jade River Magnet Technology Co., Ltd. (the "Company") on a voluntary basis to inform '
            "the shareholders of the Company of the latest business development of the Group.\n"
            "The Company's magnet plant in Baotou began trial production on 3 November 2026.\n"
            "Shareholders and potential investors are advised to exercise caution when dealing in the securities of the Company.")
    found = [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))]
    assert found == ["The Company's magnet plant in Baotou began trial production on 3 November 2026."]


def test_a_bloomberg_story_s_contact_footer_is_no_statement():
    body = ("The Baotou-based company set the December price at 625,000 yuan a ton, up 4% from November.\n\n"
            "To contact the reporter on this story:\nAlfred Cang in Singapore at acang@bloomberg.net\n"
            "To contact the editors responsible for this story:\nPaul Smith at psmith@bloomberg.net")
    assert [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))] == [
        "The Baotou-based company set the December price at 625,000 yuan a ton, up 4% from November."]


def test_a_speakers_name_before_a_colon_is_no_statement_of_its_own():
    body = ('Managing Director Darryl Cuzzubbo said: "This approval is a major milestone for the whole Nolans project."\n'
            "The company has three partners in Korea: Hyundai Mobis buys most of the oxide it makes.")
    found = [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))]
    assert found == ['"This approval is a major milestone for the whole Nolans project."',
                     "The company has three partners in Korea: Hyundai Mobis buys most of the oxide it makes."]  # not a speaker
    # A clause with a figure or a conjunction of its own says something before its colon.
    body = "Output rose 12% as the company said: demand for magnets was strong."
    assert [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))] == [
        "Output rose 12% as the company said", "demand for magnets was strong."]
    # "and" between a speaker's titles joins no clauses.
    body = 'Managing Director and CEO Sarah Whitfield said: "Reaching nameplate makes Tasman the only producer outside China."'
    assert [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))] == [
        '"Reaching nameplate makes Tasman the only producer outside China."']


def test_a_sentence_that_only_looks_like_a_dateline_is_kept_whole():
    body = "US, China agree - to hold more talks on rare earth exports soon."
    assert [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))] == [body]
    for body in ("NdPr — the key magnet material — rose 2% in the week.", "MP — the only US miner — rose 4% on the day."):
        assert [s.text for s in statements(Article(id="x", title="t", source="s", source_url="s", body=body))][0].startswith(body[:4])


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        ("Lynas expanded its Kalgoorlie plant last year, but the heavy rare earths circuit is still ramping up.",
         ["Lynas expanded its Kalgoorlie plant last year", "but the heavy rare earths circuit is still ramping up."]),
        ("China issued new export licences in March, underscoring Beijing's grip on the supply chain.",
         ["China issued new export licences in March", "underscoring Beijing's grip on the supply chain."]),
        ("Narva gives the company a foothold in the European supply chain, and we expect that to show up in pricing.",
         ["Narva gives the company a foothold in the European supply chain", "and we expect that to show up in pricing."]),
        # Not cut: the last item of a list, a short tail, a prepositional phrase
        ("The magnets go into electric vehicles, wind turbines, and defence systems across the allied world.",
         ["The magnets go into electric vehicles, wind turbines, and defence systems across the allied world."]),
        ("The plant will make 2,000 tonnes a year, including in-house production of samarium-cobalt alloy.",
         ["The plant will make 2,000 tonnes a year, including in-house production of samarium-cobalt alloy."]),
        ("Exports rose 12% in November, but slightly.", ["Exports rose 12% in November, but slightly."]),
        # A think tank's recommendation written here: "starting with" joins a phrase, not a participle's clause
        ("Extend the price floor mechanism to heavy rare earth oxides, starting with dysprosium and terbium.",
         ["Extend the price floor mechanism to heavy rare earth oxides, starting with dysprosium and terbium."]),
        # An interview's answer written here: "and" before a phrase joins no clause, before a clause it does
        ("From a mine in Norway under a ten-year agreement, and from recycled magnets.",
         ["From a mine in Norway under a ten-year agreement, and from recycled magnets."]),
        ("Output rose sharply last year, and in 2027 it will double again.",
         ["Output rose sharply last year", "and in 2027 it will double again."]),
        # A tail naming the speaker, a place name ending in -ing, fixed phrases with "as"
        ("Rare earths are a strategic resource for the nation, Beijing said on Tuesday at a briefing.",
         ["Rare earths are a strategic resource for the nation, Beijing said on Tuesday at a briefing."]),
        ("Rare earths are a strategic resource for the whole nation, Beijing wants to keep control of them.",
         ["Rare earths are a strategic resource for the whole nation, Beijing wants to keep control of them."]),
        ("The company sells oxide to magnet makers in Japan, as well as metal to alloy makers in Korea.",
         ["The company sells oxide to magnet makers in Japan, as well as metal to alloy makers in Korea."]),
        ("China tightened export licences in April 2025, as Beijing sought leverage in trade talks.",
         ["China tightened export licences in April 2025", "as Beijing sought leverage in trade talks."]),
        # A European Commission release written here (twenty-ninth session): a participle after an article describes its
        # noun, unless a verb follows the subject it opens
        ("The projects include a separation plant in Estonia, two magnet recycling projects in France and Germany, and a sintered "
         "magnet plant in Slovenia.",
         ["The projects include a separation plant in Estonia, two magnet recycling projects in France and Germany, and a sintered "
          "magnet plant in Slovenia."]),
        ("Remaining assays are expected in February, and an updated Mineral Resource estimate is scheduled for June.",
         ["Remaining assays are expected in February", "and an updated Mineral Resource estimate is scheduled for June."]),
        # A space before the comma stays out of the first statement
        ("Lynas expanded its Kalgoorlie plant last year , but the heavy circuit is still ramping up.",
         ["Lynas expanded its Kalgoorlie plant last year", "but the heavy circuit is still ramping up."]),
    ],
)
def test_a_comma_before_a_clause_of_its_own_starts_a_second_statement(sentence, pieces):
    assert cut(sentence) == pieces


def cut(sentence: str) -> list[str]:
    """The statements of a one-sentence body, each checked to be its exact span."""
    found = statements(Article(id="x", title="t", source="s", source_url="s", body=sentence))
    assert all(sentence[s.start : s.end] == s.text for s in found)
    return [s.text for s in found]


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        # What follows the mark lists or restates what comes before it: no statement of its own (the sample feed's
        # "separation, metallurgical expertise, and downstream manufacturing capacity." had been a claim in the digest)
        ("The bottleneck is midstream processing—separation, metallurgical expertise, and downstream manufacturing capacity.",
         ["The bottleneck is midstream processing—separation, metallurgical expertise, and downstream manufacturing capacity."]),
        ("Here again, structure matters: no offtake contract, no price floor, no binding timeline at all.",
         ["Here again, structure matters: no offtake contract, no price floor, no binding timeline at all."]),
        # The pattern is crude: an adjective in -ed reads as a verb ("no guaranteed offtake"), and the cut is made as before
        ("Here again, structure matters: no guaranteed offtake, no price floor, no binding timeline at all.",
         ["Here again, structure matters", "no guaranteed offtake, no price floor, no binding timeline at all."]),
        # A clause of its own after the mark is still cut off, past tenses the pattern spells out included
        ("Recycling and waste recovery are necessary—but they are nowhere near sufficient in the near term.",
         ["Recycling and waste recovery are necessary", "but they are nowhere near sufficient in the near term."]),
        ("Output rose 12% in the quarter at the plant; exports of oxide fell 3% in October.",
         ["Output rose 12% in the quarter at the plant", "exports of oxide fell 3% in October."]),
        # A quotation after a colon is what was said, whatever its verbs
        ("The minister for industry told the assembly: “We welcome the decision.”",
         ["The minister for industry told the assembly", "“We welcome the decision.”"]),
    ],
)
def test_no_cut_at_a_dash_semicolon_or_colon_before_words_with_no_verb(sentence, pieces):
    assert cut(sentence) == pieces


def test_questions_credits_contacts_and_legal_sections_are_not_statements():
    body = (
        "Lynas shipped 10,000 tonnes of oxide last year.\n"
        "Why does it matter for magnet makers in Europe?\n"
        "(Reporting by Helen Corbett in Sydney; Editing by Sonali Mehta)\n"
        "Associated Press writer Wen Liang in Beijing contributed to this report.\n"
        "About Vantage Magnetics, Inc.\n"
        "Vantage Magnetics makes sintered NdFeB magnets in Ohio.\n"
        "For more information, visit www.vantagemagnetics.com.\n"
        "View this email in your browser and share it with your colleagues today.\n"
        "You are receiving this because you subscribed to the Magnet Metals Brief.\n"
        "Cautionary Note Regarding Forward-Looking Statements\n"
        "Results may differ materially from those expected by the Company today.\n"
        "Actual production could be lower because of permits and financing."
    )
    found = statements(article(body, ("Cautionary Note Regarding Forward-Looking Statements",)))
    assert [s.text for s in found] == ["Lynas shipped 10,000 tonnes of oxide last year.",
                                       "Vantage Magnetics makes sintered NdFeB magnets in Ohio."]
    # Ordinary sentences that share a word with boilerplate stay statements.
    kept = ("About half of the world's rare earth supply comes from one mine in China.\n"
            "The European Union wants to end its undue reliance on Chinese magnets.\n"
            "Regulators have asked the company for more information about the acquisition.")
    assert len(statements(article(kept))) == 3


# Seen on texts nobody here labelled or written here: (lines that are no statements, with the one
# statement among them; lines like them that stay statements).
_FURNITURE_LINES = {
    "a newsletter's kicker and colophon, a ministry's notice": (
        "Notes from the rare earth magnet supply chain. Issue 112, 29 November 2026.\n"
        "To the competent departments of industry and information technology of all relevant provinces, and to China "
        "Rare Earth Group Co., Ltd.:\n"
        "Dear shareholders,\n"
        "The total amount control indicator for rare earth mining in 2026 is 270,000 tonnes.\n"
        "The Magnet Ledger is written by Ilse Brandt. Views are her own.",
        "The total amount control indicator for rare earth mining in 2026 is 270,000 tonnes.",
        "To date, the company has produced 40 tonnes of separated oxide at the pilot plant.\n"
        "The study is written by two geologists at the British Geological Survey.\n"
        "Output in Issue 3 of the quarterly report rose 12% on the year.",
    ),
    "a fact check's date line with its desk, and a briefing's footer": (
        "Published 27 November 2026 by Mineral Facts Desk\n"
        "Lynas signed a five-year supply contract with Sojitz on Monday.\n"
        "You received this briefing because you subscribed at ledger.example.com.",
        "Lynas signed a five-year supply contract with Sojitz on Monday.",
        "Published figures show output rose by 12% in the quarter to September.\n"
        "The plant was built in 2024 by Lynas and its partners in Malaysia.\n"
        "You said this briefing would cover prices, and it does.",
    ),
    "a newsletter's greeting and sign-off, a statistical summary's units note and its credit": (
        "Welcome back to The Heavy Metal Letter.\n"
        "(Data in metric tons of rare-earth-oxide (REO) equivalent unless otherwise specified)\n"
        "Dysprosium oxide delivered in Rotterdam traded at $890 per kilogram last week.\n"
        "That's all for this week. If you found this useful, forward it to a colleague. Thanks for reading!\n"
        "Prepared by the National Minerals Information Center.",
        "Dysprosium oxide delivered in Rotterdam traded at $890 per kilogram last week.",
        "Welcome to the new era of magnets made in America, the company said.\n"
        "That's all the oxide the plant made in its first year of running.\n"
        "The plant was prepared by its owners for a restart in 2027.",
    ),
    "a price report's units caption above its table": (
        "Prices (ex-works China, VAT included, yuan per tonne unless stated)\n"
        "Terbium oxide (yuan/kg)\n"
        "NdPr oxide rose for a third straight week as magnet makers restocked.",
        "NdPr oxide rose for a third straight week as magnet makers restocked.",
        "Output rose 12% in the quarter (see chart).\n"
        "Lynas shipped 1,500 tonnes of oxide to Japan (t).\n"
        "China Northern Rare Earth raised its quota (600111.SS)",
    ),
}


@pytest.mark.parametrize("seen", list(_FURNITURE_LINES))
def test_a_newsletter_s_and_a_notice_s_furniture_and_a_table_s_caption_are_not_statements(seen):
    body, statement, kept = _FURNITURE_LINES[seen]
    assert [s.text for s in statements(article(body))] == [statement]
    assert len(statements(article(kept))) == 3


def test_a_thread_s_post_numbers_emoji_hashtags_and_sign_off_are_no_part_of_its_statements():
    """Seen on a copied thread nobody here labelled; every statement is still an exact span."""
    body = ("🚨 THREAD: China just quietly cut heavy rare earth export licences again. 🧵\n"
            "1/ MOFCOM approved only 41 dysprosium export licences in November.\n"
            "2/6 The Pentagon's price floor for NdPr was the right call. #RareEarths #NdPr\n"
            "1/3 of the world's separated oxide now comes from one province.\n"
            "Not financial advice. DYOR. If you found this useful, follow me for more 🔔\n"
            "This report is for subscribers only and may not be redistributed.")
    item = article(body)
    found = statements(item)
    assert [s.text for s in found] == [
        "THREAD: China just quietly cut heavy rare earth export licences again.",
        "MOFCOM approved only 41 dysprosium export licences in November.",
        "The Pentagon's price floor for NdPr was the right call.",
        "1/3 of the world's separated oxide now comes from one province.",  # a fraction, not a post number
    ]
    assert all(item.body[s.start : s.end] == s.text for s in found)


def test_footnote_markers_end_sentences_and_notes_are_skipped_but_a_competent_person_s_statement_is_kept():
    """Seen on a policy brief nobody here labelled. The labellers keep a competent person's statement:
    it says whether the person vouching for the figures is the company's employee."""
    body = ("China controls roughly 99 percent of separation capacity.[1] Since April 2025, Beijing has required export licences "
            "for seven heavy rare earths.[2]\n"
            "Support rose to more than $9 billion.³ Yet no plant outside China operates at scale.\n"
            "Competent Person's Statement\n"
            "The information in this report that relates to Ore Reserves is based on information compiled by Mr David Ng.\n"
            "Notes\n"
            "[1] International Energy Agency, Global Critical Minerals Outlook 2026.\n"
            "Annex\n"
            "[3] A list entry outside the notes is still no statement of the brief.")
    found = statements(article(body, ("Competent Person's Statement", "Notes", "Annex")))
    assert [s.text for s in found] == [
        "China controls roughly 99 percent of separation capacity.",
        "Since April 2025, Beijing has required export licences for seven heavy rare earths.",
        "Support rose to more than $9 billion.",
        "Yet no plant outside China operates at scale.",
        "The information in this report that relates to Ore Reserves is based on information compiled by Mr David Ng.",
    ]


def test_a_run_of_footnote_markers_and_wikipedia_s_doubts_end_sentences():
    """A page copied from Wikipedia, written here (thirty-fourth session): "oxide.[10][11] Most of…" had been one statement,
    its markers inside it."""
    body = ("In 2024 the separation facility produced 1,294 tonnes of NdPr oxide.[10][11] Most of the concentrate was shipped to "
            "China until April 2025.[12]\nCritics have described the deal as a nationalisation.[citation needed] The mine was "
            "restarted in 2018.[a] It employs about 800 people.[when?]")
    assert [s.text for s in statements(article(body))] == [
        "In 2024 the separation facility produced 1,294 tonnes of NdPr oxide.",
        "Most of the concentrate was shipped to China until April 2025.",
        "Critics have described the deal as a nationalisation.",
        "The mine was restarted in 2018.",
        "It employs about 800 people.",
    ]


def test_a_pasted_footnote_number_a_list_s_items_a_run_in_heading_and_the_author_s_bio():
    """Seen on a think tank's commentary and a statistical summary written here: a superscript pasted as
    a bare number after the full stop, "label, figure" items between semicolons, a run-in heading."""
    body = ("The floor is roughly double the Chinese price at the time.1 The floor has made one company bankable.[2, 3]\n"
            "The estimated leading end uses were catalysts, 60%; ceramics and glass, 15%; and other, 5%.\n"
            "Output rose 12% in the quarter at the plant; exports of oxide fell 3% in October.\n"
            "Domestic Production and Use: In 2025, rare earths were mined by one company in California.\n"
            "Grew 3.1 The world No.1 producer is China.\n"
            "Hannah Okafor is a senior fellow in the Energy Security Program at the Center for Resource Strategy.")
    item = article(body).model_copy(update={"author": "Hannah Okafor"})
    found = statements(item)
    assert [s.text for s in found] == [
        "The floor is roughly double the Chinese price at the time.",
        "The floor has made one company bankable.",
        "The estimated leading end uses were catalysts, 60%; ceramics and glass, 15%; and other, 5%.",
        "Output rose 12% in the quarter at the plant",
        "exports of oxide fell 3% in October.",
        "In 2025, rare earths were mined by one company in California.",
        "Grew 3.1 The world No.1 producer is China.",  # a decimal and "No.1" are no footnote numbers
    ]
    assert all(item.body[s.start : s.end] == s.text for s in found)
    assert len(statements(article(body.replace("Hannah Okafor is", "Lynas is")))) == 8  # another's description is a statement


def test_a_roundup_line_s_company_is_its_subject_not_a_run_in_heading():
    """A market roundup writes "Lynas: Shares rose…": the name is who the line is about, so it stays in
    the statement; a fact sheet's "World Resources:" (a trade word, no legal form) is still a heading."""
    body = ("Lynas: Shares rose 4% after the company reported record NdPr output.\n"
            "Arafura Rare Earths Ltd: The company signed an offtake with a German magnet maker.\n"
            "China: Exports of magnets fell 8% in October from a year earlier.\n"
            "World Resources: Rare-earth resources are large in relation to demand.")
    assert [s.text for s in statements(article(body))] == [
        "Lynas: Shares rose 4% after the company reported record NdPr output.",
        "Arafura Rare Earths Ltd: The company signed an offtake with a German magnet maker.",
        "China: Exports of magnets fell 8% in October from a year earlier.",
        "Rare-earth resources are large in relation to demand.",
    ]


def test_a_newsletter_s_stock_labels_are_run_in_headings():
    """A newsletter written here in Axios's manner: "Why it matters:" and "Our take: the gap…" label their
    paragraphs and are no part of the statement; a sentence-case label of no newsletter stays a sentence."""
    body = ("Why it matters: The deal gives MP Materials a price floor for ten years.\n"
            "Our take: the gap between Chinese and European prices is the clearest sign yet of a split market.\n"
            "Yes, but: the plant will not run at capacity before 2028.\n"
            "The reason given: demand from carmakers had fallen.")
    assert [s.text for s in statements(article(body))] == [
        "The deal gives MP Materials a price floor for ten years.",
        "the gap between Chinese and European prices is the clearest sign yet of a split market.",
        "the plant will not run at capacity before 2028.",
        "The reason given: demand from carmakers had fallen.",
    ]


def test_a_rating_action_s_and_a_fund_letter_s_disclaimers_and_sign_off_are_no_statements():
    """Written here (thirty-fifth session): Fitch's "ALL FITCH CREDIT RATINGS ARE SUBJECT TO…", its contact block's company,
    a fund letter's thanks, offer of help and disclaimers, and a write-up's byline with its outlet and day had been
    statements (one of them "rhetoric")."""
    body = ("Lynas had AUD 1.1 billion of cash at end-June 2026.\n\nFitch Australia Pty Ltd.\n\n"
            "ALL FITCH CREDIT RATINGS ARE SUBJECT TO CERTAIN LIMITATIONS AND DISCLAIMERS. PLEASE READ THESE LIMITATIONS AND "
            "DISCLAIMERS BY FOLLOWING THIS LINK.\n\nAs always, we thank you for your trust. Please reach out with any questions.\n\n"
            "This letter is for informational purposes only and does not constitute an offer to sell or a solicitation of an "
            "offer to buy any securities. The views expressed are those of Kestrel Resources Partners as of the date of this "
            "letter and are subject to change.\n\n"
            "Thank you for your support, the minister told the 400 workers at the plant.\n\n"
            "*Posted by Sarah Lindqvist, Nordic Metals Review, 4 December 2026*\n\n"
            # a column's byline among its masthead's parts (written here, forty-fourth session); not a sentence with a dash
            "*By Helen Thorne | Opinion | November 30, 2026*\n\nPrices rose - analysts said - on 3 December 2026\n")
    assert [s.text for s in statements(article(body))] == [
        "Lynas had AUD 1.1 billion of cash at end-June 2026.",
        "Thank you for your support, the minister told the 400 workers at the plant.",
        "Prices rose - analysts said - on 3 December 2026",
    ]


def test_a_wire_s_update_note_and_credits_a_release_s_contacts_and_its_letterhead_are_no_statements():
    """Seen on a Bloomberg story and a Japanese company's release nobody here labelled; nor is a
    sentence cut inside parentheses or between a named speaker and their title."""
    body = ("Shin-Etsu Chemical Co., Ltd.\n"
            "(Updates with analyst comment in fifth paragraph.)\n"
            "Shin-Etsu Chemical Co., Ltd. (Head Office: Tokyo; President: Yasuhiko Saitoh) has decided to invest 30 billion yen.\n"
            "The squeeze is likely to persist until at least 2028, said Ryan Castilloux, managing director at Adamas Intelligence.\n"
            "— With assistance from Jing Li.\n"
            "For inquiries regarding this release:\n"
            "Public Relations Department, Shin-Etsu Chemical Co., Ltd.")
    item = article(body).model_copy(update={"source": "Shin-Etsu Chemical Co., Ltd."})
    assert [s.text for s in statements(item)] == [
        "Shin-Etsu Chemical Co., Ltd. (Head Office: Tokyo; President: Yasuhiko Saitoh) has decided to invest 30 billion yen.",
        "The squeeze is likely to persist until at least 2028, said Ryan Castilloux, managing director at Adamas Intelligence.",
    ]


def test_statement_detection_on_the_outside_dev_articles():
    # Measured 0.805 on the outside dev half at IoU >= 0.5 (0.743 before the comma, question and
    # boilerplate rules); the floor catches regressions.
    tp = predicted = gold = 0
    for body, labels in load_outside("dev"):
        found = [(s.start, s.end) for s in statements(body)]
        gold_spans = quote_spans(labels.file, labels.statements, body.body)
        tp, predicted, gold = tp + len(match_spans(found, gold_spans)), predicted + len(found), gold + len(gold_spans)
    assert prf(tp, predicted, gold)[2] >= 0.78


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        # two dashes enclose an aside: one statement
        ("Gulf capital—fast, flexible, and comfortable with long-duration bets—could shorten timelines for allied projects.",
         ["Gulf capital—fast, flexible, and comfortable with long-duration bets—could shorten timelines for allied projects."]),
        # an unspaced en dash joins a compound, a spaced one is a dash
        ("The National is an Abu Dhabi–based daily with strong access to Gulf policy circles.",
         ["The National is an Abu Dhabi–based daily with strong access to Gulf policy circles."]),
        ("Prices rose 40% in the quarter – a rally few producers had planned for.",
         ["Prices rose 40% in the quarter", "a rally few producers had planned for."]),
    ],
)
def test_an_aside_between_dashes_and_a_compound_stay_whole(sentence, pieces):
    found = statements(Article(id="x", title="t", source="s", source_url="s", body=sentence))
    assert [s.text for s in found] == pieces


def test_a_table_row_is_one_statement_unless_it_sets_estimates_beside_actuals():
    """A results table's row, as the readers write it under its header, was cut at its semicolons
    ("NdPr oxide produced (mt): Q3 2026 721" and "Q3 2025 477; Change 51%"; seen on a release written
    here). An estimates row is still cut where the labellers cut it: the reported figure apart from the
    analyst's estimates (outside train, a broker's note)."""
    body = ("MP Materials reported its third-quarter results on Thursday in Las Vegas.\n\n"
            "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%\n"
            "EPS (US$): 2025A 0.38; 2026E 0.71 (prior 0.60); 2027E 1.09")
    found = [s.text for s in statements(Article(id="t", title="Results", source="test", source_url="test", body=body))]
    assert "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%" in found
    assert "EPS (US$): 2025A 0.38" in found and "2026E 0.71 (prior 0.60); 2027E 1.09" in found
    # Prose with a colon and a semicolon is no row: its clauses are cut as before.
    prose = "The company gave its results on Thursday: output rose 5% in the year to 2025; costs fell 3% in 2026."
    found = [s.text for s in statements(Article(id="p", title="Results", source="test", source_url="test", body=prose))]
    assert "costs fell 3% in 2026." in found, found


def test_a_possessive_before_the_full_stop_ends_the_sentence():
    """An op-ed written here (twenty-seventh session): "…at a price above China's. That should…" was one statement,
    its "s" read as an initial's."""
    assert [s.text for s in sentences("No plant has signed at a price above China's. That should worry anyone. J. Smith agreed.")] == [
        "No plant has signed at a price above China's.", "That should worry anyone.", "J. Smith agreed."]


@pytest.mark.parametrize(("body", "expected"), [
    # A Reuters brief: "Lynas Rare Earths Ltd:" over its items in capitals. The line had been a statement, and the
    # items without a figure a table's header rows.
    ("Dec 4 (Reuters) - Lynas Rare Earths Ltd:\n\n• LYNAS RARE EARTHS LTD - QUARTERLY REVENUE A$201.6 MILLION\n"
     "• LYNAS - EXPECTS KALGOORLIE HEAVY RARE EARTHS CIRCUIT TO START IN Q2 2027\n"
     "• LYNAS - SAYS DEMAND FROM MAGNET MAKERS OUTSIDE CHINA REMAINS STRONG\n",
     ["LYNAS RARE EARTHS LTD - QUARTERLY REVENUE A$201.6 MILLION", "LYNAS - EXPECTS KALGOORLIE HEAVY RARE EARTHS CIRCUIT TO START IN Q2 2027",
      "LYNAS - SAYS DEMAND FROM MAGNET MAKERS OUTSIDE CHINA REMAINS STRONG"]),
    # A trade commission's determination: its case number and its closing had been statements.
    ("Investigation No. 731-TA-1712 (Final)\n\nCommerce found dumping margins ranging from 86.3 percent to 142.7 percent.\n\n"
     "By order of the Commission.\n\nCommissioner Jason E. Kearns dissenting.\n",
     ["Commerce found dumping margins ranging from 86.3 percent to 142.7 percent.", "Commissioner Jason E. Kearns dissenting."]),
    # A live blog's standfirst and a quoted post's account line had been statements; the entries and the post's words stay.
    ("Live updates from our commodities desk. All times GMT.\n\n"
     "14:05 — Lynas shares closed 9.4% higher in Sydney, their biggest one-day gain since March.\n\n"
     "Lynas Rare Earths (@LynasRareEarths) December 4, 2026:\n"
     "\"Proud to announce first Dy oxide from our Lynas Malaysia heavy rare earths circuit.\"\n",
     ["Lynas shares closed 9.4% higher in Sydney, their biggest one-day gain since March.",
      "\"Proud to announce first Dy oxide from our Lynas Malaysia heavy rare earths circuit.\""]),
])
def test_the_furniture_of_forms_written_here_is_no_statement(body, expected):
    """Written here (twenty-seventh session): a wire brief, a determination, a live blog with a quoted post."""
    assert [s.text for s in statements(article(body))] == expected


def test_a_legal_act_s_article_numbers_a_speech_s_courtesies_and_a_table_s_footnotes_are_no_statements():
    """Written here (twenty-eighth session): a ministry's measures ("Article 5 Imported rare earth ores…"), a chair's address
    to a company's meeting, and the USGS summary's legend and footnotes, which had all been statements or part of one."""
    body = ("Article 5 Imported rare earth ores and concentrates shall be included in the total quantity control.\n"
            "Section 232 tariffs on magnets took effect in March.\n"
            "Good morning ladies and gentlemen, and welcome to Iluka's 2026 Annual General Meeting.\n"
            "Good demand lifted zircon prices by 4 percent.\n"
            "I would like to thank our shareholders for their continued support.\n"
            "Thanks to strong demand, prices rose.\n"
            "e Estimated. NA Not available. — Zero.\n"
            "¹Data include lanthanides and yttrium but exclude most scandium.\n"
            "World Mine Production and Reserves:\n"
            "Acknowledgements This work was funded by the EU Horizon Europe programme.")
    assert [s.text for s in statements(article(body))] == [
        "Imported rare earth ores and concentrates shall be included in the total quantity control.",
        "Section 232 tariffs on magnets took effect in March.",
        "Good demand lifted zircon prices by 4 percent.",
        "Thanks to strong demand, prices rose.",
    ]


def test_a_table_row_keeps_its_label_and_a_statement_said_again_is_none():
    """Written here (twenty-nineth session): a mineral resource table's rows had lost their category ("Indicated:", read as
    a run-in heading) and been cut in two at a semicolon; a release's "Quotes:" box had repeated its quotation."""
    body = ("Indicated: Tonnes (Mt) 256; TREO (ppm) 845; MREO (ppm) 205; Dy2O3 (ppm) 32; Tb4O7 (ppm) 5\n\n"
            'Executive Vice-President Stéphane Séjourné said: "Europe will no longer be at the mercy of a single supplier for its magnets. We are building factories."\n\n'
            "Quotes:\n\n"
            '"Europe will no longer be at the mercy of a single supplier for its magnets."\n\n'
            "Domestic Production and Use: In 2025, one company mined rare earths.")
    found = [s.text for s in statements(article(body))]
    assert found == [
        "Indicated: Tonnes (Mt) 256; TREO (ppm) 845; MREO (ppm) 205; Dy2O3 (ppm) 32; Tb4O7 (ppm) 5",
        '"Europe will no longer be at the mercy of a single supplier for its magnets.', 'We are building factories."',
        "In 2025, one company mined rare earths."]  # a run-in heading over prose is still no part of its statement


def test_a_title_s_full_stop_ends_no_sentence():
    # a Gulf release written here (thirty-third session): "Eng. Robert Wilt, Chief Executive Officer of Ma'aden, said: …"
    # had been cut after "Eng."
    body = "Eng. Robert Wilt, Chief Executive Officer of Ma'aden, said the partnership marks a historic milestone for the Kingdom."
    found = statements(Article(id="x", title="t", source="s", source_url="s", body=body))
    assert [s.text for s in found] == [body]
