"""Small learned classifiers for a statement's kind, attribution and evidence.

Measured before this was written (issue 4): the embedded 1.5B model labelling all
sentences in one JSON answer scored macro-F1 0.10, one sentence at a time with
log-probabilities 0.28, and logistic regression on MiniLM sentence embeddings
plus five surface features 0.51. So kinds come from this model, fitted on the
`train` split of the hand-labelled corpus only. Attribution and evidence use the
same model on the same features (dev macro-F1 0.44 and 0.51 against 0.15 and 0.19
for the majority label). They are saved as one small JSON file (coefficients, not
a pickle) so they are versioned, diffable and safe to load.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assay.cleaning import TABLE_ROW
from assay.statements import DAY_DATE, Statement, run_in_heading_end
from assay.types import Article, Attribution, Evidence, Kind

LABELS = {name: tuple(v.value for v in enum) for name, enum in (("kind", Kind), ("attribution", Attribution), ("evidence", Evidence))}
# The rhetoric share's own model: is a statement claim or rhetoric? Fitted without class weights,
# because the share sums its probabilities and class weights inflate the rare classes' (measured,
# leave-one-article-out over train + dev: mean predicted share 0.21 against 0.22 true, where the
# balanced kind model's labels gave 0.31).
LABELS["rhetoric"] = ("other", "claim_or_rhetoric")
BALANCED = {"kind", "attribution", "evidence"}
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "statement-classifiers.json"

_DIGIT = re.compile(r"\d")
# A figure as the cue shows it: "A$200 million", "5.9%", "2025" (not "2025." with the sentence's stop).
_FIGURE = re.compile(r"(?:[A-Z]{1,2}\$|[$€£¥])?\d(?:[\d,.]*\d)?(?:\s?%|\s(?:million|billion|trillion|percent|per cent)\b)?")
# The figure a rationale shows: not a digit inside a label ("Q3 2026", "Dy2O3"), which a table's row opens with,
# nor part of a number ("1960s" had shown "196"); a decade whole.
_SHOWN_FIGURE = re.compile(rf"(?<![A-Za-z\d])(?:(?:19|20)\d0s|{_FIGURE.pattern})(?![A-Za-z\d])")
_REPORTING = re.compile(
    r"\b(?:said|says|say|stated|states|reported|reports|announced|announces|according to|told|noted|notes|"
    r"confirmed|disclosed|claims?|claimed|argues?|argued|contends?|asserts?|emphasi[sz]ed|stressed|touted)\b",
    re.I,
)
_SUPERLATIVE = re.compile(
    r"\b(?:first|largest|biggest|most|best|leading|unprecedented|world[’']s|breakthrough|landmark|historic|"
    r"only|major|key|critical|strategic|\w+est)\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:could|may|might|would|should|likely|unlikely|expected|expects?|aims?|plans?|targets?|hopes?|"
    r"perhaps|possibly|seems?|appears?|suggests?|will|must|risks?)\b",
    re.I,
)
SURFACE_FEATURES = ("has_digit", "reporting_verb", "superlative", "hedge", "log_words")


def surface_features(text: str) -> list[float]:
    """Five cues a reader uses: numbers, who-says verbs, superlatives, hedges, length."""
    return [
        float(bool(_DIGIT.search(text))),
        float(bool(_REPORTING.search(text))),
        float(len(_SUPERLATIVE.findall(text)) > 0),
        float(len(_HEDGE.findall(text)) > 0),
        math.log1p(len(text.split())) / 4.0,
    ]


# Section headings name the voice of what follows: this publisher's "REEx Take" and "Bottom Line"
# are the author's opinion, "Where the Story Gets Polished" weighs the company's claims, "What's Real"
# and "How the Study Was Conducted" report. Groups of words, not the publisher's exact headings.
_HEADING_GROUPS = {
    "heading_author": re.compile(r"\b(?:take(?:away)?|conclusion|bottom line|matters?|implications?|next|why|attention|advantage|different|opinion|view)\b", re.I),
    "heading_critique": re.compile(r"\b(?:limitations?|risks?|breaks? down|fog|polish\w*|runs ahead|controvers\w*|unanswered|missing|not enough|questions?|caveats?|spin|hype)\b", re.I),
    "heading_report": re.compile(r"\b(?:real|solid|findings?|study|examined|changed|how|what|background|details?|results?|data)\b", re.I),
    "heading_source": re.compile(r"\b(?:sources?|about|disclosure|methodology)\b", re.I),
}
_QUOTE_MARK = re.compile(r"[\"“”«»]")
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
# The first person as the rationale names it: "US" is the country, not "us". The feature itself still
# counts "US" (a case-sensitive feature, refitted, scored level on sample dev and lower on outside dev:
# kind macro-F1 0.611 -> 0.570, attribution 0.912 -> 0.878; evals/README.md), so a cue it alone
# raised is left unnamed rather than called the first person.
_FIRST_PERSON_WORD = re.compile(r"\b(?:[Ww]e|[Oo]urs?|us)\b")
_DEMONSTRATIVE_START = re.compile(r"^(?:this|that|these|those|it|such|here)\b", re.I)
_ACCORDING = re.compile(r"\baccording to\b|\b(?:said|says|told|stated)\b", re.I)
CONTEXT_FEATURES = (
    *_HEADING_GROUPS, "no_heading", "position", "last_fifth", "paragraph_start", "bullet", "quotation",
    "first_person", "question_or_exclamation", "demonstrative_start", "reported_nearby",
)


def statement_heading(article: Article, statement: Statement) -> tuple[str, bool]:
    """The heading a statement sits under, and whether it opens its paragraph after a run-in heading: a
    run-in heading ("REEx Takeaway: This is…", "Recycling: Limited quantities…") is its paragraph's,
    nearer than the section's, and the statement right after it still opens the paragraph."""
    body = article.body
    line_start = body.rfind("\n", 0, statement.start) + 1
    line_end = body.find("\n", line_start)
    if cut := run_in_heading_end(body[line_start : line_end if line_end >= 0 else len(body)]):
        run_in = body[line_start : line_start + cut].strip()
        return run_in.rstrip(":").strip(), body[line_start : statement.start].strip() == run_in
    section = next((x for x in article.sections if x.start <= statement.start < x.end), None)
    return (section.heading if section and section.heading else ""), False


def context_features(article: Article, found: Sequence[Statement]) -> np.ndarray:
    """What a reader uses beyond the sentence itself: the section it sits in, where it sits, quotation
    marks, who speaks (first person, "This ..." commentary) and whether a neighbour reports speech."""
    body, rows = article.body, []
    for i, statement in enumerate(found):
        heading, run_in = statement_heading(article, statement)
        line_start = body.rfind("\n", 0, statement.start) + 1
        lead = body[line_start : statement.start].strip()
        neighbours = " ".join(found[j].text for j in (i - 1, i + 1) if 0 <= j < len(found))
        rows.append([
            *(float(bool(pattern.search(heading))) for pattern in _HEADING_GROUPS.values()),
            float(not heading),
            statement.start / max(len(body), 1),
            float(statement.start > 0.8 * len(body)),
            float(lead in ("", "•") or run_in),
            float(body[line_start : line_start + 2] == "• "),
            float(bool(_QUOTE_MARK.search(statement.text))),
            float(bool(_FIRST_PERSON.search(statement.text))),
            float(statement.text.rstrip("\"”’)").endswith(("?", "!"))),
            float(bool(_DEMONSTRATIVE_START.match(statement.text))),
            float(bool(_ACCORDING.search(neighbours))),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(len(found), len(CONTEXT_FEATURES))


def _word(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return f" “{match.group(0)}”" if match else ""


def _shown_figure(text: str) -> str:
    """The figure a rationale shows: a table's row's first value ("721" of "NdPr oxide produced (mt): Q3
    2026 721; …", not its column's "2026"), else the first figure that is no part of a label, nor a year
    or a date's day when the statement gives another ("set the 2026 mining quota at 270,000 tonnes" showed
    "2026"; "on October 30, the ministry said 4.2%" showed "30"), nor a part's number ("Phase 2")."""
    if TABLE_ROW.match(text):
        return f" “{text.split(':', 1)[1].split(';', 1)[0].split()[-1]}”"
    dated = [m.span() for m in _DATED.finditer(text)]
    found = list(_SHOWN_FIGURE.finditer(text)) or list(_FIGURE.finditer(text))
    shown = next((m for m in found if not _YEAR.fullmatch(m.group(0)) and not any(a <= m.start() < b for a, b in dated)
                  and not _NUMBERED.search(text, 0, m.start())), found[0] if found else None)
    return f" “{shown.group(0)}”" if shown else ""


_DATED = re.compile(DAY_DATE)
# A number that names a part, not a figure: "Phase 2 … is designed to produce 6,000 tpa" showed "2".
_NUMBERED = re.compile(r"\b(?:Phase|Stage|Line|Unit|Train|Block|Tranche|Tier|Level|Section|Article|Lot|No\.)\s*$")
_YEAR = re.compile(r"(?:19|20)\d\d|(?:19|20)\d0s")  # a year or a decade


def _reporting_word(text: str) -> str:
    """The reporting verb as the cue shows it; "" when the only match is a name ("United States"):
    the feature still counts it (changing that means refitting), but no rationale calls it speech."""
    match = next((m for m in _REPORTING.finditer(text) if m.group(0) != "States"), None)
    return f"reported speech “{match.group(0)}”" if match else ""


def cue_words(article: Article, found: Sequence[Statement], i: int) -> dict[str, str]:
    """Each cue of statement i in words, naming what the text actually says."""
    text = found[i].text
    heading = f"under the heading “{named}”" if (named := statement_heading(article, found[i])[0]) else ""
    superlative = _word(_SUPERLATIVE, text)
    return {
        "has_digit": f"a figure{_shown_figure(text)}",
        "reporting_verb": _reporting_word(text),
        "superlative": f"superlative{superlative}" + ("" if _DIGIT.search(text) else " with no figure"),
        "hedge": f"hedged or forward-looking{_word(_HEDGE, text)}",
        "heading_author": heading, "heading_critique": heading, "heading_report": heading, "heading_source": heading,
        # Only where the article has headings: in one without, every statement is "before any heading".
        "no_heading": "in the article's opening section" if any(s.heading for s in article.sections) else "",
        "position": "late in the article", "last_fifth": "in the article's last fifth",
        "paragraph_start": "opens its paragraph", "bullet": "a bullet point", "quotation": "in quotation marks",
        "first_person": f"first person{_word(_FIRST_PERSON_WORD, text)}" if _FIRST_PERSON_WORD.search(text) else "",
        "question_or_exclamation": "a question or exclamation",
        "demonstrative_start": f"the writer's commentary (opens with{_word(_DEMONSTRATIVE_START, text)})",
        "reported_nearby": "next to reported speech" + _word(_ACCORDING, " ".join(f.text for f in found[max(i - 1, 0) : i + 2] if f is not found[i])),
    }


_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token: two or more word characters
# Words too common to name as a reason ("the", "of"): still weighed, never shown in a rationale.
_UNTELLING = frozenset(
    "a an and are as at be been but by for from had has have he her his in into is it its more of on or she than that the their "
    "them these they this those to us was were which with"
    # the pieces of contractions the tokeniser leaves ("we're", "don't")
    " re ll ve don isn doesn didn won aren wasn couldn wouldn shouldn".split()
)


@dataclass
class Vocabulary:
    """The words the classifiers weigh, each statement's as tf-idf (sublinear counts, smoothed idf, unit
    length: scikit-learn's TfidfVectorizer, which a test holds this to). Computed here rather than by
    scikit-learn because importing its text module costs ~0.6 s in every process that analyses, and the
    fitted file then holds only words and numbers, not a pickle. The sentence vector carries what a statement is about; the words carry the cues a reader
    notices ("claims", "hegemony", "we expect"). Measured before adding them (evals/README.md): kind
    macro-F1 leave-one-article-out over the sample's train + dev 0.550 -> 0.563, other publishers' dev
    0.610 -> 0.665 (gold spans)."""

    terms: tuple[str, ...]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str], min_count: int = 2) -> Vocabulary:
        """The words of at least `min_count` of the training statements (rarer ones would be fitted to one example)."""
        counts: dict[str, int] = {}
        for text in texts:
            for word in set(_WORD.findall(text.lower())):
                counts[word] = counts.get(word, 0) + 1
        terms = tuple(sorted(w for w, n in counts.items() if n >= min_count))
        idf = np.asarray([math.log((1 + len(texts)) / (1 + counts[w])) + 1 for w in terms], dtype=np.float32)
        return cls(terms=terms, idf=idf)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        index = {w: i for i, w in enumerate(self.terms)}
        rows = np.zeros((len(texts), len(self.terms)), dtype=np.float32)
        for r, text in enumerate(texts):
            words: dict[int, int] = {}
            for word in _WORD.findall(text.lower()):
                if word in index:
                    words[index[word]] = words.get(index[word], 0) + 1
            for i, n in words.items():
                rows[r, i] = (1 + math.log(n)) * self.idf[i]
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms > 0, norms, 1)

    def cue_names(self) -> tuple[str, ...]:
        return tuple(f"word:{w}" for w in self.terms)

    def to_json(self) -> dict:
        return {"terms": list(self.terms), "idf": [round(float(v), 5) for v in self.idf]}

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        return cls(terms=tuple(data["terms"]), idf=np.asarray(data["idf"], dtype=np.float32))


def word_cue(name: str) -> str:
    """A word feature's cue as a rationale shows it; "" for a common word that tells nothing."""
    word = name.removeprefix("word:")
    return f"the word “{word}”" if name.startswith("word:") and word not in _UNTELLING else ""


def features(article: Article, found: Sequence[Statement], vectors: np.ndarray, vocabulary: Vocabulary | None = None) -> np.ndarray:
    """[MiniLM vector, surface features, context features, the statement's words] per statement;
    `vectors` are the statements' MiniLM embeddings (the analysis embeds them once for the decider and
    the cross-check)."""
    surface = np.asarray([surface_features(s.text) for s in found], dtype=np.float32).reshape(len(found), len(SURFACE_FEATURES))
    words = vocabulary.transform([s.text for s in found]) if vocabulary else np.zeros((len(found), 0), dtype=np.float32)
    return np.hstack([vectors, surface, context_features(article, found), words])


# The interpretable features of a feature row, after the 384 MiniLM dimensions (then the vocabulary's words).
CUE_NAMES = (*SURFACE_FEATURES, *CONTEXT_FEATURES)


@dataclass
class LabelClassifier:
    """Multinomial logistic regression for one label set, its probabilities calibrated by a temperature
    fitted on out-of-fold predictions (so a 0.8 means right about 8 times in 10)."""

    labels: tuple[str, ...]
    coef: np.ndarray  # [labels, features]
    intercept: np.ndarray  # [labels]
    params: dict
    temperature: float = 1.0

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x @ self.coef.T + self.intercept)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.logits(x) / self.temperature)

    def predict_features(self, x: np.ndarray) -> list[tuple[str, float]]:
        """(label, probability) per row of features."""
        probs = self.probabilities(x)
        return [(self.labels[i], float(p[i])) for p, i in zip(probs, probs.argmax(axis=1))]

    def contributions(self, row: np.ndarray, label: str, first: int) -> np.ndarray:
        """How much each feature from `first` on pushed `label` above the other labels (logit units)."""
        k = self.labels.index(label)
        weights = self.coef[k, first:] - np.delete(self.coef[:, first:], k, axis=0).mean(axis=0)
        return np.asarray(weights * row[first:])

    @classmethod
    def fit(
        cls, x: np.ndarray, y: Sequence[str], labels: tuple[str, ...], *, c: float, balanced: bool = True,
        sample_weight: np.ndarray | None = None,
    ) -> LabelClassifier:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=5000)
        model.fit(x, [labels.index(v) for v in y], sample_weight=sample_weight)
        coef = np.zeros((len(labels), x.shape[1]))
        intercept = np.full(len(labels), -1e9)  # a label never seen in training is never predicted
        weights, biases = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes: the second's logit against 0
            weights, biases = np.vstack([np.zeros_like(weights[0]), weights[0]]), np.asarray([0.0, biases[0]])
        for row, label in enumerate(model.classes_):
            coef[label], intercept[label] = weights[row], biases[row]
        return cls(labels=labels, coef=coef, intercept=intercept, params={"C": c, "class_weight": "balanced" if balanced else None})

    def to_json(self) -> dict:
        return {
            "labels": list(self.labels), "params": self.params, "temperature": round(self.temperature, 4),
            "intercept": [round(float(v), 6) for v in self.intercept],
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
        }

    @classmethod
    def from_json(cls, data: dict) -> LabelClassifier:
        return cls(
            labels=tuple(data["labels"]), coef=np.asarray(data["coef"]), intercept=np.asarray(data["intercept"]),
            params=data["params"], temperature=float(data.get("temperature", 1.0)),
        )


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def fit_temperature(logits: np.ndarray, gold: Sequence[int]) -> float:
    """The temperature that minimises the negative log-likelihood of held-out predictions (Guo et al.,
    2017): one number, so it rescales confidence without changing any decision."""
    rows = np.arange(len(gold))

    def nll(t: float) -> float:
        return float(-np.log(softmax(logits / t)[rows, list(gold)] + 1e-12).mean())

    grid = np.exp(np.linspace(np.log(0.2), np.log(10.0), 200))
    return float(min(grid, key=nll))


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width confidence bins
    weighted by how many predictions fall in each."""
    conf, right = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if not len(conf):
        return 0.0
    which = np.minimum((conf * bins).astype(int), bins - 1)
    return float(sum(abs(conf[which == b].mean() - right[which == b].mean()) * (which == b).sum() for b in range(bins) if (which == b).any()) / len(conf))


@dataclass
class StatementClassifiers:
    """Kind, attribution and evidence classifiers fitted together on one split, versioned as one file."""

    version: str
    trained_on: list[str]  # article ids
    by_label: dict[str, LabelClassifier]
    vocabulary: Vocabulary | None = None

    @property
    def cue_names(self) -> tuple[str, ...]:
        """The names of a feature row's columns after the MiniLM vector."""
        return CUE_NAMES + (self.vocabulary.cue_names() if self.vocabulary else ())

    def features(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> np.ndarray:
        return features(article, found, vectors, self.vocabulary)

    def predict(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[dict[str, tuple[str, float]]]:
        """Per statement: {"kind": (label, p), "attribution": (...), "evidence": (...)}."""
        if not found:
            return []
        return self.predict_features(self.features(article, found, vectors))

    def predict_features(self, x: np.ndarray) -> list[dict[str, tuple[str, float]]]:
        """The same from feature rows already made (`features`)."""
        self.check_width(x)
        columns = {name: model.predict_features(x) for name, model in self.by_label.items()}
        return [{name: columns[name][i] for name in columns} for i in range(len(x))]

    def check_width(self, x: np.ndarray) -> None:
        width = next(iter(self.by_label.values())).coef.shape[1]
        if x.shape[1] != width:
            raise ValueError(
                f"the statement classifiers ({self.version}) expect {width} features, the code makes {x.shape[1]}: "
                "refit them with `python -m assay.evals.train_classifier`"
            )

    @classmethod
    def fit(
        cls, x: np.ndarray, targets: Mapping[str, Sequence[str]], *, version: str, trained_on: list[str], c: dict[str, float],
        groups: Sequence[str], folds: int = 5, weights: np.ndarray | None = None, vocabulary: Vocabulary | None = None,
        word_labels: Collection[str] = ("kind", "attribution", "evidence", "rhetoric"),
    ) -> StatementClassifiers:
        """Fit each label's model on all rows, then its temperature on out-of-fold logits from `folds`
        folds of whole articles (`groups`), so calibration is judged on articles the model never saw."""
        models = {}
        words = len(vocabulary.terms) if vocabulary else 0
        for name, y in targets.items():
            # A label that does not weigh the words is fitted without them; its file holds zeros for them.
            seen = x if name in word_labels or not words else x[:, : x.shape[1] - words]
            model = LabelClassifier.fit(seen, y, LABELS[name], c=c[name], balanced=name in BALANCED, sample_weight=weights)
            logits, gold = _out_of_fold_logits(seen, y, LABELS[name], c[name], groups, folds, balanced=name in BALANCED, weights=weights)
            model.temperature = fit_temperature(logits, gold)
            if seen is not x:
                model.coef = np.hstack([model.coef, np.zeros((len(model.labels), words))])
            if name == "rhetoric":  # how far an article's estimated share strays from its true share
                model.params["share_error_sd"] = round(_share_error_sd(softmax(logits / model.temperature)[:, 1], gold, groups), 4)
            models[name] = model
        return cls(version=version, trained_on=sorted(trained_on), by_label=models, vocabulary=vocabulary)

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": self.version,
            "features": f"all-MiniLM-L6-v2 (384) + {list(CUE_NAMES)}" + (f" + {len(self.vocabulary.terms)} words' tf-idf" if self.vocabulary else ""),
            "trained_on": self.trained_on, "models": {name: m.to_json() for name, m in self.by_label.items()},
        } | ({"vocabulary": self.vocabulary.to_json()} if self.vocabulary else {})
        path.write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> StatementClassifiers:
        data = json.loads(path.read_text())
        models = {name: LabelClassifier.from_json(m) for name, m in data["models"].items()}
        vocabulary = Vocabulary.from_json(data["vocabulary"]) if "vocabulary" in data else None
        return cls(version=data["version"], trained_on=data["trained_on"], by_label=models, vocabulary=vocabulary)


def _share_error_sd(probability: np.ndarray, gold: Sequence[int], groups: Sequence[str]) -> float:
    """Standard deviation of (estimated - true) rhetoric share over held-out articles."""
    errors = []
    for group in sorted(set(groups)):
        rows = np.asarray([g == group for g in groups])
        errors.append(probability[rows].mean() - np.asarray(gold)[rows].mean())
    return float(np.std(errors, ddof=1)) if len(errors) > 1 else 0.0


def _out_of_fold_logits(
    x: np.ndarray, y: Sequence[str], labels: tuple[str, ...], c: float, groups: Sequence[str], folds: int, *, balanced: bool = True,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, list[int]]:
    names = sorted(set(groups))
    fold_of = {g: i % folds for i, g in enumerate(names)}
    logits = np.zeros((len(y), len(labels)))
    for fold in range(folds):
        held = np.asarray([fold_of[g] == fold for g in groups])
        model = LabelClassifier.fit(x[~held], [v for v, h in zip(y, held) if not h], labels, c=c, balanced=balanced,
                                    sample_weight=None if weights is None else weights[~held])
        logits[held] = model.logits(x[held])
    return logits, [labels.index(v) for v in y]


def label_f1(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """F1 of each label that occurs in gold or predictions."""
    scores = {}
    for label in sorted(set(gold) | set(predicted)):
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label != g for g, p in zip(gold, predicted))
        fn = sum(g == label != p for g, p in zip(gold, predicted))
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the labels that occur in gold or predictions."""
    scores = label_f1(gold, predicted)
    return sum(scores.values()) / len(scores)
