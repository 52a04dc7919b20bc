"""Reads one marketing question into a `Parsed` intent: filters and groupings here, measures in sql_measures.

Each stage blanks the words it used, so later stages cannot read the same words twice and whatever is
left over (an unread number, an unknown "...별" grouping) is visible and makes the parser decline.
"""
from __future__ import annotations

from db.catalog import PRODUCTS, PRODUCTS_BY_CODE
from plugins.rules import sql_lexicon as lx
from plugins.rules.sql_intent import Condition, Filter, Parsed, sort_filters
from plugins.rules.sql_measures import read_measures
from plugins.rules.sql_scan import Scan, read_numeric_filters

_NOT_GROUPINGS = ("특별", "개별", "구별", "차별", "식별", "판별", "작별", "분별", "국별", "유별")
_GROUP_ORDER = ("prdtGrpCd", "productName", "prdtCd", "ageBand", "houseHold", "discRate", "scoreBand", "amtBand",
                "sizeBand")


class Decline(Exception):
    """The question holds something the parser must not guess at."""

    def __init__(self, error: str, detail: str = ""):
        super().__init__(error)
        self.error, self.detail = error, detail


def _negated(work: str, start: int, end: int) -> tuple[bool, int, int]:
    after = lx.NEGATION_AFTER.match(work, end)
    if after:
        return True, start, after.end()
    before = lx.NEGATION_BEFORE.search(work, max(0, start - 30), start)
    if before:
        return True, before.start(), end
    return False, start, end


def _product_filter(scan: Scan) -> Filter | None:
    """Group names and product codes; several make an IN list, "제외/except" makes it NOT IN."""
    picks: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    starts = []
    for m in list(lx.PRODUCT_CODE.finditer(scan.work)):
        group = lx.GROUP_KEYS[int(next(k for k, v in m.groupdict().items() if v and k.startswith("g"))[1:])]
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
        group = lx.GROUP_KEYS[int(m.lastgroup[1:])]
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


def _feature_near(scan: Scan, start: int, end: int) -> tuple[str | None, int, int]:
    best = None
    for m in lx.FEATURE_WORD.finditer(scan.work, max(0, start - 22), min(len(scan.work), end + 22)):
        distance = start - m.end() if m.end() <= start else m.start() - end
        if distance >= 0 and (best is None or distance < best[0]):
            best = (distance, m)
    if best is None:
        return None, start, end
    m = best[1]
    return m.lastgroup, min(start, m.start()), max(end, m.end())


def _special_filters(scan: Scan) -> list[Filter]:
    found = []
    for m in scan.take(lx.NO_DISCOUNT):
        found.append(Filter("discRate", (Condition("discRate", "=", 0),), m.start()))
    for m in scan.take(lx.SINGLE_HOUSEHOLD):
        found.append(Filter("houseHold", (Condition("houseHold", "=", 1),), m.start()))
    for m in list(lx.AVERAGE_COMPARE.finditer(scan.work)):
        column, start, end = _feature_near(scan, m.start(), m.end())
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


def _merge(filters: list[Filter]) -> list[Filter]:
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


def _groupings(scan: Scan, ranking: bool) -> tuple[list[str], str | None, bool]:
    """(groupings in question order, the one a share or ranking is "within", whether a distribution was asked)."""
    groups: list[tuple[int, str]] = []
    partition = None
    distribution = False
    for m in scan.take(lx.WITHIN):
        key = next(k for k, v in m.groupdict().items() if v)
        partition = key.removeprefix("ko_")
    # "top 5 customers by budget" ranks by the budget; "users by score" groups into score bands
    patterns = (lx.GROUP_BY_KO, lx.GROUP_BY_KO_EACH, lx.GROUP_BY_EN) + (() if ranking else (lx.GROUP_BY_EN_FEATURE,))
    for pattern in patterns:
        for m in scan.take(pattern):
            found = m.groupdict()
            groups.extend((m.start(key), key) for key, v in found.items() if v and key in _GROUP_ORDER)
            for name in ("first", "second"):
                if found.get(name):
                    extra = lx.DIM_EXACT[0].fullmatch(found[name]) or lx.DIM_EXACT[1].fullmatch(found[name])
                    key = extra and extra.lastgroup
                    if key:
                        groups.append((m.start(name), key))
    for m in list(lx.BAND_BY.finditer(scan.work)):
        column, start, end = _feature_near(scan, m.start(), m.end())
        if column and column != lx.FEE:
            groups.append((start, "houseHold" if column == "houseHold" else f"{column}Band"))
            distribution = distribution or bool(lx.DISTRIBUTION.fullmatch(m[0]))
            scan.mask(start, end)
    ordered = [g for _, g in sorted(groups, key=lambda g: g[0])]
    if partition and partition in ordered:
        ordered.remove(partition)
    if partition:
        ordered.insert(0, partition)
    return list(dict.fromkeys(ordered)), partition, distribution


def _unknown_groupings(work: str) -> None:
    for m in lx.UNKNOWN_GROUP_KO.finditer(work):
        if not (m[1] + "별").endswith(_NOT_GROUPINGS):
            raise Decline("unknown_grouping", m[0].strip())
    for m in lx.UNKNOWN_GROUP_EN.finditer(work):
        if m[1] not in lx.EN_NEUTRAL_AFTER_BY and not lx.FEATURE_WORD.match(work, m.start(1)):
            raise Decline("unknown_grouping", m[0].strip())


def _top_n(scan: Scan) -> dict:
    """{"limit", "order", "rows" (ranks customers, not groups), "pos"} from "top 5", "상위 3개", "하위 2"."""
    found: dict = {}
    for m in scan.take(lx.TOP_N):
        number = next(int(m[g]) for g in ("n1", "n2", "n3", "n4") if m[g])
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


def parse_question(question: str) -> Parsed:
    """Read one question on its own; follow-up folding happens in sql_intent.fold."""
    scan = Scan(question)
    try:
        return _parse(scan)
    except Decline as exc:
        return Parsed(error=exc.error, detail=exc.detail, words={"text": scan.text})


def _parse(scan: Scan) -> Parsed:
    scan.take(lx.PRESENTATION)
    unsupported = lx.UNSUPPORTED.search(scan.work)
    if unsupported:
        raise Decline("unsupported", unsupported[0].strip())
    followup = bool(scan.take(lx.FOLLOWUP_START)) | bool(scan.take(lx.FOLLOWUP_ANYWHERE))
    add_groups = bool(scan.take(lx.ADD_GROUPING))
    reset = bool(lx.RESET_FILTERS.search(scan.work))
    filters: list[Filter] = []
    product = _product_filter(scan)
    if product:
        filters.append(product)
    filters += _special_filters(scan)
    for m in list(lx.BAND_WIDTH.finditer(scan.work)):
        scan.mask(m.start(), m.end())
    top = _top_n(scan)
    filters += read_numeric_filters(scan)
    rows_match = lx.TOP_ROWS.search(scan.work)
    if rows_match:
        top = {"limit": int(rows_match["n"] or rows_match["n2"]), "order": top.get("order"), "rows": True,
               "pos": rows_match.start()}
        scan.mask(rows_match.start(), rows_match.end())
    leftover = lx.LEFTOVER_NUMBER.search(scan.work)
    if leftover:
        raise Decline("unread_number", scan.text[max(0, leftover.start() - 8): leftover.end() + 8].strip())
    groups, partition, distribution = _groupings(scan, bool(top) or bool(lx.SUPERLATIVE.search(scan.work)))
    _unknown_groupings(scan.work)
    filters = sort_filters(_merge(filters))
    return read_measures(scan, filters, groups, partition, top, followup=followup, add_groups=add_groups,
                         reset=reset, distribution=distribution)
