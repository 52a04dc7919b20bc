"""The recommend pipeline as named steps: build the request -> vectorize -> build the report -> rank ->
explain -> compose the reply. Ranking keeps a named group only, renormalised, and takes the top 3. A message
that refines the last recommendation (engine.refine) narrows or shifts the ranking and keeps the facts."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.features import FEATURE_INFO, FEATURES
from db.catalog import GROUPS, PRODUCTS_BY_CODE
from engine.cards import build_card
from engine.refine import Refinement, read_refinement
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
    refinement: Refinement | None = None  # what this turn refined, if it refined the last recommendation
    note: dict = field(default_factory=dict)  # what the refinement changed, for the reply

    def cards(self) -> list[dict]:
        return [build_card(self, pick, i) for i, pick in enumerate(self.top)]

    def to_json(self) -> dict:
        payload = self.vector.to_json()
        payload["top"] = [{**pick.to_json(self.vector.language), "card": card}
                          for pick, card in zip(self.top, self.cards())]
        payload["drivers"] = self.drivers
        payload["ask_next"] = self.ask_next
        payload["refinement"] = ({"kind": self.refinement.kind, "product": self.refinement.code, **self.note}
                                 if self.refinement else None)
        payload["reply"] = self.reply
        return payload


def rank(probabilities: np.ndarray, labels: list[str], group: str | None, top_n: int = TOP_N,
         allowed: set[str] | None = None) -> list[Pick]:
    """Best first; a named group (and a refinement's `allowed` codes) keeps only its products, renormalised so
    they sum to one."""
    codes = list(labels)
    probs = np.asarray(probabilities, dtype=np.float64)
    if group or allowed is not None:
        keep = [i for i, code in enumerate(codes) if (not group or PRODUCTS_BY_CODE[code].group == group)
                and (allowed is None or code in allowed)]
        if not keep:
            return []
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
        refinement = read_refinement(text) if session.last_top else None
        note = self.widen(session) if refinement and refinement.kind == "bigger" else {}
        report = self.vectorize(text, language, vectorizer, session)
        if progress is not None:
            progress("vector", {"report": report})
        labels = list(recommender.class_labels)
        probabilities, drivers, ask_next = explain(recommender.predict_proba, report, labels, self.bounds)
        ask_next = next(iter(report.doubtful), ask_next)  # a fact the customer gave doubtfully is asked first
        group, allowed = report.product_group, None
        if refinement:
            group, allowed, more = self.narrow(refinement, session, group)
            note.update(more)
        top = rank(probabilities, labels, group, allowed=allowed)
        if not top:  # nothing cheaper: the cheapest of what was shown stays, and the reply says so
            top = rank(probabilities, labels, None, 1, {note["kept"]})
        recommendation = Recommendation(vector=report, top=top, drivers=drivers, ask_next=ask_next,
                                        refinement=refinement, note=note)
        recommendation.reply = compose_reply(recommendation)
        session.last_top = [pick.code for pick in top]
        return recommendation

    def widen(self, session: ChatSession) -> dict:
        """'Bigger / more people': two more people and ten more pyeong than known (or typical), kept as facts."""
        changed = {}
        for name, step in (("houseHold", 2), ("size", 10)):
            now = session.carried.get(name, self.bounds.median[name])
            session.carried[name] = changed[name] = float(min(FEATURE_INFO[name].high, now + step))
        return {"widened": changed}

    def narrow(self, refinement: Refinement, session: ChatSession, group: str | None):
        """(group, allowed codes, note) for a refinement of the last recommendation."""
        last = [code for code in session.last_top if code in PRODUCTS_BY_CODE]
        if refinement.kind == "cheaper":
            ceiling = PRODUCTS_BY_CODE[last[0]].monthly_fee
            cheaper = {c for c, p in PRODUCTS_BY_CODE.items() if p.monthly_fee < ceiling}
            kept = min(last, key=lambda c: PRODUCTS_BY_CODE[c].monthly_fee)
            return group, cheaper, {"below_fee": ceiling, "kept": kept}
        if refinement.kind == "other_group":  # the best of the groups not shown yet; the carried group is dropped
            shown = {PRODUCTS_BY_CODE[c].group for c in last}
            others = {c for c, p in PRODUCTS_BY_CODE.items() if p.group not in shown} or None
            return None, others, {"not_groups": sorted(shown, key=GROUPS.index)}
        if refinement.kind == "details" and refinement.code:
            return None, {refinement.code}, {}
        return None, set(last), {}  # compare, or details of the products shown

    def build_request(self, text: str, language: str, session: ChatSession) -> VectorizeRequest:
        return VectorizeRequest(text, language, dict(session.carried), session.carried_group)

    def run_vectorizer(self, vectorizer: Vectorizer, request: VectorizeRequest) -> VectorizeResult:
        return checked_result(vectorizer.vectorize(request), vectorizer.backend_id)

    def remember(self, session: ChatSession, report: VectorReport, result: VectorizeResult) -> None:
        session.remember_features(report.stated, result.product_group, result.clear_group)
