"""Every refusal reads in one language: a Korean message carries a Korean reason."""
import re

import pytest

from core.errors import CannotAnswer, InputTooLong, SqlRefused
from engine.sql_guard import check_sql
from hostile_corpus import HOSTILE

ENGLISH_WORD = re.compile(r"\b(the|is|not|allowed|only|can|run|statement|contains|could|parsed)\b")


@pytest.mark.parametrize("sql", [s.format(dir="/tmp/nowhere") for s in HOSTILE if "RECURSIVE" not in s])
def test_guard_refusals_have_a_korean_reason(sql):
    with pytest.raises(SqlRefused) as caught:
        check_sql(sql)
    korean, english = caught.value.message("ko"), caught.value.message("en")
    assert not ENGLISH_WORD.search(korean), korean
    assert "SQL" in english and korean != english


def test_messages_format_their_numbers_for_people():
    error = InputTooLong(length=100_000, limit=2_000)
    assert "100,000" in error.message("en") and "2,000" in error.message("ko")


def test_cannot_answer_lists_its_suggestions_in_json():
    payload = CannotAnswer(suggestions=["a", "b", "c"]).to_json("ko")
    assert payload["refused"] is True and payload["suggestions"] == ["a", "b", "c"]
    assert "- a" in payload["error"]
