"""The digest: the new check-worthy statements, ranked and grouped by the entity they name.

Check-worthy: every claim and every piece of rhetoric (what a reader should not take on trust), and
the facts another article contradicts: a statement labelled fact that the corpus disputes is the one
most worth a second look, and leaving it out because of its label would hide exactly that. Opinions
are left out: they are the author's view, nothing to check.

Ranked by, in this order: a conflict with another article, a figure, a named party, then the
decider's confidence in the kind. Each item says why it ranks where it does, in words.
Each statement sits under one entity: of the parties it names (companies, governments, countries,
people; a material or project only when it names no party), the one the digest's statements name most
(ties: first named), so a statement appears once and the big stories collect their statements;
statements naming no entity go under "Other", last.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, Field

from assay.corpus import SOURCE_TYPE_LABELS, CorpusView, StatementRecord
from assay.export import write_file
from assay.report import external_link
from assay.types import EntityType, Kind, Revision

OTHER = "Other"
DIGESTS_DIR = "digests"


class DigestItem(BaseModel):
    statement: StatementRecord
    score: float = Field(description="Higher ranks first: conflict 4, figure 2, named party 1, plus the kind's confidence (below 1).")
    reasons: list[str] = Field(description='Why it is here, in words: "states a figure", "names MP Materials", ...')
    also_in: list[str] = Field(default_factory=list, description='The other new articles that state it word for word: “title” (source, day).')


class DigestGroup(BaseModel):
    entity: str = Field(description=f'The entity its statements name, or "{OTHER}".')
    items: list[DigestItem] = Field(description="Best first.")


class RevisedArticle(BaseModel):
    """An article read again with other text in the digest's window: a correction, an update, a quiet edit."""

    article_id: str
    title: str
    source: str
    url: str | None = None
    revision: Revision = Field(description="What its latest version changed.")


class Digest(BaseModel):
    since: datetime | None = Field(None, description="Articles first stored since then; None when the digest covers given articles.")
    generated_at: datetime
    articles: int = Field(description="New articles the digest covers.")
    statements: int = Field(0, description="Check-worthy statements in the new articles.")
    unanalysed: int = Field(0, description="Of the new articles, those with no analysis yet: their statements are not counted.")
    shown: int = Field(0, description="Of those, the best ones the digest holds (all unless a top N was asked for).")
    groups: list[DigestGroup] = Field(default_factory=list, description="Best first; Other last.")
    revised: list[RevisedArticle] = Field(default_factory=list, description="Articles changed in the window, those whose figures moved first.")


def revised_first(revised: list[RevisedArticle]) -> list[RevisedArticle]:
    """Moved figures first (a correction is what a reader acts on), then the most changed, then the newest."""
    return sorted(revised, key=lambda r: (-sum(len(c.figures) for c in r.revision.changes), -len(r.revision.changes),
                                          -r.revision.at.timestamp(), r.article_id))


def revision_summary(revision: Revision) -> str:
    """One line for a revision: its moved figures, then how many sentences it edited, added and took out."""
    moved = [f"{a} → {b}" for change in revision.changes for a, b in change.figures]
    counts = Counter(change.kind for change in revision.changes)
    parts = [f"figures {', '.join(moved)}"] if moved else []
    parts += [f"{counts[kind]} sentence{'s' * (counts[kind] != 1)} {kind}" for kind in ("changed", "added", "removed") if counts[kind]]
    if revision.title_before:
        parts.append("its title changed")
    return "; ".join(parts) or "its text changed"


def check_worthy(record: StatementRecord) -> bool:
    return record.kind in (Kind.claim, Kind.rhetoric) or (record.kind == Kind.fact and record.crosscheck == "conflicting")


def _names(titles: list[str]) -> str:
    shown = [f"“{t}”" for t in titles[:2]]
    more = f" and {len(titles) - 2} more" if len(titles) > 2 else ""
    return ", ".join(shown) + more


# Parties: who acts or speaks. A material or a project named ("NdPr", "Mountain Pass") is what a story is about, not who is in it.
NOT_PARTIES = {EntityType.material, EntityType.project}


def parties(record: StatementRecord, types: Mapping[str, EntityType] | None) -> list[str]:
    """The parties the statement names; every entity when their types are unknown."""
    return [n for n in record.entities if types is None or types.get(n, EntityType.other) not in NOT_PARTIES]


def rank(record: StatementRecord, titles: Mapping[str, str], types: Mapping[str, EntityType] | None = None) -> DigestItem:
    """The item's score and its reasons, strongest first."""
    score, reasons = 0.0, []
    if record.crosscheck == "conflicting":
        score += 4
        others = [titles.get(a, f"article {a[:8]}") for a in record.corroborated_by if a != record.article_id]
        reasons.append(f"conflicts with what {_names(others)} says" if others else "conflicts with another article")
    elif record.crosscheck == "no_other_source" and record.claimant_only:
        # not scored: a reader weighs it, the ranking does not move
        own = [titles.get(a, f"article {a[:8]}") for a in record.claimant_only]
        reasons.append(f"no independent source: only the claimant's word again in {_names(own)}")
    if record.has_figure:
        score += 2
        reasons.append("states a figure")
    if named := parties(record, types):
        score += 1
        reasons.append(f"names {', '.join(named)}")
    # Below 1, so that it only orders statements alike in the three reasons above.
    score += min(max(record.kind_confidence or 0.0, 0.0), 1.0) * 0.99
    reasons.append(record.kind.value + (" (kind uncertain)" if record.uncertain else ""))
    return DigestItem(statement=record, score=round(score, 4), reasons=reasons)


def once_each(items: list[DigestItem], titles: Mapping[str, str]) -> list[DigestItem]:
    """Each statement once: a quote several new articles state word for word (a release carried by its
    distributor and posted on the company's site, each with its own boilerplate) is the best-ranked
    item, naming the others. The digest listed the chief executive's words twice."""
    best: dict[str, DigestItem] = {}
    others: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: (-i.score, i.statement.when.timestamp() if i.statement.when else 0, i.statement.id)):
        key = " ".join(item.statement.quote.split()).casefold()
        if key in best:
            if item.statement.article_id != best[key].statement.article_id:
                s = item.statement
                others[key].append(f"“{titles.get(s.article_id, s.title)}” ({s.source}, {s.day})")
            continue
        best[key], others[key] = item, []
    return [item.model_copy(update={"also_in": list(dict.fromkeys(others[key]))}) for key, item in best.items()]


def build_digest(
    corpus_new: CorpusView, *, since: datetime | None = None, titles: Mapping[str, str] | None = None,
    types: Mapping[str, EntityType] | None = None, now: datetime | None = None, top: int | None = None,
    revised: list[RevisedArticle] | None = None,
) -> Digest:
    """The digest of `corpus_new` (the new articles); `titles` names the earlier articles a conflict points to,
    `types` the type of each entity (the alias book's), so that statements group under a party before a material."""
    known = {a.id: a.title for a in corpus_new.articles} | dict(titles or {})
    items = once_each([rank(record, known, types) for record in corpus_new.statements if check_worthy(record)], known)
    found = len(items)
    if top is not None:  # a digest is read in minutes: the best `top`, the count of the rest in the heading
        items = sorted(items, key=lambda i: (-i.score, i.statement.id))[:top]
    mentions = Counter(name for item in items for name in item.statement.entities)
    grouped: dict[str, list[DigestItem]] = {}
    for item in items:
        # A statement goes under the party it speaks for ("The company claims its Texas plant …"; Rainbow Rare
        # Earths' "… the lowest-cost source of separated rare earths outside China" went under China, written
        # here), else under what it names, else Other.
        named = ([item.statement.speaker] if item.statement.speaker else []) or parties(item.statement, types) or item.statement.entities
        entity = max(named, key=lambda n: (mentions[n], -named.index(n))) if named else OTHER
        grouped.setdefault(entity, []).append(item)
    for group in grouped.values():
        group.sort(key=lambda i: (-i.score, -(i.statement.when.timestamp() if i.statement.when else 0), i.statement.id))
    groups = [DigestGroup(entity=name, items=found) for name, found in grouped.items()]
    groups.sort(key=lambda g: (g.entity == OTHER, -g.items[0].score, -len(g.items), g.entity.casefold()))
    unanalysed = sum(a.id not in corpus_new.analyses for a in corpus_new.articles)
    return Digest(since=since, generated_at=now or datetime.now(UTC), articles=len(corpus_new.articles), statements=found,
                  shown=len(items), groups=groups, revised=revised_first(revised or []), unanalysed=unanalysed)


# --- rendering -------------------------------------------------------------------------------------


def safe_link(url: str | None) -> str | None:
    """Only http(s) links (the report's rule), with what could end a Markdown link or an attribute percent-encoded."""
    link = external_link(url)
    return quote(link, safe=":/?#[]@!$&'*+,;=%~-._") if link else None


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def markdown_text(text: str) -> str:
    """Plain text in Markdown, on one line. < and > become HTML entities, and & where it would start one:
    every renderer shows them as text (Python-Markdown does not honour a backslash before `<`, so a hostile
    quote's tags would pass as HTML), and a plain "R&D" stays readable in the file; the characters Markdown
    acts on are backslash-escaped."""
    flat = re.sub(r"&(?=#?\w+;)", "&amp;", " ".join(text.split())).replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def _heading(digest: Digest) -> str:
    window = f"since {digest.since.strftime('%Y-%m-%d %H:%M')} UTC" if digest.since else "in this poll"
    best = f"the best {digest.shown} of " if digest.shown < digest.statements else ""
    # 25 articles ingested with --no-analyse had read "0 check-worthy statements from 25 new articles… Nothing new to check."
    unanalysed = (f" ({digest.unanalysed} of them not analysed yet, so not read here: `assay analyse --pending`)"
                  if digest.unanalysed else "")
    return (f"{best}{digest.statements} check-worthy statement{'' if digest.statements == 1 else 's'} from {digest.articles} "
            f"new article{'' if digest.articles == 1 else 's'} {window}{unanalysed}")


def _quote_markdown(s: StatementRecord) -> str:
    """The quote in Markdown; a clause cut from a longer sentence in italics within the rest of it, which the
    label is not of."""
    if not (s.context_before or s.context_after):
        return markdown_text(s.quote)
    # markdown_text strips the space between the clause and the rest of its sentence: a stand-in keeps it.
    before, after = markdown_text(s.context_before + "\x00")[:-1], markdown_text("\x00" + s.context_after)[1:]
    return f"{before}*{markdown_text(s.quote)}*{after}"


def render_markdown(digest: Digest) -> str:
    lines = ["# Assay digest", "", f"{_heading(digest)}; generated {digest.generated_at.strftime('%Y-%m-%d %H:%M')} UTC.", ""]
    if not digest.groups and not digest.revised:
        lines += ["Nothing new to check.", ""]
    if digest.revised:
        lines += ["## Changed since first read", ""]
        for revised in digest.revised:
            link = safe_link(revised.url)
            title = markdown_text(revised.title)
            lines.append(f"- {f'[{title}](<{link}>)' if link else title} ({markdown_text(revised.source)}), "
                         f"version {revised.revision.version}: {markdown_text(revision_summary(revised.revision))}.")
            for change in revised.revision.changes:
                if change.figures:
                    lines.append(f"  - now: “{markdown_text(change.after or '')}” (was: “{markdown_text(change.before or '')}”)")
        lines.append("")
    for group in digest.groups:
        lines += [f"## {markdown_text(group.entity)}", ""]
        for item in group.items:
            s = item.statement
            source = f"{markdown_text(s.source)} ({SOURCE_TYPE_LABELS[s.source_type]})"
            title = markdown_text(s.title)
            link = safe_link(s.url)
            where = f"[{title}](<{link}>)" if link else title
            lines.append(f"- **{s.kind.value}**: “{_quote_markdown(s)}”  ")
            lines.append(f"  {source}, {where}, {s.day}. Why: {markdown_text('; '.join(item.reasons))}."
                         + (f" Also in {markdown_text('; '.join(item.also_in))}." if item.also_in else ""))
        lines.append("")
    return "\n".join(lines)


_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Assay digest, {{ generated }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
li { margin: 0.8rem 0; }
blockquote { margin: 0.2rem 0; padding-left: 0.8rem; border-left: 4px solid #999; }
.kind { font-weight: 600; text-transform: uppercase; font-size: 0.8rem; }
.claim { color: #8a5a00; } .rhetoric { color: #a0004a; } .fact { color: #00676b; }
.meta, .why { color: #555; font-size: 0.9rem; }
.context { color: #888; }
</style>
</head>
<body>
<h1>Assay digest</h1>
<p>{{ heading }}; generated {{ generated }} UTC.</p>
{% if not groups and not revised %}<p>Nothing new to check.</p>{% endif %}
{% if revised %}<h2>Changed since first read</h2>
<ol>
{% for item in revised %}
<li>{% if item.link %}<a href="{{ item.link }}" rel="noopener noreferrer">{{ item.title }}</a>{% else %}{{ item.title }}{% endif %}
({{ item.source }}), version {{ item.version }}: {{ item.summary }}.
{% for change in item.moved %}<blockquote>{{ change.after }}</blockquote><div class="why">was: {{ change.before }}</div>{% endfor %}</li>
{% endfor %}
</ol>{% endif %}
{% for group in groups %}
<h2>{{ group.entity }}</h2>
<ol>
{% for item in group.entries %}
<li><span class="kind {{ item.kind }}">{{ item.kind }}</span>
<blockquote>{% if item.before or item.after %}<span class="context">{{ item.before }}</span>{{ item.quote }}<span class="context">{{ item.after }}</span>{% else %}{{ item.quote }}{% endif %}</blockquote>
<div class="meta">{{ item.source }} ({{ item.source_type }}),
{% if item.link %}<a href="{{ item.link }}" rel="noopener noreferrer">{{ item.title }}</a>{% else %}{{ item.title }}{% endif %}, {{ item.date }}</div>
<div class="why">Why: {{ item.reasons }}{% if item.also_in %}. Also in {{ item.also_in }}{% endif %}</div></li>
{% endfor %}
</ol>
{% endfor %}
</body>
</html>
"""


def render_html(digest: Digest) -> str:
    """A self-contained page: no script, no remote asset (its CSP forbids both); every text escaped."""
    environment = Environment(autoescape=True, undefined=StrictUndefined)
    groups = [
        {"entity": group.entity, "entries": [
            {"kind": item.statement.kind.value, "quote": item.statement.quote, "before": item.statement.context_before,
             "after": item.statement.context_after, "source": item.statement.source,
             "source_type": SOURCE_TYPE_LABELS[item.statement.source_type], "title": item.statement.title,
             "link": safe_link(item.statement.url), "date": item.statement.day, "reasons": "; ".join(item.reasons),
             "also_in": "; ".join(item.also_in)}
            for item in group.items]}
        for group in digest.groups
    ]
    revised = [{"title": r.title, "link": safe_link(r.url), "source": r.source, "version": r.revision.version,
                "summary": revision_summary(r.revision), "moved": [c for c in r.revision.changes if c.figures]} for r in digest.revised]
    return environment.from_string(_HTML).render(
        heading=_heading(digest), generated=digest.generated_at.strftime("%Y-%m-%d %H:%M"), groups=groups, revised=revised)


def render(digest: Digest, fmt: str) -> str:
    if fmt == "md":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return json.dumps(digest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"no digest format {fmt!r}: use md, html or json")


def write_digest_files(digest: Digest, folder: Path) -> list[Path]:
    """`digest-<UTC time>.md` and `.html` in `folder` (made if missing); returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    base = f"digest-{digest.generated_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    stem, n = base, 2
    while (folder / f"{stem}.md").exists() or (folder / f"{stem}.html").exists():  # two polls in one second
        stem, n = f"{base}-{n}", n + 1
    paths = []
    for suffix, fmt in ((".md", "md"), (".html", "html")):
        path = folder / f"{stem}{suffix}"
        write_file(path, functools.partial(_write, text=render(digest, fmt)), force=False)
        paths.append(path)
    return paths


def _write(target: Path, *, text: str) -> None:
    target.write_text(text, encoding="utf-8")
