"""A backend's own settings: a pydantic-settings model whose field names are environment names, read the way
the app's core settings are read, and the readiness report built from what it is missing.

A backend receives the app's settings object; from it this module reads two things besides the shared call
limits: `env_file` (the `.env` the core settings read, None when they ignore it) and `backend_values` (values
given in code, keyed by upper-case environment name, that win over the environment). Anything else a
backend needs it declares in its own model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import AliasChoices, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import BackendNotConfigured

ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


class BackendSettings(BaseSettings):
    """Base of every backend's settings model. A field without a default is required: until it has a value the
    backend is reported as missing it (by environment name) and the app falls back to `rules`."""

    # forbid: a misspelt keyword is an error; the shared `.env` is filtered to this model's own names below.
    model_config = SettingsConfigDict(env_file=None, env_file_encoding="utf-8", extra="forbid")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """`.env` holds every backend's names and the core's; only this model's own reach validation."""
        own = set(_keys(settings_cls))

        def own_dotenv() -> dict[str, Any]:
            return {key: value for key, value in dotenv_settings().items() if key in own}

        return init_settings, env_settings, own_dotenv, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _blank_means_unset(cls, values):
        """`KEY=` (as in a copied .env.example) or an explicit None means 'not set': the default applies, and a
        required setting is reported missing rather than accepted as an empty string."""
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if v is not None and not (isinstance(v, str) and not v.strip())}
        return values


def _alias(info) -> str | None:
    alias = info.validation_alias or info.alias
    if isinstance(alias, AliasChoices):
        alias = next((choice for choice in alias.choices if isinstance(choice, str)), None)
    return alias if isinstance(alias, str) else None


def _keys(model: type[BaseSettings]) -> dict[str, str]:
    """The key each field is validated under (its alias, else its name), mapped to the field's name."""
    return {(_alias(info) or name): name for name, info in model.model_fields.items()}


def env_name(model: type[BaseSettings], field: str) -> str:
    """The environment variable a field is read from: its alias, else env_prefix + its name, upper-cased."""
    alias = _alias(model.model_fields[field])
    return (alias or f"{model.model_config.get('env_prefix', '')}{field}").upper()


def env_names(model: type[BaseSettings]) -> dict[str, str]:
    return {field: env_name(model, field) for field in model.model_fields}


def required_env_names(model: type[BaseSettings]) -> tuple[str, ...]:
    return tuple(env_name(model, field) for field, info in model.model_fields.items() if info.is_required())


def split_values(values: Mapping[str, Any], own: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keyword values for a settings object: those it has (or pydantic's `_env_file`-style options), and the
    rest as backend values keyed by upper-case environment name."""
    mine = {k: v for k, v in values.items() if k in own or k.startswith("_")}
    rest = {k.upper(): v for k, v in values.items() if k not in mine}
    return mine, rest


def _read(model: type[BackendSettings], settings) -> BackendSettings:
    """The model as the app's settings configure it: values given in code, then the environment, then `.env`.
    Raises pydantic's ValidationError, whose text holds the rejected values: never show it."""
    given = {key.upper(): value for key, value in (getattr(settings, "backend_values", None) or {}).items()}
    keys = {field: key for key, field in _keys(model).items()}
    values = {keys[field]: given[name] for field, name in env_names(model).items() if name in given}
    return model(_env_file=getattr(settings, "env_file", None), **values)


@dataclass(frozen=True)
class Readiness:
    """Whether a backend can run; what it lacks, by environment name, and never the values themselves."""

    ready: bool
    missing: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()  # set, but refused by the model's validation

    def describe(self, lang: str = "en") -> str:
        """'AWS_REGION, a valid ACME_TIMEOUT': the names to fix, for a message in Korean or English."""
        valid = "올바른 {}" if lang == "ko" else "a valid {}"
        return ", ".join((*self.missing, *(valid.format(name) for name in self.invalid)))

    def to_json(self) -> dict:
        return {"ready": self.ready, "missing": list(self.missing), "invalid": list(self.invalid)}


def readiness_of(model: type[BaseSettings], error: ValidationError) -> Readiness:
    """Missing and invalid settings named from the error's locations only: its messages echo the values."""
    fields = _keys(model)
    missing, invalid = set(), set()
    for problem in error.errors(include_input=False, include_url=False):
        key = str(problem["loc"][0]) if problem["loc"] else ""
        name = env_name(model, fields[key]) if key in fields else key.upper()
        (missing if problem["type"] == "missing" else invalid).add(name)
    rank = {name: i for i, name in enumerate(env_names(model).values())}
    missing_first = sorted(missing, key=lambda name: rank.get(name, len(rank)))
    invalid_next = sorted(invalid - missing, key=lambda name: rank.get(name, len(rank)))
    return Readiness(False, tuple(missing_first), tuple(invalid_next))


def settings_readiness(model: type[BackendSettings] | None, settings) -> Readiness:
    """Ready when the model (if any) can be built from the app's settings; otherwise what it lacks."""
    if model is None:
        return Readiness(True)
    try:
        _read(model, settings)
    except ValidationError as error:
        return readiness_of(model, error)
    return Readiness(True)


def load_backend_settings(model: type[BackendSettings], settings, backend: str) -> BackendSettings:
    """The model, or BackendNotConfigured naming what is missing or invalid (and no value) when it cannot be built."""
    try:
        return _read(model, settings)
    except ValidationError as error:
        detail = readiness_of(model, error).describe()
    raise BackendNotConfigured(detail, backend=backend)
