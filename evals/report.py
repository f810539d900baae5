"""The eval report, Markdown and HTML: the side-by-side table with deltas and their intervals (as
charts in HTML), the gate's verdict, the kind confusion matrix and each labelled statement the breakdown
missed or labelled otherwise. The HTML is one file with
inline styles and SVG: it opens from disk with no network."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from assay.evals.gate import GateResult, MetricVerdict
from assay.evals.runner import EvalRun
from assay.types import KINDS


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3f}"


def markdown(released: EvalRun, candidate: EvalRun | None, gate: GateResult | None) -> str:
    lines = [f"# Assay eval: {released.described}, {len(released.articles)} articles", "",
             f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · model `{released.model}`", ""]
    if candidate is None:
        lines += [f"Prompts: {released.prompts}", "", "| metric | value |", "|---|---|"]
        lines += [f"| {name} | {fmt(released.mean(name))} |" for name in released.metric_names()]
    else:
        lines += [f"Released: {released.prompts} · candidate: {candidate.prompts}", ""]
        if gate is not None:
            lines += [f"**Gate: {'PASSED' if gate.passed else 'FAILED'}**", ""]
            lines += [f"- {f}" for f in gate.failures()] + ([""] if gate.failures() else [])
        lines += ["| metric | released | candidate | delta | 95% interval | tolerance | floor | verdict |", "|---|---|---|---|---|---|---|---|"]
        for v in gate.verdicts if gate else []:
            verdict = "regressed" if v.regressed else "under floor" if v.below_floor else ("ok" if v.tolerance or v.floor is not None else "report only")
            lines.append(f"| {v.metric} | {fmt(v.released)} | {fmt(v.candidate)} | {signed(v.delta)} | "
                         f"[{signed(v.low)}, {signed(v.high)}] | {v.tolerance} | {fmt(v.floor, 2) if v.floor is not None else ''} | {verdict} |")
    for run, label in ((released, "released"), (candidate, "candidate")):
        if run is None:
            continue
        lines += ["", f"## Kinds ({label})", "", run.corpus_line(), "", "Rows gold, columns predicted:", "",
                  "| gold \\ predicted | " + " | ".join(KINDS) + " |", "|---" * (len(KINDS) + 1) + "|"]
        lines += [f"| {kind} | " + " | ".join(str(n) for n in row) + " |" for kind, row in zip(KINDS, run.confusion())]
    if released.disagreements:
        titles = {a.article_id: a.title for a in released.articles}
        lines += ["", "## Where the labels and the breakdown differ (released)", "",
                  "Each labelled statement the breakdown missed, or labelled with another kind or attribution: a wrong label "
                  "or a wrong breakdown, for a person to tell.", ""]
        for article_id in dict.fromkeys(d.article_id for d in released.disagreements):
            lines += [f"### {titles.get(article_id, article_id)}", "", "| labelled | breakdown | quote |", "|---|---|---|"]
            for d in (d for d in released.disagreements if d.article_id == article_id):
                found = f"{d.predicted_kind} · {d.predicted_attribution}" if d.predicted_kind else "not found"
                quote = d.quote.replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {d.kind} · {d.attribution} | {found} | {quote} |")
            lines.append("")
    errors = [a for run in (released, candidate) if run for a in run.articles if a.error]
    if errors:
        lines += ["", "## Failed articles", ""] + [f"- {a.article_id} {a.title}: {a.error}" for a in errors]
    return "\n".join(lines) + "\n"


def _bar(v: MetricVerdict) -> dict[str, float] | None:
    """Positions (0-100) on a symmetric axis for the delta, its interval and the tolerance line."""
    if v.delta is None or v.low is None or v.high is None:
        return None
    scale = max(abs(v.low), abs(v.high), abs(v.delta), v.tolerance, 1e-9) * 1.15

    def x(value: float) -> float:
        return round(50 + 50 * value / scale, 2)

    worse = v.tolerance if v.lower_is_better else -v.tolerance
    return {"delta": x(v.delta), "low": x(v.low), "high": x(v.high), "tolerance": x(worse)}


_HTML = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Assay eval: {{ released.described }}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}.bad{background:#fde2e2}.ok{background:#e6f4ea}
.pass{color:#137333}.fail{color:#c5221f}svg{display:block}
</style></head><body>
<h1>Assay eval: {{ released.described }}, {{ released.articles|length }} articles</h1>
<p>{{ when }} · model <code>{{ released.model }}</code> · released {{ released.prompts }}{% if candidate %} · candidate {{ candidate.prompts }}{% endif %}</p>
{% if gate %}<h2 class="{{ 'pass' if gate.passed else 'fail' }}">Gate {{ 'passed' if gate.passed else 'failed' }}</h2>
{% if gate.failures() %}<ul>{% for f in gate.failures() %}<li>{{ f }}</li>{% endfor %}</ul>{% endif %}
<table><tr><th>metric</th><th>released</th><th>candidate</th><th>delta</th><th>95% interval</th><th>tolerance</th><th>floor</th><th>delta and interval (red line: tolerance)</th></tr>
{% for v in gate.verdicts %}{% set bar = bars[v.metric] %}
<tr class="{{ 'bad' if v.failed else 'ok' if (v.tolerance or v.floor is not none) else '' }}"><td>{{ v.metric }}</td><td>{{ fmt(v.released) }}</td><td>{{ fmt(v.candidate) }}</td>
<td>{{ signed(v.delta) }}</td><td>[{{ signed(v.low) }}, {{ signed(v.high) }}]</td><td>{{ v.tolerance }}</td><td>{{ v.floor if v.floor is not none else '' }}</td>
<td>{% if bar %}<svg width="220" height="18" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="delta {{ signed(v.delta) }}">
<line x1="50" y1="0" x2="50" y2="10" stroke="#999" stroke-width=".4"/>
{% if v.tolerance %}<line x1="{{ bar.tolerance }}" y1="0" x2="{{ bar.tolerance }}" y2="10" stroke="#c5221f" stroke-width=".6"/>{% endif %}
<line x1="{{ bar.low }}" y1="5" x2="{{ bar.high }}" y2="5" stroke="#1a73e8" stroke-width="1.2"/>
<circle cx="{{ bar.delta }}" cy="5" r="1.8" fill="#1a73e8"/></svg>{% endif %}</td></tr>{% endfor %}
</table>
{% else %}<table><tr><th>metric</th><th>value</th></tr>{% for name in released.metric_names() %}<tr><td>{{ name }}</td><td>{{ fmt(released.mean(name)) }}</td></tr>{% endfor %}</table>{% endif %}
{% for run, label in runs %}<h2>Kinds ({{ label }})</h2><p>{{ run.corpus_line() }}</p>
<table><tr><th>gold \\ predicted</th>{% for k in kinds %}<th>{{ k }}</th>{% endfor %}</tr>
{% for row in run.confusion() %}<tr><td>{{ kinds[loop.index0] }}</td>{% for n in row %}<td>{{ n }}</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}
{% if released.disagreements %}<h2>Where the labels and the breakdown differ (released)</h2>
<p>Each labelled statement the breakdown missed, or labelled with another kind or attribution: a wrong label or a wrong breakdown, for a person to tell.</p>
{% for article_id, title in differing %}<h3>{{ title }}</h3><table><tr><th>labelled</th><th>breakdown</th><th style="text-align:left">quote</th></tr>
{% for d in released.disagreements if d.article_id == article_id %}<tr><td>{{ d.kind }} · {{ d.attribution }}</td>
<td>{{ (d.predicted_kind ~ " · " ~ d.predicted_attribution) if d.predicted_kind else "not found" }}</td><td style="text-align:left">{{ d.quote }}</td></tr>{% endfor %}
</table>{% endfor %}{% endif %}
{% if errors %}<h2>Failed articles</h2><ul>{% for a in errors %}<li>{{ a.article_id }} {{ a.title }}: {{ a.error }}</li>{% endfor %}</ul>{% endif %}
</body></html>
""")


def html(released: EvalRun, candidate: EvalRun | None, gate: GateResult | None) -> str:
    runs = [(released, "released")] + ([(candidate, "candidate")] if candidate else [])
    return _HTML.render(
        released=released, candidate=candidate, gate=gate, runs=runs, kinds=KINDS, fmt=fmt, signed=signed,
        bars={v.metric: _bar(v) for v in gate.verdicts} if gate else {},
        errors=[a for run, _ in runs for a in run.articles if a.error], when=f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        differing=[(a.article_id, a.title) for a in released.articles if any(d.article_id == a.article_id for d in released.disagreements)],
    )


def write(folder: Path, released: EvalRun, candidate: EvalRun | None, gate: GateResult | None) -> Path:
    """report.md, report.html and the runs as JSON; returns the HTML path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_text(markdown(released, candidate, gate), encoding="utf-8")
    (folder / "report.html").write_text(html(released, candidate, gate), encoding="utf-8")
    runs = {"released": released.model_dump(mode="json"), "candidate": candidate.model_dump(mode="json") if candidate else None,
            "gate": gate.model_dump(mode="json") if gate else None}
    (folder / "runs.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return folder / "report.html"
