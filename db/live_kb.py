"""Retrieval over the reviewed sample queries plus the pairs staff saved in the app, rebuilt the moment a
saved pair changes (in this process or another, such as `python -m engine kb add`), so no restart is needed."""
from __future__ import annotations

import logging
import threading

import numpy as np

from db.glossary import GlossaryEntry, from_staff, load_glossary
from db.retrieval import Example, KnowledgeBase

log = logging.getLogger(__name__)


class LiveKnowledgeBase:
    """Duck-types KnowledgeBase.search; saved pairs come after the seed pairs, each keeping its id."""

    def __init__(self, seed: KnowledgeBase, store):
        self.seed = seed
        self.store = store  # db.state.knowledge.KnowledgeStore
        self._lock = threading.Lock()
        self._version = None
        self._index = seed
        self._saved: list[dict] = []
        self._terms: list[GlossaryEntry] = []

    def _current(self) -> tuple[KnowledgeBase, list[dict]]:
        try:
            version = self.store.version()
            saved = self.store.approved_pairs() if version != self._version else None
            terms = from_staff(self.store.list_terms("approved")) if saved is not None else None
        except Exception as exc:  # an unreachable app-state database must not stop analytics: last known pairs
            log.warning("saved pairs unavailable, using the last known ones: %s", type(exc).__name__)
            saved = None
        with self._lock:
            if saved is not None:
                self._terms = terms
                self._index = KnowledgeBase(self.seed.questions + [p["question"] for p in saved],
                                            self.seed.sqls + [p["sql"] for p in saved])
                self._saved, self._version = saved, version
            return self._index, self._saved

    def glossary(self) -> list[GlossaryEntry]:
        """db/glossary.toml's terms, then the approved ones staff proposed."""
        self._current()
        return [*load_glossary(), *self._terms]

    def saved_pairs(self) -> list[dict]:
        return list(self._current()[1])

    def __len__(self) -> int:
        return len(self._current()[0])

    def search(self, question: str, k: int = 3) -> list[Example]:
        """As KnowledgeBase.search; a saved pair is marked `source="saved"` with its id."""
        index, saved = self._current()
        if k <= 0 or not len(index):
            return []
        scores = index.scores(question)
        seeds = len(self.seed.questions)
        found = []
        for at in np.argsort(-scores, kind="stable")[:k]:
            score = round(float(scores[at]), 4)
            if at < seeds:
                found.append(Example(index.questions[at], index.sqls[at], score))
            else:
                pair = saved[at - seeds]
                found.append(Example(pair["question"], pair["sql"], score, "saved", pair["id"]))
        return found
