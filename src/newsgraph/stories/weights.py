"""The learned story model: one weight per similarity signal, an intercept and the
join threshold, fitted on ECB+ by ``bench/stories_fit.py`` and shipped as
``stories/weights.json``."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

NO_MERGE = 2.0  # a merge threshold no probability reaches


@dataclass(frozen=True)
class Weights:
    coef: dict[str, float]
    intercept: float
    threshold: float
    window_days: float = 7.0
    prior_docs: float = 0.0  # pseudo-documents of general English in the term weights (cluster.Frequencies)
    merge_threshold: float = NO_MERGE  # two stories merge in the repair pass from this probability
    trained_on: dict[str, Any] = field(default_factory=dict, compare=False)

    def probability(self, signals: list[float]) -> float:
        from .cluster import SIGNALS

        z = self.intercept + sum(self.coef.get(name, 0.0) * x for name, x in zip(SIGNALS, signals, strict=True))
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Weights:
        return cls(
            coef={str(k): float(v) for k, v in data["coef"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            window_days=float(data.get("window_days", 7.0)),
            prior_docs=float(data.get("prior_docs", 0.0)),
            merge_threshold=float(data.get("merge_threshold", NO_MERGE)),
            trained_on=dict(data.get("trained_on") or {}),
        )


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Weights:
    """The packaged weights, or those of a file written by ``bench/stories_fit.py``."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("newsgraph").joinpath("stories/weights.json").read_text(encoding="utf-8")
    return Weights.from_dict(json.loads(text))
