"""What a marketing question asks for, independent of wording: measures, filters, groupings, order.

Follow-up questions are folded onto the intent of the turns before them, so "그럼 40대는?" keeps the
earlier measures and groupings and only swaps the age filter.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

FEE = "monthlyFee"
# Filter kinds in WHERE order; a follow-up's filter replaces the earlier filter of the same kind.
FILTER_KINDS = ("product", "age", "houseHold", "amt", "size", "score", "discRate", FEE)
PRODUCT_DIMS = ("prdtCd", "productName")


@dataclass(frozen=True)
class Measure:
    func: str  # count, avg, min, max or sum
    column: str | None = None  # None for count

    @property
    def alias(self) -> str:
        if self.func == "count":
            return "users"
        if self.column == FEE:
            return "monthlyRevenue" if self.func == "sum" else f"{self.func}MonthlyFee"
        return f"{self.func}{self.column[0].upper()}{self.column[1:]}"


@dataclass(frozen=True)
class Condition:
    column: str  # prdtGrpCd, prdtCd, a customer feature, or monthlyFee
    op: str  # = != >= <= > < in notin between above_avg below_avg max min
    value: object = None  # a number, a string, or a tuple for in/notin/between


@dataclass(frozen=True)
class Filter:
    kind: str  # one of FILTER_KINDS
    conditions: tuple[Condition, ...]
    start: int = -1  # where the words stood in the question; decides a share's population


@dataclass(frozen=True)
class Intent:
    measures: tuple[Measure, ...] = ()
    share: bool = False
    groups: tuple[str, ...] = ()  # prdtCd, prdtGrpCd, productName, houseHold, discRate, or <column>Band
    filters: tuple[Filter, ...] = ()
    population: tuple[str, ...] = ()  # filter kinds forming an ungrouped share's denominator
    partition: str | None = None  # share within, or rank within, each value of this group
    order: str | None = None  # "desc" or "asc"
    order_key: str | None = None  # alias of the measure to order by
    limit: int | None = None
    rows: bool = False  # list individual customers instead of aggregating
    row_column: str | None = None
    catalog: bool = False  # list products from the catalogue table
    attrs: tuple[str, ...] = ()  # product columns shown next to a per-product result

    def to_json(self) -> dict:
        data = asdict(self)
        data["measures"] = [m.alias for m in self.measures]
        data["filters"] = [{"kind": f.kind, "conditions": [_condition_json(c) for c in f.conditions]}
                           for f in self.filters]
        return {key: value for key, value in data.items() if value not in ((), [], None, False)}


def _condition_json(cond: Condition) -> list:
    value = [_condition_json(c) for c in cond.value] if cond.op == "anyof" else cond.value
    return [cond.column, cond.op, value]


@dataclass(frozen=True)
class Parsed:
    """One question read on its own; `error` says why nothing usable came out of it."""

    intent: Intent = Intent()
    explicit_measure: bool = False  # the question names what to compute; otherwise `intent` holds a default
    followup: bool = False  # it says so ("그럼", "그 중", "what about", "of those")
    has_scope: bool = False  # it names a subject of its own: a filter, a grouping, or "all customers"
    reset_filters: bool = False
    add_groups: bool = False
    implied_grouping: bool = False  # "상위 2개만" ranks products only when nothing earlier says what to rank
    loose_aggregates: tuple[str, ...] = ()  # "최대값은?": aggregates waiting for the previous features
    loose_features: tuple[str, ...] = ()  # "예산은?": features waiting for the previous aggregate
    error: str | None = None
    detail: str = ""
    words: dict = field(default_factory=dict)  # what was recognised, for suggestions and the UI

    @property
    def answerable(self) -> bool:
        """Asked on its own, this reading makes a query (possibly with the default count)."""
        i = self.intent
        return self.error is None and bool(i.measures or i.share or i.rows or i.catalog)

    @property
    def standalone(self) -> bool:
        return self.error is None and self.explicit_measure and self.has_scope and not self.followup


def sort_filters(filters) -> tuple[Filter, ...]:
    return tuple(sorted(filters, key=lambda f: FILTER_KINDS.index(f.kind)))


def _features_of(intent: Intent) -> list[str]:
    cols = [m.column for m in intent.measures if m.column]
    return list(dict.fromkeys(cols or ([intent.row_column] if intent.row_column else [])))


def apply_followup(base: Intent, part: Parsed) -> Intent:
    """Carry `base` and let `part` replace what it restates: measures, same-kind filters, groupings, order."""
    new = part.intent
    changes: dict = {}
    if part.explicit_measure:
        changes.update(measures=new.measures, share=new.share, rows=new.rows, row_column=new.row_column,
                       catalog=new.catalog, order_key=new.order_key, attrs=new.attrs)
    elif part.loose_aggregates:
        cols = _features_of(base) or []
        changes["measures"] = tuple(Measure(f, c) for f in part.loose_aggregates for c in cols) or base.measures
        changes["order_key"] = None
    elif part.loose_features:
        previous = next((m.func for m in base.measures if m.column), "avg")
        changes["measures"] = tuple(Measure(previous, c) for c in part.loose_features)
        changes["order_key"] = None
    filters = {} if part.reset_filters else {f.kind: f for f in base.filters}
    filters.update({flt.kind: flt for flt in new.filters})
    changes["filters"] = sort_filters(filters.values())
    if new.groups and not part.implied_grouping:
        groups = base.groups + tuple(g for g in new.groups if g not in base.groups) if part.add_groups else new.groups
        changes.update(groups=groups, partition=new.partition)
    if new.order:
        changes.update(order=new.order, limit=new.limit, order_key=new.order_key or changes.get("order_key"))
    population = set(new.population) if part.explicit_measure else set(base.population)
    if part.followup and new.share and not (changes.get("groups") or base.groups):
        population |= {f.kind for f in base.filters if f.kind not in {g.kind for g in new.filters}}
    changes["population"] = tuple(k for k in FILTER_KINDS if k in population and k in filters)
    merged = replace(base, **changes)
    if merged.order_key not in {m.alias for m in merged.measures} | {"sharePct"}:
        merged = replace(merged, order_key=None)
    if merged.order and merged.groups and merged.order_key is None and merged.measures:
        merged = replace(merged, order_key=merged.measures[0].alias)  # a carried "top 3" ranks the new measure
    return merged


def fold(parts: list[Parsed]) -> tuple[Intent | None, int]:
    """Fold the history's readings and the new question into one intent; returns it and how many turns it used.

    A turn that could not be read breaks the chain, since what it asked is unknown.
    """
    state: Intent | None = None
    used = 0
    for part in parts:
        if part.error is not None:
            state, used = None, 0
            continue
        if state is None or part.standalone:
            state = part.intent if part.answerable else None
            used = 1 if state is not None else 0
        else:
            state = apply_followup(state, part)
            used += 1
    return state, used
