"""Filters with no number of their own, and how many rows a ranking keeps.

Products by name or code (several make an IN list, "제외/except" a NOT IN), "할인 안 받는", "혼자 사는",
"above average", "가장 비싼 제품", and "top 5" / "상위 3개" / "고객 10명". A ranking of zero, of fewer than zero
or of more rows than a LIMIT can hold is declined: answering it with every row, or with none, answers a question
nobody asked.
"""
from __future__ import annotations

from core.numbers import MINUS_BEFORE
from core.vocabulary import mentioned_group
from db.catalog import PRODUCTS, PRODUCTS_BY_CODE
from plugins.rules.sql import lexicon as lx
from plugins.rules.sql.decline import Decline
from plugins.rules.sql.intent import Condition, Filter
from plugins.rules.sql.scan import Scan


def _negated(work: str, start: int, end: int) -> tuple[bool, int, int]:
    after = lx.NEGATION_AFTER.match(work, end)
    if after:
        return True, start, after.end()
    before = lx.NEGATION_BEFORE.search(work, max(0, start - 30), start)
    if before:
        return True, before.start(), end
    return False, start, end


def product_filter(scan: Scan) -> Filter | None:
    """Group names and product codes; several make an IN list, "제외/except" makes it NOT IN."""
    picks: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    starts = []
    for m in list(lx.PRODUCT_CODE.finditer(scan.work)):
        group = mentioned_group(m)
        code = f"{group}{int(m['num'])}"
        if code not in PRODUCTS_BY_CODE:
            raise Decline("unknown_product", code)
        negated, start, end = _negated(scan.work, m.start(), m.end())
        prefix = lx.PRODUCT_PREFIX.search(scan.work, max(0, start - 10), start)
        start = prefix.start() if prefix else start
        picks[not negated][1].append(code)
        starts.append(start)
        scan.mask(start, end)
    for m in list(lx.GROUP_NAME.finditer(scan.work)):
        group = mentioned_group(m)
        negated, start, end = _negated(scan.work, m.start(), m.end())
        picks[not negated][0].append(group)
        starts.append(start)
        scan.mask(start, end)
    conditions = []
    for positive in (True, False):
        groups, codes = (list(dict.fromkeys(x)) for x in picks[positive])
        if groups and codes:  # "정수기2 and bidets": one list of codes covers both
            codes += [p.code for p in PRODUCTS if p.group in groups and p.code not in codes]
            groups = []
        for column, values in (("prdtGrpCd", groups), ("prdtCd", codes)):
            if len(values) == 1:
                conditions.append(Condition(column, "=" if positive else "!=", values[0]))
            elif values:
                conditions.append(Condition(column, "in" if positive else "notin", tuple(values)))
    return Filter("product", tuple(conditions), min(starts)) if conditions else None


def special_filters(scan: Scan) -> list[Filter]:
    found = []
    for m in scan.take(lx.NO_DISCOUNT):
        found.append(Filter("discRate", (Condition("discRate", "=", 0),), m.start()))
    for m in scan.take(lx.SINGLE_HOUSEHOLD):
        found.append(Filter("houseHold", (Condition("houseHold", "=", 1),), m.start()))
    for m in list(lx.AVERAGE_COMPARE.finditer(scan.work)):
        column, start, end = scan.feature_near(m.start(), m.end())
        if column is None:
            raise Decline("average_without_feature", m[0])
        op = m.lastgroup
        if op == "ko":
            word = m[0]
            tail = lx.KO_DIRECTION.search(scan.work, end, end + 8)
            below = "미만" in word or "이하" in word or (tail is not None and tail.lastgroup == "asc")
            op = "below" if below else "above"
            end = tail.end() if tail else end
        found.append(Filter(column, (Condition(column, f"{op}_avg"),), start))
        scan.mask(start, end)
    m = lx.PRICE_EXTREME.search(scan.work)
    if m:
        found.append(Filter(lx.FEE, (Condition(lx.FEE, m.lastgroup),), m.start()))
        scan.mask(m.start(), m.end())
    return found


def merge_filters(filters: list[Filter]) -> list[Filter]:
    """Two statements about one column: ranges narrow each other, but "40대와 50대" or "1인 또는 2인" widen."""
    merged: dict[str, Filter] = {}
    for flt in filters:
        old = merged.get(flt.kind)
        if old is None:
            merged[flt.kind] = flt
            continue
        points = ("=", "between", "anyof")
        if all(c.op in points for c in old.conditions + flt.conditions):
            parts = tuple(c for f in (old, flt) for c in (f.conditions[0].value if f.conditions[0].op == "anyof"
                                                         else f.conditions))
            combined = (Condition(flt.kind, "anyof", parts),)
        else:
            combined = old.conditions + flt.conditions
        merged[flt.kind] = Filter(flt.kind, combined, min(old.start, flt.start))
    return list(merged.values())


MAX_LIMIT = 2**63 - 1  # the largest LIMIT SQLite, PostgreSQL and DuckDB all take


def _limit(m, group: str) -> int:
    """The count a ranking states; declines zero, a negative count and one no LIMIT can hold."""
    count = int(m[group])
    sign = MINUS_BEFORE.search(m.string, max(0, m.start(group) - 12), m.start(group))
    if count == 0 or count > MAX_LIMIT or sign:
        start = min(m.start(), sign.start()) if sign else m.start()
        raise Decline("impossible_limit", m.string[start:m.end()].strip(), subject="limit")
    return count


def top_n(scan: Scan) -> dict:
    """{"limit", "order", "rows" (ranks customers, not groups), "pos"} from "top 5", "상위 3개", "하위 2"."""
    found: dict = {}
    for m in scan.take(lx.TOP_N):
        number = _limit(m, next(g for g in ("n1", "n2", "n3", "n4") if m[g]))
        found = {"limit": number, "order": "asc" if m["bottom"] else "desc" if m["top"] else None,
                 "rows": bool(m["people"] or lx.PEOPLE_NOUN.match(scan.work, m.end() + 1)
                              or lx.PEOPLE_NOUN.match(scan.work, m.end())),
                 "pos": m.start()}
    if not found:
        m = lx.TOP_WORD.search(scan.work)
        if m:
            # "top products" without a number: five, a common dashboard length
            found = {"limit": 5, "order": "asc" if m[0] in ("bottom", "하위") else "desc", "rows": False,
                     "pos": m.start()}
            scan.mask(m.start(), m.end())
    return found


def top_rows(scan: Scan, top: dict) -> dict:
    """"고객 10명", "5 customers": the ranking lists individual customers, read after the numeric filters."""
    m = lx.TOP_ROWS.search(scan.work)
    if not m:
        return top
    scan.mask(m.start(), m.end())
    return {"limit": _limit(m, "n" if m["n"] else "n2"), "order": top.get("order"), "rows": True, "pos": m.start()}
