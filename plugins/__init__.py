"""The plugin API: a backend imports everything it needs from here, `from plugins import hookimpl, Vectorizer, ...`.

This package also holds the hook specifications, the plugin manager and the built-in backends, which register
through the same hooks a third-party package does. Importing it loads no backend and no test code: the contract
kit (plugins.testing) is imported the first time one of its names is asked for.
"""
from pydantic import Field, SecretStr

from core.errors import (
    BackendError,
    BackendNotConfigured,
    BackendOutputInvalid,
    BackendOutputTruncated,
    BackendThrottled,
    BackendTimeout,
    BadInput,
    ChatError,
    InputTooLong,
)
from plugins.base import (
    Backend,
    Example,
    SqlGenerator,
    SqlRequest,
    SqlResult,
    Turn,
    VectorizeRequest,
    VectorizeResult,
    Vectorizer,
)
from plugins.hookspecs import hookimpl
from plugins.settings import BackendSettings, Readiness

CONTRACT_KIT = (
    "app_settings",
    "check_backend_class",
    "check_import_is_cheap",
    "check_sql_generator",
    "check_sql_result",
    "check_vectorize_result",
    "check_vectorizer",
    "sql_generator_contract",
    "vectorizer_contract",
)

__all__ = [
    "Backend", "BackendError", "BackendNotConfigured", "BackendOutputInvalid", "BackendOutputTruncated",
    "BackendSettings", "BackendThrottled", "BackendTimeout", "BadInput", "ChatError", "Example", "Field",
    "InputTooLong", "Readiness", "SecretStr", "SqlGenerator", "SqlRequest", "SqlResult", "Turn", "VectorizeRequest",
    "VectorizeResult", "Vectorizer", "hookimpl", *CONTRACT_KIT,
]


def __getattr__(name: str):
    """The contract kit on first use: it holds sample requests and a subprocess check no running app needs."""
    if name in CONTRACT_KIT:
        from plugins import testing

        return getattr(testing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
