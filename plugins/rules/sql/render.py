"""Turns an Intent into one SELECT with stable aliases, deterministic ORDER BY and portable SQL.

Only catalogue values and integers reach the SQL text, and strings are still quoted with '' escaping.
Bands are `(col/10)*10`, integer division in SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from plugins.rules.sql.intent import FEE, Condition, Intent, Measure

_AVG_DIGITS = {"houseHold": 2, FEE: 0}
_SYMBOLS = {"=": "=", "!=": "<>", ">=": ">=", "<=": "<=", ">": ">", "<": "<"}


def _literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value)) if float(value).is_integer() else str(value)


class _Columns:
    """Column references, table-qualified only when the product catalogue is joined in."""

    def __init__(self, joined: bool, language: str, fee_months: int | None = None):
        self.joined = joined
        self.name = "p.name_ko" if language == "ko" else "p.name_en"
        self.fee = f"fee{fee_months}" if fee_months else FEE  # a named contract length has its own column

    def __call__(self, column: str) -> str:
        if column == FEE:
            return f"p.{self.fee}" if self.joined else self.fee  # bare when only `product` is queried
        return f"c.{column}" if self.joined else column


def _condition(cond: Condition, col: _Columns, scope: str = "") -> str:
    ref = col(cond.column)
    op = cond.op
    if op in _SYMBOLS:
        return f"{ref} {_SYMBOLS[op]} {_literal(cond.value)}"
    if op in ("in", "notin"):
        values = ", ".join(_literal(v) for v in cond.value)
        return f"{ref} {'IN' if op == 'in' else 'NOT IN'} ({values})"
    if op == "between":
        return f"{ref} BETWEEN {_literal(cond.value[0])} AND {_literal(cond.value[1])}"
    if op == "anyof":
        return "(" + " OR ".join(_condition(c, col) for c in cond.value) + ")"
    if op in ("above_avg", "below_avg"):
        table, source = ("product", col.fee) if cond.column == FEE else ("customer", cond.column)
        return f"{ref} {'>' if op == 'above_avg' else '<'} (SELECT AVG({source}) FROM {table})"
    if op in ("max", "min"):
        # "가장 싼 정수기" is the cheapest water purifier, not a water purifier at the cheapest fee of all
        return f"{ref} = (SELECT {op.upper()}({col.fee}) FROM product{scope})"
    raise ValueError(f"unknown condition {op}")


def _where(filters, col: _Columns, kinds=None) -> str:
    bare = _Columns(False, "en", None)
    products = [_condition(c, bare) for f in filters if f.kind == "product" for c in f.conditions]
    scope = f" WHERE {' AND '.join(products)}" if products else ""
    parts = [_condition(c, col, scope) for f in filters if kinds is None or f.kind in kinds for c in f.conditions]
    return f" WHERE {' AND '.join(parts)}" if parts else ""


def _measure(m: Measure, col: _Columns) -> str:
    if m.func == "count":
        return "COUNT(*) AS users"
    ref = col(m.column)
    if m.func == "avg":
        return f"ROUND(AVG({ref}), {_AVG_DIGITS.get(m.column, 1)}) AS {m.alias}"
    return f"{m.func.upper()}({ref}) AS {m.alias}"


def _dimension(dim: str, col: _Columns) -> tuple[list[str], list[str]]:
    """(select items, group-by items) for one grouping."""
    if dim == "productName":
        return [f"{col.name} AS productName"], ["p.prdtCd", col.name]
    if dim.endswith("Band"):
        source = dim[:-4]
        return [f"({col(source)}/10)*10 AS {dim}"], [dim]
    items = [col(dim)]
    if dim == "prdtCd" and col.joined:
        return items + [f"{col.name} AS productName"], items + [col.name]
    return items, items


def _needs_join(intent: Intent) -> bool:
    return bool(
        intent.attrs or "productName" in intent.groups
        or any(m.column == FEE for m in intent.measures) or any(f.kind == FEE for f in intent.filters)
    )


def _catalog(intent: Intent, language: str) -> str:
    name = "name_ko" if language == "ko" else "name_en"
    col = _Columns(False, language, intent.fee_months)
    kinds = ("product", FEE)
    where = _where(intent.filters, col, kinds)
    columns = f"prdtCd, prdtGrpCd, {name} AS productName, {col.fee}"
    return f"SELECT {columns} FROM product{where} ORDER BY prdtGrpCd, {col.fee}"


def _rows(intent: Intent) -> str:
    """Customer rows; a fee condition joins the catalogue in, like every other query that names a fee."""
    joined = _needs_join(intent)
    col = _Columns(joined, "en", intent.fee_months)
    source = "customer c JOIN product p ON p.prdtCd = c.prdtCd" if joined else "customer"
    limit = f" LIMIT {intent.limit}" if intent.limit else ""
    where = _where(intent.filters, col)
    if intent.row_column is None:
        names = ["id", "age", "houseHold", "amt", "size", "score", "discRate", "prdtGrpCd", "prdtCd"]
        return f"SELECT {', '.join(map(col, names))} FROM {source}{where} ORDER BY {col('id')}{limit}"
    names = ["id", "age"] + ([intent.row_column] if intent.row_column != "age" else []) + ["prdtCd"]
    direction = "ASC" if intent.order == "asc" else "DESC"
    order = f"{col(intent.row_column)} {direction}, {col('id')}"
    return f"SELECT {', '.join(map(col, names))} FROM {source}{where} ORDER BY {order}{limit}"


def render(intent: Intent, language: str) -> str:
    if intent.catalog:
        return _catalog(intent, language)
    if intent.rows:
        return _rows(intent)
    joined = _needs_join(intent)
    col = _Columns(joined, language, intent.fee_months)
    source = "customer c JOIN product p ON p.prdtCd = c.prdtCd" if joined else "customer"
    select: list[str] = []
    group_by: list[str] = []
    keys: list[str] = []
    for dim in intent.groups:
        items, grouped = _dimension(dim, col)
        select += items
        group_by += [g for g in grouped if g not in group_by]
        keys.append(dim if dim.endswith("Band") or dim == "productName" else col(dim))
    if FEE in intent.attrs and intent.groups:
        select.append(col(FEE))
        group_by.append(col(FEE))
    select += [_measure(m, col) for m in intent.measures]
    where = _where(intent.filters, col)
    if intent.share:
        select.append(_share(intent, col, source))
    sql_groups = f" GROUP BY {', '.join(group_by)}" if group_by else ""
    if intent.partition and intent.order and not intent.share and len(intent.groups) > 1:
        return _ranked_within(intent, select, source, where, sql_groups, keys)
    order = ""
    if intent.groups:
        direction = "ASC" if intent.order == "asc" else "DESC"
        lead = [f"{intent.order_key} {direction}"] if intent.order_key else []
        order = f" ORDER BY {', '.join(lead + keys)}"
        if intent.limit:
            order += f" LIMIT {intent.limit}"
    return f"SELECT {', '.join(select)} FROM {source}{where}{sql_groups}{order}"


def _share(intent: Intent, col: _Columns, source: str) -> str:
    """Percent of the filtered customers per group; ungrouped, percent of the question's population."""
    if intent.partition and intent.groups:
        part = intent.partition
        # SQLite reads select aliases in GROUP BY but not inside a window, so a band is spelled out
        over = f"({col(part[:-4])}/10)*10" if part.endswith("Band") else _dimension(part, col)[1][0]
        return f"ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (PARTITION BY {over}), 1) AS sharePct"
    kinds = None if intent.groups else set(intent.population)
    base = f"(SELECT COUNT(*) FROM {source}{_where(intent.filters, col, kinds)})"
    return f"ROUND(100.0 * COUNT(*) / {base}, 1) AS sharePct"


def _ranked_within(intent: Intent, select, source, where, groups, keys) -> str:
    """Top-N of one grouping inside each value of another ("제품군별로 가장 많이 쓰는 제품")."""
    direction = "ASC" if intent.order == "asc" else "DESC"
    outputs = [s.split(" AS ")[-1].split(".")[-1] for s in select]
    inner = f"SELECT {', '.join(select)} FROM {source}{where}{groups}"
    rest = [k.split(".")[-1] for k in keys if k.split(".")[-1] != intent.partition]
    rank = (f"ROW_NUMBER() OVER (PARTITION BY {intent.partition} ORDER BY {intent.order_key or outputs[-1]} "
            f"{direction}, {', '.join(rest)}) AS rankInGroup")
    limit = intent.limit or 1
    return (f"WITH grouped AS ({inner}), ranked AS (SELECT {', '.join(outputs)}, {rank} FROM grouped) "
            f"SELECT {', '.join(outputs)} FROM ranked WHERE rankInGroup <= {limit} "
            f"ORDER BY {intent.partition}, rankInGroup")
