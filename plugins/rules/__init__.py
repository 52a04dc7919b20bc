"""The offline, deterministic `rules` backends: registered through the hooks like any third-party plugin."""
from plugins import hookimpl


@hookimpl
def register_vectorizers(register):
    from plugins.rules.vectorizer import RulesVectorizer

    register(RulesVectorizer)


@hookimpl
def register_sql_generators(register):
    from plugins.rules.sql import RulesSqlGenerator

    register(RulesSqlGenerator)
