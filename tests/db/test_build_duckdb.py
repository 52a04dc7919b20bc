"""The builder on DuckDB: the same contents as SQLite, CSV import with its bad-row report, atomic replacement."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

import db.build
import db.generator
from core.paths import ROOT
from db.build import build_database, database_file, ensure_database
from db.catalog import PRODUCTS
from db.csv_import import CsvImportError
from db.generator import generate_customers
from engine.settings import offline_settings

HEADER = "age,houseHold,amt,size,score,discRate,prdtGrpCd,prdtCd\n"


def read(path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).df()


def test_duckdb_holds_the_generated_customers_and_the_catalogue(tmp_path):
    path = tmp_path / "c.duckdb"
    assert build_database(f"duckdb:///{path}", rows=1_500, seed=7) == {"database": str(path), "rows": 1_500}
    stored = read(path, "SELECT * FROM customer ORDER BY id")
    expected = generate_customers(rows=1_500, seed=7)
    pd.testing.assert_frame_equal(stored, expected[list(stored.columns)], check_dtype=False)
    assert sorted(read(path, "SELECT prdtCd FROM product")["prdtCd"]) == sorted(p.code for p in PRODUCTS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.duckdb"]


def test_rows_are_stored_by_product_group_so_one_group_is_one_stretch_of_the_file(tmp_path):
    path = tmp_path / "c.duckdb"
    build_database(f"duckdb:///{path}", rows=2_000, seed=3)
    groups = read(path, "SELECT prdtGrpCd FROM customer")["prdtGrpCd"].tolist()
    changes = sum(1 for a, b in zip(groups, groups[1:]) if a != b)
    assert changes == len(set(groups)) - 1


def test_rebuilding_replaces_the_file_and_a_failed_build_leaves_it_untouched(tmp_path, monkeypatch):
    path = tmp_path / "c.duckdb"
    build_database(f"duckdb:///{path}", rows=300, seed=3)
    build_database(f"duckdb:///{path}", rows=120, seed=4)
    assert read(path, "SELECT COUNT(*) AS n FROM customer")["n"][0] == 120
    before = path.read_bytes()

    def duplicate_ids(rows, seed):
        frame = generate_customers(rows=rows, seed=seed)
        frame.loc[frame.index[-1], "id"] = 1
        return frame

    monkeypatch.setattr(db.generator, "generate_customers", duplicate_ids)
    with pytest.raises(Exception, match="(?i)duplicate|constraint"):
        build_database(f"duckdb:///{path}", rows=5_000, seed=6)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.duckdb"]


def test_a_csv_builds_duckdb_and_a_bad_one_builds_nothing(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "35,4,30,30,50,10,정수기,정수기1\n62,2,40,25,80,20,비데,비데2\n", encoding="utf-8")
    path = tmp_path / "real.duckdb"
    assert build_database(f"duckdb:///{path}", csv_path=good)["rows"] == 2
    assert read(path, "SELECT id, age, prdtCd FROM customer ORDER BY id").values.tolist() == [
        [1, 35, "정수기1"], [2, 62, "비데2"]]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "200,1,30,20,50,10,정수기,정수기1\n", encoding="utf-8")
    with pytest.raises(CsvImportError):
        build_database(f"duckdb:///{tmp_path / 'new.duckdb'}", csv_path=bad)
    assert not (tmp_path / "new.duckdb").exists()


def _cli(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BEDROCK_", "OPENAI_"))}
    env.update(DATABASE_URL=url, VECTORIZER="rules", SQL_GENERATOR="rules", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_cli_builds_from_csv_reports_bad_rows_and_runs_sql_on_duckdb(tmp_path):
    url = f"duckdb:///{tmp_path / 'customers.duckdb'}"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "35,4,30,30,50,10,정수기,정수기1\n40,3,30000,30,50,10,정수기,정수기1\n", encoding="utf-8")
    refused = _cli(["build-db", "--csv", str(bad)], url)
    assert refused.returncode == 2
    report = json.loads(refused.stdout)
    assert report["code"] == "csv_invalid" and report["errors"][0]["line"] == 3 and "thousands" in report["errors"][0]["reason"]
    assert not (tmp_path / "customers.duckdb").exists()

    good = tmp_path / "good.csv"
    good.write_text(HEADER + "35,4,30,30,50,10,정수기,정수기1\n41,3,35,30,60,15,비데,비데1\n", encoding="utf-8")
    built = _cli(["build-db", "--csv", str(good)], url)
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout) == {"database": str(tmp_path / "customers.duckdb"), "rows": 2}
    ran = _cli(["run-sql", "SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd ORDER BY prdtGrpCd"],
               url)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["rows"] == [["비데", 1], ["정수기", 1]]
    assert _cli(["run-sql", "DELETE FROM customer"], url).returncode == 2


def test_in_memory_duckdb_is_refused_and_a_missing_file_is_built_on_first_use(tmp_path, monkeypatch):
    with pytest.raises(Exception, match="in-memory"):
        build_database("duckdb:///:memory:", rows=10)
    assert database_file("duckdb:///:memory:") is None
    calls = []
    real_build = db.build.build_database
    monkeypatch.setattr(db.build, "build_database", lambda url: calls.append(url) or real_build(url, rows=50, seed=1))
    settings = offline_settings(database_url=f"duckdb:///{tmp_path / 'fresh.duckdb'}")
    assert ensure_database(settings) == settings.database_url
    assert calls == [settings.database_url] and (tmp_path / "fresh.duckdb").is_file()
