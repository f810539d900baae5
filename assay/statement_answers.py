"""Answers that list what someone has claimed, across every article, from the analysed breakdowns.

"What has MP Materials claimed about magnet output since July?" is not answered well by the top
passages: the analyst wants every statement MP made, in every article that holds one, newest first,
each with its kind and whether the corpus corroborates it. The breakdowns already hold that
(`corpus.StatementRecord`): this module recognises the question, picks the statements and writes
the answer itself, one citation per statement, with no LLM call, so nothing in it can be invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from assay.aliases import AliasBook, normalise
from assay.analysis import YEAR, numbers
from assay.ask import Answer, Citation, StatementRef
from assay.corpus import CorpusView, StatementRecord
from assay.entities import newest_first
from assay.statements import word_stems
from assay.types import SPEAKER_ATTRIBUTION, Attribution, CrossCheckStatus, EntityType, Kind, SourceType

# Who may be said to have claimed something, by the entity's type (a company's statements are the
# ones attributed to a company, a government's to a government).
# A material or a project claims nothing: a question about one is not a claims question.
_NOT_SPEAKERS = (EntityType.material, EntityType.project)
SPEAKER_TYPES = frozenset(EntityType) - set(_NOT_SPEAKERS)
_ASKED = re.compile(
    r"^\s*what\s+(?:(?:has|have|had|did|does|do)\s+)?(?P<who>.+?)\s+"
    # An analyst's or a company's outlook is asked so too: "What has Adamas Intelligence forecast for NdPr prices?".
    r"(?:claim(?:ed|s)?|sa(?:id|y|ys)|announce[ds]?|stated?|promised?|asserted?|reported?|forecasts?|forecasted|predict(?:ed|s)?|"
    r"expect(?:ed|s)?|estimated?|estimates|project(?:ed|s)?)\b"
    r"(?:\s+(?:about|on|regarding|concerning|for)\s+(?P<topic>.+?))?"
    r"(?:\s+(?:since|after)\s+(?P<since>[\w ,.-]+?))?"
    # "…, and was any of it corroborated?": the list gives each statement's verdict (the issue's own question lost its "since July")
    r"(?:,?\s+and\s+(?:was|were|is|are|has|have|did|does)\s+(?:any|all|some|it|they|each)\b[^?]*)?\s*\??\s*$",
    re.I,
)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MONTH_NAMES = {m[:3]: {m[:3], m, *(("sept",) if m == "september" else ())} for m in (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")}
# Words every question here shares ("rare earth magnets"): a topic of only these would match everything.
_TOPIC_STOP = frozenset("the a an of and or in on for to its their his her with by from at as any all rare earth earths element "
                        "elements critical mineral minerals metal metals".split())
# What the trade's collective names stand for: a statement about dysprosium output is about heavy
# rare earths though it never says so ("What has Lynas claimed about heavy rare earths?" left out
# Lynas's line on its dysprosium and terbium output, seen on a wire story written here).
_TOPIC_MEMBERS = {
    "heavy rare earth": ("dysprosium", "terbium", "yttrium", "holmium", "gadolinium", "hree", "hrees"),
    "light rare earth": ("neodymium", "praseodymium", "ndpr", "lanthanum", "cerium", "samarium", "lree", "lrees"),
    "ndpr": ("neodymium", "praseodymium"),
    "magnet": ("ndfeb", "smco"),
}
# Kinds that are someone's assertion; opinion is the author's voice and rhetoric is listed too,
# because "what has X said" includes X's slogans.
_ASSERTED = (Kind.fact, Kind.claim, Kind.rhetoric)


@dataclass(frozen=True)
class ClaimsQuestion:
    entity: str  # the canonical name
    entity_type: EntityType
    topic_words: tuple[str, ...]
    since: date | None
    topic: str = ""  # as the question writes it, for the answer's first line
    firm: bool = False  # an analysts' firm or a price reporter (`AliasBook.is_firm`): it speaks as a third party
    topic_names: tuple[str, ...] = ()  # names in the topic, each of which a statement must write (`_topic_names`)
    written_by: tuple[str, ...] = ()  # a writer's articles (`writer_question`): their statements in the writer's own voice


# The people who speak for an entity, after its name: "What did Macquarie analysts say…" asks what Macquarie said.
_ITS_PEOPLE = re.compile(r"(?:['’]s?)?\s+(?:analysts?|economists?|strategists?|researchers?|executives?|officials?|management|"
                         r"spokes(?:person|man|woman))$", re.I)


def asked_about(question: str) -> str | None:
    """Who a claims question asks about, as written ("MP Materials"), or None for another question or
    when it names no one: a name starts with a capital or a digit ("the study", "analysts" do not)."""
    if len(question) > 300 or "\n" in question:  # a question, not a document: and the pattern backtracks on long text
        return None
    asked = _ASKED.match(question)
    if asked is None:
        return None
    who = re.sub(r"^the\s+", "", asked["who"].strip(), flags=re.I)
    who = _ITS_PEOPLE.sub("", who) or who  # "Macquarie analysts", "Lynas's executives": the firm or the company
    return who if who[:1].isupper() or who[:1].isdigit() else None


def claims_question(question: str, aliases: AliasBook, today: date | None = None) -> ClaimsQuestion | None:
    """The question as a request for someone's statements, when it is one and names a known entity."""
    who = asked_about(question)
    asked = _ASKED.match(question) if who is not None else None
    named = aliases.canonical(who) if who is not None else None
    if asked is None or named is None or named.type in _NOT_SPEAKERS:
        return None
    return _asked_of(asked, named.name, named.type, aliases, today, firm=aliases.is_firm(named.name))


def writes(author: str | None, who: str) -> bool:
    """Whether an article's byline names this writer, whole: "Helen Thorne" in "Helen Thorne", "Alfred Cang and Annie Lee"
    names "Annie Lee"."""
    return author is not None and who.lower() in (part.strip().lower() for part in re.split(r",|;|&|\band\b", author))


def writer_question(question: str, writer: str, articles: Sequence[str], aliases: AliasBook, today: date | None = None,
                    ) -> ClaimsQuestion | None:
    """The question as a request for a writer's statements in their own voice, in the articles they wrote (`articles`):
    "What has Helen Thorne said?" of a columnist the alias book does not know had said the corpus does not say (a column
    written here, forty-fourth session)."""
    asked = _ASKED.match(question)
    if asked is None or not articles:
        return None
    return _asked_of(asked, writer, EntityType.person, aliases, today, written_by=tuple(articles))


def _asked_of(asked: re.Match[str], name: str, kind: EntityType, aliases: AliasBook, today: date | None, *, firm: bool = False,
              written_by: tuple[str, ...] = ()) -> ClaimsQuestion:
    """The request for `name`'s statements, with the topic and the day the question gives."""
    written = (asked["topic"] or "").strip()
    topic = tuple(w for w in re.findall(r"[^\W_]+", written.lower()) if w not in _TOPIC_STOP and len(w) > 2)
    members = tuple(m for name, found in _TOPIC_MEMBERS.items() if name in written.lower() for m in found)
    # A material by any of its spellings: "dysprosium" is the "Dy oxide" of a price line (a channel's post written here).
    # Only a spelling of one word ("Dy", "PrNd"): the words of "dysprosium oxide" would find every oxide.
    spelled = tuple(variant.lower() for word in topic if (known := aliases.canonical(word)) is not None and known.type is EntityType.material
                    for variant in known.variants if re.fullmatch(r"[^\W_]+", variant) and variant.lower() not in topic)
    return ClaimsQuestion(name, kind, tuple(dict.fromkeys(topic + members + spelled)), _since(asked["since"], today or datetime.now(UTC).date()),
                          written, firm=firm, topic_names=_topic_names(written, aliases), written_by=written_by)


# A run of capitalised words in a topic: a place, a project, a company ("its Texas plant", "Mountain Pass", "the U.S.").
_CAPITALISED_RUN = re.compile(r"(?<![\w.])[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*")


def _topic_names(written: str, aliases: AliasBook) -> tuple[str, ...]:
    """The names in a topic that a statement must write to be about it, canonical where the alias book knows them.
    "What did Lynas say about its Texas plant?" had listed Lynas's line on its Malaysian plant, by "plant" alone (a wire
    written here, forty-third session). A material is no such name: its spellings and members count (`topic_words`),
    and so do the trade's collective names however they are written ("Heavy Rare Earths")."""
    names = []
    for run in _CAPITALISED_RUN.finditer(written):
        name = run.group().rstrip(".’'") if not re.fullmatch(r"(?:[A-Z]\.)+", run.group()) else run.group()
        known = aliases.canonical(name)
        lowered = name.lower()
        if (known is not None and known.type is EntityType.material) or any(key in lowered for key in _TOPIC_MEMBERS) \
                or all(w in _TOPIC_STOP for w in re.findall(r"[^\W_]+", lowered)):
            continue
        names.append(known.name if known is not None else name)
    return tuple(dict.fromkeys(names))


def _writes(record: StatementRecord, name: str) -> bool:
    """Whether the statement names `name`: by any spelling the alias book knows (its entities), or word for word."""
    return name in record.entities or all(w[:5] in word_stems(record.quote) for w in re.findall(r"[^\W_]+", name.lower()))


def _since(text: str | None, today: date) -> date | None:
    """"July", "July 2025", "2025", "2025-07-01": the first day meant; a month alone is its latest past one."""
    if not text:
        return None
    text = text.strip().lower()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # "2025-02-30"
            return None
    year = re.search(r"\b(\d{4})\b", text)
    month = next((n for m, n in _MONTHS.items() if _is_month(text, m)), None)
    try:
        if month is None:
            return date(int(year[1]), 1, 1) if year else None
        if year:
            return date(int(year[1]), month, 1)
        return date(today.year if month <= today.month else today.year - 1, month, 1)
    except ValueError:  # "since 0000": no date; the question is answered without one
        return None


def _is_month(text: str, abbreviation: str) -> bool:
    """A whole month name or its abbreviation ("jul", "july", "sept."), not a word that starts like one ("decree")."""
    return any(word.rstrip(".,;") in _MONTH_NAMES[abbreviation] for word in text.split())


def matching_statements(query: ClaimsQuestion, corpus: CorpusView, aliases: AliasBook) -> list[StatementRecord]:
    """The entity's own statements, newest first: those that name it or speak for it ("the company
    claims" after the article named it: `corpus.speaker_finder`) and are attributed to its kind of
    speaker, and those of its own releases (published under its name: a company's release speaks for
    it without naming it; a title that names it may be another company's release)."""
    # A firm is quoted as an outside voice ("Adamas Intelligence said in a note…"); its own notes are in its writers' voice.
    speaker = Attribution.third_party if query.firm else SPEAKER_ATTRIBUTION.get(query.entity_type)
    own_releases = _own_releases(query, corpus, aliases)
    found = []
    for s in corpus.statements:
        if query.written_by:  # a writer: their own voice in their articles, their opinions most of all
            if s.article_id not in query.written_by or s.attribution is not Attribution.author:
                continue
        else:
            own_voice = query.firm and s.article_id in own_releases and s.attribution is Attribution.author
            # A firm's judgement is its view, what is asked of it ("SMM expects Pr-Nd oxide prices to stay high", labelled opinion).
            if (s.kind not in _ASSERTED and not (query.firm and s.kind is Kind.opinion)) or (
                    query.entity not in s.names_and_speaker and s.article_id not in own_releases):
                continue
            if speaker is not None and s.attribution is not speaker and not own_voice:
                continue
            if speaker is None and s.attribution is Attribution.author:  # a person or an unknown kind: anyone but the author
                continue
        if query.topic_words and not _about(s.quote, query.topic_words):
            continue
        if not all(_writes(s, name) for name in query.topic_names):
            continue
        if query.since and (s.when is None or s.when.date() < query.since):
            continue
        found.append(s)
    return newest_first(found)


def _own_releases(query: ClaimsQuestion, corpus: CorpusView, aliases: AliasBook) -> set[str]:
    """The entity's own releases: published under its name (a title that names it may be another company's release);
    a firm's, whatever their type (an analysts' firm's release is typed an analyst's)."""
    return {a.id for a in corpus.articles
            if (query.firm or corpus.source_types.get(a.id) is SourceType.company_release) and query.entity in aliases.mentions(a.source)}


def _about(quote: str, topic: tuple[str, ...]) -> bool:
    """Shares a topic word, compared on its first five letters ("magnets" ~ "magnet", "outputs" ~ "output")."""
    words = word_stems(quote)
    return any(t[:5] in words for t in topic)


# The cross-check's verdict and how many other articles it rests on (`CrossCheck.verdict_articles`: those
# that corroborate or contradict it; all related ones for an analysis made before they were kept apart).
_VERDICT: dict[CrossCheckStatus, str] = {"corroborated": "corroborated by {n}", "conflicting": "contradicted by {n}"}


def contradictions(query: ClaimsQuestion, found: list[StatementRecord], corpus: CorpusView) -> list[StatementRecord]:
    """Statements of other articles that the cross-check found contradicting an article of `found`
    and that name the entity: the other side of a disagreement, newest first."""
    listed = {s.article_id for s in found}
    ids = {s.id for s in found}
    return newest_first([
        s for s in corpus.statements
        if s.id not in ids and s.crosscheck == "conflicting" and listed & set(s.corroborated_by) and query.entity in s.entities
    ])


def describe(query: ClaimsQuestion, statements: list[StatementRecord], against: list[StatementRecord] | None = None) -> str:
    """The answer's text: one line per statement with its [n], kind, date and corpus verdict, then the
    statements that contradict them, each with the [n]s it disputes."""
    about = f" about {query.topic}" if query.topic_words else ""
    since = f" since {query.since.isoformat()}" if query.since else ""
    if not statements:
        return f"The corpus holds no analysed statement by {query.entity}{about}{since}."
    articles = len({s.article_id for s in statements})
    lines = [f"{query.entity}: {len(statements)} statement{'s' * (len(statements) != 1)}{about}{since} "
             f"in {articles} article{'s' * (articles != 1)}{' they wrote' if query.written_by else ''}, newest first."]
    for i, s in enumerate(statements, start=1):
        verdict = ""
        if s.crosscheck is not None:
            n = len(s.corroborated_by)
            verdict = " · " + _VERDICT.get(s.crosscheck, s.crosscheck_label).format(n=f"{n} other article{'s' * (n != 1)}")
        lines.append(f"- {s.day} · {'uncertain' if s.uncertain else s.kind.value}{verdict}: “{s.quote}” [{i}]{s.in_its_sentence}")
    if against:
        lines.append("Sources disagree:")
        for j, s in enumerate(against, start=len(statements) + 1):
            theirs = [(i, mine) for i, mine in enumerate(statements, start=1) if mine.article_id in s.corroborated_by]
            # The cross-check names the article, not the statement: the ones that share its words.
            close = [i for i, mine in theirs if _overlap(mine.quote, s.quote) >= 0.5] or [i for i, _ in theirs]
            disputed = [f"[{i}]" for i in close]
            lines.append(f"- {s.day} · {s.source}: “{s.quote}” [{j}]{s.in_its_sentence} contradicts {', '.join(disputed)}")
    return "\n".join(lines)


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two texts' words (first five letters)."""
    x, y = word_stems(a, 3), word_stems(b, 3)
    return len(x & y) / max(1, len(x | y))


# "Was Lynas's Kalgoorlie output corroborated?", "Has the 1,480 tonnes been disputed?", "Did anyone
# confirm MP's magnet output?": what the cross-check found, not what a passage says (the model answered
# "Yes, the passage corroborates…" citing the company's own release).
_CHECKED = re.compile(
    r"^\s*(?:(?:was|were|is|are|has|have|had)\s+(?P<subject>.+?)\s+(?:been\s+|ever\s+|independently\s+)*"
    r"(?:corroborated|confirmed|verified|backed up|disputed|contradicted|challenged|denied)\b(?:\s+by\s+anyone|\s+by\s+another\s+source)?"
    r"|(?:did|has|have|does)\s+(?:anyone|anybody|any other source|another source|any source|anything)\s+(?:else\s+)?"
    r"(?:corroborate|confirm|verify|back up|dispute|contradict|challenge|deny)(?:d|ed)?\s+(?P<other_subject>.+?))\s*\??\s*$",
    re.I,
)
# Words of such a question that name no topic: what is being checked, not what it is about.
_CHECK_STOP = frozenset("figure figures number numbers claim claims statement statements report reports that this what "
                        "said says output's".split())


def checked_subject(question: str) -> str | None:
    """What a question asks the cross-check about ("Lynas's Kalgoorlie output figure" of "Was Lynas's
    Kalgoorlie output figure corroborated?"), or None for another question."""
    asked = _CHECKED.match(question) if len(question) <= 300 and "\n" not in question else None
    return (asked["subject"] or asked["other_subject"]) if asked else None


# A name a question starts its subject with: "Rainbow" of "Rainbow's pilot plant output".
LEADING_NAME = re.compile(r"^(?:the\s+)?(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)")


def checks_question(question: str, aliases: AliasBook) -> ClaimsQuestion | None:
    """The question as a request for what the corpus says of an entity's statements ("Was Lynas's
    Kalgoorlie output figure corroborated?"), when it is one and names an entity `aliases` knows (or one
    of its names begins with the subject's name: "Rainbow's" for an analysis's "Rainbow Rare Earths"),
    or of the statements that give a figure ("Has the 1,480 tonnes been disputed?": entity "")."""
    subject = checked_subject(question)
    names = aliases.mentions(subject) if subject else []
    if subject and not names and (lead := LEADING_NAME.match(subject)):
        start = normalise(lead["name"]) + " "
        names = [n.name for n in aliases.entities() if n.type in _CHECKED_TYPES and normalise(n.name).startswith(start)][:2]
        names = names if len(names) == 1 else []  # "China" begins two names: neither is meant
    if subject and not names and (figures := tuple(sorted(n for n in numbers(subject) if not YEAR.match(n)))):
        return ClaimsQuestion("", EntityType.other, figures, None, subject.strip())
    if not subject or not names or (named := aliases.canonical(names[0])) is None:
        return None
    spelled = {w for spelling in [*named.variants, named.name] for w in re.findall(r"[^\W_]+", spelling.lower())}
    words = [w for w in re.findall(r"[^\W_]+", re.sub(r"['’]s\b", "", subject.lower())) if w not in spelled]
    topic = tuple(w for w in words if w not in _TOPIC_STOP and w not in _CHECK_STOP and len(w) > 2)
    return ClaimsQuestion(named.name, named.type, topic, None, subject.strip())


_CHECKED_TYPES = frozenset({EntityType.company, EntityType.project, EntityType.government})


def checked_statements(query: ClaimsQuestion, corpus: CorpusView, aliases: AliasBook) -> list[StatementRecord]:
    """The facts and claims about the entity, by anyone, that share a topic word, newest first: those
    that name it or speak for it, and those of its own releases; with no entity, those that give the figure."""
    if not query.entity:
        return newest_first([s for s in corpus.statements if s.crosscheck is not None and set(query.topic_words) & numbers(s.quote)])
    own_releases = _own_releases(query, corpus, aliases)
    return newest_first([
        s for s in corpus.statements
        if s.crosscheck is not None and (query.entity in s.names_and_speaker or s.article_id in own_releases)
        and (not query.topic_words or _about(s.quote, query.topic_words))
    ])


def describe_checks(query: ClaimsQuestion, statements: list[StatementRecord], titles: dict[str, str]) -> str:
    """The answer's text: one line per statement with its [n] and what the rest of the corpus does to it, naming the articles."""
    if not statements:
        return f"The corpus holds no checked fact or claim about {query.topic or query.entity}."
    lines = [f"What the rest of the corpus says of {len(statements)} statement{'s' * (len(statements) != 1)} about {query.topic}, newest first:"]
    for i, s in enumerate(statements, start=1):
        named = ", ".join(f"“{titles.get(a, a[:12])}”" for a in s.corroborated_by)
        verdict = _VERDICT[s.crosscheck].format(n=named) if s.crosscheck in _VERDICT else ""
        if not verdict:
            own = ", ".join(f"“{titles.get(a, a[:12])}”" for a in s.claimant_only)
            verdict = s.crosscheck_label + (f" ({own} only repeat{'s' * (len(s.claimant_only) == 1)} it)" if own else "")
        lines.append(f"- {s.day} · {s.source} · {'uncertain' if s.uncertain else s.kind.value}: “{s.quote}” [{i}]{s.in_its_sentence} — {verdict}")
    return "\n".join(lines)


def as_answer(question: str, query: ClaimsQuestion, statements: list[StatementRecord],
              against: list[StatementRecord] | None = None, text: str | None = None) -> Answer:
    """The statements (and those contradicting them) as an answer with one citation each: the
    statement itself, with its breakdown; `text` is the answer's words when not `describe`'s."""
    citations = [
        Citation(
            key=i, chunk_id=None, article_id=s.article_id, title=s.title, url=s.url,
            published=s.published.isoformat() if s.published else None, quote=s.quote, start=s.start, end=s.end,
            kinds=[StatementRef(quote=s.quote, start=s.start, end=s.end, kind=s.kind, uncertain=s.uncertain,
                                attribution=s.attribution, corroboration=s.crosscheck)],
        )
        for i, s in enumerate([*statements, *(against or [])], start=1)
    ]
    return Answer(question=question, answer=text or describe(query, statements, against), abstained=False, citations=citations,
                  model="statements of the analysed corpus (no LLM)")
