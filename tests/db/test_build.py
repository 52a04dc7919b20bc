"""The database builder: contents, atomic replacement, and building the default database once."""
from __future__ import annotations

import threading

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

import db.build
import db.generator
from db.build import build_database, ensure_database, sqlite_file
from db.catalog import PRODUCTS
from db.csv_import import CsvImportError
from db.generator import generate_customers
from core.errors import BadInput
from engine.settings import offline_settings


def read(url: str, sql: str) -> pd.DataFrame:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return pd.read_sql(text(sql), conn)
    finally:
        engine.dispose()


def test_small_db_holds_the_generated_customers(small_db):
    stored = read(small_db, "SELECT * FROM customer ORDER BY id")
    expected = generate_customers(rows=3_000, seed=7)
    assert len(stored) == 3_000
    pd.testing.assert_frame_equal(stored, expected[list(stored.columns)], check_dtype=False)


def test_product_table_is_the_catalogue(small_db):
    stored = read(small_db, "SELECT * FROM product ORDER BY prdtCd")
    assert sorted(stored["prdtCd"]) == sorted(p.code for p in PRODUCTS)
    for product in PRODUCTS:
        row = stored.set_index("prdtCd").loc[product.code]
        assert (row["prdtGrpCd"], row["name_ko"], row["name_en"], row["monthlyFee"]) == (
            product.group, product.name_ko, product.name_en, product.monthly_fee
        )


def test_build_reports_the_file_and_row_count(tmp_path):
    result = build_database(f"sqlite:///{tmp_path / 'a.db'}", rows=250, seed=1)
    assert result == {"database": str(tmp_path / "a.db"), "rows": 250}


def test_rebuilding_replaces_the_data_instead_of_appending(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    build_database(url, rows=300, seed=3)
    first = read(url, "SELECT * FROM customer ORDER BY id")
    build_database(url, rows=300, seed=3)
    pd.testing.assert_frame_equal(read(url, "SELECT * FROM customer ORDER BY id"), first)
    build_database(url, rows=120, seed=4)
    assert read(url, "SELECT COUNT(*) AS n FROM customer")["n"][0] == 120
    assert read(url, "SELECT COUNT(*) AS n FROM product")["n"][0] == len(PRODUCTS)


def test_a_failed_build_leaves_the_old_database_untouched(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    build_database(url, rows=200, seed=5)
    before = read(url, "SELECT * FROM customer ORDER BY id")

    def duplicate_ids(rows, seed):
        frame = generate_customers(rows=rows, seed=seed)
        frame.loc[frame.index[-1], "id"] = 1  # fails on the primary key after most rows are inserted
        return frame

    monkeypatch.setattr(db.generator, "generate_customers", duplicate_ids)
    with pytest.raises(IntegrityError):
        build_database(url, rows=50_000, seed=6)
    pd.testing.assert_frame_equal(read(url, "SELECT * FROM customer ORDER BY id"), before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.db"]


def test_a_bad_csv_builds_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("age,houseHold,amt,size,score,discRate,prdtGrpCd,prdtCd\n200,1,30,20,50,10,정수기,정수기1\n")
    with pytest.raises(CsvImportError):
        build_database(f"sqlite:///{tmp_path / 'new.db'}", csv_path=bad)
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize(
    "url, kwargs",
    [
        ("sqlite://", {}),
        ("sqlite:///:memory:", {}),
        ("not a url", {}),
        ("sqlite:///{tmp}/x.db", {"rows": 0}),
        ("sqlite:///{tmp}/x.db", {"seed": -1}),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(tmp_path, url, kwargs):
    with pytest.raises(BadInput):
        build_database(url.format(tmp=tmp_path), **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_sqlite_file_only_names_real_sqlite_files(tmp_path):
    assert sqlite_file(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("postgresql+psycopg://user:secret@db.example/rental") is None


def test_ensure_database_builds_a_missing_file_once_across_threads(tmp_path, monkeypatch):
    calls = []
    real_build = db.build.build_database

    def small_build(url):
        calls.append(url)
        return real_build(url, rows=500, seed=2)

    monkeypatch.setattr(db.build, "build_database", small_build)
    settings = offline_settings(database_url=f"sqlite:///{tmp_path / 'sub' / 'default.db'}")
    results = []
    threads = [threading.Thread(target=lambda: results.append(ensure_database(settings))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [settings.database_url] * 4
    assert calls == [settings.database_url]
    assert read(settings.database_url, "SELECT COUNT(*) AS n FROM customer")["n"][0] == 500
    ensure_database(settings)
    assert len(calls) == 1


def test_ensure_database_leaves_other_databases_alone(monkeypatch):
    monkeypatch.setattr(db.build, "build_database", lambda url: pytest.fail("must not build"))
    url = "postgresql+psycopg://user:secret@db.example/rental"
    assert ensure_database(offline_settings(database_url=url)) == url


def test_product_table_carries_the_contract_facts(small_db):
    stored = read(small_db, "SELECT * FROM product").set_index("prdtCd")
    for product in PRODUCTS:
        row = stored.loc[product.code]
        assert [row["fee36"], row["fee48"], row["fee60"]] == [product.fees[m] for m in (36, 48, 60)]
        assert row["fee60"] == product.monthly_fee and row["fee36"] > row["fee60"]
        assert (row["registrationFee"], row["careVisits"]) == (product.registration_fee, product.care_visits)
        assert row["features_en"].split(" · ") == list(product.features_en)
        assert len(product.features_ko) == 3 and all(product.features_ko)
