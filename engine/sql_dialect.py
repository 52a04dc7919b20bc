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
    becomes ILIKE. Integer division stays integer: sqlglot keeps `/` typed on both sides.
    """
    if dialect == ENGINE_DIALECT:
        return statement
    try:
        tree = Dialect.get_or_raise(ENGINE_DIALECT).parse(statement)[0]
        spelling = _schema_spelling(tree)
        for identifier in tree.find_all(exp.Identifier):
            identifier.set("this", spelling.get(identifier.name.lower(), identifier.name))
        tree = tree.transform(_sqlite_like)
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
