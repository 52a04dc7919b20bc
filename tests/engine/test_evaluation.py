"""`python -m engine eval`: the held-out cases load, the figures count what they say, and any backend is scored."""
from __future__ import annotations

import json

import pytest

from core.errors import BackendError, BackendNotConfigured, BadInput, UnknownBackend
from core.features import FEATURES, PRODUCT_GROUPS
from engine.app import Engine
from engine.cli import main
from engine.evaluation import (VECTORIZER_CASES_FILE, evaluate_vectorizer, load_vectorizer_cases, run_eval,
                               same_value)
from engine.settings import offline_settings
from plugin_helpers import registered
from plugins import VectorizeResult, Vectorizer, hookimpl


class ConstantVectorizer(Vectorizer):
    """Reads every message as the same customer: a backend that invents."""

    backend_id = "constant"

    def vectorize(self, request):
        return VectorizeResult(features=dict.fromkeys(FEATURES, 40.0), product_group="정수기", raw="{}")


class BrokenVectorizer(Vectorizer):
    backend_id = "broken"

    def vectorize(self, request):
        raise BackendError(backend=self.backend_id)


class Plugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(ConstantVectorizer)
        register(BrokenVectorizer)


@pytest.fixture
def engine(small_db):
    with registered(Plugin()):
        yield Engine(offline_settings(database_url=small_db))


def test_the_shipped_cases_are_bilingual_and_say_null_where_nothing_is_stated():
    cases = load_vectorizer_cases()
    assert len(cases) >= 25
    korean = sum(any("가" <= ch <= "힣" for ch in case.text) for case in cases)
    assert 8 <= korean <= len(cases) - 8
    assert all(case.group is None or case.group in PRODUCT_GROUPS for case in cases)
    assert sum(value is None for case in cases for value in case.expected.values()) > len(cases) * 3
    assert any(case.carried for case in cases) and any(all(v is None for v in case.expected.values()) for case in cases)
    assert len({case.text for case in cases}) == len(cases)


def test_a_malformed_case_names_its_line(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"text": "hi", "expected": {"age": null}}\n', encoding="utf-8")
    with pytest.raises(BadInput, match="line 1"):
        load_vectorizer_cases(path)


def test_same_value_tolerance():
    assert same_value(None, None) and same_value(25.4, 25.41) and same_value(30, 30.4)
    assert not same_value(30, 31) and not same_value(None, 0) and not same_value(0, None)
    assert same_value(1000, 1015) and not same_value(1000, 1030)


def test_rules_reads_the_held_out_cases(engine):
    figures = evaluate_vectorizer(engine, "rules", load_vectorizer_cases())
    assert figures["field_accuracy"] >= 0.9 and figures["group_accuracy"] >= 0.9 and figures["errors"] == 0
    assert figures["invented"] <= 2


def test_a_backend_that_invents_is_counted(engine):
    cases = load_vectorizer_cases()
    figures = evaluate_vectorizer(engine, "constant", cases)
    nulls = sum(value is None for case in cases for name, value in case.expected.items() if name not in case.carried)
    assert figures["invented"] >= nulls - 2 and figures["field_accuracy"] < 0.2
    assert figures["invented"] + figures["missed"] + figures["wrong"] == len(
        [m for m in figures["misses"] if m.get("kind") != "group"])


def test_a_failing_backend_counts_every_field_wrong(engine):
    cases = load_vectorizer_cases()
    figures = evaluate_vectorizer(engine, "broken", cases)
    assert figures["errors"] == len(cases) and figures["field_accuracy"] == 0 and figures["group_accuracy"] == 0
    assert figures["misses"][0]["error"] == "backend_error"


def test_eval_scores_each_kind_a_backend_offers(engine):
    both = run_eval(engine, "rules")
    assert set(both) == {"backend", "vectorizer", "sql"} and "misses" not in both["sql"]
    assert both["sql"]["execution_accuracy"] >= 0.9
    only = run_eval(engine, "constant", verbose=True)
    assert set(only) == {"backend", "vectorizer"} and only["vectorizer"]["misses"]
    with pytest.raises(UnknownBackend):
        run_eval(engine, "nonesuch")


def test_an_unconfigured_backend_is_refused_not_scored_as_rules(engine):
    with pytest.raises(BackendNotConfigured, match="OPENAI_BASE_URL"):
        run_eval(engine, "openai", "vectorizer")


def test_the_cli_prints_one_json_object(small_db, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", small_db)
    assert main(["eval", "--backend", "rules", "--kind", "vectorizer", "--verbose"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "rules" and out["vectorizer"]["cases"] == len(load_vectorizer_cases())
    assert isinstance(out["vectorizer"]["misses"], list)
    for name in ("OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["eval", "--backend", "openai"]) == 1
    assert "OPENAI_BASE_URL" in json.loads(capsys.readouterr().out)["error"]
    assert main(["eval", "--kind", "vectorizer"]) == 2  # --backend is required


def test_the_cases_file_sits_beside_the_knowledge_base():
    from core.paths import KNOWLEDGE_BASE_FILE

    assert VECTORIZER_CASES_FILE.parent == KNOWLEDGE_BASE_FILE.parent
