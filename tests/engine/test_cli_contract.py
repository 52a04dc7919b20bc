"""The CLI contract from DESIGN.md: one JSON object on stdout, exit 0 / 2 refused / 1 failure."""
import json
import os
import subprocess
import sys

import pytest

from core.features import FEATURES, PRODUCT_GROUPS
from core.paths import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cli_env(small_db):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BEDROCK_", "OPENAI_"))}
    env.update(VECTORIZER="rules", SQL_GENERATOR="rules", DATABASE_URL=small_db, TF_CPP_MIN_LOG_LEVEL="3")
    return env


def run_cli(env, *args, stdin=None):
    code = "import sys; from engine.cli import main; rc = main(sys.argv[1:]); "
    code += "print('TF-IMPORTED' if 'tensorflow' in sys.modules else 'NO-TF', file=sys.stderr); sys.exit(rc)"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, input=stdin, capture_output=True,
        text=True, timeout=180,
    )
    return proc


def only_json(stdout):
    lines = [line for line in stdout.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def test_vectorize_prints_the_contract_and_never_imports_tensorflow(cli_env):
    proc = run_cli(cli_env, "vectorize", "--backend", "rules", "35살 4인 가족 30평 정수기 찾아요")
    assert proc.returncode == 0, proc.stderr
    [payload] = only_json(proc.stdout)
    assert payload["backend"] == "rules"
    assert set(payload["features"]) == set(FEATURES) == set(payload["sources"])
    assert set(payload["sources"].values()) <= {"extracted", "carried", "default"}
    assert payload["product_group"] in PRODUCT_GROUPS
    assert "NO-TF" in proc.stderr


def test_recommend_prints_top_products_and_a_reply(cli_env):
    proc = run_cli(cli_env, "recommend", "--backend", "rules", "I'm 35, family of 4, 30 pyeong, air purifier")
    assert proc.returncode == 0, proc.stderr
    [payload] = only_json(proc.stdout)
    assert payload["top"] and payload["top"][0]["prdtGrpCd"] == "공기청정기"
    probabilities = [p["probability"] for p in payload["top"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert isinstance(payload["reply"], str) and payload["reply"]


@pytest.mark.parametrize("args, code", [
    (("vectorize", "--backend", "rules", "   "), 2),
    (("vectorize", "--backend", "rules", "x" * 100_000), 2),
    (("vectorize", "--backend", "no-such-backend", "35살"), 2),
    (("vectorize", "--backend", "rules", "こんにちは、私は三十五歳です"), 2),
    (("run-sql", "DROP TABLE customer"), 2),
    (("run-sql", "SELECT 1; DELETE FROM customer"), 2),
])
def test_refused_requests_print_an_error_object_and_exit_2(cli_env, args, code):
    proc = run_cli(cli_env, *args)
    assert proc.returncode == code, proc.stderr
    [payload] = only_json(proc.stdout)
    assert payload["error"] and payload["refused"] is True


def test_run_sql_returns_columns_and_rows(cli_env):
    proc = run_cli(cli_env, "run-sql", "SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd")
    assert proc.returncode == 0, proc.stderr
    [payload] = only_json(proc.stdout)
    assert payload["columns"] == ["prdtGrpCd", "users"]
    assert {row[0] for row in payload["rows"]} <= set(PRODUCT_GROUPS)
    assert "NO-TF" in proc.stderr


def test_sql_answers_in_the_users_language(cli_env):
    proc = run_cli(cli_env, "sql", "--backend", "rules", "총 정수기 사용자 알려줘")
    assert proc.returncode == 0, proc.stderr
    [payload] = only_json(proc.stdout)
    assert payload["backend"] == "rules" and payload["sql"].upper().startswith(("SELECT", "WITH"))
    assert payload["columns"] and payload["rows"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in payload["answer"])
    assert "NO-TF" in proc.stderr


def test_plugins_lists_every_backend_with_readiness(cli_env):
    proc = run_cli(cli_env, "plugins")
    assert proc.returncode == 0, proc.stderr
    [payload] = only_json(proc.stdout)
    ids = {b["id"]: b for b in payload["vectorizers"]}
    assert {"rules", "bedrock-flow"} <= set(ids)
    assert ids["rules"]["ready"] is True
    assert ids["bedrock-flow"]["ready"] is False and "BEDROCK_FLOW_ID" in ids["bedrock-flow"]["missing"]
    assert "NO-TF" in proc.stderr


def test_batch_keeps_order_and_reports_bad_lines_in_place(cli_env):
    lines = "35살 혼자 살아요\n\nfamily of 5, 40 pyeong\n"
    proc = run_cli(cli_env, "vectorize", "--backend", "rules", "--batch", "-", stdin=lines)
    assert proc.returncode == 2, proc.stderr
    first, second, third = only_json(proc.stdout)
    assert first["features"]["age"] == 35 and first["features"]["houseHold"] == 1
    assert second["refused"] is True
    assert third["features"]["houseHold"] == 5 and third["features"]["size"] == 40


@pytest.mark.parametrize("args", [("vectorize",), ("no-such-command",), ("train", "--epochs", "many")])
def test_usage_mistakes_are_json_errors_with_exit_2(cli_env, args):
    proc = run_cli(cli_env, *args)
    assert proc.returncode == 2, proc.stderr
    [payload] = only_json(proc.stdout)
    assert payload["refused"] is True and payload["error"]


def test_sql_batch_answers_each_question_in_order(cli_env):
    lines = "총 정수기 사용자 알려줘\n오늘 날씨 어때?\nHow many bidet users are there?\n"
    proc = run_cli(cli_env, "sql", "--backend", "rules", "--batch", "-", stdin=lines)
    assert proc.returncode == 2, proc.stderr
    water, weather, bidet = only_json(proc.stdout)
    assert "정수기" in water["sql"] and water["rows"][0][0] > 0
    assert weather["refused"] is True and len(weather["suggestions"]) == 3
    assert "비데" in bidet["sql"] and bidet["answer"].startswith("There are")


def test_export_kb_leaves_the_held_out_pairs_out(cli_env, tmp_path):
    from db.knowledge_base import load_pairs

    proc = run_cli(cli_env, "export-kb", str(tmp_path / "kb"))
    assert proc.returncode == 0, proc.stderr
    [payload] = only_json(proc.stdout)
    pairs = load_pairs()
    assert payload["documents"] == sum(1 for p in pairs if p.split != "eval")
    assert len(list((tmp_path / "kb").glob("*.metadata.json"))) == payload["documents"]


def test_a_missing_batch_file_is_bad_input(cli_env, tmp_path):
    proc = run_cli(cli_env, "vectorize", "--batch", str(tmp_path / "nowhere.txt"))
    assert proc.returncode == 2
    [payload] = only_json(proc.stdout)
    assert payload["refused"] is True and "batch file" in payload["error"]


def test_a_database_url_with_a_bad_port_is_bad_input_without_echoing_it(cli_env):
    env = {**cli_env, "DATABASE_URL": "postgresql://user:s3cret@host:notaport/db"}
    for args in (("build-db", "--rows", "10"), ("run-sql", "SELECT 1")):
        proc = run_cli(env, *args)
        assert proc.returncode == 2, proc.stderr
        [payload] = only_json(proc.stdout)
        assert payload["refused"] is True and "s3cret" not in proc.stdout + proc.stderr
