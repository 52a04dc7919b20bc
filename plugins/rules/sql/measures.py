"""Measures of a question: which aggregate applies to which feature, what to rank by, and how many rows.

Aggregate words pair with feature words by position, in both word orders: "평균 나이" / "나이 평균" /
"average age and budget" / "나이와 예산의 평균". Superlatives ("가장 큰", "highest") are aggregates on their
own (MAX/MIN) unless the question ranks a grouping, where they become ORDER BY ... LIMIT.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.rules.sql import lexicon as lx
from plugins.rules.sql.decline import Decline
from plugins.rules.sql.intent import FEE, PRODUCT_DIMS, Filter, Intent, Measure, Parsed

_PRODUCT_KINDS = ("product", FEE)
LIST_LIMIT = 100
# Words that make a bare superlative about products: "가장 많이 쓰는 건?", "most popular?", "what sells most?".
# Without one, "가장 많은 건?" could rank products, groups, ages or households: the parser asks which.
_USAGE = re.compile(r"쓰|써|사용|이용|렌탈|빌리|빌린|빌려|팔|나간|인기|구매|구입|"
                    r"\b(?:popular|us(?:e|ed|es|ing)|rent(?:ed|s|ing|al)?|sold|sells?|bought|buy)\b", re.I)


@dataclass
class _Tok:
    pos: int
    kind: str  # count, agg, sup, feat
    value: str | None = None  # aggregate, direction or column
    implied: str | None = None  # the column a superlative names by itself ("oldest" -> age)


@dataclass
class _Entry:
    measure: Measure
    pos: int
    sup: str | None = None  # a superlative still to resolve into MAX/MIN or an ORDER BY


def _fresh(scan, m) -> bool:
    return scan.work[m.start():m.end()] == m[0]


def _superlatives(scan, toks: list[_Tok]) -> None:
    for m in list(lx.SUPERLATIVE.finditer(scan.work)):
        if not _fresh(scan, m):
            continue
        kind, implied = m.lastgroup, None
        if kind == "ko":
            d = lx.KO_DIRECTION.search(scan.work, m.end(), m.end() + 12)
            scan.mask(m.start(), m.end())
            if d is None:
                continue
            kind = d.lastgroup
            implied = "age" if d[0] in ("어린", "젊") else None
            scan.mask(d.start(), d.end())
        else:
            scan.mask(m.start(), m.end())
        if kind in ("oldest", "youngest"):
            kind, implied = ("desc" if kind == "oldest" else "asc"), "age"
        if toks and toks[-1].kind == "sup" and toks[-1].value == kind and m.start() - toks[-1].pos < 16 \
                and not implied and not toks[-1].implied:
            continue  # "most popular": one superlative, two words
        toks.append(_Tok(m.start(), "sup", kind, implied))


def _tokens(scan) -> tuple[list[_Tok], dict]:
    toks: list[_Tok] = []
    flags: dict = {}
    for m in scan.take(lx.PEOPLE_IN_HOUSEHOLDS):
        toks += [_Tok(m.start(), "agg", "sum"), _Tok(m.start() + 1, "feat", "houseHold")]
    for m in scan.take(lx.ORDER_ONLY):
        flags["order_only"] = m.lastgroup
    _superlatives(scan, toks)
    flags["subject"] = bool(scan.take(lx.SUBJECT))
    toks += [_Tok(m.start(), "count") for m in scan.take(lx.PEOPLE_MEASURE)]
    toks += [_Tok(m.start(), "count") for m in scan.take(lx.COUNT)]
    for m in scan.take(lx.EVERY_FEATURE):
        toks += [_Tok(m.start() + i, "feat", column) for i, column in enumerate(lx.FEATURE_COLUMNS)]
    for m in scan.take(lx.REVENUE):
        toks += [_Tok(m.start(), "agg", "sum"), _Tok(m.start() + 1, "feat", FEE)]
    household_nouns = [(m.start(), "houseHold", m[0]) for m in scan.take(lx.WHICH_HOUSEHOLD)]
    toks += [_Tok(m.start(), "feat", m.lastgroup) for m in scan.take(lx.FEATURE_WORD)]
    toks += [_Tok(m.start(), "count") for m in scan.take(lx.COUNT_BARE)]
    toks += [_Tok(m.start(), "agg", m.lastgroup) for m in scan.take(lx.AGGREGATE)]
    flags["share"] = [m.start() for m in scan.take(lx.SHARE)]
    flags["distribution"] = bool(scan.take(lx.DISTRIBUTION))
    flags["listing"] = bool(scan.take(lx.LISTING))
    flags["nouns"] = household_nouns + [(m.start(), m.lastgroup, m[0]) for m in scan.take(lx.DIM_NOUN)]
    flags["which"] = [n[0] for n in household_nouns] + [m.end() for m in scan.take(lx.WHICH)]
    flags["people"] = bool(scan.take(lx.PEOPLE_NOUN))
    flags["compare"] = bool(scan.take(lx.COMPARE))
    return sorted(toks, key=lambda t: t.pos), flags


def _pair(toks: list[_Tok]) -> tuple[list[_Entry], list[str], list[tuple[str, int]]]:
    """(measures, aggregates without a feature, features without an aggregate)."""
    entries: list[_Entry] = []
    pending: list[_Tok] = []
    carry: list[_Tok] = []
    unassigned: list[tuple[str, int]] = []
    last_postfix: list[tuple[str, int]] = []
    carried: list[_Entry] = []  # entries the previous feature got from `carry`, until its own aggregate follows
    prev = None

    def add(tok: _Tok, column: str, pos: int) -> None:
        if tok.kind == "sup":
            entries.append(_Entry(Measure("max" if tok.value == "desc" else "min", column), pos, tok.value))
        else:
            entries.append(_Entry(Measure(tok.value, column), pos))

    def feature(column: str, pos: int) -> None:
        nonlocal pending, carry, last_postfix, carried
        carried = []
        if pending:
            for tok in pending:
                add(tok, column, pos)
            carry, pending = [t for t in pending if t.kind == "agg"], []
        elif carry:
            for tok in carry:
                add(tok, column, pos)
            carried = entries[-len(carry):]
        else:
            unassigned.append((column, pos))
        last_postfix = []

    for tok in toks:
        if tok.kind == "count":
            entries.append(_Entry(Measure("count"), tok.pos))
            pending, carry = [], []
        elif tok.kind in ("agg", "sup"):
            if prev == "feat" and carried and tok.kind == "agg":  # "최대 할인율과 예산 합계": 합계 wins
                entries[:] = [e for e in entries if e not in carried]
                unassigned.append((carried[0].measure.column, carried[0].pos))
                carried = []
            if unassigned:
                for column, pos in unassigned:
                    add(tok, column, pos)
                last_postfix, unassigned, carry = unassigned, [], []
            elif prev in ("agg", "sup") and last_postfix:
                for column, pos in last_postfix:
                    add(tok, column, pos)
            else:
                pending.append(tok)
                carry = []
            if tok.implied:
                feature(tok.implied, tok.pos)
        else:
            feature(tok.value, tok.pos)
        prev = tok.kind
    loose = [t.value for t in pending if t.kind == "agg" and t.value in ("avg", "min", "max")]
    return entries, loose, unassigned


def _compared(filters) -> list[str]:
    """"정수기와 비데 비교", "40대와 50대 대비": the sides become a grouping instead of one merged count."""
    sides = {"prdtGrpCd": "prdtGrpCd", "prdtCd": "prdtCd", "age": "ageBand", "houseHold": "houseHold"}
    for flt in filters:
        for cond in flt.conditions:
            if cond.op in ("in", "anyof") and cond.column in sides:
                return [sides[cond.column]]
    return []


def _unknown_word(work: str) -> str | None:
    for m in lx.WORD.finditer(work):
        word = m[0]
        if word.isascii():
            if word not in lx.FILLER_EN:
                return word
        elif not lx.KO_FILLER.fullmatch(word):
            return word
    return None


def _population(scan, filters: tuple[Filter, ...]) -> tuple[str, ...]:
    """Filter kinds an ungrouped share is "out of": those the question marks ("40대 중", "among ...");
    unmarked, the customer filters around a product one ("40대의 정수기 사용 비율": among people in their
    40s), or the product one when it comes first ("정수기 사용자의 40대 비율": among water purifier users)."""
    kinds: set[str] = set()
    marked = False
    for m in lx.POPULATION_KO.finditer(scan.work):
        marked = True
        kinds |= {f.kind for f in filters if 0 <= f.start < m.start()}
    for m in lx.POPULATION_EN.finditer(scan.text):
        marked = True
        span = m.span("among") if m["among"] is not None else m.span("of")
        kinds |= {f.kind for f in filters if span[0] <= f.start < span[1]}
    products = [f for f in filters if f.kind in _PRODUCT_KINDS]
    people = [f for f in filters if f.kind not in _PRODUCT_KINDS]
    if not marked and products and people:
        first_people = min(f.start for f in people)
        possessive = lx.POSSESSIVE_KO.search(scan.text, min(f.start for f in products), first_people)
        owners = products if possessive and max(f.start for f in products) < first_people else people
        kinds = {f.kind for f in owners}
    return tuple(f.kind for f in filters if f.kind in kinds)


def _noun_dim(flags: dict, anchors: list[int]) -> tuple[str | None, str]:
    nouns = flags["nouns"]
    if not nouns:
        return None, ""
    if not anchors:
        return nouns[0][1], nouns[0][2]
    best = min(nouns, key=lambda n: min(abs(n[0] - a) for a in anchors))
    return best[1], best[2]


def _choose_groups(flags, toks, top, groups, partition, entries, bare) -> tuple[list[str], str | None, str, str]:
    """Groupings a ranking, share or "which X" implies ("가장 많이 쓰는 제품", "어떤 연령대") besides explicit ones."""
    sups = [t for t in toks if t.kind == "sup"]
    which = [w for w in flags["which"] if any(0 <= n[0] - w <= 14 for n in flags["nouns"])]
    share = bool(flags["share"])
    anchors = [t.pos for t in sups] + which + flags["share"] + ([top["pos"]] if top else [])
    noun, noun_text = _noun_dim(flags, anchors)
    ranked = bool(sups or top or flags.get("order_only"))
    fee_filter = flags["fee_filter"]
    groups = list(groups)
    if not top.get("rows") and noun and (ranked or which or share or flags["distribution"] or fee_filter):
        if not groups:
            groups = [noun]
        elif noun not in groups and ranked and not share and len(groups) == 1:
            partition, groups = groups[0], [groups[0], noun]  # the top product within each group
        elif noun not in groups and (share or flags["distribution"]) and len(groups) == 1:
            # "연령대별 제품군 분포/비율": both groupings; a share is out of each first-grouping value
            partition, groups = (groups[0] if share else partition), [groups[0], noun]
    if not top.get("rows") and not groups and ranked and not share and not bare and not flags["listing"] \
            and not any(e.measure.column for e in entries):
        groups = ["prdtCd"]  # "40대가 가장 많이 쓰는 건?": products, by users
        flags["implied_grouping"] = True
    return groups, partition, noun, noun_text


def _resolve(entries, bare, groups, rows, catalog, fee_filter):
    """Superlatives become MAX/MIN, an ORDER BY target or the ranked customer column; bare features averages."""
    measures: list[_Entry] = []
    order_key = row_column = None
    attrs: list[str] = []
    real_columns = {e.measure.column for e in entries if not e.sup}
    for e in entries:
        if e.sup is None:
            measures.append(e)
        elif rows:
            row_column = row_column or e.measure.column
        elif groups:
            target = next((x for x in entries if not x.sup and x.measure.column == e.measure.column), None)
            target = target or _Entry(Measure("avg", e.measure.column), e.pos)
            if target not in measures:
                measures.append(target)
            order_key = order_key or target.measure.alias
        elif e.measure.column not in real_columns:
            measures.append(e)
    stated = bool(measures)
    product_level = any(g in PRODUCT_DIMS for g in groups)
    for column, pos in bare:
        if column == FEE and (product_level or catalog):
            attrs.append(FEE)
        elif rows and row_column is None:
            row_column = column
        elif not stated and column not in real_columns and not catalog:
            measures.append(_Entry(Measure("avg", column), pos))
    if fee_filter and product_level and FEE not in attrs:
        attrs.append(FEE)
    return measures, order_key, row_column, attrs


def read_measures(scan, filters, groups, partition, top, *, followup, add_groups, reset, distribution) -> Parsed:
    """Everything a question asks to compute, given the filters and groupings the parser already read."""
    toks, flags = _tokens(scan)
    flags["distribution"] = flags["distribution"] or distribution
    flags["fee_filter"] = any(f.kind == FEE for f in filters)
    entries, loose, bare = _pair(toks)
    share, rows = bool(flags["share"]), bool(top.get("rows"))
    sups = [t for t in toks if t.kind == "sup"]
    ranked = bool(sups or top or flags.get("order_only"))
    if flags["compare"] and not groups:
        groups = _compared(filters)
        if not groups:
            raise Decline("nothing_to_compare")
    groups, partition, noun, noun_text = _choose_groups(flags, toks, top, groups, partition, entries, bare)
    product_level = any(g in PRODUCT_DIMS for g in groups)
    catalog = not rows and not flags["people"] and not any(e.measure.func == "count" for e in entries) and (
        (flags["listing"] and noun in PRODUCT_DIMS)
        or (not entries and bool(bare) and all(c == FEE for c, _ in bare) and (not groups or product_level))
    ) and all(f.kind in _PRODUCT_KINDS for f in filters)
    measures, order_key, row_column, attrs = _resolve(entries, bare, groups, rows, catalog, flags["fee_filter"])
    used = {e.measure.column for e in measures} | set(attrs) | {row_column} | {f.kind for f in filters} \
        | {g.removesuffix("Band") for g in groups}
    unused = [column for column, _ in bare if column not in used]
    if unused:
        raise Decline("unused_feature", unused[0])
    leftover = lx.LEFTOVER_COMPARISON.search(scan.work)
    if leftover:
        raise Decline("unread_comparison", leftover[0])
    unknown = _unknown_word(scan.work)
    if unknown:
        raise Decline("unknown_word", unknown)
    bare_positions = {p for _, p in bare}
    implied = flags.get("implied_grouping", False)
    explicit = bool([e for e in measures if e.pos not in bare_positions] or share or rows or catalog
                    or (groups and ranked and not implied))
    loose_features = tuple(e.measure.column for e in measures if e.pos in bare_positions)
    if not (measures or share or rows or catalog or loose) and (
            flags["people"] or flags["distribution"] or ranked or flags["subject"]):
        measures.append(_Entry(Measure("count"), -1))  # "40대 정수기 사용자" asks how many
    unique = list(dict.fromkeys(e.measure for e in measures))
    if share and groups and Measure("count") not in unique:
        unique.insert(0, Measure("count"))
    if groups and ranked and not order_key:
        near = [t.pos for t in sups] or [top.get("pos", 0)]
        if share and not any(m.column for m in unique):
            order_key = "sharePct"
        elif measures:
            order_key = min(measures, key=lambda e: abs(e.pos - near[0])).measure.alias
        elif unique:
            order_key = unique[0].alias
    order = flags.get("order_only") or top.get("order") or next((t.value for t in sups), None)
    limit = top.get("limit")
    plural = noun_text.endswith("s") and noun_text.isascii()  # "which product groups ... most": all, ranked
    if limit is None and sups and (groups or rows) and not flags.get("order_only") and not plural:
        limit = 1
    if flags["listing"] and flags["people"] and not entries and not groups and not share:
        # "40대 정수기 고객 목록": the customers themselves, the first ones by id
        rows, explicit, limit, order, unique = True, True, limit or LIST_LIMIT, None, []
    elif rows and row_column is None:
        raise Decline("ranking_without_feature")
    population = _population(scan, filters) if share and not groups else ()
    if share and not groups and len(population) == len(filters) and not followup:
        raise Decline("share_without_subject")
    intent = Intent(
        measures=tuple(unique), share=share, groups=tuple(groups), filters=filters, population=population,
        partition=partition, order=order if (groups or rows) else None, order_key=order_key if groups else None,
        limit=limit if (groups or rows) else None, rows=rows, row_column=row_column, catalog=catalog,
        attrs=tuple(dict.fromkeys(attrs)),
    )
    return Parsed(
        intent=intent, explicit_measure=explicit, followup=followup,
        ambiguous=implied and not filters and not _USAGE.search(scan.text),
        has_scope=bool(filters or (groups and not implied) or flags["subject"]), reset_filters=reset and followup,
        implied_grouping=implied,
        add_groups=add_groups, loose_aggregates=tuple(loose) if not measures else (),
        loose_features=loose_features,
    )
