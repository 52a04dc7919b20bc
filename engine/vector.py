"""Turns a backend's reading of the text into the model's input: sources, carried values, defaults, clamping."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import BackendOutputInvalid
from core.features import FEATURE_INFO, FEATURES
from engine.session import ChatSession
from plugins.base import VectorizeResult


@dataclass(frozen=True)
class FeatureBounds:
    """Training-range bounds and medians from the model's metadata; documented fallbacks where it has none."""

    low: dict[str, float]
    high: dict[str, float]
    median: dict[str, float]

    @classmethod
    def from_metadata(cls, metadata: dict | None) -> "FeatureBounds":
        stats = (metadata or {}).get("feature_stats", {})
        low, high, median = {}, {}, {}
        for name in FEATURES:
            info, stat = FEATURE_INFO[name], stats.get(name, {})
            low[name] = float(stat.get("min", info.low))
            high[name] = float(stat.get("max", info.high))
            median[name] = float(stat.get("median", info.fallback_default))
        return cls(low, high, median)


@dataclass
class VectorReport:
    """Exactly what the vectorizer produced and what the model will see; the 'show vector' panel."""

    backend: str
    language: str
    features: dict[str, float]
    sources: dict[str, str]
    stated: dict[str, float | None]
    clamped: dict[str, dict] = field(default_factory=dict)
    product_group: str | None = None
    raw: str = ""
    latency_ms: float = 0.0
    fallback: dict | None = None
    # Facts stated with an impossible value or with values that disagree: not used (their source says what
    # the model saw instead), never carried, and asked about in the reply. {name: {"reason", "stated"}}.
    doubtful: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        payload = {
            "backend": self.backend,
            "language": self.language,
            "features": self.features,
            "sources": self.sources,
            "product_group": self.product_group,
            "clamped": self.clamped,
            "doubtful": self.doubtful,
            "raw": self.raw,
            "latency_ms": round(self.latency_ms, 3),
        }
        if self.fallback:
            payload["fallback"] = self.fallback
        return payload

    def vector(self) -> list[float]:
        return [self.features[name] for name in FEATURES]


DOUBT_REASONS = ("impossible", "conflicting")
MAX_DOUBT_WORDS, MAX_DOUBT_CHARS = 4, 40


def checked_doubts(doubtful, backend: str) -> dict[str, dict]:
    """A backend's doubtful facts, checked like its features: they reach the reply, so each is a known feature,
    a known reason and a few short strings of what was said."""
    if not isinstance(doubtful, dict):
        raise BackendOutputInvalid("doubtful is not a mapping", backend=backend)
    checked = {}
    for name in FEATURES:
        if name not in doubtful:
            continue
        doubt = doubtful[name]
        stated = doubt.get("stated", []) if isinstance(doubt, dict) else None
        if not isinstance(doubt, dict) or doubt.get("reason") not in DOUBT_REASONS \
                or not isinstance(stated, (list, tuple)) or not all(isinstance(words, str) for words in stated):
            raise BackendOutputInvalid(f"doubtful {name} is not a reason with what was said", backend=backend)
        words = [" ".join(w.split())[:MAX_DOUBT_CHARS] for w in stated if w.strip()][:MAX_DOUBT_WORDS]
        checked[name] = {"reason": doubt["reason"], "stated": words}
    unknown = set(doubtful) - set(FEATURES)
    if unknown:
        raise BackendOutputInvalid(f"unknown doubtful features {sorted(map(str, unknown))}", backend=backend)
    return checked


def build_report(
    result: VectorizeResult, session: ChatSession, bounds: FeatureBounds, *, backend: str, language: str
) -> VectorReport:
    """A doubtful fact counts as unstated for the model (carried or default) and is kept out of `stated`, so the
    session never remembers it; the reply asks about it instead of calling it unmentioned."""
    doubtful = checked_doubts(result.doubtful, backend)
    features, sources, clamped = {}, {}, {}
    stated = {name: None if name in doubtful else result.features.get(name) for name in FEATURES}
    for name in FEATURES:
        if stated[name] is not None:
            value, sources[name] = float(stated[name]), "extracted"
        elif name in session.carried:
            value, sources[name] = float(session.carried[name]), "carried"
        else:
            value, sources[name] = bounds.median[name], "default"
        limited = min(max(value, bounds.low[name]), bounds.high[name])
        if limited != value:
            clamped[name] = {"stated": value, "used": limited}
        features[name] = limited
    group = result.product_group or (None if result.clear_group else session.carried_group)
    return VectorReport(
        backend=backend,
        language=language,
        features=features,
        sources=sources,
        stated=stated,
        clamped=clamped,
        product_group=group,
        raw=result.raw,
        doubtful=doubtful,
    )
