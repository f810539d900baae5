"""The release gate: a candidate prompt replaces the released one only if no metric regresses.

Noise-aware: the delta of each metric is resampled over articles (paired bootstrap: the same
articles on both sides), and a regression is a confidence interval lying wholly below minus the
metric's tolerance. A same-quality candidate therefore passes however its scores wobble, and the
seed makes the verdict the same on every run of the same outputs. Floors are absolute minimums.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, Field, field_validator

from assay.evals.metrics import METRICS
from assay.evals.runner import EvalRun

GATE_FILE = Path(__file__).resolve().parent / "gate.yaml"


class MetricRule(BaseModel):
    tolerance: float = Field(0.0, ge=0)
    floor: float | None = None
    lower_is_better: bool = False


class GateConfig(BaseModel):
    resamples: int = Field(2000, ge=1000)
    confidence: float = Field(0.95, gt=0, lt=1)
    seed: int = 0
    metrics: dict[str, MetricRule]

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, rules: dict[str, MetricRule]) -> dict[str, MetricRule]:
        unknown = sorted(set(rules) - set(METRICS))
        if unknown:
            raise ValueError(f"unknown metric(s) {', '.join(unknown)}; the eval reports: {', '.join(METRICS)}")
        return rules

    @classmethod
    def load(cls, path: Path = GATE_FILE) -> GateConfig:
        return cls.model_validate(yaml.safe_load(path.read_text()))


class MetricVerdict(BaseModel):
    metric: str
    released: float | None
    candidate: float | None
    delta: float | None = Field(None, description="Mean over paired articles of candidate - released.")
    low: float | None = Field(None, description="Lower end of the delta's bootstrap interval.")
    high: float | None = None
    articles: int = Field(0, description="Articles with a value on both sides.")
    tolerance: float = 0.0
    floor: float | None = None
    lower_is_better: bool = False
    regressed: bool = False
    below_floor: bool = False

    @property
    def failed(self) -> bool:
        return self.regressed or self.below_floor


class GateResult(BaseModel):
    passed: bool
    verdicts: list[MetricVerdict]

    def failures(self) -> list[str]:
        out = []
        for v in self.verdicts:
            if v.regressed:
                out.append(f"{v.metric}: delta {v.delta:+.3f}, interval [{v.low:+.3f}, {v.high:+.3f}] lies below -{v.tolerance}")
            if v.below_floor:
                out.append(f"{v.metric}: {v.candidate:.3f} is under its floor {v.floor}")
        return out


def paired_bootstrap(deltas: np.ndarray, resamples: int, confidence: float, seed: int) -> tuple[float, float]:
    """Percentile interval of the mean delta, resampling articles with replacement."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(deltas), size=(resamples, len(deltas)))
    means = deltas[picks].mean(axis=1)
    tail = (1 - confidence) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))


def compare(released: EvalRun, candidate: EvalRun, config: GateConfig | None = None) -> GateResult:
    config = config or GateConfig.load()
    by_id = {a.article_id: a for a in released.articles}
    verdicts = []
    for metric in dict.fromkeys([*released.metric_names(), *candidate.metric_names()]):
        rule = config.metrics.get(metric)
        differences: list[float] = []  # candidate - released, over the articles with a value on both sides
        for a in candidate.articles:
            before, after = by_id[a.article_id].metrics.get(metric) if a.article_id in by_id else None, a.metrics.get(metric)
            if before is not None and after is not None:
                differences.append(after - before)
        verdict = MetricVerdict(metric=metric, released=released.mean(metric), candidate=candidate.mean(metric), articles=len(differences))
        if differences:
            deltas = np.asarray(differences, dtype=float)
            verdict.delta = float(deltas.mean())
            verdict.low, verdict.high = paired_bootstrap(deltas, config.resamples, config.confidence, config.seed)
        if rule is not None:
            verdict.tolerance, verdict.floor, verdict.lower_is_better = rule.tolerance, rule.floor, rule.lower_is_better
            if verdict.low is not None and verdict.high is not None:
                # "Worse" is down for most metrics, up for costs.
                verdict.regressed = verdict.low > rule.tolerance if rule.lower_is_better else verdict.high < -rule.tolerance
            if rule.floor is not None and verdict.candidate is not None:
                verdict.below_floor = verdict.candidate < rule.floor
        verdicts.append(verdict)
    return GateResult(passed=not any(v.failed for v in verdicts), verdicts=verdicts)
