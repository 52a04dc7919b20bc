"""The gate every statement passes before any database sees it: exactly one read-only SELECT.

The SQL is parsed with sqlglot and every node of the tree must be on a vetted allow-list, so syntax the
parser does not understand (it falls back to a generic Command) is refused rather than waved through.
"""
from __future__ import annotations

import sqlite3
import unicodedata

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.tokens import TokenType

from core.errors import SqlRefused
from db.schema import ALLOWED_TABLES

# SQLite's own names for the functions a read-only analytics query may call. The connection's authorizer
# admits exactly these too, so both layers agree on what is harmless. printf/format are left out: a padding
# width like printf('%.*c', 999999999, 'x') spends seconds in one VM step, out of the deadline's reach.
_WANTED_FUNCTIONS = frozenset({
    "count", "sum", "total", "avg", "min", "max", "group_concat", "string_agg",
    "abs", "round", "sign", "random", "ceil", "ceiling", "floor", "trunc", "sqrt", "pow", "power",
    "exp", "ln", "log", "log10", "log2", "mod", "pi",
    "coalesce", "ifnull", "nullif", "iif", "likely", "unlikely", "likelihood", "typeof", "quote",
    "length", "octet_length", "lower", "upper", "substr", "substring", "instr", "replace",
    "trim", "ltrim", "rtrim", "hex", "unicode", "char", "like", "glob",
    "date", "time", "datetime", "julianday", "strftime", "unixepoch", "timediff",
    "current_date", "current_time", "current_timestamp",
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
    "lag", "lead", "first_value", "last_value", "nth_value",
})


def _runnable(names: frozenset[str]) -> frozenset[str]:
    """Only what this SQLite build can run: string_agg, timediff and octet_length arrived in 3.43-3.44, and
    admitting them on an older library meant a guard 'yes' followed by the database's 'no such function'."""
    try:
        with sqlite3.connect(":memory:") as conn:
            available = {row[0] for row in conn.execute("SELECT name FROM pragma_function_list")}
    except sqlite3.Error:  # a build without the introspection pragmas: trust the list as written
        return names
    return frozenset(names & available)


SAFE_SQLITE_FUNCTIONS = _runnable(_WANTED_FUNCTIONS)

_QUERY_NODES = (
    exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery, exp.With, exp.CTE, exp.TableAlias,
    exp.From, exp.Join, exp.Table, exp.Identifier, exp.Column, exp.Star, exp.Alias, exp.Where,
    exp.Group, exp.Having, exp.Order, exp.Ordered, exp.Limit, exp.Offset, exp.Distinct,
    exp.Window, exp.WindowSpec, exp.Filter, exp.Values, exp.Tuple, exp.Paren, exp.Collate,
)
_PREDICATE_NODES = (
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or, exp.Not, exp.Is, exp.In,
    exp.Between, exp.Like, exp.Glob, exp.Escape, exp.Exists, exp.Any, exp.All,
    exp.NullSafeEQ, exp.NullSafeNEQ,
)
_VALUE_NODES = (
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.DPipe, exp.BitwiseAnd, exp.BitwiseOr,
    exp.BitwiseNot, exp.BitwiseLeftShift, exp.BitwiseRightShift,
    exp.Literal, exp.Null, exp.Boolean, exp.CurrentDate, exp.CurrentTime, exp.CurrentTimestamp,
    exp.Case, exp.If, exp.Cast, exp.DataType, exp.DataTypeParam,
)
# sqlglot turns these SQLite functions into typed nodes; each maps back to a name in SAFE_SQLITE_FUNCTIONS.
_FUNCTION_NODES = (
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Greatest, exp.Least, exp.GroupConcat,
    exp.Abs, exp.Round, exp.Sign, exp.Rand, exp.Ceil, exp.Floor, exp.Trunc, exp.Sqrt, exp.Pow,
    exp.Exp, exp.Ln, exp.Log, exp.Pi, exp.Coalesce, exp.Nullif, exp.Typeof,
    exp.Length, exp.Lower, exp.Upper, exp.Substring, exp.StrPosition, exp.Replace, exp.Trim,
    exp.Hex, exp.Unicode, exp.Chr, exp.Date, exp.TimeToStr, exp.TsOrDsToTimestamp,
    exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, exp.Ntile,
    exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue,
)
ALLOWED_NODES: frozenset[type] = frozenset(_QUERY_NODES + _PREDICATE_NODES + _VALUE_NODES + _FUNCTION_NODES)

# A bare word (Var) is only harmless as a collation name or a window-frame keyword.
_VAR_PARENTS = (exp.Collate, exp.WindowSpec)
_TOP_LEVEL = (exp.Select, exp.Union, exp.Intersect, exp.Except)

_SEMICOLON_LOOKALIKES = frozenset("\uff1b\u037e\ufe54\ufe14\u204f\u061b")
# Letters that render as nothing (Hangul fillers, braille blank) hide keywords as well as control chars do.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})

_ECHO_LIMIT = 24

def check_sql(
    sql: str,
    *,
    max_chars: int = 10_000,
    allowed_tables: frozenset[str] = ALLOWED_TABLES,
    dialect: str = "sqlite",
) -> str:
    """Return the one SELECT in `sql` without comments around it or a trailing semicolon, or raise SqlRefused."""
    if not isinstance(sql, str) or not sql.strip():
        raise SqlRefused("there is no SQL statement", detail_ko="SQL 문이 없어요")
    if len(sql) > max_chars:
        raise SqlRefused(
            f"the SQL is {len(sql):,} characters; the limit is {max_chars:,}",
            detail_ko=f"SQL이 {len(sql):,}자로 제한({max_chars:,}자)을 넘어요",
        )
    _check_characters(sql)
    statement, span, tokens = _parse_single(sql, dialect)
    if not isinstance(statement, _TOP_LEVEL):
        kind = _statement_kind(statement, sql, span)
        raise SqlRefused(f"only SELECT can run, not {kind}", detail_ko=f"{kind} 문은 실행할 수 없어요")
    tables = frozenset(name.lower() for name in allowed_tables)
    for node in statement.walk():
        _check_node(node, tables, dialect)
    if dialect == "sqlite":
        _check_called_names(tokens, statement)
    return sql[span[0]:span[1]]


_CALL_SYNTAX = frozenset({"cast"})  # SQL syntax that reads like a call; its parts are checked as nodes


def _check_called_names(tokens, statement: exp.Expression) -> None:
    """sqlglot reads some functions as others (string_agg as group_concat), but SQLite runs the name as
    written: each name called in the text must itself be admitted, or name a CTE or alias column list."""
    defined = {node.alias_or_name.lower() for node in statement.find_all(exp.CTE, exp.TableAlias)}
    for current, following in zip(tokens, tokens[1:]):
        if current.token_type == TokenType.VAR and following.token_type == TokenType.L_PAREN:
            name = current.text.lower()
            if name not in SAFE_SQLITE_FUNCTIONS and name not in defined and name not in _CALL_SYNTAX:
                shown = _short(name)
                raise SqlRefused(f"the function {shown}() is not allowed", detail_ko=f"{shown}() 함수는 쓸 수 없어요")


def _short(text: str) -> str:
    return text if len(text) <= _ECHO_LIMIT else text[:_ECHO_LIMIT] + "…"


def _check_characters(sql: str) -> None:
    """Refuse characters that hide or split keywords; silently removing them would run SQL nobody reviewed."""
    for position, ch in enumerate(sql):
        if ch in "\t\n\r":
            continue
        if ch == "\x00":
            raise SqlRefused(
                f"the SQL contains a NUL character at position {position}",
                detail_ko=f"{position}번째 위치에 NUL 문자가 있어요",
            )
        if ch in _SEMICOLON_LOOKALIKES:
            raise SqlRefused(
                f"the SQL contains a look-alike semicolon U+{ord(ch):04X} at position {position}",
                detail_ko=f"{position}번째 위치에 세미콜론과 비슷한 문자(U+{ord(ch):04X})가 있어요",
            )
        if ch in _BLANK_LETTERS or unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            raise SqlRefused(
                f"the SQL contains an invisible character U+{ord(ch):04X} at position {position}",
                detail_ko=f"{position}번째 위치에 보이지 않는 문자(U+{ord(ch):04X})가 있어요",
            )


def _parse_single(sql: str, dialect: str) -> tuple[exp.Expression, tuple[int, int], list]:
    """Parse and insist on exactly one statement; return it with its character span in `sql` and its tokens."""
    engine_dialect = Dialect.get_or_raise(dialect)
    try:
        tokens = engine_dialect.tokenize(sql)
        parsed = engine_dialect.parser().parse(tokens, sql)
    except RecursionError:
        raise SqlRefused("the SQL is nested too deeply", detail_ko="SQL이 너무 깊게 중첩되어 있어요") from None
    except ParseError as exc:
        where = exc.errors[0] if exc.errors else {}
        place = f" (line {where['line']}, column {where['col']})" if "line" in where else ""
        raise SqlRefused(f"the SQL could not be parsed{place}", detail_ko=f"SQL을 해석할 수 없어요{place}") from None
    except (SqlglotError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        # A guard fails closed: anything the parser cannot handle is refused, never run.
        raise SqlRefused("the SQL could not be parsed", detail_ko="SQL을 해석할 수 없어요") from None
    chunks: list[list] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    spans = [(chunk[0].start, chunk[-1].end + 1) for chunk in chunks if chunk]
    statements = [s for s in parsed if s is not None and not isinstance(s, exp.Semicolon)]
    if len(spans) > 1 or len(statements) > 1:
        raise SqlRefused("only one statement can run at a time", detail_ko="한 번에 한 문장만 실행할 수 있어요")
    if not spans or not statements:
        raise SqlRefused("there is no SQL statement", detail_ko="SQL 문이 없어요")
    return statements[0], spans[0], next(chunk for chunk in chunks if chunk)


def _statement_kind(statement: exp.Expression, sql: str, span: tuple[int, int]) -> str:
    """Name a refused statement by its keyword (REPLACE, VACUUM, PRAGMA...) without echoing the rest."""
    first_word = sql[span[0]:span[1]].split(None, 1)[0].upper()
    if first_word != "WITH" and first_word.isalpha() and len(first_word) <= 12:
        return first_word
    return statement.key.upper()


def _check_node(node: exp.Expression, tables: frozenset[str], dialect: str) -> None:
    kind = type(node)
    if kind is exp.Anonymous:
        name = node.name.lower()
        if name not in SAFE_SQLITE_FUNCTIONS:
            raise SqlRefused(f"the function {_short(name)}() is not allowed", detail_ko=f"{_short(name)}() 함수는 쓸 수 없어요")
        return
    if kind is exp.Var:
        if not isinstance(node.parent, _VAR_PARENTS):
            raise SqlRefused(
                f"the bare word {_short(node.name)} is not allowed here",
                detail_ko=f"{_short(node.name)}은(는) 이 위치에 쓸 수 없어요",
            )
        return
    if kind not in ALLOWED_NODES:
        if isinstance(node, exp.Func):
            name = _short(_function_name(node, dialect))
            raise SqlRefused(f"the function {name}() is not allowed", detail_ko=f"{name}() 함수는 쓸 수 없어요")
        word = kind.key.upper()
        raise SqlRefused(f"{word} is not allowed in a read-only query", detail_ko=f"읽기 전용 쿼리에는 {word}을(를) 쓸 수 없어요")
    if kind is exp.Table:
        _check_table(node, tables)


def _function_name(node: exp.Func, dialect: str) -> str:
    """The name as the database spells it (sqlglot calls sqlite_version() CurrentVersion, for one)."""
    try:
        rendered = node.sql(dialect=dialect)
    except (SqlglotError, ValueError, RecursionError):
        return node.key
    return rendered.split("(", 1)[0].strip().lower() or node.key


def _check_table(table: exp.Table, tables: frozenset[str]) -> None:
    if table.arg_key == "indexed":
        raise SqlRefused("INDEXED BY is not allowed", detail_ko="INDEXED BY는 쓸 수 없어요")
    if not isinstance(table.this, exp.Identifier):
        raise SqlRefused("table-valued functions are not allowed", detail_ko="테이블 반환 함수는 쓸 수 없어요")
    if table.args.get("catalog") is not None or table.db.lower() not in ("", "main"):
        raise SqlRefused("only the main database can be read", detail_ko="기본 데이터베이스만 읽을 수 있어요")
    name = table.name.lower()
    if not table.db and name in _cte_names_in_scope(table):
        return
    if name not in tables:
        allowed = ", ".join(sorted(tables))
        raise SqlRefused(
            f"the table {_short(name)} is not allowed; use {allowed}",
            detail_ko=f"{_short(name)} 테이블은 조회할 수 없어요 (가능: {allowed})",
        )


def _cte_names_in_scope(node: exp.Expression) -> set[str]:
    """CTE names visible from `node`: those of every enclosing WITH, so a CTE cannot leak out of its subquery."""
    names: set[str] = set()
    scope = node.parent
    while scope is not None:
        with_clause = scope.args.get("with_") or scope.args.get("with")
        if isinstance(with_clause, exp.With):
            names.update(cte.alias_or_name.lower() for cte in with_clause.expressions)
        scope = scope.parent
    return names
