"""Who decides a statement's kind (and its attribution, evidence and rationale): the seam.

Statements are always cut by code (assay/statements.py); a `KindDecider` only labels them. The
default decider is the small calibrated classifiers fitted on the `train` split (assay/classifier.py);
`assay/llm_kinds.py` asks an LLM instead. The decider's `name` goes into every analysis's provenance
and cache key, so switching deciders re-analyses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assay.aliases import AliasBook
from assay.attribution import attributions
from assay.classifier import StatementClassifiers, cue_words, word_cue
from assay.corpus import SourceRules
from assay.statements import Statement
from assay.types import Article, Attribution, Evidence, Kind, StatementLabels

# The version of the rules around the classifiers: attribution (assay/attribution.py), the source-type
# cues it reads (assay/corpus.py), the voice's kinds and the evidence fallback below. Part of the
# decider's name, so changing them re-analyses.
ATTRIBUTION_RULES = "47"  # 4: "X states that/it …"; 5: "The U.S. says" (no full stop after an initial);
# 6: "the companies said", agencies named like companies, a piece going on "and that …" keeps its speaker;
# 7: a transcript's turn is its speaker's, an interview's answer the interviewee's; "X called it “…”";
# 8: a publisher named as a company ("MP Materials Corp") publishes company releases (its decks);
# 9: "Department for …" (the UK's departments) and a geological survey publish as a government;
# 10: a piece going on with the speaker's act, its subject left out ("…, blaming …", "but described …"), keeps its speaker;
# "the company claims will…"; 11: "unless stated" names no speaker; a hearing's titled speakers ("Senator X:") have turns;
# 12: a social account's handle names its owner ("@LynasRareEarths says");
# 13: the clause next to the verb names its speaker first ("…Pentagon support…, Lynas said"); "should say" reports nothing
# 14: activists, campaigners, residents and critics are outside voices; a person introduced by what they are ("Ane Lynge,
# a member of…", "Kelsey Moreau of Bridgewater…") is a third party; a quotation naming someone unknown is not the last speaker's
# 15: a table's rows are the publication's; market participants are third parties, a company's sales or purchasing manager the company
# 16: an honorific's full stop ends no clause ("said Dr. Priya Raman, …"); "the company blamed …"; price reporting agencies are third parties
# 17: "…, per the company" names its source; "…, and it expects" is the sentence's subject speaking; one producer, miner or refiner is a company
# 18: a quotation a colon introduces ("The reason given: "…"") is its speaker's
# 19: the model's guess of state media stands only in state media's articles or where a state outlet is named
# 20: a company that "reported revenue" (sales, profit, output…) reports its own figures
# 21: a text that says "our plant" (our team, our mine…) outside quotation marks is a company's own voice (corpus.source_type)
# 22: "X estimates that …" names its speaker; supporters, proponents, skeptics and detractors are outside voices
# 23: "X estimates the …" names its speaker, "US$" is no speaker, "…, and expects" is its sentence's subject's; "a POSCO
# International official" (a company the article names with its legal form) is the company's; "was quoted as saying", a
# "general director", "the statement said" (the last speaker's)
# 24: a company the article names by a trade word alone ("Solikamsk Magnesium Works said") is the company; "a senior company
# official" is the company's, and "the official said" the official named before
# 25: a US hearing's speakers ("SEN. HARRIS:", "Senator HARRIS."); a witness titled only "Mr." or "Ms." is a third party
# 26: a legislature's committee ("Senate Armed Services Committee") publishes as a government
# 27: "we" outside quotation marks is the writer, not the last speaker ("We estimate…" in a broker's note)
# 28: a briefing's outlets ask as third parties (or state media), its spokesperson answers in the publication's voice; a
# time-stamped transcript's first speaker hosts it (the publication's voice), its guests are third parties
# 29: national agencies' wires (Yonhap, Jiji, PTI, ANSA, EFE, dpa) are wires; the European Union publishes as a government
# 30: an interview as "Outlet: …" / "Name: …" gives the answers to the interviewee its opening introduces; "our customers" in
# someone's turn does not make the publication a company
# 31: an interview's questions ("Mining Weekly: …") are the publication's own voice, not a third party's; a list's items
# are the speaker its introduction names ("Lynas Rare Earths Ltd:", "The company said:"); a commission and a parliament
# publish as governments
# 32: a paper's or an op-ed's own "we" ("We report…", "in our view") is its writers', outside quotations and turns
# 33: an analysts' firm or price reporter the alias file marks (`firm = true`) speaks as a third party
# 34: revising one's own outlook ("raised their 2027 NdPr price forecast") is a reporting verb
# 35: a price reporter's assessment ("Fastmarkets has Dy oxide … at $850-900/kg", "… per Fastmarkets."); "the Belgian
# chemicals group said" is the company, an industry group a third party; "The Company plans … and expects" its subject's;
# a government's release's "Executive Vice-President" an official
# 36: a pleading's allegation ("On information and belief, …") is a claim; a state's agency, the Senate and a court publish
# as governments, the International Energy Agency as an analyst
# 37: "X, which operates …, said" is X speaking (and a company when the clause says it makes or sells things); a short
# name the text defines ("… Authority (ARECOMS)") speaks as its full name; "CMOC said" of the "CMOC Group" named before;
# an association is a third party, a "JSE-listed" one a company; "The ministry recorded … investment of…" the ministry's
# 38: police, investigators, a licensing board and a country's customs are the government; "the board said" the last speaker;
# "the group's chairman" the group named before; "according to Lynas' annual report" Lynas; a known company's name and more
# ("Lynas Malaysia") the company; "X welcomed the decision, saying …": what follows is X's
# 39: unnamed sources ("people familiar with the matter", "one of the people") and a trade union are an outside voice; "Ford Motor
# Co." names a company ("Ford said"); "according to a regulatory filing" or "a company presentation" is the company's; "they were
# warned" names no speaker
# 40: a role's owner is its whole name ("Department of Mineral and Petroleum Resources spokesperson"); a quotation's speaker named
# after it goes on (", adding that …"); "Analysts at X expect … but say …"; "their stated capacity" is no verb; a name after an
# initial is learned ("D Singh"); an armed group is an outside voice
# 41: a community leader, villagers and farmers are outside voices; "Critics have described … as"; a translated Chinese story's
# "the reporter learned from X that" is X's, and a development zone the government
# 42: the publication naming itself speaks in its own voice ("Fitch expects…" in Fitch's rating action); "the Center for …" is
# an outside voice; a reporting verb in a clause of time or cause ("…, after the company reported…") names no speaker of the
# sentence; "we" and "our" outside quotation marks are the writers'
# 43: a company named with its legal form "GmbH" is a company ("a Neo Magnetwerk official said" had been the government's)
# 44: "the official" is the last official's side, not the last speaker's ("…, according to the Department…" between them)
# 45: "X estimated in a November note that …" names its speaker, as "X estimated that …" does
# 46: data, figures and statistics that show name their owner ("Official figures show…", "Chinese customs data show…")
# 47: "the spokesperson" speaks for the one "a spokesperson for X" named before, as "the official" does


class KindDecider(Protocol):
    @property
    def name(self) -> str:
        """What decided, with its version: e.g. "classifier@statements-lr-v2"."""
        ...

    @property
    def share_error_sd(self) -> float:
        """How far an article's estimated rhetoric share strays from the truth (standard deviation,
        measured on held-out articles); 0 when the decider gives no probabilities to estimate it from."""
        ...

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        """One label set per statement, in order; `vectors` are the statements' MiniLM embeddings."""
        ...


class ClassifierKindDecider:
    """Kind, attribution and evidence from the fitted classifiers (no LLM, milliseconds per article).
    A kind whose calibrated probability is under `min_confidence` is marked uncertain."""

    def __init__(self, classifiers: StatementClassifiers, min_confidence: float, sources: SourceRules | None = None):
        self.classifiers, self.min_confidence = classifiers, min_confidence
        self.aliases = AliasBook.load()  # the shipped spellings: who "Lynas" or "DOE" is when they speak
        # The user's sources.toml decides an article's source type before the built-in rules, as in
        # `assay sources`: whose voice the unattributed sentences of a release or a dispatch are.
        self.sources = sources or SourceRules()

    @property
    def name(self) -> str:
        # The user's source types change attributions, so they are part of the analysis key.
        sources = f"/sources@{self.sources.digest()}" if self.sources.types else ""
        return f"classifier@{self.classifiers.version}/uncertain<{self.min_confidence:g}/attribution@{ATTRIBUTION_RULES}{sources}"

    @property
    def share_error_sd(self) -> float:
        return float(self.classifiers.by_label["rhetoric"].params.get("share_error_sd", 0.0))

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        if not found:
            return []
        x = self.classifiers.features(article, found, vectors)
        predictions = self.classifiers.predict_features(x)
        rhetoric = self.classifiers.by_label["rhetoric"].probabilities(x)[:, 1]
        kind_model = self.classifiers.by_label["kind"]
        first_cue, cue_names = vectors.shape[1], self.classifiers.cue_names
        who = attributions(article, found, [(Attribution(p["attribution"][0]), p["attribution"][1]) for p in predictions], self.sources.type_of(article), self.aliases)
        kind_probabilities = kind_model.probabilities(x)
        labels = []
        for i, p in enumerate(predictions):
            attribution = who[i][0]
            kind, confidence = p["kind"]
            ruled = voice_kind(found[i].text, attribution) if kind != Kind.rhetoric else None
            if ruled is not None:  # the voice settles it: no probability to calibrate
                kind, why = ruled
                labels.append(StatementLabels(
                    kind=Kind(kind), kind_confidence=None, uncertain=False, attribution=attribution,
                    evidence=evidence(found[i].text, attribution, p["evidence"]), rhetoric_probability=round(float(rhetoric[i]), 3),
                    rationale=f"{kind}: {why}; {attribution.value.replace('_', ' ')}: {who[i][1]}",
                ))
                continue
            if kind == Kind.opinion and attribution in NOT_THE_AUTHOR:
                # Opinion is the author's (or an independent analyst's) judgement; a company's or a
                # state's judgement of itself is a claim or rhetoric: the best of the other kinds.
                # Its own calibrated probability, not renormalised: the model was unsure of it.
                row = kind_probabilities[i] * np.asarray([label != Kind.opinion for label in kind_model.labels])
                kind, confidence = kind_model.labels[int(row.argmax())], float(row.max())
            pushes = kind_model.contributions(x[i], kind, first_cue)
            labels.append(
                StatementLabels(
                    kind=Kind(kind), kind_confidence=round(confidence, 3), uncertain=confidence < self.min_confidence,
                    attribution=attribution,
                    evidence=evidence(found[i].text, attribution, p["evidence"]),
                    rhetoric_probability=round(float(rhetoric[i]), 3),
                    rationale=rationale(article, found, i, kind, confidence, dict(zip(cue_names, pushes)))
                    + f"; {attribution.value.replace('_', ' ')}: {who[i][1]}",
                )
            )
        return labels


# Below this calibrated probability the evidence classifier yields to what the speaker implies.
# Chosen on the two dev sets (sample dev / outside dev accuracy, best mean), with the shipped
# classifiers: always the classifier 0.75 / 0.49, 0.5 0.73 / 0.58, 0.6 0.72 / 0.63, 0.7 0.72 / 0.73,
# 0.8 0.69 / 0.76, never 0.65 / 0.79 (with the sample-only classifiers 0.7 was best as well).
EVIDENCE_MIN = 0.7
_DOCUMENT = re.compile(r"\b(?:Act|Law|report|filing|standard|ISO|NI 43-101|JORC|study|data|statistics|survey|regulation|decree|"
                       r"notice|white paper|prospectus|annual report|feasibility)\b")


def evidence(text: str, attribution: Attribution, predicted: tuple[str, float]) -> Evidence:
    """The classifier's evidence when it is sure; otherwise what the speaker implies: a named document
    backs it, a company or state speaking of itself reports its own word, the author offers none."""
    if predicted[1] >= EVIDENCE_MIN:
        return Evidence(predicted[0])
    if _DOCUMENT.search(text):
        return Evidence.document
    return Evidence.self_reported if attribution in NOT_THE_AUTHOR else Evidence.none


NOT_THE_AUTHOR = (Attribution.company, Attribution.government, Attribution.state_media)
# A first-person judgement: "we expect", "in our view", "I think". The author's or an analyst's is
# opinion; the same words from a company or a state about itself are a claim.
_JUDGEMENT = re.compile(
    r"\b(?:we|I)\s+(?:now\s+|still\s+|also\s+|do not\s+|don't\s+)?(?:expect|think|believe|estimate|model|forecast|see|view|"
    r"reiterate|prefer|doubt|suspect|argue|assume|haircut|(?:raise|cut|lower)\s+our)\b|\bin (?:our|my) view\b|"
    r"\bour (?:view|base case|forecasts?|estimates?|thesis)\b",
    re.I,
)


# A pleading's allegation: "On information and belief, Northstar's magnets are made using the methods claimed…"
# (a complaint written here had it labelled fact). A party asserts it and a court has yet to find it.
_ALLEGATION = re.compile(r"\b(?:on|upon) information and belief\b", re.I)


def voice_kind(text: str, attribution: Attribution) -> tuple[str, str] | None:
    """(kind, why) when a first-person judgement or a pleading's allegation settles the kind by who speaks; else None.
    The decider does not ask it about what the classifier took for rhetoric ("We remain committed to a
    world-class supply chain")."""
    if allegation := _ALLEGATION.search(text):
        return Kind.claim, f"an allegation made “{allegation.group(0)}”"
    judgement = _JUDGEMENT.search(text)
    if judgement is None:
        return None
    if attribution in NOT_THE_AUTHOR:
        return Kind.claim, f"the {attribution.value.replace('_', ' ')}'s own judgement “{judgement.group(0)}” of itself"
    return Kind.opinion, f"a first-person judgement “{judgement.group(0)}”"


WORD_CUE_MIN = 0.25  # logit units; about the strongest quarter of the words' pushes on outside dev's statements


def rationale(article: Article, found: Sequence[Statement], i: int, kind: str, p: float, pushes: dict[str, float]) -> str:
    """The cues that pushed this kind above the others most (from the model's own weights), in words;
    when none did, the decision came from the sentence's wording (its embedding)."""
    words = cue_words(article, found, i)
    # A word is named only where it pushed hard: the weaker ones are as often the topic ("kg", "management") as a cue.
    said_as = {name: words.get(name) or (word_cue(name) if push >= WORD_CUE_MIN else "") for name, push in pushes.items() if push > 0.1}
    said: list[str] = []
    for name, _ in sorted(pushes.items(), key=lambda kv: -kv[1]):
        cue = said_as.get(name, "")
        # "the word “our”" after "first person “our”" says nothing new.
        quoted = cue[cue.find("“"):].lower() if name.startswith("word:") else ""
        if cue and cue not in said and not (quoted and any(quoted in c.lower() for c in said)):
            said.append(cue)
    said = said[:3]
    because = "; ".join(said) if said else f"its wording is like the labelled {kind} examples"
    return f"{kind} (p={p:.2f}): {because}"
