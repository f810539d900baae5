"""The corpus across articles: every stored statement beside its article, the type of each source,
and the entities each statement names. Entity pages, claim timelines, source profiles, the digest,
watchlist alerts, the export and the report's search all read `StatementRecord`s from here.

Source types come from rules a reader can check (`source_type`): the user's `$ASSAY_HOME/sources.toml`
first, then known hosts and publisher names, then cues in the text (a "(Xinhua)" dateline, "PRNewswire").
An article no rule places is `news`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.aliases import AliasBook
from assay.attribution import quotation_spans, speaker_words
from assay.readers.opening import EXCHANGES, release_issuer
from assay.statements import Statement, dateline_end, text_sentences
from assay.transcripts import Side, turns
from assay.types import (
    SPEAKER_ATTRIBUTION,
    Analysis,
    Article,
    ArticleCatalog,
    Attribution,
    CrossCheckStatus,
    EntityType,
    Evidence,
    Kind,
    SourceType,
    StatementAnalysis,
    StoredArticle,
    crosscheck_label,
)

SOURCES_FILE = "sources.toml"


SOURCE_TYPE_LABELS = {
    SourceType.company_release: "company release",
    SourceType.state_media: "state media",
    SourceType.wire: "wire",
    SourceType.analyst: "analyst",
    SourceType.government: "government",
    SourceType.news: "news",
}

# Hosts (or their parent domains) and publisher names whose type is plain. Checked in this order.
_HOSTS: dict[str, SourceType] = {
    "xinhuanet.com": SourceType.state_media, "news.cn": SourceType.state_media, "globaltimes.cn": SourceType.state_media,
    "chinadaily.com.cn": SourceType.state_media, "people.com.cn": SourceType.state_media, "cgtn.com": SourceType.state_media,
    "ecns.cn": SourceType.state_media, "cctv.com": SourceType.state_media, "tass.ru": SourceType.state_media,
    "tass.com": SourceType.state_media, "rt.com": SourceType.state_media,
    "reuters.com": SourceType.wire, "apnews.com": SourceType.wire, "bloomberg.com": SourceType.wire, "afp.com": SourceType.wire,
    "interfax.com": SourceType.wire, "interfax.ru": SourceType.wire, "kyodonews.net": SourceType.wire,
    "prnewswire.com": SourceType.company_release, "businesswire.com": SourceType.company_release,
    "globenewswire.com": SourceType.company_release, "newsfilecorp.com": SourceType.company_release,
    "accesswire.com": SourceType.company_release, "asx.com.au": SourceType.company_release,
    "mpmaterials.com": SourceType.company_release, "lynasrareearths.com": SourceType.company_release,
    "energyfuels.com": SourceType.company_release, "iluka.com": SourceType.company_release,
    "rareearthexchanges.com": SourceType.analyst, "adamasintel.com": SourceType.analyst, "benchmarkminerals.com": SourceType.analyst,
    "fastmarkets.com": SourceType.analyst, "argusmedia.com": SourceType.analyst, "smm.cn": SourceType.analyst,
    "metal.com": SourceType.analyst, "shanghaimetalsmarket.com": SourceType.analyst,
    "defense.gov": SourceType.government, "war.gov": SourceType.government, "energy.gov": SourceType.government,
    "whitehouse.gov": SourceType.government, "mofcom.gov.cn": SourceType.government, "industry.gov.au": SourceType.government,
    "pm.gov.au": SourceType.government, "ec.europa.eu": SourceType.government,
}
_NAMES: list[tuple[re.Pattern[str], SourceType]] = [
    (re.compile(r"xinhua|global times|china daily|people'?s daily|cgtn|cctv|\btass\b", re.I), SourceType.state_media),
    # National news agencies that sell a wire service ("(Yonhap)", "(Jiji)", "(PTI)"…): state media are listed above.
    (re.compile(r"reuters|associated press|\bap\b|bloomberg|\bafp\b|interfax|kyodo|yonhap|\bjiji\b|\bpti\b|press trust of india|"
                r"\bansa\b|\befe\b|\bdpa\b|\bantara\b|\bbernama\b", re.I), SourceType.wire),
    (re.compile(r"pr ?newswire|business ?wire|globe ?newswire|newsfile|accesswire|investor relations|press release", re.I),
     SourceType.company_release),
    # A think tank publishes analysis: "Center for Strategic Minerals Policy", "Institute for Energy Research"; so does the
    # International Energy Agency, an agency of governments whose outlooks are its analysts' (not a government's word).
    (re.compile(r"rare earth exchanges|adamas|benchmark mineral|fastmarkets|argus|shanghai metals market|\bsmm\b|"
                r"\b(?:cent(?:er|re)|institute)\s+for\b|\bthink[- ]tank\b|international energy agency|^iea$", re.I),
     SourceType.analyst),
    # "Department for Business and Trade" is how the UK names its departments; a geological survey is a state agency.
    # A legislature's committee publishes its hearings: "Senate Armed Services Committee", "House Select Committee on the CCP";
    # a parliament its written answers ("UK Parliament").
    # A state's agency ("Defense Logistics Agency", not "Xinhua News Agency"), a chamber ("U.S. Senate") and a court.
    (re.compile(r"department (?:of|for)|ministry|\.gov\b|government|prime minister|white house|hm treasury|cabinet office|"
                r"(?<!news )\bagency$|^(?:u\.s\. |united states )?senate$|\b(?:district|supreme|appeals|bankruptcy|circuit) court\b|\bcourt of\b|"
                r"european commission|\beuropean union$|^(?:uk |scottish |european |the )?parliament$|house of (?:commons|lords|representatives)$|\bcommission$|geological survey|\bmofcom\b|\bmofa\b|\bmiit\b|\b(?:senate|house|parliament(?:ary)?|congressional|legislative|legislation|"
                r"select|standing)\b[\w\s,'’&-]{0,60}\bcommittee\b", re.I), SourceType.government),
    # A publisher named as a company ("MP Materials Corp", "Kestrel Rare Earths Limited"): its own deck,
    # release or report, whose opening may hold no ticker or distributor line. After the wires and
    # state media, whose owners' names end so too.
    (re.compile(r"\b(?:corp(?:oration)?|inc(?:orporated)?|ltd|limited|plc|llc|n\.?v|s\.?a|ag|se)\.?$", re.I), SourceType.company_release),
]
# Cues in the opening of the body: a state agency's or wire's dateline, a release distributor's line. A wire
# dateline comes before the ticker cues, because wire stories name companies with their tickers too.
_TEXT_CUES: list[tuple[re.Pattern[str], SourceType]] = [
    (re.compile(r"\((?:Xinhua|新华社)\)|新华社", re.I), SourceType.state_media),
    (re.compile(r"\(Reuters\)|\(AP\)|\(Bloomberg\)|\bAFP\b —|\(Interfax\)", re.I), SourceType.wire),
    (re.compile(r"\bXinhua\b|Global Times|China Daily|People'?s Daily|\bCGTN\b", re.I), SourceType.state_media),
    # A ministry's or department's own release: a "Joint media release" line, "The Hon … MP" opening a
    # line, "The U.S. Department of Energy (DOE) today announced", "Ministry of Commerce of the
    # People's Republic of China", "MOFCOM Spokesperson Answers…", "Today, the Commission has
    # selected…". Before the company cues, because governments issue press releases too. Each is a
    # release's own form: news that mentions a media release or a department's announcement is news.
    (re.compile(r"(?m)^(?i:(?:joint )?media release)\s*$|^The Hon\.? [A-Z]|\b(?:Department|Ministry) of [A-Z][\w ]{2,40}?"
                r"(?: \([A-Za-z]{2,6}\))? today announced|\bMinistry of [A-Z][\w ]{2,40} of the People's Republic\b|"
                r"\bSpokesperson (?:Answers|Remarks)\b|\b(?:Today, )?the (?:European )?Commission has (?:today )?"
                r"(?:selected|adopted|proposed|approved|announced)\b"), SourceType.government),
    # A broker's or consultancy's note names tickers too: its research header comes first. A research
    # paper's text opens with its abstract (`readers.papers` takes out the journal's head above it).
    (re.compile(r"(?m:^Abstract\s*$)|\bEquity Research\b|\bRating: ?(?i:outperform|underperform|buy|sell|hold|overweight|underweight|neutral)\b|"
                r"(?m:^Analysts?: [A-Z])"), SourceType.analyst),
    # A company's release: a distributor's line, its own "News Release" line, or its ticker followed by
    # what it announces ("Iluka (ASX: ILU) shares rose" in a news story is neither).
    (re.compile(r"/PRNewswire/|\(BUSINESS WIRE\)|GLOBE NEWSWIRE|/CNW/|ACCESSWIRE|(?m:^(?:News|Press) Release\b)|"
                r"Forward-Looking Statements|\bASX Announcement\b|is pleased to (?:announce|present|report|provide)|[“\"]the Company[”\"]|"
                # a second listing in the brackets too: "(NYSE: SQM; Santiago Stock Exchange: SQM-B, SQM-A) today announced"
                rf"\((?:{EXCHANGES}): ?[A-Z0-9.]+(?:;[^)]{{0,80}})?\)"
                r"[^.]{0,200}?\b(?:today )?announce", re.I),
     SourceType.company_release),
]


class SourceTypeError(ValueError):
    """sources.toml cannot be read; the message names the file and the fix."""


class SourceRules(BaseModel):
    """`$ASSAY_HOME/sources.toml`: a type per source name or host, e.g. `"Mining Weekly" = "news"`."""

    model_config = ConfigDict(extra="forbid")  # a `[typs]` table had been ignored without a word

    types: dict[str, SourceType] = Field(default_factory=dict)

    @classmethod
    def load(cls, home: Path | None) -> SourceRules:
        path = home / SOURCES_FILE if home else None
        if path is None or not path.is_file():
            return cls()
        try:
            return cls.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SourceTypeError(f"cannot read {path} ({exc}): correct it (a [types] table of name = type)") from exc
        except ValidationError as exc:
            if (problem := exc.errors()[0])["type"] == "extra_forbidden":
                raise SourceTypeError(f"{path}: {problem['loc'][0]} is not a table Assay reads: the file holds one [types] table "
                                      "of name = type; correct it") from exc
            kinds = ", ".join(t.value for t in SourceType)
            raise SourceTypeError(f"{path}: a type is not one of {kinds}: correct it") from exc

    def digest(self) -> str:
        """A short hash of the rules, for keys that must change when they do."""
        return hashlib.sha256(json.dumps(sorted(self.types.items())).encode()).hexdigest()[:12]

    def type_of(self, article: Article) -> SourceType:
        host = _host(article.url) or _host(article.source_url)
        for key in (article.source, host):
            if key and key in self.types:
                return self.types[key]
        return source_type(article)


def ascii_words(name: str, limit: int) -> str:
    """Lower-case ASCII letters and digits joined by hyphens, at most `limit` characters: a name made
    safe for a file name (no markup, no path). Tags are dropped first (a hostile source's name may
    carry them); "" when nothing ASCII is left (Chinese, Arabic)."""
    text = re.sub(r"<[^>]*>", " ", name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-")


def _host(url: str | None) -> str:
    if not url or "://" not in url:
        return ""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def source_type(article: Article) -> SourceType:
    """The built-in rules: host, then publisher name, then cues in the first 600 characters."""
    for url in (article.url, article.source_url):
        host = _host(url)
        while host:
            if host in _HOSTS:
                return _HOSTS[host]
            if host.endswith(".gov") or ".gov." in host:
                return SourceType.government
            host = host.partition(".")[2] if host.count(".") > 1 else ""
    for pattern, kind in _NAMES:
        if pattern.search(article.source):
            return kind
    opening = f"{article.title}\n{article.body[:600]}"
    for pattern, kind in _TEXT_CUES:
        if pattern.search(opening):
            return kind
    if _speaks_as_a_company(f"{article.title}\n{article.body}", len(opening)):
        return SourceType.company_release
    return SourceType.news


# A company writing in its own voice, outside quotation marks: "our Narva plant", "our team" (seen on a
# company's social post pasted into a text file, its statements given to the author). A news story or an
# op-ed says "our view", "our estimates", "our country", never "our plant" but in a quotation.
_OWN_ASSETS = re.compile(  # a name between ("our Narva plant") is capitalised; "our view the plant…" is no asset of ours
    r"\b(?i:our) (?:[A-Z][\w-]+ )*(?i:plants?|facility|facilities|mines?|refinery|refineries|team|employees|operations|sites?|"
    r"factory|factories|customers|shareholders)\b")


def _speaks_as_a_company(text: str, opening: int) -> bool:
    """Whether the text's first `opening` characters say "our plant" (`_OWN_ASSETS`) outside every
    quotation (`quotation_spans`, read over the whole text so that a quotation the opening cuts still counts)
    and outside a transcript's turns but its host's: an interviewee's "Our customers understand that." made an
    interview a company's release (written here)."""
    body = text.find("\n") + 1  # the body's turns, read once per body (`turns` caches them), placed after the title
    quoted = quotation_spans(text) + [(body + t.start, body + t.end) for t in turns(text[body:]) if t.side != Side.host]
    return any(not any(a <= match.start() < b for a, b in quoted) for match in _OWN_ASSETS.finditer(text[:opening]))


_FIGURE = re.compile(r"(?<![\w.])\d[\d,.]*\s*(?:%|per ?cent|percent|tonnes?|tons?|t\b|kt|mt|million|billion|bn|m\b)?", re.I)


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b",
    re.I,
)


def _states_a_number(text: str) -> bool:
    """A quantity, not only a year ("by 2027") or a date ("February 6", "2026-02-06")."""
    for match in _FIGURE.finditer(_DATE.sub(" ", text)):
        figure = match.group().strip()
        if not re.fullmatch(r"(?:19|20)\d\d", figure):
            return True
    return False


class StatementRecord(BaseModel):
    """One statement of the latest analysis of one article, with what a cross-article view needs."""

    id: str = Field(description="Stable: article id, then the statement's span in the clean body.")
    article_id: str
    title: str
    source: str
    source_type: SourceType
    url: str | None = None
    published: datetime | None = Field(None, description="When the article says it was published.")
    seen: datetime | None = Field(None, description="When Assay first stored the article.")
    quote: str
    start: int
    end: int
    kind: Kind
    kind_confidence: float | None = None
    uncertain: bool = False
    rhetoric_probability: float | None = None
    attribution: Attribution
    evidence: Evidence
    rationale: str = ""
    crosscheck: CrossCheckStatus | None = Field(None, description="None for rhetoric and opinion, which are not checked.")
    corroborated_by: list[str] = Field(
        default_factory=list, description="The articles behind its cross-check: those that corroborate it, or contradict it, or are related to it "
        "(`CrossCheck.verdict_articles`).")
    repeated_by: list[str] = Field(default_factory=list)
    claimant_only: list[str] = Field(default_factory=list, description="Articles that only repeat its claimant's word (`CrossCheck`).")
    first_seen: str | None = Field(None, description="Earliest publication among this article and those repeating it.")
    entities: list[str] = Field(default_factory=list, description="Canonical names of the entities it names (aliases.py).")
    speaker: str | None = Field(
        None, description="Canonical name of the company or government it is attributed to (`speaker_finder`); None for other attributions, or when the article names none.")
    has_figure: bool = Field(False, description="It states a number.")
    context_before: str = Field("", description="The rest of its sentence before it, where it is a clause cut from a longer one.")
    context_after: str = Field("", description="The rest of its sentence after it: with `context_before`, what a reader of it alone needs.")

    @property
    def sentence(self) -> str:
        """The whole sentence it is in: the quote itself, unless it is a clause cut from a longer one."""
        return self.context_before + self.quote + self.context_after

    @property
    def in_its_sentence(self) -> str:
        """For a line of plain text after the quote: ', in “<its sentence>”' for a clause cut from a longer one, else ''."""
        return f", in “{self.sentence}”" if self.context_before or self.context_after else ""

    @property
    def names_and_speaker(self) -> list[str]:
        """The entities it names, then the one it speaks for when it does not name it: whom it concerns."""
        return [*self.entities, *([self.speaker] if self.speaker and self.speaker not in self.entities else [])]

    @property
    def crosscheck_label(self) -> str:
        """Its cross-check's verdict in words ("" when not checked)."""
        return crosscheck_label(self.crosscheck, bool(self.claimant_only)) if self.crosscheck else ""

    @property
    def when(self) -> datetime | None:
        """The date views sort and bucket by: publication, else when Assay stored it."""
        return self.published or self.seen

    @property
    def day(self) -> str:
        """The date a view shows: the publication day, else that Assay stored an undated article that day."""
        if self.published is not None:
            return self.published.date().isoformat()
        return f"undated, stored {self.seen.date().isoformat()}" if self.seen else "undated"


class CorpusView(BaseModel):
    """What the cross-article views are built from, read once."""

    model_config = {"arbitrary_types_allowed": True}

    articles: list[StoredArticle] = Field(description="Every article, newest first.")
    analyses: dict[str, Analysis] = Field(description="Latest analysis by article id; articles without one are absent.")
    source_types: dict[str, SourceType] = Field(description="By article id.")
    statements: list[StatementRecord] = Field(description="Every statement of every latest analysis, newest article first.")


# The entity types that speak for each attribution (`types.SPEAKER_ATTRIBUTION` read backwards).
SPEAKERS_BY_ATTRIBUTION: dict[Attribution, frozenset[EntityType]] = {
    attribution: frozenset(t for t, a in SPEAKER_ATTRIBUTION.items() if a is attribution) for attribution in set(SPEAKER_ATTRIBUTION.values())
}


# A name right after one of these is what a statement is about, not who makes it: "dependence on
# China", "supply chains outside China". ("Of" is not among them: "the chief executive of MP Materials said".)
_OBJECT_BEFORE = re.compile(r"\b(?:on|to|from|against|with|outside|beyond|than|over|for|in|into|towards?|including|about)\s+(?:the\s+)?$", re.I)
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
# A demonym speaks only as the people of a state: "Chinese officials", not "Chinese supply" or "Japanese buyers".
_DEMONYM_SPEAKER = re.compile(r"\b([A-Z][a-z]+)\s+(?:officials?|authorities|government|ministry|ministers?|spokes(?:person|man|woman)|"
                              r"regulators?|diplomats?|negotiators?|lawmakers|leaders?|state media|customs)\b")


def speaker_finder(article: Article, aliases: AliasBook, source: SourceType | None = None) -> Callable[[int, int, Attribution], str | None]:
    """Who a statement of `article` attributed to a company or a government speaks for: the first
    entity of that type its words name, else the nearest one the body names before it, else the first
    the title names; a name that is the object of a preposition ("dependence on China") or inside
    brackets speaks for no one. Most such statements name nobody: in the 25 hand-labelled sample
    articles, 137 of the 174 statements labelled company or government say "the company reports",
    "it claims", "officials acknowledge", and the speaker is the one the text last named (evals/README.md,
    "Who speaks when a statement names nobody"). The article's mentions are found once, when the
    first statement asks."""
    @functools.cache
    def mentions(text: str) -> list[tuple[int, int, EntityType, str]]:
        spans = {(a, b): name for a, b, name in aliases.mention_spans(text)}
        for said in _DEMONYM_SPEAKER.finditer(text):  # "Chinese officials have said": China speaks, not whoever was named last
            if said.span(1) not in spans and (country := aliases.country_of(said.group(1))) is not None:
                spans[said.span(1)] = country.name
        named = sorted((a, b, found.type, name) for (a, b), name in spans.items() if (found := aliases.canonical(name)) is not None)
        # A name in a list of names that speak as the same kind is a place or a party, not who speaks:
        # "in China, Russia, North Korea or Iran", "nine Member States – Estonia, Finland, … and Sweden".
        listed = set()
        for (a, b, kind, _), (c, d, other, _) in itertools.pairwise(named):
            if SPEAKER_ATTRIBUTION.get(kind) is not None and SPEAKER_ATTRIBUTION.get(kind) == SPEAKER_ATTRIBUTION.get(other) \
                    and _LIST_SEPARATOR.fullmatch(text[b:c]):
                listed |= {(a, b), (c, d)}
        return [(a, b, kind, name) for a, b, kind, name in named
                if (a, b) not in listed and not _OBJECT_BEFORE.search(text, max(0, a - 16), a)
                and text.rfind("(", 0, a) <= text.rfind(")", 0, a)]  # nor one in an aside: "Northern Rare Earth (part of Baogang)"

    issuer = None
    if source is SourceType.company_release and (opening := release_issuer(article.body[:400])) is not None:
        known = aliases.canonical(opening)
        issuer = known.name if known is not None and known.type is EntityType.company else None

    def speaker(start: int, end: int, attribution: Attribution) -> str | None:
        wanted = SPEAKERS_BY_ATTRIBUTION.get(attribution)
        if wanted is None:
            return None
        # A statement that names its speaker beside a reporting verb ("…,” said Thomas R. Hardy, USTDA's
        # Deputy Director") speaks for that one, not for a name in the words quoted ("China's stranglehold"):
        # before the verb, only the words after the last comma ("…in U.S. dollars, local authorities said");
        # of the names there, an agency before its country ("according to China's National Energy Administration").
        # A subject that names nobody ("The company said the shipment, bound for a plant operated by Neo Performance
        # Materials, …") speaks for the one named before the statement, not for a name in what it said (a release written
        # here, forty-third session, gave it to Neo): the statement's own names count only before its words.
        said_from = end
        for words, before_verb in speaker_words(text := article.body[start:end]):
            subject = re.split(r"[,(]", words)[-1] if before_verb else words
            if named := sorted((kind is EntityType.country, a, name) for a, _, kind, name in mentions(subject) if kind in wanted):
                return named[0][2]
            if before_verb and said_from == end and (at := text.find(words)) >= 0:
                said_from = start + at + len(words)
        # An analysts' or investors' firm the model typed a company ("Anchor Research") is no company that speaks: AP's
        # "The company said it expects …", after an analyst's quote, went to the analyst's firm (written here).
        body = [(a, b, name) for a, b, kind, name in mentions(article.body) if kind in wanted and not aliases.is_firm(name)]
        own = [name for a, b, name in body if start <= a and b <= said_from]
        if not own and issuer is not None and attribution is Attribution.company:
            # A company release's own voice is its issuer's, whoever the paragraph before named ("Serra Verde expects to
            # reach its nameplate capacity…" after a paragraph naming its customer, Neo: a release written here).
            return issuer
        before = [name for a, b, name in body if b <= start]
        titled = [name for _, _, kind, name in mentions(article.title) if kind in wanted]
        return next(iter(own[:1] or before[-1:] or titled[:1]), None)

    return speaker


CONTEXT_MAX_CHARS = 300  # of a sentence's rest on either side: a clause of a long list sentence stays readable


def sentence_context(body: str, sentences: list[Statement], start: int, end: int) -> tuple[str, str]:
    """The rest of the body's sentence around the span [start, end) on either side ("" and "" for a whole
    sentence, or a span that crosses sentences). The breakdown cuts a sentence's clauses apart where their
    kinds may differ ("Processing is the bottleneck" | "and recycling does not bypass it."), and 112 of 223
    statements of eight sample articles are such parts: read alone in a digest, "aiming to reduce reliance on
    China." or "separation, metallurgical expertise, and downstream manufacturing capacity." said nothing."""
    around = next((s for s in sentences if s.start <= start and end <= s.end), None)
    if around is None:
        return "", ""
    before, after = body[around.start:start], body[end:around.end]
    before = before[dateline_end(before):]  # "MINAÇU, Brazil, Dec. 3, 2026 /PRNewswire/ --" is where and when, not what was said
    if len(before) > CONTEXT_MAX_CHARS:
        before = "…" + before[-CONTEXT_MAX_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_MAX_CHARS:
        after = after[:CONTEXT_MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return (before, after) if (before + after).strip() else ("", "")


def statement_record(
    article: StoredArticle, statement: StatementAnalysis, source_kind: SourceType, aliases: AliasBook,
    speaker: Callable[[int, int, Attribution], str | None] | None = None, sentences: list[Statement] | None = None,
) -> StatementRecord:
    """The record of one statement; `speaker` is the article's `speaker_finder` (made here when not given), and
    `sentences` its body's sentences (`text_sentences`: read here when not given)."""
    check = statement.crosscheck
    # The span is of the body the analysis read; a body edited since (an analysis kept for it) gives no context.
    same_text = article.body[statement.start:statement.end] == statement.quote
    before, after = sentence_context(
        article.body, text_sentences(article.body) if sentences is None else sentences, statement.start, statement.end,
    ) if same_text else ("", "")
    return StatementRecord(
        id=f"{article.id}:{statement.start}-{statement.end}",
        article_id=article.id, title=article.title, source=article.source, source_type=source_kind,
        url=article.url, published=article.published, seen=article.first_seen,
        quote=statement.quote, start=statement.start, end=statement.end,
        kind=statement.kind, kind_confidence=statement.kind_confidence, uncertain=statement.uncertain,
        rhetoric_probability=statement.rhetoric_probability, attribution=statement.attribution, evidence=statement.evidence,
        rationale=statement.rationale,
        crosscheck=check.status if check else None,
        corroborated_by=check.verdict_articles if check else [],
        repeated_by=list(check.repeated_by) if check else [],
        claimant_only=list(check.claimant_only) if check else [],
        first_seen=check.first_seen if check else None,
        entities=aliases.mentions(statement.quote),
        speaker=(speaker or speaker_finder(article, aliases, source_kind))(statement.start, statement.end, statement.attribution),
        has_figure=_states_a_number(statement.quote),
        context_before=before, context_after=after,
    )


def load_corpus(
    catalog: ArticleCatalog, aliases: AliasBook, rules: SourceRules | None = None, *, since: datetime | None = None,
    article_ids: Iterable[str] | None = None, analyses: Mapping[str, Analysis] | None = None,
) -> CorpusView:
    """Every article (or those first stored since `since`, or the given ids) with its latest analysis
    (from `analyses` when the caller read them in bulk, else one by one from the catalog).

    The entity names every analysis found join `aliases` first, so a statement naming an entity
    another article found is linked to it too."""
    rules = rules or SourceRules()
    wanted = set(article_ids) if article_ids is not None else None
    articles = [a for a in catalog.articles() if (wanted is None or a.id in wanted) and (since is None or _after(a, since))]
    if analyses is None:
        latest = {a.id: found for a in articles if (found := catalog.latest_analysis(a.id)) is not None}
    else:  # read in bulk by the caller
        latest = {a.id: analyses[a.id] for a in articles if a.id in analyses}
    for analysis in latest.values():
        aliases.add_found(analysis.entities)
    types = {a.id: rules.type_of(a) for a in articles}
    statements = [
        statement_record(article, statement, types[article.id], aliases, speaker, sentences)
        for article in articles if article.id in latest
        for speaker, sentences in [(speaker_finder(article, aliases, types[article.id]), text_sentences(article.body))]
        for statement in latest[article.id].statements
    ]
    return CorpusView(articles=articles, analyses=latest, source_types=types, statements=statements)


def _after(article: StoredArticle, since: datetime) -> bool:
    seen = article.first_seen or article.updated_at
    if seen is None:
        return False
    if seen.tzinfo is None and since.tzinfo is not None:
        since = since.replace(tzinfo=None)
    elif seen.tzinfo is not None and since.tzinfo is None:
        seen = seen.replace(tzinfo=None)
    return seen >= since
