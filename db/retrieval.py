"""Finds the sample question/SQL pairs closest to a question, offline and without a tokenizer download.

Character 1-3 grams work for Korean (no word segmentation needed) and English alike; TF-IDF vectors are
precomputed once so a search is one small matrix-vector product.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.text import search_key


@dataclass(frozen=True)
class Example:
    """A sample question/SQL pair retrieved for a question, with its similarity score."""

    question: str
    sql: str
    score: float = 0.0
    source: str = "sample"  # "sample" (db/sample_queries.txt) or "saved" (a pair staff saved in the app)
    pair_id: int | None = None  # the saved pair's id, for the trace


NGRAM_SIZES = (1, 2, 3)


def char_ngrams(text: str) -> Counter:
    """Grams of the text's search key, so '평균  나이?' and '평균 나이' are the same question."""
    padded = f" {search_key(text)} "
    grams: Counter = Counter()
    for n in NGRAM_SIZES:
        grams.update(g for g in (padded[i : i + n] for i in range(len(padded) - n + 1)) if g.strip())
    return grams


def _pair_fields(pair) -> tuple[str, str]:
    if isinstance(pair, tuple):
        return str(pair[0]), str(pair[1])
    return pair.question, pair.sql


class KnowledgeBase:
    """Sample pairs plus their L2-normalised TF-IDF matrix; scores are cosine similarities in [0, 1]."""

    def __init__(self, questions: list[str], sqls: list[str]):
        self.questions = list(questions)
        self.sqls = list(sqls)
        counts = [char_ngrams(q) for q in self.questions]
        vocab: dict[str, int] = {}
        for grams in counts:
            for gram in grams:
                vocab.setdefault(gram, len(vocab))
        self._vocab = vocab
        docs = len(self.questions)
        doc_freq = np.zeros(len(vocab))
        for grams in counts:
            doc_freq[[vocab[g] for g in grams]] += 1
        self._idf = np.log((1 + docs) / (1 + doc_freq)) + 1.0
        matrix = np.zeros((docs, len(vocab)))
        for row, grams in enumerate(counts):
            for gram, count in grams.items():
                col = vocab[gram]
                matrix[row, col] = (1 + math.log(count)) * self._idf[col]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._matrix = matrix / np.where(norms == 0, 1.0, norms)

    @classmethod
    def from_pairs(cls, pairs) -> "KnowledgeBase":
        """Accepts SamplePair / Example objects or plain (question, sql) tuples."""
        fields = [_pair_fields(p) for p in pairs]
        return cls([q for q, _ in fields], [s for _, s in fields])

    @classmethod
    def load(cls, path: str | Path | None = None, include_eval: bool = False) -> "KnowledgeBase":
        """Eval pairs stay held out unless asked for, so evaluations never grade against their own answers."""
        from db.knowledge_base import load_pairs
        from core.paths import KNOWLEDGE_BASE_FILE

        pairs = load_pairs(Path(path) if path is not None else KNOWLEDGE_BASE_FILE)
        return cls.from_pairs(p for p in pairs if include_eval or p.split != "eval")

    def __len__(self) -> int:
        return len(self.questions)

    def _query_vector(self, question: str) -> tuple[list[int], np.ndarray]:
        grams = char_ngrams(question)
        cols, weights = [], []
        for gram, count in grams.items():
            col = self._vocab.get(gram)
            if col is not None:
                cols.append(col)
                weights.append((1 + math.log(count)) * self._idf[col])
        # Grams no pair has still count in the norm (at the idf of an unseen gram), so a question
        # that merely shares a few words with a pair does not look like a near-duplicate of it.
        unseen_idf = math.log(1 + len(self.questions)) + 1.0
        unknown = [(1 + math.log(c)) * unseen_idf for g, c in grams.items() if g not in self._vocab]
        norm = math.sqrt(sum(w * w for w in weights) + sum(u * u for u in unknown))
        return cols, np.asarray(weights) / (norm or 1.0)

    def scores(self, question: str) -> np.ndarray:
        if not self.questions:
            return np.zeros(0)
        cols, weights = self._query_vector(question)
        if not cols:
            return np.zeros(len(self.questions))
        return self._matrix[:, cols] @ weights

    def search(self, question: str, k: int = 3) -> list[Example]:
        """The k most similar pairs, best first; equal scores keep file order so results are stable."""
        if k <= 0 or not self.questions:
            return []
        scores = self.scores(question)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Example(self.questions[i], self.sqls[i], round(float(scores[i]), 4)) for i in order]


@lru_cache(maxsize=4)
def _cached(path: str, include_eval: bool, mtime_ns: int) -> KnowledgeBase:
    return KnowledgeBase.load(path, include_eval=include_eval)


def cached_knowledge_base(path: str | Path | None = None, include_eval: bool = False) -> KnowledgeBase:
    """The knowledge base loaded once per file version; an edited file is picked up on its next use."""
    from core.paths import KNOWLEDGE_BASE_FILE

    target = Path(path) if path is not None else KNOWLEDGE_BASE_FILE
    try:
        mtime = target.stat().st_mtime_ns
    except FileNotFoundError:
        return KnowledgeBase([], [])
    return _cached(str(target), include_eval, mtime)
