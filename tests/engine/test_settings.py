"""Settings: the committed .env.example works as a .env unchanged, and typed values are checked."""
import pytest
from pydantic import ValidationError

from core.paths import ROOT
from engine.settings import Settings


def test_env_example_copied_as_is_means_offline_defaults(monkeypatch):
    for name in ("AWS_REGION", "AUTH", "BEDROCK_FLOW_ID", "OPENAI_API_KEY", "BEDROCK_FLOW_INPUT_NODE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=ROOT / ".env.example")
    assert settings.aws_region is None and settings.bedrock_flow_id is None
    assert settings.auth is None and settings.openai_api_key is None
    assert settings.bedrock_flow_input_node == "FlowInputNode"
    assert settings.vectorizer == "bedrock-flow" and settings.sql_timeout_seconds == 2


def test_every_setting_is_documented_in_env_example():
    documented = {line.split("=", 1)[0].lstrip("# ").strip()
                  for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines() if "=" in line}
    assert {name.upper() for name in Settings.model_fields} <= documented


def test_environment_beats_the_env_file_and_bad_values_are_refused(monkeypatch):
    monkeypatch.setenv("SQL_TIMEOUT_SECONDS", "0.5")
    assert Settings(_env_file=None).sql_timeout_seconds == 0.5
    monkeypatch.setenv("SQL_MAX_ROWS", "0")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
