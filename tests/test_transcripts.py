"""A transcript's turns: who speaks each stretch, and what is procedure (assay/transcripts.py)."""

from __future__ import annotations

import re

import pytest

from assay.analysis import key_sentences, label_statements
from assay.articles import to_article
from assay.classifier import StatementClassifiers
from assay.corpus import source_type
from assay.embeddings import MiniLMEmbeddings
from assay.kinds import ClassifierKindDecider
from assay.readers import parse
from assay.settings import Settings
from assay.statements import statements
from assay.transcripts import Side, is_procedure, turns
from assay.types import Article, Attribution, Fetched, SourceType

# An earnings call as a transcript service exports it (written here; the shape is the usual one).
CALL = """MP Materials Corp. (MP) Q3 2026 Earnings Call Transcript
November 6, 2026, 5:00 PM ET

Company Participants
Martin Sheehan - Head of Investor Relations
James Litinsky - Founder, Chairman and Chief Executive Officer
Ryan Corbett - Chief Financial Officer

Conference Call Participants
Ben Kallo - Baird
Laurence Alexander - Jefferies

Operator
Good afternoon, and welcome to the MP Materials third quarter 2026 earnings conference call. All participants are in a listen-only mode.

Martin Sheehan
Thank you, operator. With that, I will turn the call over to Jim.

James Litinsky
Thanks, Martin, and good afternoon, everyone. We produced 1,310 metric tons of NdPr oxide at Mountain Pass, up 52% from a year ago.

Frankly, the West waited far too long to take this seriously.

Operator
Our first question comes from Ben Kallo with Baird.

Ben Kallo
Congrats on the quarter. Jim, can you talk about how the export controls are affecting customer conversations?

Laurence Alexander
Spot dysprosium in Rotterdam is three times the Chinese domestic price today.

Ryan Corbett
Revenue for the quarter was $96.4 million, compared with $62.9 million a year earlier.

Operator
That concludes today's question-and-answer session. You may now disconnect.
"""


def _read(text: str, source: str, content_type: str = "text/plain") -> Article:
    """The article a text saved at `source` reads as."""
    _, _, (item,) = parse(Fetched(source=source, content=text.encode(), content_type=content_type))
    return to_article(item)


def _labelled(article: Article, embedder) -> tuple[list, list]:
    """The article's statements and their labels, by the shipped classifiers and the rules."""
    found, _, labels = label_statements(article, ClassifierKindDecider(StatementClassifiers.load(), 0.5), embedder)
    return found, labels


def _said(article: Article, embedder) -> dict[str, Attribution]:
    """Each statement's text and its attribution."""
    return {s.text: label.attribution for s, label in zip(*_labelled(article, embedder))}


def _call_from(text: str) -> Article:
    return _read(text, "/tmp/calls/mp-q3.txt")


def _call() -> Article:
    return _call_from(CALL)


def test_the_turns_of_a_call_are_read_from_its_speaker_lines_and_participants_list():
    found = turns(_call().body)
    assert [t.speaker for t in found] == ["Operator", "Martin Sheehan", "James Litinsky", "Operator", "Ben Kallo",
                                          "Laurence Alexander", "Ryan Corbett", "Operator"]
    by_name = {t.speaker: t for t in found}
    assert by_name["James Litinsky"].side == Side.company and "Chief Executive" in by_name["James Litinsky"].role
    assert by_name["Laurence Alexander"].side == Side.others and by_name["Laurence Alexander"].role == "Jefferies"
    assert by_name["Operator"].is_operator


def test_names_as_subheadings_without_a_participants_list_are_no_transcript():
    body = ("Lynas Rare Earths\n\nLynas said output rose 12% in the quarter.\n\nMP Materials\n\n"
            "MP Materials said its magnet plant in Texas had begun deliveries.\n\nOperator\n\nThe operator of the mine said so.")
    assert turns(body) == []


def test_an_explainer_s_q_and_a_is_no_interview():
    """The sample's "Project Vault — Q&A" answers in the publication's own voice: read as an
    interview, 28 labelled train statements went to the government its opening names."""
    body = ("The Commerce Department announced Project Vault on Monday.\n\nProject Vault — Q&A\n\n"
            "Q: What is Project Vault?\nA: A public-private partnership creating a reserve.\n\n"
            "Q: Who is financing it?\nA: EXIM approved up to $10B in loans.")
    assert turns(body) == []
    assert len(turns(body.replace("announced Project Vault on Monday.", "spoke to us about Project Vault on Monday."))) == 2


def test_the_operator_and_courtesies_hold_no_statement():
    texts = [s.text for s in statements(_call())]
    assert not [t for t in texts if "welcome to the MP Materials" in t or "listen-only" in t or "disconnect" in t or "first question" in t]
    assert not [t for t in texts if t.startswith(("Thanks, Martin", "Thank you, operator", "With that", "Congrats"))]
    assert any(t.startswith("We produced 1,310 metric tons") for t in texts)
    assert any(t.startswith("Revenue for the quarter was $96.4 million") for t in texts)


def test_the_name_an_answer_opens_with_is_said_to_the_analyst_not_about_the_business(embedder):
    """Seen on the call printed to PDF: a highlight opened "Laurence, our heavy rare earth separation
    circuit…". The statement and the highlight start after the name, still exact quotes."""
    text = CALL.replace("Ryan Corbett\nRevenue", "James Litinsky\nYes, Laurence, our heavy rare earth separation circuit "
                        "will start commissioning in the second half of 2027 at the Mountain Pass site.\n\nRyan Corbett\nRevenue")
    call = _call_from(text)
    found = [s for s in statements(call) if "separation circuit" in s.text]
    assert [s.text[:31] for s in found] == ["our heavy rare earth separation"]
    assert call.body[found[0].start : found[0].end] == found[0].text
    assert any(h.startswith("our heavy rare earth separation") for h in key_sentences(call, embedder, k=8))
    # A name that is nobody on the call, or a name inside the sentence, is left as written.
    other = _call_from(text.replace("Yes, Laurence,", "Mountain Pass,"))
    assert any(s.text.startswith("Mountain Pass, our heavy") for s in statements(other))


@pytest.fixture(scope="module")
def embedder():
    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size)


def test_each_statement_of_a_call_is_its_speaker_s(embedder):
    """Through the shipped classifier and rules: the company's people speak for the company, the
    analysts asking are third parties, whatever the classifier makes of the sentence alone."""
    found, _, labels = label_statements(_call(), ClassifierKindDecider(StatementClassifiers.load(), 0.5), embedder)
    by_start = {s.text[:30]: (label.attribution, label.rationale) for s, label in zip(found, labels)}
    assert by_start["We produced 1,310 metric tons "][0] == Attribution.company
    assert "James Litinsky's turn" in by_start["We produced 1,310 metric tons "][1]
    assert by_start["Frankly, the West waited far t"][0] == Attribution.company
    assert by_start["Revenue for the quarter was $9"][0] == Attribution.company
    assert by_start["Spot dysprosium in Rotterdam i"][0] == Attribution.third_party  # an analyst at Jefferies


def test_procedure_is_no_highlight(embedder):
    chosen = key_sentences(_call(), embedder, k=3)
    assert chosen and not [s for s in chosen if "welcome" in s or "question" in s or s.startswith("Thanks")]


def test_a_call_is_published_by_the_company_its_title_names():
    assert _call().source == "MP Materials Corp."
    # Only a transcript: a story about a call is published by whoever its opening names, or its folder.
    _, _, (story,) = parse(Fetched(source="/tmp/calls/story.txt", content=b"Lynas Rare Earths FY2026 Results Call Disappoints\n\n"
                                   b"Lynas Rare Earths told investors on its results call that output fell 8% in the year.\n",
                                   content_type="text/plain"))
    assert story.source == "calls"


def test_a_summary_may_have_the_company_holding_the_call_do_what_the_call_says():
    """Seen on the call printed to PDF: "MP Materials Corp. produced 1,310 metric tons…" was dropped as
    the publisher taken for the subject. A story about the call keeps the check."""
    from assay.grounding import publisher_as_subject

    call = _call()
    assert publisher_as_subject("MP Materials Corp. produced 1,310 metric tons of NdPr oxide.", call) is None
    story = call.model_copy(update={"body": "Analysts were unimpressed.\n\nThe stock fell 4% after the call."})
    assert publisher_as_subject("MP Materials Corp. produced 1,310 metric tons of NdPr oxide.", story) == "MP Materials Corp."


INTERVIEW = """Interview: Lynas chief Amanda Lacaze on heavy rare earths
Mining Desk Weekly | 25 November 2026

Lynas Rare Earths chief executive Amanda Lacaze spoke to Mining Desk Weekly in Perth about the company's heavy rare earths line. The interview has been edited for length.

Q: How much dysprosium has the Malaysian line produced so far?
A: We produced 4.2 tonnes of dysprosium oxide in the first two quarters of the fiscal year. Frankly, the market has been slow to appreciate it.

Q: China cut its quotas last week. Does that help you?
A: At these prices the whole industry outside China is losing money.
"""


def test_an_interview_s_answers_are_the_interviewee_s(embedder):
    article = _read(INTERVIEW, "/tmp/desk/lacaze.txt")
    found, labels = _labelled(article, embedder)
    by_start = {s.text[:30]: (label.attribution, label.rationale) for s, label in zip(found, labels)}
    # The label is no part of the statement, and the chief executive speaks for the company.
    assert by_start["We produced 4.2 tonnes of dysp"][0] == Attribution.company
    assert "answer of the interviewee" in by_start["We produced 4.2 tonnes of dysp"][1]
    assert by_start["At these prices the whole indu"][0] == Attribution.company
    # The interviewer's own words in a question line stay the publication's.
    assert by_start["China cut its quotas last week"][0] != Attribution.company


def test_a_speaker_s_name_and_colon_before_their_words_opens_their_turn(embedder):
    inline = CALL
    for name in ("Operator", "Martin Sheehan", "James Litinsky", "Ben Kallo", "Laurence Alexander", "Ryan Corbett"):
        inline = inline.replace(f"\n{name}\n", f"\n{name}: ")
    article = _call_from(inline)
    assert [t.speaker for t in turns(article.body)] == [t.speaker for t in turns(_call().body)]
    found, labels = _labelled(article, embedder)
    by_start = {s.text[:30]: label.attribution for s, label in zip(found, labels)}
    assert by_start["We produced 1,310 metric tons "] == Attribution.company  # the name is no part of the statement
    assert by_start["Spot dysprosium in Rotterdam i"] == Attribution.third_party
    assert not [s for s in found if "welcome" in s.text or "disconnect" in s.text]


def test_an_interview_s_questions_and_labels_are_no_highlights(embedder):
    chosen = key_sentences(_read(INTERVIEW, "/tmp/desk/lacaze.txt"), embedder, k=3)
    assert chosen and not [s for s in chosen if s.endswith("?") or s.startswith(("Q:", "A:"))], chosen
    # Nor is a question's lead-in, a sentence of its own (seen on a trade magazine's CEO interview).
    lead_in = INTERVIEW.replace("China cut its quotas last week.", "China cut its rare earth mining quotas again last week.")
    everything = key_sentences(_read(lead_in, "/tmp/desk/lacaze.txt"), embedder, k=20)  # more than there are: every candidate
    assert any(s.startswith("We produced") for s in everything) and not [s for s in everything if "quotas" in s], everything


# A parliamentary committee's hearing as Hansard prints it (written here; the figures invented).
HEARING = """Senate Economics Legislation Committee — Estimates
Wednesday, 25 November 2026

Senator CANAVAN: Minister, how much of the Critical Minerals Strategic Reserve's $1.2 billion has actually been spent?

Senator AYRES: The reserve has signed offtake agreements with two producers so far.

Ms Jones: If I could assist the committee, Senator. The department has committed $180 million under the two agreements.

Senator CANAVAN: This reserve is a press release, not a policy.
"""


def test_a_hearing_s_titled_speakers_open_their_turns(embedder):
    """Seen on a Senate estimates hearing nobody here labelled: no participants list, each turn opens
    with a title, a name and a colon; the label is no part of a statement or a highlight."""
    article = _read(HEARING, "/tmp/hansard/estimates.txt")
    assert article.source == "Senate Economics Legislation Committee"  # the committee its title names (written here)
    assert [(t.speaker, t.role) for t in turns(article.body)] == [
        ("Senator CANAVAN", "Senator"), ("Senator AYRES", "Senator"), ("Ms Jones", ""), ("Senator CANAVAN", "Senator")]
    found, labels = _labelled(article, embedder)
    by_start = {s.text[:30]: label for s, label in zip(found, labels)}
    assert not [s for s in found if s.text.startswith(("Senator", "Ms Jones"))]
    assert not [s for s in found if s.text.startswith("If I could assist")]  # running the hearing, not about the reserve
    assert [s for s in found if s.text.startswith("The department has committed $180 million")]
    assert by_start["The reserve has signed offtake"].attribution == Attribution.government  # a senator's turn
    assert "Senator AYRES's turn" in by_start["The reserve has signed offtake"].rationale
    assert not [s for s in key_sentences(article, embedder, k=10) if s.startswith(("Senator", "Ms Jones"))]


# A congressional hearing as a news service writes it, and as the Government Publishing Office prints it
# (written here; the figures invented): the speakers were read as the author, their labels as part of the
# first statement, and "Thank you, Mr. Chairman." as rhetoric.
US_HEARING = """Senate Armed Services Committee, Subcommittee on Readiness
Hearing on Critical Minerals and the Defense Industrial Base
December 3, 2026

SEN. HARRIS: Thank you, Mr. Chairman. China controls 99 percent of the world's samarium supply.

MR. DELGADO: Senator, our estimate is that China accounts for roughly 90 percent of samarium production.

SEN. OKAFOR: How much samarium does the United States produce today?
"""


@pytest.mark.parametrize("style", ["news service", "GPO"])
def test_a_us_hearing_s_speakers_open_their_turns(style, embedder):
    text = US_HEARING if style == "news service" else US_HEARING.replace("SEN. ", "Senator ").replace("MR. ", "Mr. ").replace("HARRIS:", "HARRIS.").replace("DELGADO:", "DELGADO.").replace("OKAFOR:", "OKAFOR.")
    article = _read(text, "/tmp/hearings/samarium.txt")
    # the committee's line over the title publishes it, as a government (it had been the title, the folder the publisher)
    assert (article.title, article.source) == ("Hearing on Critical Minerals and the Defense Industrial Base",
                                               "Senate Armed Services Committee, Subcommittee on Readiness")
    assert source_type(article) == SourceType.government
    assert [t.role for t in turns(article.body)] == ["Senator", "", "Senator"]
    found, labels = _labelled(article, embedder)
    texts = [s.text for s in found]
    assert texts[0] == "China controls 99 percent of the world's samarium supply.", texts  # no label, no courtesy
    assert labels[0].attribution == Attribution.government  # a senator's turn
    assert labels[1].attribution == Attribution.third_party  # a witness's words, not the publication's
    assert not [t for t in texts if t.startswith(("SEN", "MR", "Senator HARRIS", "Mr. DELGADO"))]


def test_lines_that_open_with_a_title_are_no_hearing_unless_several_speakers_take_turns():
    one = "Mr Smith: the plant will open in 2027.\n\nMr Smith: output will double.\n\nMr Smith: we are confident."
    assert turns(one) == []  # one speaker
    assert turns("Minister: the reserve is funded.\n\nSenator CANAVAN: it is not.") == []  # two lines
    # a name not in capitals is a sentence's subject: "Senator Harris. She spoke." is no speaker line
    assert turns("Senator Harris. She spoke.\n\nSenator Jones. He spoke.\n\nMr. Smith. Hi there.") == []


# Written here (twenty-sixth session), as a foreign ministry transcribes its regular press conference.
BRIEFING = """Foreign Ministry Spokesperson Lin Jian's Regular Press Conference on December 4, 2026

2026-12-04 19:30

CCTV: The US Department of Commerce yesterday published a rule adding gallium refining equipment to its export control list. What is China's comment?

Lin Jian: China firmly opposes the US side's overstretching the concept of national security. This is a typical act of economic coercion.

Bloomberg: According to customs data, China exported no gallium to the United States between January and October. Is the ban still in force?

Lin Jian: I'd refer you to the competent authorities for the specifics. China has always been committed to stable supply chains.
"""


def test_a_press_conference_s_outlets_ask_and_its_spokesperson_answers_for_the_ministry(embedder):
    article = _read(BRIEFING, "/tmp/briefings/mfa.txt")
    # the ministry its title names publishes it (it had been the folder), as a government
    assert article.source == "Foreign Ministry" and source_type(article) == SourceType.government
    assert [(t.speaker, t.side) for t in turns(article.body)] == [
        ("CCTV", Side.others), ("Lin Jian", Side.host), ("Bloomberg", Side.others), ("Lin Jian", Side.host)]
    said = _said(article, embedder)
    # before, every statement was the publication's (a news outlet's folder) or the model's guess
    assert said["China firmly opposes the US side's overstretching the concept of national security."] == Attribution.government
    assert said["According to customs data, China exported no gallium to the United States between January and October."] == Attribution.third_party
    assert said["The US Department of Commerce yesterday published a rule adding gallium refining equipment to its export control list."] == Attribution.state_media
    assert not [t for t in said if t.startswith(("CCTV", "Lin Jian", "Bloomberg"))]
    assert "I'd refer you to the competent authorities for the specifics." not in said  # a set answer that answers nothing


def test_a_state_department_briefing_s_questions_are_the_reporters_and_its_set_phrases_no_statements():
    body = ("MR MILLER: Good afternoon, everyone. I have one thing at the top. Today the Secretary signed a memorandum on tungsten. "
            "With that, I'll take your questions.\n\nQUESTION: China says the new US rule is economic coercion. Your response?\n\n"
            "MR MILLER: I'd refer you to the Commerce Department for the details of the rule. The DFC committed $50 million.\n\n"
            "QUESTION: Thank you.\n")
    found = turns(body)
    assert [(t.speaker, t.side) for t in found] == [("MR MILLER", Side.host), ("QUESTION", Side.others), ("MR MILLER", Side.host), ("QUESTION", Side.others)]
    texts = [s.text for s in statements(Article(id="b", title="Department Press Briefing", source="s", source_url="u", body=body))]
    assert texts == ["Today the Secretary signed a memorandum on tungsten.", "China says the new US rule is economic coercion.",
                     "The DFC committed $50 million."]


def test_outlets_named_before_colons_are_no_briefing_without_one_person_answering():
    # a roundup of what outlets reported, no one answering
    assert turns("Reuters: Lynas raised output.\n\nBloomberg: MP cut prices.\n\nXinhua: China set quotas.") == []
    # two people answer: a panel, not a spokesperson's briefing
    assert turns("CCTV: Why?\n\nLin Jian: Because.\n\nAFP: When?\n\nMao Ning: Soon.") == []


PODCAST = """Critical Metals Weekly, Episode 112: The Antimony Shock
Published December 3, 2026

Jane Morrow (00:00:04):
Welcome back to Critical Metals Weekly. I'm Jane Morrow, and with me today is David Okafor, who runs antimony trading at Halvorsen Metals.

David Okafor (00:00:15):
Thanks, Jane. Good to be here.

Jane Morrow (00:00:18):
David, thanks for coming on. Perpetua Resources says its Stibnite mine will supply 35 percent of US antimony demand.

David Okafor (00:00:27):
Rotterdam antimony trioxide hit $60,000 a tonne this spring. Honestly, I think the market is completely broken.
"""


@pytest.mark.parametrize("stamp", ["Name (00:00:04):", "[00:00:04] Name:"])
def test_a_time_stamped_transcript_s_host_speaks_for_the_show_and_its_guest_for_himself(stamp, embedder):
    text = PODCAST
    if stamp.startswith("["):
        text = re.sub(r"^(\w+ \w+) \((\d\d:\d\d:\d\d)\):$", r"[\2] \1:", PODCAST, flags=re.M)
    article = _read(text, "/tmp/shows/ep112.txt")
    assert [(t.speaker, t.side) for t in turns(article.body)] == [
        ("Jane Morrow", Side.host), ("David Okafor", Side.unknown), ("Jane Morrow", Side.host), ("David Okafor", Side.unknown)]
    said = _said(article, embedder)
    assert said["Honestly, I think the market is completely broken."] == Attribution.third_party  # the guest's, not the show's
    assert said["Perpetua Resources says its Stibnite mine will supply 35 percent of US antimony demand."] == Attribution.company
    # courtesies, one after the name it addresses, are no statements (they had been three)
    assert not [t for t in said if "thanks" in t.lower() or "good to be here" in t.lower()], list(said)


def test_a_call_transcribed_with_time_stamps_keeps_the_publication_s_voice_but_for_its_operator():
    call = ("Operator (00:00:01):\nGood day and welcome to the MP Materials third quarter call.\n\n"
            "James Litinsky (00:01:10):\nWe produced 721 metric tons of NdPr oxide.\n\n"
            "Ben Kallo (00:09:30):\nHow should we think about magnet pricing?\n\nOperator (00:12:00):\nThis concludes the call.\n")
    found = turns(call)
    assert [(t.speaker, t.side) for t in found] == [("Operator", None), ("James Litinsky", Side.host), ("Ben Kallo", Side.host), ("Operator", None)]
    assert is_procedure(found, "This concludes the call.", call.index("This concludes"))


def test_an_interview_written_as_outlet_and_name_gives_the_answers_to_the_interviewee(embedder):
    """Written here: "**Mining Weekly:** … / **Lacaze:** …" under an opening that says it is an interview. The answers
    are the chief executive's (the company's), not the publication's; her "Our customers…" made it a company's release.
    The questions are the publication's own: they were a third party's, and the folder published the interview."""
    text = ("# We will not chase volume\n\n*Lynas Rare Earths chief executive Amanda Lacaze spoke to Mining Weekly in Perth.*\n\n"
            "**Mining Weekly:** Lynas produced its first dysprosium this year. How much will you make in 2027?\n\n"
            "**Lacaze:** We expect to produce about 1,500 tonnes of heavy rare earth oxides a year by 2027.\n\n"
            "**Mining Weekly:** Chinese prices for terbium have fallen. Does that worry you?\n\n"
            "**Lacaze:** Frankly, Chinese pricing is a political weapon. Our customers understand that.\n")
    article = _read(text, "/tmp/interviews/lacaze.md", "text/markdown")
    assert (article.source, source_type(article)) == ("Mining Weekly", SourceType.news)
    assert [(t.speaker, t.side) for t in turns(article.body)] == [
        ("Mining Weekly", Side.host), ("Lacaze", Side.unknown), ("Mining Weekly", Side.host), ("Lacaze", Side.unknown)]
    said = _said(article, embedder)
    assert said["Chinese prices for terbium have fallen."] == Attribution.author
    assert said["Frankly, Chinese pricing is a political weapon."] == Attribution.company
    assert said["We expect to produce about 1,500 tonnes of heavy rare earth oxides a year by 2027."] == Attribution.company


def test_an_agenda_s_times_and_a_note_s_labels_are_no_turns():
    agenda = "Opening Remarks 9:00\nWelcome by the chair.\n\nMarket Outlook 9:30\nNdPr prices.\n\nPanel Discussion 10:30\nSupply chains.\n"
    assert turns(agenda) == []  # no one speaks twice
    notes = ("Reuters: Lynas raised output by 12%.\n\nNote: figures are rounded.\n\nBloomberg: MP cut prices.\n\n"
             "Note: prices are ex-works.\n")
    assert turns(notes) == []


def test_a_transcription_service_s_numbered_speakers_take_turns():
    body = ("Speaker 1  0:04\nWelcome everyone to today's rare earth roundtable. I'm the moderator.\n\n"
            "Speaker 2  0:15\nThanks Priya. Our view is that NdPr prices will average $95 a kilogram in 2027.\n\n"
            "Speaker 1  0:32\nAnd the Chinese quota?\n\nSpeaker 2  0:35\nWe think the quota will rise about 6 percent.\n")
    assert [(t.speaker, t.side) for t in turns(body)] == [
        ("Speaker 1", Side.host), ("Speaker 2", Side.unknown), ("Speaker 1", Side.host), ("Speaker 2", Side.unknown)]
