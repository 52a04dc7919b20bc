"""The engine facade the CLI and the UI share: picks backends (with the rules fallback) and runs pipelines."""
from __future__ import annotations

import logging
import threading
import time

from core.errors import ModelUnavailable
from engine.session import ChatSession
from core.language import validate_message
from engine.vector import FeatureBounds, VectorReport, build_report
from plugins.base import Backend, VectorizeRequest, checked_result

log = logging.getLogger(__name__)

FALLBACK_BACKEND = "rules"
KINDS = ("vectorizer", "sql_generator")


class Engine:
    def __init__(self, settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._registry = None
        self._instances: dict[tuple[str, str], Backend] = {}
        self._resolved: dict[tuple[str, str], tuple[Backend, dict | None]] = {}
        self._bounds: FeatureBounds | None = None
        self._recommender = None
        self._analytics = None
        self._database = None

    # --- backends -------------------------------------------------------------------------------
    @property
    def registry(self):
        if self._registry is None:
            from plugins.manager import get_registry

            self._registry = get_registry(self.settings)
        return self._registry

    def _class_for(self, kind: str, name: str):
        lookup = self.registry.vectorizer_class if kind == "vectorizer" else self.registry.sql_generator_class
        return lookup(name)

    def backend_status(self) -> dict:
        """Every registered backend with its readiness, and plugins that failed to load."""
        status = {}
        for kind, table in (("vectorizers", self.registry.vectorizers), ("sql_generators", self.registry.sql_generators)):
            status[kind] = [
                {"id": backend_id, "description": cls.description, **cls.readiness(self.settings).to_json()}
                for backend_id, cls in sorted(table.items())
            ]
        status["defaults"] = {"vectorizer": self.settings.vectorizer, "sql_generator": self.settings.sql_generator}
        status["fallbacks"] = {kind: self.fallback_for(kind) for kind in KINDS}
        status["failed_plugins"] = self.registry.failures
        return status

    def fallback_for(self, kind: str, name: str | None = None) -> dict | None:
        """Why the chosen backend cannot run and that `rules` answers instead; None when it can run."""
        name = name or (self.settings.vectorizer if kind == "vectorizer" else self.settings.sql_generator)
        cls = self._class_for(kind, name)
        readiness = cls.readiness(self.settings)
        if readiness.ready:
            return None
        missing = ", ".join(readiness.missing)
        return {
            "requested": name,
            "used": FALLBACK_BACKEND,
            "missing": list(readiness.missing),
            "message_ko": f"{name} 백엔드 설정({missing})이 없어 오프라인 rules 백엔드로 동작해요.",
            "message_en": f"The {name} backend is missing {missing}; running on the offline rules backend.",
        }

    def backend(self, kind: str, name: str | None = None) -> tuple[Backend, dict | None]:
        """The backend that will answer for `name` (or the configured one) and the fallback note, if any.
        Resolved once per name: readiness cannot change under fixed settings, and the warning is said once."""
        name = name or (self.settings.vectorizer if kind == "vectorizer" else self.settings.sql_generator)
        with self._lock:
            resolved = self._resolved.get((kind, name))
        if resolved:
            return resolved
        fallback = self.fallback_for(kind, name)  # an unknown name fails loudly here, before any fallback
        if fallback:
            log.warning(fallback["message_en"])
        cls = self._class_for(kind, FALLBACK_BACKEND if fallback else name)
        with self._lock:
            instance = self._instances.setdefault((kind, cls.backend_id), cls(self.settings))
            self._resolved[(kind, name)] = (instance, fallback)
        return instance, fallback

    # --- recommendation -----------------------------------------------------------------------
    @property
    def bounds(self) -> FeatureBounds:
        """Training-range bounds and medians from the metadata beside MODEL_PATH (no model load, no TensorFlow)."""
        if self._bounds is None:
            from models.serving import load_metadata

            try:
                metadata = load_metadata(self.settings.model_path)
            except ModelUnavailable:
                metadata = None  # vectorizing still works on the documented fallback ranges
            self._bounds = FeatureBounds.from_metadata(metadata)
        return self._bounds

    def vectorize(self, text: str, session: ChatSession | None = None, backend: str | None = None) -> VectorReport:
        session = session if session is not None else ChatSession()
        cleaned, language = validate_message(text, self.settings.max_input_chars)
        vectorizer, fallback = self.backend("vectorizer", backend)
        request = VectorizeRequest(cleaned, language, dict(session.carried), session.carried_group)
        started = time.perf_counter()
        result = checked_result(vectorizer.vectorize(request), vectorizer.backend_id)
        latency = (time.perf_counter() - started) * 1000
        report = build_report(result, session, self.bounds, backend=vectorizer.backend_id, language=language)
        report.latency_ms, report.fallback = latency, fallback
        session.remember_features(report.stated, result.product_group, result.clear_group)
        return report

    @property
    def recommender(self):
        with self._lock:
            if self._recommender is None:
                from models.serving import Recommender  # NumPy only; TensorFlow stays out of serving

                self._recommender = Recommender.load(self.settings.model_path)
            return self._recommender

    def recommend(self, text: str, session: ChatSession | None = None, backend: str | None = None):
        from engine.recommend import Recommendation, explain, rank
        from engine.replies import compose_reply

        session = session if session is not None else ChatSession()
        recommender = self.recommender  # load before touching the session, so a failure changes nothing
        report = self.vectorize(text, session, backend)
        labels = list(recommender.class_labels)
        probabilities, drivers, ask_next = explain(recommender.predict_proba, report, labels, self.bounds)
        rec = Recommendation(vector=report, top=rank(probabilities, labels, report.product_group),
                             drivers=drivers, ask_next=ask_next)
        rec.reply = compose_reply(rec)
        return rec

    # --- analytics ----------------------------------------------------------------------------
    @property
    def database(self):
        with self._lock:
            if self._database is None:
                from db.build import ensure_database
                from engine.sql_exec import from_settings

                ensure_database(self.settings)
                self._database = from_settings(self.settings)
            return self._database

    @property
    def analytics(self):
        database = self.database
        with self._lock:
            if self._analytics is None:
                from engine.analytics import AnalyticsPipeline
                from db.retrieval import cached_knowledge_base

                self._analytics = AnalyticsPipeline(
                    database, cached_knowledge_base(), history_turns=self.settings.sql_history_turns
                )
            return self._analytics

    def ask(self, question: str, session: ChatSession | None = None, backend: str | None = None):
        session = session if session is not None else ChatSession()
        cleaned, language = validate_message(question, self.settings.max_input_chars)
        generator, fallback = self.backend("sql_generator", backend)
        answer = self.analytics.answer(cleaned, language, generator, session)
        answer.fallback = fallback
        return answer

    def run_sql(self, sql: str):
        return self.database.run(sql)
