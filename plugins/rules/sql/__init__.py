"""The rules SQL generator: marketing questions to one SELECT, by a deterministic parser that never guesses.

`generator` is the plugin class; `parser` the one orchestrator, which runs the stages (`scan`, `filters`,
`quantities`, `groupings`, `measures`) over the words in `lexicon` and folds follow-ups (`followups`) into an
`intent` that `render` writes as SQL. Every stage declines the same way (`decline`). Product names, number
words and units come from `core`, as the vectorizer's do.
"""
from plugins.rules.sql.generator import RulesSqlGenerator

__all__ = ["RulesSqlGenerator"]
