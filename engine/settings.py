"""One typed settings object, read from the environment and `.env` at start-up and passed down explicitly."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from pydantic import Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.paths import DEFAULT_DATABASE_FILE, DEFAULT_MODEL_FILE, DEFAULT_STATE_FILE, ROOT
from plugins.settings import split_values

ENV_FILE = ROOT / ".env"


class Settings(BaseSettings):
    """Every core knob the app has; field names are the environment variable names, case-insensitive.

    Keyword values that name no core field are kept as backend values (by upper-case environment name) for the
    backends' own settings models, so `offline_settings(openai_model="m")` configures the `openai` backend."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    vectorizer: str = "bedrock-flow"
    sql_generator: str = "bedrock-kb"

    # Shared by every network backend; each backend's own settings (AWS_REGION, OPENAI_MODEL, ...) live in
    # its settings_model and are read from the same environment and `.env`.
    backend_connect_timeout: float = Field(3.0, gt=0)
    backend_read_timeout: float = Field(30.0, gt=0)
    backend_max_attempts: int = Field(3, ge=1, le=10)

    database_url: str = f"sqlite:///{DEFAULT_DATABASE_FILE}"
    state_database_url: str = f"sqlite:///{DEFAULT_STATE_FILE}"  # staff, audit log: what the app itself writes
    model_path: Path = DEFAULT_MODEL_FILE

    sql_timeout_seconds: float = Field(2.0, gt=0)
    sql_max_rows: int = Field(1000, ge=1)
    sql_max_chars: int = Field(10_000, ge=100)
    max_input_chars: int = Field(2_000, ge=10)
    sql_history_turns: int = Field(3, ge=0)
    # Whether result rows may go to an LLM to write the answer; off, the templates write it from the result's
    # shape and an LLM sees only the schema text and retrieved pairs.
    llm_result_rows: bool = False
    # DuckDB only: per process, fixed by the first connection to the file.
    duckdb_memory_limit: str = Field("1GB", pattern=r"(?i)^\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*$")
    duckdb_threads: int | None = Field(None, ge=1, le=256)

    load_plugins: str | None = None
    plugins_strict: bool = False

    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    queue_max_size: int = Field(64, ge=1)
    network_concurrency: int = Field(8, ge=1)
    # Backend-calling turns a minute, per browser session and per client address, on each app.
    turns_per_minute: int = Field(20, ge=1)
    turns_per_minute_per_address: int = Field(60, ge=1)
    # Failed staff sign-ins before a lockout, per account and per address; the lockout doubles each time.
    login_max_failures: int = Field(5, ge=1)
    login_lockout_seconds: float = Field(30.0, gt=0)
    download_ttl_seconds: float = Field(3600.0, gt=0)  # CSV files with customer rows live this long
    # Days a consultation request (name, phone) is kept; older ones are deleted on each new request and listing.
    lead_retention_days: int = Field(90, ge=1, le=3650)
    consult_requests_per_hour: int = Field(3, ge=1)  # per browser session

    _env_file_read: Path | None = PrivateAttr(default=None)
    _backend_values: dict[str, Any] = PrivateAttr(default_factory=dict)

    def __init__(self, **values: Any):
        core, backend = split_values(values, type(self).model_fields)
        super().__init__(**core)
        self._env_file_read = core.get("_env_file", self.model_config["env_file"])
        self._backend_values = backend

    @property
    def env_file(self) -> Path | None:
        """The `.env` these settings read (None when ignored); backends read their own settings from it too."""
        return self._env_file_read

    @property
    def backend_values(self) -> dict[str, Any]:
        return dict(self._backend_values)

    @model_validator(mode="before")
    @classmethod
    def _blank_means_unset(cls, values):
        """`KEY=` (as in a copied .env.example) means 'not set', so the default applies, not an empty string."""
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return values


def load_settings(**overrides) -> Settings:
    """Read `.env` into the process environment first so boto3's own credential chain sees it too."""
    load_dotenv(ENV_FILE, override=False)
    return Settings(**overrides)


def offline_settings(**overrides) -> Settings:
    """Settings that ignore `.env` and pick the offline backends: for tests and benchmarks."""
    values = {"vectorizer": "rules", "sql_generator": "rules", **overrides}
    return Settings(_env_file=None, **values)
