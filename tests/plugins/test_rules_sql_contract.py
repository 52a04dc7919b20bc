"""Fee questions that name a contract length read that length's fee column, and "가장 싼 정수기" is the cheapest
water purifier (the extreme is taken within the named group, not over the whole catalogue)."""
from __future__ import annotations

import pytest

from db.catalog import PRODUCTS
from plugins.rules.sql.parser import parse_question
from plugins.rules.sql.render import render


def _sql(question: str) -> str:
    parsed = parse_question(question)
    assert parsed.declined is None, parsed.detail
    return render(parsed.intent, "ko")


@pytest.mark.parametrize("question, column", [
    ("3년 약정 월 렌탈료가 가장 싼 정수기", "fee36"),
    ("36개월 약정 제품별 월 렌탈료", "fee36"),
    ("4년 계약 월 렌탈료가 가장 싼 비데", "fee48"),
    ("monthly fee of each product on a 5-year contract", "fee60"),
])
def test_a_contract_length_picks_its_fee_column(question, column):
    sql = _sql(question)
    assert column in sql and "monthlyFee" not in sql


def test_the_cheapest_in_a_group_is_taken_within_the_group():
    sql = _sql("3년 약정 월 렌탈료가 가장 싼 정수기")
    assert "(SELECT MIN(fee36) FROM product WHERE prdtGrpCd = '정수기')" in sql


def test_a_length_the_catalogue_does_not_offer_is_not_read_as_one():
    assert parse_question("2년 약정 월 렌탈료가 가장 싼 정수기").declined is not None


def test_the_answer_is_the_catalogue_cheapest(small_db):
    from sqlalchemy import create_engine, text

    with create_engine(small_db).connect() as conn:
        rows = conn.execute(text(_sql("3년 약정 월 렌탈료가 가장 싼 정수기"))).fetchall()
    cheapest = min((p for p in PRODUCTS if p.group == "정수기"), key=lambda p: p.fees[36])
    assert [(r[0], r[3]) for r in rows] == [(cheapest.code, cheapest.fees[36])]
