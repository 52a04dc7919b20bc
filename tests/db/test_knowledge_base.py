"""The sample-query knowledge base: its format, its coverage, and every pair running on a real database."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from db.catalog import GROUPS, PRODUCT_CODES
from db.knowledge_base import KnowledgeBaseError, SamplePair, export_documents, load_pairs, parse_pairs

PAIRS = load_pairs()
PROTOTYPE_QUESTIONS = (
    "총 정수기 사용자 알려줘",
    "제품별 사용자수를 그래프로 보여줘",
    "연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘",
)


def test_the_file_has_enough_pairs_in_both_languages():
    languages = Counter(pair.language for pair in PAIRS)
    assert len(PAIRS) >= 70
    assert languages["ko"] >= 0.4 * len(PAIRS) and languages["en"] >= 0.4 * len(PAIRS)
    assert set(PROTOTYPE_QUESTIONS) <= {pair.question for pair in PAIRS}


def test_about_a_quarter_is_held_out_in_both_languages():
    held_out = [pair for pair in PAIRS if pair.split == "eval"]
    assert 0.2 <= len(held_out) / len(PAIRS) <= 0.3
    assert {pair.language for pair in held_out} == {"ko", "en"}
    assert {pair.split for pair in PAIRS} == {"train", "eval"}


def test_age_bands_are_named_and_computed_one_way():
    banded = [pair for pair in PAIRS if "ageBand" in pair.sql]
    assert len(banded) >= 5
    assert all("(age/10)*10 AS ageBand" in pair.sql or "(c.age/10)*10 AS ageBand" in pair.sql for pair in banded)


def test_multi_line_sql_and_comments_are_parsed():
    pairs = parse_pairs(
        "# header comment\n\n"
        "Q: 총 비데 사용자\n"
        "SQL: SELECT COUNT(*) AS users\n"
        "  FROM customer WHERE prdtGrpCd = '비데'\n"
        "\n\n"
        "Q: users by product\n"
        "SQL: SELECT prdtCd, COUNT(*) AS users FROM customer GROUP BY prdtCd\n"
        "SPLIT: eval\n"
    )
    assert pairs == [
        SamplePair("총 비데 사용자", "SELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '비데'", "train", 3),
        SamplePair("users by product", "SELECT prdtCd, COUNT(*) AS users FROM customer GROUP BY prdtCd", "eval", 8),
    ]


@pytest.mark.parametrize(
    "content, line, fragment",
    [
        ("Q: a\nSQL: SELECT 1\n\nQ: b\n\n", 4, "no 'SQL:'"),
        ("Q: a\nSQL: SELECT 1\n\nSQL: SELECT 2\n", 4, "no 'Q:'"),
        ("Q: a\nSQL: SELECT 1\nSPLIT: test\n", 3, "SPLIT must be one of train, eval"),
        ("Q: a\nSQL: DELETE FROM customer\n", 2, "SELECT or WITH"),
        ("Q: a\nSQL: SELECT 1\n\nQ: a\nSQL: SELECT 2\n", 4, "duplicate question (first on line 1)"),
        ("Q: a\nQ: b\nSQL: SELECT 1\n", 2, "'Q:' appears twice"),
        ("Q: a\nanswer: 3\n", 2, "expected 'Q:', 'SQL:' or 'SPLIT:'"),
        ("SPLIT: eval\nQ: a\nSQL: SELECT 1\n", 2, "'Q:' must be the first line"),
        ("Q:\nSQL: SELECT 1\n", 1, "the question is empty"),
    ],
)
def test_malformed_blocks_name_their_line(tmp_path, content, line, fragment):
    path = tmp_path / "kb.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_pairs(path)
    assert caught.value.line == line
    assert fragment in caught.value.detail
    assert f"kb.txt has a problem on line {line}" in caught.value.message("en")
    assert f"kb.txt {line}번째 줄" in caught.value.message("ko")


def test_a_missing_file_is_reported_without_a_line(tmp_path):
    with pytest.raises(KnowledgeBaseError) as caught:
        load_pairs(tmp_path / "absent.txt")
    assert caught.value.line is None
    assert caught.value.message("en") == "The sample-query file absent.txt has a problem: the file does not exist"


def test_export_writes_one_document_and_one_bedrock_metadata_file_per_pair(tmp_path):
    out = tmp_path / "kb"
    out.mkdir()
    (out / "sample-999.txt").write_text("stale")
    (out / "sample-999.txt.metadata.json").write_text("{}")
    (out / "README.md").write_text("not ours")
    pairs = PAIRS[:3] + [pair for pair in PAIRS if pair.split == "eval"][:1]
    written = export_documents(pairs, out)
    documents = sorted(out.glob("sample-*.txt"))
    assert len(documents) == len(pairs) and not (out / "sample-999.txt").exists()
    assert (out / "README.md").exists()
    assert written == documents
    assert sorted(out.glob("*.metadata.json")) == [d.with_name(d.name + ".metadata.json") for d in documents]
    for document, pair in zip(documents, pairs):
        assert document.read_text(encoding="utf-8") == f"Question: {pair.question}\nSQL: {pair.sql}\n"
        metadata = json.loads(document.with_name(document.name + ".metadata.json").read_text(encoding="utf-8"))
        assert metadata == {
            "metadataAttributes": {"language": pair.language, "split": pair.split, "source_line": pair.line}
        }


def _quoted_literals(sql: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", sql))


@pytest.fixture(scope="module")
def connection(small_db):
    engine = create_engine(small_db)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


@pytest.mark.parametrize("pair", PAIRS, ids=[f"line{pair.line}" for pair in PAIRS])
def test_every_pair_runs_and_names_its_columns(connection, pair):
    result = connection.execute(text(pair.sql))
    columns = list(result.keys())
    rows = result.fetchall()
    assert len(set(columns)) == len(columns)
    assert not [name for name in columns if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)], "alias every result"
    literals = _quoted_literals(pair.sql)
    assert literals <= set(GROUPS) | set(PRODUCT_CODES), "a misspelt group or product matches nothing"
    if literals:
        assert rows and any(value not in (None, 0) for value in rows[0])
