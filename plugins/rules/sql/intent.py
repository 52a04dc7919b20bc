"""What a marketing question asks for, independent of wording: measures, filters, groupings, order.

`Intent` is what the renderer turns into SQL; `Parsed` is one question's reading, which `followups` folds onto
the turns before it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

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
    fee_months: int | None = None  # a named contract length: the fee is read from fee<months>

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
    """One question read on its own; `declined` is the reason (see `decline.REASONS`) when nothing usable came out."""

    intent: Intent = Intent()
    explicit_measure: bool = False  # the question names what to compute; otherwise `intent` holds a default
    followup: bool = False  # it says so ("그럼", "그 중", "what about", "of those")
    has_scope: bool = False  # it names a subject of its own: a filter, a grouping, or "all customers"
    reset_filters: bool = False
    add_groups: bool = False
    implied_grouping: bool = False  # "상위 2개만" ranks products only when nothing earlier says what to rank
    ambiguous: bool = False  # a bare "가장 많은 건?": what to rank is implied and nothing says it is products
    loose_aggregates: tuple[str, ...] = ()  # "최대값은?": aggregates waiting for the previous features
    loose_features: tuple[str, ...] = ()  # "예산은?": features waiting for the previous aggregate
    declined: str | None = None
    detail: str = ""
    subject: str | None = None  # what an impossible value was stated for (see `decline.Decline`)

    @property
    def answerable(self) -> bool:
        """Asked on its own, this reading makes a query (possibly with the default count)."""
        i = self.intent
        return self.declined is None and bool(i.measures or i.share or i.rows or i.catalog)

    @property
    def standalone(self) -> bool:
        return self.declined is None and self.explicit_measure and self.has_scope and not self.followup


def sort_filters(filters) -> tuple[Filter, ...]:
    return tuple(sorted(filters, key=lambda f: FILTER_KINDS.index(f.kind)))
