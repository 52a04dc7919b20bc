"""Business terms in the rules parser: "VIP 고객 수" reads as "고객 수" with the glossary's condition added to
the WHERE clause, so every term in db/glossary.toml (and each one staff approved) works with every question
shape the parser knows."""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from core.text import fold
from db.glossary import GlossaryEntry, mentioned
from plugins.rules.sql.decline import Decline

_STANDS_IN = {"ko": "고객", "en": "customers"}


def strip_terms(question: str, language: str, entries) -> tuple[str, list[GlossaryEntry]]:
    """The question with each term named replaced by plain "customers", and the terms it named."""
    found = mentioned(question, entries)
    if not found:
        return question, []
    text = fold(question)
    for entry, _ in found:
        text = entry.pattern().sub(f" {_STANDS_IN.get(language, 'customers')} ", text)
    return " ".join(text.split()), [entry for entry, _ in found]


def apply_terms(sql: str, terms: list[GlossaryEntry]) -> str:
    """The parser's query over customer with each term's condition ANDed into its WHERE clause."""
    tree = sqlglot.parse_one(sql, read="sqlite")
    source = tree.args.get("from_") or tree.args.get("from")  # the key sqlglot uses changed between versions
    table = source.this if source is not None else None
    if not isinstance(tree, exp.Select) or tree.args.get("with") or not isinstance(table, exp.Table) \
            or table.name != "customer" or any(True for _ in tree.find_all(exp.Subquery)):
        # A share's total or a nested query would not see the condition: declined rather than half-applied.
        raise Decline("glossary_shape", "a business term in this kind of question")
    for term in terms:
        tree = tree.where(f"({term.condition})", dialect="sqlite", copy=False)
    return tree.sql(dialect="sqlite")
