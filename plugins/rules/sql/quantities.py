"""Numbers that name a filter: "30세 이상", "households of 3 or more", "월 5만원", "40대와 50대".

Numbers carry most of a question's filters, so they are read first and their words blanked out, leaving the
rest of the sentence for measures and groupings.

A minus sign is part of the number. A negative discount rate is run as written ("할인율 -10% 이상" is
`discRate >= -10`): a rate is a signed quantity (below zero it is a surcharge), so the bound means what it says
and its answer, every customer, is true. Every other column counts or measures something that cannot be below
zero (years, people, won, 평, points, a fee), so a negative value there is a slip, and the parser declines
rather than answer about customers nobody can be.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core import units
from core.numbers import MINUS_BEFORE
from plugins.rules.sql import lexicon as lx
from plugins.rules.sql.decline import Decline
from plugins.rules.sql.intent import FEE, Condition, Filter
from plugins.rules.sql.scan import Scan, compact, number

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
SIGNED_COLUMNS = ("discRate",)  # the columns whose value may be stated below zero; see the module docstring


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
    scale = units.WON_PER_THOUSAND if column == FEE else 1  # fees are stored in won, amt in thousands
    low = compact(q.low * scale)
    if q.high is not None:
        high = compact(q.high * scale)
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


def _signed(work: str, m: re.Match) -> tuple[float, int]:
    """The number at `m` with the minus sign written before it, and where the number, sign included, starts."""
    sign = MINUS_BEFORE.search(work, max(0, m.start() - 12), m.start())
    return (-number(m[0]), sign.start()) if sign else (number(m[0]), m.start())


def read_numeric_filters(scan: Scan) -> list[Filter]:
    """Every number that names a filter, in question order; the parser merges two about one column."""
    found: list[Filter] = []
    pos = 0
    while True:
        m = _NUMBER.search(scan.work, pos)
        if m is None:
            break
        pos = m.end()
        work = scan.work
        column, band, end = _read_unit(work, m.end())
        low, start = _signed(work, m)
        high = None
        between = lx.EN_PREFIX.search(work, max(0, start - 12), start)
        joiner = lx.RANGE_JOIN.match(work, end)
        if between and between.lastgroup == "between":
            joiner = lx.BETWEEN_AND.match(work, end) or joiner
        if joiner:
            second = _NUMBER.search(work, joiner.end())  # after the joiner, past the second number's own sign
            col2, band2, end2 = _read_unit(work, second.end())
            if col2 and not column or column and col2 == column or not (column or col2):
                column, band = column or col2, band or band2
                high = _signed(work, second)[0] + (9 if band2 or band else 0)
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
        if column in ("amt", FEE) and low >= units.WON_PER_THOUSAND and high is not None:  # "30,000 and 50,000 won"
            low = units.won_to_thousands(low)
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
        if min(low, high if high is not None else low) < 0 and column not in SIGNED_COLUMNS:
            raise Decline("impossible_value", work[start:end].strip(), subject=column)
        quantity = _Quantity(low, high, column, band, end)
        conditions = _conditions(column, op or ("between" if high is not None else "eq"), quantity)
        found.append(Filter(column, conditions, start))
        scan.mask(start, end)
        pos = end
    return found
