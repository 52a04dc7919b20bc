"""The recommend pipeline as named steps: build the request -> vectorize -> build the report -> rank ->
explain -> compose the reply. Ranking keeps a named group only, renormalised, and takes the top 3."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.features import FEATURES
from db.catalog import PRODUCTS_BY_CODE
from engine.replies import compose_reply
from engine.session import ChatSession
from engine.vector import FeatureBounds, VectorReport, build_report
from plugins.base import VectorizeRequest, VectorizeResult, Vectorizer, checked_result

TOP_N = 3


@dataclass(frozen=True)
class Pick:
    code: str
    group: str
    probability: float

    def to_json(self, lang: str = "en") -> dict:
        product = PRODUCTS_BY_CODE[self.code]
        return {
            "prdtCd": self.code,
            "prdtGrpCd": self.group,
            "probability": round(self.probability, 6),
            "name": product.name(lang),
            "monthly_fee": product.monthly_fee,
        }


@dataclass
class Recommendation:
    vector: VectorReport
    top: list[Pick]
    drivers: list[str] = field(default_factory=list)  # stated features that moved the top pick most
    ask_next: str | None = None  # the unstated feature whose value would change the ranking most
    reply: str = ""

    def to_json(self) -> dict:
        payload = self.vector.to_json()
        payload["top"] = [pick.to_json(self.vector.language) for pick in self.top]
        payload["drivers"] = self.drivers
        payload["ask_next"] = self.ask_next
        payload["reply"] = self.reply
        return payload


def rank(probabilities: np.ndarray, labels: list[str], group: str | None, top_n: int = TOP_N) -> list[Pick]:
    """Best first; a named group keeps only its products, renormalised so they sum to one."""
    codes = list(labels)
    probs = np.asarray(probabilities, dtype=np.float64)
    if group:
        keep = [i for i, code in enumerate(codes) if PRODUCTS_BY_CODE[code].group == group]
        codes = [codes[i] for i in keep]
        probs = probs[keep]
        total = probs.sum()
        probs = probs / total if total > 0 else np.full(len(codes), 1.0 / len(codes))
    order = sorted(range(len(codes)), key=lambda i: (-probs[i], codes[i]))[:top_n]
    return [Pick(codes[i], PRODUCTS_BY_CODE[codes[i]].group, float(probs[i])) for i in order]


def explain(predict, report: VectorReport, labels: list[str], bounds: FeatureBounds):
    """One batched forward pass: the customer's probabilities (row 0), then sensitivity — how far the top
    pick falls when a stated fact is replaced by its median, and how far the ranking moves when an assumed
    fact swings across its range. Returns (probabilities, drivers, ask_next)."""
    base = np.array(report.vector(), dtype=np.float32)
    stated = [n for n in FEATURES if report.sources[n] in ("extracted", "carried")]
    assumed = [n for n in FEATURES if report.sources[n] == "default"]
    rows = [base]
    for name in stated:
        row = base.copy()
        row[FEATURES.index(name)] = bounds.median[name]
        rows.append(row)
    for name in assumed:
        for edge in (bounds.low[name], bounds.high[name]):
            row = base.copy()
            row[FEATURES.index(name)] = (edge + bounds.median[name]) / 2
            rows.append(row)
    probs = predict(np.stack(rows))
    top_index = labels.index(rank(probs[0], labels, report.product_group, 1)[0].code)
    drops = {name: float(probs[0, top_index] - probs[1 + i, top_index]) for i, name in enumerate(stated)}
    drivers = [name for name, drop in sorted(drops.items(), key=lambda kv: -kv[1]) if drop > 0.01][:3]
    offset = 1 + len(stated)
    swings = {}
    for i, name in enumerate(assumed):
        low_row, high_row = probs[offset + 2 * i], probs[offset + 2 * i + 1]
        swings[name] = float(np.abs(low_row - probs[0]).sum() + np.abs(high_row - probs[0]).sum())
    ask_next = max(swings, key=lambda n: (swings[n], -FEATURES.index(n))) if swings else None
    return probs[0], drivers, ask_next


class RecommendPipeline:
    """Text (already checked) -> the vectorizer -> the model's input -> ranked picks and a reply.

    The recommender is loaded through `load_recommender` before the session is touched, so a missing
    model changes nothing; the session remembers what was stated only once the vectorizer's output passed."""

    def __init__(self, bounds: FeatureBounds, load_recommender: Callable[[], object]):
        self.bounds = bounds
        self.load_recommender = load_recommender

    def vectorize(self, text: str, language: str, vectorizer: Vectorizer, session: ChatSession) -> VectorReport:
        request = self.build_request(text, language, session)
        started = time.perf_counter()
        result = self.run_vectorizer(vectorizer, request)
        latency_ms = (time.perf_counter() - started) * 1000
        report = build_report(result, session, self.bounds, backend=vectorizer.backend_id, language=language)
        report.latency_ms = latency_ms
        self.remember(session, report, result)
        return report

    def recommend(self, text: str, language: str, vectorizer: Vectorizer, session: ChatSession,
                  progress: Callable[[str, dict], None] | None = None) -> Recommendation:
        """`progress("vector", {"report": ...})`, when given, hears the model's input before ranking starts."""
        recommender = self.load_recommender()
        report = self.vectorize(text, language, vectorizer, session)
        if progress is not None:
            progress("vector", {"report": report})
        labels = list(recommender.class_labels)
        probabilities, drivers, ask_next = explain(recommender.predict_proba, report, labels, self.bounds)
        ask_next = next(iter(report.doubtful), ask_next)  # a fact the customer gave doubtfully is asked first
        recommendation = Recommendation(vector=report, top=rank(probabilities, labels, report.product_group),
                                        drivers=drivers, ask_next=ask_next)
        recommendation.reply = compose_reply(recommendation)
        return recommendation

    def build_request(self, text: str, language: str, session: ChatSession) -> VectorizeRequest:
        return VectorizeRequest(text, language, dict(session.carried), session.carried_group)

    def run_vectorizer(self, vectorizer: Vectorizer, request: VectorizeRequest) -> VectorizeResult:
        return checked_result(vectorizer.vectorize(request), vectorizer.backend_id)

    def remember(self, session: ChatSession, report: VectorReport, result: VectorizeResult) -> None:
        session.remember_features(report.stated, result.product_group, result.clear_group)
