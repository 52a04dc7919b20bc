"""The engine facade the CLI and the UI share: picks backends (with the rules fallback) and runs pipelines."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.errors import ModelUnavailable
from core.language import validate_message
from engine.recommend import Recommendation, RecommendPipeline
from engine.session import ChatSession
from engine.vector import FeatureBounds, VectorReport
from plugins.base import Backend

if TYPE_CHECKING:  # imported where first used, so commands that need none of them load none of them
    from engine.analytics import AnalyticsAnswer, AnalyticsPipeline
    from db.state.store import StateStore
    from engine.sql_exec import QueryResult, ReadOnlyDatabase
    from engine.knowledge import KnowledgeDesk
    from engine.staff import StaffDesk
    from models.serving import Recommender

log = logging.getLogger(__name__)
# A front end that shows a turn as it happens passes progress(step, data); see the pipelines for the steps.
Progress = Callable[[str, dict], None]

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
        self._recommend_pipeline: RecommendPipeline | None = None
        self._analytics = None
        self._database = None
        self._state = None
        self._staff = None
        self._knowledge = None

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
        # Environment names only, never values: a rejected value may be a secret.
        needed_ko, needed_en = readiness.describe("ko"), readiness.describe("en")
        return {
            "requested": name,
            "used": FALLBACK_BACKEND,
            "missing": list(readiness.missing),
            "invalid": list(readiness.invalid),
            "message_ko": f"{name} 백엔드 설정({needed_ko})이 없어 오프라인 rules 백엔드로 동작해요.",
            "message_en": f"The {name} backend is missing {needed_en}; running on the offline rules backend.",
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

    @property
    def recommender(self) -> Recommender:
        with self._lock:
            if self._recommender is None:
                from models.serving import Recommender  # NumPy only; TensorFlow stays out of serving

                self._recommender = Recommender.load(self.settings.model_path)
            return self._recommender

    @property
    def recommend_pipeline(self) -> RecommendPipeline:
        bounds = self.bounds
        with self._lock:
            if self._recommend_pipeline is None:
                self._recommend_pipeline = RecommendPipeline(bounds, lambda: self.recommender)
            return self._recommend_pipeline

    def vectorize(self, text: str, session: ChatSession | None = None, backend: str | None = None) -> VectorReport:
        session = session if session is not None else ChatSession()
        cleaned, language = validate_message(text, self.settings.max_input_chars)
        vectorizer, fallback = self.backend("vectorizer", backend)
        report = self.recommend_pipeline.vectorize(cleaned, language, vectorizer, session)
        report.fallback = fallback
        return report

    def recommend(self, text: str, session: ChatSession | None = None, backend: str | None = None,
                  progress: Progress | None = None) -> Recommendation:
        session = session if session is not None else ChatSession()
        cleaned, language = validate_message(text, self.settings.max_input_chars)
        vectorizer, fallback = self.backend("vectorizer", backend)
        recommendation = self.recommend_pipeline.recommend(cleaned, language, vectorizer, session, progress)
        recommendation.vector.fallback = fallback
        return recommendation

    # --- analytics ----------------------------------------------------------------------------
    @property
    def database(self) -> ReadOnlyDatabase:
        with self._lock:
            if self._database is None:
                from db.build import ensure_database
                from engine.sql_exec import from_settings

                ensure_database(self.settings)
                self._database = from_settings(self.settings)
            return self._database

    @property
    def analytics(self) -> AnalyticsPipeline:
        database = self.database
        store = self._knowledge_store()  # outside the lock: opening the state store takes it too
        with self._lock:
            if self._analytics is None:
                from engine.analytics import AnalyticsPipeline
                from db.live_kb import LiveKnowledgeBase
                from db.retrieval import cached_knowledge_base

                # Saved pairs join the reviewed seed set the moment they are saved (see engine/knowledge.py).
                live = LiveKnowledgeBase(cached_knowledge_base(), store)
                self._analytics = AnalyticsPipeline(database, live, history_turns=self.settings.sql_history_turns,
                                                    rows_to_llm=self.settings.llm_result_rows)
            return self._analytics

    def ask(self, question: str, session: ChatSession | None = None, backend: str | None = None,
            progress: Progress | None = None) -> AnalyticsAnswer:
        session = session if session is not None else ChatSession()
        cleaned, language = validate_message(question, self.settings.max_input_chars)
        generator, fallback = self.backend("sql_generator", backend)
        answer = self.analytics.answer(cleaned, language, generator, session, progress)
        answer.fallback = fallback
        return answer

    def run_sql(self, sql: str) -> QueryResult:
        return self.database.run(sql)

    # --- staff --------------------------------------------------------------------------------
    @property
    def state(self) -> StateStore:
        """The app-state database (staff, audit log); opened on first use, migrated on first query."""
        with self._lock:
            if self._state is None:
                from db.state.store import StateStore

                self._state = StateStore(self.settings.state_database_url)
            return self._state

    def _knowledge_store(self):
        from db.state.knowledge import KnowledgeStore

        return KnowledgeStore(self.state)

    @property
    def knowledge(self) -> KnowledgeDesk:
        """Saved pairs, feedback and glossary terms, each checked and audited (engine/knowledge.py)."""
        store = self._knowledge_store()  # outside the lock: opening the state store takes it too
        with self._lock:
            if self._knowledge is None:
                from engine.knowledge import KnowledgeDesk

                self._knowledge = KnowledgeDesk(self, store)
            return self._knowledge

    @property
    def staff(self) -> StaffDesk:
        with self._lock:
            if self._staff is None:
                from engine.staff import StaffDesk

                self._staff = StaffDesk(self)
            return self._staff
