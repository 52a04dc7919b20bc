"""Parsing what LLMs write: the vectorizer's JSON (or the prototype's array) and one SQL string."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from core.errors import BackendOutputInvalid
from core.features import PRODUCT_GROUPS
from plugins.llm_output import SANITY_BOUNDS, extract_sql, find_json, parse_vectorizer_output, vectorizer_schema

ALL_NULL = {"age": None, "houseHold": None, "amt": None, "size": None, "score": None, "discRate": None}


@pytest.mark.parametrize(
    "document, features, group",
    [
        ('{"age": 35, "houseHold": 4, "amt": 30, "size": 30, "score": null, "discRate": null, '
         '"product_group": "정수기"}', {"age": 35, "houseHold": 4, "amt": 30, "size": 30}, "정수기"),
        ('```json\n{"age": "35", "amt": "1,200"}\n```', {"age": 35, "amt": 1200}, None),
        ('Sure! Here is the JSON: {"Age": 41, "HOUSEHOLD": 2, "prdtGrpCd": "Air Purifier"} Let me know.',
         {"age": 41, "houseHold": 2}, "공기청정기"),
        ("[35, 4, 30, 30, 50, 10]", dict(zip(ALL_NULL, [35, 4, 30, 30, 50, 10])), None),
        ("[[35, 4, 30, 30, 50, 10]]", dict(zip(ALL_NULL, [35, 4, 30, 30, 50, 10])), None),
        ("See [1]. Vector: [35, 4, 30, 30, 50, 10]", dict(zip(ALL_NULL, [35, 4, 30, 30, 50, 10])), None),
        ('{"age": "unknown", "score": "", "discRate": "N/A", "product_group": "없음"}', {}, None),
        ('{"features": {"age": 29}, "product_group": "bidet"}', {"age": 29}, "비데"),
        ({"age": 60, "size": 84.5}, {"age": 60, "size": 84.5}, None),
        ([19, 1, 5, 3, 0, 0], {"age": 19, "houseHold": 1, "amt": 5, "size": 3, "score": 0, "discRate": 0}, None),
    ],
)
def test_accepted_forms(document, features, group):
    parsed, parsed_group = parse_vectorizer_output(document, "test")
    assert parsed == {**ALL_NULL, **{k: float(v) for k, v in features.items()}}
    assert parsed_group == group
    assert all(value is None or type(value) is float for value in parsed.values())


@pytest.mark.parametrize(
    "document, reason",
    [
        ("no json here", "no JSON"),
        ("[35, 4, 30, 30, 50]", "expected 6 numbers"),
        ('{"age": 35, "comment": "x"}', "unexpected key"),
        ('{"age": 121}', "age"),
        ('{"houseHold": -1}', "houseHold"),
        ('{"amt": 1e400}', "amt"),
        ('{"size": "Infinity"}', "size"),
        ('{"score": 101}', "score"),
        ('{"discRate": true}', "discRate"),
        ('{"age": "삼십오"}', "age"),
        ('{"age": [35]}', "age"),
        ('{"product_group": "냉장고"}', "product_group"),
        ('{"product_group": 3}', "product_group"),
        ("true", "no JSON"),
        (3.5, "neither"),
    ],
)
def test_refused_forms(document, reason):
    with pytest.raises(BackendOutputInvalid, match=reason) as caught:
        parse_vectorizer_output(document, "test")
    assert caught.value.params["backend"] == "test"


@pytest.mark.parametrize(
    "document, kept, group",
    [
        ('{"age": 121, "houseHold": 2, "amt": 30}', {"houseHold": 2, "amt": 30}, None),
        ('{"age": 35, "score": 101, "discRate": -5, "product_group": "비데"}', {"age": 35}, "비데"),
        ('{"age": "삼십오", "product_group": "정수기"}', {}, "정수기"),
        ('{"size": 30, "product_group": "냉장고"}', {"size": 30}, None),
        ('[35, 4, 30, 30, 50, "ten"]', {"age": 35, "houseHold": 4, "amt": 30, "size": 30, "score": 50}, None),
    ],
)
def test_broken_fields_are_refused_one_by_one_and_the_rest_count(document, kept, group, caplog):
    parsed, parsed_group = parse_vectorizer_output(document, "test")
    assert parsed == {**ALL_NULL, **{k: float(v) for k, v in kept.items()}}
    assert parsed_group == group
    assert "refused" in caplog.text


def test_the_schema_is_the_validating_model():
    schema = vectorizer_schema()
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["required"] == [*ALL_NULL, "product_group"]  # a constrained decoder writes every key
    for name, (low, high) in SANITY_BOUNDS.items():
        number, null = schema["properties"][name]["anyOf"]
        assert (number["minimum"], number["maximum"]) == (low, high) and null == {"type": "null"}
    assert schema["properties"]["product_group"]["anyOf"][0]["enum"] == list(PRODUCT_GROUPS)
    assert "default" not in json.dumps(schema)  # strict modes refuse it
    vectorizer_schema()["properties"].clear()
    assert vectorizer_schema() == schema  # callers get a copy


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({}, optional={name: st.one_of(st.none(), st.floats(-1e6, 1e6)) for name in ALL_NULL}))
def test_values_the_schema_admits_are_exactly_those_validation_keeps(document):
    schema = vectorizer_schema()["properties"]
    parsed = None
    try:
        parsed, _ = parse_vectorizer_output(document, "test")
    except BackendOutputInvalid:
        pass
    for name, value in document.items():
        admitted = value is None or schema[name]["anyOf"][0]["minimum"] <= value <= schema[name]["anyOf"][0]["maximum"]
        if parsed is not None:
            assert (parsed[name] is not None) == (admitted and value is not None)


@pytest.mark.parametrize(
    "text, sql",
    [
        ("```sql\nSELECT age FROM customer;\n```", "SELECT age FROM customer"),
        ("Here you go:\n```SQL\nSQL: SELECT 1\n```\nThat counts.", "SELECT 1"),
        ("```\nWITH t AS (SELECT 1 AS x) SELECT x FROM t\n```", "WITH t AS (SELECT 1 AS x) SELECT x FROM t"),
        ("SQL: SELECT COUNT(*) FROM customer;", "SELECT COUNT(*) FROM customer"),
        ("쿼리: select count(*) from customer", "select count(*) from customer"),
        ("The query is:\nSELECT a\nFROM b\n\nThis returns a.", "SELECT a\nFROM b"),
        ('{"sql": "SELECT 2;"}', "SELECT 2"),
        ('{"sql": null, "reason": "no such data"}', None),
        ("CANNOT_ANSWER", None),
        ("With pleasure! Unfortunately the schema has no weather data.", None),
        ("", None),
        (None, None),
        ("```sql\nDELETE FROM customer\n```", "DELETE FROM customer"),  # the guard refuses it, visibly
        ("```sql\nSELECT 1; DROP TABLE customer;\n```", "SELECT 1; DROP TABLE customer"),
    ],
)
def test_extract_sql(text, sql):
    assert extract_sql(text) == sql


def test_find_json_prefers_objects():
    assert find_json('[1] then {"a": 1}') == {"a": 1}
    assert find_json("nothing") is None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet='{}[]",:0123456789. -aegnu\n`')))
def test_arbitrary_text_is_parsed_or_refused_never_crashes(text):
    try:
        features, group = parse_vectorizer_output(text, "test")
    except BackendOutputInvalid:
        pass
    else:
        assert set(features) == set(ALL_NULL)
    result = extract_sql(text)
    assert result is None or (isinstance(result, str) and result.strip() == result and result)


@pytest.mark.parametrize("text", ["[" * 5000, '{"a":' * 3000, "[1," * 20000, "{" * 100_000])
def test_runaway_replies_are_refused_not_crashed(text):
    with pytest.raises(BackendOutputInvalid):
        parse_vectorizer_output(text, "test")
    assert extract_sql(text) is None
