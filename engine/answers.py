"""Answer sentences built from a query result, in Korean or English, with numbers formatted for people."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from db.catalog import PRODUCTS_BY_CODE
from engine.columns import ColumnMeaning, describe_column, format_label, format_measure, split_columns
from engine.korean import copula, ro, subject_particle, topic

_TOP_ONE = re.compile(r"\bORDER\s+BY\b[^;]*\bLIMIT\s+1\s*;?\s*$", re.I)
_FEW = ("least", "fewest", "lowest", "smallest", "bottom", "적은", "낮은", "작은")


# --- which customers the numbers are about, read from the SQL's WHERE clause --------------------------
@dataclass(frozen=True)
class Subject:
    ko: str  # 정수기 사용자 / 전체 고객 / 조건에 맞는 고객
    en: str  # water purifier customers / customers / matching customers
    filtered: bool


_NEUTRAL = Subject("고객", "customers", False)
_ALL = Subject("전체 고객", "customers", False)
_MATCHING = Subject("조건에 맞는 고객", "matching customers", True)
_NUMERIC = {"age", "household", "amt", "size", "score", "discrate"}


def get_subject(sql: str | None) -> Subject:
    """Names the filtered customers when every condition is a simple one; otherwise says 'matching'."""
    if not sql:
        return _NEUTRAL
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return _MATCHING
    source = tree.args.get("from_") or tree.args.get("from") if isinstance(tree, exp.Select) else None
    if source is None or not isinstance(source.this, exp.Table) or source.this.name not in ("customer", "product"):
        return _NEUTRAL  # a CTE or subquery: its filters are not worth guessing
    where = tree.args.get("where")
    if where is None:
        return _ALL
    return _subject_of(_conditions(where))


def _conditions(where) -> list:
    return list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]


def _subject_of(conditions: list) -> Subject:
    groups: list[str] = []
    bounds: dict[str, list] = {}
    for condition in conditions:
        if not _read_condition(condition.unnest(), groups, bounds):
            return _MATCHING
    return _compose_subject(groups, bounds)


def get_share_population(sql: str | None) -> tuple[Subject, Subject] | None:
    """(the customers a lone share is out of, the part it counts) when the SQL divides by a filtered count.

    "40대의 정수기 사용 비율" is out of people in their 40s, not out of 40대 정수기 사용자.
    """
    try:
        tree = sqlglot.parse_one(sql or "", read="sqlite")
    except sqlglot.errors.SqlglotError:
        return None
    if not isinstance(tree, exp.Select) or tree.args.get("group") or not tree.args.get("where"):
        return None
    divisions = [d for d in tree.find_all(exp.Div) if isinstance(d.expression.unnest(), exp.Subquery)
                 or isinstance(d.expression.unnest(), exp.Select)]
    if len(divisions) != 1:
        return None
    base = divisions[0].expression.unnest()
    base = base.this if isinstance(base, exp.Subquery) else base
    if not isinstance(base, exp.Select):
        return None
    base_where = base.args.get("where")
    kept = {c.sql() for c in _conditions(base_where)} if base_where else set()
    outer = _conditions(tree.args["where"])
    part = [c for c in outer if c.sql() not in kept]
    if not part or len(part) + len(kept) != len(outer):
        return None
    population = get_subject(base.sql())
    counted = _subject_of(part)
    return (population, counted) if population.filtered or population is _ALL else None


def _read_condition(node, groups: list[str], bounds: dict[str, list]) -> bool:
    column = node.this if isinstance(node, (exp.In, exp.Between)) else node.args.get("this")
    if not isinstance(column, exp.Column):
        return False
    name = column.name.lower()
    if name in ("prdtgrpcd", "prdtcd"):
        values = node.expressions if isinstance(node, exp.In) else [node.expression] if isinstance(node, exp.EQ) else []
        if not values or not all(isinstance(v, exp.Literal) and v.is_string for v in values):
            return False
        groups.extend(v.this for v in values)
        return True
    if name not in _NUMERIC:
        return False
    low, high = bounds.setdefault(name, [None, None])
    pairs = {exp.EQ: ("ge", "le"), exp.GTE: ("ge",), exp.GT: ("gt",), exp.LTE: ("le",), exp.LT: ("lt",)}
    if isinstance(node, exp.Between):
        edges = [("ge", node.args.get("low")), ("le", node.args.get("high"))]
    elif type(node) in pairs:
        edges = [(op, node.expression) for op in pairs[type(node)]]
    else:
        return False
    for op, literal in edges:
        if not isinstance(literal, exp.Literal) or literal.is_string:
            return False
        value = float(literal.this)
        if op in ("ge", "gt"):
            low = max(low if low is not None else -math.inf, math.floor(value) + 1 if op == "gt" else math.ceil(value))
        else:
            high = min(high if high is not None else math.inf, math.ceil(value) - 1 if op == "lt" else math.floor(value))
    bounds[name] = [low, high]
    return True


def _compose_subject(groups: list[str], bounds: dict[str, list]) -> Subject:
    described = [_describe_bounds(name, low, high) for name, (low, high) in bounds.items()]
    ko_parts, en_parts = [ko for ko, _ in described], [en for _, en in described]
    group_ko = "·".join(groups)
    group_en = " / ".join(format_label(describe_column("prdtCd" if g in PRODUCTS_BY_CODE else "prdtGrpCd"), g, "en")
                          for g in groups)
    ko = " ".join([*ko_parts, group_ko] if groups else ko_parts) + (" 사용자" if groups else " 고객")
    en = " ".join([f"{group_en} customers" if groups else "customers", *en_parts])
    return Subject(ko.strip(), en, True)


def _describe_bounds(name: str, low, high) -> tuple[str, str]:
    if name == "age" and low is not None and low % 10 == 0 and high == low + 9:
        return f"{low}대", f"in their {low}s"
    if name == "household" and low is not None and low == high:
        return f"{low}인 가구", f"in {low}-person households"
    meaning = ColumnMeaning(name, "measure", describe_column(name).feature)
    ko, en = meaning.label("ko"), meaning.label("en")
    lo, hi = ({lang: format_measure(meaning, v, lang) for lang in ("ko", "en")} for v in (low, high))
    if low is not None and low == high:
        return f"{ko} {lo['ko']}", f"with {en} {lo['en']}"
    if low is not None and high is not None:
        return f"{ko} {lo['ko']}~{hi['ko']}", f"with {en} {lo['en']} to {hi['en']}"
    if low is not None:
        return f"{ko} {lo['ko']} 이상", f"with {en} of at least {lo['en']}"
    return f"{ko} {hi['ko']} 이하", f"with {en} of at most {hi['en']}"


# --- the sentences -----------------------------------------------------------------------------------
def compose_answer(question: str, language: str, columns: list[str], rows: list, *,
                   sql: str | None = None, truncated: bool = False) -> str:
    """The reply sentence for one result; `sql` lets it name which customers the numbers are about."""
    ko = language == "ko"
    labels, numbers = split_columns(columns, rows)
    if _is_empty(columns, rows):
        text = "조건에 맞는 고객이 없어요." if ko else "No customers match those conditions."
    elif numbers and not labels and len(rows) == 1:
        share_of = get_share_population(sql) if [describe_column(columns[i]).role for i in numbers] == ["share"] \
            else None
        text = (_describe_share(share_of, format_measure(describe_column(columns[numbers[0]]), rows[0][numbers[0]],
                                                         language), language) if share_of
                else _describe_single(columns, rows[0], numbers, get_subject(sql), language))
    elif numbers and labels:
        text = _describe_groups(question, columns, rows, labels, numbers, get_subject(sql), language, sql)
    else:
        text = _describe_listing(columns, rows, language)
    if truncated:
        text += (f" 결과가 많아 처음 {len(rows):,}행만 보여드려요." if ko
                 else f" The result was long, so only the first {len(rows):,} rows are shown.")
    return text


def _is_empty(columns: list[str], rows: list) -> bool:
    if not rows or not columns:
        return True
    counts = [describe_column(c).role == "count" for c in columns]
    return len(rows) == 1 and all(v is None or (is_count and v == 0) for v, is_count in zip(rows[0], counts))


def _describe_single(columns, row, numbers, subject: Subject, lang: str) -> str:
    meanings = [describe_column(columns[i]) for i in numbers]
    values = [format_measure(m, row[i], lang) for m, i in zip(meanings, numbers)]
    single_count = len(numbers) == 1 and meanings[0].role == "count"
    if lang == "ko":
        if single_count:
            return f"{topic(subject.ko)} 총 {copula(values[0])}."
        clauses = [f"{topic(m.label('ko'))} {v}" for m, v in zip(meanings, values)]
        return f"{subject.ko}의 {', '.join(clauses[:-1] + [copula(clauses[-1])])}."
    if single_count:
        one = row[numbers[0]] == 1
        noun = subject.en.replace("customers", "customer", 1) if one else subject.en
        return f"There {'is' if one else 'are'} {values[0]} {noun}."
    clauses = [f"the {m.label('en')} is {v}" for m, v in zip(meanings, values)]
    joined = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    return f"For {subject.en}, {joined}."


def _describe_share(share_of: tuple[Subject, Subject], value: str, lang: str) -> str:
    population, part = share_of
    if lang == "ko":
        return f"{population.ko} 중 {part.ko}의 비중은 {copula(value)}."
    return f"Among {population.en if population.filtered else 'all customers'}, {part.en} make up {value}."


def _share_within_first(sql: str | None) -> bool:
    """The SQL computes the share per PARTITION BY value (SUM(COUNT(*)) OVER (PARTITION BY ...))."""
    try:
        tree = sqlglot.parse_one(sql or "", read="sqlite")
    except sqlglot.errors.SqlglotError:
        return False
    return any(w.args.get("partition_by") for w in tree.find_all(exp.Window))


def _describe_groups(question, columns, rows, labels, numbers, subject: Subject, lang: str, sql=None) -> str:
    """Top entries by the share or first number column (bottom ones when the user asked for the least)."""
    label_meanings = [describe_column(columns[i]) for i in labels]
    roles = {i: describe_column(columns[i]).role for i in numbers}
    # A share answers "what part", a count answers "how many"; a fee or average beside them is detail.
    at = next((i for i in numbers if roles[i] == "share"), next((i for i in numbers if roles[i] == "count"), numbers[0]))
    measure = describe_column(columns[at])
    few = any(word in question.lower() for word in _FEW)
    ranked = sorted((r for r in rows if isinstance(r[at], (int, float))), key=lambda r: r[at], reverse=not few)
    if not ranked:
        return _describe_listing(columns, rows, lang)

    def name(row) -> str:
        return " · ".join(format_label(m, row[i], lang) for m, i in zip(label_meanings, labels))

    def value(row) -> str:
        return format_measure(measure, row[at], lang)

    top, rest, last = ranked[0], ranked[1:3], ranked[-1]
    dims = [m.label(lang) for m in label_meanings]
    within = measure.role == "share" and len(dims) == 2 and _share_within_first(sql)
    if lang == "ko":
        what = f"{'·'.join(dims)}별 {topic(measure.label('ko'))}"
        if within:  # "가구원 수별 제품군 비율": each 제품군's part of its 가구원 수, not of everyone
            what = f"{dims[0]}별 {dims[1]} {topic(measure.label('ko'))}"
        head = (f"{subject.ko}의 " if subject.filtered else "") + what
        counted = measure.role == "count" or measure.stat == "sum"
        if len(ranked) == 1 and _ranks_one(sql) and len(dims) == 1:  # "사용자 수가 가장 많은 제품군은?"
            most = ("적은" if few else "많은") if counted else ("낮은" if few else "높은")
            among = f"{subject.ko} 중 " if subject.filtered else ""
            return (f"{among}{subject_particle(measure.label('ko'))} 가장 {most} {topic(dims[0])} "
                    f"{name(top)}({value(top)}){copula(name(top))[len(name(top)):]}.")
        if len(ranked) == 1:
            return _describe_one_group(name(top), top, columns, [at] + [i for i in numbers if i != at], lang)
        adjective = ("적고" if few else "많고") if counted else ("낮고" if few else "높고")
        text = f"{head} {subject_particle(name(top))} {ro(value(top))} 가장 {adjective}, 이어서 "
        text += ", ".join(f"{name(r)}({value(r)})" for r in rest) + " 순이에요."
        if len(ranked) > 3:
            opposite = ("많은" if few else "적은") if counted else ("높은" if few else "낮은")
            text += f" 가장 {opposite} 항목은 {name(last)}({value(last)}){copula(name(last))[len(name(last)):]}."
        return text + f" 모두 {len(rows):,}개 항목이에요."
    head = f"{measure.label('en').capitalize()} by {' and '.join(dims)}"
    if within:
        head = f"Share of each {dims[1]} within its {dims[0]}"
    head += f" for {subject.en}" if subject.filtered else ""
    if len(ranked) == 1 and _ranks_one(sql) and len(dims) == 1:
        counted = measure.role == "count" or measure.stat == "sum"
        most = ("fewest" if few else "most") if counted else ("lowest" if few else "highest")
        among = f" among {subject.en}" if subject.filtered else ""
        what = measure.label("en").removeprefix("number of ")  # "the most customers", not "most number of"
        return f"The {dims[0]} with the {most} {what}{among} is {name(top)} ({value(top)})."
    if len(ranked) == 1:
        return _describe_one_group(name(top), top, columns, [at] + [i for i in numbers if i != at], lang)
    listed = " and ".join(f"{name(r)} ({value(r)})" for r in rest)
    text = f"{head}: {'lowest' if few else 'highest'} for {name(top)} ({value(top)}), followed by {listed}"
    if len(ranked) > 3:
        text += f"; {'highest' if few else 'lowest'} for {name(last)} ({value(last)})"
    return text + f". {len(rows):,} rows in total."


def _ranks_one(sql: str | None) -> bool:
    """The query asked for the single top (or bottom) row, so the answer says "the most", not just the value."""
    return bool(sql and _TOP_ONE.search(sql))


def _describe_one_group(name: str, row, columns, order: list[int], lang: str) -> str:
    """One labelled row: every number it carries, the main measure first."""
    meanings = [describe_column(columns[i]) for i in order]
    values = [format_measure(m, row[i], lang) for m, i in zip(meanings, order)]
    if lang == "ko":
        clauses = [f"{topic(m.label('ko'))} {v}" for m, v in zip(meanings, values)]
        return f"{name}의 {', '.join(clauses[:-1] + [copula(clauses[-1])])}."
    return f"{name}: " + ", ".join(f"{m.label('en')} {v}" for m, v in zip(meanings, values)) + "."


def _describe_listing(columns, rows, lang: str) -> str:
    if len(columns) == 1 and len(rows) <= 10:
        meaning = describe_column(columns[0])
        items = ", ".join(format_label(meaning, row[0], lang) for row in rows)
        if lang == "ko":
            return f"결과는 모두 {len(rows)}개로, {copula(items)}."
        return f"The result has {len(rows)} {'entry' if len(rows) == 1 else 'entries'}: {items}."
    if lang == "ko":
        return f"결과 {len(rows):,}행을 찾았어요. 표에서 확인해 주세요."
    return f"Found {len(rows):,} rows; see the table."


def sql_block(sql: str) -> str:
    """A fenced block longer than any backtick run in the SQL, so the SQL cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", sql)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}sql\n{sql}\n{fence}"


def append_sql(answer: str, sql: str, language: str) -> str:
    """The prototype showed the query in the reply when asked; a fenced block keeps it copyable."""
    lead = "실행한 쿼리예요:" if language == "ko" else "Here is the SQL I ran:"
    return f"{answer}\n\n{lead}\n{sql_block(sql.strip())}"
