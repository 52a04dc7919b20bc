"""Importing real purchase records: every bad line is reported, and a bad file imports nothing."""
from __future__ import annotations

import pandas as pd
import pytest

from db.build import build_database
from db.csv_import import CsvImportError, read_purchase_csv
from db.generator import generate_customers
from core.errors import BadInput

HEADER = "id,age,houseHold,amt,size,score,discRate,prdtGrpCd,prdtCd"


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "purchases.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_file_round_trips_the_generator_frame(tmp_path):
    frame = generate_customers(rows=200, seed=11)
    path = tmp_path / "good.csv"
    frame.to_csv(path, index=False)
    imported = read_purchase_csv(path)
    pd.testing.assert_frame_equal(imported, frame[list(imported.columns)], check_dtype=False)


def test_id_is_optional_and_extra_columns_and_header_case_do_not_matter(tmp_path):
    path = write(
        tmp_path,
        "고객명,AGE,household,amt,size,score,discrate,prdtGrpCd,prdtCd\n"
        "김민수,35,4,30,32,61,10,정수기,정수기2\n"
        "\n"
        "이영희,71,2,25,24,90,20,비데,비데2\n",
    )
    imported = read_purchase_csv(path)
    assert imported["id"].tolist() == [1, 2]
    assert imported.iloc[1].to_dict() == {
        "id": 2, "age": 71, "houseHold": 2, "amt": 25, "size": 24, "score": 90, "discRate": 20,
        "prdtGrpCd": "비데", "prdtCd": "비데2",
    }


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_built(tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "1,35,4,30,32,61,10,정수기,정수기2\n"  # line 2: fine
        "2,17,4,30,32,61,10,정수기,정수기2\n"  # line 3: too young
        "3,40,x,30,32,61,10,정수기,정수기2\n"  # line 4: not a number
        "4,40,3,0,32,61,10,정수기,정수기2\n"  # line 5: zero budget
        "5,40,3,30,32,61,10,비데,정수기2\n"  # line 6: group does not match product
        "6,40,3,30,32,61,10,정수기,정수기9\n"  # line 7: unknown product
        "2,40,3,30,32,61,10,정수기,정수기1\n"  # line 8: duplicate id
        "8,40,3,30,32,61,55,정수기,정수기1\n"  # line 9: discount above 50
        "9,40,3,30\n"  # line 10: short row
        "10,40,3,30,32,101,10,정수기,정수기1\n",  # line 11: score above 100
    )
    with pytest.raises(CsvImportError) as caught:
        read_purchase_csv(path)
    errors = caught.value.errors
    assert [e["line"] for e in errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    reasons = {e["line"]: e["reason"] for e in errors}
    assert "age 17 is out of range (19-90)" in reasons[3]
    assert "houseHold 'x' is not a whole number" in reasons[4]
    assert "amt 0" in reasons[5]
    assert "does not match product 정수기2 (group 정수기)" in reasons[6]
    assert "'정수기9' is not in the product catalogue" in reasons[7]
    assert "duplicate id 2 (first on line 3)" in reasons[8]
    assert "discRate 55" in reasons[9]
    assert "expected 9 fields, found 4" in reasons[10]
    assert "score 101" in reasons[11]

    target = tmp_path / "customers.db"
    with pytest.raises(CsvImportError):
        build_database(f"sqlite:///{target}", csv_path=path)
    assert not target.exists()


def test_the_error_is_bad_input_with_a_bilingual_message_and_json(tmp_path):
    path = write(tmp_path, f"{HEADER}\n1,35,4,30,32,61,10,정수기,정수기7\n")
    with pytest.raises(CsvImportError) as caught:
        read_purchase_csv(path)
    error = caught.value
    assert isinstance(error, BadInput) and error.exit_code == 2
    assert "line 2" in error.message("en") and "아무것도" in error.message("ko")
    payload = error.to_json("en")
    assert payload["errors"] == [{"line": 2, "reason": "prdtCd '정수기7' is not in the product catalogue"}]
    assert payload["error_count"] == 1


def test_missing_columns_are_named(tmp_path):
    path = write(tmp_path, "age,amt,size,discRate,prdtCd\n35,30,32,10,정수기2\n")
    with pytest.raises(CsvImportError) as caught:
        read_purchase_csv(path)
    assert caught.value.errors == [{"line": 1, "reason": "missing column(s): houseHold, score, prdtGrpCd"}]


def test_utf8_with_bom_is_read(tmp_path):
    path = write(tmp_path, f"{HEADER}\n1,35,4,30,32,61,10,식기세척기,식기세척기2\n", encoding="utf-8-sig")
    assert read_purchase_csv(path)["prdtCd"].tolist() == ["식기세척기2"]


def test_cp949_from_korean_excel_is_read(tmp_path):
    text = f"{HEADER}\r\n1,35,4,30,32,61,10,공기청정기,공기청정기1\r\n2,64,2,40,30,80,15,매트리스,매트리스1\r\n"
    path = write(tmp_path, text, encoding="cp949")
    imported = read_purchase_csv(path)
    assert imported["prdtGrpCd"].tolist() == ["공기청정기", "매트리스"]
    assert imported["age"].tolist() == [35, 64]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "the file is empty"),
        (HEADER.encode() + b"\n", "no data rows"),
        (HEADER.encode() + b"\n1,35,4,30,32,61,10,\xff\xfe\xff,x\n", "neither UTF-8 nor CP949"),
    ],
)
def test_unusable_files_are_explained(tmp_path, content, reason):
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    with pytest.raises(CsvImportError) as caught:
        read_purchase_csv(path)
    assert reason in caught.value.errors[0]["reason"]


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CsvImportError) as caught:
        read_purchase_csv(tmp_path / "nope.csv")
    assert caught.value.errors == [{"line": None, "reason": "file not found: nope.csv"}]


def test_unit_slips_are_reported_with_the_unit_expected(tmp_path):
    from db.csv_import import CsvImportError, read_purchase_csv

    path = tmp_path / "units.csv"
    path.write_text(
        "age,houseHold,amt,size,score,discRate,prdtGrpCd,prdtCd\n"
        "35,4,30000,30,80,10,정수기,정수기1\n"
        "35,4,30,99999,80,10,정수기,정수기1\n"
        "35,4,30,30,80,10,정수기,정수기1\n",
        encoding="utf-8",
    )
    with pytest.raises(CsvImportError) as caught:
        read_purchase_csv(path)
    errors = {e["line"]: e["reason"] for e in caught.value.errors}
    assert set(errors) == {2, 3}
    assert "thousands of KRW" in errors[2] and "pyeong" in errors[3]
