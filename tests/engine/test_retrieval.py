"""Knowledge-base retrieval: character n-gram TF-IDF finds the obviously matching pair first, in Korean and English."""
from __future__ import annotations

import os

import pytest

from core.text import search_key
from db.knowledge_base import load_pairs
from db.retrieval import KnowledgeBase, cached_knowledge_base

PAIRS = [
    ("연령대별 식기세척기 사용자 수를 보여줘", "SELECT 1"),
    ("정수기 사용자의 평균 나이는?", "SELECT 2"),
    ("How many customers rent an air purifier?", "SELECT 3"),
    ("Average monthly budget by household size", "SELECT 4"),
    ("제품군별 평균 할인율", "SELECT 5"),
]

FILE_TEXT = """# test knowledge base
Q: 비데 사용자 수 알려줘
SQL: SELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '비데'

Q: Number of customers per product group
SQL: SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd

Q: 정수기 사용자 수 알려줘
SQL: SELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '정수기'
SPLIT: eval
"""


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.from_pairs(PAIRS)


@pytest.mark.parametrize(("query", "expected"), [
    ("식기세척기 사용자 연령대별로 보여줘", "SELECT 1"),
    ("정수기 고객 평균 나이", "SELECT 2"),
    ("how many people rent air purifiers", "SELECT 3"),
    ("average budget per household size", "SELECT 4"),
    ("제품군별 할인율 평균은?", "SELECT 5"),
])
def test_the_obviously_matching_pair_comes_first(kb, query, expected):
    found = kb.search(query, k=3)
    assert found[0].sql == expected
    assert found[0].score > found[1].score >= found[2].score


def test_scores_are_cosine_similarities(kb):
    exact = kb.search("정수기 사용자의 평균 나이는?", k=len(PAIRS))
    assert exact[0].score == pytest.approx(1.0)
    assert all(0.0 <= e.score <= 1.0 for e in exact)
    assert kb.search("오늘 날씨 어때?", k=1)[0].score < 0.2


def test_normalisation_ignores_case_width_punctuation_and_spacing(kb):
    assert search_key("  Ｈｏｗ   MANY\tcustomers?! ") == "how many customers"
    assert kb.search("HOW MANY customers rent an AIR purifier", k=1)[0].score == pytest.approx(
        kb.search("how many customers rent an air purifier?", k=1)[0].score)


def test_ties_keep_file_order_and_k_is_respected():
    twins = KnowledgeBase.from_pairs([("같은 질문", "SELECT 'a'"), ("같은 질문", "SELECT 'b'"), ("다른 것", "SELECT 'c'")])
    found = twins.search("같은 질문", k=2)
    assert [e.sql for e in found] == ["SELECT 'a'", "SELECT 'b'"]
    assert twins.search("같은 질문", k=0) == []
    assert len(twins.search("같은 질문", k=10)) == 3


def test_empty_knowledge_base_finds_nothing():
    assert KnowledgeBase.from_pairs([]).search("정수기", k=3) == []


def test_eval_pairs_are_held_out_unless_asked_for(tmp_path):
    path = tmp_path / "kb.txt"
    path.write_text(FILE_TEXT, encoding="utf-8")
    held_out = KnowledgeBase.load(path)
    assert len(held_out) == 2 and "정수기 사용자 수 알려줘" not in held_out.questions
    assert len(KnowledgeBase.load(path, include_eval=True)) == 3
    assert held_out.search("정수기 사용자 수", k=1)[0].question == "비데 사용자 수 알려줘"


def test_cache_loads_once_and_picks_up_an_edited_file(tmp_path):
    path = tmp_path / "kb.txt"
    path.write_text(FILE_TEXT, encoding="utf-8")
    first = cached_knowledge_base(path)
    assert cached_knowledge_base(path) is first
    path.write_text(FILE_TEXT + "\nQ: 매트리스 사용자 수\nSQL: SELECT 9\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = cached_knowledge_base(path)
    assert second is not first and len(second) == 3
    assert len(cached_knowledge_base(tmp_path / "missing.txt")) == 0


def test_real_knowledge_base_answers_its_own_training_questions_first():
    kb = KnowledgeBase.load()
    train = [p for p in load_pairs() if p.split == "train"]
    assert len(kb) == len(train)
    for pair in train:
        best = kb.search(pair.question, k=1)[0]
        assert best.question == pair.question and best.score == pytest.approx(1.0)
