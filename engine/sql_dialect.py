"""Which SQL dialect a database speaks, and the translation of admitted SQLite statements into it.

Every generator, the knowledge base and the guard write SQLite's dialect; the executor translates just
before running on another database, so the guard only ever judges one dialect.
"""
from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from core.errors import BadInput, SqlRefused
from db.database_url import parse_database_url
from db.schema import Base

# SQLAlchemy backend name -> sqlglot dialect, for the databases the executor can open.
_SQLGLOT_DIALECTS = {
    "sqlite": "sqlite", "postgresql": "postgres", "duckdb": "duckdb",
}

_ECHO_LIMIT = 24
_LABELS = {"postgres": "PostgreSQL", "duckdb": "DuckDB"}

# SQLite functions the guard admits that mean nothing (or something else) elsewhere: refused on other
# databases with a clear message rather than failing there with "function does not exist".
_SQLITE_ONLY = frozenset({"typeof", "quote", "julianday", "unixepoch", "timediff", "datetime", "time", "date"})
_SQLITE_ONLY_ON = {"postgres": frozenset({"hex", "glob"})}
_TYPED_NAMES = {exp.Typeof: "typeof", exp.Hex: "hex", exp.Glob: "glob"}
# Query-planner hints: SQLite returns their first argument unchanged.
_PLANNER_HINTS = frozenset({"likely", "unlikely", "likelihood"})

# The dialect every generator, the knowledge base and the guard speak; other databases get a translation.
ENGINE_DIALECT = "sqlite"


def dialect_for_url(url) -> str:
    """The sqlglot dialect that parses SQL for the database behind a SQLAlchemy URL."""
    backend = parse_database_url(url).get_backend_name()
    if backend not in _SQLGLOT_DIALECTS:
        raise BadInput(f"unsupported database type {backend[:_ECHO_LIMIT]!r}")
    return _SQLGLOT_DIALECTS[backend]


def translate_sql(statement: str, dialect: str) -> str:
    """Rewrite an admitted SQLite statement for `dialect`, keeping SQLite's meaning where the two differ.

    SQLite matches identifiers without regard to case, so each one takes its schema (or alias) spelling
    and is quoted, or PostgreSQL would fold prdtGrpCd to prdtgrpcd. LIKE ignores ASCII case in SQLite and
    becomes ILIKE. Integer division stays integer: sqlglot keeps `/` typed for PostgreSQL, and the DuckDB
    connection runs with integer_division on. SQLite's total(), char() and planner hints are rewritten; its
    date, time and type functions are refused (the schema has no dates, and their text formats differ).
    """
    if dialect == ENGINE_DIALECT:
        return statement
    try:
        tree = Dialect.get_or_raise(ENGINE_DIALECT).parse(statement)[0]
        spelling = _schema_spelling(tree)
        for identifier in tree.find_all(exp.Identifier):
            identifier.set("this", spelling.get(identifier.name.lower(), identifier.name))
        tree = tree.transform(_sqlite_like).transform(_portable, dialect)
        return tree.sql(dialect=dialect, identify=True)
    except (SqlglotError, ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError):
        raise SqlRefused(
            f"the SQL could not be translated for {dialect}", detail_ko=f"SQL을 {dialect}용으로 바꿀 수 없어요"
        ) from None


def _schema_spelling(tree: exp.Expression) -> dict[str, str]:
    """Lower-case name -> spelling: the schema's tables and columns first, then the statement's own aliases."""
    spelling: dict[str, str] = {}
    for table in Base.metadata.tables.values():
        spelling.setdefault(table.name.lower(), table.name)
        for column in table.columns:
            spelling.setdefault(column.name.lower(), column.name)
    for node in tree.find_all(exp.Alias, exp.TableAlias, exp.CTE):
        name = node.alias if not isinstance(node, exp.TableAlias) else node.name
        if name:
            spelling.setdefault(name.lower(), name)
    return spelling


def _sqlite_like(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Like):
        return exp.ILike(this=node.this, expression=node.expression)
    return node


def _sqlite_function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        # date(x) alone parses as exp.Date and translates; with modifiers ('+1 day') it stays Anonymous.
        return node.name.lower()
    return _TYPED_NAMES.get(type(node))


def _portable(node: exp.Expression, dialect: str) -> exp.Expression:
    name = _sqlite_function_name(node)
    if name in _SQLITE_ONLY or name in _SQLITE_ONLY_ON.get(dialect, ()):
        label = _LABELS.get(dialect, dialect)
        raise SqlRefused(f"{name}() is SQLite's own and cannot run on {label}",
                         detail_ko=f"{name}()는 SQLite 전용이라 {label}에서 실행할 수 없어요")
    if name == "total":
        total = exp.Coalesce(this=exp.Sum(this=node.expressions[0]), expressions=[exp.Literal.number(0)])
        return exp.cast(total, exp.DataType.build("DOUBLE"))
    if name in _PLANNER_HINTS:
        return node.expressions[0]
    if isinstance(node, exp.Chr) and len(node.expressions) > 1:
        characters = [exp.Chr(expressions=[code]) for code in node.expressions]
        joined = characters[0]
        for character in characters[1:]:
            joined = exp.DPipe(this=joined, expression=character)
        return exp.Paren(this=joined)
    if isinstance(node, exp.CurrentTime) and dialect == "postgres":
        return exp.Var(this="CURRENT_TIME")  # sqlglot writes CURRENT_TIME(), which PostgreSQL cannot parse
    return node
