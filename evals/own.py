"""A user's own labelled articles: `assay eval --labels FOLDER` and `assay label ARTICLE --into FOLDER`.

The shipped labelled corpus is one publisher (Rare Earth Exchanges) in one format: a team that reads
company releases, wire copy or state media should judge a prompt change on its own articles too. Its
folder holds one label file per article (`labels.OwnLabels`), naming an article file of any format
`assay ingest` reads. The articles are read by the same ingest flow as `assay ingest FILE`, into an
eval home of their own under `ASSAY_HOME/evals/own/` (never the user's corpus, whose other articles
would change what the questions can find), so quotes are checked against the body Assay analyses and
questions are asked of those articles only. They are scored as the shipped splits are
(`runner.run_eval`); a part a label file leaves out is not scored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from datetime import date
from pathlib import Path

import yaml
from langchain_core.language_models import BaseChatModel

from assay.analysis import label_statements
from assay.evals.labels import LabelledArticle, LabelsError, OwnLabels, labelled_file, load_own_labels, quote_spans
from assay.evals.runner import EvalContext, eval_settings
from assay.flows.ingest import ingest
from assay.readers import json_stories, supported_suffixes
from assay.services import services
from assay.settings import Settings
from assay.sources import SourceError, expand_source
from assay.types import Article, ItemStatus, SourceKind, path_text

OWN_SPLIT = "own"


KEPT_HOMES = 8  # eval homes of other sets of files kept for a later run (each a few MB: chunks and their vectors)
KEPT_HOMES_DAYS = 1.0  # nor is one removed that a run used within this time (another process may be using it)


def own_home(settings: Settings, files: list[Path]) -> Path:
    """The eval home of one set of article files: another set (a label file added or taken out) gets
    another, so the corpus the questions are asked of is exactly the labelled articles. Homes of other
    sets beyond the newest few are removed: they hold only what the files give again."""
    key = hashlib.sha256("\n".join(sorted(path_text(str(f)) for f in files)).encode()).hexdigest()[:16]
    home = settings.evals_dir / "own" / key
    home.mkdir(parents=True, exist_ok=True)
    os.utime(home)  # used now: the newest
    others = sorted((p for p in home.parent.iterdir() if p.is_dir() and p != home), key=lambda p: p.stat().st_mtime, reverse=True)
    stale = time.time() - KEPT_HOMES_DAYS * 86400
    for old in others[KEPT_HOMES - 1 :]:
        if old.stat().st_mtime < stale:
            shutil.rmtree(old, ignore_errors=True)
    return home


def read_articles(settings: Settings, files: list[Path], fix: str = "take its label file out of the folder") -> dict[Path, Article]:
    """Each file's article as `assay ingest FILE` reads it, stored in the eval home `settings` names
    (ingested again only where a file changed); `fix` says what else the user can do about a file that cannot be read."""
    report = ingest([str(f) for f in files], SourceKind.file, settings)
    registry = services(settings).registry
    by_location = {r.location: r for r in report.results}
    first_of: dict[str, Path] = {}
    articles: dict[Path, Article] = {}
    for path in files:
        named = path_text(str(path))
        result = by_location.get(named)
        inside = [r for r in report.results if r.feed == named or r.location.startswith(named + "/")]
        if result is None and inside:  # a feed file, or an archive read member by member
            raise LabelsError(f"{path.name} holds {len(inside)} articles (a feed or an archive), and a label file labels one: "
                              "save each article you label as a file of its own")
        if result is None or result.status == ItemStatus.failed or result.article_id is None:
            why = result.error if result is not None and result.error else "Assay reads no article from it"
            raise LabelsError(f"{path.name} cannot be read ({why}): correct the file, or {fix}")
        if result.article_id in first_of:  # two files of one text (the second read as a duplicate of the first)
            raise LabelsError(f"{path.name} is the same article as {first_of[result.article_id].name}: label it once")
        stored = registry.get(result.article_id)
        if stored is None:
            raise LabelsError(f"{path.name} was read but not stored: run the command again")
        first_of.setdefault(result.article_id, path)
        articles[path] = stored.article()
    return articles


def own_context(settings: Settings, model: BaseChatModel, folder: Path) -> EvalContext:
    """The eval context of the user's label folder: its articles in their own eval home, every quote
    checked against the body Assay reads, the one split `own` in label-file order."""
    labels = load_own_labels(folder)
    files = {path: own.article_file(path) for path, own in labels.items()}
    own_settings = eval_settings(settings, home=own_home(settings, list(files.values())))
    articles = read_articles(own_settings, list(files.values()))
    gold: dict[str, LabelledArticle] = {}
    for path, own in labels.items():
        article = articles[files[path]]
        own = check_quotes(path.name, own, article.body)
        gold[article.id] = own.labelled_article(article.id, article.title, article.url or files[path].as_uri())
    made = services(own_settings)
    ids = list(gold)
    return EvalContext(own_settings, made, made.retriever(), made.kind_decider, model, {a.id: a for a in articles.values()}, gold,
                       splits={OWN_SPLIT: ids}, labels_folder=folder)


def check_quotes(name: str, own: OwnLabels, body: str) -> OwnLabels:
    """`own` with each quote as the body writes it, checked: statements in body order, supporting quotes
    anywhere. A quote copied from the file as the labeller sees it, wrapped at another place or with
    two spaces, is the body's words all the same: its spaces are taken from the body."""
    hint = ": copy quotes from the body as Assay reads it (the end of a draft by `assay label` shows it)"
    statements = [s.model_copy(update={"quote": as_in_body(s.quote, body)}) for s in own.statements]
    try:
        quote_spans(name, statements, body)
    except ValueError as exc:
        raise LabelsError(f"{exc}{hint}") from None
    questions = []
    for question in own.questions:
        quotes = [as_in_body(quote, body) for quote in question.supporting_quotes]
        for quote in quotes:
            if quote not in body:
                raise LabelsError(f"{name}: a supporting quote of {question.question!r} is not in the body: {quote!r}{hint}")
        questions.append(question.model_copy(update={"supporting_quotes": quotes}))
    return own.model_copy(update={"statements": statements, "questions": questions})


def as_in_body(quote: str, body: str) -> str:
    """The body's own text of `quote` where they differ only in whitespace; otherwise `quote` unchanged."""
    if quote in body or not quote.split():
        return quote
    found = re.search(r"\s+".join(map(re.escape, quote.split())), body)
    return found.group(0) if found else quote


# --- drafts -------------------------------------------------------------------------------------


def draft_labels(settings: Settings, named: list[Path], folder: Path) -> tuple[list[Path], list[Path]]:
    """A label file in `folder` for each article file (a folder named: each file in it), with the statements
    Assay finds in it and its own guesses of their labels, to be corrected by hand; (written, already labelled).
    Never overwrites a label file: the user's labels are theirs. Of a folder named, the files `folder` already
    labels are passed over, so that drafting it again drafts only what was added. No LLM is called (statements
    and kinds come from the splitter and the classifier)."""
    files, from_folders = article_files(named)
    if folder.exists() and not folder.is_dir():
        raise LabelsError(f"{folder} is a file: --into names the folder to write label files into")
    labelled_by = labelled_files(folder)
    targets: dict[Path, Path] = {}
    seen: dict[Path, Path] = {}
    already: list[Path] = []
    for source in files:
        target = folder / f"{source.stem}.yaml"
        if source in from_folders and (source.resolve() in labelled_by or target.exists()):
            already.append(source)
            continue
        if target.exists():
            raise LabelsError(f"{target} exists and may hold your labels: delete it to draft it again, or choose another --into folder")
        if source.resolve() in labelled_by:
            raise LabelsError(f"{labelled_by[source.resolve()].name} already labels {source.name}: correct that file, or delete it to draft it again")
        if target in seen:
            raise LabelsError(f"{seen[target].name} and {source.name} would both be drafted as {target.name}: draft them into two folders")
        seen[target] = source
        targets[source] = target
    if not targets:
        return [], already
    files = list(targets)
    paths = [f.resolve() for f in files]
    # The eval home of these files: `assay eval --labels` of the same articles reads them from it again.
    draft_settings = eval_settings(settings, home=own_home(settings, paths))
    articles = read_articles(draft_settings, paths, fix="draft the others without it")
    made = services(draft_settings)
    folder.mkdir(parents=True, exist_ok=True)  # only once every file is read: a failed draft leaves nothing behind
    written = []
    for source, target in targets.items():
        article = articles[source.resolve()]
        spans, _, labelled = label_statements(article, made.kind_decider, made.embedder)
        text = draft_text(source, folder, article, [(s.text, lab.kind.value, lab.attribution.value, lab.evidence.value, lab.kind_confidence)
                                                    for s, lab in zip(spans, labelled)])
        check_quotes(target.name, OwnLabels.model_validate(yaml.safe_load(text)), article.body)  # the draft loads as it is written
        with open(target, "x", encoding="utf-8") as f:  # "x": a file that appeared meanwhile is not overwritten
            f.write(text)
        written.append(target)
    return written, already


def labelled_files(folder: Path) -> dict[Path, Path]:
    """The article files the label files of `folder` name (resolved) -> the label file; a file that does
    not read is passed over here (`assay eval --labels` says what is wrong with it)."""
    found: dict[Path, Path] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            name = data.get("file") if isinstance(data, dict) else None
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            continue
        if isinstance(name, str) and name:
            found.setdefault(labelled_file(name, path), path)
    return found


# The labels in a line each, in LABELLING.md's words (the team's guide; evals/data/README.md records its hard cases),
# for a labeller whose installed Assay has neither at hand.
LEGEND = (
    "#",
    "# kind: fact (a specific, checkable statement of what is or what happened: a figure, a date, a named deal, a",
    "#   capacity, a regulatory act, even from an untrustworthy source) | claim (an assertion of novelty, superiority,",
    "#   significance or future performance the text does not back with checkable evidence) | rhetoric (words that",
    "#   persuade rather than inform: slogans, political or nationalist framing, loaded language) | opinion (the",
    "#   author's own analysis, judgment or prediction; anyone else's is a claim, attributed to them)",
    "# attribution, who asserts it: company | state_media | government | third_party (an analyst firm, an independent",
    "#   report, another outlet) | author (the publication itself)",
    "# evidence, what the text offers to back it: none | self_reported (the claimant's own figures or statement) |",
    "#   document (a named filing, report, standard or official record) | independent (confirmed by another named party)",
    "# One statement, one label: a sentence holding a figure and a slogan is two quotes.",
    "#",
)


def draft_text(source: Path, folder: Path, article: Article, statements: list[tuple[str, str, str, str, float | None]]) -> str:
    """The draft label file: header, the statements with Assay's guesses marked, the parts to fill, the body as a comment."""
    relative = Path(_relative(source.resolve(), folder.resolve()))
    lines = [
        f"# Labels for {source.name}, drafted by `assay label` on {date.today().isoformat()}: correct every line by hand.",
        "# The statements are those Assay cuts from the body; each kind, attribution and evidence is Assay's guess",
        "# (marked `# guess`): left as they are, they would score Assay against itself. Each label is defined below.",
        "# A quote must be exact words of the body (at the end), in body order: delete a statement that is not",
        "# check-worthy, add one Assay missed, widen or narrow a quote. A part you leave out is not scored.",
        *LEGEND,
        f"file: {json.dumps(str(relative), ensure_ascii=False)}",
        "statements:" if statements else "statements: []",
    ]
    for quote, kind, attribution, evidence, confidence in statements:
        sure = f", p {confidence:.2f}" if confidence is not None else ""
        lines += [f"- quote: {json.dumps(quote, ensure_ascii=False)}", f"  kind: {kind}  # guess{sure}",
                  f"  attribution: {attribution}  # guess", f"  evidence: {evidence}  # guess"]
    lines += [
        "# The points a good summary of this article covers, one per line (the publisher's own highlights where it gives them).",
        *(["# The publisher's own highlights, as Assay read them: keep them, or write your own.", "highlights:",
           *(f"- {json.dumps(h, ensure_ascii=False)}" for h in article.highlights)] if article.highlights else ["highlights: []"]),
        "# Questions and gold answers: supporting_quotes are exact body words; `answer: null` (no quotes) for a",
        "# question the articles of this folder cannot answer. For example:",
        "#   - question: What output did the company report for the quarter?",
        "#     answer: 2,000 tonnes of NdPr",
        "#     supporting_quotes: [\"NdPr output rose 12% to 2,000 tonnes\"]",
        "questions: []",
        "# entities and key_figures may be added as evals/data/README.md describes; left out, they are not scored.",
        "",
        f"# The body as Assay reads it ({article.title}):",
        *(f"#   {line}" if line else "#" for line in article.body.splitlines()),
        "",
    ]
    return "\n".join(lines)


def article_files(named: list[Path]) -> tuple[list[Path], set[Path]]:
    """(the files named, those of them found in a named folder): a folder stands for the files in it that
    `assay ingest FOLDER` reads (a team keeps the articles it labels together)."""
    files: list[Path] = []
    in_folders: set[Path] = set()
    for path in named:
        if path.is_dir():
            try:
                found = [Path(f) for f in expand_source(str(path), supported_suffixes(), json_stories)]
            except SourceError as exc:
                raise LabelsError(f"{exc}: name the article files to draft labels for") from None
            files.extend(found)
            in_folders.update(found)
        elif path.is_file():
            files.append(path)
        else:
            raise LabelsError(f"{path} is not a file: name the article files (or a folder of them) to draft labels for")
    return list(dict.fromkeys(files)), in_folders - set(f for f in named if f.is_file())


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return os.path.relpath(path, folder) if path.anchor == folder.anchor else str(path)
