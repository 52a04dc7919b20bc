"""The rules vectorizer: customer text to the six features and a product group, by patterns alone.

`backend` is the plugin class and the reading pass, `patterns` every phrasing it knows, `groups` which product
the customer asked for, `household` a household size from its parts. Words and numbers come from `core`.
"""
from plugins.rules.vectorizer.backend import RulesVectorizer

__all__ = ["RulesVectorizer"]
