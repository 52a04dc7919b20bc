"""The rules vectorizer as its tests call it, shared by the test_rules_vectorizer*.py modules; imported by
module name (pytest puts tests/plugins on sys.path)."""
from __future__ import annotations

from core.features import FEATURES
from engine.settings import offline_settings
from plugins.base import VectorizeRequest
from plugins.rules.vectorizer import RulesVectorizer


def vectorize(text: str, language: str = "ko"):
    return RulesVectorizer(offline_settings()).vectorize(VectorizeRequest(text=text, language=language))


def assert_features(text: str, expected: dict, language: str = "ko"):
    """Every feature not in `expected` must be None: the backend never fills in what was not said."""
    result = vectorize(text, language)
    assert result.features == {name: expected.get(name) for name in FEATURES}, result.raw
    return result
