"""Entity names: which spellings are one company, government, material or project.

Names are merged only by rules a reader can check, never by a guess:
- **the alias file**: `assay/data/aliases.toml` (reviewed, shipped) and `$ASSAY_HOME/aliases.toml`
  (the user's, read after it: an entry with the same `name` replaces the shipped one). Each entry
  names the canonical form, its type and every variant: "CNRE", "Northern Rare Earth", ticker "600111";
- **normalisation**: two spellings that differ only in case, punctuation, accents, a leading "the"
  or a legal suffix ("Co., Ltd.", "Inc.", "Group", "Corp") are one name.

Everything else stays apart. Variants a rule cannot decide ("MP" beside "MP Materials" when the file
does not list it) are left for a person to add to the alias file: `suggestions` lists the spellings
that look like one (an acronym, the first or last words of a longer name) without merging them.

A spelling listed under two entities of one file is an error; listed in both files, the user's wins.

A variant that is short or all capitals ("MP", "CNRE", "REE") is matched in a statement only as
written, with word boundaries, so "mp" in a word or "Mp3" do not count; longer names match in any case.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.types import Entity, EntityType

USER_FILE = "aliases.toml"
_LEGAL_SUFFIXES = (
    "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "plc", "ag", "sa",
    "nv", "group", "holdings", "holding", "pty", "asa", "ab", "gmbh", "spa", "jsc", "pjsc",
)
_SUFFIX_RE = re.compile(r"(?:\s+(?:" + "|".join(_LEGAL_SUFFIXES) + r"))+$")
# A demonym names its place: with the suffix off, the place's name begins with what is left
# ("Chin-ese", "Angol-an", "Russ-ian", "Israel-i") ...
DEMONYM_SUFFIX = re.compile(r"(?:ese|ian|an|ern|ish|i)$")
# ... except the demonyms whose place is spelt otherwise (keys and places in lower case).
DEMONYM_PLACES = {
    "american": ("us", "usa", "united states", "america"), "british": ("uk", "britain", "united kingdom"),
    "emirati": ("uae", "emirates"), "dutch": ("netherlands", "holland"), "congolese": ("drc", "congo"),
    "western": ("west",), "eastern": ("east",), "southern": ("south",), "northern": ("north",),
    "afghan": ("afghanistan",), "argentine": ("argentina",), "burkinabe": ("burkina faso",), "cypriot": ("cyprus",),
    "czech": ("czechia",), "danish": ("denmark",), "finnish": ("finland",), "french": ("france",), "greek": ("greece",),
    "greenlandic": ("greenland",), "greenlander": ("greenland",), "icelandic": ("iceland",), "irish": ("ireland",),
    "ivorian": ("côte d'ivoire",), "kazakh": ("kazakhstan",), "kyrgyz": ("kyrgyzstan",), "lao": ("laos",), "laotian": ("laos",),
    "malagasy": ("madagascar",), "mozambican": ("mozambique",), "nigerien": ("niger",), "nigerian": ("nigeria",), "dominican": ("dominican republic",), "norwegian": ("norway",),
    "panamanian": ("panama",), "peruvian": ("peru",), "filipino": ("philippines",), "philippine": ("philippines",),
    "portuguese": ("portugal",), "saudi": ("saudi arabia",), "slovak": ("slovakia",), "spanish": ("spain",),
    "swiss": ("switzerland",), "tajik": ("tajikistan",), "thai": ("thailand",), "togolese": ("togo",), "uzbek": ("uzbekistan",),
}


class AliasFileError(ValueError):
    """The alias file cannot be read; the message names the file and the fix."""


class AliasEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")  # `spelings = […]` had been ignored without a word

    name: str = Field(min_length=1, description="The canonical name, shown on the entity page.")
    type: EntityType = EntityType.other
    aliases: list[str] = Field(default_factory=list, description="Every other spelling, acronym or ticker of it.")
    firm: bool = Field(False, description="An analysts', consultants', banks' or price reporters' firm: a company that speaks "
                       "as an outside voice (a third party), never as \"the company\" of a story about another.")


class AliasFile(BaseModel):
    model_config = ConfigDict(extra="forbid")  # `[entities."Lynas"]` for `[[entity]]` had been ignored without a word

    entity: list[AliasEntry] = Field(default_factory=list)


def normalise(name: str) -> str:
    """The key two spellings share when they are one name by rule: case, accents, punctuation,
    a leading "the", legal suffixes (and their bracketed forms, "(Group)") do not count."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[’'`]s\b", "", text)  # possessive: "Lynas's", "China's"
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    stripped = _SUFFIX_RE.sub("", text).strip()
    return stripped or text


def _case_sensitive(variant: str) -> bool:
    letters = [c for c in variant if c.isalpha()]
    return len(variant) <= 4 or (bool(letters) and all(c.isupper() for c in letters))


def _key(spelling: str, case_sensitive: bool) -> str:
    joined = " ".join(spelling.split())
    return joined if case_sensitive else joined.casefold()


_SPACE = object()  # a run of white space in a spelling: `\s+` in the pattern


def _alternation(spellings: Iterable[str], fold: bool) -> str:
    """One pattern for all of `spellings`, factored by their common starts ("Lynas(?:\\s+Rare\\s+Earths)?"):
    `re` tries a plain alternation's branches one by one at every word start, and with the world's
    countries in the book (530 spellings) that took 3.5 of the 6.4 s that loading the views of 1,000
    articles took. Where one spelling starts another, the longer is tried first, as the longest-first
    alternation did. `fold` (the pattern is matched in any case) files "Rare" and "rare" under one branch."""
    trie: dict[object, dict] = {}
    for spelling in spellings:
        node = trie
        for i, part in enumerate(spelling.split()):
            if i:
                node = node.setdefault(_SPACE, {})
            for c in part:
                node = node.setdefault(c.lower() if fold and c.isascii() else c, {})
        node[None] = {}  # a spelling ends here

    def pattern(node: dict[object, dict]) -> str:
        branches = [(r"\s+" if token is _SPACE else re.escape(str(token))) + pattern(child)
                    for token, child in node.items() if token is not None]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if None in node else body  # greedy: the longer spelling first

    return pattern(trie)


@dataclass
class _Matcher:
    """Every spelling in two regular expressions, one matched as written and one in any case, each
    tried at every word start (a lookahead, so a match does not hide one that overlaps it): one pass
    over a statement instead of one per spelling, the difference between 2 s and 40 s for the views of
    5,000 articles."""

    patterns: list[tuple[re.Pattern[str], bool]]
    names: dict[tuple[bool, str], str]

    @classmethod
    def of(cls, pairs: list[tuple[str, str]]) -> _Matcher:
        names: dict[tuple[bool, str], str] = {}
        groups: dict[bool, list[str]] = {True: [], False: []}
        for spelling, name in sorted(pairs, key=lambda p: -len(p[0])):  # longest first: "MP Materials" before "MP"
            exact = _case_sensitive(spelling)
            if names.setdefault((exact, _key(spelling, exact)), name) == name:
                groups[exact].append(spelling)
        patterns = [(re.compile(rf"(?<!\w)(?=({_alternation(found, fold=not exact)})(?!\w))", 0 if exact else re.IGNORECASE), exact)
                    for exact, found in groups.items() if found]
        return cls(patterns, names)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of every spelling in `text`, longest first where they overlap."""
        found = [(m.start(1), m.end(1), self.names[(exact, _key(m.group(1), exact))])
                 for pattern, exact in self.patterns for m in pattern.finditer(text)]
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        taken: list[tuple[int, int, str]] = []
        for start, end, name in found:
            if not any(start < t_end and t_start < end for t_start, t_end, _ in taken):
                taken.append((start, end, name))  # else inside a longer name already matched
        return taken


@dataclass
class Named:
    """One entity as the book knows it: its canonical name, type and every spelling, each with why."""

    name: str
    type: EntityType
    variants: dict[str, str] = field(default_factory=dict)  # spelling -> why it is this entity
    firm: bool = False  # `AliasEntry.firm`


@dataclass(frozen=True)
class Suggestion:
    """A spelling filed as its own entity that looks like a variant of another: for a person to decide."""

    spelling: str
    filed_as: str  # the canonical name it is filed under now
    maybe: str  # the canonical name of the entity it may be
    why: str


CLOSEST_MIN_RATIO = 0.85  # `AliasBook.closest`


@dataclass
class AliasBook:
    """The alias file's entities, and the names analyses found, merged by the rules above."""

    entries: list[AliasEntry] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the files read, for messages and the entity page
    _by_key: dict[str, Named] = field(default_factory=dict, init=False)
    _by_name: dict[str, Named] = field(default_factory=dict, init=False)
    _matcher: _Matcher | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        # Later entries win a spelling two entries share: `load` puts the user's file last.
        for entry in self.entries:
            named = Named(entry.name, entry.type, {entry.name: "alias file"}, firm=entry.firm)
            for alias in entry.aliases:
                named.variants.setdefault(alias, "alias file")
            self._by_name[entry.name] = named
            for spelling in list(named.variants):
                key = normalise(spelling)
                before = self._by_key.get(key)
                if before is not None and before is not named:
                    for taken in [v for v in before.variants if normalise(v) == key and v != before.name]:
                        del before.variants[taken]
                self._by_key[key] = named

    @classmethod
    def load(cls, home: Path | None = None) -> AliasBook:
        """The shipped file, then `home`/aliases.toml if there is one (its entries win by name and by spelling)."""
        shipped = resources.files("assay") / "data" / USER_FILE
        entries = {e.name: e for e in _read(shipped.read_text(encoding="utf-8"), "the shipped alias file").entity}
        sources = ["assay/data/aliases.toml"]
        user = home / USER_FILE if home else None
        if user is not None and user.is_file():
            try:
                text = user.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise AliasFileError(f"cannot read {user} ({exc}): fix its permissions or encoding (UTF-8)") from exc
            for entry in _read(text, str(user)).entity:
                entries.pop(entry.name, None)
                entries[entry.name] = entry  # last: its spellings win over the shipped file's
            sources.append(str(user))
        return cls(list(entries.values()), sources)

    def add_found(self, entities: Iterable[Entity]) -> None:
        """Names an analysis found: joined to a known entity when a rule says so, else new ones."""
        for entity in entities:
            key = normalise(entity.name)
            if not key:
                continue
            named = self._by_key.get(key)
            if named is None:
                named = Named(entity.name, entity.type, {entity.name: "as written"})
                self._by_key[key] = named
                self._by_name.setdefault(entity.name, named)
                self._matcher = None
            elif entity.name not in named.variants:
                named.variants[entity.name] = "same name after normalisation"
                self._matcher = None
            if named.type is EntityType.other and entity.type is not EntityType.other:
                named.type = entity.type

    def canonical(self, name: str) -> Named | None:
        """The entity `name` is a spelling of: its canonical name exactly, else by the rules above."""
        return self._by_name.get(name) or self._by_key.get(normalise(name))

    def closest(self, name: str) -> Named | None:
        """The known entity `name` is likely a slip for ("MP Materails" → MP Materials), by difflib's ratio of the
        normalised spellings; None when it is a spelling already or none is close. Measured on the shipped file's
        252 spellings with one slip typed into each: at 0.85, 180 of 194 found their entity and none another;
        of 58 real companies it lacks, one was matched: "USA Rare Earths" to USA Rare Earth, rightly."""
        key = normalise(name)
        if not key or self.canonical(name) is not None:
            return None
        close = difflib.get_close_matches(key, list(self._by_key), n=1, cutoff=CLOSEST_MIN_RATIO)
        return self._by_key[close[0]] if close else None

    def is_firm(self, name: str) -> bool:
        """Whether `name` is an analysts', consultants', investors' or price reporters' firm: by its name
        ("Adamas Intelligence": `is_firm_name`) or as the alias file marks it ("Macquarie", "Fastmarkets")."""
        return is_firm_name(name) or ((named := self.canonical(name)) is not None and named.firm)

    def country_of(self, demonym: str) -> Named | None:
        """The country a demonym names ("Chinese" -> China, "Angolan" -> Angola), if the book knows it:
        one of the listed places, else a one-word name of a country that begins with the demonym's
        stem and runs at most three letters past it ("Germ-an" -> "Germany", never "Ind-ian" -> "Indonesia")."""
        key = normalise(demonym).removesuffix("s")
        for place in DEMONYM_PLACES.get(normalise(demonym), DEMONYM_PLACES.get(key, ())):  # "Swiss" is no plural
            if (named := self.canonical(place)) is not None and named.type is EntityType.country:
                return named
        stem = DEMONYM_SUFFIX.sub("", key)
        if len(stem) < 3 or stem == key:
            return None
        fits = [(len(spelling), named) for spelling, named in self._by_key.items() if named.type is EntityType.country
                and " " not in spelling and spelling.startswith(stem) and len(spelling) - len(stem) <= 3]
        return min(fits, key=lambda fit: fit[0])[1] if fits else None

    def entities(self) -> list[Named]:
        unique = {id(n): n for n in [*self._by_name.values(), *self._by_key.values()]}
        return sorted(unique.values(), key=lambda n: n.name.casefold())

    def mention_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of every mention in `text`, in no set order; a social account's
        handle that runs a known name together ("@LynasRareEarths") is a mention too; a currency's sign is none
        ("US$326 million" named the United States beside the claim it prices, written here)."""
        if self._matcher is None:
            self._matcher = _Matcher.of([(spelling, named.name) for named in self.entities() for spelling in named.variants])
        spans = [(a, b, name) for a, b, name in self._matcher.spans(text) if not text.startswith("$", b)]
        for handle in _HANDLE.finditer(text):
            if (named := self.canonical(spelled_out(handle[1]))) is not None:
                spans.append((handle.start(), handle.end(), named.name))
        return spans

    def mentions(self, text: str) -> list[str]:
        """Canonical names of the entities `text` mentions, in order of first mention."""
        found: dict[str, int] = {}
        for start, _, name in self.mention_spans(text):
            found[name] = min(found.get(name, start), start)
        return sorted(found, key=found.__getitem__)

    def suggestions(self, names: Iterable[str] | None = None) -> list[Suggestion]:
        """Spellings that look like a variant of another entity (an acronym of it, its first or last
        words) but that no rule merged: listed, never merged, so a person can add them to the alias
        file. Only among the entities named in `names` (all when None), and only between entities
        whose types could be the same ("China" the country is not "China Northern Rare Earth")."""
        pool = self.entities() if names is None else [n for name in dict.fromkeys(names) if (n := self.canonical(name))]
        pool = list({id(n): n for n in pool}.values())
        found: dict[tuple[str, str], Suggestion] = {}
        for short in pool:
            for long in pool:
                if short is long or (short.name, long.name) in found or not _compatible(short.type, long.type):
                    continue
                for spelling in short.variants:
                    why = next((w for target in long.variants if (w := _looks_like(spelling, target))), None)
                    if why:
                        found[short.name, long.name] = Suggestion(spelling, short.name, long.name, why)
                        break
        return sorted(found.values(), key=lambda s: (s.maybe.casefold(), s.spelling.casefold()))


# A name a reply lists under several types ("UAE" as a company and as a country) is typed once. A
# place is named as a place far more often than a company is named after one, so the types that
# name a place or a state win over company (seen in the demo: "UAE" and "U.S." listed as companies).
# An account's handle with its name's words run together in capitals: "@LynasRareEarths", "@IEA" is no such.
_HANDLE = re.compile(r"(?<![\w@])@([A-Z][a-z]+(?:[A-Z][a-z]+)+)\b")


def spelled_out(handle: str) -> str:
    """A handle's words apart: "LynasRareEarths" -> "Lynas Rare Earths"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", handle)


# State agencies whose names read like a company's ("Corporation", "Bank"): attribution reads them as
# the government's voice, and an entity so named is a government's.
STATE_AGENCIES = (r"JOGMEC|Japan Organization for Metals and Energy Security|KOMIR|Development Finance Corporation|DFC|"
                  r"Export-Import Bank|Export Finance Australia|Geological Survey|USGS|Geoscience Australia")
# A state body's name: one of those, or a ministry's, department's, agency's... after at most three
# capitalised words ("United States Department of Defense", "European Commission").
_STATE_NAME = re.compile(rf"\b(?:{STATE_AGENCIES}|USTDA)\b"
                         r"|^(?:The\s+)?(?:[A-Z][\w.&'’-]*\s+){0,3}(?:Ministry|Department|Agency|Commission|Bureau|Administration|Authority)\b"
                         r"|^(?:[A-Z][\w.&'’-]*\s+){1,3}Service$")  # "Korea Customs Service", "Internal Revenue Service"

# A company's legal form as its name ends with it; the one list each reader of names builds on (plc before PLC:
# `title_case` writes a form in capitals as the first of its spellings here).
LEGAL_FORMS = "Inc|Corp|Corporation|Ltd|Limited|plc|PLC|LLC|AG|NV|GmbH"
# A company's name by its legal form or trade word, and the words of a state body's, which win over it.
_COMPANY_NAME = re.compile(rf"\b(?:{LEGAL_FORMS}|Co|SE|SA|Group|Holdings|Motors?|Materials|Resources|"
                           r"Mining|Metals|Magnetics|Technologies|Industries|Refining|Separations|Chemicals|Minerals)\b")
_LEGAL_FORM = re.compile(rf"\b(?:{LEGAL_FORMS})\b")
# A company's name as a text writes it with its legal form: up to four capitalised words before it
# ("Mojave Magnetics Corp.", "Arafura Rare Earths Ltd", "IREL (India) Ltd").
# "Co." with its full stop: "Ford Motor Co.", "General Motors Co." (an Automotive News story written here: "Ford said" had been the writer's).
# Its words within one paragraph: "05:45 PM\n\nFord Motor Co." is no company's name.
_NAME_SPACE = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)"
_LEGAL_NAME = re.compile(rf"\b(?:[A-Z][\w&'’.-]*{_NAME_SPACE})(?:(?:[A-Z][\w&'’.-]*|\([A-Z][\w&'’.-]*\)){_NAME_SPACE}){{0,3}}"
                         rf"(?:{LEGAL_FORMS}|Co(?=\.))\b")


def legal_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of the companies a text names with their legal form, known to no file."""
    return [(m.start(), m.end(), m.group()) for m in _LEGAL_NAME.finditer(text)]
# A company's name as a text writes it with a trade word and no legal form, which no alias file lists:
# up to four capitalised words, one of them no word of the trade or a state's, before the trade word
# ("Solikamsk Magnesium Works", "Mkango Resources", "Energy Transition Minerals"); never "Critical
# Minerals" or "Heavy Rare Earths", nor a state body's ("Ministry of Natural Resources"). Read only
# where a company is expected (a speaker, a publisher): "Deep Sea Mining" is a name nowhere else.
_TRADE_WORDS = r"Works|Mining|Minerals|Metals|Materials|Resources|Magnetics|Rare Earths|Industries|Technologies|Refining|Chemicals|Holdings|Group"
_TRADE_NAME = re.compile(rf"\b(?:[A-Z][\w&'’.-]*\s+){{1,4}}(?:{_TRADE_WORDS})\b(?!\s+[A-Z])")
_LEADING_WORDS = frozenset("The A An In At On For But And As Its Their Our This That These".split())  # a sentence's, not the name's
_GENERIC_WORDS = frozenset(
    "Critical Rare Earth Earths Strategic Heavy Light Battery Global World National International Key New Green Clean Energy Magnet "
    "Magnets Permanent Advanced Mineral Minerals Metal Metals Materials Mining Resources Chemicals Refining Industries Technologies "
    "Holdings Group Works Magnetics Natural Base Precious Industrial Technology".split())


def trade_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of the companies a text names by a trade word alone (`_TRADE_NAME`), without a
    leading "the" or owner ("Russia's Solikamsk Magnesium Works" is Solikamsk Magnesium Works)."""
    found = []
    for match in _TRADE_NAME.finditer(text):
        name, start = match.group(), match.start()
        if (owner := re.match(r".*['’]s?\s+", name)) is not None:
            name, start = name[owner.end():], start + owner.end()
        words = name.split()
        while words and words[0] in _LEADING_WORDS:
            start += len(words[0]) + 1
            words = words[1:]
        name = " ".join(words)
        if len(words) >= 2 and any(w not in _GENERIC_WORDS for w in words) and not _STATE_WORD.search(name):
            found.append((start, match.end(), name))
    return found


# A firm's name that no legal form marks: analysts, consultants and investors ("Adamas Intelligence",
# "Benchmark Mineral Intelligence", "Wood Mackenzie Research", "Orion Resource Partners").
_FIRM_NAME = re.compile(r"\b(?:Intelligence|Analytics|Research|Consulting|Consultants|Advisory|Advisors|Partners|Capital|Securities|"
                        r"Associates|Investments|Ventures)\b")


def is_firm_name(name: str) -> bool:
    """Whether a name is an analysts', consultants' or investors' firm's (`_FIRM_NAME`): "Adamas Intelligence"."""
    return _FIRM_NAME.search(name) is not None


_STATE_WORD = re.compile(rf"\b(?:{STATE_AGENCIES}|Ministry|Department|Agency|Commission|Bureau|Administration|Government|Council|"
                         r"Authority|Office|State|National|People's|Federal|Republic)\b")

# A place of learning: no company, government or project ("Xiamen University", "Colorado School of Mines").
_ACADEMIC_NAME = re.compile(r"\b(?:University|College|Academy|School of)\b")

_TYPE_PRECEDENCE = [EntityType.country, EntityType.government, EntityType.material, EntityType.project,
                    EntityType.company, EntityType.person, EntityType.other]


@functools.cache
def shipped_book() -> AliasBook:
    """The shipped alias file alone: what code that must not move with a user's file reads (the splitter, the checks)."""
    return AliasBook.load()


_ACTOR_TYPES = frozenset({EntityType.company, EntityType.government, EntityType.country})


def names_an_actor(name: str) -> bool:
    """Whether `name` is a company, government or country: the shipped file knows it so, or a
    company's legal form says so ("Arafura Rare Earths Ltd"). Not a trade word: a fact sheet's "World
    Resources:" is a heading."""
    known = shipped_book().canonical(name)
    return (known is not None and known.type in _ACTOR_TYPES) or _LEGAL_FORM.search(name) is not None


def typed_once(entities: Iterable[Entity], book: AliasBook) -> list[Entity]:
    """Each entity once, in the order first listed and by its first spelling ("Lynas Rare Earths Ltd"
    and then "Lynas" are one, by the alias file): typed as the alias file types it when it knows the
    name (its type is reviewed), else by the precedence above among the types the reply gave it, and
    a state body's name typed a company is a government's."""
    types: dict[str, list[EntityType]] = {}
    spelled: dict[str, str] = {}
    for entity in entities:
        key = normalise(entity.name)
        if not key:  # punctuation only: no name to type
            continue
        if (known := book.canonical(entity.name)) is not None:
            key = normalise(known.name)
        spelled.setdefault(key, entity.name)
        types.setdefault(key, []).append(entity.type)
    typed = []
    for key, given in types.items():
        known = book.canonical(spelled[key])
        chosen: EntityType = min(given, key=_TYPE_PRECEDENCE.index)
        if known is not None and known.type is not EntityType.other:
            chosen = known.type
        elif chosen in (EntityType.company, EntityType.country, EntityType.project) and _STATE_NAME.search(spelled[key]):
            # "U.S. Export-Import Bank" typed a company; "U.S. Geological Survey" a country (seen on a feed written here);
            # "Korea Customs Service" and "KOMIR" projects (a Yonhap story written here, twenty-ninth session)
            chosen = EntityType.government
        elif chosen is EntityType.government and _COMPANY_NAME.search(spelled[key]) and not _STATE_WORD.search(spelled[key]):
            chosen = EntityType.company  # "Ford Motor Co." typed a government (the model read "General Motors" as a general's)
        elif chosen is EntityType.project and (_COMPANY_NAME.search(spelled[key]) or _FIRM_NAME.search(spelled[key])):
            chosen = EntityType.company  # "Adamas Intelligence" typed a project: a firm is no project
        elif chosen in (EntityType.company, EntityType.project) and _ACADEMIC_NAME.search(spelled[key]):
            chosen = EntityType.other  # "Xiamen University" typed a company (a state outlet's page written here)
        typed.append(Entity(name=spelled[key], type=chosen))
    return typed


def _compatible(a: EntityType, b: EntityType) -> bool:
    return a is b or EntityType.other in (a, b)


_STOPWORDS = {"of", "and", "the", "for", "de", "du", "la"}


def _looks_like(spelling: str, target: str) -> str | None:
    """Why `spelling` may be a shorter form of `target`, or None."""
    letters = re.sub(r"[^A-Za-z]", "", spelling)
    words = re.findall(r"[A-Za-z][\w-]*", target)
    if 2 <= len(letters) <= 6 and letters == spelling.strip() and sum(c.isupper() for c in letters) >= 2 and len(words) >= 2:
        initials = {"".join(w[0] for w in words), "".join(w[0] for w in words if w.casefold() not in _STOPWORDS)}
        if letters.upper() in {i.upper() for i in initials}:
            return f"acronym of {target!r}"
    short, full = normalise(spelling).split(), normalise(target).split()
    if not short or len(short) >= len(full) or len("".join(short)) < 2:
        return None
    if full[: len(short)] == short:
        return f"first words of {target!r}"
    if full[-len(short):] == short:
        return f"last words of {target!r}"
    return None


def _read(text: str, where: str) -> AliasFile:
    try:
        parsed = AliasFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise AliasFileError(f"{where} is not valid TOML ({exc}): correct it") from exc
    except ValidationError as exc:
        problem = exc.errors()[0]
        place = ".".join(str(p) for p in problem["loc"])
        if problem["type"] == "extra_forbidden":
            raise AliasFileError(f"{where}: {place} is not a key Assay reads (each entry is an [[entity]] table of name, type, aliases "
                                 "and firm): correct it (see assay/data/aliases.toml)") from exc
        raise AliasFileError(f"{where}: {place}: {problem['msg']}: correct the entry (see assay/data/aliases.toml)") from exc
    owner: dict[str, str] = {}
    for entry in parsed.entity:
        for spelling in [entry.name, *entry.aliases]:
            key = normalise(spelling)
            if not key:
                raise AliasFileError(f"{where}: {entry.name!r} lists {spelling!r}, which has no letters or digits: remove it")
            if owner.setdefault(key, entry.name) != entry.name:
                raise AliasFileError(
                    f"{where}: {spelling!r} is listed under both {owner[key]!r} and {entry.name!r}: keep it under one"
                )
    return parsed
