"""Statistics the domain and the evals share: the bootstrap interval, resampling whole articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def bootstrap(items: Sequence[T], statistic: Callable[[list[T]], float | None], rounds: int = 1000, seed: int = 0) -> tuple[float, float] | None:
    """95 % bootstrap interval of `statistic` over `items` (one per article: resampling whole articles,
    because statements of one article are not independent); rounds where it is undefined are skipped."""
    if not items:
        return None
    rng, values = np.random.default_rng(seed), []
    for _ in range(rounds):
        value = statistic([items[i] for i in rng.integers(0, len(items), len(items))])
        if value is not None:
            values.append(value)
    return (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))) if values else None
