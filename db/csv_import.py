"""Reads a company's real purchase records from CSV, checking every row so a bad file builds nothing.

Accepted: UTF-8 (with or without BOM) and CP949, the encoding Korean Excel saves "CSV" in. Header
names match case-insensitively; `id` is optional (rows are numbered 1..n when it is absent) and
columns we do not use, such as a customer name, are ignored. Fully blank lines are not records.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from db.catalog import GROUPS, PRODUCTS_BY_CODE
from core.errors import BadInput

REQUIRED_COLUMNS: tuple[str, ...] = ("age", "houseHold", "amt", "size", "score", "discRate", "prdtGrpCd", "prdtCd")
COLUMNS: tuple[str, ...] = ("id", *REQUIRED_COLUMNS)
INTEGER_COLUMNS: tuple[str, ...] = ("age", "houseHold", "amt", "size", "score", "discRate")
# Inclusive bounds; None means unbounded. amt is thousands of KRW a month and size pyeong: the upper
# bounds catch the usual unit slips (30000 meaning 30,000 won; 99 meaning m²) rather than real customers.
RANGES: dict[str, tuple[int, int | None]] = {
    "age": (19, 90),
    "houseHold": (1, 8),
    "amt": (1, 1_000),
    "size": (1, 300),
    "score": (0, 100),
    "discRate": (0, 50),
}
_UNIT_HINTS = {
    "amt": "; amt is in thousands of KRW a month (30,000 won = 30)",
    "size": "; size is in pyeong (84 m² = 25)",
}
ENCODINGS = ("utf-8-sig", "cp949")
SHOWN_IN_MESSAGE = 5
SHOWN_IN_JSON = 100
# ASCII digits only: int() would also take "3_5" or full-width digits, which are typos in a data file.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class CsvImportError(BadInput):
    """The file cannot be imported; `errors` lists every problem as {"line", "reason"} (line None = whole file)."""

    code = "csv_invalid"
    ko = "CSV 파일에 문제가 {count:,}건 있어 아무것도 가져오지 않았어요: {detail}"
    en = "The CSV file has {count:,} problem(s), so nothing was imported: {detail}"

    def __init__(self, errors: list[dict]):
        self.errors = list(errors)
        shown = "; ".join(_describe(e) for e in self.errors[:SHOWN_IN_MESSAGE])
        more = len(self.errors) - SHOWN_IN_MESSAGE
        super().__init__(shown + (f"; … (+{more})" if more > 0 else ""), count=len(self.errors))

    def to_json(self, lang: str = "en") -> dict:
        return {**super().to_json(lang), "errors": self.errors[:SHOWN_IN_JSON], "error_count": len(self.errors)}


def _describe(error: dict) -> str:
    return error["reason"] if error["line"] is None else f"line {error['line']}: {error['reason']}"


def _decode(data: bytes) -> str:
    try:
        return data.decode(ENCODINGS[0])
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode(ENCODINGS[1])
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise CsvImportError(
                [{"line": line, "reason": "the file is neither UTF-8 nor CP949 text; save it as CSV UTF-8"}]
            ) from None


def _header_map(header: list[str]) -> dict[str, int]:
    """Column name -> position, matching our names case-insensitively; raises on missing or repeated ones."""
    wanted = {name.lower(): name for name in COLUMNS}
    positions: dict[str, int] = {}
    problems = []
    for index, raw in enumerate(header):
        name = wanted.get(unicodedata.normalize("NFC", raw).strip().lower())
        if name is None:
            continue
        if name in positions:
            problems.append({"line": 1, "reason": f"column {name} appears more than once"})
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        problems.append({"line": 1, "reason": "missing column(s): " + ", ".join(missing)})
    if problems:
        raise CsvImportError(problems)
    return positions


def _parse_int(name: str, text: str) -> tuple[int | None, str | None]:
    if not _WHOLE_NUMBER.fullmatch(text):
        return None, f"{name} {text!r} is not a whole number" if text else f"{name} is empty"
    value = int(text)
    low, high = RANGES.get(name, (1, None))
    if value < low or (high is not None and value > high):
        bounds = f"{low}-{high}" if high is not None else f"at least {low}"
        hint = _UNIT_HINTS.get(name, "") if high is not None and value > high else ""
        return None, f"{name} {value} is out of range ({bounds}){hint}"
    return value, None


def _check_row(cells: dict[str, str]) -> tuple[dict, list[str]]:
    record: dict = {}
    reasons = []
    for name in INTEGER_COLUMNS:
        record[name], reason = _parse_int(name, cells[name])
        if reason:
            reasons.append(reason)
    group, code = cells["prdtGrpCd"], cells["prdtCd"]
    product = PRODUCTS_BY_CODE.get(code)
    if product is None:
        reasons.append(f"prdtCd {code!r} is not in the product catalogue")
        if group not in GROUPS:
            reasons.append(f"prdtGrpCd {group!r} is not a known product group")
    elif group != product.group:
        reasons.append(f"prdtGrpCd {group!r} does not match product {code} (group {product.group})")
    record["prdtGrpCd"], record["prdtCd"] = group, code
    return record, reasons


def parse_purchase_csv(text: str) -> pd.DataFrame:
    """Validate decoded CSV text; returns the customer columns in schema order or raises CsvImportError."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise CsvImportError([{"line": 1, "reason": "the file is empty; the first line must name the columns"}])
    positions = _header_map(header)
    has_id = "id" in positions
    records: list[dict] = []
    errors: list[dict] = []
    first_line_of_id: dict[int, int] = {}
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append({"line": start, "reason": f"expected {len(header)} fields, found {len(row)}"})
            continue
        cells = {name: unicodedata.normalize("NFC", row[i]).strip() for name, i in positions.items()}
        record, reasons = _check_row(cells)
        if has_id:
            record["id"], reason = _parse_int("id", cells["id"])
            if reason:
                reasons.append(reason)
            elif record["id"] in first_line_of_id:
                reasons.append(f"duplicate id {record['id']} (first on line {first_line_of_id[record['id']]})")
            else:
                first_line_of_id[record["id"]] = start
        errors.extend({"line": start, "reason": reason} for reason in reasons)
        records.append(record)
    if not records and not errors:
        raise CsvImportError([{"line": None, "reason": "the file has a header but no data rows"}])
    if errors:
        raise CsvImportError(errors)
    frame = pd.DataFrame.from_records(records)
    if not has_id:
        frame["id"] = range(1, len(frame) + 1)
    return frame.loc[:, list(COLUMNS)].astype({name: "int64" for name in ("id", *INTEGER_COLUMNS)})


def read_purchase_csv(path: Path) -> pd.DataFrame:
    """Read and validate a purchase-record CSV file; any problem raises CsvImportError listing every bad line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsvImportError([{"line": None, "reason": f"file not found: {path.name}"}]) from None
    except OSError as exc:
        raise CsvImportError([{"line": None, "reason": f"cannot read {path.name}: {exc.strerror}"}]) from None
    return parse_purchase_csv(_decode(data))
