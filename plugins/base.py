"""What a backend is: a small class whose capabilities are class attributes, plus the values it returns."""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import SecretStr

from core.errors import BackendOutputInvalid
from core.features import FEATURES, PRODUCT_GROUPS
from db.glossary import GlossaryEntry  # noqa: F401 (part of the plugin API: a business term)
from db.retrieval import Example  # noqa: F401 (part of the plugin API: a retrieved sample pair)
from plugins.settings import BackendSettings, Readiness, load_backend_settings, settings_readiness


@dataclass(frozen=True)
class VectorizeRequest:
    text: str
    language: str  # "ko" or "en"
    carried: dict[str, float] = field(default_factory=dict)  # features known from earlier turns
    carried_group: str | None = None


@dataclass(frozen=True)
class VectorizeResult:
    """What the backend itself read from the text: None means 'not stated', never a guess."""

    features: dict[str, float | None]
    product_group: str | None
    raw: str
    clear_group: bool = False  # the customer asked for any product: drop the group carried from earlier turns
    # Facts stated but not usable, which stay None in `features` and are asked about (checked by the engine):
    # {"age": {"reason": "impossible" or "conflicting", "stated": ["1e100 years old"]}}.
    doubtful: dict[str, dict] = field(default_factory=dict)


def checked_result(result: VectorizeResult, backend: str) -> VectorizeResult:
    """Nothing unvalidated reaches the model, whatever a third-party backend returns."""
    if not isinstance(result, VectorizeResult):
        raise BackendOutputInvalid("not a VectorizeResult", backend=backend)
    unknown = set(result.features) - set(FEATURES)
    if unknown:
        raise BackendOutputInvalid(f"unknown features {sorted(unknown)}", backend=backend)
    for name, value in result.features.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise BackendOutputInvalid(f"{name} is not a finite number", backend=backend)
    if result.product_group is not None and result.product_group not in PRODUCT_GROUPS:
        raise BackendOutputInvalid("unknown product group", backend=backend)
    if not isinstance(result.clear_group, bool):
        raise BackendOutputInvalid("clear_group is not a boolean", backend=backend)
    return result


@dataclass(frozen=True)
class Turn:
    question: str
    sql: str


@dataclass(frozen=True)
class SqlRequest:
    question: str
    language: str
    schema_text: str
    examples: tuple[Example, ...] = ()
    history: tuple[Turn, ...] = ()  # earlier question/SQL pairs of this conversation, oldest first
    error_feedback: str | None = None  # the database's complaint about the previous attempt
    glossary: tuple[GlossaryEntry, ...] = ()  # the company's terms and their WHERE conditions (db/glossary.toml)


@dataclass(frozen=True)
class SqlResult:
    """One SQL string (or None when the backend declines), with the backend's raw output."""

    sql: str | None
    raw: str
    suggestions: tuple[str, ...] = ()
    # The backend declines because the question can mean several things ("가장 많은 건?"): `suggestions`
    # are then its readings, and the user is asked to pick one instead of being given a guess.
    ambiguous: bool = False
    # Why it declined, in one short sentence per language ({"ko": ..., "en": ...}), shown with the refusal.
    why: dict[str, str] = field(default_factory=dict)


class Backend:
    backend_id: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    # This backend's own settings (a BackendSettings subclass), or None when it needs none.
    settings_model: ClassVar[type[BackendSettings] | None] = None
    # LLM backends get retries with the database error fed back; deterministic ones do not.
    retry_on_db_error: ClassVar[bool] = True

    def __init__(self, settings, config: BackendSettings | None = None):
        """`settings` are the app's (the shared call limits); `config` this backend's own, read through them unless
        given. A backend that is not ready cannot be built: BackendNotConfigured names what is missing."""
        self.settings = settings
        if config is None and self.settings_model is not None:
            config = load_backend_settings(self.settings_model, settings, self.backend_id)
        self.config = config

    @classmethod
    def readiness(cls, settings) -> Readiness:
        return settings_readiness(cls.settings_model, settings)

    def redact(self, text: str) -> str:
        """Text with this backend's secret settings blanked out: a server may echo a key back in its reply."""
        values = dict(self.config) if self.config is not None else {}
        for value in values.values():
            if isinstance(value, SecretStr) and value.get_secret_value():
                text = text.replace(value.get_secret_value(), "[redacted]")
        return text


class Vectorizer(Backend):
    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        raise NotImplementedError


class SqlGenerator(Backend):
    def generate_sql(self, request: SqlRequest) -> SqlResult:
        raise NotImplementedError

    def write_answer(self, question: str, language: str, columns: list[str], rows: list[list]) -> str | None:
        """An LLM backend may phrase the answer itself; None means the engine's templates answer."""
        return None

    def stream_answer(self, question: str, language: str, columns: list[str], rows: list[list]) -> Iterator[str]:
        """The answer as it is written, piece by piece, for a chat that shows it growing; nothing means the
        templates answer. A BackendError part way through also hands over to the templates."""
        text = self.write_answer(question, language, columns, rows)
        if text:
            yield text
