"""Text preparation and number reading for the rules SQL parser.

Numbers carry most of a question's filters ("30세 이상", "households of 3 or more", "월 5만원"), so they are
read first and their words blanked out, leaving the rest of the sentence for measures and groupings.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from plugins.rules import sql_lexicon as lx
from plugins.rules.number_words import EN_DECADES, parse_number
from plugins.rules.sql_intent import FEE, Condition, Filter

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"</?[a-z][a-z0-9]{0,9}\s*/?>")  # "<b>총</b> 정수기 사용자": tags pasted from a page
_THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_PYEONG_M2 = 3.3058


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _int(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def normalize(text: str) -> str:
    """NFKC, lowercase, one spacing; number words to digits; money to thousands of KRW ("N천원"); m² to 평."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(str.maketrans({"∼": "~", "〜": "~", "–": "-", "—": "-", "’": "'", "‘": "'"}))
    text = _SPACES.sub(" ", _MARKUP.sub(" ", text)).strip()
    text = _THOUSANDS.sub(lambda m: m[0].replace(",", ""), text)
    text = lx.EN_DECADE_WORD.sub(lambda m: f"{EN_DECADES[m[1]]}s", text)
    text = lx.EN_TENS_WORD.sub(lambda m: f"{_int(parse_number(m[0]))}", text)  # twenty-five -> 25
    text = lx.EN_NUMBER_WORD.sub(
        lambda m: f"{m['pre'] or ''}{lx.EN_NUMBERS[m['w']]}{m['post'] or ''}" if m["pre"] or m["post"] else m[0], text
    )
    text = lx.KO_NUMBER_WORD.sub(lambda m: f"{lx.KO_NUMBERS[m[1]]}{m[2]}", text)
    text = lx.MONEY_MAN_CHEON.sub(lambda m: f"{_int(round(_num(m[1]) * 10) + int(m[2]))}천원", text)
    text = lx.MONEY_MAN.sub(lambda m: f"{_int(round(_num(m[1]) * 10, 1))}천원", text)
    text = lx.MONEY_WON.sub(lambda m: f"{_int(round(_num(m[1] or m[2]) / 1000, 1))}천원", text)
    text = lx.MONEY_CHEON.sub(lambda m: f"{m[1] or m[2]}천원", text)
    text = lx.AREA_M2.sub(lambda m: f"{round(_num(m[1]) / _PYEONG_M2)}평", text)
    return text


class Scan:
    """The normalised question plus a working copy in which consumed words are blanked with spaces."""

    def __init__(self, text: str):
        self.text = normalize(text)
        self.work = self.text

    def mask(self, start: int, end: int) -> None:
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]

    def take(self, pattern: re.Pattern) -> list[re.Match]:
        """Every match of `pattern` in the working text, each then blanked out."""
        found = list(pattern.finditer(self.work))
        for m in found:
            self.mask(m.start(), m.end())
        return found


@dataclass(frozen=True)
class _Quantity:
    low: float
    high: float | None  # set for ranges and bands
    column: str | None
    band: bool
    end: int


def _read_unit(work: str, pos: int) -> tuple[str | None, bool, int]:
    m = lx.UNIT.match(work, pos)
    if not m or m.end() == pos:
        return None, False, pos
    kind = m.lastgroup
    if kind == "band_age":
        return "age", True, m.end()
    band = lx.BAND_SUFFIX.match(work, m.end())
    if band and kind in ("size", "score", "amt"):
        return kind, True, band.end()
    return kind, False, m.end()


def _feature_before(work: str, start: int, limit: int = 26) -> tuple[str | None, int]:
    """The closest feature word ending before `start` in the same clause, unless a people noun comes between."""
    lo = max(0, start - limit)
    window = work[lo:start]
    for sep in (",", "?", ".", " and ", "와 ", "과 ", "고 "):
        cut = window.rfind(sep)
        if cut >= 0 and lo + cut + len(sep) <= start:
            window, lo = window[cut + len(sep):], lo + cut + len(sep)
    last = None
    for m in lx.FEATURE_WORD.finditer(window):
        last = m
    if last is None:
        return None, -1
    if lx.PEOPLE_NOUN.search(window[last.end():]) and last.lastgroup not in ("houseHold",):
        return None, -1
    return last.lastgroup, lo + last.start()


def _conditions(column: str, op: str, q: _Quantity) -> tuple[Condition, ...]:
    scale = 1000 if column == FEE else 1
    low = _int(q.low * scale)
    if q.high is not None:
        high = _int(q.high * scale)
        table = {"ge": ((">=", low),), "gt": ((">", high),), "le": (("<=", high),), "lt": (("<", low),)}
        if op in table:
            return tuple(Condition(column, o, v) for o, v in table[op])
        return (Condition(column, "between", (low, high)),)
    symbol = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "eq": "="}[op]
    return (Condition(column, symbol, low),)


def _comparator(work: str, start: int, end: int) -> tuple[str | None, int, int]:
    """(op, new start, new end) from a Korean/English postfix or an English prefix around a number."""
    for pattern in (lx.KO_COMPARATOR, lx.EN_POSTFIX):
        m = pattern.match(work, end)
        if m and m.lastgroup:
            return m.lastgroup, start, m.end()
    m = lx.EN_PREFIX.search(work, max(0, start - 24), start)
    if m and m.lastgroup and m.lastgroup != "between":
        return m.lastgroup, m.start(), end
    return None, start, end


def read_numeric_filters(scan: Scan) -> list[Filter]:
    """Every number that names a filter, in question order; sql_parse merges two about one column."""
    found: list[Filter] = []
    pos = 0
    while True:
        m = _NUMBER.search(scan.work, pos)
        if m is None:
            break
        pos = m.end()
        work = scan.work
        column, band, end = _read_unit(work, m.end())
        low, high = _num(m[0]), None
        start = m.start()
        between = lx.EN_PREFIX.search(work, max(0, start - 12), start)
        joiner = lx.RANGE_JOIN.match(work, end)
        if between and between.lastgroup == "between":
            joiner = lx.BETWEEN_AND.match(work, end) or joiner
        if joiner:
            second = _NUMBER.match(work, joiner.end())
            col2, band2, end2 = _read_unit(work, second.end())
            if col2 and not column or column and col2 == column or not (column or col2):
                column, band = column or col2, band or band2
                high = _num(second[0]) + (9 if band2 or band else 0)
                end = end2
                tail = lx.RANGE_END.match(work, end)
                end = tail.end() if tail else end
                if between and between.lastgroup == "between":
                    start = between.start()
        elif band:
            high = low + 9
        op, start, end = _comparator(work, start, end) if high is None or band else (None, start, end)
        if column is None and op:  # "2 or more people": the unit follows the comparator
            column, band, end = _read_unit(work, end)
        word, word_start = _feature_before(work, start)
        if column == "houseHold" and work[m.end():].lstrip().startswith("인") and word and word != "houseHold":
            column = word  # "할인율이 0인 고객": 인 is "which is", not "persons"
        if column == "people":
            context = work[max(0, start - 12): end + 8]
            column = "houseHold" if lx.HOUSEHOLD_CONTEXT.search(context) else None
            if column is None:
                continue
        if column == "amt" and word == FEE:
            column = FEE
        if column in ("amt", FEE) and low >= 1000 and high is not None:  # "30,000 and 50,000 won"
            low /= 1000
        if column is None:
            column = word if word else ("age" if (op or high is not None) else None)
        if column is None:
            continue
        if word == column and word_start >= 0:
            start = min(start, word_start)
        after = lx.FEATURE_WORD.match(work, end + 1) or lx.FEATURE_WORD.match(work, end)
        if after and after.lastgroup == column:
            end = after.end()
        if column != FEE and not all(float(v).is_integer() for v in (low, high or 0)):
            continue  # every column holds whole numbers; "17.5세" is not something to filter on
        quantity = _Quantity(low, high, column, band, end)
        conditions = _conditions(column, op or ("between" if high is not None else "eq"), quantity)
        found.append(Filter(column, conditions, start))
        scan.mask(start, end)
        pos = end
    return found
