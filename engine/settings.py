"""One typed settings object, read from the environment and `.env` at start-up and passed down explicitly."""
from __future__ import annotations

from pathlib import Path

from dotenv import load_dotenv
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.paths import DEFAULT_DATABASE_FILE, DEFAULT_MODEL_FILE, ROOT

ENV_FILE = ROOT / ".env"


class Settings(BaseSettings):
    """Every knob the app has; field names are the environment variable names, case-insensitive."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    vectorizer: str = "bedrock-flow"
    sql_generator: str = "bedrock-kb"

    aws_region: str | None = None
    aws_profile: str | None = None
    bedrock_flow_id: str | None = None
    bedrock_flow_alias_id: str | None = None
    bedrock_flow_input_node: str = "FlowInputNode"
    bedrock_flow_input_output: str = "document"
    bedrock_model_id: str = "amazon.nova-pro-v1:0"
    bedrock_kb_id: str | None = None
    bedrock_kb_model_arn: str | None = None
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    openai_model: str | None = None

    backend_connect_timeout: float = Field(3.0, gt=0)
    backend_read_timeout: float = Field(30.0, gt=0)
    backend_max_attempts: int = Field(3, ge=1, le=10)

    database_url: str = f"sqlite:///{DEFAULT_DATABASE_FILE}"
    model_path: Path = DEFAULT_MODEL_FILE

    sql_timeout_seconds: float = Field(2.0, gt=0)
    sql_max_rows: int = Field(1000, ge=1)
    sql_max_chars: int = Field(10_000, ge=100)
    max_input_chars: int = Field(2_000, ge=10)
    sql_history_turns: int = Field(3, ge=0)

    load_plugins: str | None = None
    plugins_strict: bool = False

    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    auth: SecretStr | None = None
    queue_max_size: int = Field(64, ge=1)
    network_concurrency: int = Field(8, ge=1)

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
